// `rpcn-aurora plan`: every artifact of a link from one request, offline. Pure: returns file contents; the
// CLI writes them. Values known only after creation are `{{PLACEHOLDER}}`s, listed in the summary.
import { clusterCreationSettings, clusterParameterSettings, redpandaIngressCidrs } from './aurora-settings.js';
import { DEFAULT_PORT, placeholder, placeholdersIn, type ArtifactContext } from './context.js';
import { FIRST_HOP_POLICY_FILE, dbConnectRoleArtifacts, linkBoundaryPolicy, type DbConnectRoleArtifacts } from './iam.js';
import { LINK_BOUNDARY_POLICY, linkNames } from './naming.js';
import { allowlistEntryFor, linkIngressRules, networkCidrProblem } from './network.js';
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
  /** `database.network` "private": the IPv4 CIDR of the database's VPC, for the egress allowlist entry. */
  readonly dbVpcCidr?: string;
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
  REDPANDA_NETWORK_CIDR: {
    meaning: "the Redpanda network's CIDR (the workflow reads it from the Cloud API's network of the cluster)",
    supplyWith: 'redpanda.networkCidr in the request',
  },
  DB_VPC_CIDR: {
    meaning: "the IPv4 CIDR of the database's VPC (the workflow reads it from the cluster's DB subnet group)",
    supplyWith: '--db-vpc-cidr',
  },
  REDPANDA_EGRESS_CIDRS: {
    meaning: "the Redpanda cluster's egress addresses as /32 CIDRs (its NAT gateway IPs), the only places the connector user's key works from",
    supplyWith: '--nat-ip (repeatable)',
  },
};

