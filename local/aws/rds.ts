// RDS control plane of the twin (emulated) over real databases (backing.ts). Clusters answer `creating` for a
// configurable number of describe calls / time, then `available` once their database server is up; the
// cluster resource id, ARNs, the managed master secret (`rds!cluster-<uuid>`, holding the real superuser
// credentials) and the parameter-group semantics follow RDS. Behaviour differences with the AWS adapter are
// called out where they exist. DB subnet groups live here, their subnets in EC2 (ec2.ts); each cluster's writer
// has emulated addresses: a private one in the first subnet of its group, and a public one (198.51.100.0/24) while
// it is publicly accessible. Its endpoint stays `localhost` (the real local server): the pipeline emulator resolves
// a DSN's host:port to the cluster and then to these addresses.
import { ResourceBusyError, ResourceConflictError } from '../../lambdas/core/errors.js';
import { clusterParameterSettings } from '../../lambdas/core/aurora-settings.js';
import { LINK_TAG_KEY } from '../../lambdas/core/naming.js';
import type { Engine } from '../../lambdas/core/request.js';
import type {
  AuroraPort,
  ClusterDescription,
  ClusterParameter,
  CreateClusterInput,
  CreateInstanceInput,
  EngineVersionOffer,
  InstanceDescription,
  NetworkInterfaceView,
  ParameterSetting,
} from '../../lambdas/ports/aurora.js';
import { mysqlUrl } from '../database/mysql.js';
import { freePort } from '../database/embedded-postgres.js';
import { mysqlServer, startMysqlBacking, startPgBacking, type BackingDatabase } from './backing.js';
import { clusterResourceId, copy, instanceResourceId, randomString, sortedRecord, TwinAwsError, uuid, type Clock } from './common.js';
import type { ServerSettings } from './pg-server.js';
import type { SecretsEmulator } from './secrets.js';

/** What RDS needs from EC2 (the twin's NetworkEmulator): subnets, and addresses for the writers' interfaces. */
export interface RdsNetwork {
  subnet(subnetId: string): { readonly vpcId: string; readonly availabilityZone: string } | undefined;
  allocatePrivateAddress(subnetId: string): string;
  allocatePublicAddress(): string;
  releaseAddress(address: string): void;
  newInterfaceId(): string;
  /** The deleted cluster's interface keeps its security groups until `goneAtMs`. */
  releaseInterfaceLater(view: NetworkInterfaceView, groupIds: readonly string[], goneAtMs: number): void;
}

/** Where a cluster's writer can be reached, as the twin emulates it. */
export interface ClusterAddresses {
  readonly identifier: string;
  readonly port: number;
  readonly vpcId: string | undefined;
  /** The subnet the private address is in (its route table decides the way back to a private source). */
  readonly subnetId: string | undefined;
  readonly privateAddress: string | undefined;
  /** Present while the writer is publicly accessible. */
  readonly publicAddress: string | undefined;
  readonly vpcSecurityGroupIds: readonly string[];
}

/** The subnet group clusters get when none is named (RDS uses the default VPC's `default` group). */
export const DEFAULT_DB_SUBNET_GROUP = 'default';

export interface RdsOptions {
  /**
   * A created cluster (and instance) turns `available` once its database server is up and either this many
   * describe calls have answered `creating`, or `creatingMs` have passed by the twin's clock (so a fake clock
   * scales time). Neither set: one describe answers `creating`.
   */
  readonly creatingDescribes?: number;
  readonly creatingMs?: number;
  /**
   * Leave the Data API off even though CreateDBCluster asked for it (docs/reference/aws.md A1: unverified whether
   * that parameter works on Serverless v2), so the workflow's enableHttpEndpoint path is exercised.
   */
  readonly ignoreCreateHttpEndpoint?: boolean;
  /**
   * A cluster created less than this many ms (by the twin's clock) after its parameter group was created or last
   * had a static parameter changed comes up with the writer `pending-reboot`: its server runs without the
   * group's static parameters until the writer is rebooted (a group used within minutes of its creation may
   * not apply them, docs/reference/aws.md A2). Unset: a new cluster always boots with its group applied.
   */
  readonly parameterGroupSettleMs?: number;
  /**
   * How long (twin clock) a deleted cluster's network interface keeps using its security groups before RDS
   * releases it, so DeleteSecurityGroup answers DependencyViolation meanwhile (in AWS often well past a
   * minute). `Infinity`: never released. @default 0
   */
  readonly networkInterfaceReleaseMs?: number;
  /** Describe calls a rebooting writer answers `rebooting` before it is `available` again (once its server is back). @default 1 */
  readonly rebootingDescribes?: number;
  /**
   * The region's engine versions where they differ from the twin's default answer (every well-formed Aurora
   * PostgreSQL 13-17 / MySQL 3 version, with RDS's ServerlessV2FeaturesSupport): `absent` for a version the
   * region does not offer, or the capacity range it reports.
   */
  readonly engineVersions?: Readonly<Record<string, 'absent' | { readonly minCapacity: number; readonly maxCapacity: number }>>;
  /**
   * Runs once a created cluster's database is up, before the cluster reports `available`: stands in for the
   * application's own schema migrations (the demo creates its table here).
   */
  readonly onDatabaseCreated?: (cluster: { readonly identifier: string; readonly engine: Engine; readonly databaseName: string }, backing: BackingDatabase) => Promise<void>;
}

interface ParameterGroupState {
  readonly name: string;
  readonly family: string;
  readonly description: string;
  readonly arn: string;
  tags: Record<string, string>;
  parameters: Record<string, { value: string; applyMethod: 'immediate' | 'pending-reboot' }>;
  /** When the group was created or a static parameter of it last changed (twin clock). */
  staticChangedAtMs: number;
}

