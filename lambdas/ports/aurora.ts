// What the steps need from RDS (control plane) and EC2, independent of the SDK. Implemented by
// adapters/aws (SDK v3) and by the offline twin (local/). Every method is idempotent where its name says
// "ensure"; describe methods return undefined for "not found"; delete methods tolerate "already gone".

export interface ParameterSetting {
  readonly name: string;
  readonly value: string;
  readonly applyMethod: 'immediate' | 'pending-reboot';
}

export interface ClusterParameter {
  readonly name: string;
  readonly value?: string;
  /** `static` parameters need a reboot to take effect. */
  readonly applyType?: 'static' | 'dynamic';
  readonly isModifiable?: boolean;
}

export interface ClusterMember {
  readonly instanceIdentifier: string;
  readonly isWriter: boolean;
  /** `in-sync` or `pending-reboot`. */
  readonly parameterGroupStatus?: string;
}

export interface ClusterDescription {
  readonly identifier: string;
  readonly arn: string;
  /** `DbClusterResourceId` (`cluster-…`), known as soon as CreateDBCluster returns. */
  readonly resourceId: string;
  /** e.g. `creating`, `available`, `modifying`, `deleting`. */
  readonly status: string;
  readonly engine: string;
  readonly engineVersion: string;
  /** Writer endpoint host; may be absent while creating. */
  readonly endpoint?: string;
  readonly port: number;
  readonly databaseName?: string;
  readonly iamAuthEnabled: boolean;
  readonly httpEndpointEnabled: boolean;
  readonly storageEncrypted: boolean;
  readonly masterUserSecretArn?: string;
  /** The KMS key of the managed master secret (`MasterUserSecret.KmsKeyId`): AWS's `aws/secretsmanager` key or a customer managed one. */
  readonly masterUserSecretKmsKeyId?: string;
  readonly parameterGroup: string;
  readonly vpcSecurityGroupIds: readonly string[];
  /** The DB subnet group (its subnets decide the routes back to a private Redpanda network). */
  readonly dbSubnetGroup?: string;
  readonly publiclyAccessible?: boolean;
  readonly serverlessV2?: { readonly minCapacity: number; readonly maxCapacity: number };
  readonly members: readonly ClusterMember[];
  readonly tags: Readonly<Record<string, string>>;
}

