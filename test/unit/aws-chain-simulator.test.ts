import { IAMClient, IAMServiceException, InvalidInputException, SimulateCustomPolicyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { IamChainSimulator } from '../../lambdas/adapters/aws/chain-simulator.js';
import type { PolicyDocument } from '../../lambdas/core/iam.js';
import { simulateCustomPolicy, twinSimulatorClient } from '../../local/aws/iam-simulator-api.js';

const iamMock = mockClient(IAMClient);
const simulator = () => new IamChainSimulator(new IAMClient({ region: 'us-east-1' }));
const meta = { $metadata: {} };

const PIPELINE_ROLE_ARN = 'arn:aws:iam::861276079005:role/redpanda-curl3eo533cmsnt23dv0-redpanda-connect-pipeline';
const DB_CONNECT_ROLE_ARN = 'arn:aws:iam::111111111111:role/rpcn-aurora-orders-db-connect';
const DB_USER_ARN = 'arn:aws:rds-db:us-east-2:111111111111:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/iam_demo_user';

const identity: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Unrelated', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
    {
      Sid: 'AssumeTaggedDbConnectRole',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: 'arn:aws:iam::111111111111:role/*',
      Condition: { StringEquals: { 'aws:ResourceTag/redpanda_scope_redpanda_connect': 'true' } },
    },
  ],
};
const trust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'TrustRedpandaConnectPipelineRole', Effect: 'Allow', Principal: { AWS: PIPELINE_ROLE_ARN }, Action: 'sts:AssumeRole' }],
};
const connect: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AllowRdsIamConnectAsCdcUser', Effect: 'Allow', Action: 'rds-db:connect', Resource: DB_USER_ARN }],
};
const tags = { redpanda_scope_redpanda_connect: 'true' };

/** 1-based column where statement `i` of `doc` starts in the compact JSON the adapter sends. */
function columnOf(doc: PolicyDocument, i: number): number {
  return JSON.stringify(doc).indexOf(JSON.stringify(doc.Statement[i])) + 1;
}

const USER_ARN = 'arn:aws:iam::111111111111:user/rpcn-aurora/rpcn-aurora-orders-connector';
const roleInput = { principalArn: PIPELINE_ROLE_ARN, identityPolicies: [identity], dbConnectRoleArn: DB_CONNECT_ROLE_ARN, trustPolicy: trust, dbConnectRoleTags: tags };
const userTrust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'TrustConnectorUser', Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }],
};
const userInput = { ...roleInput, principalArn: USER_ARN, trustPolicy: userTrust };
const boundary: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'OnlySecrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
};
const TAG_CONTEXT = [
  { ContextKeyName: 'aws:ResourceTag/redpanda_scope_redpanda_connect', ContextKeyValues: ['true'], ContextKeyType: 'string' },
  { ContextKeyName: 'iam:ResourceTag/redpanda_scope_redpanda_connect', ContextKeyValues: ['true'], ContextKeyType: 'string' },
];

beforeEach(() => iamMock.reset());

