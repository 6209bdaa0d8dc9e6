// The checks of docs/architecture.md#probe-and-diagnosis, shared by Probe (after provisioning) and Validate (on drift): static checks of
// the cluster, the db-connect role, the pipeline-role policy and the chain as IAM evaluates it; database
// checks through the Data API; each failure named by a diagnosis catalogue entry.
import { redpandaIngressCidrs } from '../../core/aurora-settings.js';
import { checkCluster, type Finding } from '../../core/cluster-checks.js';
import {
  comparePolicy,
  dbConnectRoleArtifacts,
  linkBoundaryPolicy,
  type ConnectorUserArtifacts,
  type PolicyDocument,
  type RolePolicyArtifacts,
} from '../../core/iam.js';
import { LINK_TAG_KEY, REDPANDA_SCOPE_TAG_KEY, REDPANDA_SCOPE_TAG_VALUE } from '../../core/naming.js';
import type { LinkRequest } from '../../core/request.js';
import {
  evaluateBinlogDump,
  evaluateMysqlBinlog,
  evaluateMysqlGrants,
  evaluateMysqlUser,
  evaluatePgTablePrivileges,
  evaluatePgUser,
  evaluatePublication,
  evaluateSlot,
  mysqlChecks,
  postgresChecks,
  type SqlFinding,
  type SqlRow,
} from '../../core/sql.js';
import type { RoleDescription, Simulation } from '../../ports/iam.js';
import type { RedpandaCluster } from '../../ports/redpanda.js';
import { networkChecks } from './network-checks.js';
import type { AccessKeyState } from '../../ports/registry.js';
import type { SqlTarget } from '../../ports/sql.js';
import type { StepDeps } from './deps.js';
import type { LinkNetwork, LinkRef } from './state.js';

export type { Finding } from '../../core/cluster-checks.js';

export interface StaticFacts {
  readonly resourceId?: string;
  readonly endpoint?: string;
  readonly port?: number;
  readonly secretArn?: string;
  readonly clusterArn?: string;
  readonly dbConnectRoleArn?: string;
  /** The cluster's security groups (an adopted cluster's are its owner's). */
  readonly securityGroupIds?: readonly string[];
  /** Whether the first hop (connector user, or the role through the inspector) could be read and judged. */
  readonly firstHopVerified: boolean;
}

export interface StaticResult {
  readonly findings: Finding[];
  readonly facts: StaticFacts;
}

/** Every finding of the database checks, by the diagnosis catalogue entry that explains it. */
export const SQL_FINDING_ENTRY: Readonly<Record<SqlFinding['code'], string>> = {
  PG_USER_MISSING: 'pg-role-missing',
  PG_USER_CANNOT_LOGIN: 'db-user-grants-drift',
  PG_USER_IS_SUPERUSER: 'db-user-grants-drift',
  PG_USER_NOT_RDS_IAM: 'db-user-missing-iam-grant',
  PG_USER_NOT_RDS_REPLICATION: 'pg-replication-privilege-missing',
  PG_USER_EXTRA_ROLE: 'db-user-grants-drift',
  PG_SCHEMA_NO_USAGE: 'pg-object-permission-denied',
  PG_DATABASE_NO_CONNECT: 'pg-object-permission-denied',
  PG_TABLE_MISSING: 'table-missing',
  PG_TABLE_NO_PRIMARY_KEY: 'pg-snapshot-no-primary-key',
  PG_TABLE_NOT_GRANTED: 'pg-object-permission-denied',
  PG_TABLE_EXTRA_PRIVILEGE: 'db-user-grants-drift',
  PG_PUBLICATION_MISSING: 'pg-publication-missing',
  PG_PUBLICATION_ALL_TABLES: 'pg-publication-mismatch',
  PG_PUBLICATION_MISSING_TABLES: 'pg-publication-mismatch',
  PG_PUBLICATION_EXTRA_TABLES: 'pg-publication-mismatch',
  PG_SLOT_MISSING: 'pipeline-not-streaming',
  PG_SLOT_INACTIVE: 'pipeline-not-streaming',
  PG_SLOT_WRONG_PLUGIN: 'pg-slot-wrong-plugin',
  PG_SLOT_OTHER_DATABASE: 'pg-slot-wrong-plugin',
  PG_SLOT_WAL_LOST: 'pg-replication-stream-interrupted',
  PG_WAL_LEVEL_NOT_LOGICAL: 'pg-logical-replication-off',
  MYSQL_USER_MISSING: 'db-user-missing',
  MYSQL_USER_NOT_IAM: 'db-user-missing-iam-grant',
  MYSQL_USER_SSL_NOT_REQUIRED: 'db-user-grants-drift',
  MYSQL_GRANT_MISSING: 'mysql-privilege-missing',
  MYSQL_GRANT_EXTRA: 'db-user-grants-drift',
  MYSQL_BINLOG_OFF: 'mysql-binlog-disabled',
  MYSQL_BINLOG_FORMAT_NOT_ROW: 'mysql-binlog-not-row',
  MYSQL_BINLOG_ROW_IMAGE_NOT_FULL: 'cluster-parameter-not-set',
  MYSQL_NO_BINLOG_DUMP: 'pipeline-not-streaming',
};

