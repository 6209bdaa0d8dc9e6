// The Redpanda Connect pipeline of a link: postgres_cdc or mysql_cdc in, redpanda out (docs/architecture.md#generated-artifacts).
// Pure: the same YAML feeds the CreatePipeline Lambda, the offline twin and `rpcn-aurora plan`.
// Every choice below encodes a pitfall of docs/reference/redpanda-connect.md §0; `lint.ts` checks the
// same rules on hand-written pipelines, and the generated YAML must pass it with no finding.
import { Document, isPair, isScalar, visit, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import {
  ACCOUNT_ID_PATTERN,
  ENDPOINT_PATTERN,
  placeholdersIn,
  REGION_PATTERN,
  type ArtifactContext,
} from './context.js';
import { MANAGED_BY, linkNames, type KeySlot, type LinkNames } from './naming.js';
import type { LinkRequest } from './request.js';

/** Name written into every generated pipeline's header comment. */
export const PIPELINE_GENERATOR = 'rpcn-aurora-iam';
/** Tag keys on the Redpanda Connect pipeline (values `rpcn-aurora` and the link name). */
export const PIPELINE_TAG_MANAGED_BY = 'managed-by';
export const PIPELINE_TAG_LINK = 'rpcn-aurora-link';

/** RDS IAM auth tokens are presigned for 900 s (docs/reference/redpanda-connect.md §2). */
export const IAM_TOKEN_LIFETIME_MS = 15 * 60 * 1000;
/** Below the token lifetime so the lazily opened heartbeat connection still gets a valid token (docs/reference/redpanda-connect.md §0.4). */
export const DEFAULT_HEARTBEAT_INTERVAL = '5m';
/** Small and positive: canal reconnects reuse the stale token until these run out (docs/reference/redpanda-connect.md §0.6). */
export const DEFAULT_MAX_RECONNECT_ATTEMPTS = 3;
/** Upper bound we accept for max_reconnect_attempts (Connect's own default). */
export const MAX_RECONNECT_ATTEMPTS_LIMIT = 10;
/** Label of the mysql_cdc checkpoint cache resource. */
export const CHECKPOINT_CACHE_LABEL = 'rpcn_aurora_checkpoints';
/** Redpanda Cloud contextual variable with the cluster's seed brokers (docs/reference/redpanda-cloud.md §3.5). */
export const REDPANDA_BROKERS_VARIABLE = '${REDPANDA_BROKERS}';
export const SASL_MECHANISM = 'SCRAM-SHA-256';
/** One compute unit (docs/reference/redpanda-cloud.md §3.6). */
export const PIPELINE_RESOURCES = { memory_shares: '400M', cpu_shares: '100m' } as const;

/** Redpanda Connect replaces `${secrets.NAME}` with the secret's value before parsing the YAML (docs/reference/redpanda-connect.md §5). */
export function secretReference(secretId: string): string {
  return `\${secrets.${secretId}}`;
}

// ---------------------------------------------------------------------------------------------------
// Documented fields of the components we generate (specs/redpanda-connect/*.yaml, Connect v4.106.0).
// The builder uses nothing outside them and the lint flags anything outside them.

export type FieldShape =
  /** A single value (string, number, bool, duration). */
  | { readonly kind: 'scalar' }
  /** Anything: an opaque value the component passes on (processors, `unchanged_toast_value`). */
  | { readonly kind: 'any' }
  /** A mapping with free keys (`sasl[].extensions`). */
  | { readonly kind: 'map' }
  /** A mapping with exactly these fields. */
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, FieldShape>> }
  | { readonly kind: 'list'; readonly items: FieldShape };

const scalar: FieldShape = { kind: 'scalar' };
const anyValue: FieldShape = { kind: 'any' };
const object = (fields: Record<string, FieldShape>): FieldShape => ({ kind: 'object', fields });
const list = (items: FieldShape): FieldShape => ({ kind: 'list', items });
const scalars = (...names: string[]): Record<string, FieldShape> => Object.fromEntries(names.map((n) => [n, scalar]));

