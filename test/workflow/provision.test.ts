// Provision end to end in the offline twin, through the committed ASL: the happy path for PostgreSQL in the
// default identity mode (access-key), a re-run converging, a transient and a permanent fault in each step in
// turn (of both first-hop kinds), and the pipeline-role policy as the one operator action.
import { jest } from '@jest/globals';
import { linkNames } from '../../lambdas/core/naming.js';
import { redpandaAcls } from '../../lambdas/core/redpanda-acls.js';
import type { LinkSummary } from '../../lambdas/handlers/record-link.js';
import { PROVISION_STEPS } from '../../lambdas/handlers/index.js';
import type { OfflineTwin } from '../../local/twin.js';
import { appSql, normalized, pgRequest, pipelineRoleRequest, stable, startTwin, waitFor } from './support.js';

// Whole executions with real databases: seconds each.
jest.setTimeout(120_000);


const DB = '111111111111';
let twin: OfflineTwin;

beforeAll(async () => {
  twin = await startTwin();
});

afterAll(async () => {
  await twin?.stop();
});

describe('happy path, aurora-postgresql', () => {
  const raw = pgRequest('orders');
  const request = normalized(raw);
  const names = linkNames(request, DB);
  let summary: LinkSummary;
  let tokensMinted: number;
  let redpandaSteps: number;

  beforeAll(async () => {
    const mintedBefore = twin.redpanda.tokensIssued();
    const result = await twin.provision(raw, { executionName: 'happy' });
    expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    summary = result.output as LinkSummary;
    tokensMinted = twin.redpanda.tokensIssued() - mintedBefore;
    // The Lambdas of this execution that call Redpanda Cloud (each its own function, with its own memory).
    const callers = ['ValidateRequest', 'EnsureAccessKey', 'EnsureTopic', 'EnsureRedpandaUser', 'EnsureRedpandaSecrets', 'CreatePipeline', 'CheckPipeline', 'Probe'];
    redpandaSteps = new Set(result.events.flatMap((e) => (e.state && callers.includes(e.state.name) ? [e.state.name] : []))).size;
  });

  test('the whole Provision mints at most two Redpanda Cloud tokens: its Lambdas share one through the token secret', () => {
    expect(redpandaSteps).toBeGreaterThan(5);
    expect(tokensMinted).toBeGreaterThanOrEqual(1);
    expect(tokensMinted).toBeLessThanOrEqual(2);
  });

  const USER_ARN = `arn:aws:iam::${DB}:user/rpcn-aurora/rpcn-aurora-orders-connector`;

  test('the output is the link summary, with no secret in it', async () => {
    const key = (await twin.deps.registry.get('orders'))!.accessKey!.current!;
    expect(summary).toMatchObject({
      link: 'orders',
      status: 'ready',
      verdict: 'healthy',
      identityMode: 'access-key',
      endpoint: 'localhost',
      database: 'demo_db',
      dbUser: 'iam_demo_user',
      dbConnectRoleArn: `arn:aws:iam::${DB}:role/rpcn-aurora-orders-db-connect`,
      firstHopArn: USER_ARN,
      accessKey: { accessKeyId: key.accessKeyId, createdAt: key.createdAt, rotateAfterDays: 30 },
      topic: 'orders.cdc',
      operatorActions: [],
    });
    expect(summary).not.toHaveProperty('firstHopPolicy');
    expect(summary.consumeCommand).toContain('rpk topic consume orders.cdc');
  });

  test('IAM: the connector user under its path and boundary with exactly its one policy and one key; the db-connect role trusts exactly it', async () => {
    const user = await twin.deps.iam.getUser(names.connectorUser);
    expect(user).toMatchObject({
      arn: USER_ARN,
      path: '/rpcn-aurora/',
      tags: { 'rpcn-aurora:link': 'orders', 'managed-by': 'rpcn-aurora' },
      permissionsBoundaryArn: `arn:aws:iam::${DB}:policy/rpcn-aurora-link-boundary`,
      attachedPolicyArns: [],
    });
    expect(Object.keys(user!.inlinePolicies)).toEqual([names.connectorUserPolicy]);
    const policy = JSON.stringify(user!.inlinePolicies[names.connectorUserPolicy]);
    expect(policy).toContain(`"Resource":"arn:aws:iam::${DB}:role/${names.dbConnectRole}"`);
    expect(policy).toContain('"NotIpAddress":{"aws:SourceIp":["203.0.113.10/32","203.0.113.11/32"]}');
    const record = await twin.deps.registry.get('orders');
    expect(user!.accessKeys).toEqual([{ accessKeyId: record!.accessKey!.current!.accessKeyId, status: 'Active', createdAt: expect.any(String) }]);
    expect(record!.accessKey).toEqual({ current: { accessKeyId: expect.stringMatching(/^AKIA[0-9A-Z]{16}$/), slot: 'A', createdAt: expect.any(String) } });

    const role = await twin.deps.iam.getRole(names.dbConnectRole);
    expect(role?.tags).toEqual({ redpanda_scope_redpanda_connect: 'true', 'rpcn-aurora:link': 'orders' });
    expect(role?.trustPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'TrustLinkConnectorUser', Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }],
    });
    const cluster = await twin.deps.aurora.describeCluster(request.database.clusterIdentifier);
    expect(JSON.stringify(role?.inlinePolicies[names.dbConnectPolicy])).toContain(`dbuser:${cluster!.resourceId}/iam_demo_user`);
    // Nothing in the Redpanda account: the pipeline role is left alone.
    const view = await twin.deps.pipelineRole.inspect(names.pipelineRole);
    expect(view.available && Object.keys(view.inlinePolicies)).toEqual([]);
  });

  test('the pipeline assumed the db-connect role as the connector user, with its key (the pod has no identity of its own)', () => {
    const sessions = twin.aws.sts.issued().filter((s) => s.roleName === names.dbConnectRole);
    expect(sessions.length).toBeGreaterThan(0);
    expect(new Set(sessions.map((s) => s.assumedBy))).toEqual(new Set([USER_ARN]));
  });

  test('Aurora: IAM auth, Data API, encrypted, managed secret, our parameter group and security group', async () => {
    const cluster = await twin.deps.aurora.describeCluster(request.database.clusterIdentifier);
    expect(cluster).toMatchObject({ status: 'available', iamAuthEnabled: true, httpEndpointEnabled: true, storageEncrypted: true, parameterGroup: names.clusterParameterGroup });
    expect(cluster!.masterUserSecretArn).toMatch(/secret:rds!cluster-/);
    const group = await twin.deps.network.describeSecurityGroup(cluster!.vpcSecurityGroupIds[0]!);
    expect(group?.ingress.map((r) => r.cidr).sort()).toEqual(['203.0.113.10/32', '203.0.113.11/32']);
    expect(group?.ingress.every((r) => r.port === cluster!.port)).toBe(true);
  });

  test('database: memberships, grants on exactly the tables, the publication, and an active slot', async () => {
    const members = await appSql(twin, request, "SELECT m.rolname FROM pg_auth_members am JOIN pg_roles m ON m.oid = am.roleid JOIN pg_roles u ON u.oid = am.member WHERE u.rolname = 'iam_demo_user' ORDER BY 1");
    expect(members.map((r) => r.rolname)).toEqual(['rds_iam', 'rds_replication']);
    const grants = await appSql(twin, request, "SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = 'iam_demo_user' ORDER BY 1, 2");
    expect(grants).toEqual([{ table_name: 'orders', privilege_type: 'SELECT' }]);
    const published = await appSql(twin, request, `SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = '${names.publication}'`);
    expect(published).toEqual([{ schemaname: 'public', tablename: 'orders' }]);
    const slots = await appSql(twin, request, `SELECT slot_name, plugin, active FROM pg_replication_slots`);
    expect(slots).toEqual([{ slot_name: names.slot, plugin: 'pgoutput', active: true }]);
  });

  test('Redpanda: topic, user, exactly the link ACLs, secrets, pipeline RUNNING', () => {
    const state = twin.redpanda.stateOf(request.redpanda.clusterId).snapshot();
    expect(state.topics.find((t) => t.name === 'orders.cdc')).toMatchObject({ partitionCount: 3, replicationFactor: 3 });
    expect(state.users.map((u) => u.name)).toContain(names.redpandaUser);
    const ours = state.acls.filter((a) => a.principal === `User:${names.redpandaUser}`).map((a) => `${a.resource_type}/${a.resource_name}/${a.operation}`).sort();
    expect(ours).toEqual(redpandaAcls(request, DB).map((a) => `${a.resourceType}/${a.resourceName}/${a.operation}`).sort());
    expect(state.secrets.map((s) => s.id).sort()).toEqual(
      [names.redpandaSecrets.rdsCaBundle, names.redpandaSecrets.saslPassword, names.redpandaSecrets.accessKeyId.A, names.redpandaSecrets.secretAccessKey.A].sort(),
    );
    for (const s of state.secrets) expect(s.labels).toMatchObject({ 'rpcn-aurora-link': 'orders', 'managed-by': 'rpcn-aurora' });
    const pipeline = state.pipelines.find((p) => p.display_name === names.pipelineDisplayName);
    expect(pipeline?.state).toBe('STATE_RUNNING');
    expect(pipeline?.config_yaml).toContain(`id: "\${secrets.${names.redpandaSecrets.accessKeyId.A}}"`);
  });

  test('CDC: a row inserted now arrives in the topic with its metadata; an unconfigured table does not', async () => {
    const messages = () => twin.redpanda.stateOf(request.redpanda.clusterId).messages.get('orders.cdc') ?? [];
    const before = messages().length;
    await appSql(twin, request, "INSERT INTO public.audit_log (note) VALUES ('not published')");
    await appSql(twin, request, "INSERT INTO public.orders (item, qty) VALUES ('sprocket', 7)");
    const message = await waitFor('the CDC row', () => messages().slice(before).find((m) => m.value?.includes('sprocket')));
    expect(JSON.parse(message.value!)).toMatchObject({ item: 'sprocket', qty: 7 });
    expect(message.headers).toMatchObject({ table: 'orders', operation: 'insert' });
    expect(messages().slice(before).some((m) => m.value?.includes('not published'))).toBe(false);
  });

  test('the registry records what the link created', async () => {
    const record = await twin.deps.registry.get('orders');
    expect(record?.status).toBe('ready');
    expect(Object.keys(record!.owned).sort()).toEqual(
      ['acls', 'cluster', 'connectorUser', 'dbConnectRole', 'databaseUser', 'egressCidrs', 'ingressCidrs', 'parameterGroup', 'pipelineId', 'publication', 'redpandaSecrets', 'redpandaUser', 'saslPasswordSecret', 'securityGroupId', 'slot', 'topic', 'writerInstance'].sort(),
    );
  });

  test('the same request again converges: nothing duplicated, nothing changed', async () => {
    const before = stable(await twin.aws.inventory());
    const pipelinesBefore = twin.redpanda.stateOf(request.redpanda.clusterId).pipelines.size;
    const again = await twin.provision(raw, { executionName: 'happy-again' });
    expect(again.status).toBe('SUCCEEDED');
    expect((again.output as LinkSummary).pipelineId).toBe(summary.pipelineId);
    expect(twin.redpanda.stateOf(request.redpanda.clusterId).pipelines.size).toBe(pipelinesBefore);
    expect(stable(await twin.aws.inventory())).toEqual(before);
  });
});

