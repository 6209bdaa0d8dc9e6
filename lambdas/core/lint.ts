// `rpcn-aurora lint`: checks an existing, possibly hand-written, Redpanda Connect pipeline that reads CDC
// from Aurora with IAM auth for every pitfall of docs/reference/redpanda-connect.md §0 (and a few more
// found in the same notes). Pure: text in, findings out, each with a stable rule id, a YAML path, the
// line and column from the yaml library's source ranges, and the fix. Where the pipeline runs (a Redpanda
// Cloud pipeline, or Redpanda Connect the operator runs) decides where its AWS identity comes from.
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import {
  DEPRECATED_FIELDS,
  type DeprecatedField,
  IAM_TOKEN_LIFETIME_MS,
  MYSQL_CDC_SHAPE,
  parseGoDuration,
  POSTGRES_CDC_SHAPE,
  REDPANDA_CACHE_SHAPE,
  REDPANDA_OUTPUT_SHAPE,
  REQUIRED_FIELDS,
  SLOT_NAME_PATTERN,
  type FieldShape,
} from './pipeline-yaml.js';

export type Severity = 'error' | 'warning';

export interface LintRule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** Why it matters, with the section of docs/reference/redpanda-connect.md (or other source) behind it. */
  readonly rationale: string;
}


/** Every rule the lint applies. Ids are stable: never renumber, only append. */
export const LINT_RULES = [
  {
    id: 'RPCN001',
    title: 'The file is not valid YAML (or not a mapping)',
    severity: 'error',
    rationale: 'Redpanda Connect cannot load it, and nothing else can be checked.',
  },
  {
    id: 'RPCN002',
    title: 'aws.endpoint must be host:port',
    severity: 'error',
    rationale: `The RDS token signer rejects an endpoint without a port ("the provided endpoint is missing a port"); the field docs show a bare host, which is wrong (docs/reference/redpanda-connect.md §0.1).`,
  },
  {
    id: 'RPCN003',
    title: 'aws.role without aws.role_external_id is silently ignored',
    severity: 'error',
    rationale: `parseRoleConfig fails on the absent role_external_id and the caller discards the error, so no role is assumed and the token is signed with the base identity (docs/reference/redpanda-connect.md §0.2).`,
  },
  {
    id: 'RPCN004',
    title: 'aws.role used instead of aws.roles[]',
    severity: 'warning',
    rationale: `aws.role works only while role_external_id is also present; one edit away from being silently ignored. roles[] items default both fields (docs/reference/redpanda-connect.md §0.2).`,
  },
  {
    id: 'RPCN005',
    title: 'heartbeat_interval must be a duration above 0s',
    severity: 'error',
    rationale: `Since v4.70.0 postgres_cdc refuses heartbeat_interval <= 0 ("invalid monitoring interval"), contrary to its docs (docs/reference/redpanda-connect.md §0.3).`,
  },
  {
    id: 'RPCN006',
    title: 'heartbeat_interval must be below 15m with IAM auth (the default is 1h)',
    severity: 'error',
    rationale: `The heartbeat connection opens one interval after connect with the token minted at connect, which lives 15 minutes: heartbeats then fail and WAL is not advanced for quiet tables (docs/reference/redpanda-connect.md §0.4).`,
  },
  {
    id: 'RPCN007',
    title: 'temporary_slot: true loses changes on every reconnect',
    severity: 'error',
    rationale: `A temporary slot vanishes with the replication connection; each reconnect starts a new slot at the current WAL position (docs/reference/redpanda-connect.md §3).`,
  },
  {
    id: 'RPCN008',
    title: 'TLS certificate verification is skipped',
    severity: 'error',
    rationale: `skip_cert_verify (or a MySQL DSN tls=skip-verify) accepts any server certificate; verify against the RDS CA bundle instead (docs/reference/redpanda-connect.md §6).`,
  },
  {
    id: 'RPCN009',
    title: 'Deprecated component',
    severity: 'warning',
    rationale: `The kafka and kafka_franz inputs and redpanda_common were folded into the redpanda input/output in 4.68.0 (the kafka and kafka_franz outputs stay stable); pg_stream is the old name of postgres_cdc (docs/reference/redpanda-connect.md §5, §1).`,
  },
  {
    id: 'RPCN010',
    title: 'Literal secret in the pipeline',
    severity: 'error',
    rationale: `Passwords belong in the Redpanda secret store, referenced as \${secrets.NAME}; a DSN password is pointless with IAM auth (docs/reference/redpanda-connect.md §5; docs/architecture.md#security-and-reliability-rules).`,
  },
  {
    id: 'RPCN011',
    title: 'MySQL DSN lacks allowCleartextPasswords=true with IAM auth',
    severity: 'error',
    rationale: `The snapshot driver refuses to send the IAM token otherwise ("this user requires clear text authentication") (docs/reference/redpanda-connect.md §0.6).`,
  },
  {
    id: 'RPCN012',
    title: 'max_reconnect_attempts <= 0 retries forever with an expired token',
    severity: 'error',
    rationale: `canal reconnects reuse the token minted at connect; only when they run out does Connect mint a new one (docs/reference/redpanda-connect.md §0.6, §4).`,
  },
  {
    id: 'RPCN013',
    title: 'max_reconnect_attempts not set with IAM auth (default 10)',
    severity: 'warning',
    rationale: `The default is finite, so the input recovers, but after ten doomed retries with a stale token; the docs ask for a low value (docs/reference/redpanda-connect.md §0.6, §4).`,
  },
  {
    id: 'RPCN014',
    title: 'Qualified table name',
    severity: 'error',
    rationale: `postgres_cdc quotes "sales.orders" as one name inside schema ("public"."sales.orders"); mysql_cdc rejects dotted names. All tables live in the one schema / DSN database (docs/reference/redpanda-connect.md §0.8, §2b).`,
  },
  {
    id: 'RPCN015',
    title: 'slot_name missing or not ^[a-z0-9_]{1,50}$',
    severity: 'error',
    rationale: `slot_name is required despite its docs; PostgreSQL refuses upper case, and pglog_stream_<slot> must fit in 63 bytes (docs/reference/redpanda-connect.md §0.7, §3).`,
  },
  {
    id: 'RPCN016',
    title: 'DSN host differs from aws.endpoint host',
    severity: 'error',
    rationale: `The token is signed for aws.endpoint but presented to the DSN host; Aurora rejects a token signed for another host (docs/reference/redpanda-connect.md §0.1).`,
  },
  {
    id: 'RPCN017',
    title: 'tables missing or empty',
    severity: 'error',
    rationale: `postgres_cdc with tables: [] publishes FOR ALL TABLES (needs superuser) and disables the snapshot; mysql_cdc requires at least one table (docs/reference/redpanda-connect.md §1, §4).`,
  },
  {
    id: 'RPCN018',
    title: 'Interpolated root_cas is not double-quoted',
    severity: 'error',
    rationale: `Interpolation escapes the PEM's newlines as \\n, which only a double-quoted YAML string turns back into newlines; otherwise the CA pool is silently empty (docs/reference/redpanda-connect.md §5, §6).`,
  },
  {
    id: 'RPCN019',
    title: 'MySQL DSN without a database name',
    severity: 'error',
    rationale: `mysql_cdc matches tables as ^<db>\\.<table>$ with the DSN's database, so it must be there (docs/reference/redpanda-connect.md §4).`,
  },
  {
    id: 'RPCN020',
    title: 'aws.region not set',
    severity: 'warning',
    rationale: `Without it the SDK default chain picks the pipeline's own region, and a token signed for another region than the database's is refused (docs/reference/redpanda-connect.md §1).`,
  },
  {
    id: 'RPCN021',
    title: 'Field not documented for the component, or of the wrong shape',
    severity: 'error',
    rationale: 'Redpanda Connect rejects unknown fields; the accepted fields are the component reference lists of v4.106.0 (specs/redpanda-connect/).',
  },
  {
    id: 'RPCN022',
    title: 'IAM auth without a role chain',
    severity: 'warning',
    rationale: `With no roles[] the token is signed with the pipeline's own identity, which cannot log in to a database in another account (docs/reference/redpanda-connect.md §2; docs/architecture.md#the-chain).`,
  },
  {
    id: 'RPCN023',
    title: 'aws.roles[] entry without a role',
    severity: 'error',
    rationale: `Connect stops with "roles[0].role is required for IAM authentication" (docs/reference/redpanda-connect.md §2a).`,
  },
  {
    id: 'RPCN024',
    title: 'Database TLS not verified against a CA',
    severity: 'warning',
    rationale: `Without tls.root_cas (or root_cas_file) sslmode=require encrypts without verifying, and MySQL tls=true uses system roots that lack the RDS CAs (docs/reference/redpanda-connect.md §6).`,
  },
  {
    id: 'RPCN025',
    title: 'Required field missing',
    severity: 'error',
    rationale: `The field has no default; Connect will not start (docs/reference/redpanda-connect.md §1, §4, §5).`,
  },
  {
    id: 'RPCN026',
    title: 'checkpoint_cache missing or not a declared cache resource',
    severity: 'error',
    rationale: `mysql_cdc stores its binlog position there and fails with "unknown cache resource" (docs/reference/redpanda-connect.md §2b, §4, §5).`,
  },
  {
    id: 'RPCN027',
    title: 'Deprecated field',
    severity: 'warning',
    rationale: `Still accepted, but gone from the component reference: ignored (postgres_cdc snapshot_memory_safety_factor) or superseded (the redpanda output's timestamp, in seconds, by timestamp_ms) (docs/reference/redpanda-connect.md §1, §5).`,
  },
  {
    id: 'RPCN028',
    title: 'No postgres_cdc or mysql_cdc input',
    severity: 'warning',
    rationale: 'The lint targets Aurora CDC pipelines; without such an input most rules have nothing to check.',
  },
  {
    id: 'RPCN029',
    title: 'aws settings present but aws.enabled is not true',
    severity: 'error',
    rationale: `The aws block is ignored unless enabled: no IAM token is generated and the passwordless DSN cannot log in (docs/reference/redpanda-connect.md §1).`,
  },
  {
    id: 'RPCN030',
    title: 'Unresolved placeholder',
    severity: 'error',
    rationale: '`rpcn-aurora plan` writes {{KEY}} for values known only once the cluster exists; the pipeline cannot run until they are replaced (docs/architecture.md#generated-artifacts).',
  },
  {
    id: 'RPCN031',
    title: 'Redpanda Cloud pipeline with IAM auth but no aws.id/aws.secret',
    severity: 'error',
    rationale: `Redpanda Cloud pipelines (BYOC, Dedicated) get no pod identity and the Redpanda-managed pipeline role cannot be given permissions: a Cloud pipeline assumes roles with the static key of an IAM identity you own, read from Redpanda secrets (docs/reference/redpanda-cloud.md §10). Not checked for self-managed Connect or a pipeline with a pod identity.`,
  },
  {
    id: 'RPCN032',
    title: 'aws.id and aws.secret must be given together',
    severity: 'error',
    rationale: `Connect builds a static key only when aws.id is set, from id, secret and token together: a secret or token without an id is ignored and the SDK's default chain is used instead; an id without a secret cannot sign (docs/reference/redpanda-connect.md §2).`,
  },
] as const satisfies readonly LintRule[];