interface ClusterState {
  readonly identifier: string;
  readonly arn: string;
  readonly resourceId: string;
  readonly engine: Engine;
  readonly engineVersion: string;
  readonly databaseName: string;
  readonly requestedPort: number;
  port: number;
  parameterGroup: string;
  iamAuthEnabled: boolean;
  httpEndpointEnabled: boolean;
  readonly storageEncrypted: boolean;
  masterUserSecretArn: string | undefined;
  vpcSecurityGroupIds: string[];
  readonly publiclyAccessible: boolean | undefined;
  readonly dbSubnetGroup: string;
  /** The writer's private address (undefined when its subnet group has no subnet the twin knows). */
  privateAddress: string | undefined;
  /** The requester-managed interface RDS puts in the VPC, carrying the cluster's security groups. */
  readonly networkInterfaceId: string;
  readonly privateSubnetId: string | undefined;
  readonly serverlessV2: { minCapacity: number; maxCapacity: number } | undefined;
  tags: Record<string, string>;
  status: 'creating' | 'available' | 'failed' | 'rebooting';
  describes: number;
  readonly createdAtMs: number;
  pendingReboot: boolean;
  readonly adopted: boolean;
  backing: BackingDatabase | undefined;
  backingError: Error | undefined;
  ready: Promise<void>;
}

interface InstanceState {
  readonly identifier: string;
  readonly clusterIdentifier: string;
  readonly arn: string;
  readonly resourceId: string;
  publiclyAccessible: boolean;
  publicAddress: string | undefined;
  readonly tags: Record<string, string>;
  status: 'creating' | 'available' | 'rebooting';
  describes: number;
  readonly createdAtMs: number;
  /** While rebooting: resolves once the server is back; `rebootDescribes` counts the describes since. */
  restarted: Promise<void> | undefined;
  restartDone: boolean;
  rebootDescribes: number;
}

export interface RegisterClusterInput {
  readonly identifier: string;
  readonly engine: Engine;
  readonly engineVersion?: string;
  readonly databaseName?: string;
  readonly iamAuthEnabled?: boolean;
  readonly httpEndpointEnabled?: boolean;
  /**
   * Parameter group: a custom group (created with `parameters`) or `default.<family>` (the engine defaults,
   * which nobody can modify). Default: a custom group `<identifier>-params`.
   */
  readonly parameterGroup?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  /** The writer has not restarted since the group changed: static parameters still run with the old value. */
  readonly pendingReboot?: boolean;
  /** RDS-managed master secret (default true); without it the master credentials go to a plain secret. */
  readonly managedMasterSecret?: boolean;
  /** The customer managed KMS key of the managed master secret (`--master-user-secret-kms-key-id`); default the AWS managed key. */
  readonly masterUserSecretKmsKeyId?: string;
  readonly writerInstanceIdentifier?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly vpcSecurityGroupIds?: readonly string[];
  /** @default 'default' (the twin's one VPC) */
  readonly dbSubnetGroup?: string;
  /** Whether the writer has a public address. @default true */
  readonly publiclyAccessible?: boolean;
}

interface SubnetGroupState {
  readonly name: string;
  readonly description: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
}

export const DEFAULT_ENGINE_VERSIONS: Readonly<Record<Engine, string>> = { 'aurora-postgresql': '17.4', 'aurora-mysql': '8.0.mysql_aurora.3.08.0' };
const MASTER_USERNAME: Readonly<Record<Engine, string>> = { 'aurora-postgresql': 'postgres', 'aurora-mysql': 'admin' };
const ON = ['1', 'on', 'true'];

const clusterNotFound = (action: string, id: string) => new TwinAwsError('DBClusterNotFoundFault', action, id, `DBCluster ${id} not found.`);

