// The local Redpanda Cloud server on its own, over raw HTTP: strict spec validation, auth, wire shapes,
// state transitions, lint, fault injection and the token quota.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { type LocalRedpandaCloud, startLocalRedpandaCloud } from '../../local/redpanda-cloud/index.js';

let srv: LocalRedpandaCloud;
let token = '';

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, base = srv.dataplaneUrl()) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}
async function getToken(form: Record<string, string> = {}) {
  return fetch(srv.authUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: srv.clientId, client_secret: srv.clientSecret, audience: srv.audience, ...form }).toString(),
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CONFIG = 'input:\n  generate:\n    mapping: root = "x"\noutput:\n  drop: {}\n';

beforeAll(async () => {
  srv = await startLocalRedpandaCloud({ timeScale: 0.1, tokenQuotaPerDay: 50 });
  token = ((await (await getToken()).json()) as { access_token: string }).access_token;
});
afterAll(async () => {
  await srv.stop();
});
beforeEach(() => {
  srv.faults.clear();
  srv.state.clear();
});

describe('token endpoint', () => {
  test('issues bearer tokens with expires_in and the quota header', async () => {
    const res = await getToken();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ access_token: expect.any(String), expires_in: 3600, token_type: 'Bearer' });
    expect(res.headers.get('auth0-organization-quota-limit')).toMatch(/^b=per_day;q=50;r=\d+;t=\d+$/);
  });

  test('rejects a wrong secret (401), a wrong audience (403) and unknown form fields (400)', async () => {
    expect((await getToken({ client_secret: 'nope' })).status).toBe(401);
    expect((await getToken({ audience: 'cloudv2-staging.redpanda.cloud' })).status).toBe(403);
    expect((await getToken({ scope: 'all' })).status).toBe(400);
  });

  test('answers 429 with the documented body once the daily quota is used up', async () => {
    const saved = srv.tokenQuotaRemaining;
    srv.tokenQuotaRemaining = 0;
    const res = await getToken();
    srv.tokenQuotaRemaining = saved;
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({ error: 'too_many_requests', error_description: 'Organization quota exceeded' });
    expect(res.headers.get('auth0-organization-quota-limit')).toMatch(/;r=0;t=\d+$/);
  });
});

describe('requests are checked against the spec', () => {
  test('no bearer token is 401 with the documented error body', async () => {
    const res = await fetch(`${srv.dataplaneUrl()}/v1/topics`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'Bearer token is not present',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'REASON_NO_TOKEN', domain: 'redpanda.com/dataplane', metadata: {} }],
    });
    expect(res.headers.get('www-authenticate')).toBe('Bearer token is not present');
  });

  test('an unknown body field is 400 here (the real gateway would drop it silently)', async () => {
    const res = await call('POST', '/v1/topics', { name: 'a', partitions: 3 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_ARGUMENT', details: [{ reason: 'REASON_INVALID_INPUT' }, { field_violations: [{ description: 'body: unknown field "partitions"' }] }] });
    expect(srv.state.topics.size).toBe(0);
  });

  test('a bad enum, an unknown query parameter and a missing required filter are 400', async () => {
    const acl = { resource_type: 'RESOURCE_TYPE_TOPICS', resource_name: 't', resource_pattern_type: 'RESOURCE_PATTERN_TYPE_LITERAL', principal: 'User:u', host: '*', operation: 'OPERATION_READ', permission_type: 'PERMISSION_TYPE_ALLOW' };
    expect((await call('POST', '/v1/acls', acl)).status).toBe(400);
    expect((await call('GET', '/v1/topics?filter.name=x')).status).toBe(400);
    const del = await call('DELETE', '/v1/acls?filter.resource_type=RESOURCE_TYPE_TOPIC');
    expect(del.status).toBe(400);
    expect(JSON.stringify(del.body)).toContain('filter.operation is missing');
    const recorded = srv.requests.filter((r) => r.status === 400 && r.listener === 'dataplane');
    expect(recorded.every((r) => r.violations.length > 0)).toBe(true);
  });

  test('semantic rules from the protos: secret ids, base64 data, topic names, ACL ANY on create', async () => {
    expect((await call('POST', '/v1/secrets', { id: 'lower', secret_data: 'eA==', scopes: ['SCOPE_REDPANDA_CONNECT'] })).status).toBe(400);
    expect((await call('POST', '/v1/secrets', { id: 'OK_ID', secret_data: 'not base64!', scopes: ['SCOPE_REDPANDA_CONNECT'] })).status).toBe(400);
    expect((await call('POST', '/v1/secrets', { id: 'OK_ID', secret_data: 'eA==', scopes: [] })).status).toBe(400);
    expect((await call('POST', '/v1/topics', { name: 'bad name!' })).status).toBe(400);
    const any = { resource_type: 'RESOURCE_TYPE_ANY', resource_name: 't', resource_pattern_type: 'RESOURCE_PATTERN_TYPE_LITERAL', principal: 'User:u', host: '*', operation: 'OPERATION_READ', permission_type: 'PERMISSION_TYPE_ALLOW' };
    expect((await call('POST', '/v1/acls', any)).status).toBe(400);
  });
});

