// The MariaDB/MySQL server of the MySQL-path tests and the demo: the one at MYSQL_URL when it is set (an override),
// else a private server started from the machine's mariadbd on first use (mariadb-server.ts) and stopped with
// stopPrivateMysql() or at exit. Under jest, test/support/mysql-global-setup.mjs starts one per run and passes its
// URL down as MYSQL_URL, or records why there is none (MYSQL_SKIP_REASON) so the MySQL-path tests are skipped
// with that reason. Also: connect, and create/drop uniquely named scratch databases.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { startMariadbServer, type MariadbServer } from './mariadb-server.js';

/** Set by the jest global setup when the run has no MySQL server: the one-line reason. */
export const MYSQL_SKIP_REASON_ENV = 'RPCN_MYSQL_SKIP_REASON';

let privateServer: Promise<MariadbServer> | undefined;

/** The server's URL: MYSQL_URL, or a private server started now (once per process). */
export async function mysqlUrl(): Promise<string> {
  const configured = process.env['MYSQL_URL'];
  if (configured) return configured;
  privateServer ??= startMariadbServer().catch((e: unknown) => {
    privateServer = undefined;
    throw e;
  });
  return (await privateServer).url;
}

/** Stop the private server this process started, if any. */
export async function stopPrivateMysql(): Promise<void> {
  const server = privateServer;
  privateServer = undefined;
  if (server) await (await server.catch(() => undefined))?.stop();
}

/** Why the MySQL-path tests cannot run in this jest run, or undefined when they can. */
export function mysqlSkipReason(): string | undefined {
  return process.env[MYSQL_SKIP_REASON_ENV] || undefined;
}

/** Thrown when the server at MYSQL_URL cannot be reached or refuses the login. */
export class MysqlUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`cannot connect to MySQL/MariaDB at ${redact(url)} (check MYSQL_URL, or unset it to use a private server): ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'MysqlUnavailableError';
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Connect (single statements only: multipleStatements stays off, like the RDS Data API). */
export async function connectMysql(target?: string): Promise<mysql.Connection> {
  const url = target ?? (await mysqlUrl());
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
