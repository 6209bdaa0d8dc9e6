// The local Redpanda Cloud server on its own, over raw HTTP: strict spec validation, auth, wire shapes,
// state transitions, lint, the control plane's egress allowlist update, operations and networks, fault injection
// and the token quota.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import {
  type LocalRedpandaCloud,
  SPEC_REQUIRED_WITHOUT_PROPERTY,
  WIRE_BODY_NOT_REQUIRED,
  WIRE_QUERY_PARAMETERS,
  WIRE_RESPONSE_SCHEMAS,
  sharedValidator,
  startLocalRedpandaCloud,
} from '../../local/redpanda-cloud/index.js';

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
    expect((await call('PUT', '/v1/secrets/S1', { labels: { a: 'b' }, secret_data: Buffer.from('value-2').toString('base64') })).body).toEqual({ secret: { id: 'S1', labels: { a: 'b' }, scopes: ['SCOPE_REDPANDA_CONNECT'] } });
    // Proto3: an update without labels sets none.
    expect((await call('PUT', '/v1/secrets/S1', { secret_data: Buffer.from('value-3').toString('base64') })).body).toEqual({ secret: { id: 'S1', labels: {}, scopes: ['SCOPE_REDPANDA_CONNECT'] } });
    expect(srv.state.secrets.get('S1')).toMatchObject({ value: 'value-3', labels: {} });
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

  test('lint-config: unresolved ${...} as Connect reports them (one hint at line 1, in order); create still accepts them', async () => {
    const yaml =
      'input:\n  generate:\n    mapping: root = "${! uuid_v4() }"\n' +
      'output:\n  redpanda:\n    seed_brokers: ["${REDPANDA_BROKERS}"]\n    topic: "${TOPIC:cdc}"\n    key: "${{ESCAPED}}"\n' +
      '    sasl: [{mechanism: SCRAM-SHA-256, username: "${secrets.RP_USER}", password: "${secrets.RP_PASSWORD|base64decode}"}]\n';
    const res = await call('POST', '/v1/redpanda-connect/pipelines:lint-config', { config_yaml: yaml });
    expect(res.body!.lint_hints).toEqual([
      { line: 1, column: 1, hint: 'required environment variables were not set: [REDPANDA_BROKERS secrets.RP_USER secrets.RP_PASSWORD]', lint_type: 'missing_env_var' },
    ]);
    const created = await call('POST', '/v1/redpanda-connect/pipelines', { display_name: 'env-vars', config_yaml: yaml });
    expect(created.status).toBe(201);
    expect((await call('DELETE', `/v1/redpanda-connect/pipelines/${created.body!.pipeline.id}`)).status).toBe(204);
  });

  test('GET cluster points dataplane_api.url back at the local data plane', async () => {
    const id = [...srv.clusters.keys()][0]!;
    const res = await call('GET', `/v1/clusters/${id}`, undefined, {}, srv.url);
    expect(res.body!.cluster).toMatchObject({ id, type: 'TYPE_BYOC', cloud_provider: 'CLOUD_PROVIDER_AWS', state: 'STATE_READY', dataplane_api: { url: srv.dataplaneUrl() } });
    expect((await call('GET', '/v1/clusters/unknown', undefined, {}, srv.url)).body).toEqual({ code: 'NOT_FOUND', message: 'Cluster not found', details: [] });
  });
});

