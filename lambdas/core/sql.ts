// Database setup, teardown and probe SQL for a link (docs/architecture.md#generated-artifacts and docs/architecture.md#probe-and-diagnosis), per engine. Pure: no I/O.
//
// Every builder returns an ordered list with ONE statement per element, because the RDS Data API runs one
// statement per call (docs/reference/aws.md A1). Every statement is idempotent, so the list can be run
// again after a partial failure (or twice in a row) and converges. Identifiers were checked by request.ts;
// they are checked again here, at the boundary where they become SQL, and then quoted (PostgreSQL "...",
// MySQL `...`). Nothing user-supplied reaches SQL unvalidated.
import { linkNames } from './naming.js';
import { placeholder } from './context.js';
import { printable, RESERVED_DB_USERS, type Engine, type LinkRequest } from './request.js';

// ---------------------------------------------------------------------------------------------------------
// Types and errors

/** One SQL statement (never several) with why it is there. */
export interface SqlStatement {
  /** Stable id, e.g. `pg.publication.converge`; tests, logs and the diagnosis catalogue refer to it. */
  readonly id: string;
  /** Exactly one statement, without a trailing `;`. */
  readonly sql: string;
  readonly purpose: string;
  /** Present when the statement cannot run on the local stand-ins (embedded PostgreSQL, MariaDB). */
  readonly auroraOnly?: { readonly reason: string };
  /** For an Aurora-only statement: what the local stand-in runs instead, if anything. */
  readonly localEquivalent?: { readonly sql: string; readonly note: string };
  /** DDL/DCL: run with the Data API's `continueAfterTimeout` (docs/reference/aws.md A1). */
  readonly ddl?: boolean;
  /**
   * Needs the setup user to own the configured tables (or be a member of their owner) unless what it sets is
   * already in place: the table ownership check ({@link postgresTableOwnershipCheck}) runs before it.
   */
  readonly needsTableOwnership?: boolean;
}

/** A probe query: `returns` documents the rows it yields (column names are the keys of each row). */
export interface SqlCheck extends SqlStatement {
  readonly returns: string;
}

/** A row as the Sql port returns it: column name → value (Data API and drivers may differ in value types). */
export type SqlRow = Readonly<Record<string, unknown>>;

export type FindingSeverity = 'error' | 'warning';

/** One result of evaluating probe rows; `code` keys the diagnosis catalogue. */
export interface SqlFinding {
  readonly code: SqlFindingCode;
  readonly severity: FindingSeverity;
  readonly message: string;
}

export type SqlFindingCode =
  | 'PG_USER_MISSING'
  | 'PG_USER_CANNOT_LOGIN'
  | 'PG_USER_IS_SUPERUSER'
  | 'PG_USER_NOT_RDS_IAM'
  | 'PG_USER_NOT_RDS_REPLICATION'
  | 'PG_USER_EXTRA_ROLE'
  | 'PG_SCHEMA_NO_USAGE'
  | 'PG_DATABASE_NO_CONNECT'
  | 'PG_TABLE_MISSING'
  | 'PG_TABLE_NO_PRIMARY_KEY'
  | 'PG_TABLE_NOT_GRANTED'
  | 'PG_TABLE_EXTRA_PRIVILEGE'
  | 'PG_PUBLICATION_MISSING'
  | 'PG_PUBLICATION_ALL_TABLES'
  | 'PG_PUBLICATION_MISSING_TABLES'
  | 'PG_PUBLICATION_EXTRA_TABLES'
  | 'PG_SLOT_MISSING'
  | 'PG_SLOT_INACTIVE'
  | 'PG_SLOT_WRONG_PLUGIN'
  | 'PG_SLOT_OTHER_DATABASE'
  | 'PG_SLOT_WAL_LOST'
  | 'PG_WAL_LEVEL_NOT_LOGICAL'
  | 'MYSQL_USER_MISSING'
  | 'MYSQL_USER_NOT_IAM'
  | 'MYSQL_USER_SSL_NOT_REQUIRED'
  | 'MYSQL_GRANT_MISSING'
  | 'MYSQL_GRANT_EXTRA'
  | 'MYSQL_BINLOG_OFF'
  | 'MYSQL_BINLOG_FORMAT_NOT_ROW'
  | 'MYSQL_BINLOG_ROW_IMAGE_NOT_FULL'
  | 'MYSQL_NO_BINLOG_DUMP';

export interface Evaluation {
  /** True when no finding is an error. */
  readonly ok: boolean;
  readonly findings: readonly SqlFinding[];
}

/** Thrown when a value about to become a SQL identifier or literal is not of the allowed form. */
export class SqlIdentifierError extends Error {
  readonly field: string;
  constructor(field: string, value: unknown, rule: string) {
    super(`${field}: ${typeof value === 'string' ? `"${printable(value)}"` : String(value)} is not a safe SQL identifier (${rule})`);
    this.name = 'SqlIdentifierError';
    this.field = field;
  }
}

/** Thrown for a builder option that contradicts the request. */
export class SqlOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlOptionError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Identifier validation and quoting

const PG_IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
const PG_DATABASE = /^[a-z][a-z0-9_]{0,62}$/;
const PG_SLOT = /^[a-z0-9_]{1,50}$/;
const MYSQL_USER = /^[a-z_][a-z0-9_]{0,31}$/;
const MYSQL_DATABASE = /^[a-z][a-z0-9_]{0,63}$/;
const MYSQL_TABLE = /^[a-zA-Z_][a-zA-Z0-9_$]{0,63}$/;
/** Privilege keywords as SHOW GRANTS prints them (e.g. `REPLICATION SLAVE`, `BINLOG MONITOR`, `FLUSH_TABLES`). */
const MYSQL_PRIVILEGE = /^[A-Z][A-Z_]*( [A-Z][A-Z_]*)*$/;

function check(re: RegExp, value: unknown, field: string, rule: string): string {
  if (typeof value !== 'string' || !re.test(value)) throw new SqlIdentifierError(field, value, rule);
  return value;
}

function checkNotReserved(user: string, field: string): string {
  if (RESERVED_DB_USERS.includes(user.toLowerCase()) || /^(pg_|rds|aws_)/.test(user)) {
    throw new SqlIdentifierError(field, user, 'reserved by Aurora or the engine; never ours to create, grant or drop');
  }
  return user;
}

/** A PostgreSQL identifier (lower-case ASCII, ≤ 63), validated and double-quoted. */
export function quotePg(value: unknown, field = 'identifier'): string {
  return `"${check(PG_IDENT, value, field, 'PostgreSQL: 1-63 of a-z, 0-9, "_", not starting with a digit')}"`;
}

/** A PostgreSQL string literal of an identifier-shaped value (catalog lookups such as `rolname = '...'`). */
export function pgLiteral(value: unknown, field = 'identifier', re: RegExp = PG_IDENT): string {
  return `'${check(re, value, field, 'PostgreSQL: 1-63 of a-z, 0-9, "_"')}'`;
}

/** A MySQL identifier (database or table), validated and back-quoted. */
export function quoteMysql(value: unknown, field = 'identifier', re: RegExp = MYSQL_TABLE): string {
  return `\`${check(re, value, field, 'MySQL: 1-64 of a-z, A-Z, 0-9, "_", "$", not starting with a digit or "$"')}\``;
}

/** A MySQL account `'user'@'%'`, validated. */
export function mysqlAccount(user: unknown, field = 'cdc.user'): string {
  return `'${check(MYSQL_USER, user, field, 'MySQL user: 1-32 of a-z, 0-9, "_", not starting with a digit')}'@'%'`;
}

/**
 * A database name for a database-level GRANT (`ON db.*`): there `_` and `%` are wildcards, so `_` is escaped
 * (`my\_db`); unescaped, `GRANT ... ON my_db.*` would also cover `myXdb`.
 */
function mysqlGrantDatabase(db: string): string {
  return `\`${db.replace(/_/g, '\\_')}\``;
}

// ---------------------------------------------------------------------------------------------------------
// Validated targets

/** Everything the PostgreSQL SQL of a link names, validated. */
export interface PgTarget {
  readonly user: string;
  readonly database: string;
  readonly schema: string;
  readonly tables: readonly string[];
  readonly slot: string;
  readonly publication: string;
}

/** Everything the MySQL SQL of a link names, validated. */
export interface MysqlTarget {
  readonly user: string;
  readonly database: string;
  readonly tables: readonly string[];
}

function replicationNames(request: LinkRequest): { slot: string; publication: string } {
  // Slot and publication depend only on the link name; the account id is not needed for them.
  const { slot, publication } = linkNames(request, placeholder('DB_ACCOUNT_ID'));
  return { slot, publication };
}