// Every step an access-key link's run meets, except RecordFailure (the Catch target itself), in order; the
// role modes' ApplyPipelineRolePolicy has its own tests below.
const STEPS = Object.keys(PROVISION_STEPS).filter((s) => s !== 'RecordFailure' && s !== 'ApplyPipelineRolePolicy');

/** A re-run finds the pipeline running and skips its wait loop; stop it first so CheckPipeline runs. */
async function loopOnce(step: string, raw: Record<string, any>): Promise<void> {
  if (step !== 'CheckPipeline') return;
  const record = await twin.deps.registry.get(raw.name);
  const request = normalized(raw);
  if (!record?.owned.pipelineId) return;
  const cloud = await twin.deps.redpanda();
  await cloud.dataPlane(twin.redpanda.dataplaneUrl(request.redpanda.clusterId)).stopPipeline(record.owned.pipelineId);
}

/** EnsureEgressAllowlist runs for private links only: its faults are met by a private link of the same name. */
const privately = (raw: Record<string, any>) =>
  pgRequest(`${raw.name}-private`, (r) => {
    delete r.database.publiclyAccessible;
    r.database.network = 'private';
  });

describe('a link name RDS would refuse in its identifiers', () => {
  test.each(['orders--eu', 'orders-'])('"%s" is refused by ValidateRequest before anything is created', async (name) => {
    const before = stable(await twin.aws.inventory());
    const result = await twin.provision(pgRequest(name), { executionName: `bad-name-${name.length}` });
    expect({ status: result.status, error: result.error }).toEqual({ status: 'FAILED', error: 'InvalidRequestError' });
    expect(result.cause).toMatch(/name: must be 3-31 characters: .*not ending with "-" and without "--"/);
    expect(stable(await twin.aws.inventory())).toEqual(before);
  });
});

