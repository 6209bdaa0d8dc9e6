// Reading a pipeline's config_yaml the way Redpanda Connect does before anything connects (EMULATED, a subset):
// `${VAR}` / `${secrets.NAME}` interpolation of the raw text, YAML parsing, and the build-time checks of the
// components the generator emits (postgres_cdc, mysql_cdc, redpanda output). Texts marked ✅ are Connect's
// (docs/reference/redpanda-connect.md §1, §2a, §2b, §5); the rest say they are the emulator's.
import { parse as parseYaml } from 'yaml';
import { parseGoDuration } from '../../lambdas/core/pipeline-yaml.js';
import { parseMysqlDsn as splitMysqlDsn, parsePostgresDsn } from '../../lambdas/core/lint.js';

/** A build-time failure: the pipeline does not start (Connect exits; Redpanda Cloud shows STATE_ERROR). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

// benthos internal/config/env_vars.go: `\${[0-9A-Za-z_.]+(:default)?}`, replaced in the raw text before parsing.
const ENV_VAR = /\$\{([0-9A-Za-z_.]+)(?::([^}]*))?\}/g;

/**
 * Replace `${NAME}` / `${NAME:default}` from `lookup`. Newlines in values are escaped to `\n` (so a multi-line
 * PEM only survives inside a double-quoted YAML string, docs/reference/redpanda-connect.md §5). Missing names give Connect's
 * `required environment variables were not set: [a b]` ✅.
 */
export function interpolateEnv(text: string, lookup: (name: string) => string | undefined): string {
  const missing: string[] = [];
  const out = text.replace(ENV_VAR, (_whole, name: string, fallback: string | undefined) => {
    const value = lookup(name);
    if (value !== undefined && value !== '') return value.replace(/\n/g, '\\n');
    if (fallback !== undefined) return fallback;
    if (!missing.includes(name)) missing.push(name);
    return '';
  });
  if (missing.length > 0) throw new ConfigError(`required environment variables were not set: [${missing.join(' ')}]`);
  return out;
}

// ------------------------------------------------------------------------------------------------ shapes

export interface AwsAuthConfig {
  readonly enabled: boolean;
  readonly region: string | undefined;
  readonly endpoint: string;
  /** Role ARNs to chain, in order (aws.role first when Connect would honour it, then roles[]). */
  readonly roles: readonly string[];
  /**
   * Static credentials (`aws.id`, `aws.secret`, `aws.token`), as resolved from `${secrets.*}` when the pipeline
   * started; undefined when empty. With `id` set they replace the SDK's default chain (docs/reference/redpanda-connect.md §2).
   */
  readonly id: string | undefined;
  readonly secret: string | undefined;
  readonly token: string | undefined;
}

export interface PostgresCdcConfig {
  readonly kind: 'postgres_cdc';
  readonly label: string;
  readonly dsn: string;
  readonly schema: string;
  readonly tables: readonly string[];
  readonly slotName: string;
  readonly temporarySlot: boolean;
  readonly streamSnapshot: boolean;
  readonly includeTransactionMarkers: boolean;
  readonly walMonitorInterval: string;
  /** heartbeat_interval <= 0: Connect refuses it at connect time (docs/reference/redpanda-connect.md §0.3). */
  readonly heartbeatDisabled: boolean;
  readonly aws: AwsAuthConfig | undefined;
}

export interface MysqlCdcConfig {
  readonly kind: 'mysql_cdc';
  readonly label: string;
  readonly dsn: string;
  readonly tables: readonly string[];
  readonly streamSnapshot: boolean;
  readonly checkpointCache: string;
  readonly checkpointKey: string;
  readonly aws: AwsAuthConfig | undefined;
}

export interface RedpandaOutputConfig {
  readonly kind: 'redpanda';
  readonly label: string;
  readonly seedBrokers: readonly string[];
  readonly topic: string;
  readonly key: string | undefined;
  readonly tlsEnabled: boolean;
  readonly sasl: readonly { readonly mechanism: string; readonly username: string; readonly password: string }[];
  readonly includePatterns: readonly RegExp[];
  readonly includePrefixes: readonly string[];
}

/** A component the emulator does not implement (said so in the logs as the emulator's limit). */
export interface UnsupportedComponent {
  readonly kind: 'unsupported';
  readonly label: string;
  readonly type: string;
}

export interface PipelineConfig {
  readonly input: PostgresCdcConfig | MysqlCdcConfig | UnsupportedComponent;
  readonly output: RedpandaOutputConfig | UnsupportedComponent;
}

// ------------------------------------------------------------------------------------------------ parsing

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, fallback = ''): string => (v === undefined || v === null ? fallback : String(v));
const bool = (v: unknown, fallback: boolean): boolean => (v === undefined || v === null ? fallback : v === true || v === 'true');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => str(x)) : []);

