// Local Redpanda Cloud: a real HTTP server on 127.0.0.1 that stands in for the OAuth token endpoint, the
// control plane (GET cluster, the PATCH of the cluster's egress allowlist and its long-running operation, GET
// network) and one data plane per cluster (topics, users, ACLs, secrets, Redpanda Connect
// pipelines). Used by the tests, the offline twin and the demo. It is EMULATED, not Redpanda:
// - every request is validated against the OpenAPI specs, more strictly than the real gateway (unknown
//   body fields and query parameters are 400 here; the real one drops them, docs/reference/redpanda-cloud.md §0.6);
// - answers use the wire shapes (wrapped `{"pipeline": …}`, `{"user": …}`, `{"secret": …}`, docs/reference/redpanda-cloud.md §0.1),
//   error bodies are google.rpc.Status with an ErrorInfo reason, and each answer is itself checked against
//   the spec (recorded as `responseViolations`);
// - behaviours the reference marks unverified are chosen conservatively and documented where they occur.
import { randomBytes, randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults, TOKEN_OPERATION } from './faults.js';
import { OpenApiValidator, type SpecName, sharedValidator } from './openapi-validator.js';
import { ipv4Range } from '../ipv4.js';
import {
  type AclRecord,
  type ClusterConfig,
  DataPlaneState,
  type OperationRecord,
  type PipelineRecord,
  lintPipelineYaml,
  missingEnvVarHints,
} from './state.js';

export { Faults, TOKEN_OPERATION } from './faults.js';
export { DataPlaneState, lintPipelineYaml, type ClusterConfig, type OperationRecord, type PipelineRecord } from './state.js';

export interface ServerLogger {
  debug(message: string, attrs?: Record<string, unknown>): void;
  info(message: string, attrs?: Record<string, unknown>): void;
  warn(message: string, attrs?: Record<string, unknown>): void;
  error(message: string, attrs?: Record<string, unknown>): void;
}

export interface LocalRedpandaCloudOptions {
  /** Service account the token endpoint accepts. */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** @default 'cloudv2-production.redpanda.cloud' */
  readonly audience?: string;
  /** `expires_in` of issued tokens. @default 3600 */
  readonly tokenTtlSeconds?: number;
  /** Daily token quota of the organization. @default 1000 */
  readonly tokenQuotaPerDay?: number;
  /** Clusters served; each gets its own data plane listener. @default one BYOC/AWS/READY cluster */
  readonly clusters?: ReadonlyArray<Partial<ClusterConfig> & { id: string }>;
  /** Multiplies every emulated delay (pipeline transitions). @default 1 */
  readonly timeScale?: number;
  /** STARTING → RUNNING (and → ERROR) after this many ms (× timeScale). @default 200 */
  readonly pipelineStartMs?: number;
  /** STOPPING → STOPPED after this many ms (× timeScale). @default 100 */
  readonly pipelineStopMs?: number;
  /** A cluster update's operation completes (and its change applies) after this many ms (× timeScale). @default 100 */
  readonly operationMs?: number;
  /** A created pipeline starts at once (docs/reference/redpanda-cloud.md §0.5 / T: the API may auto-start). @default true */
  readonly autoStartPipelines?: boolean;
  /**
   * Refuse PUT on a STARTING/RUNNING pipeline with 400 FAILED_PRECONDITION. The real contract is
   * undocumented (docs/reference/redpanda-cloud.md §9); this makes a client that does not stop first fail locally. @default true
   */
  readonly requireStoppedForUpdate?: boolean;
  readonly logger?: ServerLogger;
  /** Spec validator (shared per process by default). */
  readonly validator?: OpenApiValidator;
}

export interface RecordedRequest {
  readonly listener: 'auth' | 'controlplane' | 'dataplane';
  readonly clusterId?: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly operationId: string | undefined;
  readonly status: number;
  /** Request violations of the spec (empty = valid). */
  readonly violations: string[];
  /** The server's own answer checked against the spec (empty = conforms, allowing the wire wrapping). */
  readonly responseViolations: string[];
  readonly faulted: boolean;
}

export interface LocalRedpandaCloud {
  /** Control plane base URL (`controlPlaneUrl` option of the client). */
  readonly url: string;
  /** Token endpoint (`authUrl` option of the client). */
  readonly authUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly audience: string;
  /** Data plane URL of a cluster (default: the first). */
  dataplaneUrl(clusterId?: string): string;
  /** Data plane state of a cluster (default: the first). */
  readonly state: DataPlaneState;
  stateOf(clusterId: string): DataPlaneState;
  /** Cluster configs; mutate to change what GET cluster returns. */
  readonly clusters: Map<string, ClusterConfig>;
  readonly faults: Faults;
  /** Every request received, in order (no bodies: they may hold secrets). */
  readonly requests: RecordedRequest[];
  /** Token requests answered with a token. */
  tokensIssued(): number;
  /** The tokens issued so far (for secret-hygiene assertions). */
  issuedTokens(): string[];
  /** Remaining daily token quota; set it to simulate exhaustion. */
  tokenQuotaRemaining: number;
  /** Decide per pipeline how a start ends: undefined → RUNNING, `{ error }` → STATE_ERROR with status.error. */
  pipelineOutcome: (pipeline: PipelineRecord) => { error: string } | undefined;
  /** Put a pipeline into STATE_ERROR now (e.g. a crash while running). */
  failPipeline(id: string, error: string, clusterId?: string): void;
  /** Control-plane operations by id (cluster updates), for assertions. */
  readonly operations: Map<string, OperationRecord>;
  /** Decide how an update ends: undefined → STATE_COMPLETED (the change applies), `{ error }` → STATE_FAILED (nothing changes). */
  operationOutcome: (operation: OperationRecord) => { error: string } | undefined;
  /** Expire every issued token (the next use gets 401 REASON_TOKEN_EXPIRED). */
  expireTokens(): void;
  stop(): Promise<void>;
}

/** What GET /v1/networks/{id} reports as `cidr_block` unless the cluster says otherwise. */
export const DEFAULT_NETWORK_CIDR = '10.100.0.0/16';

/** The spec's limit of `allowed_destination_cidr_ports` ("Maximum 16 entries"). */
const ALLOWLIST_LIMIT = 16;

/** The one field of a cluster the local server lets a PATCH change (the product must change nothing else). */
const ALLOWLIST_PATH = 'redpanda_connect.allowed_destination_cidr_ports';

