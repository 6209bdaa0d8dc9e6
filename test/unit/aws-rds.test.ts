import {
  CreateDBClusterCommand,
  CreateDBClusterParameterGroupCommand,
  CreateDBInstanceCommand,
  DBClusterAlreadyExistsFault,
  DBClusterNotFoundFault,
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  DBParameterGroupAlreadyExistsFault,
  DBParameterGroupNotFoundFault,
  DeleteDBClusterCommand,
  DeleteDBClusterParameterGroupCommand,
  DeleteDBInstanceCommand,
  DescribeDBClusterParameterGroupsCommand,
  DescribeDBClusterParametersCommand,
  DescribeDBClustersCommand,
  DescribeDBEngineVersionsCommand,
  DescribeDBInstancesCommand,
  EnableHttpEndpointCommand,
  InvalidDBClusterStateFault,
  InvalidDBParameterGroupStateFault,
  ListTagsForResourceCommand,
  ModifyDBClusterParameterGroupCommand,
  InvalidDBInstanceStateFault,
  RebootDBInstanceCommand,
  RDSClient,
  RDSServiceException,
  type DBCluster,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { RdsAuroraAdapter } from '../../lambdas/adapters/aws/rds.js';
import { LINK_TAG_KEY } from '../../lambdas/core/naming.js';
import type { CreateClusterInput, ParameterSetting } from '../../lambdas/ports/aurora.js';

const rdsMock = mockClient(RDSClient);
const meta = { $metadata: {} };
const adapter = () => new RdsAuroraAdapter(new RDSClient({ region: 'us-east-2' }));

const TAGS = { [LINK_TAG_KEY]: 'orders', 'managed-by': 'rpcn-aurora' };
const CLUSTER_ARN = 'arn:aws:rds:us-east-2:111111111111:cluster:rpcn-aurora-orders';
const PG_ARN = 'arn:aws:rds:us-east-2:111111111111:cluster-pg:rpcn-aurora-orders-aurorapostgresql17';

const clusterInput: CreateClusterInput = {
  identifier: 'rpcn-aurora-orders',
  engine: 'aurora-postgresql',
  engineVersion: '17.4',
  databaseName: 'demo_db',
  port: 5432,
  parameterGroup: 'rpcn-aurora-orders-aurorapostgresql17',
  minCapacity: 0.5,
  maxCapacity: 2,
  dbSubnetGroup: 'rpcn-aurora-subnets',
  vpcSecurityGroupIds: ['sg-0123'],
  tags: TAGS,
};

const awsCluster: DBCluster = {
  DBClusterIdentifier: 'rpcn-aurora-orders',
  DBClusterArn: CLUSTER_ARN,
  DbClusterResourceId: 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  Status: 'available',
  Engine: 'aurora-postgresql',
  EngineVersion: '17.4',
  Endpoint: 'rpcn-aurora-orders.cluster-abc.us-east-2.rds.amazonaws.com',
  Port: 5432,
  DatabaseName: 'demo_db',
  IAMDatabaseAuthenticationEnabled: true,
  HttpEndpointEnabled: true,
  StorageEncrypted: true,
  MasterUserSecret: { SecretArn: 'arn:aws:secretsmanager:us-east-2:111111111111:secret:rds!cluster-1', SecretStatus: 'active' },
  DBClusterParameterGroup: 'rpcn-aurora-orders-aurorapostgresql17',
  VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0123', Status: 'active' }],
  ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 2 },
  DBClusterMembers: [{ DBInstanceIdentifier: 'rpcn-aurora-orders-writer', IsClusterWriter: true, DBClusterParameterGroupStatus: 'in-sync' }],
  TagList: [{ Key: LINK_TAG_KEY, Value: 'orders' }],
};

beforeEach(() => rdsMock.reset());

