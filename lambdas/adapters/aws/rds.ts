// AuroraPort over @aws-sdk/client-rds. Get-or-create on every create, undefined on "not found" for every
// describe, "already gone" tolerated on every delete; AWS errors leave through mapAwsError.
import {
  CreateDBClusterCommand,
  CreateDBClusterParameterGroupCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBClusterParameterGroupCommand,
  DeleteDBInstanceCommand,
  DescribeDBClusterParameterGroupsCommand,
  DescribeDBClusterParametersCommand,
  DescribeDBClustersCommand,
  DescribeDBEngineVersionsCommand,
  DescribeDBSubnetGroupsCommand,
  DescribeDBInstancesCommand,
  EnableHttpEndpointCommand,
  ListTagsForResourceCommand,
  ModifyDBClusterParameterGroupCommand,
  RebootDBInstanceCommand,
  type DBCluster,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { ResourceBusyError, ResourceConflictError } from '../../core/errors.js';
import { LINK_TAG_KEY } from '../../core/naming.js';
import type {
  AuroraPort,
  ClusterDescription,
  ClusterParameter,
  CreateClusterInput,
  CreateInstanceInput,
  EngineVersionOffer,
  InstanceDescription,
  ParameterSetting,
} from '../../ports/aurora.js';
import { isAwsError, mapAwsError } from './errors.js';
import { fromAwsTags, toAwsTags } from './tags.js';

/** Master user of clusters we create; its password lives only in the RDS-managed secret. */
export const MASTER_USERNAME: Readonly<Record<CreateClusterInput['engine'], string>> = {
  'aurora-postgresql': 'postgres',
  'aurora-mysql': 'admin',
};

/** The only instance class of Aurora Serverless v2. */
export const SERVERLESS_INSTANCE_CLASS = 'db.serverless';

// ModifyDBClusterParameterGroup accepts at most 20 parameters per call.
const MAX_PARAMETERS_PER_MODIFY = 20;

const CLUSTER_NOT_FOUND = ['DBClusterNotFoundFault'];
const INSTANCE_NOT_FOUND = ['DBInstanceNotFoundFault', 'DBInstanceNotFound'];
const PARAMETER_GROUP_NOT_FOUND = [
  'DBParameterGroupNotFoundFault',
  'DBParameterGroupNotFound',
  'DBClusterParameterGroupNotFoundFault',
  'DBClusterParameterGroupNotFound',
];

export class RdsAuroraAdapter implements AuroraPort {
  constructor(private readonly rds: RDSClient) {}

  async ensureClusterParameterGroup(input: Parameters<AuroraPort['ensureClusterParameterGroup']>[0]): Promise<{
    readonly created: boolean;
    readonly tags: Readonly<Record<string, string>>;
  }> {
    const link = input.tags[LINK_TAG_KEY];
    if (link === undefined) throw new Error(`ensureClusterParameterGroup(${input.name}): tags must include ${LINK_TAG_KEY}`);

    let created = true;
    let tags: Readonly<Record<string, string>> = input.tags;
    try {
      await this.rds.send(
        new CreateDBClusterParameterGroupCommand({
          DBClusterParameterGroupName: input.name,
          DBParameterGroupFamily: input.family,
          Description: input.description,
          Tags: toAwsTags(input.tags),
        }),
      );
    } catch (e) {
      if (!isAwsError(e, 'DBParameterGroupAlreadyExistsFault', 'DBParameterGroupAlreadyExists')) {
        throw mapAwsError(e, { action: 'rds:CreateDBClusterParameterGroup', resource: input.name });
      }
      created = false;
      const existing = await this.describeClusterParameterGroupTags(input.name);
      // Exists, then gone: a concurrent delete; let the state machine try again.
      if (existing === undefined) throw new ResourceBusyError(`cluster parameter group ${input.name} is being deleted`);
      tags = existing;
    }

    // Never modify a group another link or a person owns (docs/architecture.md#security-and-reliability-rules).
    if (tags[LINK_TAG_KEY] !== link) {
      const found = tags[LINK_TAG_KEY] === undefined ? 'no such tag' : `${LINK_TAG_KEY}=${tags[LINK_TAG_KEY]}`;
      throw new ResourceConflictError(
        `cluster parameter group ${input.name} exists but is not link "${link}"'s (expected tag ${LINK_TAG_KEY}=${link}, found ${found}); ` +
          'delete or rename that group, or choose another link name',
      );
    }

    await this.modifyParameters(input.name, input.parameters);
    return { created, tags };
  }

  private async modifyParameters(name: string, parameters: readonly ParameterSetting[]): Promise<void> {
    for (let i = 0; i < parameters.length; i += MAX_PARAMETERS_PER_MODIFY) {
      const batch = parameters.slice(i, i + MAX_PARAMETERS_PER_MODIFY);
      try {
        await this.rds.send(
          new ModifyDBClusterParameterGroupCommand({
            DBClusterParameterGroupName: name,
            Parameters: batch.map((p) => ({ ParameterName: p.name, ParameterValue: p.value, ApplyMethod: p.applyMethod })),
          }),
        );
      } catch (e) {
        throw mapAwsError(e, { action: 'rds:ModifyDBClusterParameterGroup', resource: name });
      }
    }
  }

  async describeClusterParameterGroupTags(name: string): Promise<Readonly<Record<string, string>> | undefined> {
    let arn: string | undefined;
    try {
      const out = await this.rds.send(new DescribeDBClusterParameterGroupsCommand({ DBClusterParameterGroupName: name }));
      arn = out.DBClusterParameterGroups?.[0]?.DBClusterParameterGroupArn;
    } catch (e) {
      if (isAwsError(e, ...PARAMETER_GROUP_NOT_FOUND)) return undefined;
      throw mapAwsError(e, { action: 'rds:DescribeDBClusterParameterGroups', resource: name });
    }
    if (arn === undefined) return undefined;
    try {
      const out = await this.rds.send(new ListTagsForResourceCommand({ ResourceName: arn }));
      return fromAwsTags(out.TagList);
    } catch (e) {
      if (isAwsError(e, ...PARAMETER_GROUP_NOT_FOUND)) return undefined;
      throw mapAwsError(e, { action: 'rds:ListTagsForResource', resource: arn });
    }
  }

  async describeClusterParameters(groupName: string): Promise<readonly ClusterParameter[]> {
    const parameters: ClusterParameter[] = [];
    let marker: string | undefined;
    do {
      try {
        const out = await this.rds.send(new DescribeDBClusterParametersCommand({ DBClusterParameterGroupName: groupName, Marker: marker }));
        for (const p of out.Parameters ?? []) {
          if (p.ParameterName === undefined) continue;
          parameters.push({
            name: p.ParameterName,
            ...(p.ParameterValue !== undefined && { value: p.ParameterValue }),
            ...((p.ApplyType === 'static' || p.ApplyType === 'dynamic') && { applyType: p.ApplyType }),
            ...(p.IsModifiable !== undefined && { isModifiable: p.IsModifiable }),
          });
        }
        marker = out.Marker;
      } catch (e) {
        throw mapAwsError(e, { action: 'rds:DescribeDBClusterParameters', resource: groupName });
      }
    } while (marker);
    return parameters;
  }

  async describeCluster(identifier: string): Promise<ClusterDescription | undefined> {
    try {
      const out = await this.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
      const cluster = out.DBClusters?.[0];
      return cluster === undefined ? undefined : toClusterDescription(cluster);
    } catch (e) {
      if (isAwsError(e, ...CLUSTER_NOT_FOUND)) return undefined;
      throw mapAwsError(e, { action: 'rds:DescribeDBClusters', resource: identifier });
    }
  }

  async createCluster(input: CreateClusterInput): Promise<ClusterDescription> {
    try {
      const out = await this.rds.send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: input.identifier,
          Engine: input.engine,
          EngineVersion: input.engineVersion,
          DatabaseName: input.databaseName,
          Port: input.port,
          DBClusterParameterGroupName: input.parameterGroup,
          MasterUsername: MASTER_USERNAME[input.engine],
          ManageMasterUserPassword: true,
          EnableIAMDatabaseAuthentication: true,
          EnableHttpEndpoint: true,
          StorageEncrypted: true,
          ServerlessV2ScalingConfiguration: { MinCapacity: input.minCapacity, MaxCapacity: input.maxCapacity },
          ...(input.dbSubnetGroup !== undefined && { DBSubnetGroupName: input.dbSubnetGroup }),
          VpcSecurityGroupIds: [...input.vpcSecurityGroupIds],
          CopyTagsToSnapshot: true,
          Tags: toAwsTags(input.tags),
        }),
      );
      if (out.DBCluster === undefined) throw new Error(`rds:CreateDBCluster on ${input.identifier} returned no DBCluster`);
      return toClusterDescription(out.DBCluster, input.tags);
    } catch (e) {
      if (!isAwsError(e, 'DBClusterAlreadyExistsFault')) throw mapAwsError(e, { action: 'rds:CreateDBCluster', resource: input.identifier });
    }
    // Adopt on re-run; the caller decides from the tags whether it is this link's.
    const existing = await this.describeCluster(input.identifier);
    if (existing === undefined) throw new ResourceBusyError(`cluster ${input.identifier} exists but cannot be described (being deleted?)`);
    return existing;
  }

  async enableHttpEndpoint(clusterArn: string): Promise<void> {
    try {
      await this.rds.send(new EnableHttpEndpointCommand({ ResourceArn: clusterArn }));
    } catch (e) {
      throw mapAwsError(e, { action: 'rds:EnableHttpEndpoint', resource: clusterArn });
    }
  }

  async describeInstance(identifier: string): Promise<InstanceDescription | undefined> {
    try {
      const out = await this.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
      const instance = out.DBInstances?.[0];
      return instance === undefined ? undefined : toInstanceDescription(instance);
    } catch (e) {
      if (isAwsError(e, ...INSTANCE_NOT_FOUND)) return undefined;
      throw mapAwsError(e, { action: 'rds:DescribeDBInstances', resource: identifier });
    }
  }

  async createWriterInstance(input: CreateInstanceInput): Promise<InstanceDescription> {
    try {
      const out = await this.rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: input.identifier,
          DBClusterIdentifier: input.clusterIdentifier,
          Engine: input.engine,
          DBInstanceClass: SERVERLESS_INSTANCE_CLASS,
          PubliclyAccessible: input.publiclyAccessible,
          Tags: toAwsTags(input.tags),
        }),
      );
      if (out.DBInstance === undefined) throw new Error(`rds:CreateDBInstance on ${input.identifier} returned no DBInstance`);
      return toInstanceDescription(out.DBInstance, input.tags);
    } catch (e) {
      if (!isAwsError(e, 'DBInstanceAlreadyExistsFault', 'DBInstanceAlreadyExists')) {
        throw mapAwsError(e, { action: 'rds:CreateDBInstance', resource: input.identifier });
      }
    }
    const existing = await this.describeInstance(input.identifier);
    if (existing === undefined) throw new ResourceBusyError(`instance ${input.identifier} exists but cannot be described (being deleted?)`);
    return existing;
  }

  async rebootInstance(identifier: string): Promise<void> {
    try {
      await this.rds.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: identifier }));
    } catch (e) {
      // InvalidDBInstanceState (still creating, already rebooting) maps to the retried ResourceBusyError.
      throw mapAwsError(e, { action: 'rds:RebootDBInstance', resource: identifier });
    }
  }

  async deleteInstance(identifier: string): Promise<void> {
    try {
      await this.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: identifier }));
    } catch (e) {
      if (isAwsError(e, ...INSTANCE_NOT_FOUND)) return;
      throw mapAwsError(e, { action: 'rds:DeleteDBInstance', resource: identifier });
    }
  }

  async deleteCluster(identifier: string, finalSnapshotIdentifier: string | undefined): Promise<void> {
    try {
      await this.rds.send(
        new DeleteDBClusterCommand({
          DBClusterIdentifier: identifier,
          SkipFinalSnapshot: finalSnapshotIdentifier === undefined,
          ...(finalSnapshotIdentifier !== undefined && { FinalDBSnapshotIdentifier: finalSnapshotIdentifier }),
        }),
      );
    } catch (e) {
      if (isAwsError(e, ...CLUSTER_NOT_FOUND)) return;
      throw mapAwsError(e, { action: 'rds:DeleteDBCluster', resource: identifier });
    }
  }

  async deleteClusterParameterGroup(name: string): Promise<void> {
    try {
      await this.rds.send(new DeleteDBClusterParameterGroupCommand({ DBClusterParameterGroupName: name }));
    } catch (e) {
      if (isAwsError(e, ...PARAMETER_GROUP_NOT_FOUND)) return;
      throw mapAwsError(e, { action: 'rds:DeleteDBClusterParameterGroup', resource: name });
    }
  }

  async describeEngineVersion(engine: CreateClusterInput['engine'], engineVersion: string): Promise<EngineVersionOffer> {
    try {
      const found = (await this.rds.send(new DescribeDBEngineVersionsCommand({ Engine: engine, EngineVersion: engineVersion }))).DBEngineVersions ?? [];
      const version = found.find((v) => v.EngineVersion === engineVersion);
      if (version === undefined) return { offered: false };
      const support = version.ServerlessV2FeaturesSupport;
      if (support?.MinCapacity === undefined || support.MaxCapacity === undefined) return { offered: true };
      return { offered: true, serverlessV2: { minCapacity: support.MinCapacity, maxCapacity: support.MaxCapacity } };
    } catch (e) {
      throw mapAwsError(e, { action: 'rds:DescribeDBEngineVersions', resource: `${engine} ${engineVersion}` });
    }
  }

  async describeDbSubnetGroup(name: string): Promise<{ readonly name: string; readonly vpcId: string; readonly subnetIds: readonly string[] } | undefined> {
    try {
      const group = (await this.rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name }))).DBSubnetGroups?.[0];
      if (group?.VpcId === undefined) return undefined;
      return { name, vpcId: group.VpcId, subnetIds: (group.Subnets ?? []).flatMap((sn) => (sn.SubnetIdentifier === undefined ? [] : [sn.SubnetIdentifier])) };
    } catch (e) {
      if (isAwsError(e, 'DBSubnetGroupNotFoundFault', 'DBSubnetGroupNotFound')) return undefined;
      throw mapAwsError(e, { action: 'rds:DescribeDBSubnetGroups', resource: name });
    }
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`RDS response lacks ${what}`);
  return value;
}

