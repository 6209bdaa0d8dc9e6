// The pipeline emulator (local/pipeline-emulator) against the real parts of the offline twin: the local Redpanda
// Cloud server (pipelines created over its HTTP API), the AWS twin (AssumeRole decided by iam-simulate, emulated
// IAM DB login), an embedded PostgreSQL cluster registered through the twin and set up with the generated SQL, the
// generated IAM documents and the generated pipeline YAML. The tests run in order on one scenario.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { classifyLine } from '../../lambdas/core/diagnosis.js';
import { connectorUserPolicy, dbConnectRoleArtifacts, rolePolicyFirstHop, type DbConnectRoleArtifacts, type RolePolicyArtifacts } from '../../lambdas/core/iam.js';
import { linkNames, type LinkNames } from '../../lambdas/core/naming.js';
import { buildPipelineCreateBody } from '../../lambdas/core/pipeline-yaml.js';
import { rdsCaBundleFor } from '../../lambdas/core/rds-ca.js';
import { redpandaAcls } from '../../lambdas/core/redpanda-acls.js';
import { assertRequest, type LinkRequest } from '../../lambdas/core/request.js';
import { mysqlSetupStatements, postgresSetupStatements } from '../../lambdas/core/sql.js';
import type { ArtifactContext } from '../../lambdas/core/context.js';
import { AwsTwin, TWIN_DB_ROUTE_TABLE_ID, TWIN_DB_SUBNET_GROUP, TWIN_PEERING_ID, TWIN_VPC_ID, type RegisterClusterInput } from '../../local/aws/index.js';
import { uniqueName } from '../../local/database/mysql.js';
import { LOGS_TOPIC, MYSQL_BINLOG_NOT_EMULATED, PipelineEmulator, type ConnectLogRecord, type EmulatorAws } from '../../local/pipeline-emulator/index.js';
import { startLocalRedpandaCloud, type LocalRedpandaCloud } from '../../local/redpanda-cloud/index.js';
import { waitFor as waitUntil } from '../../local/wait.js';
import { describeMysql } from '../support/mysql.js';

jest.setTimeout(20_000);

const CLUSTER_ID = 'd1pipelineemu0000000';
const DB_ACCOUNT = '111111111111';
const RP_ACCOUNT = '222222222222';
const REGION = 'us-east-2';
const SASL_PASSWORD = `sasl-${randomBytes(12).toString('hex')}`;
const WRONG_PASSWORD = `wrong-${randomBytes(12).toString('hex')}`;
const CA_BUNDLE = rdsCaBundleFor(REGION, new Date());

let redpanda: LocalRedpandaCloud;
let twin: AwsTwin;
let emulator: PipelineEmulator;
/** The emulator of the access-key scenarios: a pod with no AWS identity, as in Redpanda Cloud today. */
let keyEmulator: PipelineEmulator | undefined;
/** The emulator of the network scenarios: every connect meets the emulated firewall, routes and security groups. */
let netEmulator: PipelineEmulator | undefined;
/** The twin as the emulators see it, recording the passwords the IAM login hands out. */
let recording: EmulatorAws;
let token = '';
/** What the onLog callback saw (the demo's live view). */
const liveView: ConnectLogRecord[] = [];
/** Every password the emulated IAM login handed out (must never reach a log record). */
const issuedPasswords: string[] = [];

interface Link {
  request: LinkRequest;
  names: LinkNames;
  ctx: ArtifactContext;
  sql: (text: string) => Promise<readonly Record<string, unknown>[]>;
  masterPassword: string;
  /** Identity mode access-key: the connector user's key, as the Redpanda secrets (slot A) hold it. */
  key?: { accessKeyId: string; secretAccessKey: string };
}
let pgLink: Link;

/** local/wait.ts's waitFor, with the emulator's log in the failure (what the pipeline saw). */
const waitFor = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 8000): Promise<T> =>
  waitUntil(what, probe, timeoutMs).catch((e: Error) => {
    const logs = [...emulator.logs(), ...(keyEmulator?.logs() ?? []), ...(netEmulator?.logs() ?? [])];
    throw new Error(`${e.message}\nlogs:\n${logs.map((r) => `${r.level} ${r.path} ${r.message}`).join('\n')}`);
  });