describe('ensureClusterParameterGroup', () => {
  const params: ParameterSetting[] = [
    { name: 'rds.logical_replication', value: '1', applyMethod: 'pending-reboot' },
    { name: 'rds.iam_auth_for_replication', value: '1', applyMethod: 'immediate' },
  ];
  const input = { name: 'rpcn-aurora-orders-aurorapostgresql17', family: 'aurora-postgresql17', description: 'CDC for orders', parameters: params, tags: TAGS };

  test('creates the group with tags, then sets the parameters', async () => {
    rdsMock.on(CreateDBClusterParameterGroupCommand).resolves({});
    rdsMock.on(ModifyDBClusterParameterGroupCommand).resolves({});
    const out = await adapter().ensureClusterParameterGroup(input);
    expect(out).toEqual({ created: true, tags: TAGS });
    expect(rdsMock.commandCalls(CreateDBClusterParameterGroupCommand)[0]!.args[0].input).toEqual({
      DBClusterParameterGroupName: input.name,
      DBParameterGroupFamily: 'aurora-postgresql17',
      Description: 'CDC for orders',
      Tags: [
        { Key: LINK_TAG_KEY, Value: 'orders' },
        { Key: 'managed-by', Value: 'rpcn-aurora' },
      ],
    });
    expect(rdsMock.commandCalls(ModifyDBClusterParameterGroupCommand)[0]!.args[0].input).toEqual({
      DBClusterParameterGroupName: input.name,
      Parameters: [
        { ParameterName: 'rds.logical_replication', ParameterValue: '1', ApplyMethod: 'pending-reboot' },
        { ParameterName: 'rds.iam_auth_for_replication', ParameterValue: '1', ApplyMethod: 'immediate' },
      ],
    });
  });

  test('an existing group carrying our link tag is adopted and its parameters set', async () => {
    rdsMock.on(CreateDBClusterParameterGroupCommand).rejects(new DBParameterGroupAlreadyExistsFault({ message: 'exists', ...meta }));
    rdsMock.on(DescribeDBClusterParameterGroupsCommand).resolves({ DBClusterParameterGroups: [{ DBClusterParameterGroupArn: PG_ARN }] });
    rdsMock.on(ListTagsForResourceCommand, { ResourceName: PG_ARN }).resolves({ TagList: [{ Key: LINK_TAG_KEY, Value: 'orders' }] });
    rdsMock.on(ModifyDBClusterParameterGroupCommand).resolves({});
    const out = await adapter().ensureClusterParameterGroup(input);
    expect(out).toEqual({ created: false, tags: { [LINK_TAG_KEY]: 'orders' } });
    expect(rdsMock.commandCalls(ModifyDBClusterParameterGroupCommand)).toHaveLength(1);
  });

  test.each([
    ['no link tag', []],
    ['another link', [{ Key: LINK_TAG_KEY, Value: 'payments' }]],
  ])('an existing group with %s is a ResourceConflictError and is never modified', async (_label, tagList) => {
    rdsMock.on(CreateDBClusterParameterGroupCommand).rejects(new DBParameterGroupAlreadyExistsFault({ message: 'exists', ...meta }));
    rdsMock.on(DescribeDBClusterParameterGroupsCommand).resolves({ DBClusterParameterGroups: [{ DBClusterParameterGroupArn: PG_ARN }] });
    rdsMock.on(ListTagsForResourceCommand).resolves({ TagList: tagList });
    await expect(adapter().ensureClusterParameterGroup(input)).rejects.toMatchObject({ name: 'ResourceConflictError' });
    expect(rdsMock.commandCalls(ModifyDBClusterParameterGroupCommand)).toHaveLength(0);
  });

  test('more than 20 parameters are sent in batches of 20', async () => {
    rdsMock.on(CreateDBClusterParameterGroupCommand).resolves({});
    rdsMock.on(ModifyDBClusterParameterGroupCommand).resolves({});
    const many = Array.from({ length: 45 }, (_, i): ParameterSetting => ({ name: `p${i}`, value: '1', applyMethod: 'immediate' }));
    await adapter().ensureClusterParameterGroup({ ...input, parameters: many });
    const sizes = rdsMock.commandCalls(ModifyDBClusterParameterGroupCommand).map((c) => c.args[0].input.Parameters?.length);
    expect(sizes).toEqual([20, 20, 5]);
  });

  test('a group being modified is ResourceBusyError (retried)', async () => {
    rdsMock.on(CreateDBClusterParameterGroupCommand).resolves({});
    rdsMock.on(ModifyDBClusterParameterGroupCommand).rejects(new InvalidDBParameterGroupStateFault({ message: 'in use', ...meta }));
    await expect(adapter().ensureClusterParameterGroup(input)).rejects.toMatchObject({ name: 'ResourceBusyError' });
  });

  test('tags without the link tag are a programming error', async () => {
    await expect(adapter().ensureClusterParameterGroup({ ...input, tags: {} })).rejects.toThrow(LINK_TAG_KEY);
    expect(rdsMock.calls()).toHaveLength(0);
  });
});

