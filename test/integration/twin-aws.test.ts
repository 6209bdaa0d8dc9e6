// The in-memory AWS twin (local/aws): IAM across two accounts with policy-evaluated STS (iam-simulate), the
// access roles, CloudTrail-shaped IAM events, fault injection, the EC2 network of a private link (VPCs, route
// tables, peering, Transit Gateway, writer addresses), and RDS over real embedded PostgreSQL servers
// (and the shared MariaDB) with the Data API stand-in and emulated IAM database login. Tests within a
// describe block run in order and share state.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { AwsThrottledError, IamPropagationError, ResourceBusyError, ResourceConflictError, StepAccessDeniedError, CredentialsSecretError, LinkNotFoundError } from '../../lambdas/core/errors.js';
import { rdsClusterParameters } from '../../lambdas/core/aurora-settings.js';
import { dbConnectRoleArtifacts, linkBoundaryArn, rolePolicyFirstHop, type PolicyDocument } from '../../lambdas/core/iam.js';
import { LINK_TAG_KEY, linkNames, REDPANDA_SCOPE_TAG_KEY } from '../../lambdas/core/naming.js';
import { assertRequest, type LinkRequest } from '../../lambdas/core/request.js';
import { evaluatePgUser, postgresChecks, setupStatements, teardownStatements } from '../../lambdas/core/sql.js';
import { VERDICT_HISTORY_LIMIT, type LinkRecord } from '../../lambdas/ports/registry.js';
import { connectMysql, uniqueName } from '../../local/database/mysql.js';
import { describeMysql } from '../support/mysql.js';
import { DEFAULT_NAT_GATEWAYS, OfflineTwin } from '../../local/twin.js';
import {
  AwsTwin,
  DbLoginRefusedError,
  StsOperationError,
  TWIN_DB_ROUTE_TABLE_ID,
  TWIN_DB_SUBNET_GROUP,
  TWIN_INTERNET_GATEWAY_ID,
  TWIN_MAIN_ROUTE_TABLE_ID,
  TWIN_PEERING_ID,
  TWIN_SUBNETS,
  TWIN_TRANSIT_GATEWAY_ATTACHMENT_ID,
  TWIN_TRANSIT_GATEWAY_ID,
  TWIN_VPC_ID,
  parseTokenEndpoint,
  type IamCloudTrailEvent,
  type TwinPorts,
} from '../../local/aws/index.js';

// Tests here start embedded PostgreSQL servers: on a loaded machine that takes longer than jest's 5 s default.
jest.setTimeout(60_000);

const D = '111111111111';
const R = '222222222222';
const REGION = 'us-east-2';
const CLUSTER_ID = 'curl3eo533cmsnt23dv0';
const PIPELINE_ROLE = `redpanda-${CLUSTER_ID}-redpanda-connect-pipeline`;
const FAKE_RESOURCE_ID = 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const STEP_SESSION = `arn:aws:sts::${D}:assumed-role/rpcn-aurora-steps/rpcn-aurora-steps`;
const HEALER_SESSION = `arn:aws:sts::${R}:assumed-role/rpcn-aurora-healer/rpcn-aurora`;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const BOUNDARY = linkBoundaryArn({ dbAccountId: D });

/** A link whose first hop is the pipeline role (IRSA), the chain most of these tests exercise. */
function pgRequest(name = 'orders', user = 'iam_demo_user'): LinkRequest {
  return assertRequest({
    name,
    engine: 'aurora-postgresql',
    database: { databaseName: 'demo_db' },
    cdc: { user, schema: 'public', tables: ['orders'] },
    redpanda: { clusterId: CLUSTER_ID, accountId: R },
    identity: { mode: 'pipeline-role' },
  });
}

function newTwin(options: { deployed?: boolean; rds?: ConstructorParameters<typeof AwsTwin>[0]['rds'] } = {}): AwsTwin {
  return new AwsTwin({ dbAccountId: D, redpandaAccountId: R, region: REGION, redpandaClusterId: CLUSTER_ID, redpandaAccessDeployed: options.deployed ?? true, ...(options.rds && { rds: options.rds }) });
}

/** The exact text the AWS SDK for Go v2 prints for a refused AssumeRole (what Redpanda Connect logs). */
function deniedText(callerArn: string, roleArn: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(
    `^operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: ${UUID}, api error AccessDenied: User: ${esc(callerArn)} is not authorized to perform: sts:AssumeRole on resource: ${esc(roleArn)}$`,
  );
}

