// What each step's Lambda may do: the one place to read (and extend) the Lambdas' IAM. A step's role gets
// exactly the statements of its grants, plus what every function needs (its log group, X-Ray).
//
// Every grant is derived from the adapter calls its steps reach (lambdas/adapters/aws/*.ts). Resources are
// scoped to the `rpcn-aurora-` names the links use (lambdas/core/naming.ts) and, where AWS evaluates it, to
// the link tag `rpcn-aurora:link`. A resource containing `*` must carry `wildcardReason`: it is the cdk-nag
// acknowledgement (lib/nag.ts) and the explanation a reviewer reads. test/cdk/policy.test.ts fails on any
// mutating action on `*` that is not in DOCUMENTED_STAR_ACTIONS.
//
// To give a new step its access: add `StepName: [grant, grant, ...]` to STEP_ACCESS, reusing the grants
// below (teardown's and validate's are already here) or adding one.
import { linkBoundaryArn } from '../lambdas/core/iam.js';
import { LINK_TAG_KEY } from '../lambdas/core/naming.js';
import { redpandaAccountInUse, type DeploymentConfig } from './config.js';
import {
  CONNECTOR_USER_PATH,
  CONNECTOR_USER_PATTERN,
  DB_CONNECT_ROLE_PATTERN,
  HEALER_ROLE_NAME,
  INSPECTOR_ROLE_NAME,
  NAME_PREFIX,
  PARTITION,
  VERDICT_METRIC,
  lambdaRoleName,
  roleArn,
  stateMachineArn,
} from './names.js';

/** What grants are resolved against. Strings may be CDK tokens (table ARN, secret ARN, VPC id). */
export interface AccessContext {
  readonly config: DeploymentConfig;
  readonly account: string;
  readonly region: string;
  readonly tableArn: string;
  readonly credentialsSecretArn: string;
  /** The secret holding the API token the steps share (readers of the credentials only). */
  readonly tokenCacheSecretArn: string;
  /** VPC the links' security groups go into; undefined when `network.mode` is `none`. */
  readonly vpcId?: string;
  /** DB subnet group new clusters use; undefined when `network.mode` is `none` (RDS's `default`). */
  readonly dbSubnetGroup?: string;
}

export interface GrantStatement {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;
  /** Required when a resource contains `*`: why it cannot be narrower. */
  readonly wildcardReason?: string;
}

export interface Grant {
  readonly id: string;
  readonly statements: (ctx: AccessContext) => readonly GrantStatement[];
  /** Sts:AssumeRole of an access role in R: the access stack must trust this step's role. */
  readonly assumes?: 'inspector' | 'healer';
}

/** Actions allowed on `Resource: "*"` although they are not read-only, and why. */
export const DOCUMENTED_STAR_ACTIONS: Readonly<Record<string, string>> = {
  'xray:PutTraceSegments': 'X-Ray has no resource-level permissions; added by CDK for active tracing (Lambda and Step Functions).',
  'xray:PutTelemetryRecords': 'X-Ray has no resource-level permissions; added by CDK for active tracing (Lambda and Step Functions).',
  'xray:GetSamplingRules': 'X-Ray has no resource-level permissions; added by CDK for Step Functions tracing.',
  'xray:GetSamplingTargets': 'X-Ray has no resource-level permissions; added by CDK for Step Functions tracing.',
  'logs:CreateLogDelivery': 'Step Functions log delivery: the vended-logs APIs have no resource-level permissions (CDK grant).',
  'logs:GetLogDelivery': 'Step Functions log delivery: the vended-logs APIs have no resource-level permissions (CDK grant).',
  'logs:UpdateLogDelivery': 'Step Functions log delivery: the vended-logs APIs have no resource-level permissions (CDK grant).',
  'logs:DeleteLogDelivery': 'Step Functions log delivery: the vended-logs APIs have no resource-level permissions (CDK grant).',
  'logs:ListLogDeliveries': 'Step Functions log delivery: the vended-logs APIs have no resource-level permissions (CDK grant).',
  'logs:PutResourcePolicy': 'Step Functions log delivery: the vended-logs APIs have no resource-level permissions (CDK grant).',
  'cloudwatch:PutMetricData': 'CloudWatch metrics have no resource ARNs; limited by the cloudwatch:namespace condition to RpcnAurora.',
};

const arn = (ctx: AccessContext, service: string, resource: string, region = ctx.region, account = ctx.account): string =>
  `arn:${PARTITION}:${service}:${region}:${account}:${resource}`;
const rds = (ctx: AccessContext, resource: string): string => arn(ctx, 'rds', resource);
const ec2 = (ctx: AccessContext, resource: string): string => arn(ctx, 'ec2', resource);
const secret = (ctx: AccessContext, name: string): string => arn(ctx, 'secretsmanager', `secret:${name}`);
const iamRole = (ctx: AccessContext, pattern: string): string => `arn:${PARTITION}:iam::${ctx.account}:role/${pattern}`;
/** The connector users, path included: IAM matches a user's ARN with its path, so the grants also pin the path. */
const connectorUsers = (ctx: AccessContext): string => `arn:${PARTITION}:iam::${ctx.account}:user${CONNECTOR_USER_PATH}${CONNECTOR_USER_PATTERN}`;