describe('simulateAssumeRole', () => {
  test('a role first hop: its identity policies and boundary, no CallerArn and no ResourcePolicy (IAM takes only a user as caller)', async () => {
    iamMock.on(SimulateCustomPolicyCommand).resolves({
      EvaluationResults: [
        {
          EvalActionName: 'sts:AssumeRole',
          EvalResourceName: DB_CONNECT_ROLE_ARN,
          EvalDecision: 'allowed',
          MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'none', StartPosition: { Line: 1, Column: columnOf(identity, 1) } }],
          PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: true },
        },
      ],
    });
    const out = await simulator().simulateAssumeRole({ ...roleInput, permissionsBoundary: identity });
    expect(iamMock.commandCalls(SimulateCustomPolicyCommand)[0]!.args[0].input).toEqual({
      PolicyInputList: [JSON.stringify(identity)],
      PermissionsBoundaryPolicyInputList: [JSON.stringify(identity)],
      ActionNames: ['sts:AssumeRole'],
      ResourceArns: [DB_CONNECT_ROLE_ARN],
      ContextEntries: TAG_CONTEXT,
    });
    expect(out.decision).toBe('allowed');
    expect(out.detail).toBe(
      `sts:AssumeRole on ${DB_CONNECT_ROLE_ARN}: allowed; matched identity policy 1 statement "AssumeTaggedDbConnectRole"; the trust policy was not simulated: IAM takes only an IAM user as the caller of a resource policy, and ${PIPELINE_ROLE_ARN} is not one (the static trust check covers it)`,
    );
    expect(out).not.toHaveProperty('deniedByBoundary');
  });

  test('the connector user: CallerArn, the trust as ResourcePolicy of the db account, the boundary', async () => {
    iamMock.on(SimulateCustomPolicyCommand).resolves({
      EvaluationResults: [
        {
          EvalActionName: 'sts:AssumeRole',
          EvalResourceName: DB_CONNECT_ROLE_ARN,
          EvalDecision: 'allowed',
          MatchedStatements: [
            { SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'none', StartPosition: { Line: 1, Column: columnOf(identity, 1) } },
            { SourcePolicyId: 'ResourcePolicy', SourcePolicyType: 'resource', StartPosition: { Line: 1, Column: columnOf(userTrust, 0) } },
          ],
        },
      ],
    });
    const out = await simulator().simulateAssumeRole({ ...userInput, permissionsBoundary: identity, sourceIp: '203.0.113.10' });
    expect(iamMock.commandCalls(SimulateCustomPolicyCommand)[0]!.args[0].input).toEqual({
      PolicyInputList: [JSON.stringify(identity)],
      PermissionsBoundaryPolicyInputList: [JSON.stringify(identity)],
      ActionNames: ['sts:AssumeRole'],
      ResourceArns: [DB_CONNECT_ROLE_ARN],
      ResourcePolicy: JSON.stringify(userTrust),
      CallerArn: USER_ARN,
      ResourceOwner: 'arn:aws:iam::111111111111:root',
      ContextEntries: [
        ...TAG_CONTEXT,
        { ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['203.0.113.10'], ContextKeyType: 'ip' },
        { ContextKeyName: 'aws:ViaAWSService', ContextKeyValues: ['false'], ContextKeyType: 'boolean' },
      ],
    });
    expect(out).toEqual({
      decision: 'allowed',
      detail: `sts:AssumeRole on ${DB_CONNECT_ROLE_ARN}: allowed; matched identity policy 1 statement "AssumeTaggedDbConnectRole", trust policy statement "TrustConnectorUser"`,
    });
  });

  test('a boundary that does not allow sts:AssumeRole is reported as the boundary, not as allowed', async () => {
    iamMock.on(SimulateCustomPolicyCommand).resolves({
      EvaluationResults: [
        {
          EvalActionName: 'sts:AssumeRole',
          EvalDecision: 'implicitDeny',
          MatchedStatements: [],
          PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false },
        },
      ],
    });
    const out = await simulator().simulateAssumeRole({ ...roleInput, permissionsBoundary: boundary });
    expect(iamMock.commandCalls(SimulateCustomPolicyCommand)[0]!.args[0].input.PermissionsBoundaryPolicyInputList).toEqual([JSON.stringify(boundary)]);
    expect(out.decision).toBe('implicitDeny');
    expect(out.deniedByBoundary).toBe(true);
    expect(out.detail).toContain('the permissions boundary does not allow it');
  });

  test('implicitDeny names the missing context and says nothing matched', async () => {
    iamMock.on(SimulateCustomPolicyCommand).resolves({
      EvaluationResults: [{ EvalActionName: 'sts:AssumeRole', EvalDecision: 'implicitDeny', MatchedStatements: [], MissingContextValues: ['aws:ResourceTag/redpanda_scope_redpanda_connect'] }],
    });
    const out = await simulator().simulateAssumeRole({ ...userInput, dbConnectRoleTags: {} });
    expect(out).toEqual({
      decision: 'implicitDeny',
      detail: `sts:AssumeRole on ${DB_CONNECT_ROLE_ARN}: implicitDeny; no statement matched; missing context values: aws:ResourceTag/redpanda_scope_redpanda_connect`,
    });
  });

  test('explicitDeny names the denying statement (by number when it has no Sid) and the per-type decisions', async () => {
    const deny: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' } as unknown as PolicyDocument['Statement'][number]] };
    iamMock.on(SimulateCustomPolicyCommand).resolves({
      EvaluationResults: [
        {
          EvalActionName: 'sts:AssumeRole',
          EvalDecision: 'explicitDeny',
          MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.2', StartPosition: { Line: 1, Column: columnOf(deny, 0) } }],
          EvalDecisionDetails: { 'IAM Policy': 'explicitDeny' },
        },
      ],
    });
    const out = await simulator().simulateAssumeRole({ ...userInput, identityPolicies: [identity, deny] });
    expect(out.decision).toBe('explicitDeny');
    expect(out.detail).toContain('matched identity policy 2 statement #1');
    expect(out.detail).toContain('by policy type: IAM Policy=explicitDeny');
  });

  test('allowed without any trust statement matched says the trust was not proven', async () => {
    iamMock.on(SimulateCustomPolicyCommand).resolves({
      EvaluationResults: [
        { EvalActionName: 'sts:AssumeRole', EvalDecision: 'allowed', MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1', StartPosition: { Line: 1, Column: columnOf(identity, 1) } }] },
      ],
    });
    const out = await simulator().simulateAssumeRole(userInput);
    expect(out.decision).toBe('allowed');
    expect(out.detail).toContain('no trust-policy statement was reported as matched');
  });

  test('IAM refusing the request (InvalidInput) is an error, never a quieter simulation', async () => {
    iamMock.on(SimulateCustomPolicyCommand).rejects(new InvalidInputException({ message: 'Invalid CallerArn', ...meta }));
    await expect(simulator().simulateAssumeRole(userInput)).rejects.toMatchObject({ name: 'InvalidInputException' });
    expect(iamMock.commandCalls(SimulateCustomPolicyCommand)).toHaveLength(1);
  });

  test('no identity policy across accounts is implicitDeny without a call', async () => {
    const out = await simulator().simulateAssumeRole({ ...roleInput, identityPolicies: [] });
    expect(out.decision).toBe('implicitDeny');
    expect(iamMock.calls()).toHaveLength(0);
  });

  test('an unknown decision is never read as allowed', async () => {
    iamMock.on(SimulateCustomPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: 'sts:AssumeRole', EvalDecision: 'somethingNew' as 'allowed' }] });
    await expect(simulator().simulateAssumeRole(roleInput)).resolves.toMatchObject({ decision: 'implicitDeny' });
  });

  test('throttling and access denied map to named errors', async () => {
    iamMock.on(SimulateCustomPolicyCommand).rejects(new IAMServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', ...meta }));
    await expect(simulator().simulateAssumeRole(roleInput)).rejects.toMatchObject({ name: 'AwsThrottledError' });
    iamMock.on(SimulateCustomPolicyCommand).rejects(new IAMServiceException({ name: 'AccessDenied', $fault: 'client', message: 'no', ...meta }));
    await expect(simulator().simulateAssumeRole(roleInput)).rejects.toMatchObject({ name: 'StepAccessDeniedError' });
  });
});