function checkTables<T>(tables: unknown, each: (t: unknown, field: string) => T, key: (t: T) => string): T[] {
  if (!Array.isArray(tables) || tables.length === 0) {
    throw new SqlIdentifierError('cdc.tables', tables, 'a non-empty list of table names (empty would mean every table)');
  }
  const seen = new Set<string>();
  return tables.map((t, i) => {
    const v = each(t, `cdc.tables[${i}]`);
    if (seen.has(key(v))) throw new SqlIdentifierError(`cdc.tables[${i}]`, t, 'listed twice');
    seen.add(key(v));
    return v;
  });
}

/** Revalidate the PostgreSQL names of a request; throws {@link SqlIdentifierError}. */
export function pgTarget(request: LinkRequest): PgTarget {
  if (request.engine !== 'aurora-postgresql') throw new SqlOptionError(`engine is ${request.engine}, not aurora-postgresql`);
  const rule = 'PostgreSQL: 1-63 of a-z, 0-9, "_", not starting with a digit';
  const user = checkNotReserved(check(PG_IDENT, request.cdc.user, 'cdc.user', rule), 'cdc.user');
  const database = check(PG_DATABASE, request.database.databaseName, 'database.databaseName', 'a-z first, then a-z, 0-9, "_", ≤ 63');
  const schema = check(PG_IDENT, request.cdc.schema, 'cdc.schema', rule);
  if (/^pg_/.test(schema) || schema === 'information_schema') throw new SqlIdentifierError('cdc.schema', schema, 'a system schema');
  const tables = checkTables(request.cdc.tables, (t, f) => check(PG_IDENT, t, f, rule), (t) => t);
  const { slot, publication } = replicationNames(request);
  check(PG_SLOT, slot, 'slot', '^[a-z0-9_]{1,50}$');
  if (publication !== `pglog_stream_${slot}`) throw new SqlIdentifierError('publication', publication, `must be pglog_stream_${slot}`);
  check(PG_IDENT, publication, 'publication', rule);
  return { user, database, schema, tables, slot, publication };
}

/** Revalidate the MySQL names of a request; throws {@link SqlIdentifierError}. */
export function mysqlTarget(request: LinkRequest): MysqlTarget {
  if (request.engine !== 'aurora-mysql') throw new SqlOptionError(`engine is ${request.engine}, not aurora-mysql`);
  const user = checkNotReserved(check(MYSQL_USER, request.cdc.user, 'cdc.user', 'MySQL user: 1-32 of a-z, 0-9, "_"'), 'cdc.user');
  const database = check(MYSQL_DATABASE, request.database.databaseName, 'database.databaseName', 'a-z first, then a-z, 0-9, "_", ≤ 64');
  const tables = checkTables(
    request.cdc.tables,
    (t, f) => check(MYSQL_TABLE, t, f, 'MySQL: 1-64 of a-z, A-Z, 0-9, "_", "$"'),
    (t) => t.toLowerCase(),
  );
  return { user, database, tables };
}

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL

export interface PostgresSetupOptions {
  /**
   * Create the replication slot up front (default false). Only for `cdc.snapshot: false`: when the slot
   * already exists, postgres_cdc skips the snapshot (docs/reference/redpanda-connect.md §0.10), so the
   * pipeline would silently stream only new changes.
   */
  readonly createSlot?: boolean;
}

const pgTableList = (t: PgTarget) => t.tables.map((table) => `${quotePg(t.schema)}.${quotePg(table)}`).join(', ');
const pgTableLiterals = (t: PgTarget) => t.tables.map((table) => pgLiteral(table, 'table')).join(', ');
const pgRoleOid = (t: PgTarget) => `(SELECT oid FROM pg_roles WHERE rolname = ${pgLiteral(t.user)})`;

/**
 * Setup, run as the master user connected to `database.databaseName`. Requires roles `rds_iam` and
 * `rds_replication` (Aurora has them; the local twin creates NOLOGIN stand-ins). REPLICA IDENTITY of the
 * tables is not changed (set it to FULL yourself if you need full before-images).
 */
export function postgresSetupStatements(request: LinkRequest, options: PostgresSetupOptions = {}): SqlStatement[] {
  const t = pgTarget(request);
  if (options.createSlot && request.cdc.snapshot) {
    throw new SqlOptionError('createSlot is only allowed with cdc.snapshot: false: a pre-created slot makes postgres_cdc skip the snapshot');
  }
  const user = quotePg(t.user, 'cdc.user');
  const userLit = pgLiteral(t.user, 'cdc.user');
  const statements: SqlStatement[] = [
    {
      id: 'pg.role.create',
      purpose: `Create the login role ${t.user} if it is missing (no password: it logs in with IAM tokens through rds_iam)`,
      ddl: true,
      sql: [
        'DO $$',
        'BEGIN',
        `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${userLit}) THEN`,
        `    CREATE ROLE ${user} WITH LOGIN;`,
        `  ELSIF NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = ${userLit}) THEN`,
        `    ALTER ROLE ${user} WITH LOGIN;`,
        '  END IF;',
        'END',
        '$$',
      ].join('\n'),
    },
    { id: 'pg.grant.rdsIam', purpose: 'Let the role log in with an IAM auth token', ddl: true, sql: `GRANT rds_iam TO ${user}` },
    {
      id: 'pg.grant.rdsReplication',
      purpose: "Let the role open a logical replication connection and use the slot (Aurora's substitute for REPLICATION)",
      ddl: true,
      sql: `GRANT rds_replication TO ${user}`,
    },
    { id: 'pg.grant.connect', purpose: `Let the role connect to ${t.database}`, ddl: true, sql: `GRANT CONNECT ON DATABASE ${quotePg(t.database, 'database.databaseName')} TO ${user}` },
    { id: 'pg.grant.usage', purpose: `Let the role see objects in schema ${t.schema}`, ddl: true, sql: `GRANT USAGE ON SCHEMA ${quotePg(t.schema, 'cdc.schema')} TO ${user}` },
    {
      id: 'pg.grant.select',
      purpose: 'Let the role read exactly the configured tables (snapshot and primary-key lookups); a table it may read already is left alone, so a grant its owner made needs no ownership here',
      ddl: true,
      needsTableOwnership: true,
      sql: [
        'DO $$',
        'DECLARE r record;',
        'BEGIN',
        '  FOR r IN',
        '    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace',
        `    WHERE n.nspname = ${pgLiteral(t.schema, 'cdc.schema')} AND c.relname IN (${pgTableLiterals(t)}) AND NOT has_table_privilege(${userLit}, c.oid, 'SELECT')`,
        '  LOOP',
        `    EXECUTE format('GRANT SELECT ON TABLE %I.%I TO %I', ${pgLiteral(t.schema, 'cdc.schema')}, r.relname, ${userLit});`,
        '  END LOOP;',
        'END',
        '$$',
      ].join('\n'),
    },
    {
      id: 'pg.revoke.extraTablePrivileges',
      purpose: 'Converge: revoke every table privilege of the role other than SELECT on the configured tables (e.g. left over from an earlier table list)',
      ddl: true,
      sql: [
        'DO $$',
        'DECLARE r record;',
        'BEGIN',
        '  FOR r IN',
        "    SELECT n.nspname, c.relname, CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind, a.privilege_type",
        '    FROM pg_class c',
        '    JOIN pg_namespace n ON n.oid = c.relnamespace',
        '    CROSS JOIN LATERAL aclexplode(c.relacl) AS a',
        `    WHERE a.grantee = ${pgRoleOid(t)}`,
        `      AND NOT (a.privilege_type = 'SELECT' AND n.nspname = ${pgLiteral(t.schema, 'cdc.schema')} AND c.relname IN (${pgTableLiterals(t)}))`,
        '  LOOP',
        `    EXECUTE format('REVOKE %s ON %s %I.%I FROM %I', r.privilege_type, r.kind, r.nspname, r.relname, ${userLit});`,
        '  END LOOP;',
        'END',
        '$$',
      ].join('\n'),
    },
    {
      id: 'pg.publication.converge',
      purpose: `Create publication ${t.publication} with exactly the configured tables, or make an existing one's table set exactly that (postgres_cdc expects pglog_stream_<slot>); one that has exactly them is left alone (SET TABLE would need ownership of every table again)`,
      ddl: true,
      needsTableOwnership: true,
      sql: [
        'DO $$',
        'BEGIN',
        `  IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = ${pgLiteral(t.publication, 'publication')}) THEN`,
        `    CREATE PUBLICATION ${quotePg(t.publication, 'publication')} FOR TABLE ${pgTableList(t)};`,
        `  ELSIF (SELECT puballtables FROM pg_publication WHERE pubname = ${pgLiteral(t.publication, 'publication')})`,
        `     OR (SELECT count(*) FROM pg_publication_tables WHERE pubname = ${pgLiteral(t.publication, 'publication')}) <> ${t.tables.length}`,
        `     OR (SELECT count(*) FROM pg_publication_tables WHERE pubname = ${pgLiteral(t.publication, 'publication')} AND schemaname = ${pgLiteral(t.schema, 'cdc.schema')} AND tablename IN (${pgTableLiterals(t)})) <> ${t.tables.length} THEN`,
        `    ALTER PUBLICATION ${quotePg(t.publication, 'publication')} SET TABLE ${pgTableList(t)};`,
        '  END IF;',
        'END',
        '$$',
      ].join('\n'),
    },
  ];
  if (options.createSlot) {
    const slotLit = pgLiteral(t.slot, 'slot', PG_SLOT);
    statements.push({
      id: 'pg.slot.create',
      purpose: `Create the logical replication slot ${t.slot} (pgoutput) up front, so WAL is kept from now on (snapshot: false only)`,
      sql: `SELECT slot_name FROM pg_create_logical_replication_slot(${slotLit}, 'pgoutput') WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = ${slotLit})`,
    });
  }
  return statements;
}

