import {
  DeleteRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  IAMServiceException,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import {
  HEALER_ROLE_NAME,
  INSPECTOR_ROLE_NAME,
  StsPipelineRoleAccess,
  type TemporaryCredentials,
} from '../../lambdas/adapters/aws/pipeline-role-access.js';
import type { PolicyDocument } from '../../lambdas/core/iam.js';

const stsMock = mockClient(STSClient);
// Mocks every IAMClient instance, including the ones built with the assumed credentials.
const iamMock = mockClient(IAMClient);
const meta = { $metadata: {} };

const R = '861276079005';
const PIPELINE_ROLE = 'redpanda-curl3eo533cmsnt23dv0-redpanda-connect-pipeline';
const POLICY = 'rpcn-aurora-111111111111-orders';
const policy: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AssumeTaggedDbConnectRole',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: 'arn:aws:iam::111111111111:role/*',
      Condition: { StringEquals: { 'aws:ResourceTag/redpanda_scope_redpanda_connect': 'true' } },
    },
  ],
};
const encoded = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));
const credentials = { AccessKeyId: 'ASIA1', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 3_600_000) };

let built: TemporaryCredentials[];
const access = () =>
  new StsPipelineRoleAccess(new STSClient({ region: 'us-east-2' }), {
    redpandaAccountId: R,
    iamClientFor: (c) => {
      built.push(c);
      return new IAMClient({ region: 'us-east-1', credentials: c });
    },
  });

beforeEach(() => {
  stsMock.reset();
  iamMock.reset();
  built = [];
});

/** The AccessUnavailable answer, or a test failure. */
function unavailable(out: object): { reason: string } {
  if (!('available' in out) || out.available !== false || !('reason' in out) || typeof out.reason !== 'string') throw new Error('expected { available: false }');
  return { reason: out.reason };
}

const accessDenied = (svc: 'sts' | 'iam') =>
  svc === 'sts'
    ? new STSServiceException({ name: 'AccessDenied', $fault: 'client', message: 'not authorized to perform: sts:AssumeRole', ...meta })
    : new IAMServiceException({ name: 'AccessDenied', $fault: 'client', message: 'not authorized', ...meta });

describe('inspect', () => {
  test('assumes the inspector role and reads inline and attached policies (default version), decoded', async () => {
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: PIPELINE_ROLE, Arn: `arn:aws:iam::${R}:role/${PIPELINE_ROLE}`, Path: '/', RoleId: 'x', CreateDate: new Date() } });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: [POLICY] });
    iamMock.on(GetRolePolicyCommand).resolves({ RoleName: PIPELINE_ROLE, PolicyName: POLICY, PolicyDocument: encoded(policy) });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/Managed' }] });
    iamMock.on(GetPolicyCommand).resolves({ Policy: { DefaultVersionId: 'v3' } });
    iamMock.on(GetPolicyVersionCommand, { PolicyArn: 'arn:aws:iam::aws:policy/Managed', VersionId: 'v3' }).resolves({ PolicyVersion: { Document: encoded({ Version: '2012-10-17', Statement: [] }) } });

    await expect(access().inspect(PIPELINE_ROLE)).resolves.toEqual({
      available: true,
      exists: true,
      arn: `arn:aws:iam::${R}:role/${PIPELINE_ROLE}`,
      inlinePolicies: { [POLICY]: policy },
      attachedPolicies: [{ arn: 'arn:aws:iam::aws:policy/Managed', document: { Version: '2012-10-17', Statement: [] } }],
    });
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toEqual({
      RoleArn: `arn:aws:iam::${R}:role/${INSPECTOR_ROLE_NAME}`,
      RoleSessionName: 'rpcn-aurora',
      DurationSeconds: 900,
    });
    expect(built).toEqual([{ accessKeyId: 'ASIA1', secretAccessKey: 'secret', sessionToken: 'token', expiration: credentials.Expiration }]);
  });

  test("reads the role's permissions boundary (default version), for the chain check to simulate with", async () => {
    const BOUNDARY = `arn:aws:iam::${R}:policy/redpanda-byovpc-boundary`;
    const bounding = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] };
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    iamMock.on(GetRoleCommand).resolves({
      Role: { RoleName: PIPELINE_ROLE, Arn: `arn:aws:iam::${R}:role/${PIPELINE_ROLE}`, Path: '/', RoleId: 'x', CreateDate: new Date(), PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: BOUNDARY } },
    });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    iamMock.on(GetPolicyCommand, { PolicyArn: BOUNDARY }).resolves({ Policy: { DefaultVersionId: 'v2' } });
    iamMock.on(GetPolicyVersionCommand, { PolicyArn: BOUNDARY, VersionId: 'v2' }).resolves({ PolicyVersion: { Document: encoded(bounding) } });
    await expect(access().inspect(PIPELINE_ROLE)).resolves.toMatchObject({ exists: true, permissionsBoundary: { arn: BOUNDARY, document: bounding } });
  });

  test('a pipeline role that does not exist is reported, not thrown', async () => {
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    iamMock.on(GetRoleCommand).rejects(new NoSuchEntityException({ message: 'no role', ...meta }));
    await expect(access().inspect(PIPELINE_ROLE)).resolves.toEqual({
      available: true,
      exists: false,
      arn: `arn:aws:iam::${R}:role/${PIPELINE_ROLE}`,
      inlinePolicies: {},
      attachedPolicies: [],
    });
  });

  test('AccessDenied on AssumeRole: unavailable, naming the stack to deploy and the account', async () => {
    stsMock.on(AssumeRoleCommand).rejects(accessDenied('sts'));
    const out = await access().inspect(PIPELINE_ROLE);
    expect(out.available).toBe(false);
    if (out.available) throw new Error('unreachable');
    expect(out.reason).toContain('deploy the RpcnAurora-RedpandaAccess stack');
    expect(out.reason).toContain(R);
    expect(out.reason).toContain(INSPECTOR_ROLE_NAME);
    expect(iamMock.calls()).toHaveLength(0);
  });

  test('AccessDenied after assuming (stack covers other pipeline roles): unavailable, naming the action', async () => {
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    iamMock.on(GetRoleCommand).rejects(accessDenied('iam'));
    const out = await access().inspect(PIPELINE_ROLE);
    if (out.available) throw new Error('expected unavailable');
    expect(out.reason).toContain('iam:GetRole');
    expect(out.reason).toContain(PIPELINE_ROLE);
    expect(out.reason).toContain('RpcnAurora-RedpandaAccess');
  });

  test('STS throttling is AwsThrottledError, not "unavailable"', async () => {
    stsMock.on(AssumeRoleCommand).rejects(new STSServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', ...meta }));
    await expect(access().inspect(PIPELINE_ROLE)).rejects.toMatchObject({ name: 'AwsThrottledError' });
  });

  test('credentials are reused while valid', async () => {
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    iamMock.on(GetRoleCommand).rejects(new NoSuchEntityException({ message: 'no role', ...meta }));
    const a = access();
    await a.inspect(PIPELINE_ROLE);
    await a.inspect(PIPELINE_ROLE);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });
});

