// Data plane v1 of one cluster (docs/reference/redpanda-cloud.md §3): topics, SASL users, ACLs, Redpanda Connect secrets and
// pipelines. Every create is get-or-create with the ownership rules documented in ../../ports/redpanda.ts;
// every delete tolerates 404. Responses the wire wraps (`{"pipeline": …}`, `{"user": …}`, `{"secret": …}`,
// docs/reference/redpanda-cloud.md §0.1) are parsed leniently (`body.pipeline ?? body`), the others strictly.
import { MANAGED_BY, NAME_PREFIX } from '../../core/naming.js';
import {
  REDPANDA_LINK_LABEL,
  REDPANDA_MANAGED_BY_LABEL,
  type AclBinding,
  type DeleteOutcome,
  type Ensured,
  type LintHint,
  type Pipeline,
  type PipelineSpec,
  type PipelineState,
  type RedpandaDataPlane,
  type RedpandaLogger,
  type SaslMechanism,
  type Secret,
  type SecretScope,
  type SecretSpec,
  type Topic,
  type TopicSpec,
  type UpdatePipelineOptions,
  type User,
  type UserSpec,
  type WaitOptions,
} from '../../ports/redpanda.js';
import {
  PipelineErrorStateError,
  PipelineWaitTimeoutError,
  RedpandaAlreadyExistsError,
  RedpandaConflictError,
  RedpandaError,
  RedpandaNotFoundError,
  RedpandaValidationError,
} from './errors.js';
import { type HttpClient, type JsonRequest, expectObject } from './http.js';

export interface DataPlaneOptions {
  readonly url: string;
  readonly http: HttpClient;
  readonly authorization: () => Promise<string>;
  readonly onUnauthorized: () => void;
  readonly logger: RedpandaLogger;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly random: () => number;
  /** Defaults for pipeline waits. */
  readonly wait?: WaitOptions;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const TOPIC_CONFIG_NAME = /^[a-z0-9.]+$/;
const SECRET_ID = /^[A-Z][A-Z0-9_]{0,254}$/;
const DISPLAY_NAME = /^[A-Za-z0-9-_ /]{3,128}$/;
const LABEL_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const PAGE_SIZE = '100';
const MAX_PAGES = 100;

/** `pipeline.state` values after which no further transition happens without a call. */
const RUNNING_STATES: readonly string[] = ['STATE_STARTING', 'STATE_RUNNING'];
const STOPPED_STATES: readonly string[] = ['STATE_STOPPING', 'STATE_STOPPED', 'STATE_COMPLETED'];

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}
function stringMap(v: unknown): Record<string, string> {
  const o = obj(v);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o ?? {})) if (typeof val === 'string') out[k] = val;
  return out;
}
/** Lenient unwrap for the responses the wire wraps but the spec declares unwrapped (docs/reference/redpanda-cloud.md §0.1). */
function unwrap(body: unknown, key: string, request: string): Record<string, unknown> {
  const outer = expectObject(body, request);
  return obj(outer[key]) ?? outer;
}

export function parsePipeline(body: unknown, request: string): Pipeline {
  const p = unwrap(body, 'pipeline', request);
  if (typeof p.id !== 'string' || p.id.length === 0) throw new RedpandaError(`${request}: response has no pipeline id`, { request });
  const resources = obj(p.resources);
  return {
    id: p.id,
    displayName: str(p.display_name),
    description: str(p.description),
    configYaml: str(p.config_yaml),
    state: (str(p.state) || 'STATE_UNSPECIFIED') as PipelineState,
    statusError: str(obj(p.status)?.error),
    tags: stringMap(p.tags),
    ...(resources ? { resources: { memoryShares: str(resources.memory_shares), cpuShares: str(resources.cpu_shares) } } : {}),
    url: str(p.url),
  };
}

function parseSecret(body: unknown, request: string): Secret {
  const s = unwrap(body, 'secret', request);
  if (typeof s.id !== 'string') throw new RedpandaError(`${request}: response has no secret id`, { request });
  return { id: s.id, labels: stringMap(s.labels), scopes: Array.isArray(s.scopes) ? (s.scopes.filter((x) => typeof x === 'string') as SecretScope[]) : [] };
}

