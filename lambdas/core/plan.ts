// `rpcn-aurora plan`: every artifact of a link from one request, offline. Pure: returns file contents; the
// CLI writes them. Values known only after creation are `{{PLACEHOLDER}}`s, listed in the summary.
import { clusterCreationSettings, clusterParameterSettings, redpandaIngressPermissions } from './aurora-settings.js';
import { DEFAULT_PORT, placeholder, placeholdersIn, type ArtifactContext } from './context.js';
import { dbConnectRoleArtifacts } from './iam.js';
import { linkNames } from './naming.js';
import { buildPipelineYaml } from './pipeline-yaml.js';
import { describeAcl, redpandaAcls } from './redpanda-acls.js';
import type { LinkRequest } from './request.js';
import { sqlScripts } from './sql.js';

export interface PlanOptions {
  readonly dbAccountId?: string;
  readonly region?: string;
  readonly clusterResourceId?: string;
  readonly endpoint?: string;
  /** Public egress IPs of the Redpanda cluster (`cluster.nat_gateways`); known to the workflow, optional here. */
  readonly natAddresses?: readonly string[];
}

export interface PlaceholderInfo {
  readonly key: string;
  readonly meaning: string;
  readonly supplyWith: string;
}

export interface Plan {
  readonly request: LinkRequest;
  readonly context: ArtifactContext;
  /** File name → content, in the order they are listed in the summary. */
  readonly files: Readonly<Record<string, string>>;
  readonly placeholders: readonly PlaceholderInfo[];
  readonly operatorActions: readonly string[];
  readonly summary: string;
}

const PLACEHOLDER_INFO: Readonly<Record<string, Omit<PlaceholderInfo, 'key'>>> = {
  DB_ACCOUNT_ID: { meaning: 'the AWS account that holds the Aurora cluster', supplyWith: '--db-account' },
  REGION: { meaning: 'the AWS region of the Aurora cluster', supplyWith: '--region' },
  CLUSTER_RESOURCE_ID: {
    meaning: 'the DbClusterResourceId (cluster-…), known once the cluster exists',
    supplyWith: '--cluster-resource-id (aws rds describe-db-clusters --query "DBClusters[].DbClusterResourceId")',
  },
  ENDPOINT: { meaning: 'the cluster (writer) endpoint host, known once the cluster exists', supplyWith: '--endpoint' },
  REDPANDA_NAT_IPS: {
    meaning: "the Redpanda cluster's NAT gateway IPs, read from the Redpanda Cloud API by the workflow",
    supplyWith: '--nat-ip (repeatable)',
  },
};

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export function buildPlan(request: LinkRequest, options: PlanOptions = {}): Plan {
  const context: ArtifactContext = {
    dbAccountId: options.dbAccountId ?? placeholder('DB_ACCOUNT_ID'),
    region: options.region ?? placeholder('REGION'),
    clusterResourceId: options.clusterResourceId ?? placeholder('CLUSTER_RESOURCE_ID'),
    endpoint: options.endpoint ?? placeholder('ENDPOINT'),
    port: DEFAULT_PORT[request.engine],
  };
  const names = linkNames(request, context.dbAccountId);
  const iam = dbConnectRoleArtifacts(request, context);
  const pipeline = buildPipelineYaml(request, context);
  const sql = sqlScripts(request);
  const acls = redpandaAcls(request, context.dbAccountId);

  const ingress = options.natAddresses?.length
    ? redpandaIngressPermissions({ link: request.name, redpandaClusterId: request.redpanda.clusterId, natAddresses: options.natAddresses, port: context.port })
    : [{ IpProtocol: 'tcp', FromPort: context.port, ToPort: context.port, IpRanges: [{ CidrIp: placeholder('REDPANDA_NAT_IPS'), Description: `rpcn-aurora ${request.name}` }] }];

  const files: Record<string, string> = {
    'request.normalized.json': json(request),
    'db-connect-trust-policy.json': json(iam.trustPolicy),
    'db-connect-permission-policy.json': json(iam.permissionPolicy.document),
    'db-connect-tags.json': json(iam.tags),
    [iam.pipelineRole.policyFile]: json(iam.pipelineRole.policy.document),
    'cluster-parameters.json': json({
      parameterGroup: names.clusterParameterGroup,
      family: names.parameterGroupFamily,
      parameters: clusterParameterSettings(request.engine),
    }),
    'security-group-ingress.json': json({ securityGroup: names.securityGroup, ipPermissions: ingress }),
    'redpanda-acls.json': json(acls),
    'setup.sql': sql['setup.sql'],
    'teardown.sql': sql['teardown.sql'],
    'pipeline.yaml': pipeline.yaml,
  };
  if (request.database.create) files['cluster.json'] = json(clusterCreationSettings(request, context));

  const placeholders = [...new Set(Object.values(files).flatMap(placeholdersIn))].map((key) => ({
    key,
    ...(PLACEHOLDER_INFO[key] ?? { meaning: 'a value known only after creation', supplyWith: 'the workflow' }),
  }));

  const operatorActions = [
    `Attach the pipeline-role policy in the Redpanda account ${request.redpanda.accountId}, unless the ` +
      `RpcnAurora-RedpandaAccess stack is deployed there (then the workflow applies it through its healer role): ` +
      `${iam.pipelineRole.attachCommand}`,
  ];
  if (!request.database.create) {
    operatorActions.push(
      `Cluster ${request.database.clusterIdentifier} is adopted: the workflow checks IAM auth, the Data API and the CDC ` +
        'parameters and reports what to change; it never modifies or reboots it. Allow the Redpanda NAT IPs in its security group yourself.',
    );
  }

  const summary = renderSummary(request, context, names, iam, acls.map(describeAcl), files, placeholders, operatorActions);
  return { request, context, files: { 'summary.md': summary, ...files }, placeholders, operatorActions, summary };
}