describe('simulateDbConnect', () => {
  test('simulates rds-db:connect on the db user ARN with the role’s identity policies', async () => {
    iamMock.on(SimulateCustomPolicyCommand).resolves({
      EvaluationResults: [
        { EvalActionName: 'rds-db:connect', EvalDecision: 'allowed', MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1', StartPosition: { Line: 1, Column: columnOf(connect, 0) } }] },
      ],
    });
    const out = await simulator().simulateDbConnect({ dbConnectRoleArn: DB_CONNECT_ROLE_ARN, identityPolicies: [connect], dbUserArn: DB_USER_ARN });
    expect(iamMock.commandCalls(SimulateCustomPolicyCommand)[0]!.args[0].input).toEqual({
      PolicyInputList: [JSON.stringify(connect)],
      ActionNames: ['rds-db:connect'],
      ResourceArns: [DB_USER_ARN],
    });
    expect(out).toEqual({ decision: 'allowed', detail: `rds-db:connect on ${DB_USER_ARN}: allowed; matched identity policy 1 statement "AllowRdsIamConnectAsCdcUser"` });
  });

  test('a role with no policy is implicitDeny', async () => {
    const out = await simulator().simulateDbConnect({ dbConnectRoleArn: DB_CONNECT_ROLE_ARN, identityPolicies: [], dbUserArn: DB_USER_ARN });
    expect(out.decision).toBe('implicitDeny');
  });

  test('a malformed policy keeps its AWS name (not retried)', async () => {
    iamMock.on(SimulateCustomPolicyCommand).rejects(new IAMServiceException({ name: 'MalformedPolicyDocumentException', $fault: 'client', message: 'bad', ...meta }));
    await expect(simulator().simulateDbConnect({ dbConnectRoleArn: DB_CONNECT_ROLE_ARN, identityPolicies: [connect], dbUserArn: DB_USER_ARN })).rejects.toMatchObject({
      name: 'MalformedPolicyDocumentException',
    });
  });
});

// The twin's SimulateCustomPolicy (local/aws/iam-simulator-api.ts) under the same adapter: what IAM refuses is refused there too.
describe("the adapter on the twin's SimulateCustomPolicy", () => {
  const onTwin = () => new IamChainSimulator(twinSimulatorClient());

  test('a role as CallerArn is refused like IAM refuses it; a ResourcePolicy needs a CallerArn', async () => {
    const request = { PolicyInputList: [JSON.stringify(identity)], ActionNames: ['sts:AssumeRole'], ResourceArns: [DB_CONNECT_ROLE_ARN] };
    await expect(simulateCustomPolicy({ ...request, CallerArn: PIPELINE_ROLE_ARN })).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: expect.stringContaining(`Invalid ARN: ${PIPELINE_ROLE_ARN}. CallerArn must be an IAM user`),
    });
    await expect(simulateCustomPolicy({ ...request, ResourcePolicy: JSON.stringify(trust) })).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  test('a role first hop is simulated (no CallerArn) and allowed by its identity policy', async () => {
    const out = await onTwin().simulateAssumeRole(roleInput);
    expect(out.decision).toBe('allowed');
    expect(out.detail).toContain('matched identity policy 1 statement "AssumeTaggedDbConnectRole"');
    expect(out.detail).toContain('the trust policy was not simulated');
  });

  test("the role's boundary without sts:AssumeRole: denied by the boundary (was a false allowed without PermissionsBoundaryPolicyInputList)", async () => {
    const out = await onTwin().simulateAssumeRole({ ...roleInput, permissionsBoundary: boundary });
    expect(out).toMatchObject({ decision: 'implicitDeny', deniedByBoundary: true });
    expect(out.detail).toContain('the permissions boundary does not allow it');
  });

  test('the connector user: the trust is simulated with the user as caller; a trust naming someone else denies', async () => {
    const allowed = await onTwin().simulateAssumeRole({ ...userInput, permissionsBoundary: identity });
    expect(allowed.decision).toBe('allowed');
    expect(allowed.detail).toContain('trust policy statement "TrustConnectorUser"');
    const other = await onTwin().simulateAssumeRole({ ...userInput, trustPolicy: trust });
    expect(other.decision).toBe('implicitDeny');
  });

  test('a missing tag is reported as a missing context value', async () => {
    const out = await onTwin().simulateAssumeRole({ ...roleInput, dbConnectRoleTags: {} });
    expect(out.decision).toBe('implicitDeny');
    expect(out.detail).toContain('missing context values: aws:ResourceTag/redpanda_scope_redpanda_connect');
  });
});