describe('control plane: the egress allowlist, its operation, the network', () => {
  const ID = 'cpallowlist000000001';
  const NO_CIDR = 'cpnocidr000000000001';
  const MASK = 'update_mask=redpanda_connect.allowed_destination_cidr_ports';
  let cp: LocalRedpandaCloud;
  let cpToken = '';
  const cpCall = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${cp.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${cpToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };
  const patch = (body: unknown, query = MASK, id = ID) => cpCall('PATCH', `/v1/clusters/${id}${query ? `?${query}` : ''}`, body);
  const allowlist = (entries: unknown[]) => ({ redpanda_connect: { allowed_destination_cidr_ports: entries } });
  const listed = async () => (await cpCall('GET', `/v1/clusters/${ID}`)).body!.cluster.redpanda_connect.allowed_destination_cidr_ports as unknown[];
  const waitOperation = async (id: string) => {
    for (let i = 0; i < 100; i++) {
      const op = (await cpCall('GET', `/v1/operations/${id}`)).body!.operation as Record<string, any>;
      if (op.state !== 'STATE_IN_PROGRESS') return op;
      await sleep(20);
    }
    throw new Error(`operation ${id} did not finish`);
  };

  beforeAll(async () => {
    cp = await startLocalRedpandaCloud({
      operationMs: 150,
      clusters: [
        { id: ID, allowed_destination_cidr_ports: [{ cidr: '10.1.0.0/16', port_start: 5432, port_end: 0 }] },
        { id: NO_CIDR, network_id: 'shared-net', network_cidr_block: null },
      ],
    });
    const res = await fetch(cp.authUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: cp.clientId, client_secret: cp.clientSecret, audience: cp.audience }).toString(),
    });
    cpToken = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await cp.stop();
  });

  test('the spec-vs-wire differences allowed for are exactly the documented ones', () => {
    expect(WIRE_QUERY_PARAMETERS).toEqual({ ClusterService_UpdateCluster: { update_mask: { type: 'string' } } });
    expect(WIRE_BODY_NOT_REQUIRED).toEqual({ ClusterService_UpdateCluster: ['cluster'] });
    expect(WIRE_RESPONSE_SCHEMAS).toEqual({ 'ClusterService_UpdateCluster 202': 'UpdateClusterOperation' });
    expect(SPEC_REQUIRED_WITHOUT_PROPERTY).toEqual({ Network: ['type'] });
    const v = sharedValidator();
    const body = JSON.stringify(allowlist([{ cidr: '10.80.0.0/16', port_start: 5432 }]));
    expect(v.validateRequest('controlplane', 'PATCH', `/v1/clusters/${ID}`, new URLSearchParams(MASK), 'application/json', body).violations).toEqual([]);
    // Nowhere else: update_mask stays unknown on GET cluster, and a misspelt body field is still refused.
    expect(v.validateRequest('controlplane', 'GET', `/v1/clusters/${ID}`, new URLSearchParams(MASK), undefined, '').violations).toEqual([
      { location: 'query', message: 'unknown query parameter "update_mask" (not in the spec of ClusterService_GetCluster)' },
    ]);
    expect(v.validateRequest('controlplane', 'PATCH', `/v1/clusters/${ID}`, new URLSearchParams(MASK), 'application/json', '{"redpanda_conect":{}}').violations).toEqual([
      { location: 'body', message: 'body: unknown field "redpanda_conect"' },
    ]);
    // The 202 is checked as an operation: a bare ClusterUpdate-shaped answer no longer passes.
    expect(v.validateResponse('controlplane', 'ClusterService_UpdateCluster', 202, { operation: { id: 'x', state: 'STATE_BOGUS' } })).not.toEqual([]);
    expect(v.validateResponse('controlplane', 'NetworkService_GetNetwork', 200, { network: { name: 'n', resource_group_id: 'r', cloud_provider: 'CLOUD_PROVIDER_AWS', region: 'us-east-2' } })).toEqual([]);
    expect(v.validateResponse('controlplane', 'NetworkService_GetNetwork', 200, { network: { name: 'n', resource_group_id: 'r', cloud_provider: 'CLOUD_PROVIDER_AWS' } })).toEqual([
      { location: 'response', message: "response/network: must have required property 'region'" },
      { location: 'response', message: 'response/network: must be null' },
      { location: 'response', message: 'response/network: must match a schema in anyOf' },
    ]);
  });

  test('PATCH with the update mask answers 202 and an operation; the list is replaced when it completes', async () => {
    expect(await listed()).toEqual([{ cidr: '10.1.0.0/16', port_start: 5432, port_end: 0 }]);
    const res = await patch(allowlist([{ cidr: '10.80.0.0/16', port_start: 5432 }, { cidr: '10.90.0.0/16', port_start: 3306, port_end: 3307 }]));
    expect(res.status).toBe(202);
    const op = res.body!.operation as Record<string, any>;
    expect(op).toMatchObject({ id: expect.stringMatching(/^[0-9a-v]{20}$/), type: 'TYPE_UPDATE_CLUSTER', state: 'STATE_IN_PROGRESS', resource_id: ID });
    // Not applied before the operation completes; then the new list replaces the old one (no merge).
    expect(await listed()).toEqual([{ cidr: '10.1.0.0/16', port_start: 5432, port_end: 0 }]);
    const done = await waitOperation(op.id as string);
    expect(done).toMatchObject({ state: 'STATE_COMPLETED', finished_at: expect.any(String), response: { cluster: { id: ID } } });
    expect(await listed()).toEqual([
      { cidr: '10.80.0.0/16', port_start: 5432, port_end: 0 },
      { cidr: '10.90.0.0/16', port_start: 3306, port_end: 3307 },
    ]);
    expect(cp.clusters.get(ID)!.allowed_destination_cidr_ports).toHaveLength(2);
    expect(cp.operations.get(op.id as string)?.state).toBe('STATE_COMPLETED');
    expect(cp.requests.filter((r) => r.violations.length > 0 || r.responseViolations.length > 0)).toEqual([]);
  });

  test('sixteen entries are accepted, seventeen are INVALID_ARGUMENT "Maximum 16 entries"', async () => {
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ cidr: `10.${i}.0.0/16`, port_start: 5432 }));
    const over = await patch(allowlist(entries(17)));
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'redpanda_connect.allowed_destination_cidr_ports: Maximum 16 entries, got 17',
      details: [{ reason: 'REASON_INVALID_INPUT' }, { field_violations: [{ field: 'redpanda_connect.allowed_destination_cidr_ports' }] }],
    });
    const full = await patch(allowlist(entries(16)));
    expect(full.status).toBe(202);
    await waitOperation(full.body!.operation.id as string);
    expect(await listed()).toHaveLength(16);
  });

  test('any other mask or field, a bad CIDR or port is INVALID_ARGUMENT and changes nothing', async () => {
    const before = await listed();
    const operations = cp.operations.size;
    const ok = [{ cidr: '10.80.0.0/16', port_start: 5432 }];
    const refused: [unknown, string | undefined, string][] = [
      [allowlist(ok), undefined, 'update_mask: required'],
      [allowlist(ok), 'update_mask=name', 'update_mask: "name" cannot be updated'],
      [allowlist(ok), `${MASK},redpanda_connect.version`, 'update_mask: "redpanda_connect.version" cannot be updated'],
      [{ ...allowlist(ok), name: 'renamed' }, MASK, 'name: not updatable'],
      [{ redpanda_connect: { version: '4.0.0', allowed_destination_cidr_ports: ok } }, MASK, 'redpanda_connect.version: not updatable'],
      [allowlist([{ cidr: '10.80.0.0', port_start: 5432 }]), MASK, '[0].cidr: "10.80.0.0" is not a valid IPv4 CIDR'],
      [allowlist([{ cidr: '10.80.0.1/16', port_start: 5432 }]), MASK, '[0].cidr: "10.80.0.1/16" is not a valid IPv4 CIDR'],
      [allowlist([{ cidr: '2001:db8::/32', port_start: 5432 }]), MASK, '[0].cidr: "2001:db8::/32" is not a valid IPv4 CIDR'],
      [allowlist([{ cidr: '10.80.0.0/33', port_start: 5432 }]), MASK, '[0].cidr: "10.80.0.0/33" is not a valid IPv4 CIDR'],
      [allowlist([...ok, { cidr: '10.81.0.0/16', port_start: 0 }]), MASK, '[1].port_start: 0 is not a port'],
      [allowlist([{ cidr: '10.80.0.0/16', port_start: 70000 }]), MASK, '[0].port_start: 70000 is not a port'],
      [allowlist([{ cidr: '10.80.0.0/16', port_start: 5432, port_end: 5431 }]), MASK, '[0].port_end: 5431 must be 0 or a port'],
    ];
    for (const [body, query, message] of refused) {
      const res = await patch(body, query ?? '');
      expect([message, res.status, res.body?.code]).toEqual([message, 400, 'INVALID_ARGUMENT']);
      expect(res.body!.message as string).toContain(message);
    }
    expect(await listed()).toEqual(before);
    expect(cp.operations.size).toBe(operations);
    // These pass the spec (the refusal is the server's rule), so the requests record no violation.
    expect(cp.requests.filter((r) => r.operationId === 'ClusterService_UpdateCluster' && r.status === 400).every((r) => r.violations.length === 0)).toBe(true);
  });

  test('a body the spec refuses never reaches the handler; an unknown cluster is 404', async () => {
    const typed = await patch(allowlist([{ cidr: '10.80.0.0/16', port_start: 'x' }]));
    expect(typed.status).toBe(400);
    expect(JSON.stringify(typed.body)).toContain('port_start: must be integer');
    expect(cp.requests.at(-1)!.violations.length).toBeGreaterThan(0);
    expect(await patch(allowlist([]), MASK, 'unknown0000000000000')).toEqual({ status: 404, body: { code: 'NOT_FOUND', message: 'Cluster not found', details: [] } });
  });

  test('an update whose operation fails leaves the list as it was; the error is on the operation', async () => {
    const before = await listed();
    cp.operationOutcome = () => ({ error: 'local failure' });
    const res = await patch(allowlist([]));
    // The outcome is decided when the operation ends.
    const failed = await waitOperation(res.body!.operation.id as string);
    cp.operationOutcome = () => undefined;
    expect(failed).toMatchObject({ state: 'STATE_FAILED', error: { code: 'INTERNAL', message: 'local failure' } });
    expect(await listed()).toEqual(before);
    expect((await cpCall('GET', '/v1/operations/nope0000000000000000')).body).toMatchObject({ code: 'NOT_FOUND', message: 'Operation not found' });
  });

  test('an empty list under the mask clears the allowlist', async () => {
    const res = await patch(allowlist([]));
    await waitOperation(res.body!.operation.id as string);
    expect(await listed()).toEqual([]);
  });

  test('GET network: the cluster network_id leads to its cidr_block; "" when the network reports none', async () => {
    const cluster = (await cpCall('GET', `/v1/clusters/${ID}`)).body!.cluster as { network_id: string };
    expect(cluster.network_id).toBe(`net-${ID}`);
    const net = await cpCall('GET', `/v1/networks/${cluster.network_id}`);
    expect(net).toMatchObject({ status: 200, body: { network: { id: `net-${ID}`, cidr_block: '10.100.0.0/16', state: 'STATE_READY', cloud_provider: 'CLOUD_PROVIDER_AWS' } } });
    expect((await cpCall('GET', '/v1/networks/shared-net')).body!.network.cidr_block).toBe('');
    expect((await cpCall('GET', '/v1/networks/nowhere')).status).toBe(404);
    expect(cp.requests.filter((r) => r.responseViolations.length > 0)).toEqual([]);
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