const CLIENT_CERT = object(scalars('cert', 'key', 'cert_file', 'key_file', 'password'));
const TLS_COMMON = { ...scalars('skip_cert_verify', 'enable_renegotiation', 'root_cas', 'root_cas_file'), client_certs: list(CLIENT_CERT) };
/** `tls` of postgres_cdc / mysql_cdc: not toggled, so it has **no** `enabled` (docs/reference/redpanda-connect.md §6). */
export const CDC_TLS_SHAPE = object(TLS_COMMON);
/** `tls` of the redpanda output and cache: toggled with `enabled`. */
export const TOGGLED_TLS_SHAPE = object({ enabled: scalar, ...TLS_COMMON });
export const CDC_AWS_SHAPE = object({
  ...scalars('enabled', 'region', 'endpoint', 'id', 'secret', 'token', 'role', 'role_external_id'),
  roles: list(object(scalars('role', 'role_external_id'))),
});
const BATCHING = object({ ...scalars('count', 'byte_size', 'period', 'check'), processors: list(anyValue) });
const SASL = list(object({ ...scalars('mechanism', 'username', 'password', 'token'), extensions: { kind: 'map' }, aws: anyValue }));
const TCP = object({ ...scalars('connect_timeout', 'tcp_user_timeout'), keep_alive: object(scalars('idle', 'interval', 'count')) });

export const POSTGRES_CDC_SHAPE = object({
  ...scalars(
    'dsn', 'include_transaction_markers', 'stream_snapshot', 'snapshot_batch_size', 'schema', 'checkpoint_limit',
    'temporary_slot', 'slot_name', 'pg_standby_timeout', 'pg_wal_monitor_interval', 'max_parallel_snapshot_tables',
    'heartbeat_interval', 'signal_table_name', 'auto_replay_nacks',
  ),
  tables: list(scalar),
  unchanged_toast_value: anyValue,
  tls: CDC_TLS_SHAPE,
  aws: CDC_AWS_SHAPE,
  batching: BATCHING,
});

export const MYSQL_CDC_SHAPE = object({
  ...scalars(
    'flavor', 'dsn', 'checkpoint_cache', 'checkpoint_key', 'snapshot_max_batch_size', 'max_reconnect_attempts',
    'stream_snapshot', 'max_parallel_snapshot_tables', 'auto_replay_nacks', 'checkpoint_limit',
  ),
  tables: list(scalar),
  tls: CDC_TLS_SHAPE,
  aws: CDC_AWS_SHAPE,
  batching: BATCHING,
});

const REDPANDA_CLIENT = {
  seed_brokers: list(scalar),
  ...scalars('client_id', 'metadata_max_age', 'request_timeout_overhead', 'conn_idle_timeout', 'topic', 'allow_auto_topic_creation'),
  tls: TOGGLED_TLS_SHAPE,
  sasl: SASL,
  tcp: TCP,
};

export const REDPANDA_OUTPUT_SHAPE = object({
  ...REDPANDA_CLIENT,
  ...scalars(
    'key', 'partition', 'timestamp_ms', 'max_in_flight', 'inject_tracing_map', 'partitioner', 'idempotent_write', 'acks',
    'compression', 'timeout', 'max_message_bytes', 'broker_write_max_bytes', 'max_buffered_records', 'max_buffered_bytes',
    'max_in_flight_requests', 'record_retries', 'record_delivery_timeout',
  ),
  metadata: object({ include_prefixes: list(scalar), include_patterns: list(scalar) }),
  batching: BATCHING,
});

export const REDPANDA_CACHE_SHAPE = object(REDPANDA_CLIENT);

/** Documented-but-deprecated fields: accepted by Connect, hidden from the field lists (docs/reference/redpanda-connect.md §1). */
export interface DeprecatedField {
  /** Why it is deprecated: what the field does now. */
  readonly why: string;
  readonly fix: string;
}
/** Deprecated fields per component (redpanda: the redpanda output), with why and what to write instead. */
export const DEPRECATED_FIELDS: Readonly<Record<string, Readonly<Record<string, DeprecatedField>>>> = {
  postgres_cdc: { snapshot_memory_safety_factor: { why: 'has no effect', fix: 'remove snapshot_memory_safety_factor' } },
  // Still applied, in seconds (docs/reference/redpanda-connect.md §5).
  redpanda: { timestamp: { why: 'is superseded by timestamp_ms (it sets the record time in whole seconds)', fix: 'write timestamp_ms in milliseconds instead, e.g. ${! timestamp_unix_milli() }' } },
};

