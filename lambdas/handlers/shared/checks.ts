// The checks of docs/architecture.md#probe-and-diagnosis, shared by Probe (after provisioning) and Validate (on drift): static checks of
// the cluster, the db-connect role, the pipeline-role policy and the chain as IAM evaluates it; database
// checks through the Data API; each failure named by a diagnosis catalogue entry.
import { redpandaIngressCidrs } from '../../core/aurora-settings.js';
import { checkCluster, type Finding } from '../../core/cluster-checks.js';
import { comparePolicy, dbConnectRoleArtifacts, type PolicyDocument } from '../../core/iam.js';
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
import type { SqlTarget } from '../../ports/sql.js';
import type { StepDeps } from './deps.js';
import type { LinkRef } from './state.js';

export type { Finding } from '../../core/cluster-checks.js';

export interface StaticFacts {
  readonly resourceId?: string;
  readonly endpoint?: string;
  readonly port?: number;
  readonly secretArn?: string;
  readonly clusterArn?: string;
  readonly dbConnectRoleArn?: string;
  /** Whether the pipeline-role policy could be read through the inspector role. */
  readonly pipelineRoleReadable: boolean;
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

type CheckDeps = Pick<StepDeps, 'aurora' | 'network' | 'iam' | 'pipelineRole' | 'simulator'>;

/** Everything that can be judged without touching the database. */
export async function staticChecks(
  deps: CheckDeps,
  request: LinkRequest,
  link: LinkRef,
  options: { readonly natGateways?: readonly string[]; readonly pipelineRolePolicyApplied?: boolean } = {},
): Promise<StaticResult> {
  const findings: Finding[] = [];
  const cluster = await deps.aurora.describeCluster(request.database.clusterIdentifier);
  if (!cluster) {
    findings.push({
      id: 'cluster-missing',
      severity: 'error',
      message: `cluster ${request.database.clusterIdentifier} does not exist in account ${link.dbAccountId}, region ${link.region}`,
    });
    return { findings, facts: { pipelineRoleReadable: false } };
  }
  const parameters = await deps.aurora.describeClusterParameters(cluster.parameterGroup);
  const ingress = [];
  for (const groupId of cluster.vpcSecurityGroupIds) ingress.push(...((await deps.network.describeSecurityGroup(groupId))?.ingress ?? []));
  let natCidrs: readonly string[] | undefined;
  try {
    natCidrs = options.natGateways ? redpandaIngressCidrs(options.natGateways) : undefined;
  } catch {
    natCidrs = undefined;
  }
  findings.push(...checkCluster(request, { cluster, parameters, ...(natCidrs ? { ingress, natCidrs } : {}) }));

  const wanted = dbConnectRoleArtifacts(request, { dbAccountId: link.dbAccountId, region: link.region, clusterResourceId: cluster.resourceId });
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
        fix: `trust exactly ${wanted.pipelineRole.roleArn} (Validate restores it when selfHeal is on)`,
      });
    }
    if (role.tags[REDPANDA_SCOPE_TAG_KEY] !== REDPANDA_SCOPE_TAG_VALUE) {
      findings.push({
        id: 'assume-role-denied-missing-tag',
        severity: 'error',
        message: `${wanted.roleName} lacks the tag ${REDPANDA_SCOPE_TAG_KEY}=${REDPANDA_SCOPE_TAG_VALUE} the pipeline-role policy requires`,
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

  const view = await deps.pipelineRole.inspect(wanted.pipelineRole.roleName);
  let pipelineRoleReadable = false;
  if (!view.available) {
    findings.push({
      id: options.pipelineRolePolicyApplied === false ? 'assume-role-denied-missing-inline-policy' : 'pipeline-role-unverified',
      severity: options.pipelineRolePolicyApplied === false ? 'error' : 'warning',
      message:
        options.pipelineRolePolicyApplied === false
          ? `the inline policy ${wanted.pipelineRole.policy.policyName} is not on ${wanted.pipelineRole.roleName} yet (${view.reason})`
          : `the pipeline role could not be read: ${view.reason}`,
      fix: `${wanted.pipelineRole.attachCommand} (in account ${request.redpanda.accountId}), or deploy RpcnAurora-RedpandaAccess there`,
    });
  } else if (!view.exists) {
    findings.push({
      id: 'pipeline-role-missing',
      severity: 'error',
      message: `the pipeline role ${wanted.pipelineRole.roleName} does not exist in account ${request.redpanda.accountId}: is the Redpanda cluster id right, and does the cluster run Redpanda Connect?`,
    });
  } else {
    pipelineRoleReadable = true;
    const ours = view.inlinePolicies[wanted.pipelineRole.policy.policyName];
    const differences = comparePolicy(wanted.pipelineRole.policy.document, ours);
    if (differences.length > 0) {
      findings.push({
        id: 'assume-role-denied-missing-inline-policy',
        severity: 'error',
        message: ours
          ? `the inline policy ${wanted.pipelineRole.policy.policyName} on ${wanted.pipelineRole.roleName} differs: ${differences.join('; ')}`
          : `the inline policy ${wanted.pipelineRole.policy.policyName} is missing from ${wanted.pipelineRole.roleName}`,
        fix: `${wanted.pipelineRole.attachCommand} (in account ${request.redpanda.accountId}; Validate puts it back when selfHeal is on)`,
      });
    }
    if (role) {
      const identityPolicies: PolicyDocument[] = [...Object.values(view.inlinePolicies), ...view.attachedPolicies.map((p) => p.document)];
      const assume = await deps.simulator.simulateAssumeRole({
        pipelineRoleArn: view.arn,
        identityPolicies,
        dbConnectRoleArn: role.arn,
        trustPolicy: role.trustPolicy,
        dbConnectRoleTags: role.tags,
      });
      if (assume.decision !== 'allowed') {
        findings.push({
          id: 'assume-role-denied',
          severity: 'error',
          message: `IAM ${assume.decision === 'explicitDeny' ? 'explicitly denies' : 'does not allow'} ${view.arn} sts:AssumeRole on ${role.arn}: ${assume.detail}`,
        });
      }
    }
  }
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
      pipelineRoleReadable,
    },
  };
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
