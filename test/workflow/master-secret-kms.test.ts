// An adopted cluster whose RDS-managed master secret is encrypted with a customer managed KMS key. The Data API
// reads that secret with the steps' own permission, so Secrets Manager needs their kms:Decrypt: the deployment's
// Data API grant (lib/permissions.ts managedSecretDecrypt), which the twin's Data API evaluates as deployed. A key
// of another account is refused before anything is created, with its catalogue entry.
import { jest } from '@jest/globals';
import type { OfflineTwin } from '../../local/twin.js';
import { pgRequest, startTwin } from './support.js';

jest.setTimeout(300_000);

const DB = '111111111111';
const OWN_KEY = `arn:aws:kms:us-east-2:${DB}:key/5f0e7c1a-1111-4a2b-9c3d-0123456789ab`;
const FOREIGN_KEY = 'arn:aws:kms:us-east-2:222222222222:key/5f0e7c1a-2222-4a2b-9c3d-0123456789ab';
const CDC_PARAMETERS = { 'rds.logical_replication': '1', 'rds.iam_auth_for_replication': '1', max_replication_slots: '10', max_wal_senders: '10' };

let twin: OfflineTwin;

beforeAll(async () => {
  twin = await startTwin();
});

afterAll(async () => {
  await twin?.stop();
});

async function adoptable(identifier: string, keyArn: string): Promise<void> {
  await twin.aws.registerExistingCluster({ identifier, engine: 'aurora-postgresql', databaseName: 'demo_db', parameters: CDC_PARAMETERS, masterUserSecretKmsKeyId: keyArn });
  const backing = twin.aws.rds.byArn((await twin.deps.aurora.describeCluster(identifier))!.arn)!.backing!;
  await backing.execute('demo_db', backing.master, 'CREATE TABLE public.orders (id serial PRIMARY KEY, item text, qty int)');
}

const adopting = (name: string, identifier: string) =>
  pgRequest(name, (r) => {
    r.database = { create: false, clusterIdentifier: identifier, engineVersion: '17.4', databaseName: 'demo_db' };
  });

test('a customer managed key of the account: the Data API steps may decrypt the secret (the grant), the link provisions', async () => {
  await adoptable('cmk-own', OWN_KEY);
  expect(await twin.deps.aurora.describeCluster('cmk-own')).toMatchObject({ masterUserSecretKmsKeyId: OWN_KEY });
  const result = await twin.provision(adopting('cmkown', 'cmk-own'));
  expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
});

test('a key of another account: refused before anything is created, naming the key and the fix', async () => {
  await adoptable('cmk-foreign', FOREIGN_KEY);
  const result = await twin.provision(adopting('cmkforeign', 'cmk-foreign'));
  expect({ status: result.status, error: result.error }).toEqual({ status: 'FAILED', error: 'AdoptedClusterNotReadyError' });
  expect(result.cause).toMatch(/^EnsureAurora failed: cluster cmk-foreign is not ready/);
  expect(result.cause).toContain(`encrypted with the KMS key ${FOREIGN_KEY} (account 222222222222, us-east-2)`);
  expect(result.cause).toContain('--master-user-secret-kms-key-id');
  // The twin's Data API refuses that secret as AWS would: the grant does not reach a key of another account.
  const cluster = (await twin.deps.aurora.describeCluster('cmk-foreign'))!;
  await expect(twin.deps.sql.execute({ clusterArn: cluster.arn, secretArn: cluster.masterUserSecretArn!, database: 'demo_db' }, 'SELECT 1 AS one')).rejects.toMatchObject({
    name: 'SecretsErrorException',
    message: expect.stringContaining('Access to KMS is not allowed'),
  });
});