const DEFAULT_CLUSTER: Omit<ClusterConfig, 'network_id'> = {
  id: 'd1localrpcnaurora000',
  name: 'local-byoc',
  type: 'TYPE_BYOC',
  cloud_provider: 'CLOUD_PROVIDER_AWS',
  region: 'us-east-2',
  zones: ['use2-az1', 'use2-az2', 'use2-az3'],
  state: 'STATE_READY',
  nat_gateways: ['203.0.113.10'],
  api_gateway_access: 'NETWORK_ACCESS_MODE_PUBLIC',
  connection_type: 'CONNECTION_TYPE_PRIVATE',
  // The version of the Connect field lists the lint checks against (specs/redpanda-connect).
  redpanda_connect_version: '4.106.0',
  allowed_destination_cidr_ports: [],
  network_cidr_block: DEFAULT_NETWORK_CIDR,
};

const GRPC_HTTP: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};
const HTTP_GRPC: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

class ApiError extends Error {
  constructor(
    readonly grpcCode: string,
    message: string,
    readonly reason: string,
    readonly fieldViolations: { field: string; description: string }[] = [],
  ) {
    super(message);
  }
}

function rpcStatus(code: string, message: string, reason: string | undefined, domain: string, fieldViolations: { field: string; description: string }[] = []) {
  const details: unknown[] = [];
  if (reason) details.push({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain, metadata: {} });
  if (fieldViolations.length > 0) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      field_violations: fieldViolations.map((v) => ({ field: v.field, description: v.description, reason: '', localized_message: null })),
    });
  }
  return { code, message, details };
}