/** Required fields (no default) per component, from the same field lists. */
export const REQUIRED_FIELDS = {
  postgres_cdc: ['dsn', 'schema', 'tables', 'slot_name'],
  mysql_cdc: ['dsn', 'tables', 'checkpoint_cache', 'stream_snapshot'],
  redpandaOutput: ['topic'],
  redpandaCache: ['seed_brokers', 'topic'],
} as const;

/** PostgreSQL accepts lower-case slot names; the publication `pglog_stream_<slot>` must stay within 63 bytes (docs/reference/redpanda-connect.md §0.7). */
export const SLOT_NAME_PATTERN = /^[a-z0-9_]{1,50}$/;

// ---------------------------------------------------------------------------------------------------
// Go durations (`time.ParseDuration`), used by the builder's options and by the lint.

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000,
};

/** Milliseconds of a Go duration such as `5m`, `1h30m`, `0s`, `0`; undefined when Go would reject it. */
export function parseGoDuration(text: string): number | undefined {
  const m = /^([-+]?)(.*)$/.exec(text.trim())!;
  const sign = m[1] === '-' ? -1 : 1;
  const body = m[2]!;
  if (body === '0') return 0;
  if (body === '') return undefined;
  let total = 0;
  let rest = body;
  while (rest.length > 0) {
    const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!part) return undefined;
    total += Number(part[1]) * DURATION_UNITS_MS[part[2]!]!;
    rest = rest.slice(part[0].length);
  }
  return sign * total;
}

// ---------------------------------------------------------------------------------------------------

/** Thrown when the builder is given values it must not put into a pipeline. */
export class PipelineBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineBuildError';
  }
}

/** An environment variable reference, as Redpanda Connect interpolates it (self-managed pipelines). */
export function environmentReference(name: string): string {
  return `\${${name}}`;
}

export interface PipelineYamlOptions {
  /** Identity mode `access-key`: which pair of Redpanda secrets holds the key the pipeline reads. @default 'A' */
  readonly keySlot?: KeySlot;
  /** postgres_cdc `heartbeat_interval`: a Go duration above 0 and below 15m. Default `5m`. */
  readonly heartbeatInterval?: string;
  /** mysql_cdc `max_reconnect_attempts`: 1-10. Default 3. */
  readonly maxReconnectAttempts?: number;
}

export interface PipelineYaml {
  /** The YAML text, header comment included; what goes into `config_yaml`. */
  readonly yaml: string;
  /** The same configuration as a plain object. */
  readonly config: PipelineConfig;
}

/** The generated configuration (a subset of the Redpanda Connect config). */
export interface PipelineConfig {
  readonly input: Record<string, unknown>;
  readonly cache_resources?: readonly Record<string, unknown>[];
  readonly output: Record<string, unknown>;
}

const PLACEHOLDER_ONLY = /^\{\{[A-Z0-9_]+\}\}$/;

function checkContext(ctx: ArtifactContext): void {
  const ok = (value: string, pattern: RegExp) => pattern.test(value) || PLACEHOLDER_ONLY.test(value);
  if (!ok(ctx.endpoint, ENDPOINT_PATTERN)) {
    throw new PipelineBuildError(`endpoint "${ctx.endpoint}" is not a DNS host name (give the writer endpoint without port)`);
  }
  if (!ok(ctx.region, REGION_PATTERN)) throw new PipelineBuildError(`region "${ctx.region}" is not an AWS region`);
  if (!ok(ctx.dbAccountId, ACCOUNT_ID_PATTERN)) throw new PipelineBuildError(`dbAccountId "${ctx.dbAccountId}" is not a 12-digit AWS account id`);
  if (!Number.isInteger(ctx.port) || ctx.port < 1 || ctx.port > 65535) throw new PipelineBuildError(`port ${ctx.port} is not a TCP port`);
}

/** IAM partition of a region; placeholders resolve to the commercial partition. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (/^[a-z]{2}-isob-/.test(region)) return 'aws-iso-b';
  if (/^[a-z]{2}-iso-/.test(region)) return 'aws-iso';
  return 'aws';
}

/** ARN of the link's db-connect role, the one hop of `aws.roles`. */
export function dbConnectRoleArn(names: LinkNames, ctx: ArtifactContext): string {
  return `arn:${partitionOf(ctx.region)}:iam::${ctx.dbAccountId}:role/${names.dbConnectRole}`;
}