export class RdsEmulator implements AuroraPort {
  private readonly groups = new Map<string, ParameterGroupState>();
  private readonly clusters = new Map<string, ClusterState>();
  private readonly instances = new Map<string, InstanceState>();
  private readonly snapshots: { identifier: string; clusterIdentifier: string; tags: Record<string, string> }[] = [];
  private readonly subnetGroups = new Map<string, SubnetGroupState>();
  /** Backings being stopped, so stop() can wait for them. */
  private readonly stopping = new Set<Promise<void>>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly clock: Clock,
    private readonly secrets: SecretsEmulator,
    private readonly network: RdsNetwork,
    private readonly options: RdsOptions = {},
  ) {}

  // AuroraPort -------------------------------------------------------------------------------------------

  async ensureClusterParameterGroup(input: Parameters<AuroraPort['ensureClusterParameterGroup']>[0]): Promise<{ readonly created: boolean; readonly tags: Readonly<Record<string, string>> }> {
    refuseInvalidIdentifier('rds:CreateDBClusterParameterGroup', 'DBClusterParameterGroupName', input.name, 255);
    const link = input.tags[LINK_TAG_KEY];
    if (link === undefined) throw new Error(`ensureClusterParameterGroup(${input.name}): tags must include ${LINK_TAG_KEY}`);
    let group = this.groups.get(input.name);
    const created = group === undefined;
    if (group === undefined) {
      group = {
        name: input.name,
        family: input.family,
        description: input.description,
        arn: `arn:aws:rds:${this.region}:${this.accountId}:cluster-pg:${input.name}`,
        tags: { ...input.tags },
        parameters: {},
        staticChangedAtMs: this.clock().getTime(),
      };
      this.groups.set(input.name, group);
    }
    // Never modify a group another link or a person owns (docs/architecture.md#security-and-reliability-rules), as the adapter.
    if (group.tags[LINK_TAG_KEY] !== link) {
      const found = group.tags[LINK_TAG_KEY] === undefined ? 'no such tag' : `${LINK_TAG_KEY}=${group.tags[LINK_TAG_KEY]}`;
      throw new ResourceConflictError(
        `cluster parameter group ${input.name} exists but is not link "${link}"'s (expected tag ${LINK_TAG_KEY}=${link}, found ${found}); ` +
          'delete or rename that group, or choose another link name',
      );
    }
    this.setParameters(group, input.parameters);
    return { created, tags: { ...group.tags } };
  }

  async describeClusterParameterGroupTags(name: string): Promise<Readonly<Record<string, string>> | undefined> {
    if (isDefaultGroup(name)) return {};
    const group = this.groups.get(name);
    return group === undefined ? undefined : { ...group.tags };
  }

  async describeClusterParameters(groupName: string): Promise<readonly ClusterParameter[]> {
    const group = this.groups.get(groupName);
    const family = group?.family ?? (isDefaultGroup(groupName) ? groupName.slice('default.'.length) : undefined);
    if (family === undefined) {
      throw new TwinAwsError('DBParameterGroupNotFoundFault', 'rds:DescribeDBClusterParameters', groupName, `DBClusterParameterGroup not found: ${groupName}`);
    }
    // The parameters the product knows about (a real group lists hundreds); value only where the group sets one.
    const known = clusterParameterSettings(engineOfFamily(family));
    const out: ClusterParameter[] = known.map((s) => ({
      name: s.ParameterName,
      ...(group?.parameters[s.ParameterName] !== undefined && { value: group.parameters[s.ParameterName]!.value }),
      applyType: s.applyType,
      isModifiable: true,
    }));
    for (const [name, p] of Object.entries(group?.parameters ?? {})) {
      if (!known.some((s) => s.ParameterName === name)) out.push({ name, value: p.value, isModifiable: true });
    }
    return out;
  }

  async describeCluster(identifier: string): Promise<ClusterDescription | undefined> {
    const cluster = this.clusters.get(identifier);
    if (cluster === undefined) return undefined;
    cluster.describes++;
    this.advance(cluster);
    return this.describe(cluster);
  }

  async createCluster(input: CreateClusterInput): Promise<ClusterDescription> {
    const existing = this.clusters.get(input.identifier);
    // Adopt on re-run, as the adapter does on DBClusterAlreadyExistsFault; the caller checks the tags.
    if (existing !== undefined) return this.describe(existing);
    refuseInvalidIdentifier('rds:CreateDBCluster', 'DBClusterIdentifier', input.identifier);
    await this.refuseUnsupportedCapacity(input);
    if (!this.groups.has(input.parameterGroup) && !isDefaultGroup(input.parameterGroup)) {
      throw new TwinAwsError('DBClusterParameterGroupNotFoundFault', 'rds:CreateDBCluster', input.identifier, `DBClusterParameterGroup ${input.parameterGroup} not found.`);
    }
    const dbSubnetGroup = this.mustSubnetGroup(input.dbSubnetGroup ?? DEFAULT_DB_SUBNET_GROUP, 'rds:CreateDBCluster', input.identifier).name;
    const cluster = await this.newCluster({
      identifier: input.identifier,
      engine: input.engine,
      engineVersion: input.engineVersion,
      databaseName: input.databaseName,
      requestedPort: input.port,
      parameterGroup: input.parameterGroup,
      iamAuthEnabled: true,
      httpEndpointEnabled: this.options.ignoreCreateHttpEndpoint !== true,
      managedSecret: true,
      vpcSecurityGroupIds: [...input.vpcSecurityGroupIds],
      publiclyAccessible: undefined,
      dbSubnetGroup,
      serverlessV2: { minCapacity: input.minCapacity, maxCapacity: input.maxCapacity },
      tags: { ...input.tags },
      adopted: false,
      pendingReboot: this.groupStillSettling(input.parameterGroup),
    });
    return this.describe(cluster);
  }

  /** RDS refuses a Serverless v2 range the engine version cannot do (auto-pause, above 128 ACU). */
  private async refuseUnsupportedCapacity(input: CreateClusterInput): Promise<void> {
    const offer = await this.describeEngineVersion(input.engine, input.engineVersion);
    if (!offer.offered) {
      throw new TwinAwsError('InvalidParameterCombination', 'rds:CreateDBCluster', input.identifier, `Cannot find version ${input.engineVersion} for ${input.engine}`);
    }
    const support = offer.serverlessV2;
    if (support === undefined) return;
    if (input.minCapacity < support.minCapacity) {
      throw new TwinAwsError(
        'InvalidParameterValue',
        'rds:CreateDBCluster',
        input.identifier,
        `Serverless v2 minimum capacity ${input.minCapacity.toFixed(1)} isn't valid. The minimum capacity must be at least ${support.minCapacity.toFixed(1)} for engine version ${input.engineVersion}.`,
      );
    }
    if (input.maxCapacity > support.maxCapacity) {
      throw new TwinAwsError(
        'InvalidParameterValue',
        'rds:CreateDBCluster',
        input.identifier,
        `Serverless v2 maximum capacity ${input.maxCapacity.toFixed(1)} isn't valid. The maximum capacity must be less than or equal to ${support.maxCapacity.toFixed(1)} for engine version ${input.engineVersion}.`,
      );
    }
  }

  async enableHttpEndpoint(clusterArn: string): Promise<void> {
    const cluster = [...this.clusters.values()].find((c) => c.arn === clusterArn);
    if (cluster === undefined) throw clusterNotFound('rds:EnableHttpEndpoint', clusterArn);
    this.advance(cluster);
    // Assumption (docs/reference/aws.md A1 advises enabling it once available): refused while the cluster is busy,
    // which the adapter maps (InvalidDBClusterStateFault) to the retried ResourceBusyError.
    if (cluster.status !== 'available') {
      throw new ResourceBusyError(`rds:EnableHttpEndpoint on ${clusterArn} failed: InvalidDBClusterStateFault: DB cluster ${cluster.identifier} is ${cluster.status}, not available (twin)`);
    }
    cluster.httpEndpointEnabled = true;
  }

  async describeInstance(identifier: string): Promise<InstanceDescription | undefined> {
    const instance = this.instances.get(identifier);
    if (instance === undefined) return undefined;
    instance.describes++;
    const cluster = this.clusters.get(instance.clusterIdentifier);
    if (instance.status === 'creating' && cluster?.status === 'available' && this.creatingOver(instance.describes, instance.createdAtMs)) {
      instance.status = 'available';
    }
    if (instance.status === 'rebooting') {
      instance.rebootDescribes++;
      if (instance.restartDone && instance.rebootDescribes > (this.options.rebootingDescribes ?? 1)) {
        instance.status = 'available';
        instance.restarted = undefined;
      }
    }
    return this.describeInstanceState(instance);
  }

  async rebootInstance(identifier: string): Promise<void> {
    const instance = this.instances.get(identifier);
    if (instance === undefined) throw new TwinAwsError('DBInstanceNotFound', 'rds:RebootDBInstance', identifier, `DBInstance ${identifier} not found.`);
    if (instance.status !== 'available') {
      // RDS answers InvalidDBInstanceState, which the adapter maps to the retried ResourceBusyError.
      throw new ResourceBusyError(`rds:RebootDBInstance on ${identifier} failed: InvalidDBInstanceState: DB instance is not in available state.`);
    }
    const cluster = this.clusters.get(instance.clusterIdentifier);
    if (cluster === undefined) throw clusterNotFound('rds:RebootDBInstance', instance.clusterIdentifier);
    instance.status = 'rebooting';
    instance.rebootDescribes = 0;
    instance.restartDone = false;
    // The call returns at once, as RDS's does; the server restarts behind it with the group's current settings.
    instance.restarted = this.restartWriter(cluster).finally(() => {
      instance.restartDone = true;
    });
  }

  async createWriterInstance(input: CreateInstanceInput): Promise<InstanceDescription> {
    const existing = this.instances.get(input.identifier);
    if (existing !== undefined) return this.describeInstanceState(existing);
    refuseInvalidIdentifier('rds:CreateDBInstance', 'DBInstanceIdentifier', input.identifier);
    if (!this.clusters.has(input.clusterIdentifier)) throw clusterNotFound('rds:CreateDBInstance', input.clusterIdentifier);
    const instance: InstanceState = {
      identifier: input.identifier,
      clusterIdentifier: input.clusterIdentifier,
      arn: `arn:aws:rds:${this.region}:${this.accountId}:db:${input.identifier}`,
      resourceId: instanceResourceId(),
      publiclyAccessible: input.publiclyAccessible,
      publicAddress: input.publiclyAccessible ? this.network.allocatePublicAddress() : undefined,
      tags: { ...input.tags },
      status: 'creating',
      describes: 0,
      createdAtMs: this.clock().getTime(),
      restarted: undefined,
      restartDone: false,
      rebootDescribes: 0,
    };
    this.instances.set(input.identifier, instance);
    return this.describeInstanceState(instance);
  }

  async deleteInstance(identifier: string): Promise<void> {
    // Gone at once (RDS takes minutes in `deleting`).
    const instance = this.instances.get(identifier);
    if (instance?.publicAddress !== undefined) this.network.releaseAddress(instance.publicAddress);
    this.instances.delete(identifier);
  }

  async deleteCluster(identifier: string, finalSnapshotIdentifier: string | undefined): Promise<void> {
    const cluster = this.clusters.get(identifier);
    if (cluster === undefined) return;
    if ([...this.instances.values()].some((i) => i.clusterIdentifier === identifier)) {
      // RDS: InvalidDBClusterStateFault, which the adapter maps to the retried ResourceBusyError.
      throw new ResourceBusyError(`rds:DeleteDBCluster on ${identifier} failed: InvalidDBClusterStateFault: Cluster cannot be deleted, it still contains DB instances in non-deleting state.`);
    }
    if (finalSnapshotIdentifier !== undefined) {
      refuseInvalidIdentifier('rds:DeleteDBCluster', 'FinalDBSnapshotIdentifier', finalSnapshotIdentifier, 255);
      // Recorded only: the twin keeps no data in a snapshot.
      this.snapshots.push({ identifier: finalSnapshotIdentifier, clusterIdentifier: identifier, tags: { ...cluster.tags } });
    }
    this.clusters.delete(identifier);
    if (cluster.privateAddress !== undefined) this.network.releaseAddress(cluster.privateAddress);
    const releaseMs = this.options.networkInterfaceReleaseMs ?? 0;
    if (releaseMs > 0 && cluster.vpcSecurityGroupIds.length > 0) {
      this.network.releaseInterfaceLater(
        { ...interfaceView(cluster), attachmentStatus: 'detaching' },
        cluster.vpcSecurityGroupIds,
        this.clock().getTime() + releaseMs,
      );
    }
    // RDS deletes the master secret it manages together with the cluster.
    if (cluster.masterUserSecretArn !== undefined) this.secrets.delete(cluster.masterUserSecretArn);
    await this.stopBacking(cluster);
  }

  async deleteClusterParameterGroup(name: string): Promise<void> {
    if (isDefaultGroup(name)) {
      throw new TwinAwsError('InvalidDBParameterGroupStateFault', 'rds:DeleteDBClusterParameterGroup', name, 'Default DBClusterParameterGroup cannot be deleted.');
    }
    if (!this.groups.has(name)) return;
    if ([...this.clusters.values()].some((c) => c.parameterGroup === name)) {
      // InvalidDBParameterGroupState → ResourceBusyError in the adapter.
      throw new ResourceBusyError(`rds:DeleteDBClusterParameterGroup on ${name} failed: InvalidDBParameterGroupStateFault: One or more database clusters are still members of this parameter group.`);
    }
    this.groups.delete(name);
  }

  async describeEngineVersion(engine: Engine, engineVersion: string): Promise<EngineVersionOffer> {
    const override = this.options.engineVersions?.[engineVersion];
    if (override === 'absent') return { offered: false };
    if (override !== undefined) return { offered: true, serverlessV2: { ...override } };
    const support = serverlessV2FeaturesSupport(engine, engineVersion);
    return support === undefined ? { offered: false } : { offered: true, serverlessV2: support };
  }

  async describeDbSubnetGroup(name: string): Promise<{ readonly name: string; readonly vpcId: string; readonly subnetIds: readonly string[] } | undefined> {
    const group = this.subnetGroups.get(name);
    return group === undefined ? undefined : { name, vpcId: group.vpcId, subnetIds: [...group.subnetIds] };
  }

  // Twin and operator API ------------------------------------------------------------------------------

  /** A pre-existing cluster (one a link adopts), already `available` with its writer, its settings as given. */
  async registerExistingCluster(input: RegisterClusterInput): Promise<ClusterDescription & { readonly masterSecretArn: string }> {
    if (this.clusters.has(input.identifier)) throw new TwinAwsError('DBClusterAlreadyExistsFault', 'rds:CreateDBCluster', input.identifier, 'DB Cluster already exists');
    const dbSubnetGroup = this.mustSubnetGroup(input.dbSubnetGroup ?? DEFAULT_DB_SUBNET_GROUP, 'rds:CreateDBCluster', input.identifier).name;
    const publiclyAccessible = input.publiclyAccessible ?? true;
    const engineVersion = input.engineVersion ?? DEFAULT_ENGINE_VERSIONS[input.engine];
    const family = familyOf(input.engine, engineVersion);
    const groupName = input.parameterGroup ?? `${input.identifier}-params`;
    if (isDefaultGroup(groupName)) {
      if (input.parameters !== undefined && Object.keys(input.parameters).length > 0) throw new Error(`${groupName} is an engine default group: it has no custom parameters`);
    } else if (!this.groups.has(groupName)) {
      this.groups.set(groupName, {
        name: groupName,
        family,
        description: `parameters of ${input.identifier}`,
        arn: `arn:aws:rds:${this.region}:${this.accountId}:cluster-pg:${groupName}`,
        tags: {},
        parameters: Object.fromEntries(Object.entries(input.parameters ?? {}).map(([k, v]) => [k, { value: v, applyMethod: 'pending-reboot' as const }])),
        staticChangedAtMs: this.clock().getTime(),
      });
    }
    const cluster = await this.newCluster({
      identifier: input.identifier,
      engine: input.engine,
      engineVersion,
      databaseName: input.databaseName ?? 'demo_db',
      requestedPort: input.engine === 'aurora-postgresql' ? 5432 : 3306,
      parameterGroup: groupName,
      iamAuthEnabled: input.iamAuthEnabled ?? true,
      httpEndpointEnabled: input.httpEndpointEnabled ?? true,
      managedSecret: input.managedMasterSecret ?? true,
      vpcSecurityGroupIds: [...(input.vpcSecurityGroupIds ?? [])],
      publiclyAccessible,
      dbSubnetGroup,
      serverlessV2: { minCapacity: 0.5, maxCapacity: 2 },
      tags: { ...(input.tags ?? {}) },
      adopted: true,
      pendingReboot: input.pendingReboot ?? false,
    });
    const writer = input.writerInstanceIdentifier ?? `${input.identifier}-instance-1`;
    this.instances.set(writer, {
      identifier: writer,
      clusterIdentifier: input.identifier,
      arn: `arn:aws:rds:${this.region}:${this.accountId}:db:${writer}`,
      resourceId: instanceResourceId(),
      publiclyAccessible,
      publicAddress: publiclyAccessible ? this.network.allocatePublicAddress() : undefined,
      tags: {},
      status: 'available',
      describes: 0,
      createdAtMs: this.clock().getTime(),
      restarted: undefined,
      restartDone: false,
      rebootDescribes: 0,
    });
    if (input.masterUserSecretKmsKeyId !== undefined && cluster.masterUserSecretArn !== undefined) this.secrets.find(cluster.masterUserSecretArn)!.kmsKeyId = input.masterUserSecretKmsKeyId;
    await this.waitUntilReady(input.identifier);
    cluster.status = 'available';
    const secretArn = cluster.masterUserSecretArn ?? this.secrets.find(`${input.identifier}-master-credentials`)!.arn;
    return { ...this.describe(cluster), masterSecretArn: secretArn };
  }

  /** Resolves once the cluster's database server is up (rejects if it failed to start). */
  async waitUntilReady(identifier: string): Promise<void> {
    const cluster = this.clusters.get(identifier);
    if (cluster === undefined) throw clusterNotFound('twin:waitUntilReady', identifier);
    await cluster.ready;
    if (cluster.backingError !== undefined) throw cluster.backingError;
  }

  /** ModifyDBClusterParameterGroup (operator): static changes leave every cluster using the group pending-reboot. */
  modifyClusterParameterGroup(name: string, parameters: Readonly<Record<string, string>>): void {
    const group = this.groups.get(name);
    if (group === undefined) throw new TwinAwsError('DBParameterGroupNotFoundFault', 'rds:ModifyDBClusterParameterGroup', name, `DBClusterParameterGroup not found: ${name}`);
    this.setParameters(group, Object.entries(parameters).map(([k, value]) => ({ name: k, value, applyMethod: 'pending-reboot' as const })));
  }

  /** RebootDBInstance of the writer (operator): the server restarts with the group's current settings. */
  async rebootWriter(identifier: string): Promise<void> {
    const cluster = this.clusters.get(identifier);
    if (cluster === undefined) throw clusterNotFound('rds:RebootDBInstance', identifier);
    await this.restartWriter(cluster);
  }

  private async restartWriter(cluster: ClusterState): Promise<void> {
    await this.waitUntilReady(cluster.identifier);
    cluster.status = 'rebooting';
    try {
      await cluster.backing!.restart(this.serverSettings(cluster.engine, cluster.parameterGroup, false));
      cluster.pendingReboot = false;
    } finally {
      cluster.status = 'available';
    }
  }

  /** Whether a cluster created now on this group would miss its static parameters (RdsOptions.parameterGroupSettleMs). */
  private groupStillSettling(groupName: string): boolean {
    const settle = this.options.parameterGroupSettleMs;
    const group = this.groups.get(groupName);
    return settle !== undefined && group !== undefined && this.clock().getTime() - group.staticChangedAtMs < settle;
  }

  /** ModifyDBCluster EnableIAMDatabaseAuthentication (operator). */
  setIamAuth(identifier: string, enabled: boolean): void {
    const cluster = this.clusters.get(identifier);
    if (cluster === undefined) throw clusterNotFound('rds:ModifyDBCluster', identifier);
    cluster.iamAuthEnabled = enabled;
  }

  /** DisableHttpEndpoint (operator). */
  disableHttpEndpoint(identifier: string): void {
    const cluster = this.clusters.get(identifier);
    if (cluster === undefined) throw clusterNotFound('rds:DisableHttpEndpoint', identifier);
    cluster.httpEndpointEnabled = false;
  }

  /** The cluster with this ARN and its backing database (undefined while it is not up). */
  byArn(arn: string): { readonly cluster: Readonly<ClusterState>; readonly backing: BackingDatabase | undefined } | undefined {
    const cluster = [...this.clusters.values()].find((c) => c.arn === arn);
    if (cluster === undefined) return undefined;
    this.advance(cluster);
    return { cluster, backing: cluster.backing };
  }

  /**
   * The cluster whose writer endpoint is host:port (what a client connects to). MySQL clusters share one server
   * and so one port: `database` then picks the cluster whose database it is.
   */
  byEndpoint(host: string, port: number, database?: string): { readonly cluster: Readonly<ClusterState>; readonly backing: BackingDatabase | undefined } | undefined {
    const local = ['localhost', '127.0.0.1', '::1'];
    const candidates = local.includes(host) ? [...this.clusters.values()].filter((c) => c.port === port) : [];
    const cluster = (candidates.length > 1 && database !== undefined ? candidates.find((c) => c.databaseName === database) : undefined) ?? candidates[0];
    if (cluster === undefined) return undefined;
    this.advance(cluster);
    return { cluster, backing: cluster.backing };
  }

  /** The writer's emulated addresses, its subnet and security groups; undefined for an unknown cluster. */
  addressesOf(identifier: string): ClusterAddresses | undefined {
    const cluster = this.clusters.get(identifier);
    if (cluster === undefined) return undefined;
    const writer = this.writerOf(identifier);
    return {
      identifier,
      port: cluster.port,
      vpcId: this.subnetGroups.get(cluster.dbSubnetGroup)?.vpcId,
      subnetId: cluster.privateSubnetId,
      privateAddress: cluster.privateAddress,
      publicAddress: writer?.publiclyAccessible === true ? writer.publicAddress : undefined,
      vpcSecurityGroupIds: [...cluster.vpcSecurityGroupIds],
    };
  }

  /** CreateDBSubnetGroup (operator): subnets of one VPC, in at least two availability zones as RDS requires. */
  createDbSubnetGroup(input: { readonly name: string; readonly subnetIds: readonly string[]; readonly description?: string }): void {
    const action = 'rds:CreateDBSubnetGroup';
    if (this.subnetGroups.has(input.name)) throw new TwinAwsError('DBSubnetGroupAlreadyExists', action, input.name, `The DB subnet group '${input.name}' already exists.`);
    const subnets = input.subnetIds.map((id) => {
      const subnet = this.network.subnet(id);
      if (subnet === undefined) throw new TwinAwsError('InvalidSubnet', action, input.name, `The subnet ${id} does not exist.`);
      return subnet;
    });
    const vpcs = new Set(subnets.map((sn) => sn.vpcId));
    if (vpcs.size !== 1) throw new TwinAwsError('InvalidSubnet', action, input.name, 'The subnets of a DB subnet group must belong to one VPC.');
    if (new Set(subnets.map((sn) => sn.availabilityZone)).size < 2) {
      throw new TwinAwsError('DBSubnetGroupDoesNotCoverEnoughAZs', action, input.name, "The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: 1. Add subnets to cover at least 2 AZs.");
    }
    this.subnetGroups.set(input.name, { name: input.name, description: input.description ?? input.name, vpcId: [...vpcs][0]!, subnetIds: [...input.subnetIds] });
  }

  /** ModifyDBCluster VpcSecurityGroupIds (operator): the groups now guarding the cluster. */
  setClusterSecurityGroups(identifier: string, groupIds: readonly string[]): void {
    const cluster = this.clusters.get(identifier);
    if (cluster === undefined) throw clusterNotFound('rds:ModifyDBCluster', identifier);
    cluster.vpcSecurityGroupIds = [...groupIds];
  }

  /** ModifyDBInstance PubliclyAccessible on the writer (operator): the public address comes and goes with it. */
  setWriterPubliclyAccessible(identifier: string, publiclyAccessible: boolean): void {
    const writer = this.writerOf(identifier);
    if (writer === undefined) throw new TwinAwsError('DBInstanceNotFound', 'rds:ModifyDBInstance', identifier, `cluster ${identifier} has no writer instance`);
    writer.publiclyAccessible = publiclyAccessible;
    if (publiclyAccessible && writer.publicAddress === undefined) writer.publicAddress = this.network.allocatePublicAddress();
    if (!publiclyAccessible && writer.publicAddress !== undefined) {
      this.network.releaseAddress(writer.publicAddress);
      writer.publicAddress = undefined;
    }
  }

  /** Parameter value set in the group of this cluster (undefined when unset: the engine default applies). */
  parameterValue(identifier: string, name: string): string | undefined {
    const cluster = this.clusters.get(identifier);
    if (cluster === undefined) return undefined;
    return this.groups.get(cluster.parameterGroup)?.parameters[name]?.value;
  }

  /** The interfaces of clusters that still exist and use this security group. */
  interfacesWithGroup(groupId: string): NetworkInterfaceView[] {
    return [...this.clusters.values()].filter((c) => c.vpcSecurityGroupIds.includes(groupId)).map((c) => interfaceView(c));
  }

  backings(): { identifier: string; backing: BackingDatabase }[] {
    return [...this.clusters.values()].flatMap((c) => (c.backing === undefined ? [] : [{ identifier: c.identifier, backing: c.backing }]));
  }

  async snapshot(): Promise<Record<string, unknown>> {
    const clusters: unknown[] = [];
    for (const c of [...this.clusters.values()].sort((a, b) => (a.identifier < b.identifier ? -1 : 1))) {
      this.advance(c);
      let database: unknown = null;
      if (c.backing !== undefined) database = await c.backing.inventory();
      const d = this.describe(c);
      const address = c.privateAddress === undefined ? {} : { privateAddress: c.privateAddress };
      clusters.push({ ...d, tags: sortedRecord(d.tags), adopted: c.adopted, pendingReboot: c.pendingReboot, ...address, database });
    }
    const instances = [...this.instances.values()]
      .sort((a, b) => (a.identifier < b.identifier ? -1 : 1))
      .map((i) => ({ ...this.describeInstanceState(i), tags: sortedRecord(i.tags), publiclyAccessible: i.publiclyAccessible, ...(i.publicAddress !== undefined && { publicAddress: i.publicAddress }) }));
    const dbSubnetGroups = [...this.subnetGroups.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((g) => copy(g));
    const parameterGroups = [...this.groups.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((g) => ({ name: g.name, family: g.family, description: g.description, tags: sortedRecord(g.tags), parameters: sortedRecord(g.parameters) }));
    const snapshots = [...this.snapshots].sort((a, b) => (a.identifier < b.identifier ? -1 : 1));
    return { parameterGroups, dbSubnetGroups, clusters, instances, clusterSnapshots: snapshots };
  }

  /** Stop every database server (waits for ones still starting). */
  async stopAll(): Promise<void> {
    const clusters = [...this.clusters.values()];
    this.clusters.clear();
    this.instances.clear();
    await Promise.allSettled(clusters.map((c) => this.stopBacking(c)));
    await Promise.allSettled([...this.stopping]);
  }

  // Internals -------------------------------------------------------------------------------------------

  private async newCluster(input: {
    identifier: string;
    engine: Engine;
    engineVersion: string;
    databaseName: string;
    requestedPort: number;
    parameterGroup: string;
    iamAuthEnabled: boolean;
    httpEndpointEnabled: boolean;
    managedSecret: boolean;
    vpcSecurityGroupIds: string[];
    publiclyAccessible: boolean | undefined;
    dbSubnetGroup: string;
    serverlessV2: { minCapacity: number; maxCapacity: number };
    tags: Record<string, string>;
    adopted: boolean;
    pendingReboot: boolean;
  }): Promise<ClusterState> {
    const arn = `arn:aws:rds:${this.region}:${this.accountId}:cluster:${input.identifier}`;
    // The master credentials are the real superuser of the backing server: a fresh password for a new
    // PostgreSQL server, the root login of the MariaDB (MYSQL_URL or the private one). The port is known now, so
    // the describe answer has it from the start, like RDS.
    const mysqlTarget = input.engine === 'aurora-mysql' ? mysqlServer(await mysqlUrl()) : undefined;
    const master = mysqlTarget?.master ?? { username: MASTER_USERNAME[input.engine], password: randomString(24, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') };
    const port = mysqlTarget?.port ?? (await freePort());
    // The writer's interface sits in the group's first subnet the twin knows.
    const privateSubnetId = this.subnetGroups.get(input.dbSubnetGroup)?.subnetIds.find((id) => this.network.subnet(id) !== undefined);
    const cluster: ClusterState = {
      identifier: input.identifier,
      arn,
      resourceId: clusterResourceId(),
      engine: input.engine,
      engineVersion: input.engineVersion,
      databaseName: input.databaseName,
      requestedPort: input.requestedPort,
      port,
      parameterGroup: input.parameterGroup,
      iamAuthEnabled: input.iamAuthEnabled,
      httpEndpointEnabled: input.httpEndpointEnabled,
      storageEncrypted: true,
      masterUserSecretArn: undefined,
      vpcSecurityGroupIds: input.vpcSecurityGroupIds,
      publiclyAccessible: input.publiclyAccessible,
      dbSubnetGroup: input.dbSubnetGroup,
      privateSubnetId,
      privateAddress: privateSubnetId === undefined ? undefined : this.network.allocatePrivateAddress(privateSubnetId),
      networkInterfaceId: this.network.newInterfaceId(),
      serverlessV2: input.serverlessV2,
      tags: input.tags,
      status: 'creating',
      describes: 0,
      createdAtMs: this.clock().getTime(),
      pendingReboot: input.pendingReboot,
      adopted: input.adopted,
      backing: undefined,
      backingError: undefined,
      ready: Promise.resolve(),
    };
    this.clusters.set(input.identifier, cluster);

    const settings = this.serverSettings(input.engine, input.parameterGroup, input.pendingReboot);
    cluster.ready = (async () => {
      try {
        const backing =
          input.engine === 'aurora-postgresql'
            ? await startPgBacking({ password: master.password, port, settings, databaseName: input.databaseName })
            : await startMysqlBacking({ databaseName: input.databaseName, iamAuthEnabled: () => cluster.iamAuthEnabled });
        if (this.clusters.get(input.identifier) !== cluster) {
          // Deleted (or the twin stopped) while starting: do not leave the server behind.
          await backing.stop();
          return;
        }
        if (!input.adopted) await this.options.onDatabaseCreated?.({ identifier: input.identifier, engine: input.engine, databaseName: input.databaseName }, backing);
        cluster.backing = backing;
        cluster.port = backing.port;
      } catch (e) {
        cluster.backingError = e instanceof Error ? e : new Error(String(e));
        cluster.status = 'failed';
      }
    })();

    const value = JSON.stringify({ username: master.username, password: master.password });
    const secret = input.managedSecret
      ? this.secrets.create({
          name: `rds!cluster-${uuid()}`,
          value,
          description: `Secret associated with primary RDS DB cluster: ${arn}`,
          tags: { 'aws:rds:primaryDBClusterArn': arn, 'aws:secretsmanager:owningService': 'rds' },
          owningService: 'rds',
        })
      : this.secrets.create({ name: `${input.identifier}-master-credentials`, value, description: `master credentials of ${input.identifier}` });
    if (input.managedSecret) cluster.masterUserSecretArn = secret.arn;
    return cluster;
  }

  /** Server settings from the cluster's parameter group; with a pending reboot, static parameters keep their defaults. */
  private serverSettings(engine: Engine, groupName: string, pendingReboot: boolean): ServerSettings {
    const set = this.groups.get(groupName)?.parameters ?? {};
    const staticNames = new Set(clusterParameterSettings(engine).filter((s) => s.applyType === 'static').map((s) => s.ParameterName));
    const value = (name: string): string | undefined => (pendingReboot && staticNames.has(name) ? undefined : set[name]?.value);
    const number = (name: string, fallback: number) => {
      const v = Number(value(name));
      return Number.isInteger(v) && v > 0 ? v : fallback;
    };
    const logical = ON.includes((value('rds.logical_replication') ?? '0').toLowerCase());
    return {
      walLevel: logical ? 'logical' : 'replica',
      maxReplicationSlots: number('max_replication_slots', 10),
      maxWalSenders: number('max_wal_senders', 10),
      customSettings: {
        'rds.logical_replication': logical ? '1' : '0',
        'rds.iam_auth_for_replication': ON.includes((value('rds.iam_auth_for_replication') ?? '0').toLowerCase()) ? '1' : '0',
      },
    };
  }

  private setParameters(group: ParameterGroupState, parameters: readonly ParameterSetting[]): void {
    const staticNames = new Set(clusterParameterSettings(engineOfFamily(group.family)).filter((s) => s.applyType === 'static').map((s) => s.ParameterName));
    let staticChanged = false;
    for (const p of parameters) {
      if (group.parameters[p.name]?.value === p.value) continue;
      group.parameters[p.name] = { value: p.value, applyMethod: p.applyMethod };
      if (staticNames.has(p.name) || p.applyMethod === 'pending-reboot') staticChanged = true;
    }
    if (!staticChanged) return;
    group.staticChangedAtMs = this.clock().getTime();
    for (const cluster of this.clusters.values()) if (cluster.parameterGroup === group.name) cluster.pendingReboot = true;
  }

  private advance(cluster: ClusterState): void {
    if (cluster.status === 'creating' && cluster.backing !== undefined && this.creatingOver(cluster.describes, cluster.createdAtMs)) cluster.status = 'available';
  }

  private creatingOver(describes: number, createdAtMs: number): boolean {
    const { creatingDescribes, creatingMs } = this.options;
    const byCount = creatingDescribes !== undefined ? describes > creatingDescribes : creatingMs === undefined && describes > 1;
    const byTime = creatingMs !== undefined && this.clock().getTime() - createdAtMs >= creatingMs;
    return byCount || byTime;
  }

  private describe(c: ClusterState): ClusterDescription {
    const members = [...this.instances.values()]
      .filter((i) => i.clusterIdentifier === c.identifier)
      .map((i, index) => ({ instanceIdentifier: i.identifier, isWriter: index === 0, parameterGroupStatus: c.pendingReboot ? 'pending-reboot' : 'in-sync' }));
    return copy({
      identifier: c.identifier,
      arn: c.arn,
      resourceId: c.resourceId,
      status: c.status,
      engine: c.engine,
      engineVersion: c.engineVersion,
      // The writer endpoint: the local server (RDS gives a DNS name once the cluster is available).
      endpoint: 'localhost',
      port: c.port,
      databaseName: c.databaseName,
      iamAuthEnabled: c.iamAuthEnabled,
      httpEndpointEnabled: c.httpEndpointEnabled,
      storageEncrypted: c.storageEncrypted,
      ...(c.masterUserSecretArn !== undefined && { masterUserSecretArn: c.masterUserSecretArn, masterUserSecretKmsKeyId: this.secrets.find(c.masterUserSecretArn)?.kmsKeyId ?? this.secrets.awsManagedKeyArn }),
      parameterGroup: c.parameterGroup,
      vpcSecurityGroupIds: c.vpcSecurityGroupIds,
      dbSubnetGroup: c.dbSubnetGroup,
      // DescribeDBClusters reports PubliclyAccessible only for Multi-AZ DB clusters; Aurora keeps it per instance.
      ...(c.serverlessV2 !== undefined && { serverlessV2: c.serverlessV2 }),
      members,
      tags: c.tags,
    });
  }

  /** The writer: the cluster's first instance (the one `members` reports as writer). */
  private writerOf(identifier: string): InstanceState | undefined {
    return [...this.instances.values()].find((i) => i.clusterIdentifier === identifier);
  }

  private mustSubnetGroup(name: string, action: string, resource: string): SubnetGroupState {
    const group = this.subnetGroups.get(name);
    if (group === undefined) throw new TwinAwsError('DBSubnetGroupNotFoundFault', action, resource, `DB subnet group '${name}' does not exist.`);
    return group;
  }

  private describeInstanceState(i: InstanceState): InstanceDescription {
    return {
      identifier: i.identifier,
      clusterIdentifier: i.clusterIdentifier,
      status: i.status,
      ...(i.publiclyAccessible !== undefined && { publiclyAccessible: i.publiclyAccessible }),
      tags: { ...i.tags },
    };
  }

  private async stopBacking(cluster: ClusterState): Promise<void> {
    const done = (async () => {
      await cluster.ready;
      const backing = cluster.backing;
      cluster.backing = undefined;
      await backing?.stop();
    })();
    this.stopping.add(done);
    try {
      await done;
    } finally {
      this.stopping.delete(done);
    }
  }
}

function interfaceView(cluster: ClusterState): NetworkInterfaceView {
  return { id: cluster.networkInterfaceId, description: 'RDSNetworkInterface', status: 'in-use', requesterId: 'amazon-rds', attachmentStatus: 'attached' };
}

function isDefaultGroup(name: string): boolean {
  return name.startsWith('default.');
}

function engineOfFamily(family: string): Engine {
  return family.startsWith('aurora-mysql') ? 'aurora-mysql' : 'aurora-postgresql';
}

function familyOf(engine: Engine, version: string): string {
  return engine === 'aurora-postgresql' ? `aurora-postgresql${version.split('.')[0]}` : 'aurora-mysql8.0';
}

/**
 * RDS's own refusal of a malformed identifier (cluster, instance, parameter group, snapshot), written here apart
 * from lambdas/core/name-rules.ts so the twin does not merely agree with the code it checks.
 */
function refuseInvalidIdentifier(action: string, parameter: string, value: string, maxLength = 63): void {
  const ok = value.length >= 1 && value.length <= maxLength && /^[A-Za-z][A-Za-z0-9-]*$/.test(value) && !value.endsWith('-') && !value.includes('--');
  if (!ok) {
    throw new TwinAwsError(
      'InvalidParameterValue',
      action,
      value,
      `The parameter ${parameter} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    );
  }
}

/**
 * RDS's ServerlessV2FeaturesSupport for the versions the twin offers (docs/reference/aws.md A12), kept apart from
 * lambdas/core/serverless-capacity.ts; undefined for a version RDS has no such release of.
 */
function serverlessV2FeaturesSupport(engine: Engine, version: string): { minCapacity: number; maxCapacity: number } | undefined {
  if (engine === 'aurora-postgresql') {
    const m = /^(1[3-7])\.(\d{1,2})$/.exec(version);
    if (!m) return undefined;
    const minor = Number(m[2]);
    const [pauseFrom, max256From] = ({ '13': [15, 13], '14': [12, 10], '15': [7, 5], '16': [3, 1], '17': [0, 0] } as Record<string, [number, number]>)[m[1]!]!;
    return { minCapacity: minor >= pauseFrom ? 0 : 0.5, maxCapacity: minor >= max256From ? 256 : 128 };
  }
  const m = /^8\.0\.mysql_aurora\.3\.(\d{2})\.(\d{1,2})$/.exec(version);
  if (!m) return undefined;
  const release = Number(m[1]);
  return { minCapacity: release >= 8 ? 0 : 0.5, maxCapacity: release >= 6 ? 256 : 128 };
}