/** Why each identity mode is what it is, for the summary. */
const MODE_NOTES: Readonly<Record<LinkRequest['identity']['mode'], readonly string[]>> = {
  'access-key': [
    'Identity mode `access-key` (the default): Redpanda Cloud pipelines (BYOC and Dedicated) get no AWS pod identity, and the',
    'Redpanda-managed pipeline role cannot be given permissions, so the pipeline authenticates with the access key of a',
    'link-owned IAM user. The key lives only in IAM and in two Redpanda secrets; it can do nothing but assume the db-connect',
    "role, and (with `identity.restrictToEgress`) only from the Redpanda cluster's egress addresses. It is rotated every",
    '`identity.rotateAfterDays` days by the Rotate workflow. Nothing is needed in the Redpanda AWS account.',
    '',
    'Deployment: `RpcnAurora-Db` and `RpcnAurora-IamWatch-<DB account>` (config `identityModes` includes "access-key", the',
    'default); no stack in the Redpanda account.',
  ],
  'pipeline-role': [
    "Identity mode `pipeline-role` (the walkthrough's chain, opt-in): the pipeline runs as the Redpanda-managed role through",
    'IRSA, and an inline policy on that role allows it to assume the db-connect role. Redpanda documents this as unsupported',
    'for Cloud pipelines today (they get no pod identity), and it cannot work on BYOVPC clusters, whose permissions boundary',
    'leaves no room for sts:AssumeRole: the workflow refuses such a cluster. Prefer `access-key`.',
    '',
    'Deployment: config `identityModes` includes "pipeline-role" and `redpanda.accountId` is set; besides `RpcnAurora-Db`, the',
    'Redpanda account gets `RpcnAurora-IamWatch-<Redpanda account>` and `RpcnAurora-RedpandaAccess` (its healer applies the',
    'policy; without it, the operator does).',
  ],
  'self-managed': [
    'Identity mode `self-managed`: you run Redpanda Connect (EKS with IRSA, EC2, ECS) as `identity.roleArn`. The db-connect',
    'role trusts exactly that role; `consumer-role-policy.json` is the inline policy that role needs. No Cloud pipeline is',
    'created: deploy `pipeline.yaml` yourself, with the environment variables it names.',
    '',
    'Deployment: config `identityModes` includes "self-managed"; when the role is in the Redpanda account, list it in',
    '`redpanda.selfManagedRoleNames` so `RpcnAurora-RedpandaAccess` may apply its policy and Validate may read it.',
  ],
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
  const egressCidrs = request.redpanda.egressCidrs?.length
    ? [...request.redpanda.egressCidrs]
    : options.natAddresses?.length
      ? [...redpandaIngressCidrs(options.natAddresses)]
      : [placeholder('REDPANDA_EGRESS_CIDRS')];
  const iam = dbConnectRoleArtifacts(request, context, { egressCidrs });
  const network = networkArtifact(request, context.port, egressCidrs, options.dbVpcCidr);
  const pipeline = buildPipelineYaml(request, context);
  const sql = sqlScripts(request);
  const acls = redpandaAcls(request, context.dbAccountId);

  const ingress = network.securityGroup.ingress.map((rule) => ({
    IpProtocol: 'tcp',
    FromPort: rule.port,
    ToPort: rule.port,
    IpRanges: [{ CidrIp: rule.cidr, Description: rule.description }],
  }));

  const files: Record<string, string> = {
    'request.normalized.json': json(request),
    'db-connect-trust-policy.json': json(iam.trustPolicy),
    'db-connect-permission-policy.json': json(iam.permissionPolicy.document),
    'db-connect-tags.json': json(iam.tags),
    [FIRST_HOP_POLICY_FILE[request.identity.mode]]: json(iam.firstHop.policy.document),
    ...(request.identity.mode === 'access-key' ? { 'connector-user-boundary.json': json(linkBoundaryPolicy(context)) } : {}),
    'cluster-parameters.json': json({
      parameterGroup: names.clusterParameterGroup,
      family: names.parameterGroupFamily,
      parameters: clusterParameterSettings(request.engine),
    }),
    'security-group-ingress.json': json({ securityGroup: names.securityGroup, ipPermissions: ingress }),
    'network.json': json(network),
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

  const operatorActions = firstHopActions(request, iam);
  if (!request.database.create) {
    operatorActions.push(
      `Cluster ${request.database.clusterIdentifier} is adopted: the workflow checks IAM auth, the Data API and the CDC ` +
        'parameters and reports what to change; it never modifies or reboots it. Add the rules of `security-group-ingress.json` ' +
        '(network.json) to one of its security groups yourself: the link never changes a group it did not create.',
    );
  }
  if (network.mode === 'private' && network.route) {
    operatorActions.push(
      `Make sure every route table of the database subnets sends ${network.route.destination} to the peering connection or Transit Gateway ` +
        'that reaches the Redpanda network (and the Redpanda side routes back): the link adds the allowlist entry and the security-group ' +
        'rule, never routes; its probe checks the route is there and active.',
    );
  }

  const summary = renderSummary(request, context, names, iam, acls.map(describeAcl), files, placeholders, operatorActions, networkLines(network));
  return { request, context, files: { 'summary.md': summary, ...files }, placeholders, operatorActions, summary };
}

function firstHopActions(request: LinkRequest, iam: DbConnectRoleArtifacts): string[] {
  const hop = iam.firstHop;
  if (hop.mode === 'access-key') {
    return [
      'None for the identity: the workflow creates the connector user, its policy and key, and writes the key straight into the ' +
        'Redpanda secrets (no stack is needed in the Redpanda AWS account).',
    ];
  }
  if (hop.mode === 'pipeline-role') {
    return [
      `Attach the pipeline-role policy in the Redpanda account ${hop.accountId}, unless the ` +
        `RpcnAurora-RedpandaAccess stack is deployed there (then the workflow applies it through its healer role): ${hop.attachCommand}`,
    ];
  }
  return [
    `Attach \`${hop.policyFile}\` to your role ${hop.roleName} in account ${hop.accountId} (the workflow does it through the ` +
      `healer role when RpcnAurora-RedpandaAccess covers that role): ${hop.attachCommand}`,
    'Deploy `pipeline.yaml` to your Redpanda Connect with the environment variables REDPANDA_BROKERS, ' +
      `${linkNames(request, '000000000000').redpandaSecrets.saslPassword} (the value of the Secrets Manager secret the workflow creates) and ` +
      `${linkNames(request, '000000000000').redpandaSecrets.rdsCaBundle} (the RDS CA bundle of the region).`,
  ];
}

function renderSummary(
  request: LinkRequest,
  ctx: ArtifactContext,
  names: ReturnType<typeof linkNames>,
  iam: DbConnectRoleArtifacts,
  aclCommands: readonly string[],
  files: Readonly<Record<string, string>>,
  placeholders: readonly PlaceholderInfo[],
  operatorActions: readonly string[],
  network: readonly string[],
): string {
  const pg = request.engine === 'aurora-postgresql';
  const db = request.database;
  const lines: string[] = [
    `# Plan for link "${request.name}" (${request.engine}, identity ${request.identity.mode})`,
    '',
    ...MODE_NOTES[request.identity.mode],
    '',
    `Aurora ${db.create ? 'cluster to create' : 'cluster to adopt'}: \`${db.clusterIdentifier}\`, database \`${db.databaseName}\`, ` +
      `port ${ctx.port}, in account ${ctx.dbAccountId}, region ${ctx.region}.`,
    `CDC: user \`${request.cdc.user}\`, ${pg ? `schema \`${request.cdc.schema}\`, ` : ''}tables ${request.cdc.tables.map((t) => `\`${t}\``).join(', ')}, ` +
      `snapshot ${request.cdc.snapshot ? 'on' : 'off'} → topic \`${request.redpanda.topic}\` on Redpanda cluster \`${request.redpanda.clusterId}\`.`,
    '',
    ...network,
    '',
    `## In the DB account (${ctx.dbAccountId})`,
    '',
  ];
  if (db.create) {
    lines.push(
      `- Cluster parameter group \`${names.clusterParameterGroup}\` (${names.parameterGroupFamily}) with the CDC settings in \`cluster-parameters.json\`.`,
      `- Security group \`${names.securityGroup}\` allowing port ${ctx.port} only from ${
        db.network === 'public' ? "the Redpanda cluster's egress addresses" : "the Redpanda network's CIDR"
      } (\`security-group-ingress.json\`).`,
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
    `- IAM role \`${iam.roleName}\` (tagged \`redpanda_scope_redpanda_connect=true\`, permissions boundary \`${LINK_BOUNDARY_POLICY}\`) trusting only \`${iam.firstHop.principalArn}\`, ` +
      `allowed \`rds-db:connect\` on \`${iam.dbUserResourceArn}\` (\`db-connect-*.json\`).`,
    ...identityLines(iam),
    '',
    `## In Redpanda Cloud (cluster ${request.redpanda.clusterId})`,
    '',
    `- Topic \`${request.redpanda.topic}\` (${request.redpanda.partitions} partitions, replication factor ${request.redpanda.replicationFactor})` +
      (pg ? '.' : `, and compacted checkpoint topic \`${names.checkpointTopic}\`.`),
    `- SASL/SCRAM-SHA-256 user \`${names.redpandaUser}\` with a generated password kept in Secrets Manager (\`${names.saslPasswordSecret}\`), never in state or logs.`,
    `- ACLs for that user only (\`redpanda-acls.json\`):`,
    ...aclCommands.map((c) => `  - \`${c}\``),
    ...(request.identity.mode === 'self-managed'
      ? ['- No Redpanda Connect secrets and no Cloud pipeline: your Redpanda Connect runs `pipeline.yaml` with environment variables instead.']
      : [
          `- Redpanda Connect secrets \`${names.redpandaSecrets.saslPassword}\` and \`${names.redpandaSecrets.rdsCaBundle}\` (the RDS CA bundle for verified TLS)` +
            (request.identity.mode === 'access-key'
              ? `, and \`${names.redpandaSecrets.accessKeyId.A}\`/\`${names.redpandaSecrets.secretAccessKey.A}\` with the connector user's key (a rotation writes the \`_B\` pair and switches the pipeline to it).`
              : '.'),
          `- Pipeline \`${names.pipelineDisplayName}\` from \`pipeline.yaml\` (linted by the data plane before it is created).`,
        ]),
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

/** The summary's lines about the first hop, per identity mode. */
function identityLines(iam: DbConnectRoleArtifacts): string[] {
  const hop = iam.firstHop;
  if (hop.mode === 'access-key') {
    return [
      `- IAM user \`${hop.userName}\` (path \`${hop.path}\`, permissions boundary \`${LINK_BOUNDARY_POLICY}\`, \`connector-user-boundary.json\`) with one inline ` +
        `policy \`${hop.policy.policyName}\` (\`connector-user-policy.json\`): \`sts:AssumeRole\` on the db-connect role` +
        (hop.restrictToEgress ? ", and an explicit deny of every call from outside the Redpanda cluster's egress addresses." : ' (restrictToEgress is off: from anywhere).'),
      `- One access key of that user, created by the workflow and written straight into Redpanda secrets; rotated every ${hop.rotateAfterDays} days.`,
      '',
      '## In the Redpanda AWS account',
      '',
      '- Nothing: a Cloud pipeline in this mode needs no IAM change there.',
    ];
  }
  const where = hop.mode === 'pipeline-role' ? `## In the Redpanda account (${hop.accountId})` : `## In the account of your Redpanda Connect role (${hop.accountId})`;
  return [
    '',
    where,
    '',
    `- Inline policy \`${hop.policy.policyName}\` on \`${hop.roleName}\` allowing \`sts:AssumeRole\` on the ` +
      `db-connect role only while it carries the tag (\`${hop.policyFile}\`).` +
      (hop.mode === 'pipeline-role' ? " Redpanda's own policies on that role are never touched." : ''),
  ];
}

/** `network.json`: how the pipeline reaches the database, and what the probe checks about it (no traffic). */
export interface NetworkArtifact {
  readonly mode: 'public' | 'private';
  readonly publiclyAccessible: boolean;
  /** Public: the addresses the security group admits and the connector user's key works from. */
  readonly egressAddresses?: { readonly cidrs: readonly string[]; readonly source: string };
  /** Private: the Redpanda network's CIDR. */
  readonly redpandaNetworkCidr?: string;
  readonly securityGroup: { readonly name: string; readonly ingress: readonly { cidr: string; port: number; description: string }[] };
  /** Private: the entry the link adds to the cluster's `redpanda_connect.allowed_destination_cidr_ports`. */
  readonly allowlistEntry?: { readonly cidr: string; readonly port_start: number; readonly port_end: number };
  /** Private: the route the probe looks for in every route table of the DB subnets. */
  readonly route?: { readonly destination: string; readonly through: string; readonly state: string };
  readonly probeChecks: readonly string[];
}

function networkArtifact(request: LinkRequest, port: number, egressCidrs: readonly string[], dbVpcCidr: string | undefined): NetworkArtifact {
  const names = linkNames(request, '000000000000');
  const link = { link: request.name, redpandaClusterId: request.redpanda.clusterId };
  if (request.database.network === 'public') {
    const source = request.redpanda.egressCidrs?.length
      ? 'redpanda.egressCidrs of the request'
      : egressCidrs.some((c) => c.startsWith('{{'))
        ? "the Redpanda cluster's nat_gateways, read by the workflow (give --nat-ip to see them here)"
        : "the Redpanda cluster's nat_gateways (--nat-ip)";
    return {
      mode: 'public',
      publiclyAccessible: request.database.publiclyAccessible,
      egressAddresses: { cidrs: egressCidrs, source },
      securityGroup: { name: names.securityGroup, ingress: linkIngressRules({ ...link, mode: 'public', cidrs: egressCidrs }, port) },
      probeChecks: [
        'the cluster has a public address (PubliclyAccessible): a Cloud pipeline reaches it over the internet',
        `a security group of the cluster admits port ${port} from each egress address`,
        "Validate (every run, the schedule included) compares the addresses with the cluster's current nat_gateways: a change is drift, healed by replacing the link's rules and the connector user's aws:SourceIp list",
      ],
    };
  }
  const networkCidr = request.redpanda.networkCidr ?? placeholder('REDPANDA_NETWORK_CIDR');
  const vpcCidr = dbVpcCidr !== undefined && networkCidrProblem(dbVpcCidr) === undefined ? dbVpcCidr : placeholder('DB_VPC_CIDR');
  const entry = allowlistEntryFor(vpcCidr, port);
  return {
    mode: 'private',
    publiclyAccessible: request.database.publiclyAccessible,
    redpandaNetworkCidr: networkCidr,
    ...(request.redpanda.egressCidrs?.length ? { egressAddresses: { cidrs: [...request.redpanda.egressCidrs], source: 'redpanda.egressCidrs of the request (STS calls)' } } : {}),
    securityGroup: { name: names.securityGroup, ingress: linkIngressRules({ ...link, mode: 'private', cidrs: [networkCidr] }, port) },
    allowlistEntry: { cidr: entry.cidr, port_start: entry.portStart, port_end: entry.portEnd },
    route: {
      destination: networkCidr,
      through: 'a VPC peering connection (pcx-…) or a Transit Gateway (tgw-…), in every route table of the DB subnets',
      state: 'active (peering connection active, Transit Gateway attachment available)',
    },
    probeChecks: [
      `an entry of the cluster's egress allowlist covers the database VPC on port ${port} (without it the data-plane firewall drops the connection)`,
      `every route table of the DB subnets routes ${networkCidr} through a peering connection or Transit Gateway, and that target is active`,
      `a security group of the cluster admits port ${port} from ${networkCidr}`,
    ],
  };
}

function networkLines(network: NetworkArtifact): string[] {
  const lines = [`## Network: ${network.mode} (\`network.json\`)`, ''];
  if (network.mode === 'public') {
    lines.push(
      `The pipeline reaches the cluster's public address over the internet, from ${network.egressAddresses!.cidrs.map((c) => `\`${c}\``).join(', ')} (${network.egressAddresses!.source}).`,
    );
  } else {
    const e = network.allowlistEntry!;
    lines.push(
      `The pipeline reaches the cluster's private address from the Redpanda network \`${network.redpandaNetworkCidr}\` over an existing peering connection or Transit Gateway.`,
      `- Egress allowlist entry \`${e.cidr}\` port ${e.port_start} on the Redpanda cluster (merged with the existing entries, at most 16; removed by Teardown when no other link relies on it).`,
    );
  }
  lines.push('', 'The probe checks, without traffic:', ...network.probeChecks.map((c) => `- ${c}`));
  return lines;
}
