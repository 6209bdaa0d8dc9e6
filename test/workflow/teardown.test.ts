// Teardown in the offline twin, through the committed ASL: nothing left behind (inventory of every part
// equal to before provision), safe to repeat, finishing half-built links, tolerant of transient faults, and
// never touching an adopted cluster or another link's resources. Also Provision's onFailure: "rollback".
import { jest } from '@jest/globals';
import { TEARDOWN_STEPS } from '../../lambdas/handlers/index.js';
import type { TeardownReport } from '../../lambdas/handlers/finish-teardown.js';
import type { OfflineTwin } from '../../local/twin.js';
import { normalized, pgRequest, pipelineRoleRequest, stable, startTwin } from './support.js';

// Whole executions with real databases: seconds each.
jest.setTimeout(180_000);


let twin: OfflineTwin;

/**
 * Every part of the twin: AWS (both accounts' IAM, RDS with each database's users, grants, publications and
 * slots, EC2, Secrets Manager, registry) and Redpanda (topics, users, ACLs, secrets, pipelines). Final
 * snapshots are what a teardown keeps on purpose (checked on their own), and a database ACL that PostgreSQL
 * materialized from its default (PUBLIC CONNECT, TEMPORARY) after a GRANT/REVOKE is the same ACL.
 */
async function inventory(options: { withoutRegistry?: boolean } = {}): Promise<unknown> {
  const aws = (await twin.aws.inventory()) as Record<string, any>;
  if (options.withoutRegistry) delete aws.registry;
  delete aws.rds.clusterSnapshots;
  for (const cluster of aws.rds.clusters ?? []) {
    for (const db of cluster.database?.databases ?? []) {
      db.databaseGrants = (db.databaseGrants ?? []).filter(
        (g: { grantee: string; privilege: string }) => !(g.grantee === 'PUBLIC' && ['CONNECT', 'TEMPORARY'].includes(g.privilege)),
      );
    }
  }
  const { topics, users, acls, secrets, pipelines } = twin.redpanda.stateOf(normalized(pgRequest('xxx')).redpanda.clusterId).snapshot();
  return stable({
    aws,
    redpanda: { topics, users: users.map((u) => u.name), acls, secrets: secrets.map((s) => ({ id: s.id, labels: s.labels })), pipelines: pipelines.map((p) => p.display_name) },
  });
}

beforeAll(async () => {
  twin = await startTwin();
});

afterAll(async () => {
  await twin?.stop();
});

test('provision then teardown leaves every part of the twin as it was (the registry keeps the deleted link)', async () => {
  const before = await inventory({ withoutRegistry: true });
  const raw = pgRequest('gone');
  expect((await twin.provision(raw, { executionName: 'gone' })).status).toBe('SUCCEEDED');
  const result = await twin.teardown({ link: 'gone' }, { executionName: 'gone-teardown' });
  expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
  const report = result.output as TeardownReport;
  expect(report.status).toBe('deleted');
  expect(report.needsHuman).toEqual([]);
  expect(report.deleted.join('\n')).toMatch(
    /pipeline[\s\S]*Redpanda secret[\s\S]*AWS_ACCESS_KEY_ID_A[\s\S]*ACLs[\s\S]*Redpanda user[\s\S]*topic gone.cdc[\s\S]*replication slot[\s\S]*access key AKIA[\s\S]*IAM user rpcn-aurora-gone-connector[\s\S]*IAM role[\s\S]*writer instance[\s\S]*cluster rpcn-aurora-gone[\s\S]*parameter group[\s\S]*security group/,
  );
  expect(report.kept).toEqual([expect.objectContaining({ what: expect.stringMatching(/^final snapshot rpcn-aurora-gone-final-\d{14}$/) })]);
  expect(((await twin.aws.inventory()) as any).rds.clusterSnapshots.map((s: { clusterIdentifier: string }) => s.clusterIdentifier)).toContain('rpcn-aurora-gone');
  expect(await inventory({ withoutRegistry: true })).toEqual(before);
  const record = await twin.deps.registry.get('gone');
  expect(record?.status).toBe('deleted');
  expect(record?.owned).toEqual({});
});

