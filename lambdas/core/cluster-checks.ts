// Static checks of an Aurora cluster for CDC with IAM auth (docs/architecture.md#probe-and-diagnosis): used to judge an adopted cluster
// before anything is done with it, by the probe, and by Validate. Pure: takes what RDS/EC2 describe.
import { checkClusterParameters } from './aurora-settings.js';
import type { LinkRequest } from './request.js';
import type { ClusterDescription, ClusterParameter, IngressRule } from '../ports/aurora.js';

/** One failed check; `id` is a diagnosis catalogue entry (lambdas/core/diagnosis.ts) where one fits. */
export interface Finding {
  readonly id: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly fix?: string;
}

export interface ClusterFacts {
  readonly cluster: ClusterDescription;
  readonly parameters: readonly ClusterParameter[];
  /** Ingress rules of the cluster's security groups; undefined when not looked at. */
  readonly ingress?: readonly IngressRule[];
  /** `/32` CIDRs of the Redpanda NAT gateways. */
  readonly natCidrs?: readonly string[];
}

const ENGINE_OF: Readonly<Record<LinkRequest['engine'], string>> = {
  'aurora-postgresql': 'aurora-postgresql',
  'aurora-mysql': 'aurora-mysql',
};

export function checkCluster(request: LinkRequest, facts: ClusterFacts): Finding[] {
  const { cluster } = facts;
  const id = cluster.identifier;
  const findings: Finding[] = [];
  if (cluster.engine !== ENGINE_OF[request.engine]) {
    findings.push({
      id: 'cluster-engine-mismatch',
      severity: 'error',
      message: `cluster ${id} runs ${cluster.engine}, but the request says ${request.engine}`,
      fix: `set "engine": "${cluster.engine}" in the request, or adopt another cluster`,
    });
    return findings;
  }
  if (!cluster.iamAuthEnabled) {
    findings.push({
      id: 'iam-db-auth-disabled',
      severity: 'error',
      message: `cluster ${id} has IAM database authentication turned off`,
      fix: `aws rds modify-db-cluster --db-cluster-identifier ${id} --enable-iam-database-authentication --apply-immediately`,
    });
  }
  if (!cluster.httpEndpointEnabled) {
    findings.push({
      id: 'data-api-not-enabled',
      severity: 'error',
      message: `cluster ${id} has the RDS Data API turned off; the CDC setup SQL runs through it`,
      fix: `aws rds enable-http-endpoint --resource-arn ${cluster.arn}`,
    });
  }
  if (!cluster.masterUserSecretArn) {
    findings.push({
      id: 'cluster-master-secret-missing',
      severity: 'error',
      message: `cluster ${id} keeps no RDS-managed master user secret; the Data API needs a secret to run the setup SQL`,
      fix: `aws rds modify-db-cluster --db-cluster-identifier ${id} --manage-master-user-password --apply-immediately`,
    });
  }
  const keyArn = cluster.masterUserSecretKmsKeyId;
  const [, , , keyRegion, keyAccount] = keyArn?.startsWith('arn:') === true ? keyArn.split(':') : [];
  const [, , , clusterRegion, clusterAccount] = cluster.arn.split(':');
  if (keyArn !== undefined && keyAccount !== undefined && (keyAccount !== clusterAccount || keyRegion !== clusterRegion)) {
    // The deployment grants kms:Decrypt only on keys of its own account and region (lib/permissions.ts managedSecretDecrypt).
    findings.push({
      id: 'master-secret-key-not-covered',
      severity: 'error',
      message: `the master secret of cluster ${id} is encrypted with the KMS key ${keyArn} (account ${keyAccount}, ${keyRegion}), which the steps' kms:Decrypt grant (keys of account ${clusterAccount} in ${clusterRegion}, through Secrets Manager) does not cover: the Data API could not read the secret`,
      fix: `aws rds modify-db-cluster --db-cluster-identifier ${id} --manage-master-user-password --master-user-secret-kms-key-id <a key of account ${clusterAccount} in ${clusterRegion}, or alias/aws/secretsmanager> --apply-immediately`,
    });
  }
  const writer = cluster.members.find((m) => m.isWriter);
  const report = checkClusterParameters(request.engine, facts.parameters, {
    clusterIdentifier: id,
    parameterGroupName: cluster.parameterGroup,
    writerInstanceIdentifier: writer?.instanceIdentifier,
    writerParameterGroupStatus: writer?.parameterGroupStatus,
  });
  for (const f of report.findings) {
    if (f.status === 'ok') continue;
    findings.push({
      id: parameterFindingId(f.parameter, f.status),
      severity: f.requirement === 'required' ? 'error' : 'warning',
      message: f.message,
      ...(f.fix ? { fix: f.fix } : {}),
    });
  }
  if (facts.ingress && facts.natCidrs) {
    const missing = facts.natCidrs.filter((cidr) => !facts.ingress!.some((r) => r.port === cluster.port && covers(r.cidr, cidr)));
    if (missing.length > 0) {
      findings.push({
        id: 'db-network-unreachable',
        severity: 'warning',
        message: `no security group of cluster ${id} allows port ${cluster.port} from the Redpanda side of the link: ${missing.join(', ')}`,
        fix: missing
          .map((cidr) => `aws ec2 authorize-security-group-ingress --group-id ${cluster.vpcSecurityGroupIds[0] ?? '<group-id>'} --protocol tcp --port ${cluster.port} --cidr ${cidr}`)
          .join('; '),
      });
    }
  }
  return findings;
}

function parameterFindingId(parameter: string, status: string): string {
  // Set right in the group, not running yet: the fix is the reboot, not the parameter.
  if (status === 'pending-reboot') return 'writer-reboot-pending';
  switch (parameter) {
    case 'rds.logical_replication':
      return 'pg-logical-replication-off';
    case 'rds.iam_auth_for_replication':
      return 'pg-iam-auth-for-replication-off';
    case 'binlog_format':
      return 'mysql-binlog-not-row';
    case 'max_replication_slots':
    case 'max_wal_senders':
      return 'pg-replication-slots-exhausted';
    default:
      return 'cluster-parameter-not-set';
  }
}

/** Whether IPv4 CIDR `outer` contains CIDR `inner`. */
export function covers(outer: string, inner: string): boolean {
  const parse = (cidr: string): [number, number] | undefined => {
    const [ip, bits = '32'] = cidr.split('/');
    const parts = (ip ?? '').split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
    return [parts.reduce((a, p) => a * 256 + p, 0), Number(bits)];
  };
  const o = parse(outer);
  const i = parse(inner);
  if (!o || !i || i[1] < o[1]) return false;
  const size = 2 ** (32 - o[1]);
  return Math.floor(i[0] / size) === Math.floor(o[0] / size);
}