/**
 * Teardown, run as the master user connected to `database.databaseName`. Stop the pipeline first and wait
 * (with {@link postgresSlotStatusQuery}) until the slot is inactive: an active slot is never dropped, and
 * `pg.slot.assertGone` then stops the teardown (SQLSTATE 55006 object_in_use) before anything else is removed.
 */
export function postgresTeardownStatements(request: LinkRequest): SqlStatement[] {
  const t = pgTarget(request);
  const user = quotePg(t.user, 'cdc.user');
  const userLit = pgLiteral(t.user, 'cdc.user');
  const slotLit = pgLiteral(t.slot, 'slot', PG_SLOT);
  return [
    {
      id: 'pg.slot.dropIfInactive',
      purpose: `Drop replication slot ${t.slot} if it exists in this database and no connection uses it (returns one row per dropped slot)`,
      sql: `SELECT slot_name, pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ${slotLit} AND database = current_database() AND NOT active`,
    },
    {
      id: 'pg.slot.assertGone',
      purpose: 'Stop the teardown while the slot is still in use (the pipeline is still connected); retry after it disconnects',
      sql: [
        'DO $$',
        'DECLARE p integer;',
        'BEGIN',
        `  SELECT active_pid INTO p FROM pg_replication_slots WHERE slot_name = ${slotLit} AND database = current_database();`,
        '  IF FOUND THEN',
        `    RAISE EXCEPTION 'replication slot "%" is still active (pid %): stop the pipeline, wait until the slot is inactive, then run the teardown again', ${slotLit}, p USING ERRCODE = 'object_in_use';`,
        '  END IF;',
        'END',
        '$$',
      ].join('\n'),
    },
    {
      id: 'pg.publication.drop',
      purpose: `Drop publication ${t.publication}`,
      ddl: true,
      sql: `DROP PUBLICATION IF EXISTS ${quotePg(t.publication, 'publication')}`,
    },
    {
      id: 'pg.role.assertOwnsNothing',
      purpose: `Refuse to go on if ${t.user} owns any object: it owns nothing by construction, so whatever it owns was made by someone else and is never dropped by us`,
      sql: [
        'DO $$',
        'DECLARE n integer;',
        'BEGIN',
        '  SELECT count(*) INTO n FROM pg_shdepend d',
        `  WHERE d.refclassid = 'pg_authid'::regclass AND d.refobjid = ${pgRoleOid(t)} AND d.deptype = 'o';`,
        '  IF n > 0 THEN',
        `    RAISE EXCEPTION 'role "%" owns % object(s); refusing to drop them: reassign or drop them yourself, then run the teardown again', ${userLit}, n USING ERRCODE = 'dependent_objects_still_exist';`,
        '  END IF;',
        'END',
        '$$',
      ].join('\n'),
    },
    {
      id: 'pg.role.revokeAll',
      purpose: `Revoke every privilege ${t.user} holds in this database (tables, sequences, schemas, the database) so the role can be dropped; no-op if it is gone`,
      ddl: true,
      sql: [
        'DO $$',
        'DECLARE r record;',
        'BEGIN',
        `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${userLit}) THEN RETURN; END IF;`,
        '  FOR r IN',
        "    SELECT DISTINCT n.nspname, c.relname, CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind",
        '    FROM pg_class c',
        '    JOIN pg_namespace n ON n.oid = c.relnamespace',
        '    CROSS JOIN LATERAL aclexplode(c.relacl) AS a',
        `    WHERE a.grantee = ${pgRoleOid(t)}`,
        '  LOOP',
        `    EXECUTE format('REVOKE ALL ON %s %I.%I FROM %I', r.kind, r.nspname, r.relname, ${userLit});`,
        '  END LOOP;',
        '  FOR r IN',
        '    SELECT DISTINCT n.nspname FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) AS a',
        `    WHERE a.grantee = ${pgRoleOid(t)}`,
        '  LOOP',
        `    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM %I', r.nspname, ${userLit});`,
        '  END LOOP;',
        `  EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', current_database(), ${userLit});`,
        'END',
        '$$',
      ].join('\n'),
    },
    {
      id: 'pg.role.drop',
      purpose: `Drop the role ${t.user} (its rds_iam and rds_replication memberships go with it)`,
      ddl: true,
      sql: `DROP ROLE IF EXISTS ${user}`,
    },
  ];
}

/** Slot state; used by teardown to wait until the pipeline has let go of the slot, and by the probe. */
export function postgresSlotStatusQuery(request: LinkRequest): SqlCheck {
  const t = pgTarget(request);
  return {
    id: 'pg.check.slot',
    purpose: `Does replication slot ${t.slot} exist, is it pgoutput, and is a connection (the pipeline) using it?`,
    sql: `SELECT slot_name, plugin, slot_type, database, active, active_pid, wal_status FROM pg_replication_slots WHERE slot_name = ${pgLiteral(t.slot, 'slot', PG_SLOT)}`,
    returns: '0 or 1 row: slot_name text, plugin text, slot_type text, database text, active boolean, active_pid integer|null, wal_status text',
  };
}

export interface PostgresChecks {
  readonly user: SqlCheck;
  readonly tablePrivileges: SqlCheck;
  readonly tables: SqlCheck;
  readonly publication: SqlCheck;
  readonly slot: SqlCheck;
  readonly settings: SqlCheck;
}

/** Probe queries (docs/architecture.md#probe-and-diagnosis), run as the master user connected to `database.databaseName`. */
export function postgresChecks(request: LinkRequest): PostgresChecks {
  const t = pgTarget(request);
  const userLit = pgLiteral(t.user, 'cdc.user');
  const schemaLit = pgLiteral(t.schema, 'cdc.schema');
  return {
    user: {
      id: 'pg.check.user',
      purpose: `Does ${t.user} exist, can it log in, which roles is it a member of, may it use the schema and connect?`,
      sql: [
        'SELECT r.rolname, r.rolcanlogin, r.rolsuper,',
        '  (SELECT string_agg(m.rolname, \',\' ORDER BY m.rolname) FROM pg_auth_members am JOIN pg_roles m ON m.oid = am.roleid WHERE am.member = r.oid) AS member_of,',
        `  CASE WHEN EXISTS (SELECT FROM pg_namespace WHERE nspname = ${schemaLit}) THEN has_schema_privilege(r.oid, ${schemaLit}, 'USAGE') ELSE false END AS schema_usage,`,
        "  has_database_privilege(r.oid, current_database(), 'CONNECT') AS database_connect",
        `FROM pg_roles r WHERE r.rolname = ${userLit}`,
      ].join('\n'),
      returns: '0 or 1 row: rolname text, rolcanlogin boolean, rolsuper boolean, member_of text (comma-separated role names, null if none), schema_usage boolean, database_connect boolean',
    },
    tablePrivileges: {
      id: 'pg.check.tablePrivileges',
      purpose: `Every privilege ${t.user} holds on a table, view or sequence of this database`,
      sql: [
        'SELECT n.nspname AS schema_name, c.relname AS table_name, a.privilege_type',
        'FROM pg_class c',
        'JOIN pg_namespace n ON n.oid = c.relnamespace',
        'CROSS JOIN LATERAL aclexplode(c.relacl) AS a',
        `WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = ${userLit})`,
        'ORDER BY 1, 2, 3',
      ].join('\n'),
      returns: '0..n rows: schema_name text, table_name text, privilege_type text (SELECT, INSERT, ...)',
    },
    tables: {
      id: 'pg.check.tables',
      purpose: 'Do the configured tables exist, and do they have a primary key (needed for the snapshot)?',
      sql: [
        'SELECT c.relname AS table_name, EXISTS (SELECT FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_primary_key,',
        "  CASE c.relreplident WHEN 'd' THEN 'default' WHEN 'f' THEN 'full' WHEN 'i' THEN 'index' ELSE 'nothing' END AS replica_identity",
        'FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace',
        `WHERE n.nspname = ${schemaLit} AND c.relkind IN ('r', 'p') AND c.relname IN (${pgTableLiterals(t)})`,
        'ORDER BY 1',
      ].join('\n'),
      returns: '0..n rows: table_name text, has_primary_key boolean, replica_identity text (default|full|index|nothing)',
    },
    publication: {
      id: 'pg.check.publication',
      purpose: `Does publication ${t.publication} exist, and which tables does it publish?`,
      sql: [
        'SELECT p.pubname, p.puballtables, pt.schemaname AS schema_name, pt.tablename AS table_name',
        'FROM pg_publication p LEFT JOIN pg_publication_tables pt ON pt.pubname = p.pubname',
        `WHERE p.pubname = ${pgLiteral(t.publication, 'publication')}`,
        'ORDER BY 3, 4',
      ].join('\n'),
      returns: '0 rows (no publication) or 1..n rows: pubname text, puballtables boolean, schema_name text|null, table_name text|null (one row with nulls: no tables)',
    },
    slot: postgresSlotStatusQuery(request),
    settings: {
      id: 'pg.check.settings',
      purpose: 'Is logical decoding on? (wal_level follows rds.logical_replication on Aurora)',
      sql: "SELECT current_setting('wal_level') AS wal_level, current_setting('rds.logical_replication', true) AS rds_logical_replication",
      returns: '1 row: wal_level text, rds_logical_replication text|null (null off Aurora)',
    },
  };
}

