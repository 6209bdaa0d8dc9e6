// MariaDB/MySQL at MYSQL_URL (default mysql://root@127.0.0.1:3306) for the MySQL-path tests: connect, and
// create/drop uniquely named scratch databases. An unreachable server is an error, never a skip: CI installs
// MariaDB (.ci/run).
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

export const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306';

export function mysqlUrl(): string {
  return process.env['MYSQL_URL'] || DEFAULT_MYSQL_URL;
}

/** Thrown when the server at MYSQL_URL cannot be reached or refuses the login. */
export class MysqlUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `cannot connect to MySQL/MariaDB at ${redact(url)} (set MYSQL_URL; CI installs MariaDB, see .ci/run): ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'MysqlUnavailableError';
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Connect (single statements only: multipleStatements stays off, like the RDS Data API). */
export async function connectMysql(url = mysqlUrl()): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection({ uri: url, multipleStatements: false, connectTimeout: 5000 });
  } catch (e) {
    throw new MysqlUnavailableError(url, e);
  }
}

/** `prefix_` + 8 random hex characters: a fresh name per run, so parallel runs never collide. */
export function uniqueName(prefix: string): string {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(name)) throw new Error(`unsafe name "${name}"`);
  return name;
}

export interface ScratchDatabase {
  readonly name: string;
  /** Drop the database; safe to call twice. */
  drop(): Promise<void>;
}

export async function createScratchDatabase(conn: mysql.Connection, prefix = 'rpcn_test'): Promise<ScratchDatabase> {
  const name = uniqueName(prefix);
  await conn.query(`CREATE DATABASE \`${name}\``);
  return {
    name,
    async drop() {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    },
  };
}
