import {
  ConcurrentModificationException,
  CreateRoleCommand,
  DeleteConflictException,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  IAMServiceException,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { IamRoleAdapter, decodePolicyDocument } from '../../lambdas/adapters/aws/iam.js';
import type { PolicyDocument } from '../../lambdas/core/iam.js';

const iamMock = mockClient(IAMClient);
const adapter = () => new IamRoleAdapter(new IAMClient({ region: 'us-east-1' }));
const meta = { $metadata: {} };
const noSuchEntity = () => new NoSuchEntityException({ message: 'The role with name x cannot be found.', ...meta });

const ROLE = 'rpcn-aurora-orders-db-connect';
const ROLE_ARN = `arn:aws:iam::111111111111:role/${ROLE}`;
const trust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'TrustRedpandaConnectPipelineRole',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::861276079005:role/redpanda-curl3eo533cmsnt23dv0-redpanda-connect-pipeline' },
      Action: 'sts:AssumeRole',
    },
  ],
};
const connect: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AllowRdsIamConnectAsCdcUser', Effect: 'Allow', Action: 'rds-db:connect', Resource: 'arn:aws:rds-db:us-east-2:111111111111:dbuser:cluster-X/u' }],
};
// IAM returns documents URL-encoded.
const encoded = (doc: PolicyDocument) => encodeURIComponent(JSON.stringify(doc));

beforeEach(() => iamMock.reset());

describe('decodePolicyDocument', () => {
  test('decodes URL-encoded JSON and accepts plain JSON', () => {
    expect(decodePolicyDocument(encoded(trust), 'x')).toEqual(trust);
    expect(decodePolicyDocument(JSON.stringify(trust), 'x')).toEqual(trust);
  });

  test('refuses text that is not a JSON object', () => {
    expect(() => decodePolicyDocument('%7Bnot', 'role/p')).toThrow('role/p: policy document is neither JSON nor URL-encoded JSON');
    expect(() => decodePolicyDocument('%5B%5D', 'role/p')).toThrow('not a JSON object');
  });
});

describe('getRole', () => {
  test('reads trust (decoded), tags, every page of inline policies (decoded) and attached policies', async () => {
    iamMock.on(GetRoleCommand, { RoleName: ROLE }).resolves({
      Role: {
        RoleName: ROLE,
        Arn: ROLE_ARN,
        Path: '/',
        RoleId: 'AROA1',
        CreateDate: new Date(),
        AssumeRolePolicyDocument: encoded(trust),
        Tags: [{ Key: 'redpanda_scope_redpanda_connect', Value: 'true' }],
      },
    });
    iamMock
      .on(ListRolePoliciesCommand, { RoleName: ROLE, Marker: undefined })
      .resolves({ PolicyNames: ['rpcn-aurora-orders-rds-db-connect'], IsTruncated: true, Marker: 'm' })
      .on(ListRolePoliciesCommand, { RoleName: ROLE, Marker: 'm' })
      .resolves({ PolicyNames: ['vanished'], IsTruncated: false });
    iamMock
      .on(GetRolePolicyCommand, { RoleName: ROLE, PolicyName: 'rpcn-aurora-orders-rds-db-connect' })
      .resolves({ RoleName: ROLE, PolicyName: 'rpcn-aurora-orders-rds-db-connect', PolicyDocument: encoded(connect) })
      .on(GetRolePolicyCommand, { RoleName: ROLE, PolicyName: 'vanished' })
      .rejects(noSuchEntity());
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', PolicyName: 'ReadOnlyAccess' }] });

    await expect(adapter().getRole(ROLE)).resolves.toEqual({
      name: ROLE,
      arn: ROLE_ARN,
      trustPolicy: trust,
      tags: { redpanda_scope_redpanda_connect: 'true' },
      inlinePolicies: { 'rpcn-aurora-orders-rds-db-connect': connect },
      attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    });
  });

  test('a missing role is undefined', async () => {
    iamMock.on(GetRoleCommand).rejects(noSuchEntity());
    await expect(adapter().getRole(ROLE)).resolves.toBeUndefined();
  });

  test('access denied on a read is StepAccessDeniedError', async () => {
    iamMock.on(GetRoleCommand).rejects(new IAMServiceException({ name: 'AccessDenied', $fault: 'client', message: 'no', ...meta }));
    await expect(adapter().getRole(ROLE)).rejects.toMatchObject({ name: 'StepAccessDeniedError' });
  });
});

describe('createRole', () => {
  const input = { name: ROLE, trustPolicy: trust, description: 'db-connect role of link orders', tags: { redpanda_scope_redpanda_connect: 'true', 'rpcn-aurora:link': 'orders' } };

  test('creates with the trust policy as JSON, description and tags', async () => {
    iamMock.on(CreateRoleCommand).resolves({ Role: { RoleName: ROLE, Arn: ROLE_ARN, Path: '/', RoleId: 'AROA1', CreateDate: new Date() } });
    await expect(adapter().createRole(input)).resolves.toEqual({ arn: ROLE_ARN });
    expect(iamMock.commandCalls(CreateRoleCommand)[0]!.args[0].input).toEqual({
      RoleName: ROLE,
      AssumeRolePolicyDocument: JSON.stringify(trust),
      Description: 'db-connect role of link orders',
      Tags: [
        { Key: 'redpanda_scope_redpanda_connect', Value: 'true' },
        { Key: 'rpcn-aurora:link', Value: 'orders' },
      ],
    });
  });

  test('EntityAlreadyExists returns the existing role’s ARN', async () => {
    iamMock.on(CreateRoleCommand).rejects(new EntityAlreadyExistsException({ message: 'exists', ...meta }));
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: ROLE, Arn: ROLE_ARN, Path: '/', RoleId: 'AROA1', CreateDate: new Date() } });
    await expect(adapter().createRole(input)).resolves.toEqual({ arn: ROLE_ARN });
  });

  test('a malformed trust policy (e.g. unknown principal) is fatal and keeps its name', async () => {
    iamMock.on(CreateRoleCommand).rejects(new IAMServiceException({ name: 'MalformedPolicyDocumentException', $fault: 'client', message: 'Invalid principal in policy', ...meta }));
    await expect(adapter().createRole(input)).rejects.toMatchObject({ name: 'MalformedPolicyDocumentException' });
  });
});