/**
 * Who owns each configured table, and may the setup user (the Data API's master user, `current_user`) act as
 * its owner? Adding a table to a publication needs table ownership, and Aurora's master user is `rds_superuser`,
 * not a superuser (docs/reference/aws.md A2), so a table another role owns is refused unless the setup user is a
 * member of that role. Also says whether what the setup needs of each table is already in place.
 */
export function postgresTableOwnershipCheck(request: LinkRequest): SqlCheck {
  const t = pgTarget(request);
  const userLit = pgLiteral(t.user, 'cdc.user');
  const pubLit = pgLiteral(t.publication, 'publication');
  const schemaLit = pgLiteral(t.schema, 'cdc.schema');
  return {
    id: 'pg.check.tableOwnership',
    purpose: 'Owner of each configured table, and whether the setup user owns it or is a member of its owner',
    sql: [
      "SELECT c.relname AS table_name, pg_get_userbyid(c.relowner) AS owner, current_user AS setup_user, pg_has_role(current_user, c.relowner, 'MEMBER') AS setup_user_is_member,",
      `  CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = ${userLit}) THEN has_table_privilege(${userLit}, c.oid, 'SELECT') ELSE false END AS user_can_select,`,
      `  EXISTS (SELECT FROM pg_publication_tables pt WHERE pt.pubname = ${pubLit} AND pt.schemaname = n.nspname AND pt.tablename = c.relname) AS in_publication,`,
      `  (SELECT pg_get_userbyid(p.pubowner) FROM pg_publication p WHERE p.pubname = ${pubLit}) AS publication_owner,`,
      "  has_database_privilege(c.relowner, current_database(), 'CREATE') AS owner_can_create_publication",
      'FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace',
      `WHERE n.nspname = ${schemaLit} AND c.relkind IN ('r', 'p') AND c.relname IN (${pgTableLiterals(t)})`,
      'ORDER BY 1',
    ].join('\n'),
    returns:
      '0..n rows: table_name text, owner text, setup_user text, setup_user_is_member boolean, user_can_select boolean, in_publication boolean, ' +
      'publication_owner text|null (null: no publication yet), owner_can_create_publication boolean (CREATE on the database)',
  };
}

/** Quotes a role name read from the catalogue (not from the request: any name PostgreSQL allows). */
function quoteFoundPg(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface ForeignOwnedTable {
  readonly table: string;
  readonly owner: string;
}

export interface TableOwnershipReport {
  readonly setupUser: string;
  /** Tables the setup user may not act on and whose grant or publication entry is still missing. */
  readonly blocked: readonly ForeignOwnedTable[];
  /** Per owner, the statements that owner runs (connected to the link's database), in order. */
  readonly ownerStatements: readonly { readonly owner: string; readonly statements: readonly string[] }[];
  /** What the setup user (owner of the database) runs first so the owners can: CREATE on the database for CREATE PUBLICATION. */
  readonly setupUserStatements: readonly string[];
  /** Statements that make the setup user a member of each owner role instead (run by a role with ADMIN OPTION on it). */
  readonly membershipStatements: readonly string[];
}

/**
 * Rows of {@link postgresTableOwnershipCheck} → the tables the setup cannot set up and what their owners run.
 * An owner can add its tables to the publication only if it owns the publication too: it creates it (with every
 * configured table, when it owns them all) or alters it when it already owns it; otherwise only the membership
 * route works, and the owner statements say so.
 */
export function evaluatePgTableOwnership(rows: readonly SqlRow[], request: LinkRequest): TableOwnershipReport {
  const t = pgTarget(request);
  const setupUser = str(rows[0]?.['setup_user']) ?? 'current_user';
  const blocked = rows
    .filter((r) => !truthy(r['setup_user_is_member']) && (!truthy(r['user_can_select']) || !truthy(r['in_publication'])))
    .map((r) => ({ table: str(r['table_name']) ?? '', owner: str(r['owner']) ?? '' }));
  const owners = [...new Set(blocked.map((b) => b.owner))].sort();
  const publicationOwner = str(rows[0]?.['publication_owner']);
  const qualified = (table: string) => `${quotePg(t.schema)}.${quotePg(table)}`;
  const setupUserStatements: string[] = [];
  const ownerStatements = owners.map((owner) => {
    const mine = blocked.filter((b) => b.owner === owner);
    const statements: string[] = [];
    for (const b of mine) {
      const row = rows.find((r) => str(r['table_name']) === b.table)!;
      if (!truthy(row['user_can_select'])) statements.push(`GRANT SELECT ON TABLE ${qualified(b.table)} TO ${quotePg(t.user)};`);
    }
    const toPublish = mine.filter((b) => !truthy(rows.find((r) => str(r['table_name']) === b.table)!['in_publication']));
    if (toPublish.length > 0) {
      const ownsEveryTable = rows.length === t.tables.length && rows.every((r) => str(r['owner']) === owner);
      if (publicationOwner === undefined && ownsEveryTable) {
        // CREATE PUBLICATION also needs CREATE on the database, which an application role often lacks.
        if (!rows.every((r) => truthy(r['owner_can_create_publication']))) {
          setupUserStatements.push(`GRANT CREATE ON DATABASE ${quotePg(t.database, 'database.databaseName')} TO ${quoteFoundPg(owner)};`);
        }
        statements.push(`CREATE PUBLICATION ${quotePg(t.publication)} FOR TABLE ${t.tables.map(qualified).join(', ')};`);
      } else if (publicationOwner === owner) {
        statements.push(`ALTER PUBLICATION ${quotePg(t.publication)} ADD TABLE ${toPublish.map((b) => qualified(b.table)).join(', ')};`);
      } else {
        statements.push(
          `-- ${quoteFoundPg(owner)} cannot add ${toPublish.map((b) => b.table).join(', ')} to publication ${t.publication} ` +
            `(${publicationOwner === undefined ? 'the other configured tables are not all its own' : `it is owned by ${publicationOwner}`}): use the membership instead`,
        );
      }
    }
    return { owner, statements };
  });
  const membershipStatements = owners.map((owner) => `GRANT ${quoteFoundPg(owner)} TO ${quoteFoundPg(setupUser)};`);
  return { setupUser, blocked, ownerStatements, setupUserStatements, membershipStatements };
}

/**
 * Teardown's counterpart of {@link postgresTableOwnershipCheck}: a publication, or a grant to the CDC user, that a
 * table owner made (as the ownership error asked) is the owner's to remove unless the setup user is a member of
 * that owner. One row per such object; none when the teardown statements can run.
 */
export function postgresTeardownOwnershipCheck(request: LinkRequest): SqlCheck {
  const t = pgTarget(request);
  const pubLit = pgLiteral(t.publication, 'publication');
  return {
    id: 'pg.check.teardownOwnership',
    purpose: 'The publication and the CDC user grants that the setup user may not drop or revoke (made by a role it is not a member of)',
    sql: [
      "SELECT 'publication' AS kind, NULL::text AS schema_name, p.pubname::text AS object_name, pg_get_userbyid(p.pubowner) AS owner, current_user AS setup_user",
      'FROM pg_publication p',
      `WHERE p.pubname = ${pubLit} AND NOT pg_has_role(current_user, p.pubowner, 'MEMBER')`,
      'UNION ALL',
      "SELECT DISTINCT 'grant', n.nspname::text, c.relname::text, pg_get_userbyid(a.grantor), current_user",
      'FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN LATERAL aclexplode(c.relacl) AS a',
      `WHERE a.grantee = ${pgRoleOid(t)} AND NOT pg_has_role(current_user, c.relowner, 'MEMBER') AND NOT pg_has_role(current_user, a.grantor, 'MEMBER')`,
      'ORDER BY 1, 2, 3',
    ].join('\n'),
    returns: "0..n rows: kind text ('publication' | 'grant'), schema_name text|null, object_name text, owner text (the grantor, for a grant), setup_user text",
  };
}

/** Rows of {@link postgresTeardownOwnershipCheck} → per owner, what it runs before the teardown can go on. */
export function evaluatePgTeardownOwnership(rows: readonly SqlRow[], request: LinkRequest): { readonly setupUser: string; readonly ownerStatements: readonly { readonly owner: string; readonly statements: readonly string[] }[] } {
  const t = pgTarget(request);
  const setupUser = str(rows[0]?.['setup_user']) ?? 'current_user';
  const owners = [...new Set(rows.map((r) => str(r['owner']) ?? ''))].sort();
  const ownerStatements = owners.map((owner) => ({
    owner,
    statements: rows
      .filter((r) => str(r['owner']) === owner)
      .map((r) =>
        str(r['kind']) === 'publication'
          ? `DROP PUBLICATION ${quotePg(t.publication)};`
          : `REVOKE ALL ON TABLE ${quoteFoundPg(str(r['schema_name']) ?? '')}.${quoteFoundPg(str(r['object_name']) ?? '')} FROM ${quotePg(t.user)};`,
      ),
  }));
  return { setupUser, ownerStatements };
}

// Drivers and the Data API differ in how they return booleans and numbers.
function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v) !== 0;
  if (typeof v === 'string') return ['t', 'true', '1', 'on', 'yes'].includes(v.toLowerCase());
  return false;
}
const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

