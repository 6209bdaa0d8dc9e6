// Identity modes end to end in the offline twin: access-key (the default) under every kind of drift of its
// connector user and key, routed like the IAM-watch rules route CloudTrail events and healed (a lost key by a
// rotation); self-managed (no Cloud pipeline, the YAML handed over); what ValidateRequest refuses before
// anything is created (pipeline-role on BYOVPC, a Connect too old, a restricted key without egress addresses);
// and a Cloud pipeline with no identity at all, whose logs `diagnose` explains.
import { jest } from '@jest/globals';
import { classifyLine } from '../../lambdas/core/diagnosis.js';
import { linkNames } from '../../lambdas/core/naming.js';
import type { LinkSummary } from '../../lambdas/handlers/record-link.js';
import type { ValidationSummary } from '../../lambdas/handlers/record-verdict.js';
import type { OfflineTwin } from '../../local/twin.js';
import { appSql, normalized, pgRequest, pipelineRoleRequest, stable, startTwin, waitFor } from './support.js';

jest.setTimeout(180_000);

const DB = '111111111111';

describe('access-key: every kind of drift of the connector user and its key', () => {
  let twin: OfflineTwin;
  let now = new Date('2026-11-24T10:00:00Z');
  const raw = pgRequest('keys');
  const request = normalized(raw);
  const names = linkNames(request, DB);
  const user = names.connectorUser;

  beforeAll(async () => {
    twin = await startTwin({ clock: () => now });
    expect((await twin.provision(raw)).status).toBe('SUCCEEDED');
    await twin.idle();
  });

  afterAll(async () => {
    await twin?.stop();
  });

  beforeEach(async () => {
    await twin.idle();
    now = new Date(now.getTime() + 60_000); // a new minute: a new validation may start
  });

  /** The validations (and rotations) a change caused, once everything it started has finished. */
  async function afterChange(change: () => unknown | Promise<unknown>): Promise<{ validations: ValidationSummary[]; rotations: string[] }> {
    const v = twin.validations.results.length;
    const r = twin.rotations.results.length;
    await change();
    await twin.idle();
    return {
      validations: twin.validations.results.slice(v).map((x) => x.result.output as ValidationSummary),
      rotations: twin.rotations.results.slice(r).map((x) => x.result.status),
    };
  }

  const currentKey = async () => (await twin.deps.registry.get('keys'))!.accessKey!.current!;
  const keysOfUser = async () => (await twin.deps.iam.getUser(user))!.accessKeys;
  const streams = async () => {
    const before = twin.emulator.messages(request.redpanda.topic).length;
    await appSql(twin, request, `INSERT INTO public.orders (item, qty) VALUES ('probe-${now.getTime()}', 1)`);
    await waitFor('a row through the pipeline', () => (twin.emulator.messages(request.redpanda.topic).length > before ? true : undefined), 20_000);
  };

  test('the user policy deleted: routed by DeleteUserPolicy, healed', async () => {
    const { validations } = await afterChange(() => twin.aws.deleteUserPolicy({ userName: user, policyName: names.connectorUserPolicy }));
    expect(validations).toHaveLength(1);
    expect(validations[0]).toMatchObject({ link: 'keys', before: 'drifted', verdict: 'healthy', healed: true });
    expect(validations[0]!.actions.join()).toMatch(/restored the policy rpcn-aurora-keys-assume-db-connect/);
  });

  test('the user policy edited to allow any source address: healed back to the egress addresses', async () => {
    const open = { Version: '2012-10-17', Statement: [{ Sid: 'AssumeTaggedDbConnectRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${DB}:role/${names.dbConnectRole}` }] };
    const { validations } = await afterChange(() => twin.aws.putUserPolicy({ userName: user, policyName: names.connectorUserPolicy, document: open }));
    expect(validations[0]).toMatchObject({ before: 'drifted', verdict: 'healthy', healed: true });
    expect(JSON.stringify((await twin.deps.iam.getUser(user))!.inlinePolicies[names.connectorUserPolicy])).toContain('203.0.113.10/32');
  });

  test('a policy attached to the user: reported (the boundary still caps it), never removed', async () => {
    const policyArn = await twin.aws.createPolicy({ account: 'db', policyName: 'keys-extra', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } });
    const { validations } = await afterChange(() => twin.aws.attachUserPolicy({ userName: user, policyArn }));
    expect(validations[0]).toMatchObject({ before: 'drifted', verdict: 'drifted' });
    expect(validations[0]!.findings.find((f) => f.id === 'connector-user-extra-permissions')?.fix).toMatch(/aws iam detach-user-policy --user-name rpcn-aurora-keys-connector/);
    expect((await twin.deps.iam.getUser(user))!.attachedPolicyArns).toEqual([policyArn]);
    await afterChange(() => twin.aws.detachUserPolicy({ userName: user, policyArn }));
  });

  test('the permissions boundary removed: put back', async () => {
    const { validations } = await afterChange(() => twin.aws.setUserPermissionsBoundary({ userName: user, permissionsBoundary: undefined }));
    expect(validations[0]).toMatchObject({ before: 'drifted', verdict: 'healthy', healed: true });
    expect(validations[0]!.actions.join()).toMatch(/restored the permissions boundary/);
    expect((await twin.deps.iam.getUser(user))!.permissionsBoundaryArn).toBe(`arn:aws:iam::${DB}:policy/rpcn-aurora-link-boundary`);
  });

  test('the db-connect trust changed to another principal: restored to exactly the user', async () => {
    const other = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${DB}:root` }, Action: 'sts:AssumeRole' }] };
    const { validations } = await afterChange(() => twin.aws.updateAssumeRolePolicy({ account: 'db', roleName: names.dbConnectRole, document: other }));
    expect(validations[0]).toMatchObject({ before: 'drifted', verdict: 'healthy', healed: true });
    expect(JSON.stringify((await twin.deps.iam.getRole(names.dbConnectRole))!.trustPolicy)).toContain(`:user/rpcn-aurora/${user}`);
  });

  test('a second key someone added: reported with its id, never deleted', async () => {
    const added = twin.aws.createAccessKey({ userName: user });
    // CreateAccessKey is routed like every watched user call.
    const { rotations } = await afterChange(() => undefined);
    const judged = twin.validations.results.at(-1)!.result.output as ValidationSummary;
    expect(judged).toMatchObject({ verdict: 'drifted', healed: false });
    expect(judged.findings.find((f) => f.id === 'access-key-unknown')?.message).toContain(added.accessKeyId);
    expect(rotations).toEqual([]);
    expect((await keysOfUser()).map((k) => k.accessKeyId)).toContain(added.accessKeyId);
    // Its owner deletes it: healthy again.
    now = new Date(now.getTime() + 60_000);
    const cleared = await afterChange(() => twin.aws.deleteAccessKey({ userName: user, accessKeyId: added.accessKeyId }));
    expect(cleared.validations[0]).toMatchObject({ verdict: 'healthy' });
  });

  test('the key deactivated: Validate rotates a new one in; the pipeline streams with it', async () => {
    const old = await currentKey();
    const { validations, rotations } = await afterChange(() => twin.aws.updateAccessKey({ userName: user, accessKeyId: old.accessKeyId, status: 'Inactive' }));
    expect(validations[0]!.findings.map((f) => f.id)).toContain('access-key-inactive');
    expect(validations[0]!.actions.join()).toMatch(/started rotation rotate-keys-heal-/);
    expect(rotations).toEqual(['SUCCEEDED']);
    const fresh = await currentKey();
    expect(fresh.accessKeyId).not.toBe(old.accessKeyId);
    expect(fresh.slot).not.toBe(old.slot);
    expect((await keysOfUser()).map((k) => k.accessKeyId)).toEqual([fresh.accessKeyId]);
    await streams();
  });

  test('the key deleted: Validate rotates a new one in', async () => {
    const old = await currentKey();
    const { rotations } = await afterChange(() => twin.aws.deleteAccessKey({ userName: user, accessKeyId: old.accessKeyId }));
    expect(rotations).toEqual(['SUCCEEDED']);
    expect((await currentKey()).accessKeyId).not.toBe(old.accessKeyId);
    await streams();
  });

  test('the user deleted (keys and policy first, as IAM requires): recreated, a new key rotated in', async () => {
    const { rotations, validations } = await afterChange(async () => {
      for (const k of await keysOfUser()) twin.aws.deleteAccessKey({ userName: user, accessKeyId: k.accessKeyId });
      twin.aws.deleteUserPolicy({ userName: user, policyName: names.connectorUserPolicy });
      twin.aws.deleteUser({ userName: user });
    });
    expect(validations.some((v) => v.actions.some((a) => /recreated IAM user/.test(a)))).toBe(true);
    expect(rotations).toContain('SUCCEEDED');
    // The role's trust names the user by ARN: recreated under the same ARN, it trusts it again.
    await streams();
    const final = await twin.validate({ link: 'keys' });
    expect(final.output).toMatchObject({ verdict: 'healthy' });
  });

  test("another user's changes concern no link; our own writes start nothing (the loop guard)", async () => {
    twin.aws.createUser({ userName: 'someone-else' });
    const from = twin.routed.length;
    await afterChange(() => twin.aws.createAccessKey({ userName: 'someone-else' }));
    expect(twin.routed.slice(from).map((r) => r.outcome)).toEqual([expect.objectContaining({ started: [], ignored: expect.stringMatching(/concerns no link/) })]);
    const ownWrites = twin.routed.filter((r) => /:assumed-role\/rpcn-aurora-steps\//.test(r.event.detail.userIdentity.arn));
    expect(ownWrites.length).toBeGreaterThan(0);
    for (const r of ownWrites) expect(r.outcome).toMatchObject({ started: [], ignored: expect.stringMatching(/our own healing/) });
  });
});

describe('ValidateRequest refuses, before anything is created', () => {
  test.each([
    [
      'pipeline-role on a BYOVPC cluster',
      { redpandaCluster: { permissions_boundary_policy_arn: 'arn:aws:iam::861276079005:policy/redpanda-byovpc-boundary' }, pipelinePodIdentity: 'irsa' as const },
      (name: string) => pipelineRoleRequest(name),
      'IdentityModeUnsupportedError',
      /BYOVPC: Redpanda puts the permissions boundary arn:aws:iam::861276079005:policy\/redpanda-byovpc-boundary on its pipeline role.*use identity.mode "access-key"/,
      'pipeline-role-unsupported',
    ],
    [
      'a Redpanda Connect older than the pipeline needs',
      { redpandaCluster: { redpanda_connect_version: '4.70.2' } },
      (name: string) => pgRequest(name),
      'RedpandaConnectTooOldError',
      /runs Redpanda Connect 4\.70\.2; this link's pipeline needs 4\.72\.0 or later/,
      'redpanda-connect-too-old',
    ],
    [
      'a restricted key on a cluster that reports no egress addresses',
      { natGateways: [] as string[] },
      (name: string) => pgRequest(name),
      'EgressAddressesUnknownError',
      /reports no egress addresses .*set identity.restrictToEgress to false/,
      'egress-addresses-unknown',
    ],
    [
      "a capacity the region's engine version cannot do (RDS's ServerlessV2FeaturesSupport is stricter than the table)",
      { rds: { engineVersions: { '17.4': { minCapacity: 0.5, maxCapacity: 128 } } } },
      (name: string) => pgRequest(name, (r) => (r.database.maxCapacity = 192)),
      'CapacityNotSupportedError',
      /database\.maxCapacity: 192 ACU is above what Aurora PostgreSQL 17\.4 allows \(RDS in \S+ reports ServerlessV2FeaturesSupport MinCapacity 0\.5, MaxCapacity 128: at most 128 ACU\)/,
      'capacity-not-supported',
    ],
    [
      'an engine version the region does not offer',
      { rds: { engineVersions: { '17.4': 'absent' as const } } },
      (name: string) => pgRequest(name),
      'EngineVersionNotOfferedError',
      /aurora-postgresql 17\.4 is not offered in \S+ \(DescribeDBEngineVersions has no such version\)/,
      'engine-version-not-offered',
    ],
  ])('%s', async (_what, options, raw, error, message, diagnosis) => {
    const twin = await startTwin(options);
    try {
      const before = stable(await twin.aws.inventory());
      const result = await twin.provision(raw('refused'));
      expect({ status: result.status, error: result.error }).toEqual({ status: 'FAILED', error });
      expect(result.cause).toMatch(message);
      expect(result.cause).toContain(`diagnosis [${diagnosis}]`);
      expect(stable(await twin.aws.inventory())).toEqual(before);
      expect(twin.redpanda.stateOf(pgRequest('x').redpanda.clusterId).snapshot()).toMatchObject({ users: [], secrets: [], pipelines: [] });
    } finally {
      await twin.stop();
    }
  });
});

describe('self-managed: your Redpanda Connect, your role', () => {
  let twin: OfflineTwin;
  const ROLE = 'arn:aws:iam::222222222222:role/eks/connect-cdc';
  const raw = pgRequest('own', (r) => {
    r.identity = { mode: 'self-managed', roleArn: ROLE };
    delete r.redpanda.accountId;
  });
  const names = linkNames(normalized(raw), DB);

  beforeAll(async () => {
    twin = await startTwin();
  });

  afterAll(async () => {
    await twin?.stop();
  });

  test('the db-connect role trusts exactly that role; topic, user and ACLs are made; no pipeline, no Redpanda secrets; the YAML is handed over', async () => {
    const result = await twin.provision(raw, { executionName: 'own' });
    expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    const summary = result.output as LinkSummary;
    expect(summary).toMatchObject({ status: 'action-required', verdict: 'action-required', identityMode: 'self-managed', firstHopArn: ROLE, pipelineId: '' });
    expect(summary.firstHopPolicy).toMatchObject({ applied: false, roleName: 'connect-cdc', reason: expect.stringMatching(/account 222222222222/) });
    expect(summary.operatorActions).toEqual([
      expect.stringMatching(/^In account 222222222222, attach the first-hop policy to connect-cdc: aws iam put-role-policy --role-name connect-cdc/),
      expect.stringMatching(/^Run pipeline.yaml .* as arn:aws:iam::222222222222:role\/eks\/connect-cdc, with REDPANDA_BROKERS, RPCN_AURORA_OWN_SASL_PASSWORD, RPCN_AURORA_OWN_RDS_CA set/),
    ]);
    expect(summary.selfManaged!.pipelineYaml).toContain('role: "arn:aws:iam::111111111111:role/rpcn-aurora-own-db-connect"');
    expect(summary.selfManaged!.pipelineYaml).not.toMatch(/\$\{secrets\./);
    expect(summary.selfManaged!.pipelineYaml).toContain('${RPCN_AURORA_OWN_SASL_PASSWORD}');
    expect(JSON.stringify((await twin.deps.iam.getRole(names.dbConnectRole))!.trustPolicy)).toContain(ROLE);
    expect(await twin.deps.iam.getUser(names.connectorUser)).toBeUndefined();
    const state = twin.redpanda.stateOf(normalized(raw).redpanda.clusterId).snapshot();
    expect(state.pipelines).toEqual([]);
    expect(state.secrets).toEqual([]);
    expect(state.topics.map((t) => t.name)).toContain('own.cdc');
    expect(state.users.map((u) => u.name)).toContain(names.redpandaUser);
    const teardown = await twin.teardown({ link: 'own', skipFinalSnapshot: true });
    expect(teardown.status).toBe('SUCCEEDED');
    expect((teardown.output as { needsHuman: string[] }).needsHuman).toEqual([expect.stringMatching(/remove the inline policy yourself in account 222222222222.*aws iam delete-role-policy --role-name connect-cdc/)]);
  });
});

describe('a Cloud pipeline with no AWS identity (a pipeline-role link on a cluster of today)', () => {
  test('never streams; its log line is diagnosed as the missing identity, with the fix', async () => {
    const twin = await startTwin({ deadlines: { probeMs: 1_500 } });
    try {
      const result = await twin.provision(pipelineRoleRequest('noid'));
      expect({ status: result.status, error: result.error }).toEqual({ status: 'FAILED', error: 'LinkProbeFailedError' });
      const pipelineId = (await twin.deps.registry.get('noid'))!.owned.pipelineId!;
      const line = twin.emulator.logs(pipelineId).find((l) => l.level === 'ERROR')!;
      expect(line.message).toMatch(/failed to refresh cached credentials, no EC2 IMDS role found/);
      const classified = classifyLine(JSON.stringify(line));
      expect(classified).toMatchObject({ kind: 'problem', entryId: 'pipeline-no-aws-identity' });
    } finally {
      await twin.stop();
    }
  });
});