/** The single component key of an input/output block (everything but the common fields). */
function component(block: Obj): { type: string; body: Obj } | undefined {
  const keys = Object.keys(block).filter((k) => !['label', 'processors'].includes(k));
  if (keys.length !== 1) return undefined;
  const type = keys[0]!;
  return { type, body: isObj(block[type]) ? (block[type] as Obj) : {} };
}

function awsConfig(aws: unknown): AwsAuthConfig | undefined {
  if (!isObj(aws) || !bool(aws.enabled, false)) return undefined;
  const roles: string[] = [];
  // docs/reference/redpanda-connect.md §0.2: `role` is read with FieldString next to `role_external_id`; the error of a missing
  // role_external_id is discarded, so `aws.role` alone is silently ignored.
  if (aws.role !== undefined && aws.role_external_id !== undefined && str(aws.role) !== '') roles.push(str(aws.role));
  if (Array.isArray(aws.roles)) {
    for (const entry of aws.roles) {
      const role = isObj(entry) ? str(entry.role) : '';
      // ✅ the index is always 0 (the check loops over a one-element slice, docs/reference/redpanda-connect.md §2a).
      if (role === '') throw new ConfigError('roles[0].role is required for IAM authentication');
      roles.push(role);
    }
  }
  const optional = (v: unknown): string | undefined => (str(v) === '' ? undefined : str(v));
  return {
    enabled: true,
    region: aws.region === undefined ? undefined : str(aws.region),
    endpoint: str(aws.endpoint),
    roles,
    id: optional(aws.id),
    secret: optional(aws.secret),
    token: optional(aws.token),
  };
}

function postgresCdc(label: string, b: Obj): PostgresCdcConfig {
  const slotName = str(b.slot_name);
  if (slotName === '') throw new ConfigError('slot_name is required');
  if (!/^[0-9A-Za-z_]+$/.test(slotName)) throw new ConfigError(`invalid slot_name: invalid postgres identifier "${slotName}"`);
  const heartbeat = str(b.heartbeat_interval, '1h');
  const walMonitorInterval = str(b.pg_wal_monitor_interval, '3s');
  const hb = parseGoDuration(heartbeat);
  return {
    kind: 'postgres_cdc',
    label,
    dsn: str(b.dsn),
    schema: str(b.schema),
    tables: list(b.tables),
    slotName,
    temporarySlot: bool(b.temporary_slot, false),
    streamSnapshot: bool(b.stream_snapshot, false),
    includeTransactionMarkers: bool(b.include_transaction_markers, false),
    walMonitorInterval,
    heartbeatDisabled: hb !== undefined && hb <= 0,
    aws: awsConfig(b.aws),
  };
}

// internal/impl/mysql/validate.go ✅ texts; rule `^[a-zA-Z_][a-zA-Z0-9_$]*$`, at most 64 characters.
function checkMysqlTable(t: string): void {
  if (t === '') throw new ConfigError('empty table name');
  if (t.length > 64) throw new ConfigError('invalid table length');
  if (!/^[a-zA-Z_]/.test(t)) throw new ConfigError('invalid start char in mysql table name');
  if (!/^[a-zA-Z_][a-zA-Z0-9_$]*$/.test(t)) throw new ConfigError('invalid table name');
}

function mysqlCdc(label: string, b: Obj, cacheLabels: readonly string[]): MysqlCdcConfig {
  const tables = list(b.tables);
  if (tables.length === 0) throw new ConfigError("field 'tables' must contain at least one table");
  tables.forEach(checkMysqlTable);
  const dsn = str(b.dsn);
  parseMysqlDsn(dsn);
  const checkpointCache = str(b.checkpoint_cache);
  // 🔶 Connect resolves the cache resource by name; an undeclared one fails with this text.
  if (!cacheLabels.includes(checkpointCache)) throw new ConfigError(`unknown cache resource: ${checkpointCache}`);
  return {
    kind: 'mysql_cdc',
    label,
    dsn,
    tables,
    streamSnapshot: bool(b.stream_snapshot, false),
    checkpointCache,
    checkpointKey: str(b.checkpoint_key, 'mysql_binlog_position'),
    aws: awsConfig(b.aws),
  };
}