function evaluation<T extends object>(findings: SqlFinding[], details: T): Evaluation & T {
  return { ok: !findings.some((f) => f.severity === 'error'), findings, ...details };
}

const REQUIRED_PG_ROLES = ['rds_iam', 'rds_replication'] as const;

/** Rows of `pg.check.user` → findings. */
export function evaluatePgUser(rows: readonly SqlRow[], user: string): Evaluation & { exists: boolean; memberOf: readonly string[] } {
  const row = rows[0];
  if (!row) {
    return evaluation([{ code: 'PG_USER_MISSING', severity: 'error', message: `role "${user}" does not exist: run the setup SQL` }], { exists: false, memberOf: [] });
  }
  const memberOf = (str(row['member_of']) ?? '').split(',').filter(Boolean).sort();
  const findings: SqlFinding[] = [];
  if (!truthy(row['rolcanlogin'])) findings.push({ code: 'PG_USER_CANNOT_LOGIN', severity: 'error', message: `role "${user}" has NOLOGIN: ALTER ROLE ${user} WITH LOGIN` });
  if (truthy(row['rolsuper'])) findings.push({ code: 'PG_USER_IS_SUPERUSER', severity: 'warning', message: `role "${user}" is a superuser: far more than CDC needs` });
  if (!memberOf.includes('rds_iam')) findings.push({ code: 'PG_USER_NOT_RDS_IAM', severity: 'error', message: `role "${user}" is not a member of rds_iam, so IAM tokens are rejected: GRANT rds_iam TO ${user}` });
  if (!memberOf.includes('rds_replication')) {
    findings.push({ code: 'PG_USER_NOT_RDS_REPLICATION', severity: 'error', message: `role "${user}" is not a member of rds_replication, so it cannot open a replication connection: GRANT rds_replication TO ${user}` });
  }
  const extra = memberOf.filter((r) => !(REQUIRED_PG_ROLES as readonly string[]).includes(r));
  if (extra.length > 0) findings.push({ code: 'PG_USER_EXTRA_ROLE', severity: 'warning', message: `role "${user}" is also a member of ${extra.join(', ')}: more than CDC needs` });
  if (!truthy(row['schema_usage'])) findings.push({ code: 'PG_SCHEMA_NO_USAGE', severity: 'error', message: `role "${user}" has no USAGE on the schema (or the schema does not exist)` });
  if (!truthy(row['database_connect'])) findings.push({ code: 'PG_DATABASE_NO_CONNECT', severity: 'error', message: `role "${user}" may not CONNECT to the database` });
  return evaluation(findings, { exists: true, memberOf });
}

/** Rows of `pg.check.tablePrivileges` → findings: SELECT on exactly the configured tables, nothing else. */
export function evaluatePgTablePrivileges(
  rows: readonly SqlRow[],
  expected: { readonly schema: string; readonly tables: readonly string[] },
): Evaluation & { missing: readonly string[]; extra: readonly string[] } {
  const held = rows.map((r) => ({ table: `${str(r['schema_name'])}.${str(r['table_name'])}`, privilege: str(r['privilege_type']) ?? '' }));
  const wanted = expected.tables.map((t) => `${expected.schema}.${t}`);
  const missing = wanted.filter((t) => !held.some((h) => h.table === t && h.privilege === 'SELECT'));
  const extra = held.filter((h) => !(h.privilege === 'SELECT' && wanted.includes(h.table))).map((h) => `${h.privilege} on ${h.table}`);
  const findings: SqlFinding[] = [];
  if (missing.length > 0) findings.push({ code: 'PG_TABLE_NOT_GRANTED', severity: 'error', message: `no SELECT on ${missing.join(', ')}: run the setup SQL` });
  if (extra.length > 0) findings.push({ code: 'PG_TABLE_EXTRA_PRIVILEGE', severity: 'warning', message: `privileges beyond the configured tables: ${extra.join(', ')} (the setup SQL revokes them)` });
  return evaluation(findings, { missing, extra });
}

/** Rows of `pg.check.tables` → findings: every configured table exists; with a snapshot, each has a primary key. */
export function evaluatePgTables(
  rows: readonly SqlRow[],
  expected: { readonly schema: string; readonly tables: readonly string[]; readonly snapshot: boolean },
): Evaluation & { missing: readonly string[]; withoutPrimaryKey: readonly string[] } {
  const found = new Map(rows.map((r) => [str(r['table_name']) ?? '', r]));
  const missing = expected.tables.filter((t) => !found.has(t));
  const withoutPrimaryKey = expected.tables.filter((t) => found.has(t) && !truthy(found.get(t)!['has_primary_key']));
  const findings: SqlFinding[] = [];
  if (missing.length > 0) findings.push({ code: 'PG_TABLE_MISSING', severity: 'error', message: `table(s) ${missing.map((t) => `${expected.schema}.${t}`).join(', ')} do not exist` });
  if (withoutPrimaryKey.length > 0) {
    findings.push({
      code: 'PG_TABLE_NO_PRIMARY_KEY',
      severity: expected.snapshot ? 'error' : 'warning',
      message: `table(s) ${withoutPrimaryKey.join(', ')} have no primary key${expected.snapshot ? ': postgres_cdc cannot snapshot them' : ''}`,
    });
  }
  return evaluation(findings, { missing, withoutPrimaryKey });
}