/** Where the pipeline runs (docs/reference/redpanda-cloud.md §10). */
export const LINT_TARGETS = ['redpanda-cloud', 'self-managed'] as const;
export type LintTarget = (typeof LINT_TARGETS)[number];

export interface LintOptions {
  /** `redpanda-cloud` (default): a Redpanda Cloud pipeline; `self-managed`: Redpanda Connect the operator runs. */
  readonly target?: LintTarget;
  /**
   * The Cloud pipeline runs with a pod identity (identity.mode pipeline-role: IRSA as the Redpanda pipeline role),
   * so it needs no static key. Default false.
   */
  readonly podIdentity?: boolean;
}

export type RuleId = (typeof LINT_RULES)[number]['id'];

const RULES_BY_ID: ReadonlyMap<string, LintRule> = new Map(LINT_RULES.map((r) => [r.id, r]));

export interface LintFinding {
  readonly rule: RuleId;
  readonly severity: Severity;
  /** Dotted YAML path, e.g. `input.postgres_cdc.aws.endpoint`; empty for the whole file. */
  readonly path: string;
  /** 1-based line and column of the offending node (of its parent when the field is missing). */
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly fix: string;
}

export function countFindings(findings: readonly LintFinding[]): { errors: number; warnings: number } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}

/** `file:line:col  SEVERITY  RULEID  path  message (fix: ...)` */
export function formatFinding(file: string, f: LintFinding): string {
  return `${file}:${f.line}:${f.column}  ${f.severity.toUpperCase()}  ${f.rule}  ${f.path || '(root)'}  ${f.message} (fix: ${f.fix})`;
}