function redpandaOutput(label: string, b: Obj): RedpandaOutputConfig {
  const seedBrokers = list(b.seed_brokers).flatMap((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
  const sasl = Array.isArray(b.sasl)
    ? b.sasl.filter(isObj).map((s) => ({ mechanism: str(s.mechanism, 'none'), username: str(s.username), password: str(s.password) }))
    : [];
  const metadata = isObj(b.metadata) ? b.metadata : {};
  return {
    kind: 'redpanda',
    label,
    seedBrokers,
    topic: str(b.topic),
    key: b.key === undefined ? undefined : str(b.key),
    tlsEnabled: isObj(b.tls) && bool(b.tls.enabled, false),
    sasl,
    includePatterns: list(metadata.include_patterns).map((p) => new RegExp(p)),
    includePrefixes: list(metadata.include_prefixes),
  };
}

/** Interpolate, parse and read the components (throws {@link ConfigError} with Connect's build-time text). */
export function loadPipelineConfig(configYaml: string, lookup: (name: string) => string | undefined): PipelineConfig {
  const text = interpolateEnv(configYaml, lookup);
  let root: unknown;
  try {
    root = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`failed to parse config: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObj(root) || !isObj(root.input) || !isObj(root.output)) throw new ConfigError('the config must have an input and an output');
  const cacheLabels = Array.isArray(root.cache_resources) ? root.cache_resources.filter(isObj).map((c) => str(c.label)) : [];

  const inputBlock = root.input;
  // Unlabelled components log an empty label (the generated pipelines always set one).
  const inputLabel = str(inputBlock.label);
  const input = component(inputBlock);
  let parsedInput: PipelineConfig['input'];
  if (input?.type === 'postgres_cdc' || input?.type === 'pg_stream') parsedInput = postgresCdc(inputLabel, input.body);
  else if (input?.type === 'mysql_cdc') parsedInput = mysqlCdc(inputLabel, input.body, cacheLabels);
  else parsedInput = { kind: 'unsupported', label: inputLabel, type: input?.type ?? '(none)' };

  const outputBlock = root.output;
  const outputLabel = str(outputBlock.label);
  const output = component(outputBlock);
  const parsedOutput: PipelineConfig['output'] =
    output?.type === 'redpanda' ? redpandaOutput(outputLabel, output.body) : { kind: 'unsupported', label: outputLabel, type: output?.type ?? '(none)' };
  return { input: parsedInput, output: parsedOutput };
}

// ------------------------------------------------------------------------------------------------ DSNs

/** A DSN as the emulator connects with it: the drivers' defaults filled in. */
export interface Dsn {
  readonly user: string;
  readonly password: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly params: Readonly<Record<string, string>>;
}
export type PgDsn = Dsn;
export type MysqlDsn = Dsn;

/** `postgres://user[:pw]@host:port/db?k=v` or pgconn's key/value form, split by the lint's parser; pgconn's defaults. */
export function parsePgDsn(dsn: string): PgDsn {
  if (/^postgres(ql)?:\/\//i.test(dsn) && !URL.canParse(dsn)) {
    // ❓ pgconn's wording for an unparsable URL.
    throw new ConfigError(`cannot parse \`${dsn.replace(/:[^@/]*@/, ':xxxxx@')}\`: failed to parse as URL`);
  }
  const p = parsePostgresDsn(dsn);
  const user = p.user ?? '';
  return { user, password: p.password || undefined, host: p.host ?? 'localhost', port: p.port ? Number(p.port) : 5432, database: p.database ?? user, params: p.params };
}

/** go-sql-driver DSN `user[:pw]@tcp(host:port)/db?k=v`, split by the lint's parser; errors as Connect prints them. */
export function parseMysqlDsn(dsn: string): MysqlDsn {
  const p = splitMysqlDsn(dsn);
  if (!p.hasSlash) throw new ConfigError('error parsing mysql DSN: invalid DSN: missing the slash separating the database name');
  if (!p.database) throw new ConfigError('error parsing mysql DSN: the DSN must name a database');
  return { user: p.user ?? '', password: p.password, host: p.host ?? '', port: p.port ? Number(p.port) : 3306, database: p.database, params: p.params };
}

// ------------------------------------------------------------------------------------------------ bloblang-lite

/**
 * Evaluate the simple interpolations the generator uses in `topic` and `key`: `${! @name }`, `${! meta("name") }`,
 * `${! metadata("name") }` and `${! this.a.b }`. Anything else is beyond the emulator: undefined.
 */
export function interpolateMessage(template: string, meta: Readonly<Record<string, string>>, row: unknown): string | undefined {
  let unsupported = false;
  const out = template.replace(/\$\{!\s*([^}]*?)\s*\}/g, (_whole, expr: string) => {
    let m = /^@([A-Za-z_][\w]*)$/.exec(expr) ?? /^meta(?:data)?\(\s*"([^"]+)"\s*\)$/.exec(expr);
    if (m) return meta[m[1]!] ?? '';
    m = /^this((?:\.[A-Za-z_]\w*)+)$/.exec(expr);
    if (m) {
      let v: unknown = row;
      for (const part of m[1]!.slice(1).split('.')) v = isObj(v) ? v[part] : undefined;
      return v === undefined || v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    unsupported = true;
    return '';
  });
  return unsupported ? undefined : out;
}