/** Rows of `pg.check.publication` → missing/extra tables against exactly the configured set. */
export function evaluatePublication(
  rows: readonly SqlRow[],
  expected: { readonly schema: string; readonly tables: readonly string[] },
): Evaluation & { exists: boolean; allTables: boolean; tables: readonly string[]; missing: readonly string[]; extra: readonly string[] } {
  const wanted = expected.tables.map((t) => `${expected.schema}.${t}`);
  if (rows.length === 0) {
    return evaluation([{ code: 'PG_PUBLICATION_MISSING', severity: 'error', message: 'the publication does not exist: run the setup SQL' }], {
      exists: false, allTables: false, tables: [], missing: wanted, extra: [],
    });
  }
  const allTables = truthy(rows[0]!['puballtables']);
  const tables = rows.filter((r) => str(r['table_name']) !== undefined).map((r) => `${str(r['schema_name'])}.${str(r['table_name'])}`).sort();
  const missing = wanted.filter((t) => !tables.includes(t));
  const extra = tables.filter((t) => !wanted.includes(t));
  const findings: SqlFinding[] = [];
  if (allTables) findings.push({ code: 'PG_PUBLICATION_ALL_TABLES', severity: 'error', message: 'the publication is FOR ALL TABLES: drop it and run the setup SQL to publish exactly the configured tables' });
  if (missing.length > 0) findings.push({ code: 'PG_PUBLICATION_MISSING_TABLES', severity: 'error', message: `the publication lacks ${missing.join(', ')}: run the setup SQL` });
  if (extra.length > 0) findings.push({ code: 'PG_PUBLICATION_EXTRA_TABLES', severity: 'error', message: `the publication also publishes ${extra.join(', ')}: run the setup SQL` });
  return evaluation(findings, { exists: true, allTables, tables, missing, extra });
}

/**
 * Rows of `pg.check.slot` → findings. `requireActive`: the pipeline should be running, so the slot must exist
 * and be in use (proof that the pipeline logged in). Without it a missing slot is fine (not yet created).
 */
export function evaluateSlot(
  rows: readonly SqlRow[],
  expected: { readonly database: string; readonly requireActive: boolean },
): Evaluation & { exists: boolean; active: boolean; activePid: number | null } {
  const row = rows[0];
  if (!row) {
    const findings: SqlFinding[] = expected.requireActive
      ? [{ code: 'PG_SLOT_MISSING', severity: 'error', message: 'the replication slot does not exist: the pipeline has not connected (check its logs and the IAM chain)' }]
      : [];
    return evaluation(findings, { exists: false, active: false, activePid: null });
  }
  const active = truthy(row['active']);
  const pid = row['active_pid'];
  const activePid = pid === null || pid === undefined ? null : Number(pid);
  const findings: SqlFinding[] = [];
  if (str(row['plugin']) !== 'pgoutput') {
    findings.push({ code: 'PG_SLOT_WRONG_PLUGIN', severity: 'error', message: `the slot uses plugin "${str(row['plugin'])}"; postgres_cdc needs pgoutput: drop the slot` });
  }
  if (str(row['database']) !== expected.database) {
    findings.push({ code: 'PG_SLOT_OTHER_DATABASE', severity: 'error', message: `the slot belongs to database "${str(row['database'])}", not "${expected.database}"` });
  }
  if (str(row['wal_status']) === 'lost') {
    findings.push({ code: 'PG_SLOT_WAL_LOST', severity: 'error', message: 'the slot lost required WAL (wal_status lost): drop it and re-snapshot' });
  }
  if (expected.requireActive && !active) {
    findings.push({ code: 'PG_SLOT_INACTIVE', severity: 'error', message: 'the replication slot exists but nothing is connected to it: the pipeline is not streaming (it pins WAL meanwhile)' });
  }
  return evaluation(findings, { exists: true, active, activePid });
}

/** Rows of `pg.check.settings` → findings. */
export function evaluatePgSettings(rows: readonly SqlRow[]): Evaluation & { walLevel: string | undefined } {
  const walLevel = str(rows[0]?.['wal_level']);
  const findings: SqlFinding[] =
    walLevel === 'logical'
      ? []
      : [{ code: 'PG_WAL_LEVEL_NOT_LOGICAL', severity: 'error', message: `wal_level is ${walLevel ?? 'unknown'}, not logical: set rds.logical_replication=1 in the cluster parameter group and reboot the writer` }];
  return evaluation(findings, { walLevel });
}

// ---------------------------------------------------------------------------------------------------------
// MySQL

/*
 * Privileges of the MySQL CDC user, and why (docs/reference/redpanda-connect.md §4):
 * - SELECT on exactly the configured tables (table level): the snapshot reads them.
 * - LOCK TABLES on the database: the snapshot runs `FLUSH TABLES t... WITH READ LOCK`, which needs RELOAD and
 *   LOCK TABLES. LOCK TABLES exists only at database or global level, and locking a table also needs SELECT
 *   on it, so in effect it reaches only the configured tables. The database name is escaped (`\_`) because
 *   `_` is a wildcard in database-level grants.
 * - RELOAD, REPLICATION CLIENT, REPLICATION SLAVE on *.*: global-only privileges, for FLUSH, `SHOW MASTER
 *   STATUS` (binlog position) and the binlog dump. Nothing is granted on the whole database beyond LOCK TABLES.
 */
const MYSQL_GLOBAL_PRIVILEGES = ['RELOAD', 'REPLICATION CLIENT', 'REPLICATION SLAVE'] as const;
const MYSQL_DATABASE_PRIVILEGES = ['LOCK TABLES'] as const;
/** MariaDB ≥ 10.5 prints BINLOG MONITOR for REPLICATION CLIENT. */
const MYSQL_PRIVILEGE_ALIASES: Readonly<Record<string, string>> = { 'BINLOG MONITOR': 'REPLICATION CLIENT' };

export const MYSQL_BINLOG_RETENTION_HOURS = 168;

/** Setup, run as the master user. Aurora-only statements carry `auroraOnly` (and a `localEquivalent` if any). */
export function mysqlSetupStatements(request: LinkRequest): SqlStatement[] {
  const t = mysqlTarget(request);
  const account = mysqlAccount(t.user);
  const db = quoteMysql(t.database, 'database.databaseName', MYSQL_DATABASE);
  return [
    {
      id: 'mysql.binlogRetention',
      purpose: `Keep binlogs ${MYSQL_BINLOG_RETENTION_HOURS} h so the pipeline can resume after an outage (by default Aurora keeps them only briefly)`,
      sql: `CALL mysql.rds_set_configuration('binlog retention hours', ${MYSQL_BINLOG_RETENTION_HOURS})`,
      auroraOnly: { reason: 'mysql.rds_set_configuration is an RDS/Aurora stored procedure; MariaDB has none (binlog retention is server configuration there)' },
    },
    {
      id: 'mysql.user.create',
      purpose: `Create ${t.user}@% authenticated by IAM tokens (AWSAuthenticationPlugin) if it is missing`,
      ddl: true,
      sql: `CREATE USER IF NOT EXISTS ${account} IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'`,
      auroraOnly: { reason: 'the AWSAuthenticationPlugin exists only on RDS/Aurora MySQL' },
      localEquivalent: {
        sql: `CREATE USER IF NOT EXISTS ${account}`,
        note: 'same account without the IAM plugin (the stand-in has no IAM); with REQUIRE SSL it cannot log in where the stand-in has no TLS',
      },
    },
    { id: 'mysql.user.requireSsl', purpose: 'Accept this user only over TLS (IAM tokens must not travel in clear)', ddl: true, sql: `ALTER USER ${account} REQUIRE SSL` },
    ...t.tables.map((table, i) => ({
      id: `mysql.grant.select.${table}`,
      purpose: `Let the user read ${t.database}.${table} (snapshot)`,
      ddl: true,
      sql: `GRANT SELECT ON ${db}.${quoteMysql(table, `cdc.tables[${i}]`)} TO ${account}`,
    })),
    {
      id: 'mysql.grant.lockTables',
      purpose: 'Let the snapshot lock the tables it reads (FLUSH TABLES ... WITH READ LOCK); database-level only, and limited to tables the user may SELECT',
      ddl: true,
      sql: `GRANT ${MYSQL_DATABASE_PRIVILEGES.join(', ')} ON ${mysqlGrantDatabase(t.database)}.* TO ${account}`,
    },
    {
      id: 'mysql.grant.replication',
      purpose: 'Global-only privileges mysql_cdc needs: RELOAD (FLUSH TABLES), REPLICATION CLIENT (binlog position), REPLICATION SLAVE (binlog dump)',
      ddl: true,
      sql: `GRANT ${MYSQL_GLOBAL_PRIVILEGES.join(', ')} ON *.* TO ${account}`,
    },
  ];
}

/** Teardown: dropping the user removes all its grants. A running binlog dump keeps its session until it ends. */
export function mysqlTeardownStatements(request: LinkRequest): SqlStatement[] {
  const t = mysqlTarget(request);
  return [{ id: 'mysql.user.drop', purpose: `Drop ${t.user}@% and every grant it holds`, ddl: true, sql: `DROP USER IF EXISTS ${mysqlAccount(t.user)}` }];
}

