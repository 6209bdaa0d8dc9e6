// In-memory state of the local Redpanda Cloud: one data plane per cluster. Exposed (read and write) for
// test assertions and for the offline twin's pipeline emulator, which logs in with the users' passwords,
// reads secret values and writes to topics. Field names follow the API's wire names where they are API data.
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';

export type PipelineStateName = 'STATE_STARTING' | 'STATE_RUNNING' | 'STATE_STOPPING' | 'STATE_STOPPED' | 'STATE_ERROR' | 'STATE_COMPLETED';

export interface TopicRecord {
  name: string;
  partitionCount: number;
  replicationFactor: number;
  /** Topic-level configs set explicitly (create or update). */
  configs: Record<string, string | null>;
}

export interface UserRecord {
  name: string;
  /** Kept in clear so the twin's emulated pipeline can authenticate; never logged. */
  password: string;
  mechanism: string;
}

export interface AclRecord {
  resource_type: string;
  resource_name: string;
  resource_pattern_type: string;
  principal: string;
  host: string;
  operation: string;
  permission_type: string;
}

export interface SecretRecord {
  id: string;
  labels: Record<string, string>;
  scopes: string[];
  /** Base64 as sent. */
  secretData: string;
  /** Decoded (UTF-8) value, for the twin's `${secrets.X}` interpolation; never logged. */
  value: string;
}

export interface PipelineRecord {
  id: string;
  display_name: string;
  description: string;
  config_yaml: string;
  resources?: { memory_shares: string; cpu_shares: string };
  tags: Record<string, string>;
  service_account?: { client_id?: string; client_secret?: string };
  state: PipelineStateName;
  status: { error: string };
  url: string;
}

export interface ClusterConfig {
  id: string;
  name: string;
  type: 'TYPE_BYOC' | 'TYPE_DEDICATED';
  cloud_provider: 'CLOUD_PROVIDER_AWS' | 'CLOUD_PROVIDER_GCP' | 'CLOUD_PROVIDER_AZURE';
  region: string;
  zones: string[];
  state: string;
  nat_gateways: string[];
  api_gateway_access: 'NETWORK_ACCESS_MODE_PUBLIC' | 'NETWORK_ACCESS_MODE_PRIVATE';
  connection_type: 'CONNECTION_TYPE_PUBLIC' | 'CONNECTION_TYPE_PRIVATE';
  redpanda_connect_version: string;
  /** BYOVPC: the permissions boundary Redpanda puts on the roles its agent creates (the pipeline role among them). */
  permissions_boundary_policy_arn?: string;
  /** The egress allowlist in effect (a PATCH replaces it when its operation completes). */
  allowed_destination_cidr_ports: { cidr: string; port_start: number; port_end: number }[];
  /** Replaces the data plane URL in GET cluster (e.g. an unreachable address, or '' for none). */
  dataplane_url_override?: string;
  /** The Redpanda network the cluster runs in (GET /v1/networks/{id}). @default `net-<cluster id>` */
  network_id: string;
  /** That network's `cidr_block`; null: the network reports none (`""`). @default '10.100.0.0/16' */
  network_cidr_block: string | null;
}

/** A control-plane long-running operation (docs/reference/redpanda-cloud.md §2.2); only cluster updates here. */
export interface OperationRecord {
  readonly id: string;
  readonly type: 'TYPE_UPDATE_CLUSTER';
  /** The cluster. */
  readonly resource_id: string;
  state: 'STATE_IN_PROGRESS' | 'STATE_COMPLETED' | 'STATE_FAILED';
  readonly started_at: string;
  finished_at?: string;
  /** Why it failed (`error.message`). */
  error?: string;
  /** The allowlist the update applies when it completes. */
  readonly allowed_destination_cidr_ports: { cidr: string; port_start: number; port_end: number }[];
}

/**
 * One record of a topic, as the twin's pipeline emulator produced it (the local server has no Kafka API; this
 * store is what a consumer would read). Single-partition view: `offset` counts per topic from 0.
 */
export interface TopicMessage {
  readonly key: string | null;
  /** The payload ('' for a record without one, e.g. postgres_cdc transaction markers). */
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly offset: number;
  /** Unix milliseconds. */
  readonly timestamp: number;
}

export class DataPlaneState {
  readonly topics = new Map<string, TopicRecord>();
  readonly users = new Map<string, UserRecord>();
  acls: AclRecord[] = [];
  readonly secrets = new Map<string, SecretRecord>();
  readonly pipelines = new Map<string, PipelineRecord>();
  /** Records per topic name, oldest first (written by the pipeline emulator; not part of snapshot()). */
  readonly messages = new Map<string, TopicMessage[]>();

  /** Append a record to a topic's list and return it with its offset. */
  appendMessage(topic: string, message: Omit<TopicMessage, 'offset'>): TopicMessage {
    let list = this.messages.get(topic);
    if (list === undefined) {
      list = [];
      this.messages.set(topic, list);
    }
    const record: TopicMessage = { ...message, offset: list.length };
    list.push(record);
    return record;
  }

