// A parameter group used within minutes of its creation may leave the new writer `pending-reboot` (its static
// parameters not running, docs/reference/aws.md A2): Provision reboots a writer it created before the setup SQL,
// and refuses, with the owner's command, for an adopted cluster it must never reboot.
import { jest } from '@jest/globals';
import type { OfflineTwin } from '../../local/twin.js';
import { appSql, normalized, pgRequest, startTwin } from './support.js';

jest.setTimeout(120_000);

let twin: OfflineTwin;

beforeAll(async () => {
  // Every cluster in this twin is created within 5 emulated minutes of its parameter group.
  twin = await startTwin({ rds: { parameterGroupSettleMs: 5 * 60_000 } });
});

afterAll(async () => {
  await twin?.stop();
});

const stateEvents = (result: Awaited<ReturnType<OfflineTwin['provision']>>, type: string, name: string) =>
  result.events.map((e, i) => ({ e, i })).filter(({ e }) => e.type === type && e.state?.name === name);

test('Provision reboots a pending-reboot writer it created and waits for in-sync before RunSetupSql', async () => {
  const raw = pgRequest('fresh');
  const request = normalized(raw);
  const reboots = twin.aws.faults.calls('aurora.rebootInstance');
  const result = await twin.provision(raw, { executionName: 'fresh' });
  expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
  expect(twin.aws.faults.calls('aurora.rebootInstance') - reboots).toBe(1);

  const checks = stateEvents(result, 'StateExited', 'CheckAurora');
  const rebooted = checks.find(({ e }) => (e.state?.output as { aurora?: { writerRebootedAt?: string } }).aurora?.writerRebootedAt !== undefined);
  expect(rebooted).toBeDefined();
  // The check that rebooted did not let the branch on: at least one more check (the writer back, in-sync) came first.
  expect((rebooted!.e.state!.output as { aurora: { ready: boolean } }).aurora.ready).toBe(false);
  const setup = stateEvents(result, 'StateEntered', 'RunSetupSql');
  expect(setup).toHaveLength(1);
  expect(setup[0]!.i).toBeGreaterThan(rebooted!.i);
  const lastCheck = checks.filter(({ i }) => i < setup[0]!.i).at(-1)!;
  expect(lastCheck.e.state!.output).toMatchObject({ aurora: { ready: true } });

  const cluster = (await twin.deps.aurora.describeCluster(request.database.clusterIdentifier))!;
  expect(cluster.members.find((m) => m.isWriter)?.parameterGroupStatus).toBe('in-sync');
  expect(await appSql(twin, request, 'SHOW wal_level')).toEqual([{ wal_level: 'logical' }]);
});

test('an adopted cluster whose writer is pending-reboot is refused with the command for its owner, and never rebooted', async () => {
  await twin.aws.registerExistingCluster({
    identifier: 'legacy-pending',
    engine: 'aurora-postgresql',
    databaseName: 'demo_db',
    writerInstanceIdentifier: 'legacy-pending-writer',
    parameters: { 'rds.logical_replication': '1', 'rds.iam_auth_for_replication': '1', max_replication_slots: '10', max_wal_senders: '10' },
    pendingReboot: true,
  });
  const adopted = pgRequest('adopt-pending', (r) => {
    r.database = { create: false, clusterIdentifier: 'legacy-pending', engineVersion: '17.4', databaseName: 'demo_db' };
  });
  const reboots = twin.aws.faults.calls('aurora.rebootInstance');
  const result = await twin.provision(adopted, { executionName: 'adopt-pending' });
  expect(result.status).toBe('FAILED');
  expect(result.error).toBe('AdoptedClusterNotReadyError');
  expect(result.cause).toContain('[writer-reboot-pending]');
  expect(result.cause).toContain('aws rds reboot-db-instance --db-instance-identifier legacy-pending-writer');
  expect(stateEvents(result, 'StateEntered', 'RunSetupSql')).toEqual([]);
  expect(twin.aws.faults.calls('aurora.rebootInstance')).toBe(reboots);
  expect((await twin.deps.aurora.describeCluster('legacy-pending'))!.members[0]!.parameterGroupStatus).toBe('pending-reboot');
  expect((await twin.deps.registry.get('adopt-pending'))?.failure).toMatchObject({ step: 'EnsureAurora', diagnosis: { id: 'writer-reboot-pending' } });
});