export function fromSqlFinding(f: SqlFinding): Finding {
  return { id: SQL_FINDING_ENTRY[f.code], severity: f.severity, message: f.message };
}

type CheckDeps = Pick<StepDeps, 'deployment' | 'aurora' | 'network' | 'iam' | 'pipelineRole' | 'simulator' | 'clock'>;

export interface StaticCheckOptions {
  /** The Redpanda cluster's NAT gateway IPs (the security group's and, in `access-key` mode, the key's allowed sources). */
  readonly natGateways?: readonly string[];
  /** The egress CIDRs the connector user's policy should admit (default: from natGateways). */
  readonly egressCidrs?: readonly string[];
  /** Whether the first-hop policy (`pipeline-role`, `self-managed`) was applied by the workflow; undefined when unknown. */
  readonly firstHopApplied?: boolean;
  /** `access-key`: the keys the registry knows (current, and a rotation's pending one). */
  readonly accessKey?: AccessKeyState;
  /** The link's network as it should be (what the security group admits, the allowlist entry, the Redpanda network). */
  readonly network?: LinkNetwork;
  /** The Redpanda cluster as it is now (its egress allowlist), when it could be read. */
  readonly redpandaCluster?: RedpandaCluster;
}

/** Everything that can be judged without touching the database. */
export async function staticChecks(deps: CheckDeps, request: LinkRequest, link: LinkRef, options: StaticCheckOptions = {}): Promise<StaticResult> {
  const findings: Finding[] = [];
  const cluster = await deps.aurora.describeCluster(request.database.clusterIdentifier);
  if (!cluster) {
    findings.push({
      id: 'cluster-missing',
      severity: 'error',
      message: `cluster ${request.database.clusterIdentifier} does not exist in account ${link.dbAccountId}, region ${link.region}`,
    });
    return { findings, facts: { firstHopVerified: false } };
  }
  const parameters = await deps.aurora.describeClusterParameters(cluster.parameterGroup);
  const ingress = [];
  for (const groupId of cluster.vpcSecurityGroupIds) ingress.push(...((await deps.network.describeSecurityGroup(groupId))?.ingress ?? []));
  let natCidrs: readonly string[] | undefined;
  try {
    natCidrs = options.natGateways?.length ? redpandaIngressCidrs(options.natGateways) : undefined;
  } catch {
    natCidrs = undefined;
  }
  // Self-managed Connect runs wherever the operator runs it: its source addresses are not ours to know.
  const admitted = options.network?.ingressCidrs ?? natCidrs;
  const ingressFacts = admitted?.length && request.identity.mode !== 'self-managed' ? { ingress, natCidrs: admitted } : {};
  findings.push(...checkCluster(request, { cluster, parameters, ...ingressFacts }));
  if (options.network && request.identity.mode !== 'self-managed') {
    findings.push(...(await networkChecks(deps, request, cluster, options.network, options.redpandaCluster)));
  }

  const egressCidrs = options.egressCidrs ?? natCidrs ?? [];
  const wanted = dbConnectRoleArtifacts(
    request,
    { dbAccountId: link.dbAccountId, region: link.region, clusterResourceId: cluster.resourceId },
    { egressCidrs },
  );
  const role = await deps.iam.getRole(wanted.roleName);
  if (!role) {
    findings.push({
      id: 'db-connect-role-missing',
      severity: 'error',
      message: `the db-connect role ${wanted.roleName} does not exist`,
      fix: 'run the provision again (it recreates the role)',
    });
  } else {
    const trust = comparePolicy(wanted.trustPolicy, role.trustPolicy);
    if (trust.length > 0) {
      findings.push({
        id: 'assume-role-denied-wrong-trust',
        severity: 'error',
        message: `the trust policy of ${wanted.roleName} differs: ${trust.join('; ')}`,
        fix: `trust exactly ${wanted.firstHop.principalArn} (Validate restores it when selfHeal is on)`,
      });
    }
    if (role.tags[REDPANDA_SCOPE_TAG_KEY] !== REDPANDA_SCOPE_TAG_VALUE) {
      findings.push({
        id: 'assume-role-denied-missing-tag',
        severity: 'error',
        message: `${wanted.roleName} lacks the tag ${REDPANDA_SCOPE_TAG_KEY}=${REDPANDA_SCOPE_TAG_VALUE} the first-hop policy requires`,
        fix: `aws iam tag-role --role-name ${wanted.roleName} --tags Key=${REDPANDA_SCOPE_TAG_KEY},Value=${REDPANDA_SCOPE_TAG_VALUE}`,
      });
    }
    if (role.tags[LINK_TAG_KEY] !== request.name) {
      findings.push({ id: 'db-connect-role-untagged', severity: 'warning', message: `${wanted.roleName} lacks the ownership tag ${LINK_TAG_KEY}=${request.name}` });
    }
    const permission = comparePolicy(wanted.permissionPolicy.document, role.inlinePolicies[wanted.permissionPolicy.policyName]);
    if (permission.length > 0) {
      findings.push({
        id: 'rds-db-connect-policy-mismatch',
        severity: 'error',
        message: `the permission policy ${wanted.permissionPolicy.policyName} of ${wanted.roleName} differs: ${permission.join('; ')}`,
        fix: `allow rds-db:connect on exactly ${wanted.dbUserResourceArn}`,
      });
    }
  }

  const hop = wanted.firstHop;
  const firstHop =
    hop.mode === 'access-key'
      ? await connectorUserChecks(deps, request, hop, role, { ...options, egressCidrs, context: { dbAccountId: link.dbAccountId, region: link.region } })
      : await rolePolicyChecks(deps, hop, role, options);
  findings.push(...firstHop.findings);

  if (role) {
    const connect = await deps.simulator.simulateDbConnect({
      dbConnectRoleArn: role.arn,
      identityPolicies: Object.values(role.inlinePolicies),
      dbUserArn: wanted.dbUserResourceArn,
    });
    if (connect.decision !== 'allowed') {
      findings.push({
        id: 'rds-db-connect-policy-mismatch',
        severity: 'error',
        message: `IAM does not allow ${role.arn} rds-db:connect on ${wanted.dbUserResourceArn}: ${connect.detail}`,
      });
    }
  }
  return {
    findings: dedupe(findings),
    facts: {
      resourceId: cluster.resourceId,
      port: cluster.port,
      clusterArn: cluster.arn,
      ...(cluster.endpoint ? { endpoint: cluster.endpoint } : {}),
      ...(cluster.masterUserSecretArn ? { secretArn: cluster.masterUserSecretArn } : {}),
      ...(role ? { dbConnectRoleArn: role.arn } : {}),
      securityGroupIds: [...cluster.vpcSecurityGroupIds],
      firstHopVerified: firstHop.verified,
    },
  };
}