describe('wire shapes and state', () => {
  test('users, secrets and pipelines answer wrapped; topics and ACLs unwrapped; state is exposed', async () => {
    const user = await call('POST', '/v1/users', { name: 'u1', password: 'secret-pw', mechanism: 'SASL_MECHANISM_SCRAM_SHA_256' });
    expect(user).toMatchObject({ status: 201, body: { user: { name: 'u1', mechanism: 'SASL_MECHANISM_SCRAM_SHA_256' } } });
    expect(JSON.stringify(user.body)).not.toContain('secret-pw');
    expect(srv.state.users.get('u1')?.password).toBe('secret-pw');
    const secret = await call('POST', '/v1/secrets', { id: 'S1', secret_data: Buffer.from('value-1').toString('base64'), scopes: ['SCOPE_REDPANDA_CONNECT'], labels: { a: 'b' } });
    expect(secret).toEqual(expect.objectContaining({ status: 201, body: { secret: { id: 'S1', labels: { a: 'b' }, scopes: ['SCOPE_REDPANDA_CONNECT'] } } }));
    expect(srv.state.secrets.get('S1')?.value).toBe('value-1');
    expect((await call('POST', '/v1/secrets', { id: 'S1', secret_data: 'eA==', scopes: ['SCOPE_REDPANDA_CONNECT'] })).status).toBe(409);
    expect((await call('PUT', '/v1/secrets/S1', { labels: { a: 'c' } })).status).toBe(400);
    const topic = await call('POST', '/v1/topics', { name: 't1', partition_count: 2, replication_factor: null });
    expect(topic).toMatchObject({ status: 201, body: { topic_name: 't1', partition_count: 2, replication_factor: 3 } });
    expect((await call('POST', '/v1/topics', { name: 't1' })).body).toMatchObject({ code: 'ALREADY_EXISTS' });
    expect((await call('DELETE', '/v1/topics/nope')).body).toMatchObject({ code: 'NOT_FOUND', details: [{ reason: 'REASON_RESOURCE_NOT_FOUND' }] });
    const acl = { resource_type: 'RESOURCE_TYPE_TOPIC', resource_name: 't1', resource_pattern_type: 'RESOURCE_PATTERN_TYPE_LITERAL', principal: 'User:u1', host: '*', operation: 'OPERATION_READ', permission_type: 'PERMISSION_TYPE_ALLOW' };
    expect(await call('POST', '/v1/acls', acl)).toMatchObject({ status: 201, body: {} });
    expect((await call('GET', '/v1/acls?filter.principal=User:u1')).body).toEqual({
      resources: [{ resource_type: 'RESOURCE_TYPE_TOPIC', resource_name: 't1', resource_pattern_type: 'RESOURCE_PATTERN_TYPE_LITERAL', acls: [{ principal: 'User:u1', host: '*', operation: 'OPERATION_READ', permission_type: 'PERMISSION_TYPE_ALLOW' }] }],
    });
    // An under-specified delete filter matches every ACL of the type: this is why the client names every field.
    await call('POST', '/v1/acls', { ...acl, principal: 'User:other' });
    const wide = await call('DELETE', '/v1/acls?filter.resource_type=RESOURCE_TYPE_TOPIC&filter.resource_pattern_type=RESOURCE_PATTERN_TYPE_ANY&filter.operation=OPERATION_ANY&filter.permission_type=PERMISSION_TYPE_ANY');
    expect(wide.body?.matching_acls).toHaveLength(2);
    expect(srv.state.snapshot()).toMatchObject({ topics: [{ name: 't1' }], users: [{ name: 'u1' }], acls: [], secrets: [{ id: 'S1' }] });
    expect(srv.requests.filter((r) => r.responseViolations.length > 0)).toEqual([]);
  });

  test('pipelines go STARTING → RUNNING, stop STOPPING → STOPPED, and can be forced into ERROR', async () => {
    const created = await call('POST', '/v1/redpanda-connect/pipelines', { display_name: 'p-one', config_yaml: CONFIG, tags: { k: 'v' } });
    expect(created.status).toBe(201);
    const id = created.body!.pipeline.id as string;
    expect(id).toMatch(/^[a-v0-9]{20}$/);
    expect(created.body!.pipeline).toMatchObject({ state: 'STATE_STARTING', status: { error: '' }, tags: { k: 'v' } });
    await sleep(60);
    expect((await call('GET', `/v1/redpanda-connect/pipelines/${id}`)).body!.pipeline.state).toBe('STATE_RUNNING');
    expect((await call('PUT', `/v1/redpanda-connect/pipelines/${id}`, { display_name: 'p-one', config_yaml: CONFIG })).body).toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect((await call('PUT', `/v1/redpanda-connect/pipelines/${id}/stop`)).body!.pipeline.state).toBe('STATE_STOPPING');
    await sleep(40);
    expect(srv.state.pipelines.get(id)?.state).toBe('STATE_STOPPED');
    const upd = await call('PUT', `/v1/redpanda-connect/pipelines/${id}?update_mask=description`, { display_name: 'ignored-by-mask', config_yaml: CONFIG, description: 'd2' });
    expect(upd.body!.pipeline).toMatchObject({ display_name: 'p-one', description: 'd2' });
    srv.pipelineOutcome = (p) => (p.id === id ? { error: 'boom' } : undefined);
    await call('PUT', `/v1/redpanda-connect/pipelines/${id}/start`);
    await sleep(60);
    expect((await call('GET', `/v1/redpanda-connect/pipelines/${id}`)).body!.pipeline).toMatchObject({ state: 'STATE_ERROR', status: { error: 'boom' } });
    srv.pipelineOutcome = () => undefined;
    const listed = await call('GET', '/v1/redpanda-connect/pipelines?filter.tags[k]=v');
    expect(listed.body!.pipelines).toHaveLength(1);
    expect((await call('GET', '/v1/redpanda-connect/pipelines?filter.tags[k]=other')).body!.pipelines).toHaveLength(0);
    expect((await call('DELETE', `/v1/redpanda-connect/pipelines/${id}`)).status).toBe(204);
    expect((await call('DELETE', `/v1/redpanda-connect/pipelines/${id}`)).status).toBe(404);
  });

  test('lint-config: clean config, YAML error with line/column, missing output', async () => {
    expect((await call('POST', '/v1/redpanda-connect/pipelines:lint-config', { config_yaml: CONFIG })).body).toEqual({ lint_hints: [] });
    const broken = await call('POST', '/v1/redpanda-connect/pipelines:lint-config', { config_yaml: 'input:\n  generate: [a, b\noutput:\n  drop: {}\n' });
    expect(broken.body!.lint_hints[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number), lint_type: 'failed_read' });
    const noOutput = await call('POST', '/v1/redpanda-connect/pipelines:lint-config', { config_yaml: 'input:\n  generate: {mapping: "root = 1"}\n' });
    expect(noOutput.body!.lint_hints).toEqual([{ line: 1, column: 1, hint: 'field output is required', lint_type: 'missing' }]);
  });

  test('GET cluster points dataplane_api.url back at the local data plane', async () => {
    const id = [...srv.clusters.keys()][0]!;
    const res = await call('GET', `/v1/clusters/${id}`, undefined, {}, srv.url);
    expect(res.body!.cluster).toMatchObject({ id, type: 'TYPE_BYOC', cloud_provider: 'CLOUD_PROVIDER_AWS', state: 'STATE_READY', dataplane_api: { url: srv.dataplaneUrl() } });
    expect((await call('GET', '/v1/clusters/unknown', undefined, {}, srv.url)).body).toEqual({ code: 'NOT_FOUND', message: 'Cluster not found', details: [] });
  });
});

describe('fault injection', () => {
  test('per-operation status and headers, failNext(n), and latency', async () => {
    srv.faults.set('TopicService_ListTopics', { status: 429, headers: { ratelimit: 'limit=1, remaining=0, reset=5' }, times: 1 });
    const limited = await call('GET', '/v1/topics');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit')).toBe('limit=1, remaining=0, reset=5');
    expect((await call('GET', '/v1/topics')).status).toBe(200);
    srv.faults.failNext(2);
    expect((await call('GET', '/v1/users')).status).toBe(503);
    expect((await call('GET', '/v1/topics')).status).toBe(503);
    expect((await call('GET', '/v1/topics')).status).toBe(200);
    srv.faults.set('UserService_ListUsers', { latencyMs: 150, times: 1 });
    const started = Date.now();
    expect((await call('GET', '/v1/users')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(srv.requests.filter((r) => r.faulted).length).toBe(3);
  });
});