function parseUser(body: unknown, request: string, fallback: User): User {
  const u = unwrap(body, 'user', request);
  return { name: str(u.name) || fallback.name, mechanism: (str(u.mechanism) || fallback.mechanism) as SaslMechanism };
}

export function ownershipLabels(link: string): Record<string, string> {
  return { [REDPANDA_MANAGED_BY_LABEL]: MANAGED_BY, [REDPANDA_LINK_LABEL]: link };
}
function ownedBy(labels: Readonly<Record<string, string>>, link: string): boolean {
  return labels[REDPANDA_MANAGED_BY_LABEL] === MANAGED_BY && labels[REDPANDA_LINK_LABEL] === link;
}
function describeOwner(labels: Readonly<Record<string, string>>): string {
  if (labels[REDPANDA_MANAGED_BY_LABEL] === MANAGED_BY) return `link "${labels[REDPANDA_LINK_LABEL] ?? '?'}"`;
  return 'someone else (it has no rpcn-aurora ownership labels)';
}
function invalid(message: string): RedpandaValidationError {
  return new RedpandaValidationError(message, { code: 'INVALID_ARGUMENT', reason: 'CLIENT_VALIDATION' });
}
/** Name a user must have to belong to a link. */
export function linkUserName(link: string): string {
  return `${NAME_PREFIX}${link}`;
}

export class DataPlane implements RedpandaDataPlane {
  readonly url: string;
  constructor(private readonly o: DataPlaneOptions) {
    this.url = o.url;
  }

  private async call(
    method: JsonRequest['method'],
    path: string,
    extra: { query?: ReadonlyArray<readonly [string, string]>; body?: unknown; idempotent?: boolean } = {},
  ) {
    return this.o.http.request({
      method,
      baseUrl: this.o.url,
      path,
      ...extra,
      authorization: this.o.authorization,
      onUnauthorized: this.o.onUnauthorized,
    });
  }

  // ---------------------------------------------------------------- topics