describe('a transient fault in each step is retried', () => {
  const publicRaw = pgRequest('retries');
  test.each(STEPS)('%s', async (step) => {
    const raw = step === 'EnsureEgressAllowlist' ? privately(publicRaw) : publicRaw;
    await loopOnce(step, raw);
    twin.stepFaults.set(step, { error: step.includes('Topic') || step.includes('Redpanda') || step.includes('Pipeline') ? 'RedpandaTransientError' : 'AwsThrottledError', times: 1 });
    const calls = twin.stepCalls.get(step) ?? 0;
    const result = await twin.provision(raw, { executionName: `transient-${step}` });
    expect({ status: result.status, error: result.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect(twin.stepFaults.get(step)?.times).toBe(0);
    expect(twin.stepCalls.get(step)! - calls).toBeGreaterThanOrEqual(2);
    expect(result.events.some((e) => e.type === 'StateRetried' && e.state?.name && (e.state.name === step || e.state.name === 'JudgeAgain'))).toBe(true);
  });
});

describe('a permanent fault in each step fails the execution with its named error and a diagnosis; a re-run succeeds', () => {
  const publicRaw = pgRequest('faults');
  test.each(STEPS)('%s', async (step) => {
    const raw = step === 'EnsureEgressAllowlist' ? privately(publicRaw) : publicRaw;
    twin.stepFaults.set(step, {
      error: 'StepAccessDeniedError',
      message: `User: arn:aws:sts::${DB}:assumed-role/rpcn-aurora-${step}/x is not authorized to perform: iam:Example on resource: arn:aws:iam::${DB}:role/x`,
      times: 1,
    });
    await loopOnce(step, raw);
    const failed = await twin.provision(raw, { executionName: `permanent-${step}` });
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('StepAccessDeniedError');
    expect(failed.cause).toMatch(new RegExp(`^${step} failed: User: .* is not authorized to perform`));
    expect(failed.cause).toMatch(/diagnosis \[aws-access-denied\]/);
    const record = await twin.deps.registry.get(raw.name);
    if (step === 'ValidateRequest') {
      // A refused request is not recorded on the link: the name might belong to another link.
      expect(record?.failure).toBeUndefined();
    } else {
      expect(record?.failure).toMatchObject({ step, error: 'StepAccessDeniedError', diagnosis: { id: 'aws-access-denied' } });
      expect(record?.status).toBe('failed');
    }

    const again = await twin.provision(raw, { executionName: `permanent-${step}-rerun` });
    expect({ status: again.status, error: again.error, cause: again.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    const after = await twin.deps.registry.get(raw.name);
    expect(after?.status).toBe('ready');
    expect(after?.failure).toBeUndefined();
  });
});

describe("identity mode pipeline-role (the walkthrough's chain, on a cluster whose pipelines still get a pod identity)", () => {
  let irsa: OfflineTwin;
  const raw = pipelineRoleRequest('chain');
  const names = linkNames(normalized(raw), DB);

  beforeAll(async () => {
    irsa = await startTwin({ pipelinePodIdentity: 'irsa' });
  });

  afterAll(async () => {
    await irsa?.stop();
  });

  test('the db-connect role trusts exactly the pipeline role; our policy on it through the healer; no connector user', async () => {
    const result = await irsa.provision(raw, { executionName: 'chain' });
    expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    expect(result.output).toMatchObject({
      identityMode: 'pipeline-role',
      firstHopArn: `arn:aws:iam::861276079005:role/${names.pipelineRole}`,
      firstHopPolicy: { applied: true, policyName: names.pipelineRolePolicy, roleName: names.pipelineRole },
    });
    expect(JSON.stringify((await irsa.deps.iam.getRole(names.dbConnectRole))?.trustPolicy)).toContain(`arn:aws:iam::861276079005:role/${names.pipelineRole}`);
    const view = await irsa.deps.pipelineRole.inspect(names.pipelineRole);
    expect(view.available && Object.keys(view.inlinePolicies)).toEqual([names.pipelineRolePolicy]);
    expect(await irsa.deps.iam.getUser(names.connectorUser)).toBeUndefined();
    const yaml = irsa.redpanda.stateOf(normalized(raw).redpanda.clusterId).snapshot().pipelines.find((p) => p.display_name === names.pipelineDisplayName)!.config_yaml;
    expect(yaml).not.toMatch(/\bid: |secret: /);
  });

  test('a transient fault in ApplyPipelineRolePolicy is retried; a permanent one fails with its name and diagnosis, and a re-run succeeds', async () => {
    irsa.stepFaults.set('ApplyPipelineRolePolicy', { error: 'AwsThrottledError', times: 1 });
    expect((await irsa.provision(raw, { executionName: 'chain-transient' })).status).toBe('SUCCEEDED');
    expect(irsa.stepFaults.get('ApplyPipelineRolePolicy')?.times).toBe(0);
    irsa.stepFaults.set('ApplyPipelineRolePolicy', {
      error: 'StepAccessDeniedError',
      message: `User: arn:aws:sts::${DB}:assumed-role/rpcn-aurora-ApplyPipelineRolePolicy/x is not authorized to perform: iam:PutRolePolicy on resource: arn:aws:iam::861276079005:role/${names.pipelineRole}`,
      times: 1,
    });
    const failed = await irsa.provision(raw, { executionName: 'chain-permanent' });
    expect({ status: failed.status, error: failed.error }).toEqual({ status: 'FAILED', error: 'StepAccessDeniedError' });
    expect(failed.cause).toMatch(/^ApplyPipelineRolePolicy failed: .*diagnosis \[aws-access-denied\]/);
    expect((await irsa.provision(raw, { executionName: 'chain-rerun' })).status).toBe('SUCCEEDED');
  });
});

describe("a pipeline role whose inline policies leave no room for ours (IAM's 10,240 characters per role)", () => {
  let crowded: OfflineTwin;
  const raw = pipelineRoleRequest('crowded');
  const names = linkNames(normalized(raw), DB);
  // 10,100 characters without whitespace: a padded Sid.
  const base = { Version: '2012-10-17', Statement: [{ Sid: '', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
  const theirs = { ...base, Statement: [{ ...base.Statement[0]!, Sid: 'S'.repeat(10_100 - JSON.stringify(base).length) }] };

  beforeAll(async () => {
    crowded = await startTwin({ pipelinePodIdentity: 'irsa' });
    await crowded.aws.putRolePolicy({ account: 'redpanda', roleName: names.pipelineRole, policyName: 'redpanda-managed', document: theirs });
  });

  afterAll(async () => {
    await crowded?.stop();
  });

  test('ApplyPipelineRolePolicy measures them and refuses with both sizes and the fix; the role is left as it was', async () => {
    const result = await crowded.provision(raw, { executionName: 'crowded' });
    expect({ status: result.status, error: result.error }).toEqual({ status: 'FAILED', error: 'InlinePolicySizeExceededError' });
    expect(result.cause).toMatch(
      /^ApplyPipelineRolePolicy failed: \[pipeline-role-policy-too-large\] role redpanda-\S+-pipeline's other inline policies take 10100 characters \(whitespace excluded\); ours, rpcn-aurora-\d{12}-crowded, needs \d+ more: \d+ in all, above IAM's 10240/,
    );
    expect(result.cause).toContain('identity.mode "access-key"');
    expect(result.cause).toContain('diagnosis [pipeline-role-policy-too-large]');
    const view = await crowded.deps.pipelineRole.inspect(names.pipelineRole);
    expect(view.available && Object.keys(view.inlinePolicies)).toEqual(['redpanda-managed']);
  });
});

describe('the pipeline-role policy without the RpcnAurora-RedpandaAccess stack', () => {
  let bare: OfflineTwin;
  const raw = pipelineRoleRequest('byhand');
  const names = linkNames(normalized(raw), DB);

  beforeAll(async () => {
    bare = await startTwin({ redpandaAccessDeployed: false, pipelinePodIdentity: 'irsa' });
  });

  afterAll(async () => {
    await bare?.stop();
  });

  test('is the one operator action; the probe names the fix; once attached, the pipeline connects', async () => {
    const result = await bare.provision(raw, { executionName: 'byhand' });
    expect(result.status).toBe('SUCCEEDED');
    const summary = result.output as LinkSummary;
    expect(summary).toMatchObject({ status: 'action-required', verdict: 'action-required', firstHopPolicy: { applied: false, reason: expect.stringMatching(/RpcnAurora-RedpandaAccess/) } });
    expect(summary.operatorActions).toHaveLength(1);
    expect(summary.operatorActions[0]).toMatch(new RegExp(`aws iam put-role-policy --role-name ${names.pipelineRole} --policy-name ${names.pipelineRolePolicy} --policy-document`));
    const record = await bare.deps.registry.get('byhand');
    expect(record?.status).toBe('action-required');
    expect(record?.owned.pipelineRolePolicy).toBeUndefined();
    // The pipeline is denied, with Redpanda Connect's text, until the operator acts.
    const pipelineId = summary.pipelineId;
    await waitFor('the AssumeRole denial', () => bare.emulator.logs(pipelineId).find((l) => /is not authorized to perform: sts:AssumeRole/.test(l.message)));

    const document = JSON.parse(summary.operatorActions[0]!.match(/--policy-document '(.*)'$/)![1]!);
    await bare.aws.putRolePolicy({ account: 'redpanda', roleName: names.pipelineRole, policyName: names.pipelineRolePolicy, document });
    await waitFor('the slot to go active', async () => {
      const slots = await appSql(bare, normalized(raw), 'SELECT active FROM pg_replication_slots');
      return slots[0]?.active === true ? true : undefined;
    });
  });
});
