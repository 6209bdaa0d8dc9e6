// Validate in the offline twin, for links of identity mode pipeline-role (the role chain; access-key links are
// in access-key.test.ts): every kind of change to a role of the chain, routed like the IAM-watch rules route
// CloudTrail events, judged through the committed ASL, healed exactly when allowed; bursts collapse; the
// schedule judges every link once; our own healing does not trigger validations (the loop guard).
import { jest } from '@jest/globals';
import { dbConnectRoleArtifacts, dbConnectTrustPolicy, rolePolicyFirstHop } from '../../lambdas/core/iam.js';
import { linkNames, pipelineRoleName } from '../../lambdas/core/naming.js';
import type { ValidationSummary } from '../../lambdas/handlers/record-verdict.js';
import type { OfflineTwin } from '../../local/twin.js';
import { normalized, pipelineRoleRequest, stable, startTwin } from './support.js';

// Whole executions with real databases: seconds each.
jest.setTimeout(120_000);


const DB = '111111111111';
let twin: OfflineTwin;
// One minute for the whole file: execution names are per minute, so the tests below control collapsing.
let now = new Date('2026-11-24T10:00:00Z');

const healing = pipelineRoleRequest('healing');
const manual = pipelineRoleRequest('manual', (r) => (r.selfHeal = false));
const names = (raw: Record<string, any>) => linkNames(normalized(raw), DB);

beforeAll(async () => {
  twin = await startTwin({ clock: () => now, pipelinePodIdentity: 'irsa' });
  for (const raw of [healing, manual]) expect((await twin.provision(raw)).status).toBe('SUCCEEDED');
  await twin.idle();
});

afterAll(async () => {
  await twin?.stop();
});

beforeEach(async () => {
  await twin.idle();
  now = new Date(now.getTime() + 60_000); // a new minute: a new validation may start
});

/** Validations started since `from`, by link. */
function validationsSince(from: number): Record<string, ValidationSummary[]> {
  const out: Record<string, ValidationSummary[]> = {};
  for (const { result } of twin.validations.results.slice(from)) {
    const summary = result.output as ValidationSummary;
    (out[summary.link] ??= []).push(summary);
  }
  return out;
}

async function afterChange(change: () => unknown | Promise<unknown>): Promise<Record<string, ValidationSummary[]>> {
  const from = twin.validations.results.length;
  await change();
  await twin.idle();
  return validationsSince(from);
}

async function dbConnectRole(raw: Record<string, any>) {
  return twin.deps.iam.getRole(names(raw).dbConnectRole);
}