/** Request carries the link tag (resources created by a link are born tagged). */
const requestTagged = { Null: { [`aws:RequestTag/${LINK_TAG_KEY}`]: 'false' } } as const;
/** Resource carries the link tag (only resources a link created are changed). */
const resourceTagged = { Null: { [`aws:ResourceTag/${LINK_TAG_KEY}`]: 'false' } } as const;

/**
 * The user or role carries (or is created with) the link boundary `rpcn-aurora-link-boundary`: whatever policy a
 * compromised step puts on it, it can never do more than the boundary allows (lambdas/core/iam.ts linkBoundaryPolicy).
 */
const bounded = (ctx: AccessContext) => ({ StringEquals: { 'iam:PermissionsBoundary': linkBoundaryArn({ dbAccountId: ctx.account }) } }) as const;

/** Ingress changes on security groups carrying the link tag (and the rule a new one creates). */
const taggedGroupIngress = (ctx: AccessContext, actions: readonly string[]): GrantStatement[] => [
  {
    actions,
    resources: [ec2(ctx, 'security-group/*')],
    conditions: resourceTagged,
    wildcardReason: 'security group ids are assigned by EC2; only groups carrying the link tag',
  },
  {
    actions: ['ec2:AuthorizeSecurityGroupIngress'],
    resources: [ec2(ctx, 'security-group-rule/*')],
    wildcardReason: 'the rule created by the call has no id before it; the group in the same request must carry the link tag',
  },
];
const OURS = `${NAME_PREFIX}*`;
const CONNECTOR_USERS = `connector users are ${CONNECTOR_USER_PATH}${CONNECTOR_USER_PATTERN}, the middle being the link name`;
const NAMED_OURS = `names start with ${NAME_PREFIX}; the rest is the link name, chosen per request`;

/** Clusters the links create plus the ones the configuration lets them adopt. */
function clusterArns(ctx: AccessContext): string[] {
  return [rds(ctx, `cluster:${OURS}`), ...ctx.config.adoptableClusters.map((c) => rds(ctx, `cluster:${c}`))];
}

/** The DB subnet groups new clusters may be created in (RDS evaluates `default` when none is given). */
function subnetGroupArns(ctx: AccessContext): string[] {
  return [rds(ctx, `subgrp:${ctx.dbSubnetGroup ?? 'default'}`)];
}

function assumeInRedpandaAccount(ctx: AccessContext, roleName: string): GrantStatement[] {
  const r = redpandaAccountInUse(ctx.config);
  return r === undefined ? [] : [{ actions: ['sts:AssumeRole'], resources: [roleArn(r, roleName)] }];
}

/**
 * kms:Decrypt for an adopted cluster's master secret encrypted with a customer managed key (docs/reference/aws.md
 * A10): Secrets Manager decrypts with the Data API caller's permission. Only through Secrets Manager in this region
 * (`kms:ViaService`) and only for the RDS master secrets (Secrets Manager's `SecretARN` encryption context), on
 * keys of this account and region; a key elsewhere is refused before anything is created (cluster-checks.ts).
 * Exported for the offline twin, which evaluates it when a step reads such a secret.
 */