describe('putInlinePolicy / deleteInlinePolicy', () => {
  test('puts the policy through the healer role', async () => {
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    iamMock.on(PutRolePolicyCommand).resolves({});
    await expect(access().putInlinePolicy(PIPELINE_ROLE, POLICY, policy)).resolves.toEqual({ applied: true });
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]!.args[0].input.RoleArn).toBe(`arn:aws:iam::${R}:role/${HEALER_ROLE_NAME}`);
    expect(iamMock.commandCalls(PutRolePolicyCommand)[0]!.args[0].input).toEqual({ RoleName: PIPELINE_ROLE, PolicyName: POLICY, PolicyDocument: JSON.stringify(policy) });
  });

  test('refuses a policy name that is not ours, before any call', async () => {
    await expect(access().putInlinePolicy(PIPELINE_ROLE, 'allow-x-account-db-connect', policy)).rejects.toThrow('only policies named rpcn-aurora-*');
    await expect(access().deleteInlinePolicy(PIPELINE_ROLE, 'AdministratorAccess')).rejects.toThrow('refusing');
    expect(stsMock.calls()).toHaveLength(0);
    expect(iamMock.calls()).toHaveLength(0);
  });

  test('healer not deployed (NoSuchEntity / AccessDenied): unavailable with the stack to deploy', async () => {
    stsMock.on(AssumeRoleCommand).rejects(new STSServiceException({ name: 'NoSuchEntity', $fault: 'client', message: 'no role', ...meta }));
    const out = unavailable(await access().putInlinePolicy(PIPELINE_ROLE, POLICY, policy));
    expect(out.reason).toContain('RpcnAurora-RedpandaAccess');
    expect(out.reason).toContain(HEALER_ROLE_NAME);
  });

  test('deleteInlinePolicy reports whether there was one to remove', async () => {
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    iamMock.on(DeleteRolePolicyCommand).resolvesOnce({}).rejects(new NoSuchEntityException({ message: 'gone', ...meta }));
    const a = access();
    await expect(a.deleteInlinePolicy(PIPELINE_ROLE, POLICY)).resolves.toEqual({ removed: true });
    await expect(a.deleteInlinePolicy(PIPELINE_ROLE, POLICY)).resolves.toEqual({ removed: false });
  });

  test('AccessDenied from the healer on this role: unavailable', async () => {
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    iamMock.on(PutRolePolicyCommand).rejects(accessDenied('iam'));
    const out = unavailable(await access().putInlinePolicy(PIPELINE_ROLE, POLICY, policy));
    expect(out.reason).toContain('iam:PutRolePolicy');
  });

  test("IAM's LimitExceeded (the role's inline policies over 10,240 characters) is InlinePolicySizeExceededError with the fix", async () => {
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    iamMock.on(PutRolePolicyCommand).rejects(
      new IAMServiceException({ name: 'LimitExceededException', $fault: 'client', $metadata: {}, message: `Maximum policy size of 10240 bytes exceeded for role ${PIPELINE_ROLE}` }),
    );
    await expect(access().putInlinePolicy(PIPELINE_ROLE, POLICY, policy)).rejects.toMatchObject({
      name: 'InlinePolicySizeExceededError',
      message: expect.stringMatching(/^\[pipeline-role-policy-too-large\] iam:PutRolePolicy of .* refused: Maximum policy size of 10240 bytes exceeded for role .*identity\.mode "access-key"/),
    });
  });
});