test('teardown twice: the second finds nothing to do and succeeds', async () => {
  const raw = pgRequest('twice');
  expect((await twin.provision(raw)).status).toBe('SUCCEEDED');
  expect((await twin.teardown({ link: 'twice', skipFinalSnapshot: true })).status).toBe('SUCCEEDED');
  const second = await twin.teardown({ link: 'twice' });
  expect(second.status).toBe('SUCCEEDED');
  expect(second.output).toMatchObject({ status: 'already-deleted', deleted: [], needsHuman: [] });
});

test('keepTopic keeps the topic and says why', async () => {
  const raw = pgRequest('keeper');
  expect((await twin.provision(raw)).status).toBe('SUCCEEDED');
  const result = await twin.teardown({ link: 'keeper', keepTopic: true, skipFinalSnapshot: true });
  expect(result.status).toBe('SUCCEEDED');
  expect((result.output as TeardownReport).kept).toContainEqual({ what: 'topic keeper.cdc', why: 'keepTopic was requested' });
  expect(twin.redpanda.stateOf(normalized(raw).redpanda.clusterId).topics.has('keeper.cdc')).toBe(true);
});

const STEPS = Object.keys(TEARDOWN_STEPS).filter((s) => s !== 'RecordFailure');

test.each(STEPS)('a transient fault in %s is retried and the teardown completes', async (step) => {
  const name = `tr-${step.toLowerCase().slice(0, 20)}`;
  expect((await twin.provision(pgRequest(name))).status).toBe('SUCCEEDED');
  twin.stepFaults.set(step, { error: 'AwsThrottledError', times: 1 });
  const result = await twin.teardown({ link: name, skipFinalSnapshot: true });
  expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
  expect(twin.stepFaults.get(step)?.times).toBe(0);
});

test('a teardown that fails midway can be started again and finishes the job', async () => {
  expect((await twin.provision(pgRequest('midway'))).status).toBe('SUCCEEDED');
  twin.stepFaults.set('DeleteDbConnectRole', { error: 'StepAccessDeniedError', times: 1 });
  const failed = await twin.teardown({ link: 'midway', skipFinalSnapshot: true });
  expect(failed.status).toBe('FAILED');
  expect(failed.error).toBe('StepAccessDeniedError');
  const again = await twin.teardown({ link: 'midway', skipFinalSnapshot: true });
  expect(again.status).toBe('SUCCEEDED');
  expect(await twin.deps.iam.getRole('rpcn-aurora-midway-db-connect')).toBeUndefined();
});

// A provision that failed at each step in turn leaves a half-built link; teardown removes exactly it.
const PROVISION_FAIL_AT = [
  'EnsureAurora',
  'RunSetupSql',
  'EnsureConnectorUser',
  'EnsureDbConnectRole',
  'EnsureAccessKey',
  'ApplyPipelineRolePolicy',
  'EnsureTopic',
  'EnsureRedpandaUser',
  'EnsureRedpandaSecrets',
  'CreatePipeline',
  'Probe',
];

test.each(PROVISION_FAIL_AT)('a link whose provision failed at %s tears down cleanly', async (step) => {
  const before = await inventory({ withoutRegistry: true });
  const name = `half-${step.toLowerCase().slice(0, 20)}`;
  twin.stepFaults.set(step, { error: 'StepAccessDeniedError', times: 1 });
  // ApplyPipelineRolePolicy is the first hop of the role modes only.
  const failed = await twin.provision(step === 'ApplyPipelineRolePolicy' ? pipelineRoleRequest(name) : pgRequest(name));
  expect(failed.status).toBe('FAILED');
  const result = await twin.teardown({ link: name, skipFinalSnapshot: true });
  expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
  expect(await inventory({ withoutRegistry: true })).toEqual(before);
});