  /** Plain snapshot for assertions (includes passwords and secret values: test and twin use only). */
  snapshot(): {
    topics: TopicRecord[];
    users: UserRecord[];
    acls: AclRecord[];
    secrets: SecretRecord[];
    pipelines: PipelineRecord[];
  } {
    return structuredClone({
      topics: [...this.topics.values()],
      users: [...this.users.values()],
      acls: this.acls,
      secrets: [...this.secrets.values()],
      pipelines: [...this.pipelines.values()],
    });
  }

  clear(): void {
    this.topics.clear();
    this.users.clear();
    this.acls = [];
    this.secrets.clear();
    this.pipelines.clear();
    this.messages.clear();
  }
}

export interface LintHintRecord {
  line: number;
  column: number;
  hint: string;
  lint_type: string;
}

const TOP_LEVEL_KEYS = new Set([
  'http',
  'input',
  'buffer',
  'pipeline',
  'output',
  'input_resources',
  'processor_resources',
  'output_resources',
  'cache_resources',
  'rate_limit_resources',
  'logger',
  'metrics',
  'tracer',
  'shutdown_delay',
  'shutdown_timeout',
  'tests',
  'redpanda',
]);

/**
 * A small stand-in for Redpanda Connect's linter: YAML parse errors (with line/column), a root that is not
 * a mapping, missing or empty `input`/`output`, and unknown top-level fields. Lint types are modelled on
 * Redpanda Connect's lint kinds; the real service's exact strings are not documented.
 */
export function lintPipelineYaml(configYaml: string): LintHintRecord[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(configYaml, { lineCounter, prettyErrors: false });
  const hints: LintHintRecord[] = [];
  for (const err of doc.errors) {
    const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
    hints.push({ line: pos.line, column: pos.col, hint: err.message.split('\n')[0] ?? err.message, lint_type: 'failed_read' });
  }
  if (hints.length > 0) return hints;
  const root = doc.contents;
  if (!isMap(root)) {
    return [{ line: 1, column: 1, hint: 'expected the config to be a mapping of fields (input, output, ...)', lint_type: 'expected_object' }];
  }
  const present = new Map<string, { line: number; column: number; empty: boolean }>();
  for (const item of root.items) {
    const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
    const offset = (isScalar(item.key) ? item.key.range?.[0] : undefined) ?? 0;
    const pos = lineCounter.linePos(offset);
    const value = item.value;
    const empty = value === null || (isScalar(value) && (value.value === null || value.value === '')) || (isMap(value) && value.items.length === 0);
    present.set(key, { line: pos.line, column: pos.col, empty });
    if (!TOP_LEVEL_KEYS.has(key)) hints.push({ line: pos.line, column: pos.col, hint: `field ${key} not recognised`, lint_type: 'unknown' });
  }
  for (const required of ['input', 'output']) {
    const entry = present.get(required);
    if (!entry) hints.push({ line: 1, column: 1, hint: `field ${required} is required`, lint_type: 'missing' });
    else if (entry.empty) hints.push({ line: entry.line, column: entry.column, hint: `${required} must name a component, e.g. ${required}: { generate: ... }`, lint_type: 'component_missing' });
  }
  return hints;
}

// Connect's env-var pattern (docs/reference/redpanda-connect.md §5): `${NAME}`, `${NAME:default}`,
// `${NAME|func}`; never `${! bloblang }` nor the escaped `${{NAME}}`.
const ENV_VAR = /\$\{[0-9A-Za-z_.]+(?::(?:\$\{[^}]+\}|[^}])*)?(?:\|[0-9A-Za-z]+)?\}/g;
const ESCAPED_ENV_VAR = /\$\{\{[0-9A-Za-z_.]+(?::(?:\$\{[^}]+\}|[^}])*)?\}\}/g;

/**
 * The hint the data plane's lint adds when interpolations have no value there: the lint runs without the
 * pipeline's secrets and contextual variables, which Redpanda Cloud injects only when the pipeline starts.
 * One hint at line 1 with Connect's text, names in order of appearance, repeats kept (Connect does not dedupe).
 */
export function missingEnvVarHints(configYaml: string, environment: ReadonlyMap<string, string> = new Map()): LintHintRecord[] {
  const missing: string[] = [];
  for (const [match] of configYaml.replace(ESCAPED_ENV_VAR, '').matchAll(ENV_VAR)) {
    const specifier = match.slice(2, -1);
    if (specifier.includes(':')) continue;
    const name = specifier.includes('|') ? specifier.slice(0, specifier.lastIndexOf('|')) : specifier;
    if (!environment.has(name)) missing.push(name);
  }
  return missing.length === 0 ? [] : [{ line: 1, column: 1, hint: `required environment variables were not set: [${missing.join(' ')}]`, lint_type: 'missing_env_var' }];
}