/** An STS error as the AWS SDK for Go v2 prints it. */
function stsText(code: string, apiMessage: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: ${UUID}, api error ${code}: ${esc(apiMessage)}$`);
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** Create the db-connect role of a link through IamPort, exactly as the IAM branch would. */
async function createDbConnectRole(ports: TwinPorts, request: LinkRequest, clusterResourceId: string) {
  const a = dbConnectRoleArtifacts(request, { dbAccountId: D, region: REGION, clusterResourceId });
  const tags = Object.fromEntries(a.tags.map((t) => [t.Key, t.Value]));
  const { arn } = await ports.iam.createRole({ name: a.roleName, trustPolicy: a.trustPolicy, description: a.description, tags, permissionsBoundaryArn: a.permissionsBoundaryArn });
  await ports.iam.putRolePolicy(a.roleName, a.permissionPolicy.policyName, a.permissionPolicy.document);
  const pipelineRole = rolePolicyFirstHop(a);
  if (pipelineRole === undefined) throw new Error(`${request.name} is not a pipeline-role link`);
  return { ...a, arn, pipelineRole };
}

// -------------------------------------------------------------------------------------------------------
describe('IAM, STS and the access roles (no database)', () => {
  const twin = newTwin();
  const ports = twin.ports();
  const request = pgRequest();
  const events: IamCloudTrailEvent[] = [];
  twin.onIamEvent((e) => events.push(e));
  let artifacts: Awaited<ReturnType<typeof createDbConnectRole>>;

  test('the Redpanda-managed pipeline role exists with a managed policy that does not grant sts:AssumeRole', async () => {
    const view = await ports.pipelineRole.inspect(PIPELINE_ROLE);
    expect(view.available).toBe(true);
    if (!view.available) return;
    expect(view.exists).toBe(true);
    expect(view.arn).toBe(`arn:aws:iam::${R}:role/${PIPELINE_ROLE}`);
    expect(view.inlinePolicies).toEqual({});
    expect(view.attachedPolicies).toHaveLength(1);
    expect(JSON.stringify(view.attachedPolicies[0]!.document)).not.toContain('sts:');
    expect(events).toHaveLength(0);
  });

  test('the db-connect role is created through IamPort as the step Lambda session, one event per write', async () => {
    artifacts = await createDbConnectRole(ports, request, FAKE_RESOURCE_ID);
    expect(artifacts.arn).toBe(`arn:aws:iam::${D}:role/rpcn-aurora-orders-db-connect`);
    expect(events.map((e) => e.detail.eventName)).toEqual(['CreateRole', 'PutRolePolicy']);
    const e = events[1]!;
    expect(e).toMatchObject({
      version: '0',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.iam',
      account: D,
      region: 'us-east-1',
      resources: [],
      detail: {
        eventSource: 'iam.amazonaws.com',
        awsRegion: 'us-east-1',
        userIdentity: { type: 'AssumedRole', arn: STEP_SESSION, accountId: D, sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${D}:role/rpcn-aurora-steps` } } },
        requestParameters: { roleName: artifacts.roleName, policyName: artifacts.permissionPolicy.policyName },
      },
    });
    expect(e.id).toMatch(new RegExp(`^${UUID}$`));
    expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // A re-run adopts the role: same ARN, no second CreateRole.
    expect((await ports.iam.createRole({ name: artifacts.roleName, trustPolicy: artifacts.trustPolicy, description: 'x', tags: {}, permissionsBoundaryArn: BOUNDARY })).arn).toBe(artifacts.arn);
    expect(events.filter((x) => x.detail.eventName === 'CreateRole')).toHaveLength(1);
    const role = await ports.iam.getRole(artifacts.roleName);
    expect(role?.tags[REDPANDA_SCOPE_TAG_KEY]).toBe('true');
    expect(role?.inlinePolicies[artifacts.permissionPolicy.policyName]).toEqual(artifacts.permissionPolicy.document);
  });

  test('without the pipeline-role inline policy AssumeRole is refused with the SDK text', async () => {
    const base = twin.pipelineSession('pod-1');
    expect(base.arn).toBe(`arn:aws:sts::${R}:assumed-role/${PIPELINE_ROLE}/pod-1`);
    const e = await rejection(twin.assumeRole(base.arn, artifacts.arn, 'rpcn'));
    expect(e).toBeInstanceOf(StsOperationError);
    expect(e.message).toMatch(deniedText(base.arn, artifacts.arn));
  });

  test('the healer puts our inline policy (event names the healer session); then AssumeRole succeeds', async () => {
    const n = events.length;
    const out = await ports.pipelineRole.putInlinePolicy(PIPELINE_ROLE, artifacts.pipelineRole.policy.policyName, artifacts.pipelineRole.policy.document);
    expect(out).toEqual({ applied: true });
    expect(events.slice(n).map((e) => [e.detail.eventName, e.account, e.detail.userIdentity.arn, e.detail.requestParameters['roleName']])).toEqual([
      ['PutRolePolicy', R, HEALER_SESSION, PIPELINE_ROLE],
    ]);
    const base = twin.pipelineSession('pod-1');
    const session = await twin.assumeRole(base.arn, artifacts.arn, 'rpcn');
    expect(session.arn).toBe(`arn:aws:sts::${D}:assumed-role/rpcn-aurora-orders-db-connect/rpcn`);
    expect(session.roleArn).toBe(artifacts.arn);
    expect(session.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(3600_000);
    // Role chaining caps the session at one hour.
    const chained = await rejection(twin.assumeRole(base.arn, artifacts.arn, 'rpcn', { durationSeconds: 7200 }));
    expect(chained.message).toMatch(/api error ValidationError: The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining\.$/);
  });

  test("IAM's 10,240-character aggregate of a role's inline policies: PutRolePolicy over it is LimitExceeded, the healer's answer is named", async () => {
    // A policy of `chars` characters without whitespace: a padded Sid.
    const sized = (chars: number) => {
      const doc = { Version: '2012-10-17', Statement: [{ Sid: '', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
      return { ...doc, Statement: [{ ...doc.Statement[0]!, Sid: 'S'.repeat(chars - JSON.stringify(doc).length) }] };
    };
    const ours = JSON.stringify(artifacts.pipelineRole.policy.document).replace(/\s/g, '').length;
    await twin.putRolePolicy({ account: 'redpanda', roleName: PIPELINE_ROLE, policyName: 'redpanda-managed', document: sized(10_240 - ours) });
    // Exactly at the limit: ours is replaced (not counted twice), so putting it again is fine.
    await expect(ports.pipelineRole.putInlinePolicy(PIPELINE_ROLE, artifacts.pipelineRole.policy.policyName, artifacts.pipelineRole.policy.document)).resolves.toEqual({ applied: true });
    const raw = await rejection(twin.putRolePolicy({ account: 'redpanda', roleName: PIPELINE_ROLE, policyName: 'redpanda-managed', document: sized(10_241 - ours) }));
    expect({ name: raw.name, message: raw.message }).toEqual({ name: 'LimitExceededException', message: expect.stringContaining(`LimitExceededException: Maximum policy size of 10240 bytes exceeded for role ${PIPELINE_ROLE}`) });
    // Another policy takes our room while ours is off the role: the healer's put is refused by IAM itself.
    twin.deleteRolePolicy({ account: 'redpanda', roleName: PIPELINE_ROLE, policyName: artifacts.pipelineRole.policy.policyName });
    await twin.putRolePolicy({ account: 'redpanda', roleName: PIPELINE_ROLE, policyName: 'redpanda-managed-2', document: sized(ours) });
    const named = await rejection(ports.pipelineRole.putInlinePolicy(PIPELINE_ROLE, artifacts.pipelineRole.policy.policyName, artifacts.pipelineRole.policy.document));
    expect({ name: named.name, message: named.message }).toEqual({
      name: 'InlinePolicySizeExceededError',
      message: expect.stringMatching(/^\[pipeline-role-policy-too-large\] iam:PutRolePolicy of rpcn-aurora-.* refused: .*Maximum policy size of 10240 bytes exceeded/),
    });
    const view = await ports.pipelineRole.inspect(PIPELINE_ROLE);
    expect(view.available && Object.keys(view.inlinePolicies).sort()).toEqual(['redpanda-managed', 'redpanda-managed-2']);
    // Back to how the later tests expect the role: only our policy.
    twin.deleteRolePolicy({ account: 'redpanda', roleName: PIPELINE_ROLE, policyName: 'redpanda-managed' });
    twin.deleteRolePolicy({ account: 'redpanda', roleName: PIPELINE_ROLE, policyName: 'redpanda-managed-2' });
    await ports.pipelineRole.putInlinePolicy(PIPELINE_ROLE, artifacts.pipelineRole.policy.policyName, artifacts.pipelineRole.policy.document);
  });

  test('an operator removing the scope tag breaks AssumeRole; the event names the operator', async () => {
    const n = events.length;
    twin.untagRole({ account: 'db', roleName: artifacts.roleName, tagKeys: [REDPANDA_SCOPE_TAG_KEY] });
    expect(events.slice(n)).toHaveLength(1);
    expect(events[n]!.detail).toMatchObject({
      eventName: 'UntagRole',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${D}:user/operator`, accountId: D },
      requestParameters: { roleName: artifacts.roleName, tagKeys: [REDPANDA_SCOPE_TAG_KEY] },
    });
    const base = twin.pipelineSession('pod-1');
    expect((await rejection(twin.assumeRole(base.arn, artifacts.arn, 'rpcn'))).message).toMatch(deniedText(base.arn, artifacts.arn));
    // The chain simulator port says why.
    const role = await ports.iam.getRole(artifacts.roleName);
    const sim = await ports.simulator.simulateAssumeRole({
      principalArn: twin.pipelineRoleArn,
      identityPolicies: [artifacts.pipelineRole.policy.document],
      dbConnectRoleArn: artifacts.arn,
      trustPolicy: role!.trustPolicy,
      dbConnectRoleTags: role!.tags,
    });
    expect(sim.decision).toBe('implicitDeny');
    expect(sim.detail).toContain(`aws:ResourceTag/${REDPANDA_SCOPE_TAG_KEY}`);
    await ports.iam.tagRole(artifacts.roleName, { [REDPANDA_SCOPE_TAG_KEY]: 'true' });
    await expect(twin.assumeRole(base.arn, artifacts.arn, 'rpcn')).resolves.toMatchObject({ roleArn: artifacts.arn });
  });

  test('a trust policy naming another principal refuses the pipeline role', async () => {
    const other = { Version: '2012-10-17', Statement: [{ Sid: 'X', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${R}:role/someone-else` }, Action: 'sts:AssumeRole' }] };
    // IAM refuses a principal that does not exist, with its own error name and text.
    const refused = await rejection(twin.updateAssumeRolePolicy({ account: 'db', roleName: artifacts.roleName, document: other }));
    expect(refused.name).toBe('MalformedPolicyDocumentException');
    expect(refused.message).toContain(`MalformedPolicyDocumentException: Invalid principal in policy: "AWS":"arn:aws:iam::${R}:role/someone-else"`);
    // Through the port it leaves as the adapter maps it, naming the principal.
    const mapped = await rejection(ports.iam.updateTrustPolicy(artifacts.roleName, other as PolicyDocument));
    expect(mapped.name).toBe('TrustPrincipalNotFoundError');
    expect(mapped.message).toContain(`its principal arn:aws:iam::${R}:role/someone-else does not exist`);
    await twin.createRole({ account: 'redpanda', roleName: 'someone-else', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] } });
    await twin.updateAssumeRolePolicy({ account: 'db', roleName: artifacts.roleName, document: other });
    const base = twin.pipelineSession('pod-1');
    expect((await rejection(twin.assumeRole(base.arn, artifacts.arn, 'rpcn'))).message).toMatch(deniedText(base.arn, artifacts.arn));
    const sim = await ports.simulator.simulateAssumeRole({
      principalArn: twin.pipelineRoleArn,
      identityPolicies: [artifacts.pipelineRole.policy.document],
      dbConnectRoleArn: artifacts.arn,
      trustPolicy: other as PolicyDocument,
      dbConnectRoleTags: { [REDPANDA_SCOPE_TAG_KEY]: 'true' },
    });
    // IAM's simulator takes only an IAM user as the caller of a trust policy: for the pipeline role it answers
    // for the identity side and says so; the static trust check (checks.ts) is what reports this trust.
    expect(sim.decision).toBe('allowed');
    expect(sim.detail).toContain('the trust policy was not simulated');
    await ports.iam.updateTrustPolicy(artifacts.roleName, artifacts.trustPolicy);
    await expect(twin.assumeRole(base.arn, artifacts.arn, 'rpcn')).resolves.toBeDefined();
  });

  test('a managed-policy version can grant what the inline policy did (attached default versions are evaluated)', async () => {
    twin.deleteRolePolicy({ account: 'redpanda', roleName: PIPELINE_ROLE, policyName: artifacts.pipelineRole.policy.policyName });
    const base = twin.pipelineSession('pod-2');
    await expect(twin.assumeRole(base.arn, artifacts.arn, 'rpcn')).rejects.toThrow(deniedText(base.arn, artifacts.arn));
    const v1 = twin.iam.defaultDocument(twin.pipelineManagedPolicyArn) as PolicyDocument;
    const v2 = { ...v1, Statement: [...v1.Statement, ...artifacts.pipelineRole.policy.document.Statement] };
    const n = events.length;
    const actor = `arn:aws:sts::${R}:assumed-role/redpanda-agent/reconciler`;
    expect(await twin.createPolicyVersion({ policyArn: twin.pipelineManagedPolicyArn, document: v2, setAsDefault: true, actor })).toBe('v2');
    expect(events[n]!.detail).toMatchObject({ eventName: 'CreatePolicyVersion', userIdentity: { type: 'AssumedRole', arn: actor }, requestParameters: { policyArn: twin.pipelineManagedPolicyArn, setAsDefault: true } });
    await expect(twin.assumeRole(base.arn, artifacts.arn, 'rpcn')).resolves.toBeDefined();
    twin.setDefaultPolicyVersion({ policyArn: twin.pipelineManagedPolicyArn, versionId: 'v1' });
    await expect(twin.assumeRole(base.arn, artifacts.arn, 'rpcn')).rejects.toThrow(StsOperationError);
  });

  test('simulateDbConnect: allowed for the link user only', async () => {
    const identityPolicies = [artifacts.permissionPolicy.document];
    const ok = await ports.simulator.simulateDbConnect({ dbConnectRoleArn: artifacts.arn, identityPolicies, dbUserArn: artifacts.dbUserResourceArn });
    expect(ok.decision).toBe('allowed');
    const other = await ports.simulator.simulateDbConnect({ dbConnectRoleArn: artifacts.arn, identityPolicies, dbUserArn: artifacts.dbUserResourceArn.replace(/\/[^/]+$/, '/other') });
    expect(other.decision).toBe('implicitDeny');
  });

  test('the healer touches only rpcn-aurora-* policies; delete reports whether something was removed', async () => {
    await expect(ports.pipelineRole.putInlinePolicy(PIPELINE_ROLE, 'allow-x-account-db-connect', artifacts.pipelineRole.policy.document)).rejects.toThrow(/only policies named rpcn-aurora-\* are ours/);
    await expect(ports.pipelineRole.deleteInlinePolicy(PIPELINE_ROLE, 'redpanda-managed')).rejects.toThrow(/only policies named rpcn-aurora-/);
    const name = artifacts.pipelineRole.policy.policyName;
    expect(await ports.pipelineRole.putInlinePolicy(PIPELINE_ROLE, name, artifacts.pipelineRole.policy.document)).toEqual({ applied: true });
    expect(await ports.pipelineRole.deleteInlinePolicy(PIPELINE_ROLE, name)).toEqual({ removed: true });
    expect(await ports.pipelineRole.deleteInlinePolicy(PIPELINE_ROLE, name)).toEqual({ removed: false });
    // The healer's own policy names one role: any other role is out of reach.
    const elsewhere = await ports.pipelineRole.putInlinePolicy('redpanda-othercluster00000000-redpanda-connect-pipeline', name, artifacts.pipelineRole.policy.document);
    expect(elsewhere).toMatchObject({ available: false, reason: expect.stringContaining('rpcn-aurora-healer may not call iam:PutRolePolicy') });
  });

  test('IamPort: delete removes policies first, tolerates a gone role; a write to a missing role is a propagation error', async () => {
    const n = events.length;
    await ports.iam.deleteRole(artifacts.roleName);
    expect(events.slice(n).map((e) => e.detail.eventName)).toEqual(['DeleteRolePolicy', 'DeleteRole']);
    await ports.iam.deleteRole(artifacts.roleName);
    expect(events).toHaveLength(n + 2);
    await expect(ports.iam.putRolePolicy(artifacts.roleName, 'p', artifacts.permissionPolicy.document)).rejects.toBeInstanceOf(IamPropagationError);
    const malformed = await rejection(ports.iam.createRole({ name: 'rpcn-aurora-bad', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allw' }] } as unknown as PolicyDocument, description: '', tags: {}, permissionsBoundaryArn: BOUNDARY }));
    expect(malformed.name).toBe('MalformedPolicyDocumentException');
    // IAM itself refuses to delete a role that still has policies.
    await twin.createRole({ account: 'db', roleName: 'person-made', trustPolicy: artifacts.trustPolicy });
    await twin.putRolePolicy({ account: 'db', roleName: 'person-made', policyName: 'p', document: artifacts.permissionPolicy.document });
    expect(() => twin.deleteRole({ account: 'db', roleName: 'person-made' })).toThrow(/DeleteConflictException/);
  });

  test('without the RpcnAurora-RedpandaAccess stack every access answer is unavailable, naming the stack', async () => {
    const bare = newTwin({ deployed: false }).ports();
    for (const answer of [
      await bare.pipelineRole.inspect(PIPELINE_ROLE),
      await bare.pipelineRole.putInlinePolicy(PIPELINE_ROLE, 'rpcn-aurora-x', artifacts.pipelineRole.policy.document),
      await bare.pipelineRole.deleteInlinePolicy(PIPELINE_ROLE, 'rpcn-aurora-x'),
    ]) {
      expect(answer).toEqual({ available: false, reason: expect.stringContaining('deploy the RpcnAurora-RedpandaAccess stack') });
    }
    twin.removeRedpandaAccess();
    expect(await ports.pipelineRole.inspect(PIPELINE_ROLE)).toMatchObject({ available: false });
    twin.deployRedpandaAccess();
    expect(await ports.pipelineRole.inspect(PIPELINE_ROLE)).toMatchObject({ available: true, exists: true });
  });

  test('reads and refused calls emit no event; every event so far has a distinct id', () => {
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(twin.iamEvents()).toHaveLength(events.length);
    expect(events.every((e) => e.detail.eventSource === 'iam.amazonaws.com' && e.region === 'us-east-1')).toBe(true);
  });
});

// -------------------------------------------------------------------------------------------------------
describe('IAM users, access keys and permissions boundaries (identity mode access-key, no database)', () => {
  const twin = newTwin();
  const ports = twin.ports();
  const request = assertRequest({
    name: 'keys',
    engine: 'aurora-postgresql',
    database: { databaseName: 'demo_db' },
    cdc: { user: 'iam_demo_user', schema: 'public', tables: ['orders'] },
    redpanda: { clusterId: CLUSTER_ID },
  });
  const EGRESS = ['203.0.113.10', '203.0.113.11'];
  const artifacts = dbConnectRoleArtifacts(request, { dbAccountId: D, region: REGION, clusterResourceId: FAKE_RESOURCE_ID }, { egressCidrs: EGRESS.map((ip) => `${ip}/32`) });
  const hop = artifacts.firstHop;
  if (hop.mode !== 'access-key') throw new Error('expected the default identity mode access-key');
  const USER = hop.userName;
  const USER_ARN = `arn:aws:iam::${D}:user/rpcn-aurora/${USER}`;
  const events: IamCloudTrailEvent[] = [];
  twin.onIamEvent((e) => events.push(e));
  /** Every secret access key handed out in this block: none may reach an event, a read, an error or the inventory. */
  const secrets: string[] = [];
  let before: Record<string, unknown>;
  let key1: { accessKeyId: string; secretAccessKey: string };
  let key2: { accessKeyId: string; secretAccessKey: string };
  /** AssumeRole with a key from `sourceIp` (null: no public source address, as through a VPC endpoint). */
  const assumeWith = (key: { accessKeyId: string; secretAccessKey: string }, sourceIp: string | null = EGRESS[0]!, roleArn = artifacts.roleArn) =>
    twin.assumeRoleWithAccessKey({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, roleArn, sessionName: 'aws-go-sdk-1', ...(sourceIp !== null && { sourceIp }) });

  beforeAll(async () => {
    before = await twin.inventory();
  });

  test('the link boundary policy is seeded in D as the RpcnAurora-Db stack creates it', () => {
    expect(twin.linkBoundaryArn).toBe(BOUNDARY);
    expect(JSON.stringify(twin.iam.defaultDocument(BOUNDARY))).toContain(`arn:aws:iam::${D}:role/rpcn-aurora-*-db-connect`);
    expect(events).toEqual([]);
  });

  test('IamPort creates the connector user with path, tags and boundary, and its policy; a re-run adopts it; one event per write', async () => {
    const { arn } = await ports.iam.createUser({ name: USER, path: hop.path, tags: { [LINK_TAG_KEY]: 'keys' }, permissionsBoundaryArn: hop.permissionsBoundaryArn });
    expect(arn).toBe(USER_ARN);
    expect(hop.principalArn).toBe(USER_ARN);
    await ports.iam.putUserPolicy(USER, hop.policy.policyName, hop.policy.document);
    expect((await ports.iam.createUser({ name: USER, path: '/', tags: {}, permissionsBoundaryArn: BOUNDARY })).arn).toBe(USER_ARN);
    expect(events.map((e) => e.detail.eventName)).toEqual(['CreateUser', 'PutUserPolicy']);
    expect(events[0]!.detail).toMatchObject({
      userIdentity: { type: 'AssumedRole', arn: STEP_SESSION },
      requestParameters: { userName: USER, path: '/rpcn-aurora/', permissionsBoundary: BOUNDARY, tags: [{ key: LINK_TAG_KEY, value: 'keys' }] },
      responseElements: { user: { userName: USER, path: '/rpcn-aurora/', arn: USER_ARN, userId: expect.stringMatching(/^AIDA[A-Z0-9]{17}$/), permissionsBoundary: { permissionsBoundaryType: 'Policy', permissionsBoundaryArn: BOUNDARY } } },
    });
    expect(events[1]!.detail.requestParameters).toMatchObject({ userName: USER, policyName: hop.policy.policyName });
    expect(await ports.iam.getUser(USER)).toEqual({
      name: USER,
      arn: USER_ARN,
      path: '/rpcn-aurora/',
      tags: { [LINK_TAG_KEY]: 'keys' },
      inlinePolicies: { [hop.policy.policyName]: hop.policy.document },
      attachedPolicyArns: [],
      permissionsBoundaryArn: BOUNDARY,
      accessKeys: [],
    });
    expect(await ports.iam.getUser('nobody')).toBeUndefined();
    const duplicate = await rejection(Promise.resolve().then(() => twin.createUser({ userName: USER })));
    expect(duplicate.name).toBe('EntityAlreadyExistsException');
    expect(duplicate.message).toBe(`iam:CreateUser on ${USER} failed: EntityAlreadyExistsException: User with name ${USER} already exists.`);
    const missingBoundary = await rejection(ports.iam.createUser({ name: 'rpcn-aurora-x-connector', path: '/rpcn-aurora/', tags: {}, permissionsBoundaryArn: `arn:aws:iam::${D}:policy/nope` }));
    expect(missingBoundary.name).toBe('NoSuchEntityException');
    // The db-connect role trusts exactly the connector user, and is bounded too.
    const tags = Object.fromEntries(artifacts.tags.map((t) => [t.Key, t.Value]));
    await ports.iam.createRole({ name: artifacts.roleName, trustPolicy: artifacts.trustPolicy, description: artifacts.description, tags, permissionsBoundaryArn: artifacts.permissionsBoundaryArn });
    await ports.iam.putRolePolicy(artifacts.roleName, artifacts.permissionPolicy.policyName, artifacts.permissionPolicy.document);
    expect(twin.iam.getRole({ account: D, roleName: artifacts.roleName })?.permissionsBoundary).toBe(BOUNDARY);
    expect(events.find((e) => e.detail.eventName === 'CreateRole')!.detail.requestParameters).toMatchObject({ permissionsBoundary: BOUNDARY });
  });

  test('access keys: AKIA ids, 40-character secrets, at most two per user; reads list ids and statuses only', async () => {
    const n = events.length;
    const first = await ports.iam.createAccessKey(USER);
    expect(first.accessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
    expect(first.secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(first.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    const second = twin.createAccessKey({ userName: USER });
    key1 = first;
    key2 = second;
    secrets.push(first.secretAccessKey, second.secretAccessKey);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    const third = await rejection(ports.iam.createAccessKey(USER));
    expect(third.name).toBe('LimitExceededException');
    expect(third.message).toBe(`iam:CreateAccessKey on ${USER} failed: LimitExceededException: Cannot exceed quota for AccessKeysPerUser: 2`);
    expect((await ports.iam.getUser(USER))!.accessKeys).toEqual([
      { accessKeyId: first.accessKeyId, status: 'Active', createdAt: first.createdAt },
      { accessKeyId: second.accessKeyId, status: 'Active', createdAt: expect.any(String) },
    ]);
    // CloudTrail records the key without its secret.
    const created = events.slice(n).filter((e) => e.detail.eventName === 'CreateAccessKey');
    expect(created.map((e) => [e.detail.userIdentity.arn, e.detail.requestParameters, e.detail.responseElements])).toEqual([
      [STEP_SESSION, { userName: USER }, { accessKey: { userName: USER, accessKeyId: first.accessKeyId, status: 'Active', createDate: expect.stringMatching(/Z$/) } }],
      [`arn:aws:iam::${D}:user/operator`, { userName: USER }, { accessKey: { userName: USER, accessKeyId: second.accessKeyId, status: 'Active', createDate: expect.stringMatching(/Z$/) } }],
    ]);
    expect(JSON.stringify(twin.iam.getUser({ account: D, userName: USER }))).not.toContain(first.secretAccessKey);
  });

  test('STS with the key: allowed from an egress address; refused elsewhere with the explicit-deny ending', async () => {
    const session = await assumeWith(key1);
    expect(session).toMatchObject({ arn: `arn:aws:sts::${D}:assumed-role/${artifacts.roleName}/aws-go-sdk-1`, roleArn: artifacts.roleArn, assumedBy: USER_ARN });
    expect(session.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(3600_000);
    await expect(assumeWith(key1, EGRESS[1]!)).resolves.toBeDefined();
    const elsewhere = await rejection(assumeWith(key1, '198.51.100.7'));
    expect(elsewhere).toBeInstanceOf(StsOperationError);
    expect((elsewhere as StsOperationError).code).toBe('AccessDenied');
    expect(elsewhere.message).toMatch(
      stsText('AccessDenied', `User: ${USER_ARN} is not authorized to perform: sts:AssumeRole on resource: ${artifacts.roleArn} with an explicit deny in an identity-based policy`),
    );
    // No public source address at all (a VPC endpoint): the deny applies too.
    expect((await rejection(assumeWith(key1, null))).message).toMatch(/with an explicit deny in an identity-based policy$/);
    // The chain simulator port agrees, and names the statement.
    const sim = (sourceIp: string) =>
      ports.simulator.simulateAssumeRole({
        principalArn: USER_ARN,
        identityPolicies: [hop.policy.document],
        permissionsBoundary: twin.iam.defaultDocument(BOUNDARY) as PolicyDocument,
        sourceIp,
        dbConnectRoleArn: artifacts.roleArn,
        trustPolicy: artifacts.trustPolicy,
        dbConnectRoleTags: Object.fromEntries(artifacts.tags.map((t) => [t.Key, t.Value])),
      });
    expect((await sim(EGRESS[0]!)).decision).toBe('allowed');
    const denied = await sim('198.51.100.7');
    expect(denied.decision).toBe('explicitDeny');
    expect(denied.detail).toContain('"DenyOutsideRedpandaEgress"');
  });

  test('a wrong secret, a deactivated key and a deleted key each get STS\'s own answer; reactivation works again', async () => {
    const wrong = await rejection(assumeWith({ accessKeyId: key1.accessKeyId, secretAccessKey: key2.secretAccessKey }));
    expect((wrong as StsOperationError).code).toBe('SignatureDoesNotMatch');
    expect(wrong.message).toMatch(
      stsText(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      ),
    );
    twin.updateAccessKey({ userName: USER, accessKeyId: key2.accessKeyId, status: 'Inactive' });
    const inactive = await rejection(assumeWith(key2));
    expect(inactive.message).toMatch(stsText('InvalidClientTokenId', 'The security token included in the request is invalid.'));
    expect((await ports.iam.getUser(USER))!.accessKeys.map((k) => k.status)).toEqual(['Active', 'Inactive']);
    twin.updateAccessKey({ userName: USER, accessKeyId: key2.accessKeyId, status: 'Active' });
    await expect(assumeWith(key2)).resolves.toBeDefined();
    twin.deleteAccessKey({ userName: USER, accessKeyId: key2.accessKeyId });
    const deleted = await rejection(assumeWith(key2));
    expect(deleted.message).toMatch(stsText('InvalidClientTokenId', 'The security token included in the request is invalid.'));
    const unknown = await rejection(assumeWith({ accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ', secretAccessKey: 'x'.repeat(40) }));
    expect((unknown as StsOperationError).code).toBe('InvalidClientTokenId');
    for (const e of [wrong, inactive, deleted]) for (const s of secrets) expect(e.message).not.toContain(s);
    // IAM's texts for what is not there.
    const noKey = rejection(Promise.resolve().then(() => twin.deleteAccessKey({ userName: USER, accessKeyId: key2.accessKeyId })));
    expect((await noKey).message).toBe(`iam:DeleteAccessKey on ${key2.accessKeyId} failed: NoSuchEntityException: The Access Key with id ${key2.accessKeyId} cannot be found.`);
    const noUser = await rejection(Promise.resolve().then(() => twin.updateAccessKey({ userName: 'nobody', accessKeyId: key1.accessKeyId, status: 'Inactive' })));
    expect(noUser.message).toBe('iam:UpdateAccessKey on nobody failed: NoSuchEntityException: The user with name nobody cannot be found.');
    // The port tolerates a key that is gone.
    await ports.iam.deleteAccessKey(USER, key2.accessKeyId);
  });

  test('the link boundary: a broad policy put on the connector user still cannot reach another role (boundary ending)', async () => {
    const n = events.length;
    await twin.createRole({
      account: 'db',
      roleName: 'ops-admin',
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${D}:root` }, Action: 'sts:AssumeRole' }] },
    });
    const adminArn = `arn:aws:iam::${D}:role/ops-admin`;
    await twin.putUserPolicy({ userName: USER, policyName: 'too-broad', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } });
    const bounded = await rejection(assumeWith(key1, EGRESS[0], adminArn));
    expect(bounded.message).toMatch(
      stsText('AccessDenied', `User: ${USER_ARN} is not authorized to perform: sts:AssumeRole on resource: ${adminArn} because no permissions boundary allows the sts:AssumeRole action`),
    );
    // The boundary is what decided it: without it the same call goes through.
    twin.setUserPermissionsBoundary({ userName: USER, permissionsBoundary: undefined });
    await expect(assumeWith(key1, EGRESS[0], adminArn)).resolves.toMatchObject({ roleArn: adminArn });
    twin.setUserPermissionsBoundary({ userName: USER, permissionsBoundary: BOUNDARY });
    // The egress deny still comes first from elsewhere.
    expect((await rejection(assumeWith(key1, '198.51.100.7', adminArn))).message).toMatch(/with an explicit deny in an identity-based policy$/);
    twin.deleteUserPolicy({ userName: USER, policyName: 'too-broad' });
    twin.deleteRole({ account: 'db', roleName: 'ops-admin' });
    expect(events.slice(n).map((e) => e.detail.eventName)).toEqual([
      'CreateRole', 'PutUserPolicy', 'DeleteUserPermissionsBoundary', 'PutUserPermissionsBoundary', 'DeleteUserPolicy', 'DeleteRole',
    ]);
    expect(events.slice(n).find((e) => e.detail.eventName === 'PutUserPermissionsBoundary')!.detail.requestParameters).toEqual({ userName: USER, permissionsBoundary: BOUNDARY });
  });

  test('a boundary on a role bounds its sessions: BYOVPC\'s pipeline-role boundary makes the inline policy useless', async () => {
    const pipelineLink = pgRequest('byovpc');
    const dbConnect = await createDbConnectRole(ports, pipelineLink, FAKE_RESOURCE_ID);
    await twin.putRolePolicy({ account: 'redpanda', roleName: PIPELINE_ROLE, policyName: dbConnect.pipelineRole.policy.policyName, document: dbConnect.pipelineRole.policy.document });
    const base = twin.pipelineSession('pod-byovpc');
    await expect(twin.assumeRole(base.arn, dbConnect.arn, 'rpcn')).resolves.toBeDefined();
    const agentBoundary = await twin.createPolicy({
      account: 'redpanda',
      policyName: 'redpanda-agent-boundary',
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:ListSecrets'], Resource: '*' }] },
    });
    const n = events.length;
    twin.setRolePermissionsBoundary({ account: 'redpanda', roleName: PIPELINE_ROLE, permissionsBoundary: agentBoundary });
    expect(events.slice(n).map((e) => [e.detail.eventName, e.detail.requestParameters])).toEqual([
      ['PutRolePermissionsBoundary', { roleName: PIPELINE_ROLE, permissionsBoundary: agentBoundary }],
    ]);
    const refused = await rejection(twin.assumeRole(base.arn, dbConnect.arn, 'rpcn'));
    expect(refused.message).toMatch(
      stsText('AccessDenied', `User: ${base.arn} is not authorized to perform: sts:AssumeRole on resource: ${dbConnect.arn} because no permissions boundary allows the sts:AssumeRole action`),
    );
    // A policy in use as a boundary cannot be deleted.
    expect((await rejection(Promise.resolve().then(() => twin.iam.deletePolicy({ policyArn: agentBoundary }, twin.operatorArn('redpanda'))))).name).toBe('DeleteConflictException');
    twin.setRolePermissionsBoundary({ account: 'redpanda', roleName: PIPELINE_ROLE, permissionsBoundary: undefined });
    await expect(twin.assumeRole(base.arn, dbConnect.arn, 'rpcn')).resolves.toBeDefined();
    twin.deleteRolePolicy({ account: 'redpanda', roleName: PIPELINE_ROLE, policyName: dbConnect.pipelineRole.policy.policyName });
    await ports.iam.deleteRole(dbConnect.roleName);
    twin.iam.deletePolicy({ policyArn: agentBoundary }, twin.operatorArn('redpanda'));
  });

  test('faults: the new IamPort methods and STS with a key can be faulted like any port call', async () => {
    twin.faults.inject({ target: 'iam.createAccessKey', error: 'AwsThrottledError' });
    await expect(ports.iam.createAccessKey(USER)).rejects.toBeInstanceOf(AwsThrottledError);
    // An AWS code leaves as the adapter maps it.
    twin.faults.inject({ target: 'iam.getUser', error: 'AccessDenied' });
    expect((await rejection(ports.iam.getUser(USER))).name).toBe('StepAccessDeniedError');
    twin.faults.inject({ target: 'sts.assumeRoleWithAccessKey', error: 'StepAccessDeniedError' });
    await expect(assumeWith(key1)).rejects.toBeInstanceOf(StepAccessDeniedError);
    expect(twin.faults.calls('sts.assumeRoleWithAccessKey')).toBeGreaterThan(5);
    expect(twin.faults.pending()).toEqual([]);
    // The throttled CreateAccessKey never happened: still one key.
    expect((await ports.iam.getUser(USER))!.accessKeys).toHaveLength(1);
  });

  test('inventory shows users (path, policies, boundary, key statuses) without key ids or secrets', async () => {
    const inv = (await twin.inventory()) as { iam: { db: { users: unknown[] } } };
    expect(inv.iam.db.users).toEqual([
      {
        name: USER,
        arn: USER_ARN,
        path: '/rpcn-aurora/',
        tags: { [LINK_TAG_KEY]: 'keys' },
        inlinePolicies: { [hop.policy.policyName]: hop.policy.document },
        attachedPolicyArns: [],
        permissionsBoundaryArn: BOUNDARY,
        accessKeys: { count: 1, statuses: ['Active'] },
      },
    ]);
    const text = JSON.stringify(inv);
    expect(text).not.toMatch(/AKIA[A-Z0-9]{16}/);
    for (const s of secrets) expect(text).not.toContain(s);
  });

  test('DeleteUser is refused while keys, inline or attached policies remain; each user write is one event', async () => {
    const other = 'rpcn-aurora-manual-connector';
    twin.createUser({ userName: other, path: '/rpcn-aurora/' });
    const otherKey = twin.createAccessKey({ userName: other });
    secrets.push(otherKey.secretAccessKey);
    await twin.putUserPolicy({ userName: other, policyName: 'p', document: hop.policy.document });
    const managed = await twin.createPolicy({ account: 'db', policyName: 'rpcn-aurora-manual', document: hop.policy.document });
    twin.attachUserPolicy({ userName: other, policyArn: managed });
    await ports.iam.tagUser(other, { team: 'ops' });
    twin.iam.untagUser({ account: D, userName: other, tagKeys: ['team'] }, twin.operatorArn('db'));
    const conflict = async () => (await rejection(Promise.resolve().then(() => twin.deleteUser({ userName: other })))).message;
    expect(await conflict()).toBe(`iam:DeleteUser on ${other} failed: DeleteConflictException: Cannot delete entity, must delete access keys first.`);
    twin.deleteAccessKey({ userName: other, accessKeyId: otherKey.accessKeyId });
    expect(await conflict()).toBe(`iam:DeleteUser on ${other} failed: DeleteConflictException: Cannot delete entity, must delete policies first.`);
    twin.deleteUserPolicy({ userName: other, policyName: 'p' });
    expect(await conflict()).toBe(`iam:DeleteUser on ${other} failed: DeleteConflictException: Cannot delete entity, must detach all policies first.`);
    expect((await rejection(Promise.resolve().then(() => twin.deleteUserPolicy({ userName: other, policyName: 'p' })))).message).toBe(
      `iam:DeleteUserPolicy on ${other}/p failed: NoSuchEntityException: The user policy with name p cannot be found.`,
    );
    twin.detachUserPolicy({ userName: other, policyArn: managed });
    twin.deleteUser({ userName: other });
    twin.iam.deletePolicy({ policyArn: managed }, twin.operatorArn('db'));

    const userEvents = events.filter((e) => e.detail.requestParameters['userName'] === other);
    expect(userEvents.map((e) => e.detail.eventName)).toEqual([
      'CreateUser', 'CreateAccessKey', 'PutUserPolicy', 'AttachUserPolicy', 'TagUser', 'UntagUser',
      'DeleteAccessKey', 'DeleteUserPolicy', 'DetachUserPolicy', 'DeleteUser',
    ]);
    expect(userEvents.find((e) => e.detail.eventName === 'DeleteAccessKey')!.detail.requestParameters).toEqual({ userName: other, accessKeyId: otherKey.accessKeyId });
    expect(userEvents.find((e) => e.detail.eventName === 'UntagUser')!.detail.requestParameters).toEqual({ userName: other, tagKeys: ['team'] });
    const all = JSON.stringify(twin.iamEvents());
    for (const s of secrets) expect(all).not.toContain(s);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  test('IamPort.deleteUser removes keys and policies first and tolerates a gone user; the IAM inventory is as before', async () => {
    const n = events.length;
    await ports.iam.deleteUser(USER);
    expect(events.slice(n).map((e) => e.detail.eventName)).toEqual(['DeleteAccessKey', 'DeleteUserPolicy', 'DeleteUser']);
    await ports.iam.deleteUser(USER);
    expect(events).toHaveLength(n + 3);
    expect(await ports.iam.getUser(USER)).toBeUndefined();
    await ports.iam.deleteRole(artifacts.roleName);
    expect(await twin.inventory()).toEqual(before);
    // A deleted user's key is unknown to STS.
    expect(((await rejection(assumeWith(key1))) as StsOperationError).code).toBe('InvalidClientTokenId');
  });
});

// -------------------------------------------------------------------------------------------------------
describe('fault injection, secrets, registry, security groups (no database)', () => {
  const twin = newTwin();
  const ports = twin.ports();
  const group = { name: 'rpcn-aurora-orders-aurorapostgresql17', family: 'aurora-postgresql17', description: 'd', parameters: [], tags: { [LINK_TAG_KEY]: 'orders' } };

  test('named errors are thrown before the call, N times, then the call goes through; every call is counted', async () => {
    twin.faults.inject({ target: 'aurora.ensureClusterParameterGroup', error: 'AwsThrottledError', times: 2 });
    await expect(ports.aurora.ensureClusterParameterGroup(group)).rejects.toBeInstanceOf(AwsThrottledError);
    const second = await rejection(ports.aurora.ensureClusterParameterGroup(group));
    expect(second.name).toBe('AwsThrottledError');
    expect(await ports.aurora.describeClusterParameterGroupTags(group.name)).toBeUndefined();
    expect(await ports.aurora.ensureClusterParameterGroup(group)).toEqual({ created: true, tags: group.tags });
    expect(twin.faults.calls('aurora.ensureClusterParameterGroup')).toBe(3);
    expect(twin.faults.calls('aurora.describeClusterParameterGroupTags')).toBe(1);
  });

  test('"after" faults let the call take effect; unknown names become errors with that name; clear() drops pending faults', async () => {
    twin.faults.inject({ target: 'iam.createRole', error: 'IamPropagationError', when: 'after' });
    const trust = { Version: '2012-10-17' as const, Statement: [{ Sid: 'T', Effect: 'Allow' as const, Principal: { AWS: twin.pipelineRoleArn }, Action: 'sts:AssumeRole' }] };
    await expect(ports.iam.createRole({ name: 'rpcn-aurora-after', trustPolicy: trust, description: '', tags: {}, permissionsBoundaryArn: BOUNDARY })).rejects.toBeInstanceOf(IamPropagationError);
    expect(await ports.iam.getRole('rpcn-aurora-after')).toBeDefined();
    twin.faults.inject({ target: 'aurora.describeCluster', error: 'DBClusterNotFoundFault', times: 5 });
    expect((await rejection(ports.aurora.describeCluster('x'))).name).toBe('DBClusterNotFoundFault');
    twin.faults.inject({ target: 'sts.assumeRole', error: 'StepAccessDeniedError' });
    await expect(twin.assumeRole(twin.pipelineSession().arn, 'arn:aws:iam::111111111111:role/x', 'rpcn')).rejects.toBeInstanceOf(StepAccessDeniedError);
    expect(twin.faults.pending()).toHaveLength(1);
    twin.faults.clear();
    expect(await ports.aurora.describeCluster('x')).toBeUndefined();
  });

  test('RDS refuses a malformed identifier with its own InvalidParameterValue, creating nothing', async () => {
    const text = (parameter: string) =>
      `The parameter ${parameter} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`;
    const cluster = { engine: 'aurora-postgresql' as const, engineVersion: '17.4', databaseName: 'demo_db', port: 5432, parameterGroup: 'default.aurora-postgresql17', minCapacity: 0.5, maxCapacity: 2, vpcSecurityGroupIds: [], tags: { [LINK_TAG_KEY]: 'x' } };
    for (const identifier of ['rpcn-aurora-orders-', 'rpcn-aurora-a--b', '1orders', `r${'x'.repeat(63)}`]) {
      const e = await rejection(ports.aurora.createCluster({ ...cluster, identifier }));
      expect({ name: e.name, message: e.message }).toEqual({ name: 'InvalidParameterValue', message: expect.stringContaining(text('DBClusterIdentifier')) });
      expect(await ports.aurora.describeCluster(identifier)).toBeUndefined();
    }
    const instance = await rejection(ports.aurora.createWriterInstance({ identifier: 'rpcn-aurora-a--b-writer', clusterIdentifier: 'rpcn-aurora-a--b', engine: 'aurora-postgresql', publiclyAccessible: true, tags: {} }));
    expect(instance.message).toContain(text('DBInstanceIdentifier'));
    const groupError = await rejection(ports.aurora.ensureClusterParameterGroup({ ...group, name: 'rpcn-aurora-a--b-aurorapostgresql17' }));
    expect(groupError.message).toContain(text('DBClusterParameterGroupName'));
  });

  test('DescribeDBEngineVersions answers ServerlessV2FeaturesSupport; CreateDBCluster refuses a range the version cannot do', async () => {
    expect(await ports.aurora.describeEngineVersion('aurora-postgresql', '16.2')).toEqual({ offered: true, serverlessV2: { minCapacity: 0.5, maxCapacity: 256 } });
    expect(await ports.aurora.describeEngineVersion('aurora-postgresql', '16.3')).toEqual({ offered: true, serverlessV2: { minCapacity: 0, maxCapacity: 256 } });
    expect(await ports.aurora.describeEngineVersion('aurora-postgresql', '14.9')).toEqual({ offered: true, serverlessV2: { minCapacity: 0.5, maxCapacity: 128 } });
    expect(await ports.aurora.describeEngineVersion('aurora-mysql', '8.0.mysql_aurora.3.07.1')).toEqual({ offered: true, serverlessV2: { minCapacity: 0.5, maxCapacity: 256 } });
    expect(await ports.aurora.describeEngineVersion('aurora-postgresql', '12.9')).toEqual({ offered: false });
    const cluster = { engine: 'aurora-postgresql' as const, databaseName: 'demo_db', port: 5432, parameterGroup: 'default.aurora-postgresql16', vpcSecurityGroupIds: [], tags: { [LINK_TAG_KEY]: 'x' } };
    const paused = await rejection(ports.aurora.createCluster({ ...cluster, identifier: 'rpcn-aurora-paused', engineVersion: '16.2', minCapacity: 0, maxCapacity: 2 }));
    expect({ name: paused.name, message: paused.message }).toEqual({ name: 'InvalidParameterValue', message: expect.stringContaining("Serverless v2 minimum capacity 0.0 isn't valid") });
    const big = await rejection(ports.aurora.createCluster({ ...cluster, parameterGroup: 'default.aurora-postgresql14', identifier: 'rpcn-aurora-big', engineVersion: '14.9', minCapacity: 0.5, maxCapacity: 200 }));
    expect(big.message).toContain("Serverless v2 maximum capacity 200.0 isn't valid. The maximum capacity must be less than or equal to 128.0");
    expect(await ports.aurora.describeCluster('rpcn-aurora-paused')).toBeUndefined();
    expect(await ports.aurora.describeCluster('rpcn-aurora-big')).toBeUndefined();
  });

  test('parameter group owned by another link is a conflict', async () => {
    await expect(ports.aurora.ensureClusterParameterGroup({ ...group, tags: { [LINK_TAG_KEY]: 'other' } })).rejects.toBeInstanceOf(ResourceConflictError);
  });

  test('secrets: the link secret keeps its value on re-run; the Redpanda credentials are checked', async () => {
    let generated = 0;
    const gen = () => `pw-${++generated}`;
    const first = await ports.secrets.ensureLinkSecret({ name: 'rpcn-aurora-orders/redpanda-sasl-password', description: 'd', tags: { [LINK_TAG_KEY]: 'orders' }, generate: gen });
    const again = await ports.secrets.ensureLinkSecret({ name: 'rpcn-aurora-orders/redpanda-sasl-password', description: 'd', tags: {}, generate: gen });
    expect(first).toMatchObject({ value: 'pw-1', created: true });
    expect(again).toEqual({ arn: first.arn, value: 'pw-1', created: false });
    expect(first.arn).toMatch(new RegExp(`^arn:aws:secretsmanager:${REGION}:${D}:secret:rpcn-aurora-orders/redpanda-sasl-password-[A-Za-z0-9]{6}$`));
    await ports.secrets.deleteLinkSecret('rpcn-aurora-orders/redpanda-sasl-password');
    await ports.secrets.deleteLinkSecret('rpcn-aurora-orders/redpanda-sasl-password');
    expect(await ports.secrets.getLinkSecret('rpcn-aurora-orders/redpanda-sasl-password')).toBeUndefined();

    const creds = twin.secrets.create({ name: 'rpcn-aurora/redpanda-cloud', value: JSON.stringify({ client_id: 'id', client_secret: 'topsecret' }) });
    expect(await ports.secrets.getRedpandaCredentials(creds.arn)).toEqual({ clientId: 'id', clientSecret: 'topsecret' });
    twin.secrets.putValue(creds.arn, JSON.stringify({ client_id: 'id' }));
    const bad = await rejection(ports.secrets.getRedpandaCredentials(creds.arn));
    expect(bad).toBeInstanceOf(CredentialsSecretError);
    expect(bad.message).toContain('"client_secret" is missing');
    await expect(ports.secrets.getRedpandaCredentials('arn:aws:secretsmanager:us-east-2:111111111111:secret:nope')).rejects.toBeInstanceOf(CredentialsSecretError);
    expect(JSON.stringify(await twin.inventory())).not.toContain('topsecret');
  });

  test('registry: ensure keeps the first record, update merges owned keys, verdicts are bounded', async () => {
    const now = new Date().toISOString();
    const record: LinkRecord = { name: 'orders', status: 'provisioning', request: pgRequest(), dbAccountId: D, region: REGION, owned: {}, verdicts: [], createdAt: now, updatedAt: now };
    expect(await ports.registry.ensure(record)).toEqual(record);
    expect((await ports.registry.ensure({ ...record, status: 'ready' })).status).toBe('provisioning');
    await ports.registry.update('orders', { owned: { cluster: 'c' } });
    await ports.registry.update('orders', { owned: { dbConnectRole: 'r' }, failure: { step: 's', error: 'E', cause: 'c', at: now } });
    const updated = await ports.registry.update('orders', { status: 'ready', failure: undefined });
    expect(updated.owned).toEqual({ cluster: 'c', dbConnectRole: 'r' });
    expect(updated.failure).toBeUndefined();
    for (let i = 0; i < VERDICT_HISTORY_LIMIT + 5; i++) {
      await ports.registry.appendVerdict('orders', { at: `t${i}`, trigger: 'schedule', verdict: 'healthy', findings: [], actions: [] });
    }
    const verdicts = (await ports.registry.get('orders'))!.verdicts;
    expect(verdicts).toHaveLength(VERDICT_HISTORY_LIMIT);
    expect(verdicts[VERDICT_HISTORY_LIMIT - 1]!.at).toBe(`t${VERDICT_HISTORY_LIMIT + 4}`);
    expect(verdicts[0]!.at).toBe('t5');
    await expect(ports.registry.update('nope', { status: 'ready' })).rejects.toBeInstanceOf(LinkNotFoundError);
  });

  test('security groups: duplicate rules are not an error, a foreign group with our name is a conflict', async () => {
    const tags = { [LINK_TAG_KEY]: 'orders' };
    const { groupId, created } = await ports.network.ensureSecurityGroup({ name: 'rpcn-aurora-orders', vpcId: 'vpc-1', description: 'd', tags });
    expect(created).toBe(true);
    expect(await ports.network.ensureSecurityGroup({ name: 'rpcn-aurora-orders', vpcId: 'vpc-1', description: 'd', tags })).toEqual({ groupId, created: false });
    const rule = { cidr: '203.0.113.7/32', port: 5432, description: 'rpcn-aurora orders' };
    expect(await ports.network.authorizeIngress(groupId, [rule])).toEqual({ added: 1 });
    expect(await ports.network.authorizeIngress(groupId, [{ ...rule, description: 'other text' }, { ...rule, cidr: '203.0.113.8/32' }])).toEqual({ added: 1 });
    expect((await ports.network.describeSecurityGroup(groupId))!.ingress).toHaveLength(2);
    await ports.network.revokeIngress(groupId, [rule]);
    await ports.network.revokeIngress(groupId, [rule]);
    expect((await ports.network.describeSecurityGroup(groupId))!.ingress.map((r) => r.cidr)).toEqual(['203.0.113.8/32']);
    twin.network.create({ name: 'rpcn-aurora-taken', vpcId: 'vpc-1', description: 'someone', tags: {} });
    await expect(ports.network.ensureSecurityGroup({ name: 'rpcn-aurora-taken', vpcId: 'vpc-1', description: 'd', tags })).rejects.toBeInstanceOf(ResourceConflictError);
    await ports.network.deleteSecurityGroup(groupId);
    await ports.network.deleteSecurityGroup(groupId);
    expect(await ports.network.describeSecurityGroup(groupId)).toBeUndefined();
  });

  test('the endpoint check of the token builder', () => {
    expect(parseTokenEndpoint('db.example.com:5432')).toEqual({ host: 'db.example.com', port: 5432 });
    for (const bad of ['db.example.com', 'db.example.com:', 'db.example.com:0', 'db.example.com:99999']) {
      expect(() => parseTokenEndpoint(bad)).toThrow(/^the provided endpoint is missing a port, or the provided port is invalid$/);
    }
  });
});

// -------------------------------------------------------------------------------------------------------
describe('Aurora PostgreSQL on embedded PostgreSQL: lifecycle, Data API, IAM login, teardown, stop', () => {
  const twin = newTwin({ rds: { creatingDescribes: 2 } });
  const ports = twin.ports();
  const request = pgRequest();
  const names = linkNames(request, D);
  let before: Record<string, unknown>;
  let cluster: Awaited<ReturnType<TwinPorts['aurora']['createCluster']>>;
  let target: { clusterArn: string; secretArn: string; database: string };
  let artifacts: Awaited<ReturnType<typeof createDbConnectRole>>;
  let adoptedPids: (number | undefined)[] = [];
  const dirs: string[] = [];
  const sql = (text: string) => ports.sql.execute(target, text);

  beforeAll(async () => {
    before = await twin.inventory();
  });
  afterAll(async () => {
    await twin.stop();
  });

  test('create: parameter group, cluster `creating` with a resource id and a managed secret, writer; available after the describes', async () => {
    await ports.aurora.ensureClusterParameterGroup({
      name: names.clusterParameterGroup,
      family: names.parameterGroupFamily,
      description: 'CDC',
      parameters: rdsClusterParameters('aurora-postgresql').map((p) => ({ name: p.ParameterName, value: p.ParameterValue, applyMethod: p.ApplyMethod })),
      tags: { [LINK_TAG_KEY]: request.name },
    });
    cluster = await ports.aurora.createCluster({
      identifier: names.clusterIdentifier,
      engine: 'aurora-postgresql',
      engineVersion: '17.4',
      databaseName: 'demo_db',
      port: 5432,
      parameterGroup: names.clusterParameterGroup,
      minCapacity: 0.5,
      maxCapacity: 2,
      vpcSecurityGroupIds: [],
      tags: { [LINK_TAG_KEY]: request.name },
    });
    expect(cluster.status).toBe('creating');
    expect(cluster.resourceId).toMatch(/^cluster-[A-Z0-9]{26}$/);
    expect(cluster.arn).toBe(`arn:aws:rds:${REGION}:${D}:cluster:${names.clusterIdentifier}`);
    expect(cluster.endpoint).toBe('localhost');
    expect(cluster.masterUserSecretArn).toMatch(new RegExp(`^arn:aws:secretsmanager:${REGION}:${D}:secret:rds!cluster-${UUID}-[A-Za-z0-9]{6}$`));
    expect(cluster.iamAuthEnabled && cluster.httpEndpointEnabled).toBe(true);
    expect((await ports.aurora.createCluster({ identifier: names.clusterIdentifier } as never)).resourceId).toBe(cluster.resourceId);
    await ports.aurora.createWriterInstance({ identifier: names.writerInstanceIdentifier, clusterIdentifier: names.clusterIdentifier, engine: 'aurora-postgresql', publiclyAccessible: true, tags: {} });
    await expect(ports.aurora.enableHttpEndpoint(cluster.arn)).rejects.toBeInstanceOf(ResourceBusyError);
    await twin.waitForCluster(names.clusterIdentifier);
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await ports.aurora.describeCluster(names.clusterIdentifier))!.status);
    // creatingDescribes: 2 → the first two describes still answer `creating`.
    expect(statuses).toEqual(['creating', 'creating', 'available']);
    const described = (await ports.aurora.describeCluster(names.clusterIdentifier))!;
    expect(described.members).toEqual([{ instanceIdentifier: names.writerInstanceIdentifier, isWriter: true, parameterGroupStatus: 'in-sync' }]);
    expect(described.port).toBe(cluster.port);
    const params = await ports.aurora.describeClusterParameters(names.clusterParameterGroup);
    expect(params.find((p) => p.name === 'rds.logical_replication')).toEqual({ name: 'rds.logical_replication', value: '1', applyType: 'static', isModifiable: true });
    target = { clusterArn: cluster.arn, secretArn: cluster.masterUserSecretArn!, database: 'demo_db' };
    const master = JSON.parse(twin.secrets.find(target.secretArn)!.value) as { username: string };
    expect(master.username).toBe('postgres');
  });

  test('the Data API stand-in runs the setup statements one per call; REPLICATION follows rds_replication membership', async () => {
    await sql('CREATE TABLE public.orders (id serial PRIMARY KEY, item text NOT NULL)');
    for (const s of setupStatements(request)) await ports.sql.execute(target, s.sql, { ddl: s.ddl === true });
    const user = evaluatePgUser((await sql(postgresChecks(request).user.sql)).rows, request.cdc.user);
    expect(user.ok).toBe(true);
    expect(user.memberOf).toEqual(['rds_iam', 'rds_replication']);
    const replication = async () => (await sql(`SELECT rolreplication FROM pg_roles WHERE rolname = 'iam_demo_user'`)).rows[0]!['rolreplication'];
    expect(await replication()).toBe(true);
    await sql('REVOKE rds_replication FROM iam_demo_user');
    expect(await replication()).toBe(false);
    await sql('GRANT rds_replication TO iam_demo_user');
    expect(await replication()).toBe(true);
    const settings = (await sql("SELECT current_setting('wal_level') AS wal_level, current_setting('rds.logical_replication', true) AS rds")).rows[0];
    expect(settings).toEqual({ wal_level: 'logical', rds: '1' });
    const types = (await sql("SELECT 1::int8 AS big, now() AS ts, ARRAY[1,2] AS arr, NULL::text AS nothing")).rows[0]!;
    expect(types['big']).toBe(1);
    expect(typeof types['ts']).toBe('string');
    expect(types['arr']).toBe('[1,2]');
    expect(types['nothing']).toBeNull();
  });

  test('the Data API refuses several statements, a wrong secret and a cluster without HttpEndpoint', async () => {
    const multi = await rejection(sql('SELECT 1; SELECT 2'));
    expect(multi.name).toBe('DatabaseErrorException');
    expect(multi.message).toContain('cannot insert multiple commands into a prepared statement');
    const wrong = await rejection(ports.sql.execute({ ...target, secretArn: `arn:aws:secretsmanager:${REGION}:${D}:secret:nope` }, 'SELECT 1'));
    expect(wrong.name).toBe('BadRequestException');
    twin.rds.disableHttpEndpoint(names.clusterIdentifier);
    const off = await rejection(sql('SELECT 1'));
    expect(off.message).toContain(`HttpEndpoint isn't enabled for cluster ${names.clusterIdentifier}`);
    await ports.aurora.enableHttpEndpoint(cluster.arn);
    expect((await sql('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  test('IAM login: the chained session logs in (replication too); another user, or a removed rds-db:connect grant, gets the PAM text', async () => {
    artifacts = await createDbConnectRole(ports, request, cluster.resourceId);
    await ports.pipelineRole.putInlinePolicy(PIPELINE_ROLE, artifacts.pipelineRole.policy.policyName, artifacts.pipelineRole.policy.document);
    const session = await twin.assumeRole(twin.pipelineSession('pod').arn, artifacts.arn, 'rpcn');
    const endpoint = `localhost:${cluster.port}`;
    const login = await twin.rdsIamLogin({ sessionArn: session.arn, region: REGION, host: 'localhost', port: cluster.port, user: 'iam_demo_user', tokenEndpoint: endpoint, replication: true });
    expect(login.dbUserArn).toBe(`arn:aws:rds-db:${REGION}:${D}:dbuser:${cluster.resourceId}/iam_demo_user`);
    const client = new pg.Client({ host: login.host, port: login.port, user: login.user, password: login.password, database: 'demo_db' });
    await client.connect();
    expect((await client.query('SELECT current_user AS u')).rows[0].u).toBe('iam_demo_user');
    await client.end();
    const repl = new pg.Client({ host: login.host, port: login.port, user: login.user, password: login.password, database: 'demo_db', replication: 'database' } as pg.ClientConfig);
    await repl.connect();
    await repl.query('CREATE_REPLICATION_SLOT rpcn_orders LOGICAL pgoutput NOEXPORT_SNAPSHOT');
    await repl.end();

    expect(() => parseTokenEndpoint('localhost')).toThrow('the provided endpoint is missing a port, or the provided port is invalid');
    await expect(twin.rdsIamLogin({ sessionArn: session.arn, region: REGION, host: 'localhost', port: cluster.port, user: 'iam_demo_user', tokenEndpoint: 'localhost' })).rejects.toThrow(
      /^the provided endpoint is missing a port, or the provided port is invalid$/,
    );
    await sql('CREATE ROLE other_user LOGIN');
    await sql('GRANT rds_iam TO other_user');
    const other = await rejection(twin.rdsIamLogin({ sessionArn: session.arn, region: REGION, host: 'localhost', port: cluster.port, user: 'other_user' }));
    expect(other).toBeInstanceOf(DbLoginRefusedError);
    expect(other.message).toBe('FATAL: PAM authentication failed for user "other_user" (SQLSTATE 28000)');
    expect((other as DbLoginRefusedError).reason).toContain('rds-db:connect');

    twin.deleteRolePolicy({ account: 'db', roleName: artifacts.roleName, policyName: artifacts.permissionPolicy.policyName });
    const refused = await rejection(twin.rdsIamLogin({ sessionArn: session.arn, region: REGION, host: 'localhost', port: cluster.port, user: 'iam_demo_user' }));
    expect(refused.message).toBe('FATAL: PAM authentication failed for user "iam_demo_user" (SQLSTATE 28000)');
    // The password handed out earlier stops working too (the token would be re-checked).
    const stale = new pg.Client({ host: login.host, port: login.port, user: login.user, password: login.password, database: 'demo_db' });
    await expect(stale.connect()).rejects.toThrow(/password authentication failed/);
    await ports.iam.putRolePolicy(artifacts.roleName, artifacts.permissionPolicy.policyName, artifacts.permissionPolicy.document);
  });

  test('wal_level follows the parameter group: an adopted cluster without rds.logical_replication cannot decode until rebooted', async () => {
    const adopted = await twin.registerExistingCluster({ identifier: 'legacy-pg', engine: 'aurora-postgresql', parameters: { 'rds.logical_replication': '0' }, httpEndpointEnabled: true });
    expect(adopted.status).toBe('available');
    const t = { clusterArn: adopted.arn, secretArn: adopted.masterSecretArn, database: 'demo_db' };
    expect((await ports.sql.execute(t, 'SHOW wal_level')).rows).toEqual([{ wal_level: 'replica' }]);
    const slot = await rejection(ports.sql.execute(t, "SELECT pg_create_logical_replication_slot('s1', 'pgoutput')"));
    expect(slot.message).toMatch(/logical decoding requires "?wal_level"? >= "?logical"?/);
    twin.rds.modifyClusterParameterGroup('legacy-pg-params', { 'rds.logical_replication': '1' });
    expect((await ports.aurora.describeCluster('legacy-pg'))!.members[0]!.parameterGroupStatus).toBe('pending-reboot');
    expect((await ports.sql.execute(t, 'SHOW wal_level')).rows).toEqual([{ wal_level: 'replica' }]);
    await twin.rds.rebootWriter('legacy-pg');
    expect((await ports.aurora.describeCluster('legacy-pg'))!.members[0]!.parameterGroupStatus).toBe('in-sync');
    expect((await ports.sql.execute(t, 'SHOW wal_level')).rows).toEqual([{ wal_level: 'logical' }]);
    // Teardown comparisons below ignore this cluster: it belongs to "someone else".
    adoptedPids = twin.rds.backings().filter((b) => b.identifier === 'legacy-pg').map((b) => b.backing.pid());
  });

  test('inventory shows the database side: roles, grants, publication, slot', async () => {
    const inv = (await twin.inventory()) as { rds: { clusters: { identifier: string; database: Record<string, unknown> }[] } };
    const db = inv.rds.clusters.find((c) => c.identifier === names.clusterIdentifier)!.database as {
      settings: Record<string, string>;
      roles: { name: string; memberOf: string[]; replication: boolean }[];
      replicationSlots: { name: string; active: boolean }[];
      databases: { name: string; tableGrants: unknown[]; publications: unknown[] }[];
    };
    expect(db.settings['wal_level']).toBe('logical');
    expect(db.roles.find((r) => r.name === 'iam_demo_user')).toMatchObject({ memberOf: ['rds_iam', 'rds_replication'], replication: true });
    expect(db.replicationSlots).toEqual([expect.objectContaining({ name: 'rpcn_orders', active: false })]);
    const demo = db.databases.find((d) => d.name === 'demo_db')!;
    expect(demo.tableGrants).toEqual([{ grantee: 'iam_demo_user', table: 'public.orders', privilege: 'SELECT' }]);
    expect(demo.publications).toEqual([{ name: names.publication, allTables: false, tables: ['public.orders'] }]);
    expect(JSON.stringify(inv)).toBe(JSON.stringify(await twin.inventory()));
  });

  test('teardown through the ports leaves the inventory as it was (apart from the adopted cluster)', async () => {
    for (const s of teardownStatements(request)) await ports.sql.execute(target, s.sql);
    await ports.pipelineRole.deleteInlinePolicy(PIPELINE_ROLE, artifacts.pipelineRole.policy.policyName);
    await ports.iam.deleteRole(artifacts.roleName);
    await expect(ports.aurora.deleteCluster(names.clusterIdentifier, undefined)).rejects.toBeInstanceOf(ResourceBusyError);
    for (const b of twin.rds.backings()) if (b.backing.dataDir) dirs.push(b.backing.dataDir);
    const pid = twin.rds.backings().find((b) => b.identifier === names.clusterIdentifier)!.backing.pid()!;
    await ports.aurora.deleteInstance(names.writerInstanceIdentifier);
    await ports.aurora.deleteCluster(names.clusterIdentifier, undefined);
    await ports.aurora.deleteCluster(names.clusterIdentifier, undefined);
    await ports.aurora.deleteClusterParameterGroup(names.clusterParameterGroup);
    await ports.aurora.deleteClusterParameterGroup(names.clusterParameterGroup);
    expect(alive(pid)).toBe(false);
    expect(twin.secrets.find(target.secretArn)).toBeUndefined();

    const after = (await twin.inventory()) as { rds: { clusters: { identifier: string }[]; instances: { clusterIdentifier: string }[]; parameterGroups: { name: string }[] }; secretsManager: { secrets: { tags: Record<string, string> }[] } };
    const withoutAdopted = {
      ...after,
      rds: {
        ...after.rds,
        clusters: after.rds.clusters.filter((c) => c.identifier !== 'legacy-pg'),
        instances: after.rds.instances.filter((i) => i.clusterIdentifier !== 'legacy-pg'),
        parameterGroups: after.rds.parameterGroups.filter((g) => g.name !== 'legacy-pg-params'),
      },
      secretsManager: { secrets: after.secretsManager.secrets.filter((s) => !String(s.tags['aws:rds:primaryDBClusterArn'] ?? '').endsWith(':legacy-pg')) },
    };
    expect(withoutAdopted).toEqual(before);
  });

  test('stop() leaves no server process and no data dir', async () => {
    expect(adoptedPids.every((p) => p !== undefined && alive(p))).toBe(true);
    await twin.stop();
    await twin.stop();
    expect(adoptedPids.some((p) => alive(p!))).toBe(false);
    expect(dirs.length).toBeGreaterThanOrEqual(2);
    expect(dirs.filter((d) => existsSync(d))).toEqual([]);
  });
});

// -------------------------------------------------------------------------------------------------------
describe('EC2 network and DB subnet groups (no database)', () => {
  const twin = newTwin();
  const ports = twin.ports();
  const [sn1, sn2] = TWIN_SUBNETS.map((s) => s.subnetId) as [string, string];
  const RP = '10.100.0.0/16';

  afterAll(async () => {
    await twin.stop();
  });

  test('the seeded deployment VPC: CIDR, subnet group, the DB subnets\' table with a route to the Redpanda network through an active peering', async () => {
    expect(await ports.network.describeVpc(TWIN_VPC_ID)).toEqual({ vpcId: TWIN_VPC_ID, cidrBlocks: ['10.80.0.0/16'] });
    expect(await ports.network.describeVpc('vpc-00000000000000000')).toBeUndefined();
    expect(await ports.aurora.describeDbSubnetGroup(TWIN_DB_SUBNET_GROUP)).toEqual({ name: TWIN_DB_SUBNET_GROUP, vpcId: TWIN_VPC_ID, subnetIds: [sn1, sn2] });
    expect(await ports.aurora.describeDbSubnetGroup('nope')).toBeUndefined();
    expect(await ports.network.describeRouteTables(TWIN_VPC_ID, [sn1, sn2])).toEqual([
      {
        routeTableId: TWIN_DB_ROUTE_TABLE_ID,
        subnetIds: [sn1, sn2],
        main: false,
        routes: [
          { destination: '10.80.0.0/16', target: { kind: 'local', id: 'local' }, state: 'active' },
          { destination: '0.0.0.0/0', target: { kind: 'internet-gateway', id: TWIN_INTERNET_GATEWAY_ID }, state: 'active' },
          { destination: RP, target: { kind: 'peering', id: TWIN_PEERING_ID }, state: 'active' },
        ],
      },
    ]);
    expect(await ports.network.describePeeringConnection(TWIN_PEERING_ID)).toEqual({ id: TWIN_PEERING_ID, status: 'active' });
    expect(await ports.network.describePeeringConnection('pcx-00000000000000000')).toBeUndefined();
    expect(await ports.network.describeTransitGatewayAttachment(TWIN_TRANSIT_GATEWAY_ID, TWIN_VPC_ID)).toBeUndefined();
    expect(twin.network.privateRouteProblem(sn1, RP)).toBeUndefined();
    // The new port methods go through the fault injector like every port call.
    twin.faults.inject({ target: 'network.describeVpc', error: 'AwsThrottledError' });
    await expect(ports.network.describeVpc(TWIN_VPC_ID)).rejects.toBeInstanceOf(AwsThrottledError);
    expect(twin.faults.calls('aurora.describeDbSubnetGroup')).toBe(2);
  });

  test('a subnet without a table of its own uses the main table, which has no route to the Redpanda network', async () => {
    twin.network.disassociateRouteTable(sn2);
    const tables = await ports.network.describeRouteTables(TWIN_VPC_ID, [sn1, sn2]);
    expect(tables.map((t) => [t.routeTableId, t.main, t.subnetIds])).toEqual([
      [TWIN_MAIN_ROUTE_TABLE_ID, true, [sn2]],
      [TWIN_DB_ROUTE_TABLE_ID, false, [sn1]],
    ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)));
    expect(twin.network.privateRouteProblem(sn2, RP)).toBe(
      `route table ${TWIN_MAIN_ROUTE_TABLE_ID} (main) of subnet ${sn2} sends ${RP} by 0.0.0.0/0 → ${TWIN_INTERNET_GATEWAY_ID} (internet-gateway), not through a peering connection or transit gateway`,
    );
    twin.network.associateRouteTable(TWIN_DB_ROUTE_TABLE_ID, sn2);
    expect(twin.network.privateRouteProblem(sn2, RP)).toBeUndefined();
  });

  test('peering status: pending-acceptance keeps the route but not the path; deleted turns the route blackhole', async () => {
    twin.network.setPeeringStatus(TWIN_PEERING_ID, 'pending-acceptance');
    expect(await ports.network.describePeeringConnection(TWIN_PEERING_ID)).toEqual({ id: TWIN_PEERING_ID, status: 'pending-acceptance' });
    expect(twin.network.privateRouteProblem(sn1, RP)).toBe(`route table ${TWIN_DB_ROUTE_TABLE_ID} of subnet ${sn1}: peering connection ${TWIN_PEERING_ID} is pending-acceptance, not active`);
    twin.network.setPeeringStatus(TWIN_PEERING_ID, 'deleted');
    const route = (await ports.network.describeRouteTables(TWIN_VPC_ID, [sn1]))[0]!.routes.find((r) => r.destination === RP);
    expect(route).toEqual({ destination: RP, target: { kind: 'peering', id: TWIN_PEERING_ID }, state: 'blackhole' });
    expect(twin.network.privateRouteProblem(sn1, RP)).toBe(`route table ${TWIN_DB_ROUTE_TABLE_ID} of subnet ${sn1}: the route ${RP} → ${TWIN_PEERING_ID} is blackhole`);
    // A new connection and route repair it; a more specific route wins over a wider one.
    const pcx = twin.network.createPeeringConnection({ vpcId: TWIN_VPC_ID, peerCidrBlock: RP });
    expect(pcx).toMatch(/^pcx-[0-9a-f]{17}$/);
    twin.network.createRoute(TWIN_DB_ROUTE_TABLE_ID, { destination: '10.100.0.0/20', target: { kind: 'peering', id: pcx } });
    expect(twin.network.privateRouteProblem(sn1, '10.100.0.0/24')).toBeUndefined();
    expect(twin.network.privateRouteProblem(sn1, RP)).toMatch(/is blackhole$/);
    twin.network.deleteRoute(TWIN_DB_ROUTE_TABLE_ID, '10.100.0.0/20');
    twin.network.deleteRoute(TWIN_DB_ROUTE_TABLE_ID, RP);
    expect(twin.network.privateRouteProblem(sn1, RP)).toMatch(/sends 10\.100\.0\.0\/16 by 0\.0\.0\.0\/0/);
    twin.network.createRoute(TWIN_DB_ROUTE_TABLE_ID, { destination: RP, target: { kind: 'peering', id: pcx } });
    expect(twin.network.privateRouteProblem(sn1, RP)).toBeUndefined();
    // A peering that leads elsewhere does not reach the Redpanda network.
    const elsewhere = twin.network.createPeeringConnection({ vpcId: TWIN_VPC_ID, peerCidrBlock: '10.200.0.0/16' });
    twin.network.createRoute(TWIN_DB_ROUTE_TABLE_ID, { destination: '10.100.5.0/24', target: { kind: 'peering', id: elsewhere } });
    expect(twin.network.privateRouteProblem(sn1, '10.100.5.0/24')).toBe(
      `route table ${TWIN_DB_ROUTE_TABLE_ID} of subnet ${sn1}: peering connection ${elsewhere} leads to 10.200.0.0/16, which does not hold 10.100.5.0/24`,
    );
    twin.network.blackholeRoute(TWIN_DB_ROUTE_TABLE_ID, RP);
    twin.network.setPeeringStatus(pcx, 'active');
    expect(twin.network.privateRouteProblem(sn1, RP)).toMatch(/is blackhole$/);
  });

  test('EC2 refusals: a route to an unknown peering, a subnet outside the VPC, a one-zone subnet group; a cluster in an unknown group', async () => {
    expect((await rejection(Promise.resolve().then(() => twin.network.createRoute(TWIN_DB_ROUTE_TABLE_ID, { destination: '10.50.0.0/16', target: { kind: 'peering', id: 'pcx-00000000000000000' } })))).name).toBe(
      'InvalidVpcPeeringConnectionID.NotFound',
    );
    expect((await rejection(Promise.resolve().then(() => twin.network.createSubnet({ vpcId: TWIN_VPC_ID, cidr: '10.81.0.0/24', availabilityZone: 'us-east-2a' })))).name).toBe('InvalidSubnet.Range');
    expect((await rejection(Promise.resolve().then(() => twin.network.createSubnet({ vpcId: TWIN_VPC_ID, cidr: '10.80.1.128/25', availabilityZone: 'us-east-2a' })))).name).toBe('InvalidSubnet.Conflict');
    const lone = twin.network.createSubnet({ vpcId: TWIN_VPC_ID, cidr: '10.80.9.0/24', availabilityZone: 'us-east-2a' });
    expect((await rejection(Promise.resolve().then(() => twin.rds.createDbSubnetGroup({ name: 'one-zone', subnetIds: [sn1, lone] }))))).toMatchObject({ name: 'DBSubnetGroupDoesNotCoverEnoughAZs' });
    const created = await rejection(
      ports.aurora.createCluster({
        identifier: 'nowhere', engine: 'aurora-postgresql', engineVersion: '17.4', databaseName: 'demo_db', port: 5432, parameterGroup: 'default.aurora-postgresql17',
        minCapacity: 0.5, maxCapacity: 2, dbSubnetGroup: 'missing-group', vpcSecurityGroupIds: [], tags: {},
      }),
    );
    expect(created.message).toBe("rds:CreateDBCluster on nowhere failed: DBSubnetGroupNotFoundFault: DB subnet group 'missing-group' does not exist.");
    expect(await ports.aurora.describeCluster('nowhere')).toBeUndefined();
  });

  test('Transit Gateway: an available attachment carries the route; pending does not; deleted turns it blackhole until re-attached', async () => {
    const tgwTwin = new AwsTwin({ dbAccountId: D, redpandaAccountId: R, region: REGION, redpandaClusterId: CLUSTER_ID, redpandaAccessDeployed: false, network: { privatePath: 'transit-gateway' } });
    const net = tgwTwin.ports().network;
    expect(await net.describeTransitGatewayAttachment(TWIN_TRANSIT_GATEWAY_ID, TWIN_VPC_ID)).toEqual({ id: TWIN_TRANSIT_GATEWAY_ATTACHMENT_ID, state: 'available' });
    expect(await net.describeTransitGatewayAttachment(TWIN_TRANSIT_GATEWAY_ID, 'vpc-00000000000000000')).toBeUndefined();
    const routes = (await net.describeRouteTables(TWIN_VPC_ID, [sn1]))[0]!.routes;
    expect(routes.find((r) => r.destination === RP)).toEqual({ destination: RP, target: { kind: 'transit-gateway', id: TWIN_TRANSIT_GATEWAY_ID }, state: 'active' });
    expect(tgwTwin.network.privateRouteProblem(sn1, RP)).toBeUndefined();
    tgwTwin.network.setTransitGatewayAttachmentState(TWIN_TRANSIT_GATEWAY_ATTACHMENT_ID, 'pending');
    expect(tgwTwin.network.privateRouteProblem(sn1, RP)).toBe(`route table ${TWIN_DB_ROUTE_TABLE_ID} of subnet ${sn1}: transit gateway attachment ${TWIN_TRANSIT_GATEWAY_ATTACHMENT_ID} is pending, not available`);
    tgwTwin.network.setTransitGatewayAttachmentState(TWIN_TRANSIT_GATEWAY_ATTACHMENT_ID, 'deleted');
    expect((await net.describeRouteTables(TWIN_VPC_ID, [sn1]))[0]!.routes.find((r) => r.destination === RP)!.state).toBe('blackhole');
    expect(await net.describeTransitGatewayAttachment(TWIN_TRANSIT_GATEWAY_ID, TWIN_VPC_ID)).toEqual({ id: TWIN_TRANSIT_GATEWAY_ATTACHMENT_ID, state: 'deleted' });
    const again = tgwTwin.network.createTransitGatewayAttachment({ vpcId: TWIN_VPC_ID, transitGatewayId: TWIN_TRANSIT_GATEWAY_ID });
    expect(await net.describeTransitGatewayAttachment(TWIN_TRANSIT_GATEWAY_ID, TWIN_VPC_ID)).toEqual({ id: again.attachmentId, state: 'available' });
    expect(tgwTwin.network.privateRouteProblem(sn1, RP)).toBeUndefined();
    await tgwTwin.stop();

    const noPath = new AwsTwin({ dbAccountId: D, redpandaAccountId: R, region: REGION, redpandaClusterId: CLUSTER_ID, redpandaAccessDeployed: false, network: { privatePath: 'none', redpandaNetworkCidr: '172.20.0.0/16' } });
    expect((await noPath.ports().network.describeRouteTables(TWIN_VPC_ID, [sn1]))[0]!.routes.map((r) => r.destination)).toEqual(['10.80.0.0/16', '0.0.0.0/0']);
    expect(noPath.redpandaNetworkCidr).toBe('172.20.0.0/16');
    await noPath.stop();
    expect(() => new AwsTwin({ dbAccountId: D, redpandaAccountId: R, region: REGION, redpandaClusterId: CLUSTER_ID, redpandaAccessDeployed: false, network: { redpandaNetworkCidr: '10.80.128.0/20' } })).toThrow(
      "network.redpandaNetworkCidr 10.80.128.0/20 overlaps the twin's VPC 10.80.0.0/16",
    );
  });

  test('security groups decide on CIDR containment and the exact port', async () => {
    const group = twin.network.create({ name: 'probe', vpcId: TWIN_VPC_ID, description: 'probe', tags: {} });
    await ports.network.authorizeIngress(group.groupId, [{ cidr: '10.100.0.0/16', port: 5432, description: 'rp' }]);
    expect(twin.network.ingressProblem([group.groupId], '10.100.0.0/16', 5432)).toBeUndefined();
    expect(twin.network.ingressProblem([group.groupId], '10.100.4.0/24', 5432)).toBeUndefined();
    expect(twin.network.ingressProblem([group.groupId], '10.0.0.0/8', 5432)).toBe(`no rule of ${group.groupId} admits 10.0.0.0/8 on port 5432`);
    expect(twin.network.ingressProblem([group.groupId], '10.100.0.0/16', 5433)).toBe(`no rule of ${group.groupId} admits 10.100.0.0/16 on port 5433`);
    expect(twin.network.ingressProblem([], '10.100.0.0/16', 5432)).toBe('the cluster has no security group: nothing admits 10.100.0.0/16 on port 5432');
  });
});

// -------------------------------------------------------------------------------------------------------
describe('writer addresses and the path of a dial (embedded PostgreSQL)', () => {
  const EGRESS_NAT = '203.0.113.10';
  const twin = new AwsTwin({ dbAccountId: D, redpandaAccountId: R, region: REGION, redpandaClusterId: CLUSTER_ID, redpandaAccessDeployed: false, redpandaEgressAddresses: [EGRESS_NAT] });

  afterAll(async () => {
    await twin.stop();
  });

  test('a private writer has an address in its first subnet; a public one a documentation-range address; a DSN host:port resolves to them', async () => {
    const priv = await twin.registerExistingCluster({ identifier: 'private-pg', engine: 'aurora-postgresql', dbSubnetGroup: TWIN_DB_SUBNET_GROUP, publiclyAccessible: false, vpcSecurityGroupIds: [] });
    const pub = await twin.registerExistingCluster({ identifier: 'public-pg', engine: 'aurora-postgresql' });
    expect(priv).toMatchObject({ dbSubnetGroup: TWIN_DB_SUBNET_GROUP, vpcSecurityGroupIds: [], endpoint: 'localhost' });
    expect(pub).toMatchObject({ dbSubnetGroup: 'default' });
    // Aurora keeps PubliclyAccessible on the instance; DescribeDBClusters leaves it out for Aurora clusters.
    expect(priv.publiclyAccessible).toBeUndefined();
    expect((await twin.rds.describeInstance(priv.members.find((m) => m.isWriter)!.instanceIdentifier))?.publiclyAccessible).toBe(false);
    expect((await twin.rds.describeInstance(pub.members.find((m) => m.isWriter)!.instanceIdentifier))?.publiclyAccessible).toBe(true);
    expect(priv.port).not.toBe(pub.port);
    expect(twin.resolveDatabase({ host: 'localhost', port: priv.port })).toEqual({ clusterIdentifier: 'private-pg', address: '10.80.1.4', scope: 'private' });
    expect(twin.resolveDatabase({ host: '127.0.0.1', port: pub.port })).toEqual({ clusterIdentifier: 'public-pg', address: '198.51.100.10', scope: 'public' });
    expect(twin.resolveDatabase({ host: 'db.example.com', port: pub.port })).toBeUndefined();
    expect(twin.rds.addressesOf('public-pg')).toMatchObject({ privateAddress: '10.80.1.5', publicAddress: '198.51.100.10', subnetId: TWIN_SUBNETS[0]!.subnetId, vpcId: TWIN_VPC_ID });
    // The writer loses its public address, so a dial now meets the private one.
    twin.rds.setWriterPubliclyAccessible('public-pg', false);
    expect(twin.resolveDatabase({ host: 'localhost', port: pub.port })).toEqual({ clusterIdentifier: 'public-pg', address: '10.80.1.5', scope: 'private' });
    twin.rds.setWriterPubliclyAccessible('public-pg', true);
    expect(twin.resolveDatabase({ host: 'localhost', port: pub.port })?.address).toBe('198.51.100.10');
  });

  test('a registered cluster without groups gets one admitting the Redpanda egress addresses on its port; given groups are kept', async () => {
    const pub = (await twin.ports().aurora.describeCluster('public-pg'))!;
    expect(pub.vpcSecurityGroupIds).toHaveLength(1);
    const group = (await twin.ports().network.describeSecurityGroup(pub.vpcSecurityGroupIds[0]!))!;
    expect(group).toMatchObject({ name: 'public-pg-access', tags: {}, ingress: [{ cidr: `${EGRESS_NAT}/32`, port: pub.port }] });
    expect(twin.inboundProblem('public-pg', { scope: 'public', cidr: `${EGRESS_NAT}/32` }, pub.port)).toBeUndefined();
    expect(twin.inboundProblem('public-pg', { scope: 'public', cidr: '203.0.113.99/32' }, pub.port)).toBe(`no rule of ${group.groupId} admits 203.0.113.99/32 on port ${pub.port}`);
    expect((await twin.ports().aurora.describeCluster('private-pg'))!.vpcSecurityGroupIds).toEqual([]);
  });

  test('inboundProblem of a private source: the route first, then a rule from the Redpanda network CIDR', async () => {
    const priv = (await twin.ports().aurora.describeCluster('private-pg'))!;
    const source = { scope: 'private' as const, cidr: '10.100.0.0/16' };
    expect(twin.inboundProblem('private-pg', source, priv.port)).toBe(`the cluster has no security group: nothing admits 10.100.0.0/16 on port ${priv.port}`);
    twin.network.setPeeringStatus(TWIN_PEERING_ID, 'pending-acceptance');
    expect(twin.inboundProblem('private-pg', source, priv.port)).toMatch(/peering connection pcx-0a1b2c3d4e5f60703 is pending-acceptance, not active$/);
    twin.network.setPeeringStatus(TWIN_PEERING_ID, 'active');
    expect(twin.inboundProblem('unknown-pg', source, priv.port)).toBe('cluster unknown-pg does not exist');
  });

  test('deleting clusters releases their addresses: the next cluster gets the lowest free one again', async () => {
    const ports = twin.ports();
    for (const id of ['private-pg', 'public-pg']) {
      for (const m of (await ports.aurora.describeCluster(id))!.members) await ports.aurora.deleteInstance(m.instanceIdentifier);
      await ports.aurora.deleteCluster(id, undefined);
    }
    const next = await twin.registerExistingCluster({ identifier: 'next-pg', engine: 'aurora-postgresql', publiclyAccessible: true });
    expect(twin.rds.addressesOf('next-pg')).toMatchObject({ privateAddress: '10.80.1.4', publicAddress: '198.51.100.10' });
    const inv = (await twin.inventory()) as { ec2: Record<string, unknown[]>; rds: { dbSubnetGroups: unknown[]; clusters: { identifier: string; privateAddress?: string }[]; instances: { publicAddress?: string }[] } };
    expect(Object.keys(inv.ec2).sort()).toEqual(['peeringConnections', 'routeTables', 'securityGroups', 'subnets', 'transitGatewayAttachments', 'vpcs']);
    expect(inv.rds.dbSubnetGroups).toHaveLength(2);
    expect(inv.rds.clusters.find((c) => c.identifier === 'next-pg')?.privateAddress).toBe('10.80.1.4');
    expect(next.port).toBeGreaterThan(0);
  });
});

// -------------------------------------------------------------------------------------------------------
describe('OfflineTwin network options', () => {
  test('the Redpanda network CIDR reaches the seeded route, the local server and the emulator; adopted clusters admit the NAT addresses', async () => {
    const twin = await OfflineTwin.start({
      redpandaClusterId: CLUSTER_ID,
      redpandaNetworkCidr: '10.120.0.0/16',
      privateNetworkPath: 'transit-gateway',
      redpandaCluster: { network_cidr_block: null },
    });
    try {
      expect(twin.deps.deployment).toMatchObject({ vpcId: TWIN_VPC_ID, dbSubnetGroup: TWIN_DB_SUBNET_GROUP });
      const [table] = await twin.deps.network.describeRouteTables(TWIN_VPC_ID, [TWIN_SUBNETS[0]!.subnetId]);
      expect(table!.routes.find((r) => r.destination === '10.120.0.0/16')).toEqual({ destination: '10.120.0.0/16', target: { kind: 'transit-gateway', id: TWIN_TRANSIT_GATEWAY_ID }, state: 'active' });
      // The network reports no CIDR (the product then needs redpanda.networkCidr); the pods still use 10.120.0.0/16.
      const cloud = await twin.deps.redpanda();
      const cluster = await cloud.describeCluster(CLUSTER_ID);
      expect(await cloud.getNetworkCidr(cluster.networkId!)).toBeUndefined();
      expect(twin.aws.redpandaNetworkCidr).toBe('10.120.0.0/16');
      const adopted = await twin.aws.registerExistingCluster({ identifier: 'legacy-db', engine: 'aurora-postgresql' });
      const group = (await twin.deps.network.describeSecurityGroup(adopted.vpcSecurityGroupIds[0]!))!;
      expect(group.ingress.map((r) => [r.cidr, r.port])).toEqual(DEFAULT_NAT_GATEWAYS.map((ip) => [`${ip}/32`, adopted.port]));
      expect(twin.aws.inboundProblem('legacy-db', { scope: 'public', cidr: `${DEFAULT_NAT_GATEWAYS[0]}/32` }, adopted.port)).toBeUndefined();
    } finally {
      await twin.stop();
    }
  }, 30_000);
});

// -------------------------------------------------------------------------------------------------------
describeMysql('Aurora MySQL on the run\'s MariaDB', () => {
  // Also: a fake clock, time-based `available`, and a create that does not honour EnableHttpEndpoint.
  let now = Date.parse('2026-03-01T10:00:00Z');
  const twin = new AwsTwin({
    dbAccountId: D, redpandaAccountId: R, region: REGION, redpandaClusterId: CLUSTER_ID, redpandaAccessDeployed: true,
    clock: () => new Date(now),
    rds: { creatingMs: 60_000, ignoreCreateHttpEndpoint: true },
  });
  const ports = twin.ports();
  const database = uniqueName('twin_db');
  const user = uniqueName('twin_cdc');
  const request = assertRequest({
    name: 'shop',
    engine: 'aurora-mysql',
    database: { databaseName: database },
    cdc: { user, tables: ['orders'] },
    redpanda: { clusterId: CLUSTER_ID, accountId: R },
    identity: { mode: 'pipeline-role' },
  });
  let admin: mysql.Connection;

  beforeAll(async () => {
    admin = await connectMysql();
  });
  afterAll(async () => {
    await twin.stop();
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.query('DROP USER IF EXISTS ?@?', [user, '%']);
    await admin.end();
  });

  test('cluster on a scratch database; the Aurora-only setup statements are emulated; delete drops database and user', async () => {
    const created = await ports.aurora.createCluster({
      identifier: 'rpcn-aurora-shop',
      engine: 'aurora-mysql',
      engineVersion: '8.0.mysql_aurora.3.08.0',
      databaseName: database,
      port: 3306,
      parameterGroup: 'default.aurora-mysql8.0',
      minCapacity: 0.5,
      maxCapacity: 2,
      vpcSecurityGroupIds: [],
      tags: {},
    });
    await twin.waitForCluster('rpcn-aurora-shop');
    for (let i = 0; i < 3; i++) expect((await ports.aurora.describeCluster('rpcn-aurora-shop'))!.status).toBe('creating');
    now += 60_000;
    expect((await ports.aurora.describeCluster('rpcn-aurora-shop'))!).toMatchObject({ status: 'available', httpEndpointEnabled: false });
    const target = { clusterArn: created.arn, secretArn: created.masterUserSecretArn!, database };
    await expect(ports.sql.execute(target, 'SELECT 1')).rejects.toThrow("HttpEndpoint isn't enabled for cluster rpcn-aurora-shop");
    await ports.aurora.enableHttpEndpoint(created.arn);
    await ports.sql.execute(target, 'CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(20))');
    for (const s of setupStatements(request)) await ports.sql.execute(target, s.sql);
    const inv = (await twin.inventory()) as { rds: { clusters: { database: { tables: string[]; users: { account: string; iamPlugin: boolean; grants: string[] }[]; settings: Record<string, string> } }[] } };
    const db = inv.rds.clusters[0]!.database;
    expect(db.tables).toEqual(['orders']);
    expect(db.settings['rds_configuration:binlog retention hours']).toBe('168');
    expect(db.users).toEqual([expect.objectContaining({ account: `'${user}'@'%'`, iamPlugin: true })]);
    expect(db.users[0]!.grants.join('\n')).toContain(`GRANT SELECT ON \`${database}\`.\`orders\``);

    // IAM login decision works as for PostgreSQL (the stand-in has no TLS, so REQUIRE SSL keeps the actual login closed).
    const dbConnect = await createDbConnectRole(ports, request, created.resourceId);
    await ports.pipelineRole.putInlinePolicy(PIPELINE_ROLE, dbConnect.pipelineRole.policy.policyName, dbConnect.pipelineRole.policy.document);
    const session = await twin.assumeRole(twin.pipelineSession().arn, dbConnect.arn, 'rpcn');
    await expect(twin.rdsIamLogin({ sessionArn: session.arn, region: REGION, host: 'localhost', port: created.port, user })).resolves.toMatchObject({ user });
    await expect(twin.rdsIamLogin({ sessionArn: session.arn, region: 'eu-west-1', host: 'localhost', port: created.port, user })).rejects.toThrow(
      `ERROR 1045 (28000): Access denied for user '${user}'@'127.0.0.1' (using password: YES)`,
    );

    await ports.aurora.deleteCluster('rpcn-aurora-shop', 'final-shop');
    const [dbs] = await admin.query<mysql.RowDataPacket[]>('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database]);
    const [users] = await admin.query<mysql.RowDataPacket[]>('SELECT 1 FROM mysql.user WHERE User = ?', [user]);
    expect([dbs.length, users.length]).toEqual([0, 0]);
    expect(((await twin.inventory()) as { rds: { clusterSnapshots: unknown[] } }).rds.clusterSnapshots).toEqual([
      { identifier: 'final-shop', clusterIdentifier: 'rpcn-aurora-shop', tags: {} },
    ]);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