interface FirstHopResult {
  readonly findings: Finding[];
  /** Whether the first hop could be read and judged (false: its findings are only what could be seen). */
  readonly verified: boolean;
}

/** The address a Cloud pipeline's STS calls come from, for the simulation: the first egress address. */
function egressSourceIp(egressCidrs: readonly string[]): string | undefined {
  const first = egressCidrs[0];
  return first === undefined || first.startsWith('{{') ? undefined : first.replace(/\/32$/, '');
}

/** Identity mode `access-key`: the connector user, its one policy, its boundary, its keys, and the chain from it. */
async function connectorUserChecks(
  deps: CheckDeps,
  request: LinkRequest,
  hop: ConnectorUserArtifacts,
  role: RoleDescription | undefined,
  options: StaticCheckOptions & { readonly egressCidrs: readonly string[]; readonly context: { readonly dbAccountId: string; readonly region: string } },
): Promise<FirstHopResult> {
  const findings: Finding[] = [];
  const user = await deps.iam.getUser(hop.userName);
  if (!user) {
    findings.push({
      id: 'connector-user-missing',
      severity: 'error',
      message: `the connector user ${hop.userName} does not exist: the pipeline's key belongs to nobody`,
      fix: 'Validate recreates the user and rotates a new key into the Redpanda secrets when selfHeal is on; else run the provision again',
    });
    return { findings, verified: true };
  }
  if (user.tags[LINK_TAG_KEY] !== request.name) {
    findings.push({ id: 'connector-user-untagged', severity: 'warning', message: `${hop.userName} lacks the ownership tag ${LINK_TAG_KEY}=${request.name}` });
  }
  if (user.permissionsBoundaryArn !== hop.permissionsBoundaryArn) {
    findings.push({
      id: 'connector-user-boundary-missing',
      severity: 'error',
      message: `${hop.userName} has ${user.permissionsBoundaryArn ? `the permissions boundary ${user.permissionsBoundaryArn}` : 'no permissions boundary'}, not ${hop.permissionsBoundaryArn}`,
      fix: `aws iam put-user-permissions-boundary --user-name ${hop.userName} --permissions-boundary ${hop.permissionsBoundaryArn}`,
    });
  }
  if (options.egressCidrs.length === 0 && hop.restrictToEgress) {
    findings.push({
      id: 'egress-addresses-unknown',
      severity: 'error',
      message: "the Redpanda cluster's egress addresses are unknown, so the connector user's policy cannot be judged",
    });
  } else {
    const differences = comparePolicy(hop.policy.document, user.inlinePolicies[hop.policy.policyName]);
    if (differences.length > 0) {
      findings.push({
        id: 'connector-user-policy-mismatch',
        severity: 'error',
        message: user.inlinePolicies[hop.policy.policyName]
          ? `the policy ${hop.policy.policyName} of ${hop.userName} differs: ${differences.join('; ')}`
          : `the policy ${hop.policy.policyName} is missing from ${hop.userName}`,
        fix: 'Validate puts it back when selfHeal is on',
      });
    }
  }
  const extra = [...Object.keys(user.inlinePolicies).filter((n) => n !== hop.policy.policyName), ...user.attachedPolicyArns];
  if (extra.length > 0) {
    findings.push({
      id: 'connector-user-extra-permissions',
      severity: 'error',
      message: `${hop.userName} has policies the link did not put there: ${extra.join(', ')} (the permissions boundary still limits them)`,
      fix: `remove them: ${extra.map((e) => (e.startsWith('arn:') ? `aws iam detach-user-policy --user-name ${hop.userName} --policy-arn ${e}` : `aws iam delete-user-policy --user-name ${hop.userName} --policy-name ${e}`)).join('; ')}`,
    });
  }

  const current = options.accessKey?.current;
  const known = new Set([current?.accessKeyId, options.accessKey?.pending?.accessKeyId].filter((k): k is string => k !== undefined));
  const key = current ? user.accessKeys.find((k) => k.accessKeyId === current.accessKeyId) : undefined;
  if (!current || !key) {
    findings.push({
      id: 'access-key-missing',
      severity: 'error',
      message: current
        ? `the access key ${current.accessKeyId} of ${hop.userName}, which the pipeline reads from the Redpanda secrets, no longer exists`
        : `the registry records no access key for ${hop.userName}`,
      fix: 'rotate the key (Validate does when selfHeal is on): rpcn-aurora rotate <link>',
    });
  } else if (key.status !== 'Active') {
    findings.push({
      id: 'access-key-inactive',
      severity: 'error',
      message: `the access key ${key.accessKeyId} of ${hop.userName} is ${key.status}: the pipeline cannot authenticate with it`,
      fix: 'rotate the key (Validate does when selfHeal is on): rpcn-aurora rotate <link>',
    });
  } else {
    const ageDays = (deps.clock().getTime() - Date.parse(current.createdAt)) / 86_400_000;
    if (ageDays > hop.rotateAfterDays) {
      findings.push({
        id: 'access-key-rotation-due',
        severity: 'warning',
        message: `the access key ${key.accessKeyId} is ${Math.floor(ageDays)} days old (rotateAfterDays ${hop.rotateAfterDays})`,
        fix: 'the daily schedule rotates it; now: rpcn-aurora rotate <link>',
      });
    }
  }
  for (const other of user.accessKeys.filter((k) => !known.has(k.accessKeyId))) {
    findings.push({
      id: 'access-key-unknown',
      severity: 'error',
      message: `${hop.userName} has an access key the link did not create: ${other.accessKeyId} (${other.status}, created ${other.createdAt}); it is never deleted by the link`,
      fix: `find who created it (CloudTrail CreateAccessKey on ${hop.userName}) and delete it: aws iam delete-access-key --user-name ${hop.userName} --access-key-id ${other.accessKeyId}`,
    });
  }

  if (role) {
    const sourceIp = hop.restrictToEgress ? egressSourceIp(options.egressCidrs) : undefined;
    const assume = await deps.simulator.simulateAssumeRole({
      principalArn: user.arn,
      identityPolicies: Object.values(user.inlinePolicies),
      ...(user.permissionsBoundaryArn === hop.permissionsBoundaryArn ? { permissionsBoundary: linkBoundaryPolicy(options.context) } : {}),
      ...(sourceIp !== undefined ? { sourceIp } : {}),
      dbConnectRoleArn: role.arn,
      trustPolicy: role.trustPolicy,
      dbConnectRoleTags: role.tags,
    });
    if (assume.decision !== 'allowed') {
      findings.push(
        assumeRoleFinding(assume, `${user.arn} sts:AssumeRole on ${role.arn}${sourceIp ? ` from ${sourceIp}` : ''}`, {
          boundaryArn: user.permissionsBoundaryArn,
          fix: `put the link boundary back on the user and restore it from the RpcnAurora-Db stack: aws iam put-user-permissions-boundary --user-name ${hop.userName} --permissions-boundary ${hop.permissionsBoundaryArn}`,
        }),
      );
    }
  }
  return { findings, verified: true };
}