function resolveOptions(opts: PipelineYamlOptions): { heartbeat: string; reconnects: number } {
  const heartbeat = opts.heartbeatInterval ?? DEFAULT_HEARTBEAT_INTERVAL;
  const ms = parseGoDuration(heartbeat);
  if (ms === undefined || ms <= 0 || ms >= IAM_TOKEN_LIFETIME_MS) {
    throw new PipelineBuildError(`heartbeatInterval "${heartbeat}" must be a duration above 0s and below 15m (the IAM token lifetime)`);
  }
  const reconnects = opts.maxReconnectAttempts ?? DEFAULT_MAX_RECONNECT_ATTEMPTS;
  if (!Number.isInteger(reconnects) || reconnects < 1 || reconnects > MAX_RECONNECT_ATTEMPTS_LIMIT) {
    throw new PipelineBuildError(`maxReconnectAttempts ${reconnects} must be a whole number from 1 to ${MAX_RECONNECT_ATTEMPTS_LIMIT}`);
  }
  return { heartbeat, reconnects };
}

/**
 * The `aws` block shared by both inputs. In `access-key` mode the connector user's key comes from Redpanda
 * secrets (a Cloud pipeline has no identity of its own, docs/reference/redpanda-cloud.md §10); the role chain
 * stays, so the key alone can do nothing but assume the db-connect role.
 */
function awsBlock(request: LinkRequest, names: LinkNames, ctx: ArtifactContext, slot: KeySlot): Record<string, unknown> {
  return {
    enabled: true,
    region: ctx.region,
    endpoint: `${ctx.endpoint}:${ctx.port}`,
    ...(request.identity.mode === 'access-key'
      ? { id: secretReference(names.redpandaSecrets.accessKeyId[slot]), secret: secretReference(names.redpandaSecrets.secretAccessKey[slot]) }
      : {}),
    roles: [{ role: dbConnectRoleArn(names, ctx) }],
  };
}

/**
 * How the pipeline reads a value the link keeps secret: a Redpanda secret for Cloud pipelines, an environment
 * variable of the same name for a self-managed Redpanda Connect (which has no Redpanda secret store).
 */
function secretValue(request: LinkRequest, id: string): string {
  return request.identity.mode === 'self-managed' ? environmentReference(id) : secretReference(id);
}

/** SASL/TLS connection to the link's Redpanda cluster, shared by the output and the checkpoint cache. */
function redpandaClient(request: LinkRequest, names: LinkNames): Record<string, unknown> {
  return {
    seed_brokers: [REDPANDA_BROKERS_VARIABLE],
    tls: { enabled: true },
    sasl: [{ mechanism: SASL_MECHANISM, username: names.redpandaUser, password: secretValue(request, names.redpandaSecrets.saslPassword) }],
  };
}

function buildConfig(request: LinkRequest, ctx: ArtifactContext, names: LinkNames, opts: PipelineYamlOptions): PipelineConfig {
  const { heartbeat, reconnects } = resolveOptions(opts);
  const host = `${ctx.endpoint}:${ctx.port}`;
  const db = request.database.databaseName;
  const slot = opts.keySlot ?? 'A';
  const tls = { root_cas: secretValue(request, names.redpandaSecrets.rdsCaBundle) };
  const batching = { count: 500, period: '1s' };
  const output = {
    label: 'redpanda_topic',
    redpanda: {
      ...redpandaClient(request, names),
      topic: request.redpanda.topic,
      key: '${! @table }',
      allow_auto_topic_creation: false,
      metadata: {
        include_patterns: ['^operation$', '^table$', request.engine === 'aurora-postgresql' ? '^lsn$' : '^binlog_position$'],
      },
    },
  };

  if (request.engine === 'aurora-postgresql') {
    return {
      input: {
        label: 'aurora_postgres_cdc',
        postgres_cdc: {
          dsn: `postgres://${request.cdc.user}@${host}/${db}?sslmode=require`,
          schema: request.cdc.schema,
          tables: [...request.cdc.tables],
          slot_name: names.slot,
          temporary_slot: false,
          stream_snapshot: request.cdc.snapshot,
          heartbeat_interval: heartbeat,
          tls,
          aws: awsBlock(request, names, ctx, slot),
          batching,
        },
      },
      output,
    };
  }
  return {
    input: {
      label: 'aurora_mysql_cdc',
      mysql_cdc: {
        flavor: 'mysql',
        dsn: `${request.cdc.user}@tcp(${host})/${db}?allowCleartextPasswords=true`,
        tables: [...request.cdc.tables],
        stream_snapshot: request.cdc.snapshot,
        checkpoint_cache: CHECKPOINT_CACHE_LABEL,
        checkpoint_key: `${names.slot}_binlog_position`,
        max_reconnect_attempts: reconnects,
        tls,
        aws: awsBlock(request, names, ctx, slot),
        batching,
      },
    },
    cache_resources: [
      {
        label: CHECKPOINT_CACHE_LABEL,
        redpanda: { ...redpandaClient(request, names), topic: names.checkpointTopic, allow_auto_topic_creation: false },
      },
    ],
    output,
  };
}

