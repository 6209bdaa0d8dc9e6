import { describe, expect, it } from '@jest/globals';
import { checkCluster } from '../../lambdas/core/cluster-checks.js';
import { catalogueEntry } from '../../lambdas/core/diagnosis.js';
import { assertRequest } from '../../lambdas/core/request.js';
import type { ClusterDescription, ClusterParameter } from '../../lambdas/ports/aurora.js';

const request = assertRequest({
  name: 'billing',
  engine: 'aurora-postgresql',
  database: { create: false, clusterIdentifier: 'shop-db', engineVersion: '17.4', databaseName: 'shop' },
  cdc: { user: 'rpcn_billing', schema: 'public', tables: ['orders'], snapshot: false },
  redpanda: { clusterId: 'curl3eo533cmsnt23dv0', accountId: '861276079005', topic: 'billing.cdc' },
});

const cluster = (writerStatus: string): ClusterDescription => ({
  identifier: 'shop-db',
  arn: 'arn:aws:rds:us-east-2:111111111111:cluster:shop-db',
  resourceId: 'cluster-ABC',
  status: 'available',
  engine: 'aurora-postgresql',
  engineVersion: '17.4',
  endpoint: 'shop-db.cluster-x.us-east-2.rds.amazonaws.com',
  port: 5432,
  iamAuthEnabled: true,
  httpEndpointEnabled: true,
  storageEncrypted: true,
  masterUserSecretArn: 'arn:aws:secretsmanager:us-east-2:111111111111:secret:rds!cluster-1',
  parameterGroup: 'shop-db-params',
  vpcSecurityGroupIds: [],
  members: [{ instanceIdentifier: 'shop-db-writer', isWriter: true, parameterGroupStatus: writerStatus }],
  tags: {},
});

const GOOD: readonly ClusterParameter[] = [
  { name: 'rds.logical_replication', value: '1', applyType: 'static', isModifiable: true },
  { name: 'rds.iam_auth_for_replication', value: '1', applyType: 'dynamic', isModifiable: true },
  { name: 'max_replication_slots', value: '20', applyType: 'static', isModifiable: true },
  { name: 'max_wal_senders', value: '20', applyType: 'static', isModifiable: true },
];

describe('checkCluster on a writer that has not applied its parameter group', () => {
  it('reports writer-reboot-pending (not a wrong parameter) with the reboot of the writer as the fix', () => {
    const errors = checkCluster(request, { cluster: cluster('pending-reboot'), parameters: GOOD }).filter((f) => f.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const f of errors) {
      expect(f.id).toBe('writer-reboot-pending');
      expect(f.fix).toContain('aws rds reboot-db-instance --db-instance-identifier shop-db-writer');
    }
    expect(catalogueEntry('writer-reboot-pending')!.fix.join(' ')).toContain('reboot-db-instance');
  });

  it('reports nothing once the writer is in-sync', () => {
    expect(checkCluster(request, { cluster: cluster('in-sync'), parameters: GOOD }).filter((f) => f.severity === 'error')).toEqual([]);
  });
});