describe('describeClusterParameterGroupTags / describeClusterParameters', () => {
  test('tags of a missing group are undefined', async () => {
    rdsMock.on(DescribeDBClusterParameterGroupsCommand).rejects(new DBParameterGroupNotFoundFault({ message: 'nope', ...meta }));
    await expect(adapter().describeClusterParameterGroupTags('x')).resolves.toBeUndefined();
  });

  test('parameters are read across every page', async () => {
    rdsMock
      .on(DescribeDBClusterParametersCommand, { DBClusterParameterGroupName: 'pg', Marker: undefined })
      .resolves({ Parameters: [{ ParameterName: 'rds.logical_replication', ParameterValue: '1', ApplyType: 'static', IsModifiable: true }], Marker: 'm1' })
      .on(DescribeDBClusterParametersCommand, { DBClusterParameterGroupName: 'pg', Marker: 'm1' })
      .resolves({ Parameters: [{ ParameterName: 'binlog_format', ApplyType: 'dynamic', IsModifiable: true }] });
    const params = await adapter().describeClusterParameters('pg');
    expect(params).toEqual([
      { name: 'rds.logical_replication', value: '1', applyType: 'static', isModifiable: true },
      { name: 'binlog_format', applyType: 'dynamic', isModifiable: true },
    ]);
    expect(rdsMock.commandCalls(DescribeDBClusterParametersCommand)).toHaveLength(2);
  });
});

