// The Redpanda Cloud adapter against the local Redpanda Cloud over real HTTP on loopback.
// The last two tests are the contract test (every request the client sent validates against the spec)
// and the secret-hygiene check (no log line holds a password, client secret, secret value or token).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import {
  PipelineErrorStateError,
  PipelineWaitTimeoutError,
  RedpandaAuthError,
  RedpandaClusterNotUsableError,
  RedpandaConflictError,
  RedpandaNotFoundError,
  RedpandaQuotaExceededError,
  RedpandaThrottledError,
  RedpandaTransientError,
  RedpandaValidationError,
  createRedpandaCloud,
  resetTokenCache,
  sharedTokenKey,
  type RedpandaCloudClientOptions,
} from '../../lambdas/adapters/redpanda/index.js';
import type { AclBinding, RedpandaCloud, RedpandaDataPlane, RedpandaLogger, SharedApiToken, SharedTokenStore } from '../../lambdas/ports/redpanda.js';
import { type LocalRedpandaCloud, startLocalRedpandaCloud } from '../../local/redpanda-cloud/index.js';

const LINK = 'orders';
const USER = 'rpcn-aurora-orders';
const PRINCIPAL = `User:${USER}`;
const CLUSTER = 'd1localrpcnaurora000';
const PASSWORDS = ['pw-first-5f2c9a', 'pw-second-77b1e0', 'pw-third-c0ffee'];
const SECRET_VALUES = ['sasl-secret-value-9d3e', 'sasl-secret-value-rotated-41aa'];
const CONFIG = 'input:\n  generate:\n    mapping: \'root = {"id": 1}\'\n    interval: 1s\noutput:\n  drop: {}\n';

const logLines: string[] = [];
function capture(source: string): RedpandaLogger {
  const write = (level: string) => (message: string, attrs?: Record<string, unknown>) => {
    logLines.push(`${source} ${level} ${message} ${attrs ? JSON.stringify(attrs) : ''}`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

let srv: LocalRedpandaCloud;
const sleeps: number[] = [];
/** Real but short sleeps (the server's clocks are real); the requested durations are recorded. */
const fastSleep = (ms: number) => {
  sleeps.push(ms);
  return new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 40)));
};

function client(overrides: Partial<RedpandaCloudClientOptions> = {}): RedpandaCloud {
  return createRedpandaCloud({
    credentials: { clientId: srv.clientId, clientSecret: srv.clientSecret },
    authUrl: srv.authUrl,
    controlPlaneUrl: srv.url,
    logger: capture('client'),
    timeoutMs: 2000,
    retry: { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 10, maxServerWaitMs: 2000 },
    wait: { initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 3000 },
    sleep: fastSleep,
    ...overrides,
  });
}
function dp(rp: RedpandaCloud = client()): RedpandaDataPlane {
  return rp.dataPlane(srv.dataplaneUrl());
}
let mark = 0;
/** Requests received since the current test began (srv.requests keeps all of them for the contract test). */
function recent() {
  return srv.requests.slice(mark);
}
function ops(operationId: string): number {
  return recent().filter((r) => r.operationId === operationId).length;
}

const topicAcl: AclBinding = {
  resourceType: 'RESOURCE_TYPE_TOPIC',
  resourceName: 'orders.cdc',
  patternType: 'RESOURCE_PATTERN_TYPE_LITERAL',
  principal: PRINCIPAL,
  host: '*',
  operation: 'OPERATION_WRITE',
  permission: 'PERMISSION_TYPE_ALLOW',
};
const clusterAcl: AclBinding = { ...topicAcl, resourceType: 'RESOURCE_TYPE_CLUSTER', resourceName: 'kafka-cluster', operation: 'OPERATION_DESCRIBE' };

beforeAll(async () => {
  srv = await startLocalRedpandaCloud({
    timeScale: 0.1,
    logger: capture('server'),
    clusters: [
      { id: CLUSTER },
      { id: 'dedicated0000000001', type: 'TYPE_DEDICATED' },
      { id: 'gcp00000000000000001', cloud_provider: 'CLOUD_PROVIDER_GCP' },
      { id: 'creating00000000001', state: 'STATE_CREATING' },
      { id: 'private0unreachable', api_gateway_access: 'NETWORK_ACCESS_MODE_PRIVATE', dataplane_url_override: 'http://127.0.0.1:1' },
      { id: 'private00reachable1', api_gateway_access: 'NETWORK_ACCESS_MODE_PRIVATE' },
    ],
  });
});
afterAll(async () => {
  await srv.stop();
});
beforeEach(() => {
  resetTokenCache();
  srv.faults.clear();
  srv.state.clear();
  srv.pipelineOutcome = () => undefined;
  srv.tokenQuotaRemaining = 1000;
  sleeps.length = 0;
  mark = srv.requests.length;
});

