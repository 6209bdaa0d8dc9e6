// The real databases behind twin Aurora clusters (docs/architecture.md#the-offline-twin-local: real database, emulated control plane).
// - aurora-postgresql: one embedded PostgreSQL server per cluster (roles are server-wide, like a cluster),
//   wal_level from the cluster parameter group, NOLOGIN stand-ins for Aurora's rds_iam / rds_replication.
// - aurora-mysql: a database on the shared MariaDB at MYSQL_URL. Gaps, stated: users and server settings are
//   shared with everything else on that server, there is no AWSAuthenticationPlugin (emulated below), no
//   binlog here (log_bin OFF), no TLS, and a "reboot" changes nothing.
import type { Engine } from '../../lambdas/core/request.js';
import type { SqlRow } from '../../lambdas/ports/sql.js';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createAuroraStandInRoles } from '../database/embedded-postgres.js';
import { connectMysql, mysqlUrl } from '../database/mysql.js';
import { startClusterPostgres, type ClusterPostgres, type ServerSettings } from './pg-server.js';

export interface Login {
  readonly username: string;
  readonly password: string;
}

/** A statement failed in the database; `sqlState` is the SQLSTATE (PostgreSQL) or error code (MySQL). */
export class DatabaseStatementError extends Error {
  readonly sqlState: string | undefined;
  constructor(message: string, sqlState: string | undefined) {
    super(message);
    this.name = 'DatabaseStatementError';
    this.sqlState = sqlState;
  }
}

export interface LoginInfo {
  readonly exists: boolean;
  readonly canLogin: boolean;
  /** PostgreSQL: member of rds_iam. MySQL: created IDENTIFIED WITH AWSAuthenticationPlugin (emulated). */
  readonly iamEnabled: boolean;
}

export interface BackingDatabase {
  readonly engine: Engine;
  readonly host: string;
  readonly port: number;
  readonly master: Login;
  execute(database: string, login: Login, sql: string): Promise<SqlRow[]>;
  loginInfo(user: string): Promise<LoginInfo>;
  /** Emulated IAM login: give the user a password valid for `validForMs` (what a token is for Aurora). */
  issuePassword(user: string, password: string, validForMs: number): Promise<void>;
  /** Emulated token refusal: whatever password the user had stops working. */
  revokePassword(user: string): Promise<void>;
  /** Server settings in effect (PostgreSQL: wal_level etc.). */
  settings(): Promise<Record<string, string>>;
  inventory(): Promise<unknown>;
  restart(settings: ServerSettings): Promise<void>;
  stop(): Promise<void>;
  /** Process id of the server this backing owns (PostgreSQL), for the "nothing left behind" checks. */
  pid(): number | undefined;
  readonly dataDir: string | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Values as plain JSON (what the Data API's formatRecordsAs JSON gives and the AWS adapter passes on)

function jsonValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  // Arrays and structs stay JSON text, as in the adapter's parseRecords.
  return JSON.stringify(v);
}

function jsonRow(row: Record<string, unknown>): SqlRow {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(row)) out[k] = jsonValue(v);
  return out;
}