describe('clusters', () => {
  test('createCluster asks for IAM auth, Data API, a managed secret, encryption, Serverless v2 scaling and tags', async () => {
    rdsMock.on(CreateDBClusterCommand).resolves({ DBCluster: { ...awsCluster, Status: 'creating' } });
    const out = await adapter().createCluster(clusterInput);
    expect(rdsMock.commandCalls(CreateDBClusterCommand)[0]!.args[0].input).toEqual({
      DBClusterIdentifier: 'rpcn-aurora-orders',
      Engine: 'aurora-postgresql',
      EngineVersion: '17.4',
      DatabaseName: 'demo_db',
      Port: 5432,
      DBClusterParameterGroupName: 'rpcn-aurora-orders-aurorapostgresql17',
      MasterUsername: 'postgres',
      ManageMasterUserPassword: true,
      EnableIAMDatabaseAuthentication: true,
      EnableHttpEndpoint: true,
      StorageEncrypted: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 2 },
      DBSubnetGroupName: 'rpcn-aurora-subnets',
      VpcSecurityGroupIds: ['sg-0123'],
      CopyTagsToSnapshot: true,
      Tags: [
        { Key: LINK_TAG_KEY, Value: 'orders' },
        { Key: 'managed-by', Value: 'rpcn-aurora' },
      ],
    });
    expect(out).toEqual({
      identifier: 'rpcn-aurora-orders',
      arn: CLUSTER_ARN,
      resourceId: 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      status: 'creating',
      engine: 'aurora-postgresql',
      engineVersion: '17.4',
      endpoint: 'rpcn-aurora-orders.cluster-abc.us-east-2.rds.amazonaws.com',
      port: 5432,
      databaseName: 'demo_db',
      iamAuthEnabled: true,
      httpEndpointEnabled: true,
      storageEncrypted: true,
      masterUserSecretArn: 'arn:aws:secretsmanager:us-east-2:111111111111:secret:rds!cluster-1',
      parameterGroup: 'rpcn-aurora-orders-aurorapostgresql17',
      vpcSecurityGroupIds: ['sg-0123'],
      serverlessV2: { minCapacity: 0.5, maxCapacity: 2 },
      members: [{ instanceIdentifier: 'rpcn-aurora-orders-writer', isWriter: true, parameterGroupStatus: 'in-sync' }],
      tags: { [LINK_TAG_KEY]: 'orders' },
    });
  });

  test('MySQL clusters get the admin master user; no subnet group means none is sent', async () => {
    rdsMock.on(CreateDBClusterCommand).resolves({ DBCluster: awsCluster });
    const { dbSubnetGroup: _omit, ...noSubnet } = clusterInput;
    await adapter().createCluster({ ...noSubnet, engine: 'aurora-mysql' });
    const sent = rdsMock.commandCalls(CreateDBClusterCommand)[0]!.args[0].input;
    expect(sent.MasterUsername).toBe('admin');
    expect(sent).not.toHaveProperty('DBSubnetGroupName');
  });

  test('DBClusterAlreadyExistsFault: describe and return the existing cluster (caller checks its tag)', async () => {
    rdsMock.on(CreateDBClusterCommand).rejects(new DBClusterAlreadyExistsFault({ message: 'exists', ...meta }));
    rdsMock.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'rpcn-aurora-orders' }).resolves({ DBClusters: [{ ...awsCluster, TagList: [] }] });
    const out = await adapter().createCluster(clusterInput);
    expect(out.status).toBe('available');
    expect(out.tags).toEqual({});
  });

  test('a busy cluster is retried; a quota error is not', async () => {
    rdsMock.on(CreateDBClusterCommand).rejects(new InvalidDBClusterStateFault({ message: 'busy', ...meta }));
    await expect(adapter().createCluster(clusterInput)).rejects.toMatchObject({ name: 'ResourceBusyError' });
    rdsMock
      .on(CreateDBClusterCommand)
      .rejects(new RDSServiceException({ name: 'DBClusterQuotaExceededFault', $fault: 'client', message: 'quota', ...meta }));
    await expect(adapter().createCluster(clusterInput)).rejects.toMatchObject({ name: 'DBClusterQuotaExceededFault' });
  });

  test('describeCluster returns undefined for DBClusterNotFoundFault and maps throttling', async () => {
    rdsMock.on(DescribeDBClustersCommand).rejects(new DBClusterNotFoundFault({ message: 'nope', ...meta }));
    await expect(adapter().describeCluster('gone')).resolves.toBeUndefined();
    rdsMock.on(DescribeDBClustersCommand).rejects(new RDSServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', ...meta }));
    await expect(adapter().describeCluster('x')).rejects.toMatchObject({ name: 'AwsThrottledError' });
  });

  test('enableHttpEndpoint calls EnableHttpEndpoint with the cluster ARN', async () => {
    rdsMock.on(EnableHttpEndpointCommand).resolves({ HttpEndpointEnabled: true });
    await adapter().enableHttpEndpoint(CLUSTER_ARN);
    expect(rdsMock.commandCalls(EnableHttpEndpointCommand)[0]!.args[0].input).toEqual({ ResourceArn: CLUSTER_ARN });
  });

  test('deleteCluster with and without a final snapshot; not found is fine; AccessDenied is not', async () => {
    rdsMock.on(DeleteDBClusterCommand).resolves({});
    await adapter().deleteCluster('c1', 'c1-final');
    await adapter().deleteCluster('c2', undefined);
    const inputs = rdsMock.commandCalls(DeleteDBClusterCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { DBClusterIdentifier: 'c1', SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: 'c1-final' },
      { DBClusterIdentifier: 'c2', SkipFinalSnapshot: true },
    ]);
    rdsMock.on(DeleteDBClusterCommand).rejects(new DBClusterNotFoundFault({ message: 'gone', ...meta }));
    await expect(adapter().deleteCluster('c3', undefined)).resolves.toBeUndefined();
    rdsMock.on(DeleteDBClusterCommand).rejects(new RDSServiceException({ name: 'AccessDenied', $fault: 'client', message: 'no', ...meta }));
    await expect(adapter().deleteCluster('c4', undefined)).rejects.toMatchObject({ name: 'StepAccessDeniedError' });
  });

  test('deleteClusterParameterGroup tolerates not found and retries while in use', async () => {
    rdsMock.on(DeleteDBClusterParameterGroupCommand).rejects(new DBParameterGroupNotFoundFault({ message: 'gone', ...meta }));
    await expect(adapter().deleteClusterParameterGroup('pg')).resolves.toBeUndefined();
    rdsMock.on(DeleteDBClusterParameterGroupCommand).rejects(new InvalidDBParameterGroupStateFault({ message: 'in use', ...meta }));
    await expect(adapter().deleteClusterParameterGroup('pg')).rejects.toMatchObject({ name: 'ResourceBusyError' });
  });
});