export function managedSecretDecrypt(account: string, region: string): GrantStatement {
  return {
    actions: ['kms:Decrypt'],
    resources: [`arn:${PARTITION}:kms:${region}:${account}:key/*`],
    conditions: {
      StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` },
      StringLike: { 'kms:EncryptionContext:SecretARN': `arn:${PARTITION}:secretsmanager:${region}:${account}:secret:rds!cluster-*` },
    },
    wildcardReason: "an adopted cluster's master secret may use any customer managed key of the account; only through Secrets Manager, only for RDS master secrets",
  };
}

function grant(id: string, statements: Grant['statements'], assumes?: Grant['assumes']): Grant {
  return assumes ? { id, statements, assumes } : { id, statements };
}

export const GRANTS = {
  // ---- registry (DynamoDB table, key `name`): lambdas/adapters/aws/registry.ts
  registryRead: grant('registry.read', (ctx) => [{ actions: ['dynamodb:GetItem'], resources: [ctx.tableArn] }]),
  registryCreate: grant('registry.create', (ctx) => [{ actions: ['dynamodb:PutItem'], resources: [ctx.tableArn] }]),
  registryUpdate: grant('registry.update', (ctx) => [{ actions: ['dynamodb:UpdateItem'], resources: [ctx.tableArn] }]),
  registryList: grant('registry.list', (ctx) => [{ actions: ['dynamodb:Scan'], resources: [ctx.tableArn] }]),
  // The link lock (lambdas/handlers/shared/lock.ts): whether the execution holding it still runs.
  lockHolderDescribe: grant('lock.describeHolder', (ctx) => [
    {
      actions: ['states:DescribeExecution'],
      resources: ['Provision', 'Teardown', 'Rotate'].map((w) => stateMachineArn(ctx.config, w).replace(':stateMachine:', ':execution:') + ':*'),
      wildcardReason: 'read-only: the executions of our own Provision, Teardown and Rotate state machines, whose names are not known in advance',
    },
  ]),

  // ---- Redpanda Cloud client credentials (operator-set secret): adapters/aws/secrets.ts getRedpandaCredentials;
  // and the API token minted with them, shared by the same steps: adapters/aws/secrets.ts SecretsManagerTokenStore
  redpandaCredentials: grant('redpanda.credentials', (ctx) => [
    { actions: ['secretsmanager:GetSecretValue'], resources: [ctx.credentialsSecretArn] },
    { actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], resources: [ctx.tokenCacheSecretArn] },
  ]),

  // ---- Aurora, read side: adapters/aws/rds.ts describe*
  auroraDescribeCluster: grant('aurora.describeCluster', (ctx) => [
    { actions: ['rds:DescribeDBClusters'], resources: clusterArns(ctx), wildcardReason: `cluster ${NAMED_OURS}; adoptable clusters come from the configuration` },
  ]),
  auroraDescribeWriter: grant('aurora.describeWriter', (ctx) => [
    { actions: ['rds:DescribeDBInstances'], resources: [rds(ctx, `db:${OURS}`)], wildcardReason: `writer instance ${NAMED_OURS}` },
  ]),
  auroraReadParameters: grant('aurora.readParameters', (ctx) => [
    {
      actions: ['rds:DescribeDBClusterParameters'],
      resources: [rds(ctx, 'cluster-pg:*')],
      wildcardReason: "read-only: an adopted cluster's parameter group may have any name (often default.*), known only from DescribeDBClusters",
    },
  ]),
  auroraReadOwnParameterGroup: grant('aurora.readOwnParameterGroup', (ctx) => [
    {
      actions: ['rds:DescribeDBClusterParameterGroups', 'rds:ListTagsForResource'],
      resources: [rds(ctx, `cluster-pg:${OURS}`)],
      wildcardReason: `parameter group ${NAMED_OURS}`,
    },
  ]),

  // ---- Aurora, create side: adapters/aws/rds.ts ensureClusterParameterGroup, createCluster, createWriterInstance
  auroraCreateParameterGroup: grant('aurora.createParameterGroup', (ctx) => [
    {
      actions: ['rds:CreateDBClusterParameterGroup', 'rds:AddTagsToResource'],
      resources: [rds(ctx, `cluster-pg:${OURS}`)],
      conditions: requestTagged,
      wildcardReason: `parameter group ${NAMED_OURS}; created only with the link tag`,
    },
    {
      actions: ['rds:ModifyDBClusterParameterGroup'],
      resources: [rds(ctx, `cluster-pg:${OURS}`)],
      conditions: resourceTagged,
      wildcardReason: `parameter group ${NAMED_OURS}; only groups carrying the link tag`,
    },
  ]),
  auroraCreateCluster: grant('aurora.createCluster', (ctx) => [
    {
      // CreateDBCluster also authorizes the parameter group, option group and subnet group it names.
      actions: ['rds:CreateDBCluster'],
      resources: [rds(ctx, `cluster:${OURS}`), rds(ctx, `cluster-pg:${OURS}`), rds(ctx, 'og:default:*'), ...subnetGroupArns(ctx)],
      conditions: { ...requestTagged, Bool: { 'rds:ManageMasterUserPassword': 'true' } },
      wildcardReason: `cluster and parameter group ${NAMED_OURS}; the engine's default option group (default:<engine>-<version>); created only with the link tag and an RDS-managed master password`,
    },
    {
      actions: ['rds:CreateDBInstance'],
      resources: [rds(ctx, `db:${OURS}`), rds(ctx, `cluster:${OURS}`), rds(ctx, 'og:default:*'), rds(ctx, 'pg:default.*'), ...subnetGroupArns(ctx)],
      conditions: requestTagged,
      wildcardReason: `writer and cluster ${NAMED_OURS}; the engine's default option and DB parameter groups; created only with the link tag`,
    },
    {
      actions: ['rds:AddTagsToResource'],
      resources: [rds(ctx, `cluster:${OURS}`), rds(ctx, `db:${OURS}`)],
      conditions: requestTagged,
      wildcardReason: `tags given at creation of a cluster or writer ${NAMED_OURS}`,
    },
    {
      // ManageMasterUserPassword: the caller of CreateDBCluster needs CreateSecret and TagResource for the secret
      // RDS creates (named rds!cluster-<uuid>) and kms:DescribeKey on aws/secretsmanager (Aurora user guide,
      // "Permissions required for Secrets Manager integration"). No kms:Decrypt/GenerateDataKey/CreateGrant: no
      // customer managed key is used (the AWS managed keys aws/secretsmanager and aws/rds grant themselves).
      actions: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
      resources: [secret(ctx, 'rds!cluster-*')],
      wildcardReason: 'the RDS-managed master secret is named rds!cluster-<uuid>, the uuid chosen by RDS at creation',
    },
    {
      actions: ['kms:DescribeKey'],
      resources: [arn(ctx, 'kms', 'key/*')],
      wildcardReason: "read-only: RDS describes the AWS managed key aws/secretsmanager with the caller's permission; its key id differs per account",
    },
    {
      // First RDS resource of the account creates AWSServiceRoleForRDS.
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [`arn:${PARTITION}:iam::${ctx.account}:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS`],
      conditions: { StringEquals: { 'iam:AWSServiceName': 'rds.amazonaws.com' } },
    },
  ]),
  auroraEnableDataApi: grant('aurora.enableDataApi', (ctx) => [
    {
      actions: ['rds:EnableHttpEndpoint'],
      resources: [rds(ctx, `cluster:${OURS}`)],
      conditions: resourceTagged,
      wildcardReason: `cluster ${NAMED_OURS}; only clusters carrying the link tag`,
    },
  ]),
  /** CheckAurora: a writer the link created that has not applied its new parameter group (docs/reference/aws.md A2). */
  auroraRebootWriter: grant('aurora.rebootWriter', (ctx) => [
    {
      actions: ['rds:RebootDBInstance'],
      resources: [rds(ctx, `db:${OURS}`)],
      conditions: resourceTagged,
      wildcardReason: `writer instance ${NAMED_OURS}; only instances carrying the link tag (never an adopted cluster's writer)`,
    },
  ]),
  /**
   * Teardown (handlers/delete-aurora.ts): the writer, the cluster with its final snapshot
   * `<cluster>-final-<timestamp>`, and the parameter group, each only when it carries the link tag.
   */
  auroraDelete: grant('aurora.delete', (ctx) => [
    {
      actions: ['rds:DeleteDBInstance', 'rds:DeleteDBCluster', 'rds:DeleteDBClusterParameterGroup'],
      resources: [rds(ctx, `db:${OURS}`), rds(ctx, `cluster:${OURS}`), rds(ctx, `cluster-pg:${OURS}`)],
      conditions: resourceTagged,
      wildcardReason: `resources ${NAMED_OURS}; only those carrying the link tag`,
    },
    {
      // DeleteDBCluster also authorizes the final snapshot it takes (CopyTagsToSnapshot copies the link tag).
      actions: ['rds:DeleteDBCluster', 'rds:AddTagsToResource'],
      resources: [rds(ctx, `cluster-snapshot:${OURS}-final-*`)],
      wildcardReason: `final snapshot <cluster>-final-<timestamp> of a cluster ${NAMED_OURS}`,
    },
  ]),

  // ---- the link's security group: adapters/aws/ec2.ts
  networkReadSecurityGroups: grant('network.readSecurityGroups', () => [
    { actions: ['ec2:DescribeSecurityGroups'], resources: ['*'], wildcardReason: 'read-only: ec2:DescribeSecurityGroups has no resource-level permissions' },
  ]),
  networkEnsureSecurityGroup: grant('network.ensureSecurityGroup', (ctx) =>
    ctx.vpcId === undefined
      ? []
      : [
          { actions: ['ec2:DescribeSecurityGroups'], resources: ['*'], wildcardReason: 'read-only: ec2:DescribeSecurityGroups has no resource-level permissions' },
          { actions: ['ec2:CreateSecurityGroup'], resources: [ec2(ctx, `vpc/${ctx.vpcId}`)] },
          {
            actions: ['ec2:CreateSecurityGroup'],
            resources: [ec2(ctx, 'security-group/*')],
            conditions: requestTagged,
            wildcardReason: 'EC2 assigns the group id at creation; only groups created with the link tag',
          },
          {
            actions: ['ec2:CreateTags'],
            resources: [ec2(ctx, 'security-group/*')],
            conditions: { StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup' } },
            wildcardReason: 'tags given in CreateSecurityGroup only (ec2:CreateAction); the id is assigned at creation',
          },
          ...taggedGroupIngress(ctx, ['ec2:AuthorizeSecurityGroupIngress']),
        ],
  ),
  /** Validate's heal: the group's ingress follows the cluster's egress addresses (a NAT gateway replaced). */
  networkUpdateIngress: grant('network.updateIngress', (ctx) => taggedGroupIngress(ctx, ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'])),
  /** Whether an (adopted) cluster's writer has a public address: PubliclyAccessible is an instance setting in Aurora. */
  auroraDescribeAnyInstance: grant('aurora.describeAnyInstance', (ctx) => [
    {
      actions: ['rds:DescribeDBInstances'],
      resources: [rds(ctx, 'db:*')],
      wildcardReason: 'read-only: the writer of an adopted cluster is named by its owner, not by us',
    },
  ]),
  /** The region's engine versions and their Serverless v2 capacity (ServerlessV2FeaturesSupport), checked before a cluster is created. */
  auroraDescribeEngineVersions: grant('aurora.describeEngineVersions', () => [
    {
      actions: ['rds:DescribeDBEngineVersions'],
      resources: ['*'],
      wildcardReason: 'read-only: rds:DescribeDBEngineVersions has no resource-level permissions',
    },
  ]),
  /** The database's VPC, its subnets' routes and what they point at: the network checks of a private link. */
  networkDescribeRoutes: grant('network.describeRoutes', (ctx) => [
    {
      actions: ['ec2:DescribeVpcs', 'ec2:DescribeRouteTables', 'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeTransitGatewayVpcAttachments'],
      resources: ['*'],
      wildcardReason: 'read-only: the EC2 Describe* actions have no resource-level permissions',
    },
    {
      actions: ['rds:DescribeDBSubnetGroups'],
      resources: [rds(ctx, 'subgrp:*')],
      wildcardReason: 'read-only: the subnet group of an adopted cluster is named by its owner, not by us',
    },
  ]),
  /** Teardown: what still uses a security group that cannot be deleted yet (a deleted cluster's interfaces). */
  networkDescribeInterfaces: grant('network.describeInterfaces', () => [
    {
      actions: ['ec2:DescribeNetworkInterfaces'],
      resources: ['*'],
      wildcardReason: 'read-only: ec2:DescribeNetworkInterfaces has no resource-level permissions',
    },
  ]),
  /** Teardown: revoke the NAT ingress and delete the group a link created. */
  networkDeleteSecurityGroup: grant('network.deleteSecurityGroup', (ctx) => [
    {
      actions: ['ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'],
      resources: [ec2(ctx, 'security-group/*')],
      conditions: resourceTagged,
      wildcardReason: 'security group ids are assigned by EC2; only groups carrying the link tag',
    },
  ]),

  // ---- RDS Data API as the cluster's master user: adapters/aws/rds-data.ts
  dataApi: grant('dataApi', (ctx) => [
    {
      actions: ['rds-data:ExecuteStatement'],
      resources: clusterArns(ctx),
      wildcardReason: `cluster ${NAMED_OURS}; adoptable clusters come from the configuration`,
    },
    {
      // The Data API reads the secret with the caller's permission. RDS tags its managed master secrets with the
      // owning cluster's ARN, so only the master secrets of our (and adoptable) clusters are readable.
      actions: ['secretsmanager:GetSecretValue'],
      resources: [secret(ctx, 'rds!cluster-*')],
      conditions: { StringLike: { 'secretsmanager:ResourceTag/aws:rds:primaryDBClusterArn': clusterArns(ctx) } },
      wildcardReason: 'the RDS-managed master secret is named rds!cluster-<uuid>; limited by its aws:rds:primaryDBClusterArn tag to our clusters',
    },
    managedSecretDecrypt(ctx.account, ctx.region),
  ]),

  // ---- the db-connect role in D: adapters/aws/iam.ts
  dbConnectRoleRead: grant('iam.readDbConnectRole', (ctx) => [
    {
      actions: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies'],
      resources: [iamRole(ctx, DB_CONNECT_ROLE_PATTERN)],
      wildcardReason: `db-connect roles are ${DB_CONNECT_ROLE_PATTERN}, the middle being the link name`,
    },
  ]),
  dbConnectRoleWrite: grant('iam.writeDbConnectRole', (ctx) => [
    {
      actions: ['iam:CreateRole'],
      resources: [iamRole(ctx, DB_CONNECT_ROLE_PATTERN)],
      conditions: { ...requestTagged, ...bounded(ctx) },
      wildcardReason: `db-connect roles are ${DB_CONNECT_ROLE_PATTERN}; created only with the link tag and the link boundary`,
    },
    {
      actions: ['iam:TagRole'],
      resources: [iamRole(ctx, DB_CONNECT_ROLE_PATTERN)],
      conditions: requestTagged,
      wildcardReason: `db-connect roles are ${DB_CONNECT_ROLE_PATTERN}; tagged only with the link tag`,
    },
    {
      actions: ['iam:UpdateAssumeRolePolicy'],
      resources: [iamRole(ctx, DB_CONNECT_ROLE_PATTERN)],
      conditions: resourceTagged,
      wildcardReason: `db-connect roles are ${DB_CONNECT_ROLE_PATTERN}; only roles carrying the link tag`,
    },
    {
      actions: ['iam:PutRolePolicy'],
      resources: [iamRole(ctx, DB_CONNECT_ROLE_PATTERN)],
      conditions: { ...resourceTagged, ...bounded(ctx) },
      wildcardReason: `db-connect roles are ${DB_CONNECT_ROLE_PATTERN}; only roles carrying the link tag and the link boundary`,
    },
  ]),
  /** Teardown: empty and delete the db-connect role a link created. */
  dbConnectRoleDelete: grant('iam.deleteDbConnectRole', (ctx) => [
    {
      actions: ['iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'],
      resources: [iamRole(ctx, DB_CONNECT_ROLE_PATTERN)],
      wildcardReason: `db-connect roles are ${DB_CONNECT_ROLE_PATTERN}`,
    },
    {
      actions: ['iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRole'],
      resources: [iamRole(ctx, DB_CONNECT_ROLE_PATTERN)],
      conditions: resourceTagged,
      wildcardReason: `db-connect roles are ${DB_CONNECT_ROLE_PATTERN}; only roles carrying the link tag`,
    },
  ]),

  // ---- the connector user of an `access-key` link in D, and its access keys: adapters/aws/iam.ts
  /** getUser: the user, its inline and attached policies, its keys. */
  connectorUserRead: grant('iam.readConnectorUser', (ctx) => [
    {
      actions: ['iam:GetUser', 'iam:ListUserPolicies', 'iam:GetUserPolicy', 'iam:ListAttachedUserPolicies', 'iam:ListAccessKeys'],
      resources: [connectorUsers(ctx)],
      wildcardReason: CONNECTOR_USERS,
    },
  ]),
  /** createUser, tagUser, putUserPermissionsBoundary, putUserPolicy: never without the link boundary. */
  connectorUserWrite: grant('iam.writeConnectorUser', (ctx) => [
    {
      actions: ['iam:CreateUser'],
      resources: [connectorUsers(ctx)],
      conditions: { ...requestTagged, ...bounded(ctx) },
      wildcardReason: `${CONNECTOR_USERS}; created only with the link tag and the link boundary`,
    },
    {
      // CreateUser with tags authorizes TagUser too; HealLink puts back a lost link tag.
      actions: ['iam:TagUser'],
      resources: [connectorUsers(ctx)],
      conditions: requestTagged,
      wildcardReason: `${CONNECTOR_USERS}; tagged only with the link tag`,
    },
    {
      // For PutUserPermissionsBoundary the key is the boundary being set; for PutUserPolicy the one in place.
      actions: ['iam:PutUserPermissionsBoundary', 'iam:PutUserPolicy'],
      resources: [connectorUsers(ctx)],
      conditions: { ...resourceTagged, ...bounded(ctx) },
      wildcardReason: `${CONNECTOR_USERS}; only users carrying the link tag, and only with the link boundary`,
    },
  ]),
  /** createAccessKey (Provision's first key, a rotation's new one). */
  accessKeyCreate: grant('iam.createAccessKey', (ctx) => [
    {
      actions: ['iam:CreateAccessKey'],
      resources: [connectorUsers(ctx)],
      conditions: resourceTagged,
      wildcardReason: `${CONNECTOR_USERS}; only users carrying the link tag`,
    },
  ]),
  /** deleteAccessKey (a superseded, unproven or leftover key of the link). */
  accessKeyDelete: grant('iam.deleteAccessKey', (ctx) => [
    {
      actions: ['iam:DeleteAccessKey'],
      resources: [connectorUsers(ctx)],
      conditions: resourceTagged,
      wildcardReason: `${CONNECTOR_USERS}; only users carrying the link tag`,
    },
  ]),
  /** Teardown (deleteUser): keys, inline and attached policies, then the user. */
  connectorUserDelete: grant('iam.deleteConnectorUser', (ctx) => [
    {
      actions: ['iam:ListAccessKeys', 'iam:ListUserPolicies', 'iam:ListAttachedUserPolicies'],
      resources: [connectorUsers(ctx)],
      wildcardReason: CONNECTOR_USERS,
    },
    {
      actions: ['iam:DeleteAccessKey', 'iam:DeleteUserPolicy', 'iam:DetachUserPolicy', 'iam:DeleteUser'],
      resources: [connectorUsers(ctx)],
      conditions: resourceTagged,
      wildcardReason: `${CONNECTOR_USERS}; only users carrying the link tag`,
    },
  ]),

  // ---- the pipeline role in R, through the RpcnAurora-RedpandaAccess roles: adapters/aws/pipeline-role-access.ts
  // No statement when the deployment needs nothing in R (no access stack to assume a role of).
  pipelineRoleInspect: grant('pipelineRole.inspect', (ctx) => assumeInRedpandaAccount(ctx, INSPECTOR_ROLE_NAME), 'inspector'),
  pipelineRoleHeal: grant('pipelineRole.heal', (ctx) => assumeInRedpandaAccount(ctx, HEALER_ROLE_NAME), 'healer'),

  // ---- the chain evaluated as IAM would: adapters/aws/chain-simulator.ts
  iamSimulate: grant('iam.simulate', () => [
    {
      actions: ['iam:SimulateCustomPolicy'],
      resources: ['*'],
      wildcardReason: 'read-only: iam:SimulateCustomPolicy has no resource-level permissions; it evaluates only the documents passed in the call',
    },
  ]),

  // ---- per-link secrets `rpcn-aurora-<link>/...` (the SASL password): adapters/aws/secrets.ts
  linkSecretsEnsure: grant('linkSecrets.ensure', (ctx) => [
    { actions: ['secretsmanager:GetSecretValue'], resources: [secret(ctx, OURS)], wildcardReason: `link secrets ${NAMED_OURS}` },
    {
      actions: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
      resources: [secret(ctx, OURS)],
      conditions: requestTagged,
      wildcardReason: `link secrets ${NAMED_OURS}; created only with the link tag`,
    },
  ]),
  linkSecretsRead: grant('linkSecrets.read', (ctx) => [
    { actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [secret(ctx, OURS)], wildcardReason: `link secrets ${NAMED_OURS}` },
  ]),
  /** Teardown: force-delete the link's secrets. */
  linkSecretsDelete: grant('linkSecrets.delete', (ctx) => [
    {
      actions: ['secretsmanager:DeleteSecret'],
      resources: [secret(ctx, OURS)],
      conditions: resourceTagged,
      wildcardReason: `link secrets ${NAMED_OURS}; only secrets carrying the link tag`,
    },
  ]),

  // ---- Validate: the drift metric the alarm watches (lib/names.ts VERDICT_METRIC)
  verdictMetric: grant('metrics.verdict', () => [
    {
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': VERDICT_METRIC.namespace } },
      wildcardReason: `CloudWatch metrics have no resource ARNs; limited to the ${VERDICT_METRIC.namespace} namespace`,
    },
  ]),
} as const satisfies Record<string, Grant>;

/** StartExecution of one of our state machines (e.g. Validate fanning out one execution per link). */
export function startWorkflow(workflow: string): Grant {
  return grant(`workflow.start.${workflow}`, (ctx) => [{ actions: ['states:StartExecution'], resources: [stateMachineArn(ctx.config, workflow)] }]);
}

export interface StepAccess {
  readonly grants: readonly Grant[];
  /** @default 60 seconds */
  readonly timeoutSeconds?: number;
  /** Environment beyond what every step gets (lib/stacks/db-stack.ts). */
  readonly environment?: (ctx: AccessContext) => Readonly<Record<string, string>>;
}

const G = GRANTS;

/** Step name (the ASL placeholder `${<Step>FunctionArn}`) → its access. */
export const STEP_ACCESS = {
  // A private link's network is resolved here (the database's VPC, the Redpanda network) before anything is created.
  ValidateRequest: {
    grants: [G.redpandaCredentials, G.registryRead, G.registryCreate, G.registryUpdate, G.lockHolderDescribe, G.auroraDescribeCluster, G.auroraDescribeAnyInstance, G.networkDescribeRoutes, G.auroraDescribeEngineVersions],
  },
  EnsureAurora: {
    grants: [
      G.auroraReadOwnParameterGroup,
      G.auroraCreateParameterGroup,
      G.auroraDescribeCluster,
      G.auroraReadParameters,
      G.auroraDescribeWriter,
      G.auroraCreateCluster,
      G.networkEnsureSecurityGroup,
      G.registryUpdate,
    ],
    // Steps inside Provision's Parallel must end before its rollback grace (LetInFlightStepsFinish, 90 s).
    timeoutSeconds: 80,
  },
  CheckAurora: { grants: [G.auroraDescribeCluster, G.auroraDescribeWriter, G.auroraEnableDataApi, G.auroraRebootWriter] },
  // One Data API call per statement (DDL continues server-side past the Data API's timeout); inside Provision's
  // Parallel, so below its rollback grace (LetInFlightStepsFinish, 90 s). test/cdk/workflows.test.ts checks it.
  RunSetupSql: { grants: [G.dataApi, G.registryRead, G.registryUpdate], timeoutSeconds: 80 },
  DescribeClusterIdentity: { grants: [G.auroraDescribeCluster] },
  // identity mode `access-key`: the connector user, then (once the db-connect role trusts it) its key
  EnsureConnectorUser: { grants: [G.connectorUserRead, G.connectorUserWrite, G.registryUpdate] },
  EnsureDbConnectRole: { grants: [G.dbConnectRoleRead, G.dbConnectRoleWrite, G.registryUpdate] },
  EnsureAccessKey: {
    grants: [G.connectorUserRead, G.accessKeyCreate, G.accessKeyDelete, G.redpandaCredentials, G.registryRead, G.registryUpdate],
  },
  // identity modes `pipeline-role` and `self-managed` (a role in R): through the healer
  // The inspector measures the role's inline policies before ours is added (IAM's 10,240-character aggregate).
  ApplyPipelineRolePolicy: { grants: [G.pipelineRoleInspect, G.pipelineRoleHeal, G.registryUpdate] },
  // A private link's entry in the cluster's egress allowlist (a cluster update: a long-running operation, retried).
  EnsureEgressAllowlist: { grants: [G.redpandaCredentials, G.registryList, G.registryUpdate], timeoutSeconds: 80 },
  EnsureTopic: { grants: [G.redpandaCredentials, G.registryUpdate] },
  EnsureRedpandaUser: { grants: [G.redpandaCredentials, G.linkSecretsEnsure, G.registryUpdate] },
  EnsureRedpandaSecrets: { grants: [G.redpandaCredentials, G.linkSecretsRead, G.registryUpdate] },
  CreatePipeline: { grants: [G.redpandaCredentials, G.registryUpdate] },
  CheckPipeline: { grants: [G.redpandaCredentials] },
  Probe: {
    grants: [
      G.registryRead,
      G.auroraDescribeCluster,
      G.auroraReadParameters,
      G.networkReadSecurityGroups,
      G.networkDescribeRoutes,
      G.auroraDescribeAnyInstance,
      G.dbConnectRoleRead,
      G.connectorUserRead,
      G.pipelineRoleInspect,
      G.iamSimulate,
      G.dataApi,
      G.redpandaCredentials,
    ],
    timeoutSeconds: 180,
  },
  RecordLink: { grants: [G.registryUpdate] },
  RecordFailure: { grants: [G.registryRead, G.registryUpdate] },

  // ---- Teardown (statemachines/teardown.asl.json)
  BeginTeardown: { grants: [G.registryRead, G.registryUpdate, G.lockHolderDescribe, G.redpandaCredentials] },
  DeletePipeline: { grants: [G.redpandaCredentials, G.registryUpdate] },
  DeleteRedpandaAccess: { grants: [G.redpandaCredentials, G.linkSecretsRead, G.linkSecretsDelete, G.registryList, G.registryUpdate] },
  DropDatabaseObjects: { grants: [G.auroraDescribeCluster, G.dataApi, G.registryUpdate], timeoutSeconds: 600 },
  RemovePipelineRolePolicy: { grants: [G.pipelineRoleHeal, G.registryUpdate] },
  DeleteConnectorUser: { grants: [G.connectorUserRead, G.connectorUserDelete, G.registryRead, G.registryUpdate] },
  DeleteDbConnectRole: { grants: [G.dbConnectRoleRead, G.dbConnectRoleDelete, G.registryUpdate] },
  DeleteAurora: {
    grants: [
      G.auroraDescribeWriter,
      G.auroraDescribeCluster,
      G.auroraReadOwnParameterGroup,
      G.auroraDelete,
      G.networkReadSecurityGroups,
      G.networkDeleteSecurityGroup,
      G.networkDescribeInterfaces,
      G.registryUpdate,
    ],
    timeoutSeconds: 120,
  },
  FinishTeardown: { grants: [G.registryUpdate] },

  // ---- Validate (statemachines/validate.asl.json)
  JudgeLink: {
    grants: [
      G.registryRead,
      G.auroraDescribeCluster,
      G.auroraReadParameters,
      G.networkReadSecurityGroups,
      G.networkDescribeRoutes,
      G.auroraDescribeAnyInstance,
      G.dbConnectRoleRead,
      G.connectorUserRead,
      G.pipelineRoleInspect,
      G.iamSimulate,
      // the cluster's egress addresses and allowlist, as they are now
      G.redpandaCredentials,
    ],
    timeoutSeconds: 180,
  },
  HealLink: {
    grants: [
      G.registryRead,
      G.registryUpdate,
      G.auroraDescribeCluster,
      // the security group's ingress follows the cluster's current egress addresses
      G.networkReadSecurityGroups,
      G.networkUpdateIngress,
      G.dbConnectRoleRead,
      G.dbConnectRoleWrite,
      G.connectorUserRead,
      G.connectorUserWrite,
      G.pipelineRoleHeal,
      // A lost or deactivated key is healed by a rotation (the new key goes straight into the Redpanda secrets).
      startWorkflow('Rotate'),
    ],
    timeoutSeconds: 120,
    environment: (ctx): Record<string, string> => ({ ROTATE_STATE_MACHINE_ARN: stateMachineArn(ctx.config, 'Rotate') }),
  },
  RecordVerdict: { grants: [G.registryRead, G.registryUpdate, G.verdictMetric] },

  // ---- Rotate (statemachines/rotate.asl.json), identity mode `access-key`
  BeginRotation: { grants: [G.lockHolderDescribe, G.registryRead, G.registryUpdate, G.redpandaCredentials, G.auroraDescribeCluster] },
  CreateNewKey: {
    grants: [G.connectorUserRead, G.accessKeyCreate, G.accessKeyDelete, G.redpandaCredentials, G.registryRead, G.registryUpdate],
  },
  // Stops the pipeline and waits for STATE_STOPPED (up to 120 s in the Redpanda adapter) before starting it.
  SwitchPipelineKey: { grants: [G.redpandaCredentials], timeoutSeconds: 180 },
  FinishRotation: { grants: [G.accessKeyDelete, G.redpandaCredentials, G.registryRead, G.registryUpdate] },
  // May restart the pipeline on the previous key, with the same wait as SwitchPipelineKey.
  RestoreKey: {
    grants: [G.connectorUserRead, G.accessKeyDelete, G.redpandaCredentials, G.registryRead, G.registryUpdate],
    timeoutSeconds: 180,
  },

  // ---- not a state-machine step: the target of the rules that start Validate (lib/stacks/db-stack.ts)
  RouteValidation: {
    // The rotation schedule comes here too: it starts Rotate for the links whose key is due.
    grants: [G.registryList, startWorkflow('Validate'), startWorkflow('Rotate')],
    timeoutSeconds: 120,
    environment: (ctx): Record<string, string> => ({
      VALIDATE_STATE_MACHINE_ARN: stateMachineArn(ctx.config, 'Validate'),
      ROTATE_STATE_MACHINE_ARN: stateMachineArn(ctx.config, 'Rotate'),
      // Our own IAM writes in D (the healer in R is built in): events they cause start no validation.
      LOOP_GUARD_ROLE_NAMES: iamWritingSteps().map(lambdaRoleName).join(','),
    }),
  },
} as const satisfies Record<string, StepAccess>;

export type StepName = keyof typeof STEP_ACCESS;

export function isStepName(name: string): name is StepName {
  return Object.hasOwn(STEP_ACCESS, name);
}

/** Steps whose Lambda changes IAM roles, users or access keys in D (the loop guard ignores the events they cause). */
export function iamWritingSteps(): StepName[] {
  const writers: readonly Grant[] = [
    GRANTS.dbConnectRoleWrite,
    GRANTS.dbConnectRoleDelete,
    GRANTS.connectorUserWrite,
    GRANTS.connectorUserDelete,
    GRANTS.accessKeyCreate,
    GRANTS.accessKeyDelete,
  ];
  return (Object.keys(STEP_ACCESS) as StepName[]).filter((s) => (STEP_ACCESS[s].grants as readonly Grant[]).some((g) => writers.includes(g)));
}

/** Steps whose Lambda assumes the given access role in R (the access stack trusts exactly these). */
export function stepsAssuming(role: 'inspector' | 'healer', steps: Iterable<StepName>): StepName[] {
  return [...steps].filter((s) => (STEP_ACCESS[s].grants as readonly Grant[]).some((g) => g.assumes === role));
}