describe('full scenario over every operation', () => {
  test('provision, re-run (adopt), and tear down a link', async () => {
    const rp = client();
    const cluster = await rp.getCluster(CLUSTER);
    expect(cluster).toMatchObject({ id: CLUSTER, type: 'TYPE_BYOC', cloudProvider: 'CLOUD_PROVIDER_AWS', state: 'STATE_READY', region: 'us-east-2', natGateways: ['203.0.113.10'] });
    expect(cluster.dataplaneApiUrl).toBe(srv.dataplaneUrl());
    const d = rp.dataPlane(cluster.dataplaneApiUrl);

    for (const outcome of ['created', 'adopted'] as const) {
      expect((await d.ensureTopic(LINK, { name: 'orders.cdc', partitions: 3, replicationFactor: 3, configs: { 'cleanup.policy': 'delete' } })).outcome).toBe(outcome);
    }
    expect(srv.state.topics.get('orders.cdc')).toMatchObject({ partitionCount: 3, replicationFactor: 3, configs: { 'cleanup.policy': 'delete' } });
    expect(await d.getTopic('orders.cdc')).toEqual({ name: 'orders.cdc', partitions: 3, replicationFactor: 3 });
    expect(await d.getTopic('orders')).toBeUndefined();

    expect((await d.ensureUser(LINK, { name: USER, password: PASSWORDS[0]! })).outcome).toBe('created');
    expect(srv.state.users.get(USER)).toEqual({ name: USER, password: PASSWORDS[0], mechanism: 'SASL_MECHANISM_SCRAM_SHA_256' });
    expect((await d.ensureUser(LINK, { name: USER, password: PASSWORDS[1]! })).outcome).toBe('updated');
    expect(srv.state.users.get(USER)?.password).toBe(PASSWORDS[1]);

    expect(await d.ensureAcls(LINK, [topicAcl, clusterAcl])).toEqual({ created: 2, existing: 0 });
    expect(await d.ensureAcls(LINK, [topicAcl, clusterAcl])).toEqual({ created: 0, existing: 2 });
    expect(await d.listAcls(PRINCIPAL)).toHaveLength(2);

    const secret = await d.ensureSecret(LINK, { id: 'RPCN_AURORA_ORDERS_SASL_PASSWORD', value: SECRET_VALUES[0]! });
    expect(secret).toEqual({
      outcome: 'created',
      resource: { id: 'RPCN_AURORA_ORDERS_SASL_PASSWORD', labels: { 'managed-by': 'rpcn-aurora', 'rpcn-aurora-link': LINK }, scopes: ['SCOPE_REDPANDA_CONNECT'] },
    });
    expect(srv.state.secrets.get('RPCN_AURORA_ORDERS_SASL_PASSWORD')).toMatchObject({ value: SECRET_VALUES[0], secretData: Buffer.from(SECRET_VALUES[0]!).toString('base64') });
    expect((await d.ensureSecret(LINK, { id: 'RPCN_AURORA_ORDERS_SASL_PASSWORD', value: SECRET_VALUES[1]! })).outcome).toBe('updated');
    expect(srv.state.secrets.get('RPCN_AURORA_ORDERS_SASL_PASSWORD')?.value).toBe(SECRET_VALUES[1]);
    // The update resends the ownership labels: without them the secret would lose its owner.
    expect(srv.state.secrets.get('RPCN_AURORA_ORDERS_SASL_PASSWORD')?.labels).toEqual({ 'managed-by': 'rpcn-aurora', 'rpcn-aurora-link': LINK });
    expect((await d.ensureSecret(LINK, { id: 'RPCN_AURORA_ORDERS_SASL_PASSWORD', value: SECRET_VALUES[0]! })).outcome).toBe('updated');

    expect(await d.lintConfig(CONFIG)).toEqual([]);
    const created = await d.ensurePipeline(LINK, { displayName: 'rpcn-aurora-orders', description: 'CDC orders', configYaml: CONFIG, resources: { memoryShares: '400M', cpuShares: '100m' } });
    expect(created.outcome).toBe('created');
    expect(created.resource.tags).toEqual({ 'managed-by': 'rpcn-aurora', 'rpcn-aurora-link': LINK });
    const running = await d.waitForPipelineState(created.resource.id, 'STATE_RUNNING');
    expect(running.state).toBe('STATE_RUNNING');
    expect((await d.ensurePipeline(LINK, { displayName: 'rpcn-aurora-orders', description: 'CDC orders', configYaml: CONFIG })).outcome).toBe('adopted');
    expect(await d.findPipeline(LINK, 'rpcn-aurora-orders')).toMatchObject({ id: created.resource.id });

    // A changed config is applied with stop first (the local server refuses to update a running pipeline).
    const before = srv.requests.length;
    const updated = await d.ensurePipeline(LINK, { displayName: 'rpcn-aurora-orders', description: 'CDC orders v2', configYaml: `${CONFIG}# v2\n` });
    expect(updated.outcome).toBe('updated');
    const sequence = srv.requests.slice(before).map((r) => r.operationId).filter((o) => o && /Stop|Update|Start/.test(o));
    expect(sequence).toEqual(['PipelineService_StopPipeline', 'PipelineService_UpdatePipeline', 'PipelineService_StartPipeline']);
    await d.waitForPipelineState(created.resource.id, 'STATE_RUNNING');
    expect(srv.state.pipelines.get(created.resource.id)).toMatchObject({ description: 'CDC orders v2', config_yaml: `${CONFIG}# v2\n`, state: 'STATE_RUNNING' });

    await d.stopPipeline(created.resource.id);
    expect((await d.waitForPipelineState(created.resource.id, 'STATE_STOPPED')).state).toBe('STATE_STOPPED');
    const direct = await d.updatePipeline(LINK, created.resource.id, { displayName: 'rpcn-aurora-orders', configYaml: CONFIG });
    expect(direct.state).toBe('STATE_STOPPED');
    expect((await d.startPipeline(created.resource.id)).state).toBe('STATE_STARTING');
    await d.waitForPipelineState(created.resource.id, 'STATE_RUNNING');
    expect((await d.getPipeline(created.resource.id)).configYaml).toBe(CONFIG);

    // Teardown: each delete once for real, then again as "already gone".
    expect(await d.deletePipeline(LINK, created.resource.id)).toBe('deleted');
    expect(await d.deletePipeline(LINK, created.resource.id)).toBe('absent');
    expect(await d.deleteSecret(LINK, 'RPCN_AURORA_ORDERS_SASL_PASSWORD')).toBe('deleted');
    expect(await d.deleteSecret(LINK, 'RPCN_AURORA_ORDERS_SASL_PASSWORD')).toBe('absent');
    expect(await d.deleteAcls(LINK, [topicAcl, clusterAcl])).toEqual({ deleted: 2 });
    expect(await d.deleteAcls(LINK, [topicAcl, clusterAcl])).toEqual({ deleted: 0 });
    expect(await d.deleteUser(LINK, USER)).toBe('deleted');
    expect(await d.deleteUser(LINK, USER)).toBe('absent');
    expect(await d.deleteTopic('orders.cdc')).toBe('deleted');
    expect(await d.deleteTopic('orders.cdc')).toBe('absent');
    expect(srv.state.snapshot()).toEqual({ topics: [], users: [], acls: [], secrets: [], pipelines: [] });
    // One token for the whole scenario.
    expect(srv.tokensIssued()).toBeGreaterThan(0);
    expect(recent().filter((r) => r.listener === 'auth')).toHaveLength(1);
  });
});