function renderSummary(
  request: LinkRequest,
  ctx: ArtifactContext,
  names: ReturnType<typeof linkNames>,
  iam: ReturnType<typeof dbConnectRoleArtifacts>,
  aclCommands: readonly string[],
  files: Readonly<Record<string, string>>,
  placeholders: readonly PlaceholderInfo[],
  operatorActions: readonly string[],
): string {
  const pg = request.engine === 'aurora-postgresql';
  const db = request.database;
  const lines: string[] = [
    `# Plan for link "${request.name}" (${request.engine})`,
    '',
    `Aurora ${db.create ? 'cluster to create' : 'cluster to adopt'}: \`${db.clusterIdentifier}\`, database \`${db.databaseName}\`, ` +
      `port ${ctx.port}, in account ${ctx.dbAccountId}, region ${ctx.region}.`,
    `CDC: user \`${request.cdc.user}\`, ${pg ? `schema \`${request.cdc.schema}\`, ` : ''}tables ${request.cdc.tables.map((t) => `\`${t}\``).join(', ')}, ` +
      `snapshot ${request.cdc.snapshot ? 'on' : 'off'} → topic \`${request.redpanda.topic}\` on Redpanda cluster \`${request.redpanda.clusterId}\`.`,
    '',
    `## In the DB account (${ctx.dbAccountId})`,
    '',
  ];
  if (db.create) {
    lines.push(
      `- Cluster parameter group \`${names.clusterParameterGroup}\` (${names.parameterGroupFamily}) with the CDC settings in \`cluster-parameters.json\`.`,
      `- Security group \`${names.securityGroup}\` allowing port ${ctx.port} only from the Redpanda NAT IPs (\`security-group-ingress.json\`).`,
      `- Aurora Serverless v2 cluster \`${db.clusterIdentifier}\` (${db.engineVersion}, ${db.minCapacity}-${db.maxCapacity} ACU): IAM auth, ` +
        `RDS Data API, RDS-managed master secret, encrypted storage, ${db.publiclyAccessible ? 'publicly accessible' : 'private'}; ` +
        `writer \`${names.writerInstanceIdentifier}\` (db.serverless).`,
    );
  } else {
    lines.push(`- Nothing on cluster \`${db.clusterIdentifier}\` itself: it is checked, never modified or rebooted.`);
  }
  lines.push(
    `- Database objects (\`setup.sql\`, run through the RDS Data API one statement at a time): ` +
      (pg
        ? `login role \`${request.cdc.user}\` with \`rds_iam\` and \`rds_replication\`, CONNECT/USAGE/SELECT on exactly the tables, publication \`${names.publication}\`; ` +
          `Redpanda Connect creates replication slot \`${names.slot}\` on first connect.`
        : `user \`${request.cdc.user}\` identified with AWSAuthenticationPlugin, REQUIRE SSL, the grants mysql_cdc needs, binlog retention.`),
    `- IAM role \`${iam.roleName}\` (tagged \`redpanda_scope_redpanda_connect=true\`) trusting only \`${iam.pipelineRole.roleArn}\`, ` +
      `allowed \`rds-db:connect\` on \`${iam.dbUserResourceArn}\` (\`db-connect-*.json\`).`,
    '',
    `## In the Redpanda account (${request.redpanda.accountId})`,
    '',
    `- Inline policy \`${iam.pipelineRole.policy.policyName}\` on \`${iam.pipelineRole.roleName}\` allowing \`sts:AssumeRole\` on the ` +
      `db-connect role only while it carries the tag (\`${iam.pipelineRole.policyFile}\`). Redpanda's own policies on that role are never touched.`,
    '',
    `## In Redpanda Cloud (cluster ${request.redpanda.clusterId})`,
    '',
    `- Topic \`${request.redpanda.topic}\` (${request.redpanda.partitions} partitions, replication factor ${request.redpanda.replicationFactor})` +
      (pg ? '.' : `, and compacted checkpoint topic \`${names.checkpointTopic}\`.`),
    `- SASL/SCRAM-SHA-256 user \`${names.redpandaUser}\` with a generated password kept in Secrets Manager (\`${names.saslPasswordSecret}\`), never in state or logs.`,
    `- ACLs for that user only (\`redpanda-acls.json\`):`,
    ...aclCommands.map((c) => `  - \`${c}\``),
    `- Redpanda Connect secrets \`${names.redpandaSecrets.saslPassword}\` and \`${names.redpandaSecrets.rdsCaBundle}\` (the RDS CA bundle for verified TLS).`,
    `- Pipeline \`${names.pipelineDisplayName}\` from \`pipeline.yaml\` (linted by the data plane before it is created).`,
    '',
    '## Operator actions',
    '',
    ...operatorActions.map((a, i) => `${i + 1}. ${a}`),
    '',
  );
  if (placeholders.length > 0) {
    lines.push('## Placeholders', '', 'These values are known only later; the files hold `{{KEY}}` in their place:', '');
    for (const p of placeholders) lines.push(`- \`{{${p.key}}}\`: ${p.meaning}; supply with ${p.supplyWith}.`);
    lines.push('');
  }
  lines.push('## Files', '', ...Object.keys(files).map((f) => `- \`${f}\``), '');
  return lines.join('\n');
}