async function api(method: string, path: string, body?: unknown): Promise<Record<string, any>> {
  const res = await fetch(`${redpanda.dataplaneUrl(CLUSTER_ID)}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, any>) : {};
}

const state = () => redpanda.stateOf(CLUSTER_ID);
const topic = (name: string) => state().messages.get(name) ?? [];
const logsOf = (id: string, match: (r: ConnectLogRecord) => boolean) => emulator.logs(id).filter(match);

/** Create a pipeline over the data plane API; `edit` changes the generated YAML first. */
async function createPipeline(link: Link, edit: (yaml: string) => string = (y) => y, name = link.names.pipelineDisplayName): Promise<string> {
  const body = buildPipelineCreateBody(link.request, link.ctx);
  const created = await api('POST', '/v1/redpanda-connect/pipelines', { ...body, display_name: name, config_yaml: edit(body.config_yaml) });
  return (created.pipeline as { id: string }).id;
}

/** The egress CIDRs of the watched cluster: its NAT gateway addresses, as GET cluster reports them. */
const egressCidrs = () => redpanda.clusters.get(CLUSTER_ID)!.nat_gateways.map((ip) => `${ip}/32`);

function artifactsOf(link: Link): DbConnectRoleArtifacts {
  return dbConnectRoleArtifacts(link.request, link.ctx, { egressCidrs: egressCidrs() });
}

/** The role-policy first hop of a `pipeline-role` link (the IRSA chain). */
function pipelineRoleHop(link: Link): RolePolicyArtifacts {
  const hop = rolePolicyFirstHop(artifactsOf(link));
  if (hop === undefined) throw new Error(`${link.request.name} is not a pipeline-role link`);
  return hop;
}

/**
 * The db-connect role (bounded by the link boundary) and its rds-db:connect policy, then the first hop from the
 * generated documents: the pipeline-role inline policy, or the connector user with its policy and a key, made
 * through IamPort as the provisioning steps make them.
 */
async function applyIam(link: Link): Promise<void> {
  const art = artifactsOf(link);
  const hop = art.firstHop;
  // The connector user first, as Provision makes it: IAM refuses a trust policy naming a user that does not exist.
  if (hop.mode === 'access-key') {
    const iam = twin.ports().iam;
    await iam.createUser({ name: hop.userName, path: hop.path, tags: {}, permissionsBoundaryArn: hop.permissionsBoundaryArn });
    await iam.putUserPolicy(hop.userName, hop.policy.policyName, hop.policy.document);
    const key = await iam.createAccessKey(hop.userName);
    link.key = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
  }
  await twin.createRole({
    account: 'db',
    roleName: art.roleName,
    trustPolicy: art.trustPolicy,
    tags: Object.fromEntries(art.tags.map((t) => [t.Key, t.Value])),
    permissionsBoundaryArn: art.permissionsBoundaryArn,
  });
  await twin.putRolePolicy({ account: 'db', roleName: art.roleName, policyName: art.permissionPolicy.policyName, document: art.permissionPolicy.document });
  if (hop.mode === 'access-key') return;
  await twin.putRolePolicy({ account: 'redpanda', roleName: hop.roleName, policyName: hop.policy.policyName, document: hop.policy.document });
}

/** Write a Redpanda Connect secret into the data plane (what the data plane API's create/update do). */
function putSecret(id: string, value: string): void {
  state().secrets.set(id, { id, labels: {}, scopes: ['SCOPE_REDPANDA_CONNECT'], secretData: Buffer.from(value).toString('base64'), value });
}

/** The generated YAML of an access-key link: its `aws` block reads the slot-A key from Redpanda secrets. */
function withKeyReferences(link: Link): (yaml: string) => string {
  const ids = link.names.redpandaSecrets;
  return (yaml) => {
    if (!yaml.includes(`id: "\${secrets.${ids.accessKeyId.A}}"`) || !yaml.includes(`secret: "\${secrets.${ids.secretAccessKey.A}}"`)) {
      throw new Error('the generated YAML of an access-key link does not read the slot-A key from Redpanda secrets');
    }
    return yaml;
  };
}

/** The same YAML without the key (and the comment on it): a Cloud pipeline with no AWS identity at all. */
function withoutKey(yaml: string): string {
  const edited = yaml.replace(/\n(\s+)#[^\n]*connector user[^\n]*\n\1#[^\n]*\n/, '\n').replace(/\n\s+id: "[^"\n]*"/, '').replace(/\n\s+secret: "[^"\n]*"/, '');
  if (/\n\s+(id|secret): /.test(edited)) throw new Error('the key is still in the YAML');
  return edited;
}

/** Topic, SASL user, ACLs and the two Connect secrets of a link, written into the data plane. */
function applyRedpanda(link: Link): void {
  const s = state();
  s.topics.set(link.request.redpanda.topic, { name: link.request.redpanda.topic, partitionCount: 3, replicationFactor: 3, configs: {} });
  s.users.set(link.names.redpandaUser, { name: link.names.redpandaUser, password: SASL_PASSWORD, mechanism: 'SASL_MECHANISM_SCRAM_SHA_256' });
  for (const a of redpandaAcls(link.request, DB_ACCOUNT)) {
    s.acls.push({
      resource_type: a.resourceType,
      resource_name: a.resourceName,
      resource_pattern_type: a.patternType,
      principal: a.principal,
      host: a.host,
      operation: a.operation,
      permission_type: a.permission,
    });
  }
  putSecret(link.names.redpandaSecrets.saslPassword, SASL_PASSWORD);
  putSecret(link.names.redpandaSecrets.rdsCaBundle, CA_BUNDLE);
  if (link.key !== undefined) {
    putSecret(link.names.redpandaSecrets.accessKeyId.A, link.key.accessKeyId);
    putSecret(link.names.redpandaSecrets.secretAccessKey.A, link.key.secretAccessKey);
  }
}

async function registerLink(
  input: Parameters<typeof assertRequest>[0],
  parameters: Record<string, string>,
  tableSql: string[],
  skip: string[] = [],
  clusterSettings: Partial<RegisterClusterInput> = {},
): Promise<Link> {
  const request = assertRequest(input);
  const cluster = await twin.registerExistingCluster({
    identifier: request.database.clusterIdentifier,
    engine: request.engine,
    databaseName: request.database.databaseName,
    parameters,
    ...clusterSettings,
  });
  const target = { clusterArn: cluster.arn, secretArn: cluster.masterSecretArn, database: request.database.databaseName };
  const sql = async (text: string) => (await twin.dataApi.execute(target, text)).rows;
  for (const statement of tableSql) await sql(statement);
  const setup = request.engine === 'aurora-postgresql' ? postgresSetupStatements(request) : mysqlSetupStatements(request);
  for (const s of setup) {
    // The MariaDB stand-in has no TLS: a REQUIRE SSL user could not log in at all (stated gap of the twin).
    if (!skip.includes(s.id)) await sql(s.sql);
  }
  expect(cluster.endpoint).toBe('localhost');
  const ctx: ArtifactContext = { dbAccountId: DB_ACCOUNT, region: REGION, clusterResourceId: cluster.resourceId, endpoint: cluster.endpoint!, port: cluster.port };
  const link: Link = {
    request,
    names: linkNames(request, DB_ACCOUNT),
    ctx,
    sql,
    masterPassword: (JSON.parse(twin.secrets.find(cluster.masterSecretArn)!.value) as { password: string }).password,
  };
  await applyIam(link);
  applyRedpanda(link);
  return link;
}

async function slotRow(link: Link): Promise<{ active: boolean; confirmed_flush_lsn: string } | undefined> {
  const rows = await link.sql(`SELECT active, confirmed_flush_lsn::text AS confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '${link.names.slot}'`);
  return rows[0] as { active: boolean; confirmed_flush_lsn: string } | undefined;
}

const lsnValue = (lsn: string) => {
  const [hi = '0', lo = '0'] = lsn.split('/');
  return BigInt(`0x${hi}`) * 2n ** 32n + BigInt(`0x${lo}`);
};

beforeAll(async () => {
  redpanda = await startLocalRedpandaCloud({ clusters: [{ id: CLUSTER_ID, region: REGION }], pipelineStartMs: 30, pipelineStopMs: 30 });
  const tokenRes = await fetch(redpanda.authUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: redpanda.clientId, client_secret: redpanda.clientSecret, audience: redpanda.audience }).toString(),
  });
  token = ((await tokenRes.json()) as { access_token: string }).access_token;
  twin = new AwsTwin({ dbAccountId: DB_ACCOUNT, redpandaAccountId: RP_ACCOUNT, region: REGION, redpandaClusterId: CLUSTER_ID, redpandaAccessDeployed: false });
  recording = {
    pipelineSession: (name) => twin.pipelineSession(name),
    assumeRole: (caller, role, session, options) => twin.assumeRole(caller, role, session, options),
    assumeRoleWithAccessKey: (input) => twin.assumeRoleWithAccessKey(input),
    rdsIamLogin: async (input) => {
      const result = await twin.rdsIamLogin(input);
      issuedPasswords.push(result.password);
      return result;
    },
  };
  // These scenarios run the IRSA chain (identity mode pipeline-role): the pod has the pipeline role's session.
  emulator = new PipelineEmulator({ redpanda, clusterId: CLUSTER_ID, twin: recording, podIdentity: 'irsa', pollMs: 20, reconnectMs: 100, onLog: (r) => liveView.push(r) });
  pgLink = await registerLink(
    {
      name: 'orders',
      engine: 'aurora-postgresql',
      database: { create: false, clusterIdentifier: 'orders-db', databaseName: 'demo_db' },
      cdc: { user: 'iam_demo_user', schema: 'public', tables: ['orders'], snapshot: true },
      redpanda: { clusterId: CLUSTER_ID, accountId: RP_ACCOUNT, topic: 'orders.cdc' },
      identity: { mode: 'pipeline-role' },
    },
    { 'rds.logical_replication': '1', 'rds.iam_auth_for_replication': '1' },
    [
      'CREATE TABLE public.orders (id serial PRIMARY KEY, item text NOT NULL, qty int8)',
      "INSERT INTO public.orders (item, qty) VALUES ('alpha', 1), ('beta', 2)",
    ],
  );
  emulator.start();
}, 30_000);

afterAll(async () => {
  await netEmulator?.stop();
  await keyEmulator?.stop();
  await emulator?.stop();
  await twin?.stop();
  await redpanda?.stop();
});

let pipelineId: string;

describe('postgres_cdc over the twin', () => {
  test('(a) snapshot rows, then an INSERT, reach the topic with Connect metadata; the slot is active', async () => {
    pipelineId = await createPipeline(pgLink);
    const reads = await waitFor('the two snapshot rows', () => (topic('orders.cdc').length >= 2 ? topic('orders.cdc') : undefined));
    expect(reads.map((m) => JSON.parse(m.value))).toEqual([
      { id: 1, item: 'alpha', qty: 1 },
      { id: 2, item: 'beta', qty: 2 },
    ]);
    // key: '${! @table }'; headers: the metadata include_patterns keep (no lsn on snapshot rows).
    expect(reads.map((m) => [m.key, m.headers])).toEqual([
      ['orders', { operation: 'read', table: 'orders' }],
      ['orders', { operation: 'read', table: 'orders' }],
    ]);

    await waitFor('the input to stream', () => logsOf(pipelineId, (r) => r.message === 'Input type postgres_cdc is now active').length === 1);
    await pgLink.sql("INSERT INTO public.orders (item, qty) VALUES ('gamma', 3)");
    const inserted = await waitFor('the INSERT', () => topic('orders.cdc').find((m) => m.headers['operation'] === 'insert'));
    expect(JSON.parse(inserted.value)).toEqual({ id: 3, item: 'gamma', qty: 3 });
    expect(inserted.key).toBe('orders');
    expect(inserted.headers).toEqual({ operation: 'insert', table: 'orders', lsn: expect.stringMatching(/^[0-9A-F]{8}\/[0-9A-F]{8}$/) });

    // A real slot, held by the emulator's replication connection, confirmed past the delivered change.
    const slot = await waitFor('the slot to confirm the insert', async () => {
      const row = await slotRow(pgLink);
      return row && lsnValue(row.confirmed_flush_lsn) > lsnValue(inserted.headers['lsn']!) ? row : undefined;
    });
    expect(slot.active).toBe(true);
    // The snapshot's temporary <slot>_tmp was copied to the slot and dropped.
    expect(await pgLink.sql("SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE '%\\_tmp'")).toEqual([]);

    // Healthy lines in __redpanda.connect.logs, shaped as docs/reference/redpanda-cloud.md §7 and known to the diagnosis catalogue.
    const records = topic(LOGS_TOPIC).filter((m) => m.key === pipelineId);
    const active = records.map((m) => JSON.parse(m.value) as Record<string, string>).find((v) => v['message'] === 'Input type postgres_cdc is now active')!;
    expect(Object.keys(active)).toEqual(['instance_id', 'label', 'level', 'message', 'path', 'pipeline_id', 'time']);
    expect(active).toMatchObject({ label: 'aurora_postgres_cdc', level: 'INFO', path: 'root.input', pipeline_id: pipelineId, instance_id: expect.stringMatching(/^[0-9a-v]{20}$/) });
    expect(active['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    expect(classifyLine(records.find((m) => m.value.includes('Input type'))!.value)).toMatchObject({ kind: 'healthy', entryId: 'input-active' });
    expect(logsOf(pipelineId, (r) => r.message === 'Output type redpanda is now active' && r.path === 'root.output' && r.label === 'redpanda_topic')).toHaveLength(1);
    expect(logsOf(pipelineId, (r) => r.level === 'ERROR' || r.level === 'WARN')).toEqual([]);
  });

  test('(b) without the pipeline-role inline policy the reconnect logs the AssumeRole denial; putting it back heals', async () => {
    const art = dbConnectRoleArtifacts(pgLink.request, pgLink.ctx);
    const hop = pipelineRoleHop(pgLink);
    twin.deleteRolePolicy({ account: 'redpanda', roleName: hop.roleName, policyName: hop.policy.policyName });
    await emulator.reconnect(pipelineId);

    const denied = await waitFor('the AssumeRole error', () => logsOf(pipelineId, (r) => r.level === 'ERROR' && r.message.includes('sts:AssumeRole'))[0]);
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    expect(denied.message).toMatch(
      new RegExp(
        `^Failed to connect to postgres_cdc: unable to generate IAM auth token: assuming role based on configured roles: ` +
          `verifying role assumption for '${escape(art.roleArn)}': operation error STS: GetCallerIdentity, get identity: get credentials: ` +
          `failed to refresh cached credentials, operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: [0-9a-f-]{36}, ` +
          `api error AccessDenied: User: arn:aws:sts::${RP_ACCOUNT}:assumed-role/${escape(hop.roleName)}/\\d{19} ` +
          `is not authorized to perform: sts:AssumeRole on resource: ${escape(art.roleArn)}$`,
      ),
    );
    expect(denied).toMatchObject({ path: 'root.input', label: 'aurora_postgres_cdc' });
    const logged = topic(LOGS_TOPIC).find((m) => m.key === pipelineId && m.value.includes('sts:AssumeRole'))!;
    expect(classifyLine(logged.value)).toMatchObject({ kind: 'problem', entryId: 'assume-role-denied', pipelineId, evidence: { roleArn: art.roleArn } });
    // The chain is re-run on every retry: the denial repeats while the policy is missing, and the slot is idle.
    await waitFor('a second denial', () => logsOf(pipelineId, (r) => r.message.includes('sts:AssumeRole')).length >= 2);
    expect((await slotRow(pgLink))?.active).toBe(false);

    const activeBefore = logsOf(pipelineId, (r) => r.message === 'Input type postgres_cdc is now active').length;
    await twin.putRolePolicy({ account: 'redpanda', roleName: hop.roleName, policyName: hop.policy.policyName, document: hop.policy.document });
    await waitFor('the input to reconnect', () => logsOf(pipelineId, (r) => r.message === 'Input type postgres_cdc is now active').length > activeBefore);
    await pgLink.sql("INSERT INTO public.orders (item, qty) VALUES ('delta', 4)");
    const healed = await waitFor('the INSERT after healing', () => topic('orders.cdc').find((m) => m.value.includes('delta')));
    expect(healed.headers['operation']).toBe('insert');
    // Resumed from the existing slot: no second snapshot.
    expect(topic('orders.cdc').filter((m) => m.headers['operation'] === 'read')).toHaveLength(2);
  });

  test('(c) an aws.endpoint without port fails with the SDK text once the role chain succeeded', async () => {
    const id = await createPipeline(pgLink, (y) => y.replace(/endpoint: "localhost:\d+"/, 'endpoint: "localhost"'), 'rpcn-aurora-orders-noport');
    const failed = await waitFor('the missing-port error', () => logsOf(id, (r) => r.level === 'ERROR')[0]);
    expect(failed.message).toBe(
      'Failed to connect to postgres_cdc: unable to generate IAM auth token: building IAM auth token: the provided endpoint is missing a port, or the provided port is invalid',
    );
    expect(classifyLine(JSON.stringify(failed)).entryId).toBe('aws-endpoint-missing-port');
    await api('DELETE', `/v1/redpanda-connect/pipelines/${id}`);
    await waitFor('the run to end', () => !emulator.running().includes(id));
  });

  test('(e) a wrong SASL password fails the output connect; a missing publication fails the input with Connect texts', async () => {
    state().secrets.set('WRONG_SASL', { id: 'WRONG_SASL', labels: {}, scopes: ['SCOPE_REDPANDA_CONNECT'], secretData: Buffer.from(WRONG_PASSWORD).toString('base64'), value: WRONG_PASSWORD });
    const id = await createPipeline(
      pgLink,
      (y) => y.replace(pgLink.names.redpandaSecrets.saslPassword, 'WRONG_SASL').replace(`slot_name: ${pgLink.names.slot}`, 'slot_name: rpcn_orders_other'),
      'rpcn-aurora-orders-badsasl',
    );
    const sasl = await waitFor('the SASL error', () => logsOf(id, (r) => r.path === 'root.output' && r.level === 'ERROR')[0]);
    expect(sasl).toMatchObject({
      label: 'redpanda_topic',
      message: 'Failed to connect to redpanda: failed to connect to cluster: SASL_AUTHENTICATION_FAILED: SASL Authentication failed.',
    });
    expect(classifyLine(JSON.stringify(sasl)).entryId).toBe('redpanda-sasl-auth-failed');
    // Publication pglog_stream_rpcn_orders_other does not exist: Connect tries to create it as the CDC user.
    const pub = await waitFor('the publication error', () => logsOf(id, (r) => r.path === 'root.input' && r.level === 'ERROR')[0]);
    expect(pub.message).toBe(
      'Failed to connect to postgres_cdc: unable to create replication stream: creating publication: ERROR: permission denied for database demo_db (SQLSTATE 42501)',
    );
    expect(classifyLine(JSON.stringify(pub)).entryId).toBe('pg-publication-create-failed');
    expect(logsOf(id, (r) => r.message.includes('is now active'))).toEqual([]);
    await api('DELETE', `/v1/redpanda-connect/pipelines/${id}`);
    await waitFor('the run to end', () => !emulator.running().includes(id));
  });

  test('a missing secret fails the pipeline at build time with Connect text and STATE_ERROR', async () => {
    const id = await createPipeline(pgLink, (y) => y.replace(pgLink.names.redpandaSecrets.rdsCaBundle, 'NOT_THERE'), 'rpcn-aurora-orders-nosecret');
    const p = await waitFor('STATE_ERROR', () => (state().pipelines.get(id)?.state === 'STATE_ERROR' ? state().pipelines.get(id) : undefined));
    expect(p.status.error).toBe('required environment variables were not set: [secrets.NOT_THERE]');
    const logged = logsOf(id, () => true);
    expect(logged).toHaveLength(1);
    expect(classifyLine(JSON.stringify(logged[0])).entryId).toBe('redpanda-secret-missing');
    await waitFor('the run to end', () => !emulator.running().includes(id));
    await api('DELETE', `/v1/redpanda-connect/pipelines/${id}`);
  });

  test('(d) stopping the pipeline closes the replication connection: the slot becomes inactive', async () => {
    expect((await slotRow(pgLink))?.active).toBe(true);
    await api('PUT', `/v1/redpanda-connect/pipelines/${pipelineId}/stop`);
    await waitFor('STATE_STOPPED', () => state().pipelines.get(pipelineId)?.state === 'STATE_STOPPED');
    await waitFor('the run to end', () => !emulator.running().includes(pipelineId));
    await waitFor('the slot to be inactive', async () => (await slotRow(pgLink))?.active === false);
  });

  test('(g) temporary_slot and ACLs: a denied write is retried with the franz-go text until a prefixed ACL allows it', async () => {
    await pgLink.sql('CREATE PUBLICATION pglog_stream_rpcn_scratch FOR TABLE public.orders');
    state().topics.set('scratch.cdc', { name: 'scratch.cdc', partitionCount: 1, replicationFactor: 3, configs: {} });
    const id = await createPipeline(
      pgLink,
      (y) => y.replace(`slot_name: ${pgLink.names.slot}`, 'slot_name: rpcn_scratch').replace('temporary_slot: false', 'temporary_slot: true').replace('topic: orders.cdc', 'topic: scratch.cdc'),
      'rpcn-aurora-orders-scratch',
    );
    const denied = await waitFor('the write denial', () => logsOf(id, (r) => r.path === 'root.output' && r.level === 'ERROR')[0]);
    expect(denied.message).toBe('Failed to send message to redpanda: TOPIC_AUTHORIZATION_FAILED: Not authorized to access topics: [Topic authorization failed.]');
    expect(classifyLine(JSON.stringify(denied)).entryId).toBe('redpanda-topic-authorization-failed');
    expect(topic('scratch.cdc')).toEqual([]);

    state().acls.push({
      resource_type: 'RESOURCE_TYPE_TOPIC',
      resource_name: 'scratch.',
      resource_pattern_type: 'RESOURCE_PATTERN_TYPE_PREFIXED',
      principal: `User:${pgLink.names.redpandaUser}`,
      host: '*',
      operation: 'OPERATION_WRITE',
      permission_type: 'PERMISSION_TYPE_ALLOW',
    });
    await waitFor('the snapshot in scratch.cdc', () => topic('scratch.cdc').length === 4);
    expect(topic('scratch.cdc').map((m) => JSON.parse(m.value).item)).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    const slot = await waitFor('the temporary slot', async () => {
      const rows = await pgLink.sql("SELECT temporary, active FROM pg_replication_slots WHERE slot_name = 'rpcn_scratch'");
      return rows[0]?.['active'] === true ? rows[0] : undefined;
    });
    expect(slot['temporary']).toBe(true);
    await pgLink.sql("INSERT INTO public.orders (item, qty) VALUES ('epsilon', 5)");
    await waitFor('the INSERT in scratch.cdc', () => topic('scratch.cdc').find((m) => m.value.includes('epsilon') && m.headers['operation'] === 'insert'));

    // A temporary slot ends with its connection.
    await api('DELETE', `/v1/redpanda-connect/pipelines/${id}`);
    await waitFor('the run to end', () => !emulator.running().includes(id));
    await waitFor('the temporary slot to vanish', async () => (await pgLink.sql("SELECT 1 FROM pg_replication_slots WHERE slot_name = 'rpcn_scratch'")).length === 0);
  });

  test('(f) no log record carries a secret value, a SASL password, a DB password or an issued token', () => {
    const all = topic(LOGS_TOPIC).map((m) => `${m.key} ${m.value}`).join('\n') + JSON.stringify(emulator.logs());
    expect(all.length).toBeGreaterThan(1000);
    const pemBody = CA_BUNDLE.split('\n').find((l) => /^[A-Za-z0-9+/]{60,}$/.test(l))!;
    const forbidden = [SASL_PASSWORD, WRONG_PASSWORD, pemBody, pgLink.masterPassword, ...issuedPasswords];
    expect(issuedPasswords.length).toBeGreaterThan(2);
    for (const value of forbidden) expect(all.includes(value)).toBe(false);
    // The live view saw exactly the records written.
    expect(liveView).toEqual(emulator.logs());
  });
});

describeMysql('mysql_cdc over the twin (MariaDB stand-in)', () => {
  test('the chain and login run, the snapshot is delivered, then the emulator says binlog streaming is not emulated', async () => {
    const db = uniqueName('rpcn_pe');
    const link = await registerLink(
      {
        name: 'shop',
        engine: 'aurora-mysql',
        database: { create: false, clusterIdentifier: 'shop-db', databaseName: db },
        cdc: { user: uniqueName('pe_cdc'), tables: ['items'], snapshot: true },
        redpanda: { clusterId: CLUSTER_ID, accountId: RP_ACCOUNT, topic: 'shop.cdc' },
        identity: { mode: 'pipeline-role' },
      },
      {},
      ['CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)', "INSERT INTO items VALUES (2, 'bolt'), (1, 'nut')"],
      ['mysql.user.requireSsl'],
    );
    const id = await createPipeline(link);
    const gap = await waitFor('the emulator-limit record', () => logsOf(id, (r) => r.message === MYSQL_BINLOG_NOT_EMULATED)[0]);
    expect(gap).toMatchObject({ level: 'ERROR', path: 'root.input', label: 'aurora_mysql_cdc' });
    expect(gap.message).toMatch(/not a Redpanda Connect message/);
    expect(classifyLine(JSON.stringify(gap)).kind).toBe('unknown');
    expect(topic('shop.cdc').map((m) => [m.key, m.headers, JSON.parse(m.value)])).toEqual([
      ['items', { operation: 'read', table: 'items' }, { id: 1, name: 'nut' }],
      ['items', { operation: 'read', table: 'items' }, { id: 2, name: 'bolt' }],
    ]);
    expect(logsOf(id, (r) => r.message === 'Input type mysql_cdc is now active')).toHaveLength(1);

    // A reconnect re-runs the chain: without the pipeline-role policy it fails with the same AssumeRole text.
    const hop = pipelineRoleHop(link);
    twin.deleteRolePolicy({ account: 'redpanda', roleName: hop.roleName, policyName: hop.policy.policyName });
    await emulator.reconnect(id);
    const denied = await waitFor('the AssumeRole error', () => logsOf(id, (r) => r.message.startsWith('Failed to connect to mysql_cdc: unable to generate IAM auth token'))[0]);
    expect(classifyLine(JSON.stringify(denied)).entryId).toBe('assume-role-denied');
    await api('DELETE', `/v1/redpanda-connect/pipelines/${id}`);
    await waitFor('the run to end', () => !emulator.running().includes(id));
  });
});

describe('shutdown', () => {
  test('stop() ends live runs and closes their replication connections', async () => {
    await api('PUT', `/v1/redpanda-connect/pipelines/${pipelineId}/start`);
    await waitFor('the restarted input', async () => emulator.running().includes(pipelineId) && (await slotRow(pgLink))?.active === true);
    await emulator.stop();
    expect(emulator.running()).toEqual([]);
    expect((await slotRow(pgLink))?.active).toBe(false);
    await emulator.stop();
  });
});

describe('identity mode access-key: a pod without AWS identity (Redpanda Cloud today), a key from Redpanda secrets', () => {
  let keyLink: Link;
  let keyPipeline: string;
  let connectorArn: string;
  /** Every key the connector user had here (old and rotated): none may reach a log record. */
  const keys: { accessKeyId: string; secretAccessKey: string }[] = [];
  const keyLogs = (id: string, match: (r: ConnectLogRecord) => boolean) => keyEmulator!.logs(id).filter(match);
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const chainText = (roleArn: string, inner: string) =>
    `Failed to connect to postgres_cdc: unable to generate IAM auth token: assuming role based on configured roles: verifying role assumption for '${roleArn}': ` +
    `operation error STS: GetCallerIdentity, get identity: get credentials: failed to refresh cached credentials, ${inner}`;
  const stsError = (code: string, message: string) =>
    `operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: [0-9a-f-]{36}, api error ${code}: ${escape(message)}`;
  const active = (id: string) => keyLogs(id, (r) => r.message === 'Input type postgres_cdc is now active').length;

  beforeAll(async () => {
    // The IRSA-chain scenarios are over (their emulator is stopped): clear their pipelines so this pod only runs ours.
    for (const id of [...state().pipelines.keys()]) await api('DELETE', `/v1/redpanda-connect/pipelines/${id}`);
    keyLink = await registerLink(
      {
        name: 'keys',
        engine: 'aurora-postgresql',
        database: { create: false, clusterIdentifier: 'keys-db', databaseName: 'demo_db' },
        cdc: { user: 'iam_demo_user', schema: 'public', tables: ['orders'], snapshot: true },
        redpanda: { clusterId: CLUSTER_ID, topic: 'keys.cdc' },
      },
      { 'rds.logical_replication': '1', 'rds.iam_auth_for_replication': '1' },
      ['CREATE TABLE public.orders (id serial PRIMARY KEY, item text NOT NULL)', "INSERT INTO public.orders (item) VALUES ('alpha'), ('beta')"],
    );
    expect(keyLink.request.identity.mode).toBe('access-key');
    keys.push(keyLink.key!);
    const hop = artifactsOf(keyLink).firstHop;
    connectorArn = hop.principalArn;
    // Default pod identity 'none'; the egress address defaults to the cluster's first NAT gateway.
    keyEmulator = new PipelineEmulator({ redpanda, clusterId: CLUSTER_ID, twin: recording, pollMs: 20, reconnectMs: 100 });
    keyEmulator.start();
  }, 30_000);

  afterAll(async () => {
    await keyEmulator?.stop();
  });

  test('without a key and without pod identity the chain fails with the IMDS text; STS is never called and nothing streams', async () => {
    const before = { assume: twin.faults.calls('sts.assumeRole'), key: twin.faults.calls('sts.assumeRoleWithAccessKey') };
    const id = await createPipeline(keyLink, withoutKey, 'rpcn-aurora-keys-noidentity');
    const failed = await waitFor('the no-identity error', () => keyLogs(id, (r) => r.level === 'ERROR')[0]);
    expect(failed).toMatchObject({
      path: 'root.input',
      label: 'aurora_postgres_cdc',
      message: chainText(artifactsOf(keyLink).roleArn, 'no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded'),
    });
    // Retried like any failed connect, with the same text.
    await waitFor('a second attempt', () => keyLogs(id, (r) => r.message === failed.message).length >= 2);
    expect({ assume: twin.faults.calls('sts.assumeRole'), key: twin.faults.calls('sts.assumeRoleWithAccessKey') }).toEqual(before);
    expect(active(id)).toBe(0);
    expect(topic('keys.cdc')).toEqual([]);
    expect(await slotRow(keyLink)).toBeUndefined();
    await api('DELETE', `/v1/redpanda-connect/pipelines/${id}`);
    await waitFor('the run to end', () => !keyEmulator!.running().includes(id));
  });

  test('with the key from ${secrets.*} the first hop is the connector user from the egress address; rows stream through a real slot', async () => {
    const calls = twin.faults.calls('sts.assumeRoleWithAccessKey');
    keyPipeline = await createPipeline(keyLink, withKeyReferences(keyLink));
    expect(state().pipelines.get(keyPipeline)!.config_yaml).toContain(`id: "\${secrets.${keyLink.names.redpandaSecrets.accessKeyId.A}}"`);
    const reads = await waitFor('the two snapshot rows', () => (topic('keys.cdc').length >= 2 ? topic('keys.cdc') : undefined));
    expect(reads.map((m) => JSON.parse(m.value))).toEqual([
      { id: 1, item: 'alpha' },
      { id: 2, item: 'beta' },
    ]);
    await waitFor('the input to stream', () => active(keyPipeline) === 1);
    await keyLink.sql("INSERT INTO public.orders (item) VALUES ('gamma')");
    const inserted = await waitFor('the INSERT', () => topic('keys.cdc').find((m) => m.headers['operation'] === 'insert'));
    expect(JSON.parse(inserted.value)).toEqual({ id: 3, item: 'gamma' });
    expect((await slotRow(keyLink))?.active).toBe(true);
    expect(twin.faults.calls('sts.assumeRoleWithAccessKey')).toBeGreaterThan(calls);
    expect(keyLogs(keyPipeline, (r) => r.level === 'ERROR' || r.level === 'WARN')).toEqual([]);
  });

  test('from an address outside the connector policy\'s egress list the key is refused with the explicit-deny ending', async () => {
    const hop = artifactsOf(keyLink).firstHop;
    if (hop.mode !== 'access-key') throw new Error('expected access-key');
    // As if the cluster's NAT address had changed (Redpanda does not guarantee it stays the same).
    const elsewhere = connectorUserPolicy(keyLink.request, keyLink.ctx, ['198.51.100.0/24']);
    await twin.putUserPolicy({ userName: hop.userName, policyName: hop.policy.policyName, document: elsewhere });
    await keyEmulator!.reconnect(keyPipeline);
    const denied = await waitFor('the explicit deny', () => keyLogs(keyPipeline, (r) => r.level === 'ERROR' && r.message.includes('explicit deny'))[0]);
    const roleArn = artifactsOf(keyLink).roleArn;
    expect(denied.message).toMatch(
      new RegExp(
        `^${escape(chainText(roleArn, ''))}` +
          stsError('AccessDenied', `User: ${connectorArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn} with an explicit deny in an identity-based policy`) +
          '$',
      ),
    );
    const activeBefore = active(keyPipeline);
    await twin.putUserPolicy({ userName: hop.userName, policyName: hop.policy.policyName, document: hop.policy.document });
    await waitFor('the input to reconnect', () => active(keyPipeline) > activeBefore);
  });

  test('a secret rotated while the pipeline runs is not used until the pipeline is stopped and started', async () => {
    const hop = artifactsOf(keyLink).firstHop;
    if (hop.mode !== 'access-key') throw new Error('expected access-key');
    const ids = keyLink.names.redpandaSecrets;
    const old = keyLink.key!;
    // A rotation by hand: a second key into the same secrets, then the old key deleted.
    const fresh = twin.createAccessKey({ userName: hop.userName });
    keys.push(fresh);
    putSecret(ids.accessKeyId.A, fresh.accessKeyId);
    putSecret(ids.secretAccessKey.A, fresh.secretAccessKey);
    twin.deleteAccessKey({ userName: hop.userName, accessKeyId: old.accessKeyId });

    // The run resolved ${secrets.*} when it started: a reconnect still signs with the deleted key.
    await keyEmulator!.reconnect(keyPipeline);
    const invalid = new RegExp(`^${escape(chainText(artifactsOf(keyLink).roleArn, ''))}${stsError('InvalidClientTokenId', 'The security token included in the request is invalid.')}$`);
    await waitFor('two refusals of the old key', () => keyLogs(keyPipeline, (r) => r.level === 'ERROR' && invalid.test(r.message)).length >= 2);
    expect((await slotRow(keyLink))?.active).toBe(false);

    // Stop, then start: the new run reads the rotated values and streams again.
    await api('PUT', `/v1/redpanda-connect/pipelines/${keyPipeline}/stop`);
    await waitFor('STATE_STOPPED', () => state().pipelines.get(keyPipeline)?.state === 'STATE_STOPPED');
    await waitFor('the run to end', () => !keyEmulator!.running().includes(keyPipeline));
    const activeBefore = active(keyPipeline);
    await api('PUT', `/v1/redpanda-connect/pipelines/${keyPipeline}/start`);
    await waitFor('the restarted input', () => active(keyPipeline) > activeBefore);
    await keyLink.sql("INSERT INTO public.orders (item) VALUES ('delta')");
    await waitFor('the INSERT after the restart', () => topic('keys.cdc').find((m) => m.value.includes('delta')));
    expect((await slotRow(keyLink))?.active).toBe(true);
  });

  test('aws.token is ignored with the emulator\'s own note', async () => {
    const id = await createPipeline(
      keyLink,
      (y) => withKeyReferences(keyLink)(y).replace(/\n(\s+)id: "/, (whole, indent: string) => `\n${indent}token: "not-a-session-token"${whole}`).replace(`slot_name: ${keyLink.names.slot}`, 'slot_name: rpcn_keys_token'),
      'rpcn-aurora-keys-token',
    );
    const note = await waitFor('the token note', () => keyLogs(id, (r) => r.level === 'WARN')[0]);
    expect(note.message).toMatch(/^rpcn-aurora pipeline emulator: aws\.token is ignored .*not a Redpanda Connect message$/);
    expect(note.message).not.toContain('not-a-session-token');
    await api('DELETE', `/v1/redpanda-connect/pipelines/${id}`);
    await waitFor('the run to end', () => !keyEmulator!.running().includes(id));
  });

  test('static credentials written into the YAML itself are redacted wherever an error echoes them', async () => {
    const hop = artifactsOf(keyLink).firstHop;
    if (hop.mode !== 'access-key') throw new Error('expected access-key');
    // A key that is in no Redpanda secret: only the pipeline's own aws.id/aws.secret make it sensitive.
    const fresh = twin.createAccessKey({ userName: hop.userName });
    keys.push(fresh);
    // Not the generator's shape: the key inline, and (by mistake) the key id as the DSN user, which pgx echoes.
    const id = await createPipeline(
      keyLink,
      (y) =>
        withoutKey(y)
          .replace(/\n(\s+)aws:\n(\s+)enabled: true\n/, (whole, _o: string, inner: string) => `${whole}${inner}id: ${fresh.accessKeyId}\n${inner}secret: "${fresh.secretAccessKey}"\n`)
          .replace(`${keyLink.request.cdc.user}@`, `${fresh.accessKeyId}@`)
          .replace(`slot_name: ${keyLink.names.slot}`, 'slot_name: rpcn_keys_inline'),
      'rpcn-aurora-keys-inline',
    );
    expect(state().pipelines.get(id)!.config_yaml).toContain(fresh.accessKeyId);
    // The chain works with the inline key; the login as the "user" AKIA… is then refused, echoing the user twice.
    const refused = await waitFor('the login refusal', () => keyLogs(id, (r) => r.level === 'ERROR' && r.message.includes('PAM authentication failed'))[0]);
    expect(refused.message).toContain('user=[REDACTED] database=demo_db');
    expect(refused.message).toContain('for user "[REDACTED]"');
    expect(refused.message).not.toContain(fresh.accessKeyId);
    await api('DELETE', `/v1/redpanda-connect/pipelines/${id}`);
    await waitFor('the run to end', () => !keyEmulator!.running().includes(id));
  });

  test('no log record carries an access key id or secret: old, rotated or inline', () => {
    const all = topic(LOGS_TOPIC).map((m) => `${m.key} ${m.value}`).join('\n') + JSON.stringify(keyEmulator!.logs());
    expect(all).toContain(connectorArn);
    expect(keys).toHaveLength(3);
    for (const k of keys) {
      expect(all.includes(k.accessKeyId)).toBe(false);
      expect(all.includes(k.secretAccessKey)).toBe(false);
    }
    expect(all).not.toMatch(/AKIA[A-Z0-9]{16}/);
  });
});

// Last: this emulator runs until the end of the file (the MySQL scenario below uses it too).
describe('the network path: data-plane firewall, routes back, security groups', () => {
  const RP_NETWORK = '10.100.0.0/16';
  const netLogs = (id: string, match: (r: ConnectLogRecord) => boolean) => netEmulator!.logs(id).filter(match);
  const active = (id: string) => netLogs(id, (r) => r.message === 'Input type postgres_cdc is now active').length;
  const timeouts = (id: string) => netLogs(id, (r) => r.level === 'ERROR' && r.message.endsWith('i/o timeout')).length;
  /** pgx's wrapping of the dialer's timeout, as Connect logs a failed connect (docs/reference/redpanda-connect.md §2a). */
  const pgTimeout = (link: Link, address: string) =>
    `Failed to connect to postgres_cdc: unable to create replication stream: failed to connect to \`user=${link.request.cdc.user} database=${link.request.database.databaseName}\`: ` +
    `${address}:${link.ctx.port} (localhost): dial error: dial tcp ${address}:${link.ctx.port}: i/o timeout`;
  const addressOf = (link: Link) => twin.resolveDatabase({ host: 'localhost', port: link.ctx.port })!.address;

  /** Wait for a new i/o timeout (after `action`); the login is never attempted meanwhile. */
  async function blocked(id: string, link: Link, action: () => Promise<void> | void): Promise<ConnectLogRecord> {
    const before = timeouts(id);
    await action();
    await netEmulator!.reconnect(id);
    const logins = twin.faults.calls('rds.iamLogin');
    await waitFor('a dial timeout', () => timeouts(id) > before + 1);
    expect(twin.faults.calls('rds.iamLogin')).toBe(logins);
    const record = netLogs(id, (r) => r.level === 'ERROR' && r.message.endsWith('i/o timeout')).at(-1)!;
    expect(record).toMatchObject({ path: 'root.input', label: 'aurora_postgres_cdc', message: pgTimeout(link, addressOf(link)) });
    return record;
  }
  async function heals(id: string, action: () => Promise<void> | void): Promise<void> {
    const before = active(id);
    await action();
    await waitFor('the input to connect again', () => active(id) > before);
  }
  /** PATCH the egress allowlist through the control plane, as the product does, and wait for its operation. */
  async function setAllowlist(entries: { cidr: string; port_start: number; port_end?: number }[]): Promise<void> {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${redpanda.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return (await res.json()) as Record<string, any>;
    };
    const patched = await call('PATCH', `/v1/clusters/${CLUSTER_ID}?update_mask=redpanda_connect.allowed_destination_cidr_ports`, { redpanda_connect: { allowed_destination_cidr_ports: entries } });
    await waitFor('the allowlist operation', async () => (await call('GET', `/v1/operations/${patched.operation.id}`)).operation.state === 'STATE_COMPLETED');
  }

  beforeAll(async () => {
    for (const id of [...state().pipelines.keys()]) await api('DELETE', `/v1/redpanda-connect/pipelines/${id}`);
    netEmulator = new PipelineEmulator({ redpanda, clusterId: CLUSTER_ID, twin: recording, network: twin, podIdentity: 'irsa', pollMs: 20, reconnectMs: 100 });
    netEmulator.start();
  });

  test('a public cluster: without a rule for the NAT address the dial times out; with it rows stream; revoked, it times out again', async () => {
    // orders-db was registered publicly accessible and with no security group.
    const address = addressOf(pgLink);
    expect(address).toMatch(/^198\.51\.100\.\d+$/);
    const logins = twin.faults.calls('rds.iamLogin');
    const id = await createPipeline(pgLink, (y) => y, 'rpcn-aurora-orders-public');
    const failed = await waitFor('the dial timeout', () => netLogs(id, (r) => r.level === 'ERROR')[0]);
    expect(failed).toMatchObject({ path: 'root.input', message: pgTimeout(pgLink, address) });
    expect(twin.faults.calls('rds.iamLogin')).toBe(logins);
    expect(netEmulator!.networkDrops(id)[0]).toMatchObject({ clusterIdentifier: 'orders-db', address, port: pgLink.ctx.port, reason: `the cluster has no security group: nothing admits 203.0.113.10/32 on port ${pgLink.ctx.port}` });
    // A rule for another address does not help either.
    const group = twin.network.create({ name: 'orders-db-access', vpcId: TWIN_VPC_ID, description: 'orders-db', tags: {} });
    twin.rds.setClusterSecurityGroups('orders-db', [group.groupId]);
    await twin.ports().network.authorizeIngress(group.groupId, [{ cidr: '198.51.100.0/24', port: pgLink.ctx.port, description: 'elsewhere' }]);
    await waitFor('a refusal naming the group', () => netEmulator!.networkDrops(id).some((d) => d.reason === `no rule of ${group.groupId} admits 203.0.113.10/32 on port ${pgLink.ctx.port}`));

    await heals(id, () => twin.ports().network.authorizeIngress(group.groupId, [{ cidr: '203.0.113.10/32', port: pgLink.ctx.port, description: 'Redpanda NAT' }]).then(() => undefined));
    await pgLink.sql("INSERT INTO public.orders (item, qty) VALUES ('over-the-internet', 7)");
    await waitFor('the INSERT through the public path', () => topic('orders.cdc').find((m) => m.value.includes('over-the-internet')));
    expect((await slotRow(pgLink))?.active).toBe(true);

    await blocked(id, pgLink, () => twin.ports().network.revokeIngress(group.groupId, [{ cidr: '203.0.113.10/32', port: pgLink.ctx.port, description: '' }]));
    await waitFor('the slot to be idle', async () => (await slotRow(pgLink))?.active === false);
    await api('DELETE', `/v1/redpanda-connect/pipelines/${id}`);
    await waitFor('the run to end', () => !netEmulator!.running().includes(id));
  });

  describe('a private cluster (peering)', () => {
    let netLink: Link;
    let id: string;
    let groupId: string;

    beforeAll(async () => {
      netLink = await registerLink(
        {
          name: 'vault',
          engine: 'aurora-postgresql',
          database: { create: false, clusterIdentifier: 'vault-db', databaseName: 'demo_db' },
          cdc: { user: 'iam_demo_user', schema: 'public', tables: ['orders'], snapshot: true },
          redpanda: { clusterId: CLUSTER_ID, accountId: RP_ACCOUNT, topic: 'vault.cdc' },
          identity: { mode: 'pipeline-role' },
        },
        { 'rds.logical_replication': '1', 'rds.iam_auth_for_replication': '1' },
        ['CREATE TABLE public.orders (id serial PRIMARY KEY, item text NOT NULL)', "INSERT INTO public.orders (item) VALUES ('alpha'), ('beta')"],
        [],
        { dbSubnetGroup: TWIN_DB_SUBNET_GROUP, publiclyAccessible: false, vpcSecurityGroupIds: [] },
      );
      const group = twin.network.create({ name: 'vault-db-access', vpcId: TWIN_VPC_ID, description: 'vault-db', tags: {} });
      groupId = group.groupId;
      twin.rds.setClusterSecurityGroups('vault-db', [groupId]);
      await twin.ports().network.authorizeIngress(groupId, [{ cidr: RP_NETWORK, port: netLink.ctx.port, description: 'Redpanda network' }]);
    }, 30_000);

    test('without an allowlist entry the data-plane firewall drops the private address', async () => {
      const address = addressOf(netLink);
      expect(address).toMatch(/^10\.80\.1\.\d+$/);
      expect(redpanda.clusters.get(CLUSTER_ID)!.allowed_destination_cidr_ports).toEqual([]);
      id = await createPipeline(netLink);
      const failed = await waitFor('the dial timeout', () => netLogs(id, (r) => r.level === 'ERROR')[0]);
      expect(failed.message).toBe(pgTimeout(netLink, address));
      expect(netEmulator!.networkDrops(id)[0]!.reason).toBe(`data-plane firewall: no entry of redpanda_connect.allowed_destination_cidr_ports admits ${address} port ${netLink.ctx.port}`);
      expect(topic('vault.cdc')).toEqual([]);
      // An entry for the VPC on another port is not enough.
      await setAllowlist([{ cidr: '10.80.0.0/16', port_start: netLink.ctx.port + 1 }]);
      await netEmulator!.reconnect(id);
      const drops = netEmulator!.networkDrops(id).length;
      await waitFor('another firewall drop', () => netEmulator!.networkDrops(id).length > drops);
      expect(netEmulator!.networkDrops(id).at(-1)!.reason).toMatch(/^data-plane firewall/);
    });

    test('with the entry for the VPC CIDR on the port, the snapshot and new rows stream', async () => {
      await setAllowlist([{ cidr: '10.80.0.0/16', port_start: netLink.ctx.port }]);
      const reads = await waitFor('the snapshot rows', () => (topic('vault.cdc').length >= 2 ? topic('vault.cdc') : undefined));
      expect(reads.map((m) => JSON.parse(m.value))).toEqual([
        { id: 1, item: 'alpha' },
        { id: 2, item: 'beta' },
      ]);
      await waitFor('the input to stream', () => active(id) === 1);
      await netLink.sql("INSERT INTO public.orders (item) VALUES ('through-the-peering')");
      await waitFor('the INSERT', () => topic('vault.cdc').find((m) => m.value.includes('through-the-peering')));
      expect((await slotRow(netLink))?.active).toBe(true);
    });

    test('without the route back to the Redpanda network the dial times out; the route back heals it', async () => {
      await blocked(id, netLink, () => twin.network.deleteRoute(TWIN_DB_ROUTE_TABLE_ID, RP_NETWORK));
      expect(netEmulator!.networkDrops(id).at(-1)!.reason).toMatch(/^route table rtb-0a1b2c3d4e5f60701 of subnet subnet-\w+ sends 10\.100\.0\.0\/16 by 0\.0\.0\.0\/0/);
      await heals(id, () => twin.network.createRoute(TWIN_DB_ROUTE_TABLE_ID, { destination: RP_NETWORK, target: { kind: 'peering', id: TWIN_PEERING_ID } }));
    });

    test('a peering connection that is not active (pending-acceptance) or a blackhole route drops it too', async () => {
      await blocked(id, netLink, () => twin.network.setPeeringStatus(TWIN_PEERING_ID, 'pending-acceptance'));
      expect(netEmulator!.networkDrops(id).at(-1)!.reason).toMatch(/peering connection pcx-0a1b2c3d4e5f60703 is pending-acceptance, not active$/);
      await heals(id, () => twin.network.setPeeringStatus(TWIN_PEERING_ID, 'active'));
      await blocked(id, netLink, () => twin.network.blackholeRoute(TWIN_DB_ROUTE_TABLE_ID, RP_NETWORK));
      expect(netEmulator!.networkDrops(id).at(-1)!.reason).toMatch(/the route 10\.100\.0\.0\/16 → pcx-0a1b2c3d4e5f60703 is blackhole$/);
      await heals(id, () => {
        twin.network.deleteRoute(TWIN_DB_ROUTE_TABLE_ID, RP_NETWORK);
        twin.network.createRoute(TWIN_DB_ROUTE_TABLE_ID, { destination: RP_NETWORK, target: { kind: 'peering', id: TWIN_PEERING_ID } });
      });
    });

    test('without a security-group rule from the Redpanda network CIDR the dial times out; a NAT rule does not help a private path', async () => {
      const rule = { cidr: RP_NETWORK, port: netLink.ctx.port, description: '' };
      await blocked(id, netLink, async () => {
        await twin.ports().network.revokeIngress(groupId, [rule]);
        await twin.ports().network.authorizeIngress(groupId, [{ cidr: '203.0.113.10/32', port: netLink.ctx.port, description: 'NAT' }]);
      });
      expect(netEmulator!.networkDrops(id).at(-1)!.reason).toBe(`no rule of ${groupId} admits ${RP_NETWORK} on port ${netLink.ctx.port}`);
      await waitFor('the slot to be idle', async () => (await slotRow(netLink))?.active === false);
      await heals(id, () => twin.ports().network.authorizeIngress(groupId, [rule]).then(() => undefined));
      await netLink.sql("INSERT INTO public.orders (item) VALUES ('after-healing')");
      await waitFor('the INSERT after healing', () => topic('vault.cdc').find((m) => m.value.includes('after-healing')));
      // Connect itself only ever saw timeouts: the reasons stay out of the logs.
      expect(netLogs(id, (r) => r.level === 'ERROR').every((r) => r.message === pgTimeout(netLink, addressOf(netLink)))).toBe(true);
      expect(topic(LOGS_TOPIC).some((m) => m.value.includes('data-plane firewall'))).toBe(false);
    });
  });
});