// Comments explaining each pitfall, keyed by the path of the field they sit on.
const FIELD_COMMENTS: ReadonlyArray<readonly [readonly (string | number)[], string]> = [
  [['dsn'], ' no password: the IAM token is injected on every connect; same host as aws.endpoint'],
  [['slot_name'], ' lower case, <= 50 chars; publication pglog_stream_<slot> is pre-created with exactly these tables'],
  [['temporary_slot'], ' a temporary slot vanishes on reconnect and loses the changes made meanwhile'],
  [
    ['heartbeat_interval'],
    ' below 15m: the heartbeat connection opens one interval after connect, with the token minted at connect\n' +
      ' (valid 15 min); never 0s, which Connect rejects',
  ],
  [['tls', 'root_cas'], ' RDS CA bundle; double quotes because the secret arrives with its newlines escaped as \\n'],
  [['aws', 'endpoint'], ' host:port: the token is signed for it (a bare host fails)'],
  [['aws', 'id'], " the link's connector user: a Cloud pipeline has no AWS identity of its own; the key can only assume\n the db-connect role below, from the Redpanda cluster's egress addresses"],
  [['aws', 'roles'], ' roles[], not aws.role (ignored unless role_external_id is set too)'],
  [['max_reconnect_attempts'], ' small and positive: reconnects reuse the old token; 0 would retry forever'],
  [['checkpoint_cache'], ' binlog position, kept in a compacted topic'],
];

function headerComment(request: LinkRequest, body: string): string {
  const unknown = placeholdersIn(body);
  const lines = [
    ` Redpanda Connect pipeline for rpcn-aurora link "${request.name}" (engine ${request.engine}, identity ${request.identity.mode}),`,
    ` generated by ${PIPELINE_GENERATOR} from the link request. Regenerate it rather than editing it by hand.`,
    ' It contains no password: the database login is an IAM auth token minted on every connect through the',
  ];
  if (request.identity.mode === 'self-managed') {
    lines.push(
      ' db-connect role, assumed with the AWS identity of the process (the role it runs as). Set the environment',
      ' variables REDPANDA_BROKERS and the ones named below (the SASL password from Secrets Manager, the RDS CA',
      ' bundle) where your Redpanda Connect runs.',
    );
  } else if (request.identity.mode === 'access-key') {
    lines.push(" db-connect role with the connector user's key, and every secret is a Redpanda Connect secret reference.");
  } else {
    lines.push(' db-connect role from the pod identity, and the SASL password and RDS CA are Redpanda Connect secret references.');
  }
  if (unknown.length > 0) {
    lines.push(` Not yet known, to be filled in once the cluster exists: ${unknown.join(', ')}.`);
  }
  return lines.join('\n');
}