export function toClusterDescription(c: DBCluster, fallbackTags?: Readonly<Record<string, string>>): ClusterDescription {
  const id = required(c.DBClusterIdentifier, 'DBClusterIdentifier');
  const scaling = c.ServerlessV2ScalingConfiguration;
  return {
    identifier: id,
    arn: required(c.DBClusterArn, `DBClusterArn of ${id}`),
    resourceId: required(c.DbClusterResourceId, `DbClusterResourceId of ${id}`),
    status: c.Status ?? 'unknown',
    engine: c.Engine ?? '',
    engineVersion: c.EngineVersion ?? '',
    ...(c.Endpoint !== undefined && { endpoint: c.Endpoint }),
    port: c.Port ?? 0,
    ...(c.DatabaseName !== undefined && { databaseName: c.DatabaseName }),
    iamAuthEnabled: c.IAMDatabaseAuthenticationEnabled ?? false,
    httpEndpointEnabled: c.HttpEndpointEnabled ?? false,
    storageEncrypted: c.StorageEncrypted ?? false,
    ...(c.MasterUserSecret?.SecretArn !== undefined && { masterUserSecretArn: c.MasterUserSecret.SecretArn }),
    ...(c.MasterUserSecret?.KmsKeyId !== undefined && { masterUserSecretKmsKeyId: c.MasterUserSecret.KmsKeyId }),
    parameterGroup: c.DBClusterParameterGroup ?? '',
    vpcSecurityGroupIds: (c.VpcSecurityGroups ?? []).flatMap((g) => (g.VpcSecurityGroupId === undefined ? [] : [g.VpcSecurityGroupId])),
    ...(c.DBSubnetGroup !== undefined && { dbSubnetGroup: c.DBSubnetGroup }),
    ...(c.PubliclyAccessible !== undefined && { publiclyAccessible: c.PubliclyAccessible }),
    ...(scaling?.MinCapacity !== undefined &&
      scaling.MaxCapacity !== undefined && { serverlessV2: { minCapacity: scaling.MinCapacity, maxCapacity: scaling.MaxCapacity } }),
    members: (c.DBClusterMembers ?? []).flatMap((m) =>
      m.DBInstanceIdentifier === undefined
        ? []
        : [
            {
              instanceIdentifier: m.DBInstanceIdentifier,
              isWriter: m.IsClusterWriter ?? false,
              ...(m.DBClusterParameterGroupStatus !== undefined && { parameterGroupStatus: m.DBClusterParameterGroupStatus }),
            },
          ],
    ),
    tags: c.TagList === undefined && fallbackTags !== undefined ? { ...fallbackTags } : fromAwsTags(c.TagList),
  };
}

export function toInstanceDescription(i: DBInstance, fallbackTags?: Readonly<Record<string, string>>): InstanceDescription {
  const id = required(i.DBInstanceIdentifier, 'DBInstanceIdentifier');
  return {
    identifier: id,
    clusterIdentifier: i.DBClusterIdentifier ?? '',
    status: i.DBInstanceStatus ?? 'unknown',
    ...(i.PubliclyAccessible !== undefined && { publiclyAccessible: i.PubliclyAccessible }),
    tags: i.TagList === undefined && fallbackTags !== undefined ? { ...fallbackTags } : fromAwsTags(i.TagList),
  };
}