describe('writer instance', () => {
  const instanceInput = {
    identifier: 'rpcn-aurora-orders-writer',
    clusterIdentifier: 'rpcn-aurora-orders',
    engine: 'aurora-postgresql' as const,
    publiclyAccessible: true,
    tags: TAGS,
  };

  test('createWriterInstance creates a db.serverless instance in the cluster', async () => {
    rdsMock.on(CreateDBInstanceCommand).resolves({
      DBInstance: { DBInstanceIdentifier: 'rpcn-aurora-orders-writer', DBClusterIdentifier: 'rpcn-aurora-orders', DBInstanceStatus: 'creating' },
    });
    const out = await adapter().createWriterInstance(instanceInput);
    expect(rdsMock.commandCalls(CreateDBInstanceCommand)[0]!.args[0].input).toEqual({
      DBInstanceIdentifier: 'rpcn-aurora-orders-writer',
      DBClusterIdentifier: 'rpcn-aurora-orders',
      Engine: 'aurora-postgresql',
      DBInstanceClass: 'db.serverless',
      PubliclyAccessible: true,
      Tags: [
        { Key: LINK_TAG_KEY, Value: 'orders' },
        { Key: 'managed-by', Value: 'rpcn-aurora' },
      ],
    });
    // The create response carries no TagList here, so the tags just sent are reported.
    expect(out).toEqual({ identifier: 'rpcn-aurora-orders-writer', clusterIdentifier: 'rpcn-aurora-orders', status: 'creating', tags: TAGS });
  });

  test('DBInstanceAlreadyExists: describe and return it', async () => {
    rdsMock.on(CreateDBInstanceCommand).rejects(new DBInstanceAlreadyExistsFault({ message: 'exists', ...meta }));
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'rpcn-aurora-orders-writer',
          DBClusterIdentifier: 'rpcn-aurora-orders',
          DBInstanceStatus: 'available',
          TagList: [{ Key: LINK_TAG_KEY, Value: 'orders' }],
        },
      ],
    });
    await expect(adapter().createWriterInstance(instanceInput)).resolves.toEqual({
      identifier: 'rpcn-aurora-orders-writer',
      clusterIdentifier: 'rpcn-aurora-orders',
      status: 'available',
      tags: { [LINK_TAG_KEY]: 'orders' },
    });
  });

  test('describeInstance and deleteInstance tolerate DBInstanceNotFound', async () => {
    rdsMock.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ message: 'nope', ...meta }));
    rdsMock.on(DeleteDBInstanceCommand).rejects(new DBInstanceNotFoundFault({ message: 'nope', ...meta }));
    await expect(adapter().describeInstance('i')).resolves.toBeUndefined();
    await expect(adapter().deleteInstance('i')).resolves.toBeUndefined();
    expect(rdsMock.commandCalls(DeleteDBInstanceCommand)[0]!.args[0].input).toEqual({ DBInstanceIdentifier: 'i' });
  });

  test('rebootInstance reboots the named instance; an instance that is not available yet is busy (retried)', async () => {
    rdsMock.on(RebootDBInstanceCommand).resolvesOnce({ ...meta }).rejects(new InvalidDBInstanceStateFault({ message: 'DB instance is not in available state.', ...meta }));
    await adapter().rebootInstance('rpcn-aurora-orders-writer');
    expect(rdsMock.commandCalls(RebootDBInstanceCommand)[0]!.args[0].input).toEqual({ DBInstanceIdentifier: 'rpcn-aurora-orders-writer' });
    await expect(adapter().rebootInstance('rpcn-aurora-orders-writer')).rejects.toMatchObject({
      name: 'ResourceBusyError',
      message: expect.stringContaining('rds:RebootDBInstance on rpcn-aurora-orders-writer failed'),
    });
  });
});

describe('describeEngineVersion', () => {
  beforeEach(() => rdsMock.reset());

  test('reads ServerlessV2FeaturesSupport of exactly the version asked', async () => {
    rdsMock.on(DescribeDBEngineVersionsCommand, { Engine: 'aurora-postgresql', EngineVersion: '16.2' }).resolves({
      ...meta,
      DBEngineVersions: [{ Engine: 'aurora-postgresql', EngineVersion: '16.2', ServerlessV2FeaturesSupport: { MinCapacity: 0.5, MaxCapacity: 256 } }],
    });
    expect(await adapter().describeEngineVersion('aurora-postgresql', '16.2')).toEqual({ offered: true, serverlessV2: { minCapacity: 0.5, maxCapacity: 256 } });
  });

  test('a version the region does not list is not offered; one without the field has no reported range', async () => {
    rdsMock.on(DescribeDBEngineVersionsCommand).resolvesOnce({ ...meta, DBEngineVersions: [] }).resolvesOnce({ ...meta, DBEngineVersions: [{ EngineVersion: '16.2' }] });
    expect(await adapter().describeEngineVersion('aurora-postgresql', '16.2')).toEqual({ offered: false });
    expect(await adapter().describeEngineVersion('aurora-postgresql', '16.2')).toEqual({ offered: true });
  });

  test('a denial leaves as the named error of the step', async () => {
    rdsMock.on(DescribeDBEngineVersionsCommand).rejects(new RDSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'not authorized to perform: rds:DescribeDBEngineVersions' }));
    await expect(adapter().describeEngineVersion('aurora-postgresql', '16.2')).rejects.toMatchObject({ name: 'StepAccessDeniedError', message: expect.stringContaining('rds:DescribeDBEngineVersions') });
  });
});