/**
 * A refused sts:AssumeRole of the first hop. When its permissions boundary is what refused it, no identity
 * policy can fix it, so that gets its own finding naming the boundary.
 */
function assumeRoleFinding(assume: Simulation, what: string, boundary: { readonly boundaryArn: string | undefined; readonly fix: string }): Finding {
  const verb = assume.decision === 'explicitDeny' ? 'explicitly denies' : 'does not allow';
  if (assume.deniedByBoundary === true) {
    return {
      id: 'assume-role-denied-permissions-boundary',
      severity: 'error',
      message: `the first hop's permissions boundary${boundary.boundaryArn === undefined ? '' : ` ${boundary.boundaryArn}`} does not allow sts:AssumeRole: IAM ${verb} ${what}: ${assume.detail}`,
      fix: boundary.fix,
    };
  }
  return { id: 'assume-role-denied', severity: 'error', message: `IAM ${verb} ${what}: ${assume.detail}` };
}

/** Identity modes `pipeline-role` and `self-managed`: our inline policy on a role the link does not own, read through the inspector. */
async function rolePolicyChecks(
  deps: CheckDeps,
  hop: RolePolicyArtifacts,
  role: RoleDescription | undefined,
  options: StaticCheckOptions,
): Promise<FirstHopResult> {
  const findings: Finding[] = [];
  const reachable = hop.accountId === deps.deployment.redpandaAccountId;
  const view = reachable
    ? await deps.pipelineRole.inspect(hop.roleName)
    : ({ available: false, reason: `the role is in account ${hop.accountId}, which this deployment has no inspector role in` } as const);
  const where = `in account ${hop.accountId}`;
  if (!view.available) {
    if (hop.mode === 'self-managed') {
      findings.push({
        id: 'first-hop-unverified',
        severity: 'warning',
        message: `the role ${hop.principalArn} could not be read to check its policy: ${view.reason}`,
        fix: `make sure it carries ${hop.policy.policyName}: ${hop.attachCommand} (${where})`,
      });
      return { findings, verified: false };
    }
    findings.push({
      id: options.firstHopApplied === false ? 'assume-role-denied-missing-inline-policy' : 'pipeline-role-unverified',
      severity: options.firstHopApplied === false ? 'error' : 'warning',
      message:
        options.firstHopApplied === false
          ? `the inline policy ${hop.policy.policyName} is not on ${hop.roleName} yet (${view.reason})`
          : `the pipeline role could not be read: ${view.reason}`,
      fix: `${hop.attachCommand} (${where}), or deploy RpcnAurora-RedpandaAccess there`,
    });
    return { findings, verified: false };
  }
  if (!view.exists) {
    findings.push({
      id: 'pipeline-role-missing',
      severity: 'error',
      message:
        hop.mode === 'pipeline-role'
          ? `the pipeline role ${hop.roleName} does not exist ${where}: is the Redpanda cluster id right, and does the cluster run Redpanda Connect?`
          : `the role ${hop.principalArn} does not exist: check identity.roleArn`,
    });
    return { findings, verified: true };
  }
  const ours = view.inlinePolicies[hop.policy.policyName];
  const differences = comparePolicy(hop.policy.document, ours);
  if (differences.length > 0) {
    findings.push({
      id: 'assume-role-denied-missing-inline-policy',
      severity: 'error',
      message: ours
        ? `the inline policy ${hop.policy.policyName} on ${hop.roleName} differs: ${differences.join('; ')}`
        : `the inline policy ${hop.policy.policyName} is missing from ${hop.roleName}`,
      fix: `${hop.attachCommand} (${where}; Validate puts it back when selfHeal is on)`,
    });
  }
  if (role) {
    const identityPolicies: PolicyDocument[] = [...Object.values(view.inlinePolicies), ...view.attachedPolicies.map((p) => p.document)];
    const assume = await deps.simulator.simulateAssumeRole({
      principalArn: view.arn,
      identityPolicies,
      ...(view.permissionsBoundary !== undefined && { permissionsBoundary: view.permissionsBoundary.document }),
      dbConnectRoleArn: role.arn,
      trustPolicy: role.trustPolicy,
      dbConnectRoleTags: role.tags,
    });
    if (assume.decision !== 'allowed') {
      findings.push(
        assumeRoleFinding(assume, `${view.arn} sts:AssumeRole on ${role.arn}`, {
          boundaryArn: view.permissionsBoundary?.arn,
          fix:
            hop.mode === 'pipeline-role'
              ? 'no policy on the pipeline role can get past its boundary: use identity.mode "access-key" (the default) and provision the link again'
              : `have the boundary on ${view.arn} allow sts:AssumeRole on ${role.arn} (${where}), or remove it`,
        }),
      );
    }
  }
  return { findings, verified: true };
}

