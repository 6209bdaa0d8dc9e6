// checkCluster on an adopted cluster's master secret key: the deployment's kms:Decrypt grant covers keys of its
// own account and region only (lib/permissions.ts managedSecretDecrypt), so a key elsewhere is refused up front.
import { readFileSync } from 'node:fs';
import { checkCluster } from '../../lambdas/core/cluster-checks.js';
import { catalogueEntry } from '../../lambdas/core/diagnosis.js';
import { assertRequest } from '../../lambdas/core/request.js';
import type { ClusterDescription } from '../../lambdas/ports/aurora.js';

const request = assertRequest(JSON.parse(readFileSync(new URL('../../examples/existing-cluster.json', import.meta.url), 'utf8')));
const cluster: ClusterDescription = {
  identifier: 'billing-prod',
  arn: 'arn:aws:rds:us-east-2:111111111111:cluster:billing-prod',
  resourceId: 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  status: 'available',
  engine: 'aurora-postgresql',
  engineVersion: '16.4',
  port: 5432,
  iamAuthEnabled: true,
  httpEndpointEnabled: true,
  storageEncrypted: true,
  masterUserSecretArn: 'arn:aws:secretsmanager:us-east-2:111111111111:secret:rds!cluster-1234-AbCdEf',
  parameterGroup: 'billing-params',
  vpcSecurityGroupIds: [],
  members: [],
  tags: {},
};
const keyFindings = (c: ClusterDescription) => checkCluster(request, { cluster: c, parameters: [] }).filter((f) => f.id === 'master-secret-key-not-covered');

test('a key of the account and region (customer managed or aws/secretsmanager) is covered by the grant', () => {
  expect(keyFindings({ ...cluster, masterUserSecretKmsKeyId: 'arn:aws:kms:us-east-2:111111111111:key/0f0f0f0f-1111-2222-3333-444455556666' })).toEqual([]);
  expect(keyFindings(cluster)).toEqual([]);
});

test.each([
  ['another account', 'arn:aws:kms:us-east-2:222222222222:key/0f0f0f0f-1111-2222-3333-444455556666', 'account 222222222222, us-east-2'],
  ['another region', 'arn:aws:kms:eu-west-1:111111111111:key/0f0f0f0f-1111-2222-3333-444455556666', 'account 111111111111, eu-west-1'],
])('a key of %s is an error naming the key and the fix', (_what, key, where) => {
  const [finding] = keyFindings({ ...cluster, masterUserSecretKmsKeyId: key });
  expect(finding).toMatchObject({ severity: 'error', message: expect.stringContaining(`the KMS key ${key} (${where})`), fix: expect.stringContaining('--master-user-secret-kms-key-id') });
  expect(catalogueEntry('master-secret-key-not-covered')).toMatchObject({ source: 'probe' });
});