test('a key left unrecorded by a crash, and a key someone else added, go with the connector user; the report names them', async () => {
  const before = await inventory({ withoutRegistry: true });
  expect((await twin.provision(pgRequest('keyed'))).status).toBe('SUCCEEDED');
  const user = 'rpcn-aurora-keyed-connector';
  const recorded = (await twin.deps.registry.get('keyed'))!.accessKey!.current!.accessKeyId;
  const other = twin.aws.createAccessKey({ userName: user }).accessKeyId;
  const result = await twin.teardown({ link: 'keyed', skipFinalSnapshot: true });
  expect(result.status).toBe('SUCCEEDED');
  const deleted = (result.output as TeardownReport).deleted;
  expect(deleted).toContain(`access key ${recorded} of ${user}`);
  expect(deleted).toContainEqual(expect.stringMatching(new RegExp(`^access key ${other} of ${user}, which the link did not create`)));
  expect(await inventory({ withoutRegistry: true })).toEqual(before);
});

test('onFailure "rollback": a provision that fails leaves nothing behind', async () => {
  const before = await inventory({ withoutRegistry: true });
  twin.stepFaults.set('CreatePipeline', { error: 'StepAccessDeniedError', times: 1 });
  const failed = await twin.provision(pgRequest('rolled', (r) => (r.onFailure = 'rollback')), { executionName: 'rolled' });
  expect(failed.status).toBe('FAILED');
  expect(failed.error).toBe('StepAccessDeniedError');
  expect(failed.events.some((e) => e.type === 'StateEntered' && e.state?.name === 'Rollback')).toBe(true);
  expect(await inventory({ withoutRegistry: true })).toEqual(before);
  expect((await twin.deps.registry.get('rolled'))?.status).toBe('deleted');
});

test('a refused request is never rolled back (the name may belong to another link)', async () => {
  expect((await twin.provision(pgRequest('owner'))).status).toBe('SUCCEEDED');
  const conflicting = pgRequest('owner', (r) => {
    r.cdc.user = 'someone_else';
    r.onFailure = 'rollback';
  });
  const failed = await twin.provision(conflicting);
  expect(failed.error).toBe('RequestConflictError');
  expect(failed.events.some((e) => e.state?.name === 'Rollback')).toBe(false);
  expect((await twin.deps.registry.get('owner'))?.status).toBe('ready');
});

test("an adopted cluster and another link's resources survive a teardown untouched", async () => {
  const neighbour = pgRequest('neighbour');
  expect((await twin.provision(neighbour)).status).toBe('SUCCEEDED');
  await twin.aws.registerExistingCluster({
    identifier: 'legacy-db',
    engine: 'aurora-postgresql',
    databaseName: 'demo_db',
    parameters: { 'rds.logical_replication': '1', 'rds.iam_auth_for_replication': '1', max_replication_slots: '10', max_wal_senders: '10' },
  });
  const legacy = twin.aws.rds.byArn((await twin.deps.aurora.describeCluster('legacy-db'))!.arn)!.backing!;
  await legacy.execute('demo_db', legacy.master, 'CREATE TABLE public.orders (id serial PRIMARY KEY, item text, qty int)');
  const adopted = pgRequest('adopter', (r) => {
    r.database = { create: false, clusterIdentifier: 'legacy-db', engineVersion: '17.4', databaseName: 'demo_db' };
  });
  const before = await inventory({ withoutRegistry: true });
  expect((await twin.provision(adopted)).status).toBe('SUCCEEDED');
  const result = await twin.teardown({ link: 'adopter' });
  expect(result.status).toBe('SUCCEEDED');
  expect((result.output as TeardownReport).kept).toContainEqual(expect.objectContaining({ what: 'cluster legacy-db' }));
  expect(await inventory({ withoutRegistry: true })).toEqual(before);
  expect((await twin.deps.registry.get('neighbour'))?.status).toBe('ready');
});