/** Which configured tables exist in the database, and which have a primary key (mysql_cdc snapshots need one). */
export function mysqlTablesCheck(request: LinkRequest): SqlCheck {
  const t = mysqlTarget(request);
  const names = t.tables.map((table) => `'${check(MYSQL_TABLE, table, 'cdc.tables', 'MySQL table name')}'`).join(', ');
  return {
    id: 'mysql.check.tables',
    purpose: 'Do the configured tables exist, and do they have a primary key (needed for the snapshot)?',
    sql: [
      "SELECT t.TABLE_NAME AS table_name, EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS c WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME AND c.CONSTRAINT_TYPE = 'PRIMARY KEY') AS has_primary_key",
      'FROM information_schema.TABLES t',
      `WHERE t.TABLE_SCHEMA = '${check(MYSQL_DATABASE, t.database, 'database.databaseName', 'database name')}' AND t.TABLE_NAME IN (${names})`,
      'ORDER BY 1',
    ].join('\n'),
    returns: '0..n rows: table_name text, has_primary_key 0|1',
  };
}

/** Rows of `mysql.check.tables` (same shape as the PostgreSQL check). */
export function evaluateMysqlTables(
  rows: readonly SqlRow[],
  expected: { readonly database: string; readonly tables: readonly string[]; readonly snapshot: boolean },
): Evaluation & { missing: readonly string[]; withoutPrimaryKey: readonly string[] } {
  return evaluatePgTables(rows, { schema: expected.database, tables: expected.tables, snapshot: expected.snapshot });
}

export interface MysqlChecks {
  readonly user: SqlCheck;
  readonly grants: SqlCheck;
  readonly binlog: SqlCheck;
  readonly binlogDump: SqlCheck;
}

/** Probe queries (docs/architecture.md#probe-and-diagnosis), run as the master user. */
export function mysqlChecks(request: LinkRequest): MysqlChecks {
  const t = mysqlTarget(request);
  const userLit = `'${t.user}'`;
  return {
    user: {
      id: 'mysql.check.user',
      purpose: `Does ${t.user}@% exist, with which authentication plugin, and is TLS required?`,
      sql: `SELECT User AS user, Host AS host, plugin, ssl_type FROM mysql.user WHERE User = ${userLit} AND Host = '%'`,
      returns: "0 or 1 row: user text, host text, plugin text ('AWSAuthenticationPlugin' on Aurora), ssl_type text ('ANY' for REQUIRE SSL)",
    },
    grants: {
      id: 'mysql.check.grants',
      purpose: `Every grant of ${t.user}@% (fails with error 1141 if the user does not exist: check the user first)`,
      sql: `SHOW GRANTS FOR ${mysqlAccount(t.user)}`,
      returns: "1..n rows of one column (named 'Grants for <user>@%'): a GRANT statement each",
    },
    binlog: {
      id: 'mysql.check.binlog',
      purpose: 'Is the binlog on, in ROW format with full row images?',
      sql: 'SELECT @@GLOBAL.log_bin AS log_bin, @@GLOBAL.binlog_format AS binlog_format, @@GLOBAL.binlog_row_image AS binlog_row_image',
      returns: '1 row: log_bin 0|1, binlog_format text, binlog_row_image text',
    },
    binlogDump: {
      id: 'mysql.check.binlogDump',
      purpose: `Is ${t.user} streaming the binlog right now (proof that the pipeline logged in)?`,
      sql: `SELECT ID AS id, USER AS user, HOST AS host, COMMAND AS command, TIME AS seconds FROM information_schema.PROCESSLIST WHERE USER = ${userLit} AND COMMAND LIKE 'Binlog Dump%'`,
      returns: "0..n rows: id integer, user text, host text, command text ('Binlog Dump' or 'Binlog Dump GTID'), seconds integer",
    },
  };
}

/** Rows of `mysql.check.user` → findings. `expectIamPlugin` is false only for the local stand-in. */
export function evaluateMysqlUser(
  rows: readonly SqlRow[],
  expected: { readonly user: string; readonly expectIamPlugin: boolean },
): Evaluation & { exists: boolean; plugin: string | undefined } {
  const row = rows[0];
  if (!row) return evaluation([{ code: 'MYSQL_USER_MISSING', severity: 'error', message: `user '${expected.user}'@'%' does not exist: run the setup SQL` }], { exists: false, plugin: undefined });
  const plugin = str(row['plugin']);
  const findings: SqlFinding[] = [];
  if (expected.expectIamPlugin && plugin !== 'AWSAuthenticationPlugin') {
    findings.push({ code: 'MYSQL_USER_NOT_IAM', severity: 'error', message: `user '${expected.user}'@'%' authenticates with "${plugin ?? ''}", not AWSAuthenticationPlugin: IAM tokens are rejected (drop and recreate it with the setup SQL)` });
  }
  if (str(row['ssl_type'])?.toUpperCase() !== 'ANY') {
    findings.push({ code: 'MYSQL_USER_SSL_NOT_REQUIRED', severity: 'warning', message: `user '${expected.user}'@'%' does not require TLS: ALTER USER '${expected.user}'@'%' REQUIRE SSL` });
  }
  return evaluation(findings, { exists: true, plugin });
}

/** One parsed line of SHOW GRANTS. */
export interface MysqlGrant {
  readonly scope: 'global' | 'database' | 'table' | 'other';
  readonly database?: string;
  readonly table?: string;
  /** Upper-case privilege names, aliases resolved (BINLOG MONITOR → REPLICATION CLIENT); USAGE dropped. */
  readonly privileges: readonly string[];
  readonly withGrantOption: boolean;
  readonly line: string;
}

function unquoteMysql(part: string): string {
  if (part.startsWith('`') && part.endsWith('`')) return part.slice(1, -1).replace(/``/g, '`');
  return part;
}