export interface InstanceDescription {
  readonly identifier: string;
  readonly clusterIdentifier: string;
  /** e.g. `creating`, `available`, `deleting`. */
  readonly status: string;
  /** Whether the instance has a public address (an Aurora setting of each instance, not of the cluster). */
  readonly publiclyAccessible?: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

export interface CreateClusterInput {
  readonly identifier: string;
  readonly engine: 'aurora-postgresql' | 'aurora-mysql';
  readonly engineVersion: string;
  readonly databaseName: string;
  readonly port: number;
  readonly parameterGroup: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly dbSubnetGroup?: string;
  readonly vpcSecurityGroupIds: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

export interface CreateInstanceInput {
  readonly identifier: string;
  readonly clusterIdentifier: string;
  readonly engine: 'aurora-postgresql' | 'aurora-mysql';
  readonly publiclyAccessible: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

export type EngineVersionOffer =
  | { readonly offered: false }
  | { readonly offered: true; readonly serverlessV2?: { readonly minCapacity: number; readonly maxCapacity: number } };

export interface AuroraPort {
  /** Create the cluster parameter group if missing and set the parameters (only on a group this link owns). */
  ensureClusterParameterGroup(input: {
    readonly name: string;
    readonly family: string;
    readonly description: string;
    readonly parameters: readonly ParameterSetting[];
    readonly tags: Readonly<Record<string, string>>;
  }): Promise<{ readonly created: boolean; readonly tags: Readonly<Record<string, string>> }>;
  describeClusterParameterGroupTags(name: string): Promise<Readonly<Record<string, string>> | undefined>;
  describeClusterParameters(groupName: string): Promise<readonly ClusterParameter[]>;
  describeCluster(identifier: string): Promise<ClusterDescription | undefined>;
  /** Creates with IAM auth, Data API, a managed master secret, encryption and Serverless v2 scaling. */
  createCluster(input: CreateClusterInput): Promise<ClusterDescription>;
  /** For clusters whose create call did not honour EnableHttpEndpoint (docs/reference/aws.md A1). */
  enableHttpEndpoint(clusterArn: string): Promise<void>;
  describeInstance(identifier: string): Promise<InstanceDescription | undefined>;
  createWriterInstance(input: CreateInstanceInput): Promise<InstanceDescription>;
  /** RebootDBInstance: the instance restarts with its cluster parameter group's static parameters applied. */
  rebootInstance(identifier: string): Promise<void>;
  deleteInstance(identifier: string): Promise<void>;
  deleteCluster(identifier: string, finalSnapshotIdentifier: string | undefined): Promise<void>;
  deleteClusterParameterGroup(name: string): Promise<void>;
  /**
   * What the region offers for an engine version (DescribeDBEngineVersions): `offered: false` when it has no such
   * version; `serverlessV2` its ServerlessV2FeaturesSupport, absent when RDS does not report it.
   */
  describeEngineVersion(engine: CreateClusterInput['engine'], engineVersion: string): Promise<EngineVersionOffer>;
  /** The VPC and subnets of a DB subnet group; undefined when there is none of that name. */
  describeDbSubnetGroup(name: string): Promise<{ readonly name: string; readonly vpcId: string; readonly subnetIds: readonly string[] } | undefined>;
}

export interface IngressRule {
  readonly cidr: string;
  readonly port: number;
  readonly description: string;
}

export interface NetworkPort {
  /** The security group this link creates in the configured VPC (tagged with the link). */
  ensureSecurityGroup(input: {
    readonly name: string;
    readonly vpcId: string;
    readonly description: string;
    readonly tags: Readonly<Record<string, string>>;
  }): Promise<{ readonly groupId: string; readonly created: boolean }>;
  describeSecurityGroup(groupId: string): Promise<
    { readonly groupId: string; readonly name: string; readonly ingress: readonly IngressRule[]; readonly tags: Readonly<Record<string, string>> } | undefined
  >;
  /** Adds the rules that are missing; existing identical rules are not an error. */
  authorizeIngress(groupId: string, rules: readonly IngressRule[]): Promise<{ readonly added: number }>;
  revokeIngress(groupId: string, rules: readonly IngressRule[]): Promise<void>;
  /**
   * Not deleted when EC2 refuses with DependencyViolation (its message kept): network interfaces, such as a
   * deleted cluster's that RDS releases minutes later, still use the group. Already gone counts as deleted.
   */
  deleteSecurityGroup(groupId: string): Promise<SecurityGroupDeletion>;
  /** The network interfaces that use the group (DescribeNetworkInterfaces, filter group-id). */
  describeNetworkInterfaces(groupId: string): Promise<readonly NetworkInterfaceView[]>;
  /** The VPC's IPv4 CIDR blocks; undefined when there is no such VPC. */
  describeVpc(vpcId: string): Promise<{ readonly vpcId: string; readonly cidrBlocks: readonly string[] } | undefined>;
  /** The route table each subnet uses (its own, or the VPC's main table), once per table. */
  describeRouteTables(vpcId: string, subnetIds: readonly string[]): Promise<readonly RouteTableView[]>;
  /** A VPC peering connection's status (`active`, `pending-acceptance`, `deleted`, ...); undefined when unknown. */
  describePeeringConnection(id: string): Promise<{ readonly id: string; readonly status: string } | undefined>;
  /** The attachment of a VPC to a Transit Gateway (`available`, `pending`, `deleted`, ...); undefined when none. */
  describeTransitGatewayAttachment(transitGatewayId: string, vpcId: string): Promise<{ readonly id: string; readonly state: string } | undefined>;
}

export type SecurityGroupDeletion = { readonly deleted: true } | { readonly deleted: false; readonly dependencyViolation: string };

export interface NetworkInterfaceView {
  readonly id: string;
  readonly description: string;
  /** `in-use`, `available`, `detaching`, … */
  readonly status: string;
  /** Who created it for its service (`amazon-rds` for a cluster's), when requester-managed. */
  readonly requesterId?: string;
  readonly attachmentStatus?: string;
}

export interface RouteView {
  readonly destination: string;
  readonly target: { readonly kind: 'peering' | 'transit-gateway' | 'local' | 'internet-gateway' | 'nat-gateway' | 'other'; readonly id: string };
  /** `active`, or `blackhole` when the target is gone. */
  readonly state: string;
}

export interface RouteTableView {
  readonly routeTableId: string;
  /** The subnets (of those asked) that use this table. */
  readonly subnetIds: readonly string[];
  readonly main: boolean;
  readonly routes: readonly RouteView[];
}