const SECRET_ID_CREATE = /^[A-Z][A-Z0-9_]*$/;
const LABEL_VALUE = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;
const TOPIC_NAME = /^[a-zA-Z0-9._-]*$/;
const DISPLAY_NAME = /^[A-Za-z0-9-_ /]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function pipelineId(): string {
  // Shaped like Redpanda ids (20 lowercase base32-ish characters).
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return [...randomBytes(20)].map((b) => alphabet[b % 32]).join('');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Start the local Redpanda Cloud. Listens on 127.0.0.1, ports chosen by the OS. */
export async function startLocalRedpandaCloud(options: LocalRedpandaCloudOptions = {}): Promise<LocalRedpandaCloud> {
  const validator = options.validator ?? sharedValidator();
  const clientId = options.clientId ?? `local-client-${randomUUID().slice(0, 8)}`;
  const clientSecret = options.clientSecret ?? `local-secret-${randomBytes(12).toString('hex')}`;
  const audience = options.audience ?? 'cloudv2-production.redpanda.cloud';
  const tokenTtl = options.tokenTtlSeconds ?? 3600;
  const quotaPerDay = options.tokenQuotaPerDay ?? 1000;
  const timeScale = options.timeScale ?? 1;
  const startMs = (options.pipelineStartMs ?? 200) * timeScale;
  const stopMs = (options.pipelineStopMs ?? 100) * timeScale;
  const operationMs = (options.operationMs ?? 100) * timeScale;
  const autoStart = options.autoStartPipelines ?? true;
  const requireStopped = options.requireStoppedForUpdate ?? true;
  const log = options.logger;
  const faults = new Faults();
  const requests: RecordedRequest[] = [];
  const tokens = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const quotaResetAt = Date.now() + 86_400_000;
  let issued = 0;

  const clusters = new Map<string, ClusterConfig>();
  for (const c of options.clusters ?? [{ id: DEFAULT_CLUSTER.id }]) clusters.set(c.id, { ...DEFAULT_CLUSTER, network_id: `net-${c.id}`, ...c });
  const operations = new Map<string, OperationRecord>();
  const states = new Map<string, DataPlaneState>();
  const dataplaneServers = new Map<string, { server: Server; url: string }>();

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const api: LocalRedpandaCloud = {
    url: '',
    authUrl: '',
    clientId,
    clientSecret,
    audience,
    dataplaneUrl: (id) => dataplaneServers.get(id ?? firstClusterId())!.url,
    get state() {
      return states.get(firstClusterId())!;
    },
    stateOf: (id) => {
      const s = states.get(id);
      if (!s) throw new Error(`no cluster ${id}`);
      return s;
    },
    clusters,
    faults,
    requests,
    tokensIssued: () => issued,
    issuedTokens: () => [...tokens.keys()],
    tokenQuotaRemaining: quotaPerDay,
    pipelineOutcome: () => undefined,
    failPipeline: (id, error, clusterId) => {
      const p = states.get(clusterId ?? firstClusterId())?.pipelines.get(id);
      if (!p) throw new Error(`no pipeline ${id}`);
      p.state = 'STATE_ERROR';
      p.status = { error };
    },
    operations,
    operationOutcome: () => undefined,
    expireTokens: () => {
      for (const k of tokens.keys()) tokens.set(k, 0);
    },
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all([close(controlServer), ...[...dataplaneServers.values()].map((d) => close(d.server))]);
    },
  };
  function firstClusterId(): string {
    return clusters.keys().next().value!;
  }

  // ------------------------------------------------------------ shared request plumbing

  function quotaHeader(): string {
    return `b=per_day;q=${quotaPerDay};r=${Math.max(0, api.tokenQuotaRemaining)};t=${Math.max(0, Math.ceil((quotaResetAt - Date.now()) / 1000))}`;
  }

  function send(res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.body !== undefined && reply.status !== 204) {
      headers['content-type'] ??= 'application/json';
      res.writeHead(reply.status, headers);
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    } else {
      res.writeHead(reply.status, headers);
      res.end();
    }
  }

  function checkBearer(req: IncomingMessage, domain: string): Reply | undefined {
    const header = req.headers.authorization;
    const m = header ? /^Bearer (\S+)$/.exec(header) : null;
    let reason: string | undefined;
    let message = '';
    if (!m) {
      reason = 'REASON_NO_TOKEN';
      message = 'Bearer token is not present';
    } else {
      const exp = tokens.get(m[1]!);
      if (exp === undefined) {
        reason = 'REASON_TOKEN_INVALID';
        message = 'Bearer token is invalid';
      } else if (exp <= Date.now()) {
        reason = 'REASON_TOKEN_EXPIRED';
        message = 'Bearer token has expired';
      }
    }
    if (!reason) return undefined;
    return { status: 401, body: rpcStatus('UNAUTHENTICATED', message, reason, domain), headers: { 'www-authenticate': message } };
  }

  async function handleApi(
    listener: 'controlplane' | 'dataplane',
    clusterId: string | undefined,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const spec: SpecName = listener;
    const domain = listener === 'controlplane' ? 'redpanda.com/controlplane' : 'redpanda.com/dataplane';
    const validation = validator.validateRequest(spec, method, url.pathname, url.searchParams, req.headers['content-type'], raw);
    const operationId = validation.operation?.operationId;
    const violations = validation.violations.map((v) => (v.message.startsWith(v.location) ? v.message : `${v.location}: ${v.message}`));
    let reply: Reply;
    let faulted = false;
    const decision = faults.take(operationId ?? `${method} ${url.pathname}`);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.failure) {
      faulted = true;
      const code = HTTP_GRPC[decision.failure.status] ?? 'UNKNOWN';
      reply = {
        status: decision.failure.status,
        body: decision.failure.body ?? rpcStatus(code, `injected fault (${decision.failure.status})`, decision.failure.status === 429 ? 'REASON_RATE_LIMIT_EXCEEDED' : undefined, domain),
        headers: { ...decision.failure.headers },
      };
    } else {
      reply =
        checkBearer(req, domain) ??
        (!validation.operation
          ? { status: 404, body: rpcStatus('NOT_FOUND', `no route for ${method} ${url.pathname}`, undefined, domain) }
          : violations.length > 0
            ? {
                status: 400,
                body: rpcStatus(
                  'INVALID_ARGUMENT',
                  'provided parameters are invalid',
                  'REASON_INVALID_INPUT',
                  domain,
                  validation.violations.map((v) => ({ field: v.location, description: v.message })),
                ),
              }
            : dispatch(listener, clusterId, validation.operation.operationId, validation.operation.pathParams, validation.query, validation.body, domain));
    }
    const responseViolations =
      operationId !== undefined && !faulted
        ? validator.validateResponse(spec, operationId, reply.status, reply.body).map((v) => v.message)
        : [];
    requests.push({
      listener,
      ...(clusterId ? { clusterId } : {}),
      method,
      path: url.pathname,
      query: url.search,
      operationId,
      status: reply.status,
      violations,
      responseViolations,
      faulted,
    });
    // Method, path, status and timing only: bodies may hold passwords and secret values.
    log?.info('local redpanda cloud request', { listener, method, path: url.pathname, status: reply.status, operationId, ms: Date.now() - started });
    if (violations.length > 0) log?.warn('local redpanda cloud: request violates the spec', { operationId, violations });
    send(res, reply);
  }

  function dispatch(
    listener: 'controlplane' | 'dataplane',
    clusterId: string | undefined,
    operationId: string,
    params: Record<string, string>,
    query: Record<string, unknown>,
    body: unknown,
    domain: string,
  ): Reply {
    try {
      if (listener === 'controlplane') return controlPlane(operationId, params, query, (body ?? {}) as Record<string, unknown>);
      return dataPlane(states.get(clusterId!)!, operationId, params, query, (body ?? {}) as Record<string, unknown>);
    } catch (err) {
      if (err instanceof ApiError) {
        return { status: GRPC_HTTP[err.grpcCode] ?? 500, body: rpcStatus(err.grpcCode, err.message, err.reason, domain, err.fieldViolations) };
      }
      log?.error('local redpanda cloud handler failed', { operationId, error: (err as Error).message });
      return { status: 500, body: rpcStatus('INTERNAL', (err as Error).message, undefined, domain) };
    }
  }

  // ------------------------------------------------------------ control plane

  function controlPlane(operationId: string, params: Record<string, string>, query: Record<string, unknown>, body: Record<string, unknown>): Reply {
    switch (operationId) {
      case 'ClusterService_GetCluster': {
        const c = clusters.get(params.id ?? '');
        if (!c) return { status: 404, body: { code: 'NOT_FOUND', message: 'Cluster not found', details: [] } };
        return { status: 200, body: { cluster: wireCluster(c) } };
      }
      case 'ClusterService_UpdateCluster': {
        const c = clusters.get(params['cluster.id'] ?? '');
        if (!c) return { status: 404, body: { code: 'NOT_FOUND', message: 'Cluster not found', details: [] } };
        const entries = allowlistUpdate(query, body);
        const op: OperationRecord = {
          id: pipelineId(),
          type: 'TYPE_UPDATE_CLUSTER',
          resource_id: c.id,
          state: 'STATE_IN_PROGRESS',
          started_at: new Date().toISOString(),
          allowed_destination_cidr_ports: entries,
        };
        operations.set(op.id, op);
        // The list is replaced, not merged (merging is the caller's job), once the operation completes; until then
        // GET cluster shows the old list (❓ the real in-between view is not documented).
        later(operationMs, () => {
          if (op.state !== 'STATE_IN_PROGRESS') return;
          const outcome = api.operationOutcome(op);
          op.finished_at = new Date().toISOString();
          if (outcome) {
            op.state = 'STATE_FAILED';
            op.error = outcome.error;
            return;
          }
          const live = clusters.get(op.resource_id);
          if (live) live.allowed_destination_cidr_ports = entries.map((e) => ({ ...e }));
          op.state = 'STATE_COMPLETED';
        });
        return { status: 202, body: { operation: wireOperation(op) } };
      }
      case 'OperationService_GetOperation': {
        const op = operations.get(params.id ?? '');
        if (!op) throw new ApiError('NOT_FOUND', 'Operation not found', 'REASON_RESOURCE_NOT_FOUND');
        return { status: 200, body: { operation: wireOperation(op) } };
      }
      case 'NetworkService_GetNetwork': {
        const c = [...clusters.values()].find((x) => x.network_id === params.id);
        if (!c) throw new ApiError('NOT_FOUND', 'Network not found', 'REASON_RESOURCE_NOT_FOUND');
        return {
          status: 200,
          body: {
            network: {
              id: c.network_id,
              name: `${c.name}-network`,
              cloud_provider: c.cloud_provider,
              region: c.region,
              // An unset string field goes out as "" (the gateway emits default values).
              cidr_block: c.network_cidr_block ?? '',
              state: 'STATE_READY',
              cluster_type: c.type,
              resource_group_id: '00000000-0000-0000-0000-000000000000',
              zones: c.zones,
              created_at: '2026-01-01T00:00:00Z',
              updated_at: '2026-01-01T00:00:00Z',
            },
          },
        };
      }
      default:
        throw new ApiError('UNIMPLEMENTED', `${operationId} is not emulated`, 'REASON_UNIMPLEMENTED');
    }
  }

  function wireCluster(c: ClusterConfig): Record<string, unknown> {
    const dataplaneUrl = c.dataplane_url_override ?? dataplaneServers.get(c.id)?.url ?? '';
    return {
      id: c.id,
      name: c.name,
      type: c.type,
      cloud_provider: c.cloud_provider,
      region: c.region,
      zones: c.zones,
      state: c.state,
      connection_type: c.connection_type,
      api_gateway_access: c.api_gateway_access,
      nat_gateways: c.nat_gateways,
      dataplane_api: { url: dataplaneUrl },
      kafka_api: { seed_brokers: [`seed-local.${c.id}.byoc.local:9092`] },
      redpanda_connect: { version: c.redpanda_connect_version, allowed_destination_cidr_ports: c.allowed_destination_cidr_ports },
      ...(c.permissions_boundary_policy_arn ? { customer_managed_resources: { aws: byovpcResources(c.permissions_boundary_policy_arn, c.region) } } : {}),
      network_id: c.network_id,
      resource_group_id: '00000000-0000-0000-0000-000000000000',
      cloud_provider_tags: {},
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      current_redpanda_version: 'v25.1.1',
      throughput_tier: 'local',
    };
  }

  function wireOperation(op: OperationRecord): Record<string, unknown> {
    const cluster = clusters.get(op.resource_id);
    return {
      id: op.id,
      type: op.type,
      state: op.state,
      resource_id: op.resource_id,
      started_at: op.started_at,
      ...(op.finished_at !== undefined ? { finished_at: op.finished_at } : {}),
      metadata: { '@type': 'type.googleapis.com/redpanda.api.controlplane.v1.UpdateClusterMetadata', update_type: [] },
      ...(op.state === 'STATE_FAILED' ? { error: rpcStatus('INTERNAL', op.error ?? 'update failed', undefined, 'redpanda.com/controlplane') } : {}),
      ...(op.state === 'STATE_COMPLETED' && cluster
        ? { response: { '@type': 'type.googleapis.com/redpanda.api.controlplane.v1.UpdateClusterResponse', cluster: wireCluster(cluster) } }
        : {}),
    };
  }

  /**
   * The allowlist a PATCH sets. Local rule, stricter than Redpanda Cloud: the update mask must name exactly the
   * allowlist and the body may hold nothing else, since the product must never change anything else of a cluster.
   */
  function allowlistUpdate(query: Record<string, unknown>, body: Record<string, unknown>): OperationRecord['allowed_destination_cidr_ports'] {
    const invalid = (field: string, description: string) => new ApiError('INVALID_ARGUMENT', `${field}: ${description}`, 'REASON_INVALID_INPUT', [{ field, description }]);
    const mask = typeof query.update_mask === 'string' ? query.update_mask.split(',').map((p) => p.trim()).filter((p) => p !== '') : [];
    if (mask.length === 0) throw invalid('update_mask', `required: the local Redpanda Cloud updates only ${ALLOWLIST_PATH} and wants it named`);
    for (const path of mask) {
      if (path !== ALLOWLIST_PATH) throw invalid('update_mask', `"${path}" cannot be updated through the local Redpanda Cloud: only ${ALLOWLIST_PATH} can`);
    }
    for (const key of Object.keys(body)) {
      if (key !== 'redpanda_connect') throw invalid(key, `not updatable through the local Redpanda Cloud: only ${ALLOWLIST_PATH} is`);
    }
    const connect = (body.redpanda_connect ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(connect)) {
      if (key !== 'allowed_destination_cidr_ports') throw invalid(`redpanda_connect.${key}`, `not updatable through the local Redpanda Cloud: only ${ALLOWLIST_PATH} is`);
    }
    // An absent list under the mask clears it (field-mask semantics).
    const entries = (connect.allowed_destination_cidr_ports ?? []) as { cidr?: unknown; port_start?: unknown; port_end?: unknown }[];
    if (entries.length > ALLOWLIST_LIMIT) throw invalid(ALLOWLIST_PATH, `Maximum ${ALLOWLIST_LIMIT} entries, got ${entries.length}`);
    return entries.map((e, i) => {
      const field = `${ALLOWLIST_PATH}[${i}]`;
      const cidr = String(e.cidr ?? '');
      // Stricter than Go's ParseCIDR, which accepts host bits: the allowlist holds network addresses.
      if (ipv4Range(cidr) === undefined) throw invalid(`${field}.cidr`, `"${cidr}" is not a valid IPv4 CIDR such as "10.5.0.0/16"`);
      const start = Number(e.port_start ?? 0);
      const end = Number(e.port_end ?? 0);
      if (!Number.isInteger(start) || start < 1 || start > 65535) throw invalid(`${field}.port_start`, `${start} is not a port (1-65535)`);
      if (!Number.isInteger(end) || end < 0 || end > 65535 || (end !== 0 && end < start)) throw invalid(`${field}.port_end`, `${end} must be 0 or a port from port_start (${start}) to 65535`);
      return { cidr, port_start: start, port_end: end };
    });
  }

  // ------------------------------------------------------------ data plane

  const badRequest = (field: string, description: string) => new ApiError('INVALID_ARGUMENT', 'provided parameters are invalid', 'REASON_INVALID_INPUT', [{ field, description }]);
  const notFound = (what: string) => new ApiError('NOT_FOUND', what, 'REASON_RESOURCE_NOT_FOUND');

  function wirePipeline(p: PipelineRecord): Record<string, unknown> {
    return {
      id: p.id,
      display_name: p.display_name,
      description: p.description,
      config_yaml: p.config_yaml,
      ...(p.resources ? { resources: p.resources } : {}),
      ...(p.service_account ? { service_account: p.service_account } : {}),
      state: p.state,
      status: p.status,
      tags: p.tags,
      url: p.url,
    };
  }

  function startTransition(state: DataPlaneState, p: PipelineRecord): void {
    p.state = 'STATE_STARTING';
    p.status = { error: '' };
    later(startMs, () => {
      if (state.pipelines.get(p.id) !== p || p.state !== 'STATE_STARTING') return;
      const outcome = api.pipelineOutcome(p);
      if (outcome) {
        p.state = 'STATE_ERROR';
        p.status = { error: outcome.error };
      } else {
        p.state = 'STATE_RUNNING';
      }
    });
  }

  function stopTransition(state: DataPlaneState, p: PipelineRecord): void {
    p.state = 'STATE_STOPPING';
    later(stopMs, () => {
      if (state.pipelines.get(p.id) !== p || p.state !== 'STATE_STOPPING') return;
      p.state = 'STATE_STOPPED';
    });
  }

  function page<T>(items: T[], query: Record<string, unknown>): { items: T[]; next: string } {
    const size = typeof query.page_size === 'number' ? query.page_size : 100;
    const offset = typeof query.page_token === 'string' && /^\d+$/.test(query.page_token) ? Number(query.page_token) : 0;
    if (size === -1) return { items: items.slice(offset), next: '' };
    if (size < 1) throw badRequest('page_size', 'page_size must be -1 or positive');
    const slice = items.slice(offset, offset + size);
    return { items: slice, next: offset + size < items.length ? String(offset + size) : '' };
  }

  function validatePipelineFields(b: Record<string, unknown>, prefix: string): void {
    const name = String(b.display_name ?? '');
    if (name.length < 3 || name.length > 128 || !DISPLAY_NAME.test(name)) throw badRequest(`${prefix}.display_name`, 'value must be 3-128 characters matching ^[A-Za-z0-9-_ /]+$');
    if (String(b.description ?? '').length > 256) throw badRequest(`${prefix}.description`, 'value length must be at most 256 characters');
    const tags = (b.tags ?? {}) as Record<string, string>;
    if (Object.keys(tags).length > 16) throw badRequest(`${prefix}.tags`, 'map must be at most 16 pairs');
    for (const [k, v] of Object.entries(tags)) if (!LABEL_VALUE.test(v)) throw badRequest(`${prefix}.tags[${k}]`, 'value does not match regex pattern');
    const hints = lintPipelineYaml(String(b.config_yaml ?? ''));
    if (hints.length > 0) {
      throw new ApiError(
        'INVALID_ARGUMENT',
        `the pipeline configuration is invalid: ${hints.map((h) => `line ${h.line}: ${h.hint}`).join('; ')}`,
        'REASON_CONNECT_INVALID_PIPELINE_CONFIGURATION',
      );
    }
  }

  function aclMatches(filter: Record<string, unknown>, a: AclRecord): boolean {
    const any = (v: unknown, anyValue: string) => v === undefined || v === anyValue;
    if (!any(filter['filter.resource_type'], 'RESOURCE_TYPE_ANY') && filter['filter.resource_type'] !== a.resource_type) return false;
    if (!any(filter['filter.operation'], 'OPERATION_ANY') && filter['filter.operation'] !== a.operation) return false;
    if (!any(filter['filter.permission_type'], 'PERMISSION_TYPE_ANY') && filter['filter.permission_type'] !== a.permission_type) return false;
    if (filter['filter.principal'] !== undefined && filter['filter.principal'] !== a.principal) return false;
    if (filter['filter.host'] !== undefined && filter['filter.host'] !== a.host) return false;
    const pattern = filter['filter.resource_pattern_type'];
    const name = filter['filter.resource_name'] as string | undefined;
    if (pattern === undefined || pattern === 'RESOURCE_PATTERN_TYPE_ANY') return name === undefined || name === a.resource_name;
    if (pattern === 'RESOURCE_PATTERN_TYPE_MATCH') {
      if (name === undefined) return true;
      return (
        (a.resource_pattern_type === 'RESOURCE_PATTERN_TYPE_LITERAL' && (a.resource_name === name || a.resource_name === '*')) ||
        (a.resource_pattern_type === 'RESOURCE_PATTERN_TYPE_PREFIXED' && name.startsWith(a.resource_name))
      );
    }
    return pattern === a.resource_pattern_type && (name === undefined || name === a.resource_name);
  }

  function dataPlane(state: DataPlaneState, op: string, params: Record<string, string>, query: Record<string, unknown>, b: Record<string, unknown>): Reply {
    switch (op) {
      // -------------------------------- topics
      case 'TopicService_ListTopics': {
        const contains = (query['filter.name_contains'] as string | undefined) ?? '';
        const all = [...state.topics.values()].filter((t) => t.name.includes(contains)).sort((x, y) => x.name.localeCompare(y.name));
        const { items, next } = page(all, query);
        return {
          status: 200,
          body: {
            topics: items.map((t) => ({ name: t.name, internal: t.name.startsWith('_'), partition_count: t.partitionCount, replication_factor: t.replicationFactor })),
            next_page_token: next,
          },
        };
      }
      case 'TopicService_CreateTopic': {
        const name = String(b.name ?? '');
        if (name.length < 1 || name.length > 249 || !TOPIC_NAME.test(name)) throw badRequest('topic.name', 'value must be 1-249 characters matching ^[a-zA-Z0-9._\\-]*$');
        const configs: Record<string, string | null> = {};
        for (const [i, c] of ((b.configs ?? []) as { name?: string; value?: string | null }[]).entries()) {
          if (!c.name || !/^[a-z0-9.]+$/.test(c.name)) throw badRequest(`topic.configs[${i}].name`, 'value does not match regex pattern ^[a-z0-9.]+$');
          configs[c.name] = c.value ?? null;
        }
        if (state.topics.has(name)) throw new ApiError('ALREADY_EXISTS', `topic "${name}" already exists`, 'REASON_KAFKA_API_ERROR');
        const partitionCount = (b.partition_count as number | null | undefined) ?? 1;
        const replicationFactor = (b.replication_factor as number | null | undefined) ?? 3;
        if (partitionCount < 1) throw badRequest('topic.partition_count', 'must be positive (replica assignments are not emulated)');
        if (replicationFactor < 1) throw badRequest('topic.replication_factor', 'must be positive');
        if (query.validate_only !== true) state.topics.set(name, { name, partitionCount, replicationFactor, configs });
        return { status: 201, body: { topic_name: name, partition_count: partitionCount, replication_factor: replicationFactor } };
      }
      case 'TopicService_DeleteTopic': {
        if (!state.topics.delete(params.topic_name ?? '')) throw notFound('the requested topic does not exist');
        return { status: 204 };
      }
      case 'TopicService_GetTopicConfigurations': {
        const t = state.topics.get(params.topic_name ?? '');
        if (!t) throw notFound('the requested topic does not exist');
        const defaults: Record<string, string> = { 'cleanup.policy': 'delete', 'retention.ms': '604800000', 'compression.type': 'producer' };
        const names = new Set([...Object.keys(defaults), ...Object.keys(t.configs)]);
        return {
          status: 200,
          body: {
            configurations: [...names].sort().map((name) => {
              const explicit = name in t.configs;
              return {
                name,
                value: explicit ? t.configs[name] : defaults[name],
                source: explicit ? 'CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG' : 'CONFIG_SOURCE_DEFAULT_CONFIG',
                type: 'CONFIG_TYPE_STRING',
                read_only: false,
                sensitive: false,
                documentation: null,
                config_synonyms: [],
              };
            }),
          },
        };
      }
      // -------------------------------- users
      case 'UserService_ListUsers': {
        const exact = query['filter.name'] as string | undefined;
        const contains = (query['filter.name_contains'] as string | undefined) ?? '';
        const all = [...state.users.values()].filter((u) => (exact === undefined || u.name === exact) && u.name.includes(contains));
        const { items, next } = page(all, query);
        return { status: 200, body: { users: items.map((u) => ({ name: u.name, mechanism: u.mechanism })), next_page_token: next } };
      }
      case 'UserService_CreateUser': {
        const name = String(b.name ?? '');
        const password = String(b.password ?? '');
        if (name.length < 1 || name.length > 128) throw badRequest('user.name', 'value length must be between 1 and 128 characters');
        if (password.length < 3 || password.length > 128) throw badRequest('user.password', 'value length must be between 3 and 128 characters');
        if (!b.mechanism) throw badRequest('user.mechanism', 'value is required');
        // Cloud's behaviour for an existing user is unverified (OSS Console upserts); 409 here makes a
        // client that blindly re-creates (and silently resets) a user visible.
        if (state.users.has(name)) throw new ApiError('ALREADY_EXISTS', `user "${name}" already exists`, 'REASON_KAFKA_API_ERROR');
        state.users.set(name, { name, password, mechanism: String(b.mechanism) });
        return { status: 201, body: { user: { name, mechanism: b.mechanism } } };
      }
      case 'UserService_UpdateUser': {
        const name = params['user.name'] ?? '';
        const u = state.users.get(name);
        if (!u) throw notFound('user not found');
        const password = String(b.password ?? '');
        if (password.length < 3 || password.length > 128) throw badRequest('user.password', 'value length must be between 3 and 128 characters');
        if (!b.mechanism) throw badRequest('user.mechanism', 'value is required');
        u.password = password;
        u.mechanism = String(b.mechanism);
        return { status: 200, body: { user: { name, mechanism: u.mechanism } } };
      }
      case 'UserService_DeleteUser': {
        if (!state.users.delete(params.name ?? '')) throw notFound('user not found');
        return { status: 204 };
      }
      // -------------------------------- ACLs
      case 'ACLService_ListACLs': {
        const matching = state.acls.filter((a) => aclMatches(query, a));
        const groups = new Map<string, { resource_type: string; resource_name: string; resource_pattern_type: string; acls: unknown[] }>();
        for (const a of matching) {
          const key = `${a.resource_type}|${a.resource_name}|${a.resource_pattern_type}`;
          let g = groups.get(key);
          if (!g) {
            g = { resource_type: a.resource_type, resource_name: a.resource_name, resource_pattern_type: a.resource_pattern_type, acls: [] };
            groups.set(key, g);
          }
          g.acls.push({ principal: a.principal, host: a.host, operation: a.operation, permission_type: a.permission_type });
        }
        return { status: 200, body: { resources: [...groups.values()] } };
      }
      case 'ACLService_CreateACL': {
        const acl: AclRecord = {
          resource_type: String(b.resource_type),
          resource_name: String(b.resource_name ?? ''),
          resource_pattern_type: String(b.resource_pattern_type),
          principal: String(b.principal),
          host: String(b.host),
          operation: String(b.operation),
          permission_type: String(b.permission_type),
        };
        if (acl.resource_type === 'RESOURCE_TYPE_ANY') throw badRequest('resource_type', 'RESOURCE_TYPE_ANY is not allowed on create');
        if (!['RESOURCE_PATTERN_TYPE_LITERAL', 'RESOURCE_PATTERN_TYPE_PREFIXED'].includes(acl.resource_pattern_type)) {
          throw badRequest('resource_pattern_type', 'must be LITERAL or PREFIXED on create');
        }
        if (acl.operation === 'OPERATION_ANY') throw badRequest('operation', 'OPERATION_ANY is not allowed on create');
        if (acl.permission_type === 'PERMISSION_TYPE_ANY') throw badRequest('permission_type', 'PERMISSION_TYPE_ANY is not allowed on create');
        if (acl.resource_type === 'RESOURCE_TYPE_CLUSTER') {
          if (acl.resource_name !== '' && acl.resource_name !== 'kafka-cluster') throw badRequest('resource_name', 'must be "kafka-cluster" or empty for RESOURCE_TYPE_CLUSTER');
          acl.resource_name = 'kafka-cluster';
        } else if (acl.resource_type !== 'RESOURCE_TYPE_REGISTRY' && acl.resource_name === '') {
          throw badRequest('resource_name', 'value is required');
        }
        if (!/^(User|RedpandaRole|Group):.+/.test(acl.principal)) throw badRequest('principal', 'must be prefixed with "User:" (or RedpandaRole:/Group:)');
        if (acl.host === '') throw badRequest('host', 'value is required');
        // Kafka CreateAcls is idempotent: an identical binding is not duplicated.
        if (!state.acls.some((a) => JSON.stringify(a) === JSON.stringify(acl))) state.acls.push(acl);
        return { status: 201, body: {} };
      }
      case 'ACLService_DeleteACLs': {
        const matching = state.acls.filter((a) => aclMatches(query, a));
        state.acls = state.acls.filter((a) => !matching.includes(a));
        return { status: 200, body: { matching_acls: matching.map((a) => ({ ...a })) } };
      }
      // -------------------------------- secrets
      case 'SecretService_ListSecrets': {
        const contains = (query['filter.name_contains'] as string | undefined) ?? '';
        const labels = (query['filter.labels'] ?? {}) as Record<string, string>;
        const all = [...state.secrets.values()].filter((s) => s.id.includes(contains) && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
        const { items, next } = page(all, query);
        return { status: 200, body: { secrets: items.map((s) => ({ id: s.id, labels: s.labels, scopes: s.scopes })), next_page_token: next } };
      }
      case 'SecretService_GetSecret': {
        const s = state.secrets.get(params.id ?? '');
        if (!s) throw notFound('secret not found');
        return { status: 200, body: { secret: { id: s.id, labels: s.labels, scopes: s.scopes } } };
      }
      case 'SecretService_CreateSecret': {
        const id = String(b.id ?? '');
        if (id.length < 1 || id.length > 255 || !SECRET_ID_CREATE.test(id)) throw badRequest('id', 'value does not match regex pattern ^[A-Z][A-Z0-9_]*$');
        const scopes = checkScopes(b.scopes, true);
        const data = checkSecretData(b.secret_data);
        const labels = (b.labels ?? {}) as Record<string, string>;
        for (const [k, v] of Object.entries(labels)) if (!LABEL_VALUE.test(v)) throw badRequest(`labels[${k}]`, 'value does not match regex pattern');
        // Duplicate-create behaviour is unverified for Cloud (docs/reference/redpanda-cloud.md §9); 409 ALREADY_EXISTS is the gateway's convention.
        if (state.secrets.has(id)) throw new ApiError('ALREADY_EXISTS', `secret ${id} already exists`, 'REASON_SECRET_STORE_ERROR');
        state.secrets.set(id, { id, labels, scopes, secretData: data.b64, value: data.value });
        return { status: 201, body: { secret: { id, labels, scopes } } };
      }
      case 'SecretService_UpdateSecret': {
        const s = state.secrets.get(params.id ?? '');
        if (!s) throw notFound('secret not found');
        // Proto3 maps have no presence: an update without labels is an update with none, and clears them. A different
        // non-empty set is refused as immutable (docs/reference/redpanda-cloud.md §3.4).
        const labels = (b.labels ?? {}) as Record<string, string>;
        if (Object.keys(labels).length > 0 && JSON.stringify(labels) !== JSON.stringify(s.labels)) throw badRequest('labels', 'labels are immutable');
        s.labels = labels;
        if (b.scopes !== undefined) s.scopes = checkScopes(b.scopes, true);
        if (b.secret_data !== undefined) {
          const data = checkSecretData(b.secret_data);
          s.secretData = data.b64;
          s.value = data.value;
        }
        return { status: 200, body: { secret: { id: s.id, labels: s.labels, scopes: s.scopes } } };
      }
      case 'SecretService_DeleteSecret': {
        if (!state.secrets.delete(params.id ?? '')) throw notFound('secret not found');
        return { status: 204 };
      }
      // -------------------------------- pipelines
      case 'PipelineService_ListPipelines': {
        const contains = (query['filter.name_contains'] as string | undefined) ?? '';
        const tags = (query['filter.tags'] ?? {}) as Record<string, string>;
        const all = [...state.pipelines.values()].filter(
          (p) => p.display_name.includes(contains) && Object.entries(tags).every(([k, v]) => p.tags[k] === v),
        );
        const { items, next } = page(all, query);
        return { status: 200, body: { pipelines: items.map(wirePipeline), next_page_token: next } };
      }
      case 'PipelineService_CreatePipeline': {
        validatePipelineFields(b, 'pipeline');
        const p: PipelineRecord = {
          id: pipelineId(),
          display_name: String(b.display_name),
          description: String(b.description ?? ''),
          config_yaml: String(b.config_yaml),
          ...(b.resources ? { resources: b.resources as PipelineRecord['resources'] & object } : { resources: { memory_shares: '400M', cpu_shares: '100m' } }),
          tags: Object.fromEntries(Object.entries((b.tags ?? {}) as Record<string, string>).filter(([, v]) => v !== '')),
          ...(b.service_account ? { service_account: b.service_account as PipelineRecord['service_account'] & object } : {}),
          state: 'STATE_STOPPED',
          status: { error: '' },
          url: '',
        };
        state.pipelines.set(p.id, p);
        if (autoStart) startTransition(state, p);
        return { status: 201, body: { pipeline: wirePipeline(p) } };
      }
      case 'PipelineService_GetPipeline': {
        const p = state.pipelines.get(params.id ?? '');
        if (!p) throw notFound('pipeline not found');
        return { status: 200, body: { pipeline: wirePipeline(p) } };
      }
      case 'PipelineService_UpdatePipeline': {
        const p = state.pipelines.get(params.id ?? '');
        if (!p) throw notFound('pipeline not found');
        if (requireStopped && (p.state === 'STATE_RUNNING' || p.state === 'STATE_STARTING')) {
          throw new ApiError('FAILED_PRECONDITION', `pipeline ${p.id} is ${p.state}; stop it before updating (local emulation rule)`, 'REASON_INVALID_INPUT');
        }
        const mask = typeof query.update_mask === 'string' && query.update_mask !== '' ? new Set(query.update_mask.split(',').map((s) => s.trim())) : undefined;
        const take = (field: string) => mask === undefined || mask.has(field);
        validatePipelineFields({ ...wirePipeline(p), ...b }, 'pipeline');
        if (take('display_name')) p.display_name = String(b.display_name);
        if (take('description') && b.description !== undefined) p.description = String(b.description);
        if (take('config_yaml')) p.config_yaml = String(b.config_yaml);
        if (take('resources') && b.resources !== undefined) p.resources = b.resources as PipelineRecord['resources'] & object;
        if (take('tags') && b.tags !== undefined) {
          for (const [k, v] of Object.entries(b.tags as Record<string, string>)) {
            if (v === '') delete p.tags[k];
            else p.tags[k] = v;
          }
        }
        return { status: 200, body: { pipeline: wirePipeline(p) } };
      }
      case 'PipelineService_StartPipeline': {
        const p = state.pipelines.get(params.id ?? '');
        if (!p) throw notFound('pipeline not found');
        if (p.state !== 'STATE_RUNNING' && p.state !== 'STATE_STARTING') startTransition(state, p);
        return { status: 200, body: { pipeline: wirePipeline(p) } };
      }
      case 'PipelineService_StopPipeline': {
        const p = state.pipelines.get(params.id ?? '');
        if (!p) throw notFound('pipeline not found');
        if (p.state === 'STATE_RUNNING' || p.state === 'STATE_STARTING' || p.state === 'STATE_ERROR') stopTransition(state, p);
        return { status: 200, body: { pipeline: wirePipeline(p) } };
      }
      case 'PipelineService_DeletePipeline': {
        if (!state.pipelines.delete(params.id ?? '')) throw notFound('pipeline not found');
        return { status: 204 };
      }
      case 'PipelineService_LintPipelineConfig':
        return { status: 200, body: { lint_hints: [...missingEnvVarHints(String(b.config_yaml ?? '')), ...lintPipelineYaml(String(b.config_yaml ?? ''))] } };
      default:
        throw new ApiError('UNIMPLEMENTED', `${op} is not emulated by the local Redpanda Cloud`, 'REASON_UNIMPLEMENTED');
    }
  }

  function checkScopes(v: unknown, required: boolean): string[] {
    const scopes = Array.isArray(v) ? (v as string[]) : [];
    if (required && scopes.length === 0) throw badRequest('scopes', 'value must contain at least 1 item(s)');
    if (new Set(scopes).size !== scopes.length) throw badRequest('scopes', 'repeated value must contain unique items');
    return scopes;
  }

  function checkSecretData(v: unknown): { b64: string; value: string } {
    const b64 = String(v ?? '');
    if (!BASE64.test(b64)) throw badRequest('secret_data', 'value must be base64');
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length < 1 || bytes.length > 65_536) throw badRequest('secret_data', 'value length must be between 1 and 65536 bytes');
    return { b64, value: bytes.toString('utf8') };
  }

  // ------------------------------------------------------------ token endpoint

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const violations: string[] = [];
    let reply: Reply;
    let faulted = false;
    const decision = faults.take(TOKEN_OPERATION);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    const quota = { 'auth0-organization-quota-limit': quotaHeader() };
    if (decision.failure) {
      faulted = true;
      reply = {
        status: decision.failure.status,
        body: decision.failure.body ?? { error: decision.failure.status === 429 ? 'too_many_requests' : 'server_error', error_description: `injected fault (${decision.failure.status})` },
        headers: { ...quota, ...decision.failure.headers },
      };
    } else {
      if (!/application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) violations.push('content-type must be application/x-www-form-urlencoded');
      const form = new URLSearchParams(raw);
      const allowed = new Set(['grant_type', 'client_id', 'client_secret', 'audience']);
      for (const key of form.keys()) if (!allowed.has(key)) violations.push(`unknown form field "${key}"`);
      for (const key of allowed) if (!form.get(key)) violations.push(`form field ${key} is required`);
      if (form.get('grant_type') && form.get('grant_type') !== 'client_credentials') violations.push('grant_type must be client_credentials');
      if (violations.length > 0) {
        reply = { status: 400, body: { error: 'invalid_request', error_description: violations.join('; ') }, headers: quota };
      } else if (api.tokenQuotaRemaining <= 0) {
        reply = { status: 429, body: { error: 'too_many_requests', error_description: 'Organization quota exceeded' }, headers: { 'auth0-organization-quota-limit': quotaHeader() } };
      } else {
        api.tokenQuotaRemaining--;
        if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
          reply = { status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' }, headers: { 'auth0-organization-quota-limit': quotaHeader() } };
        } else if (form.get('audience') !== audience) {
          reply = { status: 403, body: { error: 'access_denied', error_description: `Service not enabled within domain: ${form.get('audience')}` }, headers: { 'auth0-organization-quota-limit': quotaHeader() } };
        } else {
          const token = `lrc_${randomBytes(24).toString('hex')}`;
          tokens.set(token, Date.now() + tokenTtl * 1000);
          issued++;
          reply = { status: 200, body: { access_token: token, expires_in: tokenTtl, token_type: 'Bearer' }, headers: { 'auth0-organization-quota-limit': quotaHeader() } };
        }
      }
    }
    requests.push({ listener: 'auth', method: req.method ?? 'POST', path: '/oauth/token', query: '', operationId: TOKEN_OPERATION, status: reply.status, violations, responseViolations: [], faulted });
    log?.info('local redpanda cloud token request', { status: reply.status });
    send(res, reply);
  }

  // ------------------------------------------------------------ listeners

  const guard = (fn: (req: IncomingMessage, res: ServerResponse) => Promise<void>) => (req: IncomingMessage, res: ServerResponse) => {
    fn(req, res).catch((err: unknown) => {
      log?.error('local redpanda cloud crashed on a request', { error: (err as Error).message });
      if (!res.headersSent) send(res, { status: 500, body: rpcStatus('INTERNAL', 'local server error', undefined, 'redpanda.com/local') });
    });
  };

  const controlServer = createServer(
    guard(async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === '/oauth/token' && req.method === 'POST') return handleToken(req, res);
      return handleApi('controlplane', undefined, req, res);
    }),
  );
  const controlUrl = await listen(controlServer);
  Object.assign(api, { url: controlUrl, authUrl: `${controlUrl}/oauth/token` });
  for (const id of clusters.keys()) {
    states.set(id, new DataPlaneState());
    const server = createServer(guard((req, res) => handleApi('dataplane', id, req, res)));
    dataplaneServers.set(id, { server, url: await listen(server) });
  }
  return api;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.keepAliveTimeout = 1000;
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** What a BYOVPC cluster reports it was deployed into (every field the spec requires); only the boundary matters to a link. */
function byovpcResources(boundaryArn: string, region: string): Record<string, { arn: string }> {
  const account = boundaryArn.split(':')[4] ?? '000000000000';
  const profile = (name: string) => ({ arn: `arn:aws:iam::${account}:instance-profile/${name}` });
  const group = (name: string) => ({ arn: `arn:aws:ec2:${region}:${account}:security-group/sg-${name}` });
  return {
    agent_instance_profile: profile('redpanda-agent'),
    connectors_node_group_instance_profile: profile('redpanda-connectors'),
    utility_node_group_instance_profile: profile('redpanda-utility'),
    redpanda_node_group_instance_profile: profile('redpanda-node'),
    k8s_cluster_role: { arn: `arn:aws:iam::${account}:role/redpanda-cluster` },
    redpanda_agent_security_group: group('0agent00000000000'),
    connectors_security_group: group('0connectors000000'),
    redpanda_node_group_security_group: group('0redpandanodes000'),
    utility_security_group: group('0utility000000000'),
    cluster_security_group: group('0cluster000000000'),
    node_security_group: group('0node000000000000'),
    cloud_storage_bucket: { arn: 'arn:aws:s3:::redpanda-cloud-storage-local' },
    permissions_boundary_policy: { arn: boundaryArn },
  };
}