function splitPrivileges(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

const GRANT_LINE = /^GRANT (.+?) ON (\*|`(?:[^`]|``)*`)\.(\*|`(?:[^`]|``)*`) TO (.+)$/;

/** Parse SHOW GRANTS lines (MySQL 8 and MariaDB forms). */
export function parseMysqlGrants(rows: readonly SqlRow[]): MysqlGrant[] {
  return rows.map((row) => {
    const line = String(Object.values(row)[0] ?? '');
    const m = GRANT_LINE.exec(line);
    if (!m) return { scope: 'other', privileges: [], withGrantOption: / WITH GRANT OPTION/.test(line), line };
    const [, privs, dbPart, tablePart, rest] = m as unknown as [string, string, string, string, string];
    const privileges = splitPrivileges(privs)
      .map((p) => p.toUpperCase())
      .map((p) => MYSQL_PRIVILEGE_ALIASES[p] ?? p)
      .filter((p) => p !== 'USAGE');
    const withGrantOption = /WITH GRANT OPTION/.test(rest);
    if (dbPart === '*') return { scope: 'global', privileges, withGrantOption, line };
    // Database-level grants print the escaped pattern (`my\_db`); table-level grants the plain name.
    const database = unquoteMysql(dbPart).replace(/\\([_%])/g, '$1');
    if (tablePart === '*') return { scope: 'database', database, privileges, withGrantOption, line };
    return { scope: 'table', database, table: unquoteMysql(tablePart), privileges, withGrantOption, line };
  });
}

/** Rows of `mysql.check.grants` → missing and extra privileges against exactly what setup grants. */
export function evaluateMysqlGrants(
  rows: readonly SqlRow[],
  expected: { readonly database: string; readonly tables: readonly string[] },
): Evaluation & { missing: readonly string[]; extra: readonly string[]; grants: readonly MysqlGrant[] } {
  const grants = parseMysqlGrants(rows);
  const has = (scope: MysqlGrant['scope'], privilege: string, table?: string) =>
    grants.some(
      (g) =>
        g.scope === scope &&
        g.privileges.includes(privilege) &&
        (scope === 'global' || g.database === expected.database) &&
        (scope !== 'table' || g.table === table),
    );
  const missing = [
    ...MYSQL_GLOBAL_PRIVILEGES.filter((p) => !has('global', p)).map((p) => `${p} ON *.*`),
    ...MYSQL_DATABASE_PRIVILEGES.filter((p) => !has('database', p)).map((p) => `${p} ON ${expected.database}.*`),
    ...expected.tables.filter((t) => !has('table', 'SELECT', t)).map((t) => `SELECT ON ${expected.database}.${t}`),
  ];
  const extra: string[] = [];
  for (const g of grants) {
    if (g.scope === 'other') {
      extra.push(g.line);
      continue;
    }
    if (g.withGrantOption) extra.push(`GRANT OPTION (${g.line})`);
    for (const p of g.privileges) {
      const wanted =
        (g.scope === 'global' && (MYSQL_GLOBAL_PRIVILEGES as readonly string[]).includes(p)) ||
        (g.scope === 'database' && g.database === expected.database && (MYSQL_DATABASE_PRIVILEGES as readonly string[]).includes(p)) ||
        (g.scope === 'table' && g.database === expected.database && p === 'SELECT' && expected.tables.includes(g.table ?? ''));
      if (!wanted) extra.push(`${p} ON ${g.scope === 'global' ? '*.*' : `${g.database}.${g.table ?? '*'}`}`);
    }
  }
  const findings: SqlFinding[] = [];
  if (missing.length > 0) findings.push({ code: 'MYSQL_GRANT_MISSING', severity: 'error', message: `missing grants: ${missing.join('; ')}: run the setup SQL` });
  if (extra.length > 0) findings.push({ code: 'MYSQL_GRANT_EXTRA', severity: 'warning', message: `grants beyond what CDC needs: ${extra.join('; ')}` });
  return evaluation(findings, { missing, extra, grants });
}

/**
 * REVOKE statements that take away grants beyond what setup gives (MySQL has no conditional REVOKE, so
 * convergence after a table-list change is: run `mysql.check.grants`, then these). Only plain privilege grants
 * on validated names are revoked; anything else (roles, column grants, odd names) stays a finding.
 */
export function mysqlRevokeExtraGrantsStatements(request: LinkRequest, grantRows: readonly SqlRow[]): SqlStatement[] {
  const t = mysqlTarget(request);
  const account = mysqlAccount(t.user);
  const out: SqlStatement[] = [];
  for (const g of parseMysqlGrants(grantRows)) {
    if (g.scope === 'other') continue;
    const extra = g.privileges.filter((p) => {
      if (!MYSQL_PRIVILEGE.test(p)) return false;
      if (g.scope === 'global') return !(MYSQL_GLOBAL_PRIVILEGES as readonly string[]).includes(p);
      if (g.database !== t.database) return true;
      if (g.scope === 'database') return !(MYSQL_DATABASE_PRIVILEGES as readonly string[]).includes(p);
      return !(p === 'SELECT' && t.tables.includes(g.table ?? ''));
    });
    if (extra.length === 0) continue;
    let on: string;
    if (g.scope === 'global') on = '*.*';
    else {
      // Names read back from the server are revalidated like request names; an odd one is left as a finding.
      if (!MYSQL_DATABASE.test(g.database ?? '') || (g.scope === 'table' && !MYSQL_TABLE.test(g.table ?? ''))) continue;
      const db = g.database!;
      on = g.scope === 'database' ? `${mysqlGrantDatabase(db)}.*` : `${quoteMysql(db, 'grant database', MYSQL_DATABASE)}.${quoteMysql(g.table, 'grant table')}`;
    }
    const label = g.scope === 'global' ? '*.*' : `${g.database}.${g.table ?? '*'}`;
    out.push({
      id: `mysql.revoke.${label}`,
      purpose: `Converge: revoke ${extra.join(', ')} on ${label}, beyond what the link needs`,
      ddl: true,
      sql: `REVOKE ${extra.join(', ')} ON ${on} FROM ${account}`,
    });
  }
  return out;
}

/** Rows of `mysql.check.binlog` → findings. */
export function evaluateMysqlBinlog(rows: readonly SqlRow[]): Evaluation & { logBin: boolean; format: string | undefined; rowImage: string | undefined } {
  const row: SqlRow = rows[0] ?? {};
  const logBin = truthy(row['log_bin']);
  const format = str(row['binlog_format'])?.toUpperCase();
  const rowImage = str(row['binlog_row_image'])?.toUpperCase();
  const findings: SqlFinding[] = [];
  if (!logBin) findings.push({ code: 'MYSQL_BINLOG_OFF', severity: 'error', message: 'binary logging is off: set binlog_format=ROW in the cluster parameter group and reboot the writer' });
  if (format !== 'ROW') findings.push({ code: 'MYSQL_BINLOG_FORMAT_NOT_ROW', severity: 'error', message: `binlog_format is ${format ?? 'unknown'}; mysql_cdc needs ROW` });
  if (rowImage !== 'FULL') findings.push({ code: 'MYSQL_BINLOG_ROW_IMAGE_NOT_FULL', severity: 'warning', message: `binlog_row_image is ${rowImage ?? 'unknown'}; FULL gives complete before/after images` });
  return evaluation(findings, { logBin, format, rowImage });
}

/** Rows of `mysql.check.binlogDump` → is the pipeline streaming? */
export function evaluateBinlogDump(rows: readonly SqlRow[], expected: { readonly requireActive: boolean }): Evaluation & { active: boolean } {
  const active = rows.length > 0;
  const findings: SqlFinding[] =
    expected.requireActive && !active
      ? [{ code: 'MYSQL_NO_BINLOG_DUMP', severity: 'error', message: 'no binlog dump thread for the CDC user: the pipeline is not streaming (check its logs and the IAM chain)' }]
      : [];
  return evaluation(findings, { active });
}

// ---------------------------------------------------------------------------------------------------------
// Engine dispatch, local stand-ins, scripts

export function setupStatements(request: LinkRequest, options: PostgresSetupOptions = {}): SqlStatement[] {
  if (request.engine === 'aurora-postgresql') return postgresSetupStatements(request, options);
  if (options.createSlot) throw new SqlOptionError('createSlot applies to aurora-postgresql only');
  return mysqlSetupStatements(request);
}

export function teardownStatements(request: LinkRequest): SqlStatement[] {
  return request.engine === 'aurora-postgresql' ? postgresTeardownStatements(request) : mysqlTeardownStatements(request);
}

export interface LocalStandInPlan {
  /** What the stand-in runs, in order: portable statements as-is, Aurora-only ones replaced by their local equivalent. */
  readonly run: readonly SqlStatement[];
  /** Aurora-only statements with no local equivalent, and why. */
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
  /** Aurora-only statements replaced by a local equivalent, and what differs. */
  readonly replaced: readonly { readonly id: string; readonly reason: string; readonly note: string }[];
}

/** The statements a local stand-in (embedded PostgreSQL, MariaDB) can run in place of the Aurora list. */
export function localStandInStatements(statements: readonly SqlStatement[]): LocalStandInPlan {
  const run: SqlStatement[] = [];
  const skipped: { id: string; reason: string }[] = [];
  const replaced: { id: string; reason: string; note: string }[] = [];
  for (const s of statements) {
    if (!s.auroraOnly) run.push(s);
    else if (s.localEquivalent) {
      run.push({ id: s.id, purpose: `${s.purpose} (local stand-in: ${s.localEquivalent.note})`, sql: s.localEquivalent.sql, ...(s.ddl ? { ddl: true } : {}) });
      replaced.push({ id: s.id, reason: s.auroraOnly.reason, note: s.localEquivalent.note });
    } else skipped.push({ id: s.id, reason: s.auroraOnly.reason });
  }
  return { run, skipped, replaced };
}

export interface SqlScriptHeader {
  readonly link: string;
  readonly engine: Engine;
  readonly kind: 'setup' | 'teardown';
  readonly database: string;
}

/** The statements as an SQL script (`setup.sql`, `teardown.sql` written by `rpcn-aurora plan`). */
export function renderSqlScript(statements: readonly SqlStatement[], header: SqlScriptHeader): string {
  const where =
    header.engine === 'aurora-postgresql'
      ? `connected to database ${header.database} (psql: \\c ${header.database})`
      : `(database ${header.database})`;
  const lines = [
    `-- rpcn-aurora ${header.kind} SQL for link "${header.link}" (${header.engine})`,
    `-- Run as the master user ${where}, one statement at a time (the RDS Data API runs one per call).`,
    '-- Every statement is idempotent: the script can be run again.',
  ];
  if (header.kind === 'teardown' && header.engine === 'aurora-postgresql') {
    lines.push('-- Stop the pipeline first: an active replication slot is not dropped and stops the script (psql: -v ON_ERROR_STOP=1).');
  }
  for (const s of statements) {
    lines.push('', `-- [${s.id}] ${s.purpose}`);
    if (s.auroraOnly) lines.push(`-- AURORA ONLY: ${s.auroraOnly.reason}`);
    lines.push(`${s.sql};`);
  }
  return `${lines.join('\n')}\n`;
}

/** Both scripts of a link, keyed by file name. */
export function sqlScripts(request: LinkRequest, options: PostgresSetupOptions = {}): { 'setup.sql': string; 'teardown.sql': string } {
  const base = { link: request.name, engine: request.engine, database: request.database.databaseName };
  return {
    'setup.sql': renderSqlScript(setupStatements(request, options), { ...base, kind: 'setup' }),
    'teardown.sql': renderSqlScript(teardownStatements(request), { ...base, kind: 'teardown' }),
  };
}