// int8 as a number when it fits (the Data API returns longs as JSON numbers); everything else as pg parses it.
const PG_TYPES = {
  getTypeParser: (oid: number, format?: string) => {
    if (oid === 20) {
      return (text: string) => {
        const n = Number(text);
        return Number.isSafeInteger(n) ? n : text;
      };
    }
    return (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL

export async function startPgBacking(input: { readonly password: string; readonly port?: number; readonly settings: ServerSettings; readonly databaseName: string }): Promise<BackingDatabase> {
  const server = await startClusterPostgres({ password: input.password, ...(input.port !== undefined && { port: input.port }), settings: input.settings });
  try {
    const admin = await server.connect();
    try {
      await createAuroraStandInRoles(admin);
      if (input.databaseName !== 'postgres') await admin.query(`CREATE DATABASE ${ident(input.databaseName)}`);
    } finally {
      await admin.end();
    }
  } catch (e) {
    await server.stop();
    throw e;
  }
  return new PgBacking(server);
}

class PgBacking implements BackingDatabase {
  readonly engine = 'aurora-postgresql' as const;
  readonly host: string;
  readonly port: number;
  readonly master: Login;
  readonly dataDir: string;

  constructor(private readonly server: ClusterPostgres) {
    this.host = server.host;
    this.port = server.port;
    this.master = { username: server.user, password: server.password };
    this.dataDir = server.dataDir;
  }

  pid(): number | undefined {
    return this.server.pid();
  }

  async execute(database: string, login: Login, sql: string): Promise<SqlRow[]> {
    const client = new pg.Client({ ...this.server.config(database, { user: login.username, password: login.password }), types: PG_TYPES });
    let rows: SqlRow[];
    try {
      await client.connect();
      // Extended protocol: like the Data API, one statement per call (multi-statement text is refused).
      const result = await client.query({ text: sql, queryMode: 'extended' } as pg.QueryConfig);
      rows = (result.rows as Record<string, unknown>[]).map(jsonRow);
    } catch (e) {
      throw new DatabaseStatementError((e as Error).message, (e as { code?: string }).code);
    } finally {
      await client.end().catch(() => undefined);
    }
    await this.syncReplicationAttribute();
    return rows;
  }

  /**
   * Aurora emulation hook: on Aurora, membership in rds_replication lets a role replicate; on plain
   * PostgreSQL a membership cannot confer the REPLICATION attribute. So after every Data API statement the
   * twin gives REPLICATION to exactly the (non-superuser) members of rds_replication.
   */
  async syncReplicationAttribute(): Promise<void> {
    const admin = await this.server.connect();
    try {
      const { rows } = await admin.query<{ rolname: string; rolreplication: boolean; member: boolean }>(
        `SELECT r.rolname, r.rolreplication, pg_has_role(r.oid, 'rds_replication', 'MEMBER') AS member
         FROM pg_roles r WHERE NOT r.rolsuper AND r.rolname !~ '^pg_' AND r.rolname <> 'rds_replication'`,
      );
      for (const r of rows) {
        if (r.member !== r.rolreplication) await admin.query(`ALTER ROLE ${ident(r.rolname)} WITH ${r.member ? 'REPLICATION' : 'NOREPLICATION'}`);
      }
    } finally {
      await admin.end();
    }
  }

  async loginInfo(user: string): Promise<LoginInfo> {
    const admin = await this.server.connect();
    try {
      const { rows } = await admin.query<{ rolcanlogin: boolean; iam: boolean }>(
        `SELECT rolcanlogin, pg_has_role(oid, 'rds_iam', 'MEMBER') AS iam FROM pg_roles WHERE rolname = $1`,
        [user],
      );
      const row = rows[0];
      return row === undefined ? { exists: false, canLogin: false, iamEnabled: false } : { exists: true, canLogin: row.rolcanlogin, iamEnabled: row.iam };
    } finally {
      await admin.end();
    }
  }

  async issuePassword(user: string, password: string, validForMs: number): Promise<void> {
    const until = new Date(Date.now() + validForMs).toISOString();
    await this.admin(`ALTER ROLE ${ident(user)} WITH PASSWORD ${literal(password)} VALID UNTIL ${literal(until)}`);
  }

  async revokePassword(user: string): Promise<void> {
    const exists = (await this.loginInfo(user)).exists;
    if (exists) await this.admin(`ALTER ROLE ${ident(user)} WITH PASSWORD NULL`);
  }

  async settings(): Promise<Record<string, string>> {
    const admin = await this.server.connect();
    try {
      const { rows } = await admin.query<{ name: string; setting: string }>(
        `SELECT name, setting FROM pg_settings WHERE name IN ('wal_level', 'max_replication_slots', 'max_wal_senders')
         UNION ALL SELECT 'rds.logical_replication', current_setting('rds.logical_replication', true)
         UNION ALL SELECT 'rds.iam_auth_for_replication', current_setting('rds.iam_auth_for_replication', true)`,
      );
      return Object.fromEntries(rows.filter((r) => r.setting !== null).map((r) => [r.name, r.setting]));
    } finally {
      await admin.end();
    }
  }

  async inventory(): Promise<unknown> {
    const admin = await this.server.connect();
    let roles: unknown[];
    let slots: unknown[];
    let databases: string[];
    let settings: Record<string, string>;
    try {
      roles = (
        await admin.query(
          `SELECT r.rolname::text AS name, r.rolcanlogin AS "canLogin", r.rolsuper AS superuser, r.rolreplication AS replication,
             COALESCE((SELECT array_agg(m.rolname::text ORDER BY m.rolname) FROM pg_auth_members am JOIN pg_roles m ON m.oid = am.roleid WHERE am.member = r.oid), '{}'::text[]) AS "memberOf"
           FROM pg_roles r WHERE r.rolname !~ '^pg_' AND r.rolname <> $1 ORDER BY r.rolname`,
          [this.master.username],
        )
      ).rows;
      slots = (
        await admin.query(`SELECT slot_name::text AS name, plugin::text, slot_type AS type, database::text, temporary, active FROM pg_replication_slots ORDER BY slot_name`)
      ).rows;
      databases = (await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname`)).rows.map((r) => r.datname);
    } finally {
      await admin.end();
    }
    settings = await this.settings();
    const perDatabase: unknown[] = [];
    for (const name of databases) perDatabase.push({ name, ...(await this.databaseInventory(name)) });
    return { engine: this.engine, settings, roles, replicationSlots: slots, databases: perDatabase };
  }

  private async databaseInventory(database: string): Promise<Record<string, unknown>> {
    const client = await this.server.connect(database);
    try {
      const tables = (
        await client.query<{ t: string }>(
          `SELECT n.nspname || '.' || c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' ORDER BY 1`,
        )
      ).rows.map((r) => r.t);
      // Grants to anyone but the owner (the owner's implicit privileges are noise).
      const tableGrants = (
        await client.query(
          `SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
             n.nspname || '.' || c.relname AS "table", a.privilege_type AS privilege
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN LATERAL aclexplode(c.relacl) a
           WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND a.grantee <> c.relowner ORDER BY 1, 2, 3`,
        )
      ).rows;
      const schemaGrants = (
        await client.query(
          `SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee, n.nspname AS schema, a.privilege_type AS privilege
           FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a
           WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_' AND a.grantee <> n.nspowner ORDER BY 1, 2, 3`,
        )
      ).rows;
      const databaseGrants = (
        await client.query(
          `SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee, a.privilege_type AS privilege
           FROM pg_database d CROSS JOIN LATERAL aclexplode(d.datacl) a WHERE d.datname = current_database() AND a.grantee <> d.datdba ORDER BY 1, 2`,
        )
      ).rows;
      const publications = (
        await client.query(
          `SELECT p.pubname AS name, p.puballtables AS "allTables",
             COALESCE((SELECT array_agg(pt.schemaname || '.' || pt.tablename ORDER BY 1) FROM pg_publication_tables pt WHERE pt.pubname = p.pubname), '{}'::text[]) AS tables
           FROM pg_publication p ORDER BY p.pubname`,
        )
      ).rows;
      return { tables, tableGrants, schemaGrants, databaseGrants, publications };
    } finally {
      await client.end();
    }
  }

  async restart(settings: ServerSettings): Promise<void> {
    await this.server.restart(settings);
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  private async admin(sql: string): Promise<void> {
    const admin = await this.server.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// MySQL (MariaDB at MYSQL_URL)

const ALTER_USER_REQUIRE_SSL = /^\s*ALTER\s+USER\s+'([a-z_][a-z0-9_]{0,31})'@'([^']+)'\s+REQUIRE\s+SSL\s*$/i;
const CALL_RDS_SET_CONFIGURATION = /^\s*CALL\s+mysql\.rds_set_configuration\s*\(\s*'([^']+)'\s*,\s*('?[\w .-]*'?|NULL)\s*\)\s*$/i;
const CREATE_IAM_USER = /^\s*CREATE\s+USER\s+(IF\s+NOT\s+EXISTS\s+)?'([a-z_][a-z0-9_]{0,31})'@'([^']+)'\s+IDENTIFIED\s+WITH\s+AWSAuthenticationPlugin\s+AS\s+'RDS'\s*$/i;
const CREATE_USER = /^\s*CREATE\s+USER\s+(?:IF\s+NOT\s+EXISTS\s+)?'([a-z_][a-z0-9_]{0,31})'@'([^']+)'/i;
const DROP_USER = /^\s*DROP\s+USER\s+(?:IF\s+EXISTS\s+)?'([a-z_][a-z0-9_]{0,31})'@'([^']+)'\s*$/i;
const SAFE_DB = /^[a-z][a-z0-9_]{0,63}$/;