  async getTopic(name: string): Promise<Topic | undefined> {
    let pageToken = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const query: [string, string][] = [
        ['filter.name_contains', name],
        ['page_size', PAGE_SIZE],
      ];
      if (pageToken) query.push(['page_token', pageToken]);
      const res = await this.call('GET', '/v1/topics', { query });
      const body = expectObject(res.body, 'GET /v1/topics');
      const topics = Array.isArray(body.topics) ? (body.topics as unknown[]) : [];
      for (const t of topics) {
        const topic = obj(t);
        if (topic?.name === name) {
          return { name, partitions: num(topic.partition_count) ?? -1, replicationFactor: num(topic.replication_factor) ?? -1 };
        }
      }
      pageToken = str(body.next_page_token);
      if (!pageToken) return undefined;
    }
    throw new RedpandaError(`GET /v1/topics: more than ${MAX_PAGES} pages for filter "${name}"`);
  }

  async ensureTopic(link: string, spec: TopicSpec): Promise<Ensured<Topic>> {
    if (!TOPIC_NAME.test(spec.name)) throw invalid(`topic name "${spec.name}" must be 1-249 characters of [a-zA-Z0-9._-]`);
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1) throw invalid(`topic ${spec.name}: partitions must be a positive integer`);
    if (!Number.isInteger(spec.replicationFactor) || spec.replicationFactor < 1) throw invalid(`topic ${spec.name}: replicationFactor must be a positive integer`);
    for (const key of Object.keys(spec.configs ?? {})) {
      if (!TOPIC_CONFIG_NAME.test(key)) throw invalid(`topic ${spec.name}: config name "${key}" must match ^[a-z0-9.]+$`);
    }
    const existing = await this.getTopic(spec.name);
    if (existing) return { outcome: 'adopted', resource: await this.adoptTopic(link, spec, existing) };
    try {
      const res = await this.call('POST', '/v1/topics', {
        body: {
          name: spec.name,
          partition_count: spec.partitions,
          replication_factor: spec.replicationFactor,
          configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
        },
      });
      const body = expectObject(res.body, 'POST /v1/topics');
      const partitions = num(body.partition_count);
      const rf = num(body.replication_factor);
      const topic: Topic = {
        name: str(body.topic_name) || spec.name,
        partitions: partitions !== undefined && partitions > 0 ? partitions : spec.partitions,
        replicationFactor: rf !== undefined && rf > 0 ? rf : spec.replicationFactor,
      };
      this.o.logger.info('redpanda topic created', { link, topic: topic.name, partitions: topic.partitions, replicationFactor: topic.replicationFactor });
      return { outcome: 'created', resource: topic };
    } catch (err) {
      if (!(err instanceof RedpandaAlreadyExistsError)) throw err;
      // Created concurrently (or by a lost earlier attempt): judge it like any existing topic.
      const raced = await this.getTopic(spec.name);
      if (!raced) throw err;
      return { outcome: 'adopted', resource: await this.adoptTopic(link, spec, raced) };
    }
  }

  private async adoptTopic(link: string, spec: TopicSpec, existing: Topic): Promise<Topic> {
    const differences: string[] = [];
    if (existing.partitions !== spec.partitions) differences.push(`${existing.partitions} partitions (requested ${spec.partitions})`);
    if (existing.replicationFactor !== spec.replicationFactor) differences.push(`replication factor ${existing.replicationFactor} (requested ${spec.replicationFactor})`);
    const wanted = Object.entries(spec.configs ?? {});
    if (wanted.length > 0) {
      const path = `/v1/topics/${encodeURIComponent(spec.name)}/configurations`;
      const res = await this.call('GET', path);
      const configs = expectObject(res.body, `GET ${path}`).configurations;
      const actual = new Map<string, string | null>();
      for (const c of Array.isArray(configs) ? (configs as unknown[]) : []) {
        const entry = obj(c);
        if (entry && typeof entry.name === 'string') actual.set(entry.name, typeof entry.value === 'string' ? entry.value : null);
      }
      for (const [k, v] of wanted) {
        if (actual.get(k) !== v) differences.push(`${k}=${actual.get(k) ?? '(unset)'} (requested ${v})`);
      }
    }
    if (differences.length > 0) {
      throw new RedpandaConflictError(
        `topic "${spec.name}" already exists with ${differences.join(', ')}; topics carry no owner, so link "${link}" adopts an existing topic only when it matches. ` +
          `Choose another redpanda.topic, request the existing settings, or delete the topic if it is unused`,
        { code: 'ALREADY_EXISTS', reason: 'TOPIC_MISMATCH', request: 'POST /v1/topics' },
      );
    }
    this.o.logger.warn('redpanda topic already existed and matches; adopting it (teardown keeps topics the link did not create)', { link, topic: spec.name });
    return existing;
  }

  async deleteTopic(name: string): Promise<DeleteOutcome> {
    if (!TOPIC_NAME.test(name)) throw invalid(`topic name "${name}" is not valid`);
    try {
      await this.call('DELETE', `/v1/topics/${encodeURIComponent(name)}`);
      this.o.logger.info('redpanda topic deleted', { topic: name });
      return 'deleted';
    } catch (err) {
      if (err instanceof RedpandaNotFoundError) return 'absent';
      throw err;
    }
  }

  // ---------------------------------------------------------------- users

  private checkUserName(link: string, name: string): void {
    if (name !== linkUserName(link)) {
      throw invalid(`user "${name}" is not link "${link}"'s user: users carry no labels, so a link manages only the user named ${linkUserName(link)}`);
    }
  }

  private async userExists(name: string): Promise<User | undefined> {
    const res = await this.call('GET', '/v1/users', { query: [['filter.name', name]] });
    const users = expectObject(res.body, 'GET /v1/users').users;
    for (const u of Array.isArray(users) ? (users as unknown[]) : []) {
      const user = obj(u);
      if (user?.name === name) return { name, mechanism: (str(user.mechanism) || 'SASL_MECHANISM_SCRAM_SHA_256') as SaslMechanism };
    }
    return undefined;
  }

  async ensureUser(link: string, spec: UserSpec): Promise<Ensured<User>> {
    this.checkUserName(link, spec.name);
    if (spec.password.length < 3 || spec.password.length > 128) throw invalid(`user ${spec.name}: the password must be 3-128 characters`);
    const mechanism: SaslMechanism = spec.mechanism ?? 'SASL_MECHANISM_SCRAM_SHA_256';
    const wanted: User = { name: spec.name, mechanism };
    if (await this.userExists(spec.name)) return { outcome: 'updated', resource: await this.setPassword(link, wanted, spec.password) };
    try {
      // Body holds the password: the transport never logs bodies.
      const res = await this.call('POST', '/v1/users', { body: { name: spec.name, password: spec.password, mechanism } });
      const user = parseUser(res.body, 'POST /v1/users', wanted);
      this.o.logger.info('redpanda user created', { link, user: user.name, mechanism: user.mechanism });
      return { outcome: 'created', resource: user };
    } catch (err) {
      if (!(err instanceof RedpandaAlreadyExistsError)) throw err;
      return { outcome: 'updated', resource: await this.setPassword(link, wanted, spec.password) };
    }
  }

  private async setPassword(link: string, user: User, password: string): Promise<User> {
    const path = `/v1/users/${encodeURIComponent(user.name)}`;
    const res = await this.call('PUT', path, { body: { mechanism: user.mechanism, password } });
    const updated = parseUser(res.body, `PUT ${path}`, user);
    this.o.logger.info('redpanda user existed; adopted it and set its password', { link, user: user.name, mechanism: updated.mechanism });
    return updated;
  }

  async deleteUser(link: string, name: string): Promise<DeleteOutcome> {
    this.checkUserName(link, name);
    try {
      await this.call('DELETE', `/v1/users/${encodeURIComponent(name)}`);
      this.o.logger.info('redpanda user deleted', { link, user: name });
      return 'deleted';
    } catch (err) {
      if (err instanceof RedpandaNotFoundError) return 'absent';
      throw err;
    }
  }

  // ---------------------------------------------------------------- ACLs

  private checkBindings(link: string, bindings: readonly AclBinding[]): void {
    const principal = `User:${linkUserName(link)}`;
    for (const b of bindings) {
      if (b.principal !== principal) throw invalid(`ACL principal "${b.principal}" is not link "${link}"'s user (${principal})`);
      if (b.host.length === 0) throw invalid('ACL host must be named (use "*" for any host)');
      if (b.resourceType === 'RESOURCE_TYPE_CLUSTER' ? b.resourceName !== 'kafka-cluster' : b.resourceName.length === 0) {
        throw invalid(`ACL on ${b.resourceType} needs ${b.resourceType === 'RESOURCE_TYPE_CLUSTER' ? 'resourceName "kafka-cluster"' : 'a resourceName'}`);
      }
    }
  }

  async listAcls(principal: string): Promise<AclBinding[]> {
    const res = await this.call('GET', '/v1/acls', { query: [['filter.principal', principal]] });
    const resources = expectObject(res.body, 'GET /v1/acls').resources;
    const out: AclBinding[] = [];
    for (const r of Array.isArray(resources) ? (resources as unknown[]) : []) {
      const resource = obj(r);
      if (!resource) continue;
      for (const a of Array.isArray(resource.acls) ? (resource.acls as unknown[]) : []) {
        const acl = obj(a);
        if (!acl) continue;
        out.push({
          resourceType: str(resource.resource_type) as AclBinding['resourceType'],
          resourceName: str(resource.resource_name),
          patternType: str(resource.resource_pattern_type) as AclBinding['patternType'],
          principal: str(acl.principal),
          host: str(acl.host),
          operation: str(acl.operation) as AclBinding['operation'],
          permission: str(acl.permission_type) as AclBinding['permission'],
        });
      }
    }
    return out;
  }

  async ensureAcls(link: string, bindings: readonly AclBinding[]): Promise<{ created: number; existing: number }> {
    this.checkBindings(link, bindings);
    const present = new Set((await this.listAcls(`User:${linkUserName(link)}`)).map(aclKey));
    let created = 0;
    let existing = 0;
    for (const b of bindings) {
      if (present.has(aclKey(b))) {
        existing++;
        continue;
      }
      try {
        await this.call('POST', '/v1/acls', {
          body: {
            resource_type: b.resourceType,
            resource_name: b.resourceName,
            resource_pattern_type: b.patternType,
            principal: b.principal,
            host: b.host,
            operation: b.operation,
            permission_type: b.permission,
          },
        });
        present.add(aclKey(b));
        created++;
      } catch (err) {
        if (!(err instanceof RedpandaAlreadyExistsError)) throw err;
        existing++;
      }
    }
    this.o.logger.info('redpanda ACLs ensured', { link, created, existing });
    return { created, existing };
  }

  async deleteAcls(link: string, bindings: readonly AclBinding[]): Promise<{ deleted: number }> {
    this.checkBindings(link, bindings);
    let deleted = 0;
    for (const b of bindings) {
      // Every filter field is named, so the filter matches this one binding and nothing else.
      const res = await this.call('DELETE', '/v1/acls', {
        query: [
          ['filter.resource_type', b.resourceType],
          ['filter.resource_name', b.resourceName],
          ['filter.resource_pattern_type', b.patternType],
          ['filter.principal', b.principal],
          ['filter.host', b.host],
          ['filter.operation', b.operation],
          ['filter.permission_type', b.permission],
        ],
      });
      const matching = expectObject(res.body, 'DELETE /v1/acls').matching_acls;
      for (const m of Array.isArray(matching) ? (matching as unknown[]) : []) {
        const acl = obj(m);
        if (!acl) continue;
        const error = obj(acl.error);
        if (error && (str(error.code) || str(error.message)) && str(error.code) !== 'OK') {
          throw new RedpandaError(`DELETE /v1/acls: deleting ${describeAcl(b)} failed: ${str(error.code)} ${str(error.message)}`, {
            code: str(error.code),
            request: 'DELETE /v1/acls',
          });
        }
        deleted++;
      }
    }
    this.o.logger.info('redpanda ACLs deleted', { link, deleted });
    return { deleted };
  }

  // ---------------------------------------------------------------- secrets

  async getSecret(id: string): Promise<Secret | undefined> {
    const path = `/v1/secrets/${encodeURIComponent(id)}`;
    try {
      return parseSecret((await this.call('GET', path)).body, `GET ${path}`);
    } catch (err) {
      if (err instanceof RedpandaNotFoundError) return undefined;
      throw err;
    }
  }

  async ensureSecret(link: string, spec: SecretSpec): Promise<Ensured<Secret>> {
    if (!SECRET_ID.test(spec.id)) throw invalid(`secret id "${spec.id}" must match ^[A-Z][A-Z0-9_]*$ (at most 255 characters)`);
    if (!LABEL_VALUE.test(link)) throw invalid(`link name "${link}" cannot be a secret label value`);
    const data = Buffer.from(spec.value, 'utf8').toString('base64');
    if (spec.value.length === 0 || Buffer.byteLength(spec.value, 'utf8') > 65_536) throw invalid(`secret ${spec.id}: the value must be 1-65536 bytes`);
    const scopes = [...(spec.scopes ?? ['SCOPE_REDPANDA_CONNECT'])];
    const existing = await this.getSecret(spec.id);
    if (existing) return { outcome: 'updated', resource: await this.updateOwnSecret(link, existing, scopes, data) };
    try {
      const res = await this.call('POST', '/v1/secrets', { body: { id: spec.id, scopes, secret_data: data, labels: ownershipLabels(link) } });
      const secret = parseSecret(res.body, 'POST /v1/secrets');
      this.o.logger.info('redpanda secret created', { link, secretId: secret.id });
      return { outcome: 'created', resource: secret };
    } catch (err) {
      if (!(err instanceof RedpandaAlreadyExistsError)) throw err;
      const raced = await this.getSecret(spec.id);
      if (!raced) throw err;
      return { outcome: 'updated', resource: await this.updateOwnSecret(link, raced, scopes, data) };
    }
  }

  private async updateOwnSecret(link: string, existing: Secret, scopes: SecretScope[], data: string): Promise<Secret> {
    if (!ownedBy(existing.labels, link)) {
      throw new RedpandaConflictError(
        `secret ${existing.id} already exists and belongs to ${describeOwner(existing.labels)}, not link "${link}"; ` +
          `it was left untouched. Delete or rename that secret, or use another link name`,
        { code: 'ALREADY_EXISTS', reason: 'NOT_OWNED_BY_LINK', request: 'POST /v1/secrets' },
      );
    }
    const path = `/v1/secrets/${encodeURIComponent(existing.id)}`;
    // Labels are sent again: an update without them may drop them (docs/reference/redpanda-cloud.md §3.4).
    const res = await this.call('PUT', path, { body: { scopes, secret_data: data, labels: ownershipLabels(link) } });
    const secret = parseSecret(res.body, `PUT ${path}`);
    this.o.logger.info('redpanda secret existed for this link; value updated (takes effect when the pipeline restarts)', { link, secretId: existing.id });
    return { id: secret.id || existing.id, labels: Object.keys(secret.labels).length > 0 ? secret.labels : existing.labels, scopes: secret.scopes };
  }

  async deleteSecret(link: string, id: string): Promise<DeleteOutcome> {
    if (!/^[a-zA-Z0-9/_-]+$/.test(id)) throw invalid(`secret id "${id}" is not valid`);
    const existing = await this.getSecret(id);
    if (!existing) return 'absent';
    if (!ownedBy(existing.labels, link)) {
      throw new RedpandaConflictError(`secret ${id} belongs to ${describeOwner(existing.labels)}, not link "${link}"; refusing to delete it`, {
        code: 'FAILED_PRECONDITION',
        reason: 'NOT_OWNED_BY_LINK',
        request: `DELETE /v1/secrets/${id}`,
      });
    }
    try {
      await this.call('DELETE', `/v1/secrets/${encodeURIComponent(id)}`);
      this.o.logger.info('redpanda secret deleted', { link, secretId: id });
      return 'deleted';
    } catch (err) {
      if (err instanceof RedpandaNotFoundError) return 'absent';
      throw err;
    }
  }

  // ---------------------------------------------------------------- pipelines

  async lintConfig(configYaml: string): Promise<LintHint[]> {
    const res = await this.call('POST', '/v1/redpanda-connect/pipelines:lint-config', { body: { config_yaml: configYaml } });
    const hints = expectObject(res.body, 'POST /v1/redpanda-connect/pipelines:lint-config').lint_hints;
    if (hints !== undefined && hints !== null && !Array.isArray(hints)) {
      throw new RedpandaError('POST /v1/redpanda-connect/pipelines:lint-config: lint_hints is not a list');
    }
    return ((hints as unknown[] | undefined) ?? []).map((h) => {
      const hint = obj(h) ?? {};
      return { line: num(hint.line) ?? 0, column: num(hint.column) ?? 0, hint: str(hint.hint), lintType: str(hint.lint_type) };
    });
  }

  async getPipeline(id: string): Promise<Pipeline> {
    const path = `/v1/redpanda-connect/pipelines/${encodeURIComponent(id)}`;
    return parsePipeline((await this.call('GET', path)).body, `GET ${path}`);
  }

  private async getPipelineOrUndefined(id: string): Promise<Pipeline | undefined> {
    try {
      return await this.getPipeline(id);
    } catch (err) {
      if (err instanceof RedpandaNotFoundError) return undefined;
      throw err;
    }
  }

  async findPipeline(link: string, displayName: string): Promise<Pipeline | undefined> {
    const matches: Pipeline[] = [];
    let pageToken = '';
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw new RedpandaError(`GET /v1/redpanda-connect/pipelines: more than ${MAX_PAGES} pages`);
      const query: [string, string][] = [
        ['filter.name_contains', displayName],
        ['page_size', PAGE_SIZE],
      ];
      if (pageToken) query.push(['page_token', pageToken]);
      const res = await this.call('GET', '/v1/redpanda-connect/pipelines', { query });
      const body = expectObject(res.body, 'GET /v1/redpanda-connect/pipelines');
      for (const p of Array.isArray(body.pipelines) ? (body.pipelines as unknown[]) : []) {
        const pipeline = parsePipeline(p, 'GET /v1/redpanda-connect/pipelines');
        if (pipeline.displayName === displayName) matches.push(pipeline);
      }
      pageToken = str(body.next_page_token);
      if (!pageToken) break;
    }
    const ours = matches.filter((p) => ownedBy(p.tags, link));
    if (ours.length > 1) {
      throw new RedpandaConflictError(
        `${ours.length} pipelines named "${displayName}" carry link "${link}"'s tags (${ours.map((p) => p.id).join(', ')}); delete the extra ones by id`,
        { code: 'ALREADY_EXISTS', reason: 'AMBIGUOUS_PIPELINE' },
      );
    }
    if (ours.length === 1) return ours[0];
    const other = matches[0];
    if (other) {
      throw new RedpandaConflictError(
        `a pipeline named "${displayName}" (id ${other.id}) already exists and belongs to ${describeOwner(other.tags)}, not link "${link}"; ` +
          `it was left untouched. Rename or delete it, or use another link name`,
        { code: 'ALREADY_EXISTS', reason: 'NOT_OWNED_BY_LINK' },
      );
    }
    return undefined;
  }

  private pipelineBody(link: string, spec: PipelineSpec): Record<string, unknown> {
    if (!DISPLAY_NAME.test(spec.displayName)) throw invalid(`pipeline display name "${spec.displayName}" must be 3-128 characters of [A-Za-z0-9-_ /]`);
    if ((spec.description ?? '').length > 256) throw invalid('pipeline description must be at most 256 characters');
    if (spec.configYaml.trim().length === 0) throw invalid('pipeline config_yaml is empty');
    const tags = { ...spec.tags, ...ownershipLabels(link) };
    if (Object.keys(tags).length > 16) throw invalid('a pipeline carries at most 16 tags (2 are the ownership tags)');
    for (const [k, v] of Object.entries(tags)) if (!LABEL_VALUE.test(v)) throw invalid(`pipeline tag ${k} has a value with characters Redpanda refuses`);
    return {
      display_name: spec.displayName,
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      config_yaml: spec.configYaml,
      ...(spec.resources ? { resources: { memory_shares: spec.resources.memoryShares, cpu_shares: spec.resources.cpuShares } } : {}),
      tags,
    };
  }

  async ensurePipeline(link: string, spec: PipelineSpec, options: UpdatePipelineOptions = {}): Promise<Ensured<Pipeline>> {
    const body = this.pipelineBody(link, spec);
    const existing = await this.findPipeline(link, spec.displayName);
    if (existing) {
      if (pipelineMatches(existing, spec, link)) {
        this.o.logger.info('redpanda pipeline already exists for this link; adopted', { link, pipelineId: existing.id, state: existing.state });
        return { outcome: 'adopted', resource: existing };
      }
      return { outcome: 'updated', resource: await this.updatePipeline(link, existing.id, spec, options) };
    }
    // Not retried after an ambiguous failure (the create could have happened): a re-run finds it by name instead.
    const res = await this.call('POST', '/v1/redpanda-connect/pipelines', { body, idempotent: false });
    const created = parsePipeline(res.body, 'POST /v1/redpanda-connect/pipelines');
    this.o.logger.info('redpanda pipeline created', { link, pipelineId: created.id, state: created.state });
    return { outcome: 'created', resource: created };
  }

  async updatePipeline(link: string, id: string, spec: PipelineSpec, options: UpdatePipelineOptions = {}): Promise<Pipeline> {
    const body = this.pipelineBody(link, spec);
    const current = await this.getPipeline(id);
    this.assertOwnPipeline(link, current, 'update');
    const wasRunning = RUNNING_STATES.includes(current.state);
    if (wasRunning) {
      await this.stopPipeline(id);
      await this.waitForPipelineState(id, 'STATE_STOPPED', options.wait);
    }
    const path = `/v1/redpanda-connect/pipelines/${encodeURIComponent(id)}`;
    const updated = parsePipeline((await this.call('PUT', path, { body })).body, `PUT ${path}`);
    this.o.logger.info('redpanda pipeline updated', { link, pipelineId: id, restarted: wasRunning && options.restart !== false });
    if (wasRunning && options.restart !== false) return this.startPipeline(id);
    return updated;
  }

  private assertOwnPipeline(link: string, pipeline: Pipeline, action: string): void {
    if (!ownedBy(pipeline.tags, link)) {
      throw new RedpandaConflictError(
        `pipeline ${pipeline.id} ("${pipeline.displayName}") belongs to ${describeOwner(pipeline.tags)}, not link "${link}"; refusing to ${action} it`,
        { code: 'FAILED_PRECONDITION', reason: 'NOT_OWNED_BY_LINK' },
      );
    }
  }

  async startPipeline(id: string): Promise<Pipeline> {
    const current = await this.getPipeline(id);
    if (RUNNING_STATES.includes(current.state)) return current;
    const path = `/v1/redpanda-connect/pipelines/${encodeURIComponent(id)}/start`;
    const started = parsePipeline((await this.call('PUT', path)).body, `PUT ${path}`);
    this.o.logger.info('redpanda pipeline start requested', { pipelineId: id, state: started.state });
    return started;
  }

  async stopPipeline(id: string): Promise<Pipeline> {
    const current = await this.getPipeline(id);
    if (STOPPED_STATES.includes(current.state)) return current;
    const path = `/v1/redpanda-connect/pipelines/${encodeURIComponent(id)}/stop`;
    const stopped = parsePipeline((await this.call('PUT', path)).body, `PUT ${path}`);
    this.o.logger.info('redpanda pipeline stop requested', { pipelineId: id, state: stopped.state });
    return stopped;
  }

  async deletePipeline(link: string, id: string, wait?: WaitOptions): Promise<DeleteOutcome> {
    const current = await this.getPipelineOrUndefined(id);
    if (!current) return 'absent';
    this.assertOwnPipeline(link, current, 'delete');
    if (RUNNING_STATES.includes(current.state) || current.state === 'STATE_STOPPING') {
      try {
        await this.stopPipeline(id);
        await this.waitForPipelineState(id, 'STATE_STOPPED', wait);
      } catch (err) {
        if (err instanceof RedpandaNotFoundError) return 'absent';
        if (!(err instanceof PipelineWaitTimeoutError || err instanceof PipelineErrorStateError)) throw err;
        this.o.logger.warn('redpanda pipeline did not stop cleanly; deleting it anyway', { link, pipelineId: id, error: err.message });
      }
    }
    try {
      await this.call('DELETE', `/v1/redpanda-connect/pipelines/${encodeURIComponent(id)}`);
      this.o.logger.info('redpanda pipeline deleted', { link, pipelineId: id });
      return 'deleted';
    } catch (err) {
      if (err instanceof RedpandaNotFoundError) return 'absent';
      throw err;
    }
  }

  async waitForPipelineState(id: string, target: PipelineState, options: WaitOptions = {}): Promise<Pipeline> {
    const timeoutMs = options.timeoutMs ?? this.o.wait?.timeoutMs ?? 120_000;
    const maxDelayMs = options.maxDelayMs ?? this.o.wait?.maxDelayMs ?? 15_000;
    let delay = options.initialDelayMs ?? this.o.wait?.initialDelayMs ?? 1_000;
    const started = this.o.now();
    const deadline = started + timeoutMs;
    let last = 'STATE_UNSPECIFIED';
    for (let polls = 1; ; polls++) {
      const pipeline = await this.getPipeline(id);
      last = pipeline.state;
      if (pipeline.state === target) {
        this.o.logger.info('redpanda pipeline reached state', { pipelineId: id, state: target, polls, waitedMs: this.o.now() - started });
        return pipeline;
      }
      if (pipeline.state === 'STATE_ERROR') throw new PipelineErrorStateError(id, pipeline.statusError);
      const remaining = deadline - this.o.now();
      if (remaining <= 0) throw new PipelineWaitTimeoutError(id, target, last, this.o.now() - started);
      // Jittered exponential backoff (delay/2 + rand * delay/2), never past the deadline.
      const jittered = Math.floor(delay / 2 + this.o.random() * (delay / 2));
      await this.o.sleep(Math.min(jittered, remaining));
      delay = Math.min(maxDelayMs, delay * 2);
    }
  }
}

function aclKey(b: AclBinding): string {
  return [b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permission].join('|');
}
function describeAcl(b: AclBinding): string {
  return `${b.permission} ${b.operation} on ${b.resourceType} ${b.resourceName} (${b.patternType}) for ${b.principal}@${b.host}`;
}

/** Whether the live pipeline already is what the spec asks for (resources are canonicalized by the API: not compared). */
function pipelineMatches(p: Pipeline, spec: PipelineSpec, link: string): boolean {
  if (p.configYaml !== spec.configYaml) return false;
  if ((spec.description ?? '') !== p.description) return false;
  const tags = { ...spec.tags, ...ownershipLabels(link) };
  return Object.entries(tags).every(([k, v]) => p.tags[k] === v);
}
