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
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  LimitExceededException,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListUserPoliciesCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { IamRoleAdapter, decodePolicyDocument } from '../../lambdas/adapters/aws/iam.js';
import type { PolicyDocument } from '../../lambdas/core/iam.js';

const iamMock = mockClient(IAMClient);
const adapter = () => new IamRoleAdapter(new IAMClient({ region: 'us-east-1' }));
const meta = { $metadata: {} };
const noSuchEntity = () => new NoSuchEntityException({ message: 'The role with name x cannot be found.', ...meta });

const ROLE = 'rpcn-aurora-orders-db-connect';
const BOUNDARY = 'arn:aws:iam::111111111111:policy/rpcn-aurora-link-boundary';
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
  const input = {
    name: ROLE,
    trustPolicy: trust,
    description: 'db-connect role of link orders',
    tags: { redpanda_scope_redpanda_connect: 'true', 'rpcn-aurora:link': 'orders' },
    permissionsBoundaryArn: BOUNDARY,
  };

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
      PermissionsBoundary: BOUNDARY,
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

describe('connector users (identity mode access-key)', () => {
  const USER = 'rpcn-aurora-orders-connector';
  const USER_ARN = `arn:aws:iam::111111111111:user/rpcn-aurora/${USER}`;
  const assume: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'AssumeTaggedDbConnectRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE_ARN }],
  };
  const noSuchUser = () => new NoSuchEntityException({ message: `The user with name ${USER} cannot be found.`, ...meta });

  test('getUser: path, tags, boundary, inline and attached policies, and every key with its status (never a secret)', async () => {
    iamMock.on(GetUserCommand).resolves({
      User: {
        UserName: USER, Arn: USER_ARN, Path: '/rpcn-aurora/', UserId: 'AIDA1', CreateDate: new Date(),
        Tags: [{ Key: 'rpcn-aurora:link', Value: 'orders' }],
        PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: BOUNDARY },
      },
    });
    iamMock.on(ListUserPoliciesCommand).resolves({ PolicyNames: ['rpcn-aurora-orders-assume-db-connect'] });
    iamMock.on(GetUserPolicyCommand).resolves({ UserName: USER, PolicyName: 'rpcn-aurora-orders-assume-db-connect', PolicyDocument: encoded(assume) });
    iamMock.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', PolicyName: 'ReadOnlyAccess' }] });
    iamMock.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [
        { UserName: USER, AccessKeyId: 'AKIAEXAMPLE000000001', Status: 'Active', CreateDate: new Date('2026-01-01T00:00:00Z') },
        { UserName: USER, AccessKeyId: 'AKIAEXAMPLE000000002', Status: 'Inactive', CreateDate: new Date('2026-01-02T00:00:00Z') },
      ],
    });
    await expect(adapter().getUser(USER)).resolves.toEqual({
      name: USER,
      arn: USER_ARN,
      path: '/rpcn-aurora/',
      tags: { 'rpcn-aurora:link': 'orders' },
      inlinePolicies: { 'rpcn-aurora-orders-assume-db-connect': assume },
      attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      permissionsBoundaryArn: BOUNDARY,
      accessKeys: [
        { accessKeyId: 'AKIAEXAMPLE000000001', status: 'Active', createdAt: '2026-01-01T00:00:00.000Z' },
        { accessKeyId: 'AKIAEXAMPLE000000002', status: 'Inactive', createdAt: '2026-01-02T00:00:00.000Z' },
      ],
    });
  });

  test('getUser: undefined for a user that does not exist (or is deleted while read)', async () => {
    iamMock.on(GetUserCommand).rejects(noSuchUser());
    await expect(adapter().getUser(USER)).resolves.toBeUndefined();
  });

  test('createUser: under the path, tagged, with the permissions boundary; an existing one gives its ARN', async () => {
    iamMock.on(CreateUserCommand).resolves({ User: { UserName: USER, Arn: USER_ARN, Path: '/rpcn-aurora/', UserId: 'AIDA1', CreateDate: new Date() } });
    const input = { name: USER, path: '/rpcn-aurora/', tags: { 'rpcn-aurora:link': 'orders' }, permissionsBoundaryArn: BOUNDARY };
    await expect(adapter().createUser(input)).resolves.toEqual({ arn: USER_ARN });
    expect(iamMock.commandCalls(CreateUserCommand)[0]!.args[0].input).toEqual({
      UserName: USER,
      Path: '/rpcn-aurora/',
      Tags: [{ Key: 'rpcn-aurora:link', Value: 'orders' }],
      PermissionsBoundary: BOUNDARY,
    });
    iamMock.reset();
    iamMock.on(CreateUserCommand).rejects(new EntityAlreadyExistsException({ message: `User with name ${USER} already exists.`, ...meta }));
    iamMock.on(GetUserCommand).resolves({ User: { UserName: USER, Arn: USER_ARN, Path: '/rpcn-aurora/', UserId: 'AIDA1', CreateDate: new Date() } });
    await expect(adapter().createUser(input)).resolves.toEqual({ arn: USER_ARN });
  });

  test('createAccessKey returns the secret once, to its caller only; the 2-key limit keeps its name', async () => {
    iamMock.on(CreateAccessKeyCommand).resolves({
      AccessKey: { UserName: USER, AccessKeyId: 'AKIAEXAMPLE000000003', SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', Status: 'Active', CreateDate: new Date('2026-02-01T00:00:00Z') },
    });
    await expect(adapter().createAccessKey(USER)).resolves.toEqual({
      accessKeyId: 'AKIAEXAMPLE000000003',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      createdAt: '2026-02-01T00:00:00.000Z',
    });
    iamMock.on(CreateAccessKeyCommand).rejects(new LimitExceededException({ message: 'Cannot exceed quota for AccessKeysPerUser: 2', ...meta }));
    const err = await adapter().createAccessKey(USER).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'LimitExceededException' });
    expect((err as Error).message).toMatch(/iam:CreateAccessKey on rpcn-aurora-orders-connector failed: LimitExceededException/);
  });

  test('putUserPolicy and putUserPermissionsBoundary right after create: NoSuchEntity is propagation, retried', async () => {
    iamMock.on(PutUserPolicyCommand).rejects(noSuchUser());
    await expect(adapter().putUserPolicy(USER, 'p', assume)).rejects.toMatchObject({ name: 'IamPropagationError' });
    iamMock.on(PutUserPermissionsBoundaryCommand).rejects(noSuchUser());
    await expect(adapter().putUserPermissionsBoundary(USER, BOUNDARY)).rejects.toMatchObject({ name: 'IamPropagationError' });
  });

  test('deleteAccessKey tolerates a key that is already gone', async () => {
    iamMock.on(DeleteAccessKeyCommand).rejects(new NoSuchEntityException({ message: 'The Access Key with id AKIA cannot be found.', ...meta }));
    await expect(adapter().deleteAccessKey(USER, 'AKIAEXAMPLE000000001')).resolves.toBeUndefined();
  });

  test('deleteUser empties the user first (keys, inline, attached), then deletes it; a gone user is fine', async () => {
    iamMock.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ AccessKeyId: 'AKIAEXAMPLE000000001', Status: 'Active' }] });
    iamMock.on(ListUserPoliciesCommand).resolves({ PolicyNames: ['p1'] });
    iamMock.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] });
    await adapter().deleteUser(USER);
    const order = iamMock.calls().map((c) => c.args[0].constructor.name);
    expect(order.filter((n) => n.startsWith('Delete') || n.startsWith('Detach'))).toEqual([
      'DeleteAccessKeyCommand',
      'DeleteUserPolicyCommand',
      'DetachUserPolicyCommand',
      'DeleteUserCommand',
    ]);
    iamMock.reset();
    iamMock.on(ListAccessKeysCommand).rejects(noSuchUser());
    await expect(adapter().deleteUser(USER)).resolves.toBeUndefined();
    expect(iamMock.commandCalls(DeleteUserCommand)).toHaveLength(0);
  });

  test('deleteUser refused by IAM (say, a login profile someone added) keeps the error name', async () => {
    iamMock.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });
    iamMock.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
    iamMock.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
    iamMock.on(DeleteUserCommand).rejects(new DeleteConflictException({ message: 'Cannot delete entity, must delete login profile first.', ...meta }));
    await expect(adapter().deleteUser(USER)).rejects.toMatchObject({ name: 'DeleteConflictException' });
  });
});