// ---------------------------------------------------------------------------------------------------
// DSNs

export interface ParsedDsn {
  readonly user?: string;
  readonly password?: string;
  readonly host?: string;
  readonly port?: string;
  readonly database?: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Host and port of `host:port`, `[v6]:port` or `host`. */
export function splitHostPort(text: string): { host: string; port?: string } {
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end > 0) {
      const rest = text.slice(end + 1);
      return { host: text.slice(1, end), ...(rest.startsWith(':') ? { port: rest.slice(1) } : {}) };
    }
  }
  const colon = text.lastIndexOf(':');
  return colon < 0 ? { host: text } : { host: text.slice(0, colon), port: text.slice(colon + 1) };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A PostgreSQL DSN in URL form (`postgres://u[:p]@h:port/db?k=v`) or keyword/value form (`host=... user=...`). */
export function parsePostgresDsn(dsn: string): ParsedDsn {
  const url = /^postgres(?:ql)?:\/\/(.*)$/i.exec(dsn.trim());
  if (url) {
    const rest = url[1]!;
    const end = rest.search(/[/?#]/);
    const authority = end < 0 ? rest : rest.slice(0, end);
    const tail = end < 0 ? '' : rest.slice(end);
    const at = authority.lastIndexOf('@');
    const userinfo = at < 0 ? undefined : authority.slice(0, at);
    // Several hosts may be listed; the first is the one connected to.
    const { host, port } = splitHostPort(authority.slice(at + 1).split(',')[0]!);
    const colon = userinfo?.indexOf(':') ?? -1;
    const pathMatch = /^\/([^?#]*)/.exec(tail);
    const query = /\?([^#]*)/.exec(tail)?.[1] ?? '';
    return {
      ...(userinfo !== undefined ? { user: decode(colon < 0 ? userinfo : userinfo.slice(0, colon)) } : {}),
      ...(userinfo !== undefined && colon >= 0 ? { password: decode(userinfo.slice(colon + 1)) } : {}),
      ...(host ? { host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(pathMatch?.[1] ? { database: decode(pathMatch[1]) } : {}),
      params: Object.fromEntries(new URLSearchParams(query)),
    };
  }
  const params: Record<string, string> = {};
  for (const m of dsn.matchAll(/([A-Za-z_]+)\s*=\s*('(?:\\.|[^'\\])*'|\S*)/g)) {
    const raw = m[2]!;
    params[m[1]!] = raw.startsWith("'") ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  const { user, password, host, port, dbname, ...rest } = params;
  return {
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(host !== undefined ? { host: host.split(',')[0]! } : {}),
    ...(port !== undefined ? { port: port.split(',')[0]! } : {}),
    ...(dbname !== undefined ? { database: dbname } : {}),
    params: rest,
  };
}

export interface ParsedMysqlDsn extends ParsedDsn {
  /** False when the DSN has no `/` before the database name (go-sql-driver refuses it). */
  readonly hasSlash: boolean;
}

/** A go-sql-driver DSN `[user[:password]@][net[(addr)]]/dbname[?params]`, split the way the driver does. */
export function parseMysqlDsn(dsn: string): ParsedMysqlDsn {
  // The driver takes the last '/', since the password or the address may contain one.
  const slash = dsn.lastIndexOf('/');
  if (slash < 0) return { hasSlash: false, params: {} };
  const left = dsn.slice(0, slash);
  const at = left.lastIndexOf('@');
  const userinfo = at < 0 ? undefined : left.slice(0, at);
  const netAddr = left.slice(at + 1);
  const addr = /^[^(]*\((.*)\)$/.exec(netAddr)?.[1];
  const { host, port } = addr ? splitHostPort(addr) : { host: undefined, port: undefined };
  const right = dsn.slice(slash + 1);
  const q = right.indexOf('?');
  const database = q < 0 ? right : right.slice(0, q);
  const params: Record<string, string> = {};
  if (q >= 0) {
    for (const kv of right.slice(q + 1).split('&')) {
      if (!kv) continue;
      const eq = kv.indexOf('=');
      params[eq < 0 ? kv : kv.slice(0, eq)] = eq < 0 ? '' : decode(kv.slice(eq + 1));
    }
  }
  const colon = userinfo?.indexOf(':') ?? -1;
  return {
    hasSlash: true,
    ...(userinfo !== undefined ? { user: colon < 0 ? userinfo : userinfo.slice(0, colon) } : {}),
    ...(userinfo !== undefined && colon >= 0 ? { password: userinfo.slice(colon + 1) } : {}),
    ...(host ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(database ? { database } : {}),
    params,
  };
}

// ---------------------------------------------------------------------------------------------------
// Interpolation (docs/reference/redpanda-connect.md §5): `${NAME}` / `${NAME:default}` is replaced in the raw text before parsing;
// `${! ... }` is Bloblang, evaluated per message.

const ENV_INTERPOLATION = /\$\{[0-9A-Za-z_.]+(:[^}]*)?\}/;
/** A whole value that is a reference with no literal fallback: `${secrets.X}`, `${ENV}`. */
const PURE_REFERENCE = /^\$\{[0-9A-Za-z_.]+:?\}$/;
const PLACEHOLDER = /\{\{[A-Z0-9_]+\}\}/g;

const hasInterpolation = (v: string) => ENV_INTERPOLATION.test(v);
const isSecretReference = (v: string) => PURE_REFERENCE.test(v);
const parseGoBool = (v: string | undefined) => v !== undefined && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);

// ---------------------------------------------------------------------------------------------------

/** A mapping entry with where it is. */
interface Field {
  readonly path: string;
  readonly keyNode: Scalar;
  readonly value: unknown;
}

interface Component {
  readonly kind: 'input' | 'output' | 'cache';
  readonly type: string;
  readonly path: string;
  readonly keyNode: Scalar;
  readonly body: unknown;
}

const CDC_INPUTS = new Set(['postgres_cdc', 'pg_stream', 'mysql_cdc']);
/** Deprecated component → its replacement, per kind: only the kafka and kafka_franz *inputs* are deprecated, their outputs are Stable(). */
const DEPRECATED_COMPONENTS: Readonly<Partial<Record<Component['kind'], Readonly<Record<string, string>>>>> = {
  input: { kafka: 'redpanda', kafka_franz: 'redpanda', redpanda_common: 'redpanda', pg_stream: 'postgres_cdc' },
  output: { redpanda_common: 'redpanda' },
};
const PG_DEFAULT_HEARTBEAT = '1h';
const MYSQL_DEFAULT_RECONNECTS = 10;

class Linter {
  readonly findings: LintFinding[] = [];
  private readonly cacheLabels = new Set<string>();

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly options: Required<LintOptions>,
  ) {}

  report(rule: RuleId, path: string, at: unknown, message: string, fix: string): void {
    const { line, col } = this.position(at);
    const severity = RULES_BY_ID.get(rule)!.severity;
    this.findings.push({ rule, severity, path, line, column: col, message, fix });
  }

  private position(at: unknown): { line: number; col: number } {
    const range = (at as Node | null | undefined)?.range;
    return range ? this.lines.linePos(range[0]) : { line: 1, col: 1 };
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  private fields(map: unknown, path: string): Field[] {
    const m = this.deref(map);
    if (!isMap(m)) return [];
    return m.items.flatMap((pair) =>
      isPair(pair) && isScalar(pair.key) && pair.key.value !== null
        ? [{ path: join(path, String(pair.key.value)), keyNode: pair.key, value: this.deref(pair.value) }]
        : [],
    );
  }

  private field(map: unknown, path: string, key: string): Field | undefined {
    return this.fields(map, path).find((f) => f.path === join(path, key));
  }

  /** The field's value as text, when it is a scalar (not null). */
  private text(f: Field | undefined): string | undefined {
    return f && isScalar(f.value) && f.value.value !== null ? String(f.value.value) : undefined;
  }

  private isTrue(f: Field | undefined): boolean {
    return !!f && isScalar(f.value) && f.value.value === true;
  }

  run(): void {
    const root = this.doc.contents;
    if (!isMap(root)) {
      this.report('RPCN001', '', root, 'the file is not a YAML mapping with input and output sections', 'write the pipeline as a mapping with input: and output:');
      return;
    }
    for (const f of this.fields(root, '')) {
      if (f.path !== 'cache_resources' || !isSeq(f.value)) continue;
      f.value.items.forEach((item) => {
        const label = this.text(this.field(this.deref(item), '', 'label'));
        if (label) this.cacheLabels.add(label);
      });
    }
    const components = this.components(root);
    for (const c of components) this.checkComponent(c);
    if (!components.some((c) => c.kind === 'input' && CDC_INPUTS.has(c.type))) {
      this.report('RPCN028', '', root, 'no postgres_cdc, pg_stream or mysql_cdc input found', 'lint a pipeline that reads CDC from Aurora');
    }
    this.walk(root, '', '');
  }

  /** Components in the places Redpanda Connect looks for them, including common wrappers. */
  private components(root: YAMLMap): Component[] {
    const found: Component[] = [];
    const collect = (kind: Component['kind'], node: unknown, path: string): void => {
      for (const f of this.fields(node, path)) {
        const type = String(f.keyNode.value);
        if (type === 'label' || type === 'processors') continue;
        found.push({ kind, type, path: f.path, keyNode: f.keyNode, body: f.value });
        for (const [childPath, child] of this.wrapped(kind, type, f)) collect(kind, child, childPath);
      }
    };
    for (const f of this.fields(root, '')) {
      if (f.path === 'input') collect('input', f.value, 'input');
      if (f.path === 'output') collect('output', f.value, 'output');
      const kind = ({ input_resources: 'input', output_resources: 'output', cache_resources: 'cache' } as const)[f.path as 'input_resources'];
      if (kind && isSeq(f.value)) f.value.items.forEach((item, i) => collect(kind, this.deref(item), `${f.path}[${i}]`));
    }
    return found;
  }

  /** Children of broker/sequence/fallback/switch/... wrappers. */
  private wrapped(kind: Component['kind'], type: string, f: Field): Array<[string, unknown]> {
    const list = (key: string): Array<[string, unknown]> => {
      const child = key ? this.field(f.value, f.path, key) : { path: f.path, value: f.value };
      if (!child || !isSeq(child.value)) return [];
      return child.value.items.map((item, i) => [`${child.path}[${i}]`, this.deref(item)]);
    };
    const one = (key: string): Array<[string, unknown]> => {
      const child = this.field(f.value, f.path, key);
      return child ? [[child.path, child.value]] : [];
    };
    if (kind === 'input') {
      if (type === 'broker' || type === 'sequence') return list('inputs');
      if (type === 'read_until') return one('input');
    }
    if (kind === 'output') {
      if (type === 'broker') return list('outputs');
      if (type === 'fallback') return list('');
      if (type === 'retry' || type === 'drop_on') return one('output');
      if (type === 'reject_errored') return [[f.path, f.value]];
      if (type === 'switch') {
        return list('cases').flatMap(([p, c]) => {
          const out = this.field(c, p, 'output');
          return out ? [[out.path, out.value] as [string, unknown]] : [];
        });
      }
    }
    return [];
  }

  private checkComponent(c: Component): void {
    const replacement = DEPRECATED_COMPONENTS[c.kind]?.[c.type];
    if (replacement) {
      this.report('RPCN009', c.path, c.keyNode, `the ${c.type} ${c.kind} is deprecated`, `use the ${replacement} ${c.kind} instead`);
    }
    if (c.kind === 'input' && (c.type === 'postgres_cdc' || c.type === 'pg_stream')) this.checkCdc(c, 'postgres');
    else if (c.kind === 'input' && c.type === 'mysql_cdc') this.checkCdc(c, 'mysql');
    else if (c.kind === 'output' && c.type === 'redpanda') this.checkRedpanda(c, REDPANDA_OUTPUT_SHAPE, REQUIRED_FIELDS.redpandaOutput);
    else if (c.kind === 'cache' && c.type === 'redpanda') this.checkRedpanda(c, REDPANDA_CACHE_SHAPE, REQUIRED_FIELDS.redpandaCache);
  }

  private bodyIsMap(c: Component): boolean {
    if (c.body === null || (isScalar(c.body) && c.body.value === null) || isMap(c.body)) return true;
    this.report('RPCN021', c.path, c.body, `${c.type} must be a mapping of its fields`, `write ${c.type}: followed by its indented fields`);
    return false;
  }

  private checkRequired(c: Component, required: readonly string[]): void {
    for (const key of required) {
      const f = this.field(c.body, c.path, key);
      if (!f || (isScalar(f.value) && (f.value.value === null || f.value.value === ''))) {
        this.report('RPCN025', join(c.path, key), f?.keyNode ?? c.keyNode, `${c.type} requires ${key}`, `set ${key}`);
      }
    }
  }

  private checkRedpanda(c: Component, shape: FieldShape, required: readonly string[]): void {
    if (!this.bodyIsMap(c)) return;
    const deprecated = c.kind === 'output' ? DEPRECATED_FIELDS.redpanda : undefined;
    this.checkShape(c.body, shape, c.path, { base: c.path, name: `the redpanda ${c.kind}` }, deprecated);
    this.checkRequired(c, required);
    const timestamp = this.field(c.body, c.path, 'timestamp');
    if (c.kind === 'output' && timestamp && this.field(c.body, c.path, 'timestamp_ms')) {
      // Connect refuses the pair at start: "cannot specify both timestamp and timestamp_ms fields".
      this.report('RPCN021', timestamp.path, timestamp.keyNode, 'both timestamp and timestamp_ms cannot be specified simultaneously', 'keep only timestamp_ms');
    }
  }

  private checkCdc(c: Component, engine: 'postgres' | 'mysql'): void {
    if (!this.bodyIsMap(c)) return;
    const component = engine === 'postgres' ? 'postgres_cdc' : 'mysql_cdc';
    this.checkShape(c.body, engine === 'postgres' ? POSTGRES_CDC_SHAPE : MYSQL_CDC_SHAPE, c.path, { base: c.path, name: c.type }, DEPRECATED_FIELDS[component]);
    const required = REQUIRED_FIELDS[component].filter((k) => !['tables', 'slot_name', 'checkpoint_cache'].includes(k));
    this.checkRequired(c, required);
    const get = (key: string) => this.field(c.body, c.path, key);

    const dsnField = get('dsn');
    const dsnText = this.text(dsnField);
    const fullyInterpolated = (v: string) => /^\$\{[^}]*\}$/.test(v);
    const parsable = dsnText && !fullyInterpolated(dsnText) ? dsnText : undefined;
    const mysqlDsn = parsable && engine === 'mysql' ? parseMysqlDsn(parsable) : undefined;
    const dsn: ParsedDsn | undefined = parsable && engine === 'postgres' ? parsePostgresDsn(parsable) : mysqlDsn;
    const iam = this.checkAws(c, get('aws'));

    if (dsn?.password && !isSecretReference(dsn.password)) {
      this.report(
        'RPCN010', dsnField!.path, dsnField!.value, 'the DSN contains a literal password',
        iam ? 'remove ":<password>" from the DSN: with aws.enabled the IAM token is the password' : 'log in with IAM auth (aws.enabled) or reference a secret: ${secrets.NAME}',
      );
    }

    this.checkTables(c, get('tables'), engine);
    const tls = get('tls');
    const tlsFields = this.fields(tls?.value, tls?.path ?? '');
    const tlsSet = (key: string) => this.text(tlsFields.find((f) => f.path.endsWith(`.${key}`)));
    const skipVerify = tlsSet('skip_cert_verify') === 'true';
    const hasCa = !!(tlsSet('root_cas') || tlsSet('root_cas_file'));

    if (engine === 'postgres') {
      this.checkSlot(c, get('slot_name'));
      const temp = get('temporary_slot');
      if (this.isTrue(temp)) {
        this.report('RPCN007', temp!.path, temp!.value, 'temporary_slot: true drops the slot on every disconnect; changes made meanwhile are lost', 'set temporary_slot: false');
      }
      this.checkHeartbeat(c, get('heartbeat_interval'), iam);
    } else {
      if (mysqlDsn) this.checkMysqlDsn(dsnField!, mysqlDsn, iam, tlsFields.length > 0);
      this.checkCheckpointCache(c, get('checkpoint_cache'));
      if (iam) this.checkReconnects(c, get('max_reconnect_attempts'));
    }

    const dsnSkipsVerify = engine === 'mysql' && dsn?.params['tls'] === 'skip-verify' && tlsFields.length === 0;
    if (!hasCa && !skipVerify && !dsnSkipsVerify) {
      this.report(
        'RPCN024', tls ? tls.path : join(c.path, 'tls'), tls?.keyNode ?? c.keyNode,
        'the database certificate is not verified against a CA',
        'add tls.root_cas: "${secrets.<RDS CA bundle secret>}" holding the RDS global CA bundle',
      );
    }

    // The token is signed for aws.endpoint's host; the connection goes to the DSN's host.
    const endpoint = get('aws') && this.field(get('aws')!.value, get('aws')!.path, 'endpoint');
    const endpointText = this.text(endpoint);
    if (iam && dsn?.host && endpointText && !hasInterpolation(dsn.host) && !hasInterpolation(endpointText)) {
      const endpointHost = splitHostPort(endpointText).host;
      if (endpointHost.toLowerCase() !== dsn.host.toLowerCase()) {
        this.report(
          'RPCN016', endpoint!.path, endpoint!.value,
          `aws.endpoint host "${endpointHost}" differs from the DSN host "${dsn.host}"`,
          'use the same (writer) endpoint host in both',
        );
      }
    }
  }

  /** Checks the aws block; true when IAM auth is on. */
  private checkAws(c: Component, aws: Field | undefined): boolean {
    if (!aws) return false;
    const fields = this.fields(aws.value, aws.path);
    const get = (key: string) => fields.find((f) => f.path === join(aws.path, key));
    const enabled = get('enabled');
    if (!this.isTrue(enabled)) {
      if (fields.some((f) => !f.path.endsWith('.enabled'))) {
        this.report(
          'RPCN029', join(aws.path, 'enabled'), enabled?.value ?? aws.keyNode,
          'the aws block is set but aws.enabled is not true, so no IAM token is generated',
          'set aws.enabled: true (or remove the aws block if you do not use IAM auth)',
        );
      }
      return false;
    }

    const endpoint = get('endpoint');
    const endpointText = this.text(endpoint);
    const dsnPort = this.dsnPort(c);
    if (!endpointText) {
      this.report('RPCN002', join(aws.path, 'endpoint'), endpoint?.keyNode ?? aws.keyNode, 'aws.endpoint is required with IAM auth', `set aws.endpoint to "<writer endpoint>:${dsnPort}"`);
    } else if (!/^\$\{[^}]*\}$/.test(endpointText)) {
      const { host, port } = splitHostPort(endpointText);
      const portNumber = Number(port);
      if (port === undefined || !/^\d{1,5}$/.test(port) || portNumber < 1 || portNumber > 65535) {
        this.report(
          'RPCN002', endpoint!.path, endpoint!.value,
          `aws.endpoint "${endpointText}" has no valid port; the token signer rejects it`,
          `set aws.endpoint to "${host}:${dsnPort}"`,
        );
      }
    }

    if (!this.text(get('region'))) {
      this.report('RPCN020', join(aws.path, 'region'), get('region')?.keyNode ?? aws.keyNode, 'aws.region is not set; the token is signed for whatever region the SDK finds', 'set aws.region to the database\'s region');
    }

    const role = get('role');
    const hasRole = !!this.text(role);
    if (hasRole) {
      if (get('role_external_id')) {
        this.report('RPCN004', role!.path, role!.value, 'aws.role is used instead of aws.roles[]', 'move it to aws.roles: [{role: <arn>, role_external_id: <id>}]');
      } else {
        this.report(
          'RPCN003', role!.path, role!.value,
          'aws.role without aws.role_external_id is silently ignored: no role is assumed',
          'use aws.roles: [{role: <arn>}] instead of aws.role',
        );
      }
    }

    this.checkAwsKey(aws, get);

    const roles = get('roles');
    const items = roles && isSeq(roles.value) ? roles.value.items : [];
    items.forEach((item, i) => {
      const path = `${roles!.path}[${i}]`;
      const roleField = this.field(this.deref(item), path, 'role');
      if (!this.text(roleField)) {
        this.report('RPCN023', join(path, 'role'), roleField?.keyNode ?? item, `aws.roles[${i}] has no role; Connect stops with "roles[0].role is required"`, 'set role to the db-connect role ARN, or remove the entry');
      }
    });
    if (items.length === 0 && !hasRole) {
      this.report(
        'RPCN022', join(aws.path, 'roles'), roles?.keyNode ?? aws.keyNode,
        'IAM auth with no role to assume: the token is signed with the pipeline\'s own identity',
        'add aws.roles: [{role: arn:aws:iam::<db account>:role/<db-connect role>}]',
      );
    }
    return true;
  }

  /** The static key of an enabled aws block: complete, and present where nothing else gives the pipeline an identity. */
  private checkAwsKey(aws: Field, get: (key: string) => Field | undefined): void {
    const [id, secret, token] = (['id', 'secret', 'token'] as const).map(get);
    const hasId = !!this.text(id);
    const hasSecret = !!this.text(secret);
    if (hasId && !hasSecret) {
      this.report('RPCN032', id!.path, id!.value, 'aws.id without aws.secret: the static key cannot sign', 'add aws.secret: "${secrets.NAME}" holding the secret access key of the same key');
    } else if (hasSecret && !hasId) {
      this.report(
        'RPCN032', secret!.path, secret!.value, 'aws.secret without aws.id is ignored: Connect uses a static key only when aws.id is set',
        'add aws.id: "${secrets.NAME}" holding the access key id of the same key, or remove aws.secret',
      );
    }
    if (!hasId && this.text(token)) {
      this.report('RPCN032', token!.path, token!.value, 'aws.token without aws.id is ignored', 'give the whole temporary key (aws.id, aws.secret, aws.token) or remove aws.token');
    }
    if (this.options.target === 'redpanda-cloud' && !this.options.podIdentity && !hasId && !hasSecret) {
      this.report(
        'RPCN031', join(aws.path, 'id'), aws.keyNode,
        'a Redpanda Cloud pipeline has no AWS identity to assume roles with: set aws.id and aws.secret from ${secrets.*} (rpcn-aurora identity.mode access-key)',
        'add aws.id: "${secrets.<access key id secret>}" and aws.secret: "${secrets.<secret access key secret>}" (a link\'s RPCN_AURORA_<LINK>_AWS_ACCESS_KEY_ID_<A|B> and _AWS_SECRET_ACCESS_KEY_<A|B>); for Redpanda Connect you run yourself, lint with --target self-managed',
      );
    }
  }

  private dsnPort(c: Component): string {
    const text = this.text(this.field(c.body, c.path, 'dsn'));
    const parsed = text ? (c.type === 'mysql_cdc' ? parseMysqlDsn(text) : parsePostgresDsn(text)) : undefined;
    return parsed?.port ?? (c.type === 'mysql_cdc' ? '3306' : '5432');
  }

  private checkTables(c: Component, tables: Field | undefined, engine: 'postgres' | 'mysql'): void {
    if (!tables || !isSeq(tables.value) || tables.value.items.length === 0) {
      this.report(
        'RPCN017', tables?.path ?? join(c.path, 'tables'), tables?.value ?? c.keyNode,
        engine === 'postgres'
          ? `tables is ${tables ? 'empty or not a list' : 'missing'}: an empty list publishes FOR ALL TABLES and skips the snapshot`
          : `tables is ${tables ? 'empty or not a list' : 'missing'}: mysql_cdc needs at least one table`,
        'list the tables to capture: tables: [orders, ...]',
      );
      return;
    }
    tables.value.items.forEach((item, i) => {
      const node = this.deref(item);
      const name = isScalar(node) && node.value !== null ? String(node.value) : undefined;
      // A single quoted PostgreSQL identifier may contain a dot; anything else with a dot is qualified.
      if (name?.includes('.') && !/^"[^"]*"$/.test(name)) {
        const bare = name.slice(name.lastIndexOf('.') + 1);
        this.report(
          'RPCN014', `${tables.path}[${i}]`, node,
          engine === 'postgres'
            ? `table "${name}" is not schema-qualified by postgres_cdc; it is quoted as one name inside schema`
            : `table "${name}" is qualified; mysql_cdc accepts only bare names in the DSN's database`,
          engine === 'postgres' ? `write "${bare}" and set schema (one input per schema)` : `write "${bare}" (one input per database)`,
        );
      }
    });
  }

  private checkSlot(c: Component, slot: Field | undefined): void {
    const name = this.text(slot);
    if (name !== undefined && hasInterpolation(name)) return;
    if (!name) {
      this.report('RPCN015', join(c.path, 'slot_name'), slot?.keyNode ?? c.keyNode, 'slot_name is required (Connect: "slot_name is required")', 'set slot_name to a name matching ^[a-z0-9_]{1,50}$');
    } else if (!SLOT_NAME_PATTERN.test(name)) {
      this.report(
        'RPCN015', slot!.path, slot!.value, `slot_name "${name}" does not match ^[a-z0-9_]{1,50}$`,
        `use lower-case letters, digits and "_", at most 50 characters, e.g. "${name.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 50)}"`,
      );
    }
  }

  private checkHeartbeat(c: Component, hb: Field | undefined, iam: boolean): void {
    const text = this.text(hb);
    if (text !== undefined && hasInterpolation(text)) return;
    const ms = parseGoDuration(text ?? PG_DEFAULT_HEARTBEAT);
    if (hb && (ms === undefined || ms <= 0)) {
      this.report(
        'RPCN005', hb.path, hb.value,
        ms === undefined ? `heartbeat_interval "${text ?? ''}" is not a duration` : `heartbeat_interval ${text} makes Connect fail with "invalid monitoring interval"`,
        'set heartbeat_interval: 5m',
      );
      return;
    }
    if (iam && ms !== undefined && ms >= IAM_TOKEN_LIFETIME_MS) {
      this.report(
        'RPCN006', hb ? hb.path : join(c.path, 'heartbeat_interval'), hb ? hb.value : c.keyNode,
        hb
          ? `heartbeat_interval ${text} is not below the 15-minute IAM token lifetime`
          : 'heartbeat_interval is not set, so the default 1h applies, beyond the 15-minute IAM token lifetime',
        'set heartbeat_interval: 5m',
      );
    }
  }

  private checkMysqlDsn(dsnField: Field, dsn: ParsedMysqlDsn, iam: boolean, hasTlsBlock: boolean): void {
    if (!dsn.hasSlash || !dsn.database) {
      this.report(
        'RPCN019', dsnField.path, dsnField.value,
        dsn.hasSlash ? 'the DSN names no database; mysql_cdc matches tables in the DSN\'s database' : 'the DSN has no "/<database>" (the driver refuses it)',
        'end the address with the database: user@tcp(host:3306)/<database>?allowCleartextPasswords=true',
      );
      // Without the slash the driver reads nothing else from the DSN, so further findings would be noise.
      if (!dsn.hasSlash) return;
    }
    if (iam && !parseGoBool(dsn.params['allowCleartextPasswords'])) {
      this.report(
        'RPCN011', dsnField.path, dsnField.value, 'the DSN lacks allowCleartextPasswords=true, so the IAM token is never sent',
        'add allowCleartextPasswords=true to the DSN parameters (TLS keeps it encrypted)',
      );
    }
    if (!hasTlsBlock && dsn.params['tls'] === 'skip-verify') {
      this.report('RPCN008', dsnField.path, dsnField.value, 'the DSN sets tls=skip-verify', 'remove tls= from the DSN and set tls.root_cas to the RDS CA bundle');
    }
  }

  private checkCheckpointCache(c: Component, cache: Field | undefined): void {
    const label = this.text(cache);
    if (label !== undefined && hasInterpolation(label)) return;
    if (!label) {
      this.report('RPCN026', join(c.path, 'checkpoint_cache'), cache?.keyNode ?? c.keyNode, 'checkpoint_cache is required', 'declare a redpanda cache in cache_resources on a compacted topic and name its label here');
    } else if (!this.cacheLabels.has(label)) {
      this.report('RPCN026', cache!.path, cache!.value, `checkpoint_cache "${label}" is not a label in cache_resources`, `add a cache_resources entry with label: ${label} (a redpanda cache on a compacted topic)`);
    }
  }

  private checkReconnects(c: Component, attempts: Field | undefined): void {
    if (!attempts) {
      this.report(
        'RPCN013', join(c.path, 'max_reconnect_attempts'), c.keyNode,
        `max_reconnect_attempts is not set; the default ${MYSQL_DEFAULT_RECONNECTS} retries with a stale token first`,
        'set max_reconnect_attempts: 3',
      );
      return;
    }
    const n = Number(this.text(attempts));
    if (Number.isFinite(n) && n <= 0) {
      this.report('RPCN012', attempts.path, attempts.value, `max_reconnect_attempts ${n} retries forever with the expired token`, 'set max_reconnect_attempts: 3');
    }
  }

  /** Unknown fields and wrong shapes against the documented field lists. */
  private checkShape(
    node: unknown,
    shape: FieldShape,
    path: string,
    component: { readonly base: string; readonly name: string },
    deprecated: Readonly<Record<string, DeprecatedField>> = {},
  ): void {
    const value = this.deref(node);
    if (value === null || value === undefined || (isScalar(value) && value.value === null)) return;
    const describe = isMap(value) ? 'a mapping' : isSeq(value) ? 'a list' : 'a single value';
    const wrong = (expected: string) =>
      this.report('RPCN021', path, value, `${path} must be ${expected}, not ${describe}`, `write ${path.slice(path.lastIndexOf('.') + 1)} as ${expected}`);
    switch (shape.kind) {
      case 'any':
        return;
      case 'scalar':
        if (!isScalar(value)) wrong('a single value');
        return;
      case 'map':
        if (!isMap(value)) wrong('a mapping');
        return;
      case 'list':
        if (isMap(value)) wrong('a list');
        else if (isSeq(value)) value.items.forEach((item, i) => this.checkShape(item, shape.items, `${path}[${i}]`, component));
        return;
      case 'object':
        if (!isMap(value)) {
          wrong('a mapping');
          return;
        }
        for (const f of this.fields(value, path)) {
          const key = String(f.keyNode.value);
          const deprecation = Object.hasOwn(deprecated, key) ? deprecated[key] : undefined;
          if (deprecation) {
            this.report('RPCN027', f.path, f.keyNode, `${key} is deprecated and ${deprecation.why}`, deprecation.fix);
            continue;
          }
          const child = shape.fields[key];
          if (child) this.checkShape(f.value, child, f.path, component);
          else {
            const relative = f.path.slice(component.base.length + 1);
            this.report('RPCN021', f.path, f.keyNode, `${component.name} has no field ${relative}`, unknownFieldFix(path, key, Object.keys(shape.fields)));
          }
        }
    }
  }

  /** Rules that hold anywhere in the file: secrets, TLS verification, CA quoting, placeholders. */
  private walk(node: unknown, path: string, parentKey: string): void {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const childPath = join(path, key);
        const value = pair.value;
        const valueText = isScalar(value) && value.value !== null ? String(value.value) : undefined;
        // aws.id is half of a key pair: as sensitive as the secret and kept in the same store.
        const secretField =
          key === 'password' || ((key === 'id' || key === 'secret' || key === 'token') && parentKey === 'aws') || (key === 'token' && /sasl\[\d+\]$/.test(path));
        if (secretField && valueText && !isSecretReference(valueText)) {
          this.report('RPCN010', childPath, value, `${key} is a literal value`, `store it as a Redpanda secret and write ${key}: "\${secrets.NAME}"`);
        }
        if (key === 'skip_cert_verify' && isScalar(value) && value.value === true) {
          this.report('RPCN008', childPath, value, 'skip_cert_verify: true accepts any server certificate', 'remove it and set root_cas to the CA bundle (the RDS global bundle for Aurora)');
        }
        if (key === 'root_cas' && valueText && hasInterpolation(valueText) && (value as Scalar).type !== 'QUOTE_DOUBLE') {
          this.report('RPCN018', childPath, value, 'root_cas is interpolated but not double-quoted, so the PEM keeps literal \\n and no CA loads', `write root_cas: "${valueText}"`);
        }
        this.walk(value, childPath, key);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => this.walk(item, `${path}[${i}]`, parentKey));
    } else if (isScalar(node) && typeof node.value === 'string') {
      const keys = [...new Set(node.value.match(PLACEHOLDER) ?? [])];
      if (keys.length > 0) {
        this.report('RPCN030', path, node, `unresolved placeholder ${keys.join(', ')}`, 'replace it with the real value (run plan again once the cluster exists)');
      }
    }
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

const FIELD_HINTS: Readonly<Record<string, string>> = {
  'tls.enabled': 'the CDC inputs\' tls block has no enabled: TLS settings apply when any field is set; remove it and set root_cas',
  'aws.credentials': 'the CDC inputs\' aws block has no credentials: use aws.roles[] (or id/secret/token)',
  'aws.profile': 'the CDC inputs\' aws block has no profile: use aws.roles[]',
};

function unknownFieldFix(parentPath: string, key: string, known: readonly string[]): string {
  const hint = FIELD_HINTS[`${parentPath.slice(parentPath.lastIndexOf('.') + 1)}.${key}`];
  if (hint) return hint;
  const close = known.filter((k) => editDistance(k, key) <= 2).sort((a, b) => editDistance(a, key) - editDistance(b, key));
  return close.length > 0 ? `did you mean ${close[0]}?` : 'remove it';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** Lint a Redpanda Connect pipeline. Never throws; invalid YAML is itself a finding. */
export function lintPipeline(yamlText: string, options: LintOptions = {}): LintFinding[] {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return doc.errors.map((e) => {
      const { line, col } = lines.linePos(e.pos[0]);
      return {
        rule: 'RPCN001' as const, severity: 'error' as const, path: '', line, column: col,
        message: `invalid YAML: ${e.message}`, fix: 'correct the YAML syntax at this position',
      };
    });
  }
  const linter = new Linter(doc, lines, { target: options.target ?? 'redpanda-cloud', podIdentity: options.podIdentity ?? false });
  linter.run();
  return linter.findings.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

/** One hint of the data plane's lint (`pipelines:lint-config`). */
export interface DataPlaneLintHint {
  readonly line: number;
  readonly column: number;
  readonly hint: string;
  readonly lintType: string;
}

// Connect's text for interpolations it could not resolve: `fmt.Sprintf("required environment variables were not
// set: %v", names)`, names in order, space-separated (docs/reference/redpanda-connect.md §5).
const MISSING_ENV_VARS = /^required environment variables were not set: \[([^\]]*)\]$/;
/** Resolved by Redpanda Cloud when the pipeline starts, so a linter without them may report them unset. */
const CLOUD_RESOLVED_VARIABLE = /^(?:REDPANDA_BROKERS|secrets\.[A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * Splits the data plane's hints into those that refuse the config and those that only report `${secrets.NAME}` or
 * `${REDPANDA_BROKERS}` unresolved. A hint naming any other variable, or any other text, stays fatal.
 */
export function classifyDataPlaneHints<H extends DataPlaneLintHint>(hints: readonly H[]): { fatal: H[]; cloudResolved: H[] } {
  const fatal: H[] = [];
  const cloudResolved: H[] = [];
  for (const h of hints) {
    const names = MISSING_ENV_VARS.exec(h.hint.trim())?.[1]?.split(/\s+/).filter((n) => n.length > 0);
    if (names && names.length > 0 && names.every((n) => CLOUD_RESOLVED_VARIABLE.test(n))) cloudResolved.push(h);
    else fatal.push(h);
  }
  return { fatal, cloudResolved };
}