/** Database checks through the Data API; `streaming` is whether the pipeline holds the slot (PostgreSQL) or a binlog dump (MySQL). */
export async function databaseChecks(
  deps: Pick<StepDeps, 'sql'>,
  request: LinkRequest,
  target: SqlTarget,
  options: { readonly requireStreaming: boolean },
): Promise<{ findings: Finding[]; streaming: boolean }> {
  const rows = async (sql: string): Promise<SqlRow[]> => (await deps.sql.execute(target, sql)).rows as SqlRow[];
  const sqlFindings: SqlFinding[] = [];
  let streaming: boolean;
  if (request.engine === 'aurora-postgresql') {
    const checks = postgresChecks(request);
    sqlFindings.push(...evaluatePgUser(await rows(checks.user.sql), request.cdc.user).findings);
    sqlFindings.push(...evaluatePgTablePrivileges(await rows(checks.tablePrivileges.sql), request.cdc).findings);
    sqlFindings.push(...evaluatePublication(await rows(checks.publication.sql), request.cdc).findings);
    const slot = evaluateSlot(await rows(checks.slot.sql), { database: request.database.databaseName, requireActive: options.requireStreaming });
    sqlFindings.push(...slot.findings);
    streaming = slot.active;
  } else {
    const checks = mysqlChecks(request);
    sqlFindings.push(...evaluateMysqlUser(await rows(checks.user.sql), { user: request.cdc.user, expectIamPlugin: true }).findings);
    sqlFindings.push(...evaluateMysqlGrants(await rows(checks.grants.sql), { database: request.database.databaseName, tables: request.cdc.tables }).findings);
    sqlFindings.push(...evaluateMysqlBinlog(await rows(checks.binlog.sql)).findings);
    const dump = evaluateBinlogDump(await rows(checks.binlogDump.sql), { requireActive: options.requireStreaming });
    sqlFindings.push(...dump.findings);
    streaming = dump.active;
  }
  return { findings: sqlFindings.map(fromSqlFinding), streaming };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.id}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