function toYaml(request: LinkRequest, config: PipelineConfig): string {
  const doc = new Document(config);
  const component = request.engine === 'aurora-postgresql' ? 'postgres_cdc' : 'mysql_cdc';
  for (const [path, comment] of FIELD_COMMENTS) {
    const parent = doc.getIn(['input', component, ...path.slice(0, -1)]) as YAMLMap | undefined;
    const pair = parent?.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === path[path.length - 1]);
    if (pair) (pair.key as Scalar).commentBefore = comment;
  }
  const keyComment = (path: (string | number)[], comment: string) => {
    const parent = doc.getIn(path.slice(0, -1)) as YAMLMap;
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1])!;
    (pair.key as Scalar).commentBefore = comment;
  };
  keyComment(['output', 'redpanda', 'key'], ' keeps per-table order; the primary key is not known generically');
  keyComment(['output', 'redpanda', 'allow_auto_topic_creation'], ' Provision creates the topic with its partitions and replication');
  if (config.cache_resources) {
    keyComment(['cache_resources', 0, 'redpanda', 'topic'], ' compacted topic created by Provision');
  }
  // Short lists read better inline; interpolations and host names are quoted so YAML never reinterprets them
  // (an unquoted `{{ENDPOINT}}` would be a flow mapping, an unquoted secret reference loses its newlines).
  for (const path of [['input', component, 'tables'], ['output', 'redpanda', 'seed_brokers'], ['output', 'redpanda', 'metadata', 'include_patterns']]) {
    (doc.getIn(path) as YAMLSeq).flow = true;
  }
  if (config.cache_resources) (doc.getIn(['cache_resources', 0, 'redpanda', 'seed_brokers']) as YAMLSeq).flow = true;
  visit(doc, {
    Scalar(key, node) {
      if (key !== 'key' && typeof node.value === 'string' && /[${}:@/]/.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  const body = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  doc.commentBefore = headerComment(request, body);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * The Redpanda Connect pipeline of a link: `postgres_cdc` (aurora-postgresql) or `mysql_cdc` (aurora-mysql)
 * logging in with IAM through the db-connect role, writing to the link's topic with the `redpanda` output.
 * Placeholders in `ctx` (`{{ENDPOINT}}`...) pass through unchanged.
 */
export function buildPipelineYaml(request: LinkRequest, ctx: ArtifactContext, opts: PipelineYamlOptions = {}): PipelineYaml {
  checkContext(ctx);
  const names = linkNames(request, ctx.dbAccountId);
  // Guards against a future change of the naming rules producing a slot PostgreSQL refuses (docs/reference/redpanda-connect.md §0.7).
  if (!SLOT_NAME_PATTERN.test(names.slot)) throw new PipelineBuildError(`slot name "${names.slot}" does not match ${SLOT_NAME_PATTERN}`);
  if (request.cdc.tables.length === 0) {
    throw new PipelineBuildError('cdc.tables is empty: an empty list would publish every table and skip the snapshot');
  }
  const config = buildConfig(request, ctx, names, opts);
  return { yaml: toYaml(request, config), config };
}

/** Body of `POST /v1/redpanda-connect/pipelines` (docs/reference/redpanda-cloud.md §3.6, `PipelineCreate`). */
export interface PipelineCreateBody {
  readonly display_name: string;
  readonly description: string;
  readonly config_yaml: string;
  readonly resources: { readonly memory_shares: string; readonly cpu_shares: string };
  readonly tags: Readonly<Record<string, string>>;
}

const ENGINE_LABEL: Readonly<Record<LinkRequest['engine'], string>> = {
  'aurora-postgresql': 'Aurora PostgreSQL',
  'aurora-mysql': 'Aurora MySQL',
};

/** The create request of the link's pipeline, with the YAML of {@link buildPipelineYaml}. */
export function buildPipelineCreateBody(request: LinkRequest, ctx: ArtifactContext, opts: PipelineYamlOptions = {}): PipelineCreateBody {
  const names = linkNames(request, ctx.dbAccountId);
  const { yaml } = buildPipelineYaml(request, ctx, opts);
  const description =
    `CDC of ${ENGINE_LABEL[request.engine]} ${request.database.clusterIdentifier}/${request.database.databaseName} ` +
    `to topic ${request.redpanda.topic} with cross-account IAM auth (rpcn-aurora link ${request.name})`;
  return {
    display_name: names.pipelineDisplayName,
    // The API caps descriptions at 256 characters.
    description: description.slice(0, 256),
    config_yaml: yaml,
    resources: { ...PIPELINE_RESOURCES },
    tags: { [PIPELINE_TAG_MANAGED_BY]: MANAGED_BY, [PIPELINE_TAG_LINK]: request.name },
  };
}