describe('each kind of change', () => {
  test('inline policy deleted from the pipeline role: both links on that role judged; the selfHeal one healed, the other reported', async () => {
    const before = stable(await dbConnectRole(manual));
    const results = await afterChange(async () => {
      twin.aws.deleteRolePolicy({ account: 'redpanda', roleName: twin.aws.pipelineRoleName, policyName: names(healing).pipelineRolePolicy });
      twin.aws.deleteRolePolicy({ account: 'redpanda', roleName: twin.aws.pipelineRoleName, policyName: names(manual).pipelineRolePolicy });
    });
    expect(Object.keys(results).sort()).toEqual(['healing', 'manual']);
    expect(results.healing).toHaveLength(1);
    expect(results.healing![0]).toMatchObject({ before: 'drifted', verdict: 'healthy', healed: true });
    expect(results.healing![0]!.actions.join()).toMatch(/put back inline policy/);
    expect(results.manual).toHaveLength(1);
    expect(results.manual![0]).toMatchObject({ before: 'drifted', verdict: 'drifted', healed: false, actions: [] });
    expect(results.manual![0]!.findings.map((f) => f.id)).toContain('assume-role-denied-missing-inline-policy');
    const view = await twin.deps.pipelineRole.inspect(twin.aws.pipelineRoleName);
    expect(view.available && Object.keys(view.inlinePolicies).sort()).toEqual([names(healing).pipelineRolePolicy]);
    expect(stable(await dbConnectRole(manual))).toEqual(before);
    // put the manual link's policy back, as its operator would
    const pipelineRole = rolePolicyFirstHop(
      dbConnectRoleArtifacts(normalized(manual), { dbAccountId: DB, region: 'us-east-2', clusterResourceId: (await twin.deps.aurora.describeCluster(normalized(manual).database.clusterIdentifier))!.resourceId }),
    )!;
    await afterChange(() => twin.aws.putRolePolicy({ account: 'redpanda', roleName: pipelineRole.roleName, policyName: pipelineRole.policy.policyName, document: pipelineRole.policy.document }));
  });

  test('inline policy edited (tag condition removed and resource widened)', async () => {
    const results = await afterChange(() =>
      twin.aws.putRolePolicy({
        account: 'redpanda',
        roleName: twin.aws.pipelineRoleName,
        policyName: names(healing).pipelineRolePolicy,
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${DB}:role/*` }] },
      }),
    );
    expect(results.healing![0]).toMatchObject({ before: 'drifted', verdict: 'healthy', healed: true });
    expect(results.manual![0]).toMatchObject({ before: 'healthy', verdict: 'healthy' });
  });

  test('tag removed from the db-connect role', async () => {
    const results = await afterChange(() => twin.aws.untagRole({ account: 'db', roleName: names(healing).dbConnectRole, tagKeys: ['redpanda_scope_redpanda_connect'] }));
    expect(Object.keys(results)).toEqual(['healing']);
    expect(results.healing![0]).toMatchObject({ before: 'drifted', verdict: 'healthy', healed: true });
    expect((await dbConnectRole(healing))?.tags.redpanda_scope_redpanda_connect).toBe('true');
  });

  test('trust edited to another principal, on a link without selfHeal: drifted, nothing changed', async () => {
    const wrong = dbConnectTrustPolicy({ ...normalized(manual), redpanda: { ...normalized(manual).redpanda, clusterId: 'aaaaaaaaaaaaaaaaaaaa' } }, { dbAccountId: DB });
    // Another cluster's pipeline role, which exists (IAM refuses a trust principal that does not).
    await twin.aws.createRole({
      account: 'redpanda',
      roleName: pipelineRoleName('aaaaaaaaaaaaaaaaaaaa'),
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    });
    const results = await afterChange(() => twin.aws.updateAssumeRolePolicy({ account: 'db', roleName: names(manual).dbConnectRole, document: wrong }));
    expect(Object.keys(results)).toEqual(['manual']);
    expect(results.manual![0]).toMatchObject({ before: 'drifted', verdict: 'drifted', healed: false });
    expect(results.manual![0]!.findings.map((f) => f.id)).toContain('assume-role-denied-wrong-trust');
    expect(JSON.stringify((await dbConnectRole(manual))?.trustPolicy)).toContain('aaaaaaaaaaaaaaaaaaaa');
    // the operator fixes it
    await afterChange(() => twin.aws.updateAssumeRolePolicy({ account: 'db', roleName: names(manual).dbConnectRole, document: dbConnectTrustPolicy(normalized(manual), { dbAccountId: DB }) }));
  });

  test('permission policy edited to another database user', async () => {
    const role = await dbConnectRole(healing);
    const edited = JSON.parse(JSON.stringify(role!.inlinePolicies[names(healing).dbConnectPolicy]).replace('/iam_demo_user', '/someone_else'));
    const results = await afterChange(() => twin.aws.putRolePolicy({ account: 'db', roleName: names(healing).dbConnectRole, policyName: names(healing).dbConnectPolicy, document: edited }));
    expect(results.healing![0]).toMatchObject({ before: 'drifted', verdict: 'healthy', healed: true });
    expect(results.healing![0]!.actions.join()).toMatch(/restored the permission policy/);
  });

  test('db-connect role deleted: recreated when selfHeal is on', async () => {
    const results = await afterChange(async () => {
      twin.aws.deleteRolePolicy({ account: 'db', roleName: names(healing).dbConnectRole, policyName: names(healing).dbConnectPolicy });
      twin.aws.deleteRole({ account: 'db', roleName: names(healing).dbConnectRole });
    });
    expect(results.healing).toHaveLength(1);
    expect(results.healing![0]).toMatchObject({ verdict: 'healthy', healed: true });
    expect(results.healing![0]!.actions.join()).toMatch(/recreated IAM role/);
    expect((await dbConnectRole(healing))?.tags['rpcn-aurora:link']).toBe('healing');
  });

  test('a customer-managed policy on the pipeline role: attached, then a new default version', async () => {
    const deny = { Version: '2012-10-17', Statement: [{ Sid: 'NoDbAccess', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${DB}:role/rpcn-aurora-*` }] };
    const policyArn = await twin.aws.createPolicy({ account: 'redpanda', policyName: 'team-guardrail', document: deny });
    const attached = await afterChange(() => twin.aws.attachRolePolicy({ account: 'redpanda', roleName: twin.aws.pipelineRoleName, policyArn }));
    // An explicit deny is not ours to remove: both links drifted, nothing healed.
    expect(Object.keys(attached).sort()).toEqual(['healing', 'manual']);
    for (const link of ['healing', 'manual']) {
      expect(attached[link]![0]).toMatchObject({ verdict: 'drifted', healed: false });
      expect(attached[link]![0]!.findings.map((f) => f.id)).toContain('assume-role-denied');
    }
    now = new Date(now.getTime() + 60_000);
    const allow = { Version: '2012-10-17', Statement: [{ Sid: 'ReadOnly', Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }] };
    const versioned = await afterChange(() => twin.aws.createPolicyVersion({ policyArn, document: allow, setAsDefault: true }));
    expect(Object.fromEntries(Object.entries(versioned).map(([k, v]) => [k, v.map((x) => x.verdict)]))).toEqual({ healing: ['healthy'], manual: ['healthy'] });
    now = new Date(now.getTime() + 60_000);
    await afterChange(() => twin.aws.detachRolePolicy({ account: 'redpanda', roleName: twin.aws.pipelineRoleName, policyArn }));
  });

  test('a permissions boundary on the pipeline role without sts:AssumeRole: reported as the boundary (the simulation gets it), not allowed', async () => {
    const boundaryArn = await twin.aws.createPolicy({
      account: 'redpanda',
      policyName: 'redpanda-byovpc-boundary',
      document: { Version: '2012-10-17', Statement: [{ Sid: 'OnlySecretsAndBuckets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 's3:GetObject'], Resource: '*' }] },
    });
    try {
      await afterChange(() => twin.aws.setRolePermissionsBoundary({ account: 'redpanda', roleName: twin.aws.pipelineRoleName, permissionsBoundary: boundaryArn }));
      const result = await twin.validate({ link: 'manual' });
      const summary = result.output as ValidationSummary;
      expect(summary.verdict).not.toBe('healthy');
      const finding = summary.findings.find((f) => f.id === 'assume-role-denied-permissions-boundary');
      expect(finding).toBeDefined();
      expect(finding!.message).toContain(boundaryArn);
      expect(finding!.message).toContain('the permissions boundary does not allow it');
    } finally {
      await afterChange(() => twin.aws.setRolePermissionsBoundary({ account: 'redpanda', roleName: twin.aws.pipelineRoleName, permissionsBoundary: undefined }));
    }
    expect((await twin.validate({ link: 'manual' })).output).toMatchObject({ verdict: 'healthy' });
  });

  test('an unrelated role changed: no link judged', async () => {
    await twin.aws.createRole({ account: 'db', roleName: 'someone-elses-role', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } });
    const from = twin.routed.length;
    const results = await afterChange(() => twin.aws.tagRole({ account: 'db', roleName: 'someone-elses-role', tags: { team: 'x' } }));
    expect(results).toEqual({});
    expect(twin.routed.slice(from).map((r) => r.outcome)).toEqual([expect.objectContaining({ started: [], ignored: expect.stringMatching(/concerns no link/) })]);
  });

  test("the healer's own change is ignored (loop guard): one validation per change, no storm", async () => {
    const from = twin.routed.length;
    const results = await afterChange(() =>
      twin.aws.deleteRolePolicy({ account: 'redpanda', roleName: twin.aws.pipelineRoleName, policyName: names(healing).pipelineRolePolicy }),
    );
    expect(results.healing).toHaveLength(1);
    const outcomes = twin.routed.slice(from).map((r) => ({ event: r.event.detail.eventName, actor: r.event.detail.userIdentity.arn, outcome: r.outcome }));
    // the operator's delete, then the healer's put: the second is ignored
    expect(outcomes).toHaveLength(2);
    expect(outcomes[1]).toMatchObject({ event: 'PutRolePolicy', actor: expect.stringContaining(':assumed-role/rpcn-aurora-healer/'), outcome: { started: [], ignored: expect.stringMatching(/our own healing/) } });
  });
});

test('a burst of 20 events for one link starts one validation', async () => {
  const from = twin.validations.results.length;
  const started = twin.validations.names.size;
  await Promise.all(
    Array.from({ length: 20 }, (_, i) => twin.aws.tagRole({ account: 'db', roleName: names(healing).dbConnectRole, tags: { [`burst${i}`]: 'x' } })),
  );
  await twin.idle();
  expect(twin.validations.names.size - started).toBe(1);
  expect(Object.keys(validationsSince(from))).toEqual(['healing']);
  const duplicates = twin.routed.slice(-20).filter((r) => (r.outcome as { duplicates: string[] }).duplicates.includes('healing'));
  expect(duplicates).toHaveLength(19);
});

test('the schedule judges every link once and records the verdicts; a metric per verdict', async () => {
  const from = twin.validations.results.length;
  const points = twin.metrics.points.length;
  const outcome = await twin.route({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
  await twin.idle();
  expect(outcome).toMatchObject({ trigger: 'schedule', started: ['healing', 'manual'] });
  const results = validationsSince(from);
  expect(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.map((s) => s.verdict)]))).toEqual({ healing: ['healthy'], manual: ['healthy'] });
  expect(twin.metrics.points.slice(points).map((p) => `${p.link}:${p.verdict}`).sort()).toEqual(['healing:healthy', 'manual:healthy']);
  const record = await twin.deps.registry.get('manual');
  expect(record?.verdicts.at(-1)).toMatchObject({ trigger: 'schedule', verdict: 'healthy' });
});

test('a direct {"link": name} start, and a link that does not exist', async () => {
  const direct = await twin.validate({ link: 'healing' });
  expect(direct.status).toBe('SUCCEEDED');
  expect(direct.output).toMatchObject({ link: 'healing', verdict: 'healthy', trigger: 'direct' });
  const missing = await twin.validate({ link: 'nobody' });
  expect(missing.output).toMatchObject({ verdict: 'unknown', why: expect.stringMatching(/no link named/) });
});

test('without the Redpanda-account stack the verdict is unknown, with why', async () => {
  twin.aws.removeRedpandaAccess();
  try {
    const result = await twin.validate({ link: 'healing' });
    expect(result.output).toMatchObject({ verdict: 'unknown', why: expect.stringMatching(/RpcnAurora-RedpandaAccess/) });
  } finally {
    twin.aws.deployRedpandaAccess();
  }
});