describe('control plane', () => {
  test.each([
    ['gcp00000000000000001', /CLOUD_PROVIDER_GCP, not CLOUD_PROVIDER_AWS/],
    ['creating00000000001', /STATE_CREATING, not STATE_READY/],
    ['private0unreachable', /private .* not reachable/],
  ])('refuses cluster %s clearly', async (id, message) => {
    const err = await client({ probeTimeoutMs: 500 }).getCluster(id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedpandaClusterNotUsableError);
    expect((err as Error).name).toBe('RedpandaClusterNotUsableError');
    expect((err as Error).message).toMatch(message);
  });

  test('accepts a Dedicated cluster (an access-key link works there; pipeline-role is refused per mode in ValidateRequest)', async () => {
    expect((await client().getCluster('dedicated0000000001')).type).toBe('TYPE_DEDICATED');
  });

  test('accepts a private data plane that answers, and describeCluster skips the checks', async () => {
    const rp = client();
    expect((await rp.getCluster('private00reachable1')).apiGatewayAccess).toBe('NETWORK_ACCESS_MODE_PRIVATE');
    expect((await rp.describeCluster('creating00000000001')).state).toBe('STATE_CREATING');
  });

  test('an unknown cluster is RedpandaNotFoundError', async () => {
    const err = await client().getCluster('nosuchcluster0000000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedpandaNotFoundError);
    expect(err).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  test('the egress allowlist: PATCH with the update mask, the operation until it completes, the network CIDR', async () => {
    const rp = client();
    const before = await rp.describeCluster(CLUSTER);
    expect(before).toMatchObject({ allowedDestinationCidrPorts: [], networkId: `net-${CLUSTER}` });
    const entries = [{ cidr: '10.80.0.0/16', portStart: 5432, portEnd: 0 }];
    let op = await rp.updateAllowedDestinations(CLUSTER, entries);
    expect(op.state).toBe('STATE_IN_PROGRESS');
    for (let i = 0; i < 50 && op.state === 'STATE_IN_PROGRESS'; i++) op = await fastSleep(10).then(() => rp.getOperation(op.id));
    expect(op).toEqual({ id: expect.any(String), state: 'STATE_COMPLETED' });
    expect((await rp.describeCluster(CLUSTER)).allowedDestinationCidrPorts).toEqual(entries);
    expect(await rp.getNetworkCidr(before.networkId!)).toBe('10.100.0.0/16');
    const full = Array.from({ length: 17 }, (_, i) => ({ cidr: `10.${i}.0.0/16`, portStart: 5432, portEnd: 0 }));
    await expect(rp.updateAllowedDestinations(CLUSTER, full)).rejects.toBeInstanceOf(RedpandaValidationError);
    op = await rp.updateAllowedDestinations(CLUSTER, []);
    for (let i = 0; i < 50 && op.state === 'STATE_IN_PROGRESS'; i++) op = await fastSleep(10).then(() => rp.getOperation(op.id));
    expect((await rp.describeCluster(CLUSTER)).allowedDestinationCidrPorts).toEqual([]);
  });
});

describe('authentication', () => {
  test('one token request serves many calls of a client (a warm Lambda)', async () => {
    const rp = client();
    const d1 = dp(rp);
    for (let i = 0; i < 5; i++) await d1.getTopic(`t${i}`);
    await rp.getCluster(CLUSTER);
    await dp(rp).getTopic('x');
    expect(recent().filter((r) => r.listener === 'auth' && r.status === 200)).toHaveLength(1);
  });

  /** A store like the token secret: holds one entry, counts reads and writes. */
  function memoryStore(initial?: SharedApiToken): SharedTokenStore & { entry: SharedApiToken | undefined; reads: number; writes: number } {
    return {
      entry: initial,
      reads: 0,
      writes: 0,
      async read() {
        this.reads++;
        return this.entry;
      },
      async write(token) {
        this.writes++;
        this.entry = token;
      },
    };
  }
  const mints = () => recent().filter((r) => r.listener === 'auth').length;
  const key = () => sharedTokenKey(srv.authUrl, 'cloudv2-production.redpanda.cloud', srv.clientId);

  test('clients sharing the store (the steps of an execution) mint one token between them', async () => {
    const store = memoryStore();
    await client({ sharedToken: store }).getCluster(CLUSTER);
    await dp(client({ sharedToken: store })).getTopic('a');
    await client({ sharedToken: store }).getCluster(CLUSTER);
    expect(mints()).toBe(1);
    expect(store.writes).toBe(1);
    expect(store.entry).toEqual({ key: key(), accessToken: srv.issuedTokens().at(-1), expiresAt: expect.any(Number) });
    expect(store.entry!.key).not.toContain(srv.clientId);
  });

  test('a shared token within 5 minutes of expiry, or for other credentials, is replaced by a new one', async () => {
    await client().getCluster(CLUSTER);
    const valid = srv.issuedTokens().at(-1)!;
    mark = srv.requests.length;
    const expiring = memoryStore({ key: key(), accessToken: valid, expiresAt: Date.now() + 4 * 60_000 });
    await client({ sharedToken: expiring }).getCluster(CLUSTER);
    expect(mints()).toBe(1);
    expect(expiring.entry!.accessToken).not.toBe(valid);
    expect(expiring.entry!.expiresAt).toBeGreaterThan(Date.now() + 3000_000);
    const foreign = memoryStore({ key: sharedTokenKey(srv.authUrl, 'cloudv2-production.redpanda.cloud', 'another-client'), accessToken: valid, expiresAt: Date.now() + 3600_000 });
    await client({ sharedToken: foreign }).getCluster(CLUSTER);
    expect(mints()).toBe(2);
    expect(foreign.entry!.key).toBe(key());
  });

  test('a shared token the API refuses (revoked, expired early) is dropped: one token is minted, stored, and used by the next step', async () => {
    const store = memoryStore();
    await client({ sharedToken: store }).getCluster(CLUSTER);
    const revoked = store.entry!.accessToken;
    srv.expireTokens();
    await dp(client({ sharedToken: store })).getTopic('a');
    expect(recent().filter((r) => r.status === 401)).toHaveLength(1);
    expect(mints()).toBe(2);
    expect(store.entry!.accessToken).not.toBe(revoked);
    await client({ sharedToken: store }).getCluster(CLUSTER);
    expect(mints()).toBe(2);
  });

  test('an unreadable or unwritable store costs a token, not the call; the warning names the error only', async () => {
    const broken: SharedTokenStore = {
      read: async () => {
        throw Object.assign(new Error('User is not authorized to perform: secretsmanager:GetSecretValue'), { name: 'StepAccessDeniedError' });
      },
      write: async () => {
        throw Object.assign(new Error('User is not authorized to perform: secretsmanager:PutSecretValue'), { name: 'StepAccessDeniedError' });
      },
    };
    const before = logLines.length;
    await client({ sharedToken: broken }).getCluster(CLUSTER);
    expect(mints()).toBe(1);
    const warnings = logLines.slice(before).filter((l) => l.includes(' warn '));
    expect(warnings).toEqual([expect.stringContaining('shared token store unreadable'), expect.stringContaining('shared token store not writable')]);
    for (const w of warnings) expect(w).toContain('StepAccessDeniedError');
  });

  test('refreshes shortly before expires_in', async () => {
    let skew = 0;
    const rp = client({ now: () => Date.now() + skew });
    await rp.getCluster(CLUSTER);
    skew = 3600_000 - 30_000; // 30 s before expiry: inside the refresh margin
    await rp.getCluster(CLUSTER);
    expect(recent().filter((r) => r.listener === 'auth')).toHaveLength(2);
  });

  test('a token rejected with 401 is replaced once and the call succeeds', async () => {
    const rp = client();
    await rp.getCluster(CLUSTER);
    srv.expireTokens();
    await rp.getCluster(CLUSTER);
    expect(recent().filter((r) => r.listener === 'auth')).toHaveLength(2);
    expect(recent().some((r) => r.status === 401)).toBe(true);
  });

  test('wrong credentials are RedpandaAuthError, not retried', async () => {
    const err = await client({ credentials: { clientId: srv.clientId, clientSecret: 'wrong-secret-value' } }).getCluster(CLUSTER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedpandaAuthError);
    expect(err).toMatchObject({ status: 401, code: 'access_denied' });
    expect((err as Error).message).not.toContain('wrong-secret-value');
    expect(recent().filter((r) => r.listener === 'auth')).toHaveLength(1);
  });

  test('quota exhaustion is RedpandaQuotaExceededError with resetAt, and no further token request until then', async () => {
    srv.tokenQuotaRemaining = 0;
    const rp = client();
    const err = await rp.getCluster(CLUSTER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedpandaQuotaExceededError);
    const quota = err as RedpandaQuotaExceededError;
    expect(quota.status).toBe(429);
    expect(quota.resetAt!.getTime()).toBeGreaterThan(Date.now() + 86_000_000);
    expect(quota.message).toContain('Organization quota exceeded');
    const again = await client().getCluster(CLUSTER).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(RedpandaQuotaExceededError);
    expect(recent().filter((r) => r.listener === 'auth')).toHaveLength(1);
  });

  test('a transient 429/503 from the token endpoint is retried with backoff', async () => {
    srv.faults.failNext(1, { operation: 'OAuth_Token', status: 503 }).failNext(1, { operation: 'OAuth_Token', status: 429, body: { error: 'too_many_requests', error_description: 'slow down' } });
    await client().getCluster(CLUSTER);
    expect(recent().filter((r) => r.listener === 'auth').map((r) => r.status)).toEqual([503, 429, 200]);
    expect(sleeps.length).toBeGreaterThanOrEqual(2);
  });
});

describe('retries, throttling and timeouts', () => {
  test('retries 503 and 429 then succeeds', async () => {
    const d = dp();
    srv.faults.failNext(1, { operation: 'TopicService_ListTopics', status: 503 }).failNext(1, { operation: 'TopicService_ListTopics', status: 429 });
    expect(await d.getTopic('a')).toBeUndefined();
    expect(ops('TopicService_ListTopics')).toBe(3);
  });

  test('gives up after maxAttempts with RedpandaTransientError (5xx) or RedpandaThrottledError (429)', async () => {
    const d = dp();
    srv.faults.set('TopicService_ListTopics', { status: 503 });
    const transient = await d.getTopic('a').catch((e: unknown) => e);
    expect(transient).toBeInstanceOf(RedpandaTransientError);
    expect(transient).toMatchObject({ status: 503, code: 'UNAVAILABLE', retryable: true, name: 'RedpandaTransientError' });
    expect(ops('TopicService_ListTopics')).toBe(3);
    srv.faults.set('TopicService_ListTopics', { status: 429 });
    const throttled = await d.getTopic('a').catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(RedpandaThrottledError);
    expect(throttled).toMatchObject({ status: 429, code: 'RESOURCE_EXHAUSTED', reason: 'REASON_RATE_LIMIT_EXCEEDED' });
  });

  test('honours the ratelimit header: waits reset seconds, or throws at once when the wait is too long', async () => {
    const d = dp();
    srv.faults.failNext(1, { operation: 'TopicService_ListTopics', status: 429, headers: { ratelimit: 'limit=100, remaining=0, reset=1' } });
    await d.getTopic('a');
    expect(sleeps).toContain(1000);
    srv.faults.failNext(1, { operation: 'TopicService_ListTopics', status: 429, headers: { ratelimit: 'limit=100, remaining=0, reset=60' } });
    const err = await d.getTopic('a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedpandaThrottledError);
    expect((err as RedpandaThrottledError).retryAfterSeconds).toBe(60);
  });

  test('a successful answer with remaining=0 delays the next request until reset', async () => {
    const d = dp();
    srv.faults.set('TopicService_ListTopics', { status: 200, body: { topics: [], next_page_token: '' }, headers: { ratelimit: 'limit=5, remaining=0, reset=1' }, times: 1 });
    await d.getTopic('a');
    sleeps.length = 0;
    await d.getTopic('b');
    expect(sleeps.some((ms) => ms > 1000 && ms <= 2000)).toBe(true);
  });

  test('a request that exceeds the timeout is aborted and retried; persistent timeouts are RedpandaTransientError', async () => {
    const d = dp(client({ timeoutMs: 100 }));
    srv.faults.set('TopicService_ListTopics', { latencyMs: 300, times: 1 });
    expect(await d.getTopic('a')).toBeUndefined();
    expect(logLines.some((l) => l.includes('timed out after 100 ms'))).toBe(true);
    srv.faults.set('TopicService_ListTopics', { latencyMs: 300 });
    const err = await d.getTopic('a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedpandaTransientError);
    expect(err).toMatchObject({ reason: 'CLIENT_TIMEOUT', code: 'DEADLINE_EXCEEDED' });
  });

  test('a pipeline create is not blindly retried after a 5xx (it may have happened); the re-run converges', async () => {
    const d = dp();
    srv.faults.failNext(1, { operation: 'PipelineService_CreatePipeline', status: 503 });
    await expect(d.ensurePipeline(LINK, { displayName: 'rpcn-aurora-orders', configYaml: CONFIG })).rejects.toBeInstanceOf(RedpandaTransientError);
    expect(ops('PipelineService_CreatePipeline')).toBe(1);
    expect((await d.ensurePipeline(LINK, { displayName: 'rpcn-aurora-orders', configYaml: CONFIG })).outcome).toBe('created');
    expect(srv.state.pipelines.size).toBe(1);
  });
});

describe('get-or-create ownership', () => {
  test('a 409 on create is adoption, not an error (topic and user created concurrently)', async () => {
    const d = dp();
    srv.state.topics.set('orders.cdc', { name: 'orders.cdc', partitionCount: 3, replicationFactor: 3, configs: {} });
    srv.state.users.set(USER, { name: USER, password: 'someone-elses', mechanism: 'SASL_MECHANISM_SCRAM_SHA_256' });
    // The lookups miss once (as if the resource appeared between lookup and create).
    srv.faults.set('TopicService_ListTopics', { status: 200, body: { topics: [], next_page_token: '' }, times: 1 });
    srv.faults.set('UserService_ListUsers', { status: 200, body: { users: [], next_page_token: '' }, times: 1 });
    expect((await d.ensureTopic(LINK, { name: 'orders.cdc', partitions: 3, replicationFactor: 3 })).outcome).toBe('adopted');
    expect((await d.ensureUser(LINK, { name: USER, password: PASSWORDS[2]! })).outcome).toBe('updated');
    expect(recent().filter((r) => r.status === 409).map((r) => r.operationId)).toEqual(['TopicService_CreateTopic', 'UserService_CreateUser']);
    expect(srv.state.users.get(USER)?.password).toBe(PASSWORDS[2]);
  });

  test('an existing topic that differs is a RedpandaConflictError saying what exists', async () => {
    const d = dp();
    srv.state.topics.set('orders.cdc', { name: 'orders.cdc', partitionCount: 6, replicationFactor: 3, configs: { 'cleanup.policy': 'compact' } });
    const err = await d.ensureTopic(LINK, { name: 'orders.cdc', partitions: 3, replicationFactor: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedpandaConflictError);
    expect((err as Error).message).toMatch(/already exists with 6 partitions \(requested 3\)/);
    const cfg = await d.ensureTopic(LINK, { name: 'orders.cdc', partitions: 6, replicationFactor: 3, configs: { 'cleanup.policy': 'delete' } }).catch((e: unknown) => e);
    expect((cfg as Error).message).toMatch(/cleanup.policy=compact \(requested delete\)/);
    expect(srv.state.topics.get('orders.cdc')?.partitionCount).toBe(6);
  });

  test("a secret that is not the link's is a conflict on ensure and on delete, and is left untouched", async () => {
    const d = dp();
    srv.state.secrets.set('RPCN_AURORA_ORDERS_SASL_PASSWORD', { id: 'RPCN_AURORA_ORDERS_SASL_PASSWORD', labels: {}, scopes: ['SCOPE_REDPANDA_CONNECT'], secretData: 'b3RoZXI=', value: 'other' });
    srv.state.secrets.set('RPCN_AURORA_X_RDS_CA', { id: 'RPCN_AURORA_X_RDS_CA', labels: { 'managed-by': 'rpcn-aurora', 'rpcn-aurora-link': 'x' }, scopes: ['SCOPE_REDPANDA_CONNECT'], secretData: 'eA==', value: 'x' });
    const e1 = await d.ensureSecret(LINK, { id: 'RPCN_AURORA_ORDERS_SASL_PASSWORD', value: SECRET_VALUES[0]! }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(RedpandaConflictError);
    expect((e1 as Error).message).toMatch(/belongs to someone else/);
    const e2 = await d.deleteSecret(LINK, 'RPCN_AURORA_X_RDS_CA').catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(RedpandaConflictError);
    expect((e2 as Error).message).toMatch(/link "x"/);
    expect(srv.state.secrets.get('RPCN_AURORA_ORDERS_SASL_PASSWORD')?.value).toBe('other');
    expect(srv.state.secrets.has('RPCN_AURORA_X_RDS_CA')).toBe(true);
  });

  test("a pipeline with the link's name but another owner is a conflict; it is neither updated nor deleted", async () => {
    const d = dp();
    srv.state.pipelines.set('foreign0000000000001', {
      id: 'foreign0000000000001',
      display_name: 'rpcn-aurora-orders',
      description: '',
      config_yaml: CONFIG,
      tags: { team: 'data' },
      state: 'STATE_RUNNING',
      status: { error: '' },
      url: '',
    });
    await expect(d.ensurePipeline(LINK, { displayName: 'rpcn-aurora-orders', configYaml: CONFIG })).rejects.toBeInstanceOf(RedpandaConflictError);
    await expect(d.deletePipeline(LINK, 'foreign0000000000001')).rejects.toThrow(/refusing to delete/);
    await expect(d.updatePipeline(LINK, 'foreign0000000000001', { displayName: 'rpcn-aurora-orders', configYaml: CONFIG })).rejects.toBeInstanceOf(RedpandaConflictError);
    expect(srv.state.pipelines.get('foreign0000000000001')?.state).toBe('STATE_RUNNING');
    expect(ops('PipelineService_CreatePipeline') + ops('PipelineService_UpdatePipeline') + ops('PipelineService_DeletePipeline')).toBe(0);
  });

  test("users and ACLs outside the link's name are refused before any request", async () => {
    const d = dp();
    const before = srv.requests.length;
    await expect(d.ensureUser(LINK, { name: 'admin', password: 'whatever' })).rejects.toBeInstanceOf(RedpandaValidationError);
    await expect(d.deleteUser(LINK, 'admin')).rejects.toBeInstanceOf(RedpandaValidationError);
    await expect(d.ensureAcls(LINK, [{ ...topicAcl, principal: 'User:admin' }])).rejects.toBeInstanceOf(RedpandaValidationError);
    await expect(d.ensureSecret(LINK, { id: 'lower_case', value: 'v' })).rejects.toBeInstanceOf(RedpandaValidationError);
    expect(srv.requests.length).toBe(before);
  });

  test('deleteAcls removes only the named bindings, naming every filter field', async () => {
    const d = dp();
    await d.ensureAcls(LINK, [topicAcl]);
    const readAcl = { ...topicAcl, operation: 'OPERATION_READ' as const };
    await d.ensureAcls(LINK, [readAcl]);
    srv.state.acls.push({ ...srvAcl(topicAcl), principal: 'User:someone-else' });
    srv.state.acls.push({ ...srvAcl(topicAcl), resource_pattern_type: 'RESOURCE_PATTERN_TYPE_PREFIXED', resource_name: 'orders' });
    expect(await d.deleteAcls(LINK, [topicAcl])).toEqual({ deleted: 1 });
    expect(srv.state.acls).toHaveLength(3);
    const del = recent().filter((r) => r.operationId === 'ACLService_DeleteACLs').at(-1)!;
    const names = [...new URLSearchParams(del.query).keys()].sort();
    expect(names).toEqual(['filter.host', 'filter.operation', 'filter.permission_type', 'filter.principal', 'filter.resource_name', 'filter.resource_pattern_type', 'filter.resource_type']);
  });

  test('deletes tolerate 404 from the DELETE itself', async () => {
    const d = dp();
    await d.ensureSecret(LINK, { id: 'RPCN_AURORA_ORDERS_RDS_CA', value: 'pem' });
    srv.faults.failNext(1, { operation: 'SecretService_DeleteSecret', status: 404 });
    expect(await d.deleteSecret(LINK, 'RPCN_AURORA_ORDERS_RDS_CA')).toBe('absent');
    expect(await d.deletePipeline(LINK, 'nosuchpipeline000000')).toBe('absent');
  });
});

describe('pipelines', () => {
  test('lint returns hints with line and column for broken YAML', async () => {
    const hints = await dp().lintConfig('input:\n  generate: [\noutput: {}\n');
    expect(hints.length).toBeGreaterThan(0);
    expect(hints[0]).toMatchObject({ lintType: 'failed_read' });
    expect(hints[0]!.line).toBeGreaterThan(1);
    expect(await dp().lintConfig('output:\n  drop: {}\n')).toEqual([{ line: 1, column: 1, hint: 'field input is required', lintType: 'missing' }]);
  });

  test('creating an invalid config is RedpandaValidationError with the reason', async () => {
    const err = await dp().ensurePipeline(LINK, { displayName: 'rpcn-aurora-orders', configYaml: 'nothing: here\n' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedpandaValidationError);
    expect(err).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT', reason: 'REASON_CONNECT_INVALID_PIPELINE_CONFIGURATION' });
  });

  test('a pipeline that enters STATE_ERROR fails the wait at once with status.error', async () => {
    srv.pipelineOutcome = () => ({ error: 'failed to connect to postgres_cdc: unable to generate IAM auth token' });
    const d = dp();
    const { resource } = await d.ensurePipeline(LINK, { displayName: 'rpcn-aurora-orders', configYaml: CONFIG });
    const started = Date.now();
    const err = await d.waitForPipelineState(resource.id, 'STATE_RUNNING', { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineErrorStateError);
    expect(err).toMatchObject({ name: 'PipelineErrorStateError', pipelineId: resource.id, statusError: expect.stringContaining('IAM auth token') });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a running pipeline that crashes fails a wait for another state', async () => {
    const d = dp();
    const { resource } = await d.ensurePipeline(LINK, { displayName: 'rpcn-aurora-orders', configYaml: CONFIG });
    await d.waitForPipelineState(resource.id, 'STATE_RUNNING');
    srv.failPipeline(resource.id, 'output broker refused SASL');
    await expect(d.waitForPipelineState(resource.id, 'STATE_STOPPED')).rejects.toThrow(/STATE_ERROR: output broker refused SASL/);
  });

  test('a wait that passes its deadline is PipelineWaitTimeoutError with the last state, polling with growing delays', async () => {
    const d = dp();
    const { resource } = await d.ensurePipeline(LINK, { displayName: 'rpcn-aurora-orders', configYaml: CONFIG });
    await d.waitForPipelineState(resource.id, 'STATE_RUNNING');
    sleeps.length = 0;
    const err = await d.waitForPipelineState(resource.id, 'STATE_COMPLETED', { timeoutMs: 150, initialDelayMs: 10, maxDelayMs: 40 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineWaitTimeoutError);
    expect(err).toMatchObject({ target: 'STATE_COMPLETED', lastState: 'STATE_RUNNING' });
    expect(sleeps.length).toBeGreaterThan(2);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(40);
    expect(sleeps[1]!).toBeGreaterThanOrEqual(sleeps[0]!);
  });

  test('a pipeline that does not stop in time is still deleted', async () => {
    const d = dp();
    const { resource } = await d.ensurePipeline(LINK, { displayName: 'rpcn-aurora-orders', configYaml: CONFIG });
    await d.waitForPipelineState(resource.id, 'STATE_RUNNING');
    srv.faults.set('PipelineService_StopPipeline', { status: 200, body: { pipeline: { id: resource.id, display_name: 'rpcn-aurora-orders', config_yaml: CONFIG, state: 'STATE_RUNNING' } } });
    expect(await d.deletePipeline(LINK, resource.id, { timeoutMs: 60, initialDelayMs: 10 })).toBe('deleted');
    expect(logLines.some((l) => l.includes('did not stop cleanly'))).toBe(true);
  });
});

describe('contract and hygiene (run last)', () => {
  test('every request the client sent validated against the OpenAPI specs, and every answer conformed', () => {
    const api = srv.requests.filter((r) => r.listener !== 'auth');
    const invalid = api.filter((r) => r.violations.length > 0);
    expect(invalid).toEqual([]);
    expect(srv.requests.filter((r) => r.listener === 'auth' && r.violations.length > 0)).toEqual([]);
    expect(api.filter((r) => r.responseViolations.length > 0)).toEqual([]);
    const covered = new Set(api.map((r) => r.operationId));
    for (const op of [
      'ClusterService_GetCluster',
      'ClusterService_UpdateCluster',
      'OperationService_GetOperation',
      'NetworkService_GetNetwork',
      'TopicService_ListTopics',
      'TopicService_CreateTopic',
      'TopicService_GetTopicConfigurations',
      'TopicService_DeleteTopic',
      'UserService_ListUsers',
      'UserService_CreateUser',
      'UserService_UpdateUser',
      'UserService_DeleteUser',
      'ACLService_ListACLs',
      'ACLService_CreateACL',
      'ACLService_DeleteACLs',
      'SecretService_GetSecret',
      'SecretService_CreateSecret',
      'SecretService_UpdateSecret',
      'SecretService_DeleteSecret',
      'PipelineService_LintPipelineConfig',
      'PipelineService_ListPipelines',
      'PipelineService_CreatePipeline',
      'PipelineService_GetPipeline',
      'PipelineService_UpdatePipeline',
      'PipelineService_StartPipeline',
      'PipelineService_StopPipeline',
      'PipelineService_DeletePipeline',
    ]) {
      expect([op, covered.has(op)]).toEqual([op, true]);
    }
  });

  test('no log line from client or server holds a password, the client secret, a secret value or a token', () => {
    expect(logLines.length).toBeGreaterThan(100);
    const forbidden = [srv.clientSecret, ...PASSWORDS, ...SECRET_VALUES, Buffer.from(SECRET_VALUES[0]!).toString('base64'), 'wrong-secret-value', ...srv.issuedTokens()];
    expect(srv.issuedTokens().length).toBeGreaterThan(3);
    for (const secret of forbidden) {
      const leaks = logLines.filter((l) => l.includes(secret));
      expect([secret, leaks]).toEqual([secret, []]);
    }
    expect(logLines.filter((l) => /authorization|bearer /i.test(l))).toEqual([]);
  });
});

function srvAcl(b: AclBinding) {
  return {
    resource_type: b.resourceType,
    resource_name: b.resourceName,
    resource_pattern_type: b.patternType,
    principal: b.principal,
    host: b.host,
    operation: b.operation,
    permission_type: b.permission,
  };
}