describeMysql('the network path of mysql_cdc (MariaDB stand-in)', () => {
  test('a private MySQL cluster without an allowlist entry: go-sql-driver\'s dial timeout, resolved by database among clusters sharing the port', async () => {
    const db = uniqueName('rpcn_net');
    const link = await registerLink(
      {
        name: 'depot',
        engine: 'aurora-mysql',
        database: { create: false, clusterIdentifier: 'depot-db', databaseName: db },
        cdc: { user: uniqueName('net_cdc'), tables: ['items'], snapshot: true },
        redpanda: { clusterId: CLUSTER_ID, accountId: RP_ACCOUNT, topic: 'depot.cdc' },
        identity: { mode: 'pipeline-role' },
      },
      {},
      ['CREATE TABLE items (id INT PRIMARY KEY)'],
      ['mysql.user.requireSsl'],
      { dbSubnetGroup: TWIN_DB_SUBNET_GROUP, publiclyAccessible: false, vpcSecurityGroupIds: [] },
    );
    const resolved = twin.resolveDatabase({ host: 'localhost', port: link.ctx.port, database: db })!;
    expect(resolved).toMatchObject({ clusterIdentifier: 'depot-db', scope: 'private' });
    // The allowlist of the previous scenarios covers 10.80.0.0/16 on another port only.
    const id = await createPipeline(link);
    const failed = await waitFor('the dial timeout', () => netEmulator!.logs(id).find((r) => r.level === 'ERROR'));
    expect(failed).toMatchObject({
      path: 'root.input',
      label: 'aurora_mysql_cdc',
      message: `Failed to connect to mysql_cdc: unable to prepare snapshot: create lock connection: dial tcp ${resolved.address}:${link.ctx.port}: i/o timeout`,
    });
    expect(netEmulator!.networkDrops(id)[0]!.reason).toMatch(/^data-plane firewall/);
    await api('DELETE', `/v1/redpanda-connect/pipelines/${id}`);
  });
});