describe('AccessDenied right after our own create', () => {
  const trust = { Version: '2012-10-17', Statement: [{ Sid: 'T', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:user/u' }, Action: 'sts:AssumeRole' }] } as PolicyDocument;
  const denied = () => new IAMServiceException({ name: 'AccessDenied', $fault: 'client', message: 'User: x is not authorized to perform: iam:PutRolePolicy', ...meta });
  const roleInput = { name: 'rpcn-aurora-x-db-connect', trustPolicy: trust, description: '', tags: {}, permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/b' };

  test('PutRolePolicy denied on a role this adapter just created is IamPropagationError (retried)', async () => {
    iamMock.on(CreateRoleCommand).resolves({ Role: { Arn: 'arn:aws:iam::111111111111:role/rpcn-aurora-x-db-connect', CreateDate: new Date() } as never });
    iamMock.on(PutRolePolicyCommand).rejects(denied());
    const a = adapter();
    await a.createRole(roleInput);
    const err = await a.putRolePolicy(roleInput.name, 'p', trust).then(() => undefined, (e: Error) => e);
    expect(err?.name).toBe('IamPropagationError');
    expect(err?.message).toContain('[access-denied-after-create]');
  });

  test('still denied more than 3 minutes after the create (CreateDate from GetRole): AccessStillDeniedError naming the cause', async () => {
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: roleInput.name, Arn: 'arn:aws:iam::111111111111:role/x', AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)), CreateDate: new Date(Date.now() - 4 * 60_000), Tags: [] } as never });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    iamMock.on(TagRoleCommand).rejects(denied());
    const a = adapter();
    await a.getRole(roleInput.name);
    const err = await a.tagRole(roleInput.name, { k: 'v' }).then(() => undefined, (e: Error) => e);
    expect(err?.name).toBe('AccessStillDeniedError');
    expect(err?.message).toMatch(/access still denied 4 minutes after rpcn-aurora-x-db-connect was created by this workflow: the grant's aws:ResourceTag condition .* or an SCP/);
  });

  test('AccessDenied on a role created long ago, or one the adapter knows nothing of, stays StepAccessDeniedError', async () => {
    iamMock.on(PutRolePolicyCommand).rejects(denied());
    await expect(adapter().putRolePolicy(roleInput.name, 'p', trust)).rejects.toMatchObject({ name: 'StepAccessDeniedError' });
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: roleInput.name, Arn: 'arn:aws:iam::111111111111:role/x', AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)), CreateDate: new Date(Date.now() - 30 * 24 * 3600_000), Tags: [] } as never });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    const a = adapter();
    await a.getRole(roleInput.name);
    await expect(a.putRolePolicy(roleInput.name, 'p', trust)).rejects.toMatchObject({ name: 'StepAccessDeniedError' });
  });

  test('PutUserPolicy denied right after CreateUser is IamPropagationError', async () => {
    iamMock.on(CreateUserCommand).resolves({ User: { Arn: 'arn:aws:iam::111111111111:user/rpcn-aurora/u', UserName: 'u', CreateDate: new Date() } as never });
    iamMock.on(PutUserPolicyCommand).rejects(denied());
    const a = adapter();
    await a.createUser({ name: 'u', path: '/rpcn-aurora/', tags: {}, permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/b' });
    await expect(a.putUserPolicy('u', 'p', trust)).rejects.toMatchObject({ name: 'IamPropagationError' });
  });
});