describe('writes right after create', () => {
  test.each([
    ['putRolePolicy', () => adapter().putRolePolicy(ROLE, 'p', connect), () => iamMock.on(PutRolePolicyCommand).rejects(noSuchEntity())],
    ['updateTrustPolicy', () => adapter().updateTrustPolicy(ROLE, trust), () => iamMock.on(UpdateAssumeRolePolicyCommand).rejects(noSuchEntity())],
    ['tagRole', () => adapter().tagRole(ROLE, { a: 'b' }), () => iamMock.on(TagRoleCommand).rejects(noSuchEntity())],
  ])('%s: NoSuchEntity is IamPropagationError (retried)', async (_label, call, arrange) => {
    arrange();
    await expect(call()).rejects.toMatchObject({ name: 'IamPropagationError' });
  });

  test('putRolePolicy sends the document as JSON; ConcurrentModification is ResourceBusyError', async () => {
    iamMock.on(PutRolePolicyCommand).resolves({});
    await adapter().putRolePolicy(ROLE, 'rpcn-aurora-orders-rds-db-connect', connect);
    expect(iamMock.commandCalls(PutRolePolicyCommand)[0]!.args[0].input).toEqual({
      RoleName: ROLE,
      PolicyName: 'rpcn-aurora-orders-rds-db-connect',
      PolicyDocument: JSON.stringify(connect),
    });
    iamMock.on(PutRolePolicyCommand).rejects(new ConcurrentModificationException({ message: 'busy', ...meta }));
    await expect(adapter().putRolePolicy(ROLE, 'p', connect)).rejects.toMatchObject({ name: 'ResourceBusyError' });
  });

  test('tagRole and updateTrustPolicy send what they are given', async () => {
    iamMock.on(TagRoleCommand).resolves({});
    iamMock.on(UpdateAssumeRolePolicyCommand).resolves({});
    await adapter().tagRole(ROLE, { redpanda_scope_redpanda_connect: 'true' });
    await adapter().updateTrustPolicy(ROLE, trust);
    expect(iamMock.commandCalls(TagRoleCommand)[0]!.args[0].input).toEqual({ RoleName: ROLE, Tags: [{ Key: 'redpanda_scope_redpanda_connect', Value: 'true' }] });
    expect(iamMock.commandCalls(UpdateAssumeRolePolicyCommand)[0]!.args[0].input).toEqual({ RoleName: ROLE, PolicyDocument: JSON.stringify(trust) });
  });

  test('throttling is AwsThrottledError', async () => {
    iamMock.on(TagRoleCommand).rejects(new IAMServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', ...meta }));
    await expect(adapter().tagRole(ROLE, {})).rejects.toMatchObject({ name: 'AwsThrottledError' });
  });
});

describe('deletes', () => {
  test('deleteRolePolicy tolerates a policy already gone', async () => {
    iamMock.on(DeleteRolePolicyCommand).rejects(noSuchEntity());
    await expect(adapter().deleteRolePolicy(ROLE, 'p')).resolves.toBeUndefined();
  });

  test('deleteRole removes inline policies and detaches managed ones before deleting the role', async () => {
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['a', 'b'] });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/X' }] });
    iamMock.on(DeleteRolePolicyCommand).resolves({});
    iamMock.on(DetachRolePolicyCommand).resolves({});
    iamMock.on(DeleteRoleCommand).resolves({});
    await adapter().deleteRole(ROLE);
    const order = iamMock.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);
    expect(order).toEqual([
      'ListRolePoliciesCommand',
      'DeleteRolePolicyCommand',
      'DeleteRolePolicyCommand',
      'ListAttachedRolePoliciesCommand',
      'DetachRolePolicyCommand',
      'DeleteRoleCommand',
    ]);
    expect(iamMock.commandCalls(DeleteRolePolicyCommand).map((c) => c.args[0].input.PolicyName)).toEqual(['a', 'b']);
    expect(iamMock.commandCalls(DetachRolePolicyCommand)[0]!.args[0].input).toEqual({ RoleName: ROLE, PolicyArn: 'arn:aws:iam::aws:policy/X' });
  });

  test('deleteRole of a role already gone is fine', async () => {
    iamMock.on(ListRolePoliciesCommand).rejects(noSuchEntity());
    await expect(adapter().deleteRole(ROLE)).resolves.toBeUndefined();
    expect(iamMock.commandCalls(DeleteRoleCommand)).toHaveLength(0);
  });

  test('deleteRole surfaces a DeleteConflict (e.g. an instance profile) by name', async () => {
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    iamMock.on(DeleteRoleCommand).rejects(new DeleteConflictException({ message: 'in an instance profile', ...meta }));
    await expect(adapter().deleteRole(ROLE)).rejects.toMatchObject({ name: 'DeleteConflictException' });
  });
});
