import { IAMClient, IAMServiceException, InvalidInputException, SimulateCustomPolicyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { IamChainSimulator } from '../../lambdas/adapters/aws/chain-simulator.js';
import type { PolicyDocument } from '../../lambdas/core/iam.js';

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

const assumeInput = { principalArn: PIPELINE_ROLE_ARN, identityPolicies: [identity], dbConnectRoleArn: DB_CONNECT_ROLE_ARN, trustPolicy: trust, dbConnectRoleTags: tags };

beforeEach(() => iamMock.reset());

describe('simulateAssumeRole', () => {
  test('sends identity policies, the trust policy as resource policy, the role ARN and tag context', async () => {
    iamMock.on(SimulateCustomPolicyCommand).resolves({
      EvaluationResults: [
        {
          EvalActionName: 'sts:AssumeRole',
          EvalResourceName: DB_CONNECT_ROLE_ARN,
          EvalDecision: 'allowed',
          MatchedStatements: [
            { SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'none', StartPosition: { Line: 1, Column: columnOf(identity, 1) } },
            { SourcePolicyId: 'ResourcePolicy', SourcePolicyType: 'resource', StartPosition: { Line: 1, Column: columnOf(trust, 0) } },
          ],
        },
      ],
    });
    const out = await simulator().simulateAssumeRole(assumeInput);
    expect(iamMock.commandCalls(SimulateCustomPolicyCommand)[0]!.args[0].input).toEqual({
      PolicyInputList: [JSON.stringify(identity)],
      ActionNames: ['sts:AssumeRole'],
      ResourceArns: [DB_CONNECT_ROLE_ARN],
      ResourcePolicy: JSON.stringify(trust),
      CallerArn: PIPELINE_ROLE_ARN,
      ResourceOwner: 'arn:aws:iam::111111111111:root',
      ContextEntries: [
        { ContextKeyName: 'aws:ResourceTag/redpanda_scope_redpanda_connect', ContextKeyValues: ['true'], ContextKeyType: 'string' },
        { ContextKeyName: 'iam:ResourceTag/redpanda_scope_redpanda_connect', ContextKeyValues: ['true'], ContextKeyType: 'string' },
      ],
    });
    expect(out.decision).toBe('allowed');
    expect(out.detail).toBe(
      `sts:AssumeRole on ${DB_CONNECT_ROLE_ARN}: allowed; matched identity policy 1 statement "AssumeTaggedDbConnectRole", trust policy statement "TrustRedpandaConnectPipelineRole"`,
    );
  });

  test('implicitDeny names the missing context and says nothing matched', async () => {
    iamMock.on(SimulateCustomPolicyCommand).resolves({
      EvaluationResults: [{ EvalActionName: 'sts:AssumeRole', EvalDecision: 'implicitDeny', MatchedStatements: [], MissingContextValues: ['aws:ResourceTag/redpanda_scope_redpanda_connect'] }],
    });
    const out = await simulator().simulateAssumeRole({ ...assumeInput, dbConnectRoleTags: {} });
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
    const out = await simulator().simulateAssumeRole({ ...assumeInput, identityPolicies: [identity, deny] });
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
    const out = await simulator().simulateAssumeRole(assumeInput);
    expect(out.decision).toBe('allowed');
    expect(out.detail).toContain('no trust-policy statement was reported as matched');
  });

  test('IAM refusing the role as CallerArn falls back to the identity side and says so', async () => {
    iamMock
      .on(SimulateCustomPolicyCommand)
      .rejectsOnce(new InvalidInputException({ message: 'Invalid CallerArn', ...meta }))
      .resolves({ EvaluationResults: [{ EvalActionName: 'sts:AssumeRole', EvalDecision: 'allowed', MatchedStatements: [] }] });
    const out = await simulator().simulateAssumeRole(assumeInput);
    const second = iamMock.commandCalls(SimulateCustomPolicyCommand)[1]!.args[0].input;
    expect(second).not.toHaveProperty('ResourcePolicy');
    expect(second).not.toHaveProperty('CallerArn');
    expect(out.decision).toBe('allowed');
    expect(out.detail).toContain('identity policies only: IAM refused to simulate the trust policy with this caller (Invalid CallerArn)');
  });

  test('no identity policy across accounts is implicitDeny without a call', async () => {
    const out = await simulator().simulateAssumeRole({ ...assumeInput, identityPolicies: [] });
    expect(out.decision).toBe('implicitDeny');
    expect(iamMock.calls()).toHaveLength(0);
  });

  test('an unknown decision is never read as allowed', async () => {
    iamMock.on(SimulateCustomPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: 'sts:AssumeRole', EvalDecision: 'somethingNew' as 'allowed' }] });
    await expect(simulator().simulateAssumeRole(assumeInput)).resolves.toMatchObject({ decision: 'implicitDeny' });
  });

  test('throttling and access denied map to named errors', async () => {
    iamMock.on(SimulateCustomPolicyCommand).rejects(new IAMServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', ...meta }));
    await expect(simulator().simulateAssumeRole(assumeInput)).rejects.toMatchObject({ name: 'AwsThrottledError' });
    iamMock.on(SimulateCustomPolicyCommand).rejects(new IAMServiceException({ name: 'AccessDenied', $fault: 'client', message: 'no', ...meta }));
    await expect(simulator().simulateAssumeRole(assumeInput)).rejects.toMatchObject({ name: 'StepAccessDeniedError' });
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