/** Where the shared MySQL/MariaDB is, and its superuser (the "master user" of every twin MySQL cluster). */
export function mysqlServer(target: string): { readonly host: string; readonly port: number; readonly master: Login } {
  const url = new URL(target);
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    master: { username: decodeURIComponent(url.username || 'root'), password: decodeURIComponent(url.password) },
  };
}

export async function startMysqlBacking(input: { readonly databaseName: string; readonly iamAuthEnabled: () => boolean }): Promise<BackingDatabase> {
  if (!SAFE_DB.test(input.databaseName)) throw new Error(`unsafe database name "${input.databaseName}"`);
  const target = await mysqlUrl();
  const admin = await connectMysql(target);
  try {
    const [existing] = await admin.query<mysql.RowDataPacket[]>('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [input.databaseName]);
    // The server is shared: refuse rather than adopt (and later drop) a database the twin did not create.
    if (existing.length > 0) throw new Error(`database ${input.databaseName} already exists on the shared MySQL/MariaDB at MYSQL_URL; the twin will not take it over`);
    await admin.query(`CREATE DATABASE \`${input.databaseName}\``);
  } catch (e) {
    await admin.end();
    throw e;
  }
  return new MysqlBacking(admin, input.databaseName, { ...mysqlServer(target), iamAuthEnabled: input.iamAuthEnabled });
}

class MysqlBacking implements BackingDatabase {
  readonly engine = 'aurora-mysql' as const;
  readonly host: string;
  readonly port: number;
  readonly master: Login;
  readonly dataDir = undefined;
  /** Accounts created through this cluster's Data API, dropped with the cluster (the server is shared). */
  private readonly accounts = new Set<string>();
  /** Accounts whose `REQUIRE SSL` was recorded instead of run (emulated: no TLS here). */
  readonly sslRequired = new Set<string>();
  /** Accounts created IDENTIFIED WITH AWSAuthenticationPlugin (emulated: MariaDB has no such plugin). */
  private readonly iamAccounts = new Set<string>();
  private readonly configuration = new Map<string, string>();
  private readonly iamAuthEnabled: () => boolean;
  private stopped = false;

  constructor(
    private readonly admin: mysql.Connection,
    private readonly database: string,
    settings: { host: string; port: number; master: Login; iamAuthEnabled: () => boolean },
  ) {
    this.host = settings.host;
    this.port = settings.port;
    this.master = settings.master;
    this.iamAuthEnabled = settings.iamAuthEnabled;
  }

  pid(): number | undefined {
    return undefined;
  }

  async execute(database: string, login: Login, sql: string): Promise<SqlRow[]> {
    // Aurora emulation: two Aurora-only statements of the setup SQL are emulated, not run.
    const config = CALL_RDS_SET_CONFIGURATION.exec(sql);
    if (config) {
      this.configuration.set(config[1]!.toLowerCase(), config[2]!.replace(/'/g, ''));
      return [];
    }
    // Emulation: the local MariaDB has no TLS, so REQUIRE SSL would lock the CDC user out; it is recorded, not run.
    const requireSsl = ALTER_USER_REQUIRE_SSL.exec(sql);
    if (requireSsl) {
      this.sslRequired.add(`'${requireSsl[1]}'@'${requireSsl[2]}'`);
      return [];
    }
    const iamUser = CREATE_IAM_USER.exec(sql);
    if (iamUser) {
      if (!this.iamAuthEnabled()) throw new DatabaseStatementError("Plugin 'AWSAuthenticationPlugin' is not loaded", '1524');
      const account = `'${iamUser[2]}'@'${iamUser[3]}'`;
      await this.run(database, login, `CREATE USER ${iamUser[1] ?? ''}${account}`);
      this.accounts.add(account);
      this.iamAccounts.add(account);
      return [];
    }
    const rows = await this.run(database, login, sql);
    const created = CREATE_USER.exec(sql);
    if (created) this.accounts.add(`'${created[1]}'@'${created[2]}'`);
    const dropped = DROP_USER.exec(sql);
    if (dropped) {
      this.sslRequired.delete(`'${dropped[1]}'@'${dropped[2]}'`);
      this.accounts.delete(`'${dropped[1]}'@'${dropped[2]}'`);
      this.iamAccounts.delete(`'${dropped[1]}'@'${dropped[2]}'`);
    }
    return rows;
  }

  private async run(database: string, login: Login, sql: string): Promise<SqlRow[]> {
    let conn: mysql.Connection | undefined;
    try {
      conn = await mysql.createConnection({
        host: this.host,
        port: this.port,
        user: login.username,
        password: login.password,
        database,
        multipleStatements: false,
        dateStrings: true,
        supportBigNumbers: true,
        connectTimeout: 5000,
      });
      const [result] = await conn.query(sql);
      return Array.isArray(result) ? (result as Record<string, unknown>[]).map((r) => jsonRow({ ...r })) : [];
    } catch (e) {
      throw new DatabaseStatementError((e as Error).message, (e as { errno?: number }).errno?.toString());
    } finally {
      await conn?.end().catch(() => undefined);
    }
  }

  async loginInfo(user: string): Promise<LoginInfo> {
    const [rows] = await this.admin.query<mysql.RowDataPacket[]>(`SELECT User FROM mysql.user WHERE User = ? AND Host = '%'`, [user]);
    const exists = rows.length > 0;
    return { exists, canLogin: exists, iamEnabled: this.iamAccounts.has(`'${user}'@'%'`) };
  }

  async issuePassword(user: string, password: string): Promise<void> {
    await this.admin.query(`ALTER USER ?@'%' IDENTIFIED BY ?`, [user, password]);
  }

  async revokePassword(user: string): Promise<void> {
    if ((await this.loginInfo(user)).exists) await this.admin.query(`ALTER USER ?@'%' IDENTIFIED BY ?`, [user, `revoked-${Math.random().toString(36).slice(2)}`]);
  }

  async settings(): Promise<Record<string, string>> {
    const [rows] = await this.admin.query<mysql.RowDataPacket[]>(`SHOW VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format', 'binlog_row_image')`);
    const out: Record<string, string> = Object.fromEntries(rows.map((r) => [String(r['Variable_name']), String(r['Value'])]));
    for (const [k, v] of this.configuration) out[`rds_configuration:${k}`] = v;
    return out;
  }

  async inventory(): Promise<unknown> {
    const [tables] = await this.admin.query<mysql.RowDataPacket[]>(
      'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
      [this.database],
    );
    const users: unknown[] = [];
    for (const account of [...this.accounts].sort()) {
      const m = /^'([^']+)'@'([^']+)'$/.exec(account)!;
      let grants: string[] = [];
      try {
        const [rows] = await this.admin.query<mysql.RowDataPacket[]>('SHOW GRANTS FOR ?@?', [m[1], m[2]]);
        // Password hashes change with every emulated IAM login; they are not part of the picture.
        grants = rows.map((r) => String(Object.values(r)[0]).replace(/ IDENTIFIED BY PASSWORD '[^']*'/, '')).sort();
      } catch {
        grants = ['(account missing)'];
      }
      users.push({ account, iamPlugin: this.iamAccounts.has(account), grants });
    }
    return { engine: this.engine, settings: await this.settings(), database: this.database, tables: tables.map((t) => String(t['TABLE_NAME'])), users };
  }

  async restart(): Promise<void> {
    // The shared server cannot be restarted for one cluster; settings stay what the server has.
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      await this.admin.query(`DROP DATABASE IF EXISTS \`${this.database}\``);
      for (const account of this.accounts) {
        const m = /^'([^']+)'@'([^']+)'$/.exec(account)!;
        await this.admin.query('DROP USER IF EXISTS ?@?', [m[1], m[2]]);
      }
    } finally {
      await this.admin.end().catch(() => undefined);
    }
  }
}
