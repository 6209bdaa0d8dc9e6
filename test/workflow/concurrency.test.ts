// The link lock in the offline twin, through the committed ASL: Provision, Teardown and Rotate of one link never
// interleave. A second one is refused with LinkLockedError naming the execution that holds the link; every
// success and failure path releases the lock (a rollback hands it to its Teardown); a lock left by an execution
// that no longer runs, or older than any execution lasts, is taken over.
import { jest } from '@jest/globals';
import { executionArn } from '../../local/workflow/runner.js';
import type { OfflineTwin } from '../../local/twin.js';
import { pgRequest, startTwin, waitFor } from './support.js';

jest.setTimeout(300_000);

let twin: OfflineTwin;

beforeAll(async () => {
  twin = await startTwin();
});

afterAll(async () => {
  await twin?.stop();
});

const lockOf = async (link: string) => (await twin.deps.registry.get(link))?.lock;

test('two Provisions of one link started together: one provisions, the other is refused with LinkLockedError naming it', async () => {
  const raw = pgRequest('twice');
  const [a, b] = await Promise.all([twin.provision(raw, { executionName: 'twice-a' }), twin.provision(raw, { executionName: 'twice-b' })]);
  const outcomes = [a, b].map((r) => ({ status: r.status, error: r.error }));
  expect(outcomes).toContainEqual({ status: 'SUCCEEDED', error: undefined });
  expect(outcomes).toContainEqual({ status: 'FAILED', error: 'LinkLockedError' });
  const [winner, loser] = a.status === 'SUCCEEDED' ? ['twice-a', b] : ['twice-b', a];
  expect(loser.cause).toMatch(new RegExp(`^ValidateRequest failed: link twice is being provisioned by execution ${executionArn('provision', winner)} \\(since `));
  const record = await twin.deps.registry.get('twice');
  // The refused one recorded nothing on the link and did not release the winner's lock before it finished.
  expect(record).toMatchObject({ status: 'ready' });
  expect(record?.failure).toBeUndefined();
  expect(record?.lock).toBeUndefined();
});

test('a Teardown while the link is provisioning is refused, naming the Provision; once it has finished the Teardown runs', async () => {
  const raw = pgRequest('busy');
  const provisioning = twin.provision(raw, { executionName: 'busy-provision' });
  const held = await waitFor('the Provision holding the lock', () => lockOf('busy'), 30_000);
  expect(held).toMatchObject({ executionArn: executionArn('provision', 'busy-provision'), workflow: 'provision' });
  const refused = await twin.teardown({ link: 'busy', skipFinalSnapshot: true }, { executionName: 'busy-teardown-early' });
  expect({ status: refused.status, error: refused.error }).toEqual({ status: 'FAILED', error: 'LinkLockedError' });
  expect(refused.cause).toContain(`link busy is being provisioned by execution ${executionArn('provision', 'busy-provision')}`);
  expect((await provisioning).status).toBe('SUCCEEDED');
  expect(await lockOf('busy')).toBeUndefined();
  const teardown = await twin.teardown({ link: 'busy', skipFinalSnapshot: true }, { executionName: 'busy-teardown' });
  expect(teardown.status).toBe('SUCCEEDED');
  expect(await twin.deps.registry.get('busy')).toMatchObject({ status: 'deleted' });
  expect(await lockOf('busy')).toBeUndefined();
});

test('a failed Provision releases the lock; a new Provision then works', async () => {
  const raw = pgRequest('fails');
  twin.stepFaults.set('CreatePipeline', { error: 'PipelineConfigError', message: 'injected refusal', times: 1 });
  const failed = await twin.provision(raw, { executionName: 'fails-1' });
  expect({ status: failed.status, error: failed.error }).toEqual({ status: 'FAILED', error: 'PipelineConfigError' });
  expect(await lockOf('fails')).toBeUndefined();
  const again = await twin.provision(raw, { executionName: 'fails-2' });
  expect(again.status).toBe('SUCCEEDED');
  expect(await lockOf('fails')).toBeUndefined();
});

test('a rolled-back Provision hands the lock to its Teardown, which releases it', async () => {
  const raw = pgRequest('rolls', (r) => (r.onFailure = 'rollback'));
  twin.stepFaults.set('CreatePipeline', { error: 'PipelineConfigError', message: 'injected refusal', times: 1 });
  const failed = await twin.provision(raw, { executionName: 'rolls-1' });
  expect({ status: failed.status, error: failed.error }).toEqual({ status: 'FAILED', error: 'PipelineConfigError' });
  expect(await twin.executions.status(executionArn('teardown', 'rolls-1-teardown'))).toBe('SUCCEEDED');
  expect(await twin.deps.registry.get('rolls')).toMatchObject({ status: 'deleted' });
  expect(await lockOf('rolls')).toBeUndefined();
});

test('a lock left by an execution that no longer runs is taken over; so is one older than any execution lasts', async () => {
  // An execution that failed without releasing (as if its last step had crashed): DescribeExecution says FAILED.
  const finished = executionArn('provision', 'fails-1');
  expect(await twin.executions.status(finished)).toBe('FAILED');
  const stale = { executionArn: finished, workflow: 'provision' as const, takenAt: new Date().toISOString() };
  expect(await twin.deps.registry.acquireLock('fails', stale)).toEqual({ acquired: true });
  const rerun = await twin.provision(pgRequest('fails'), { executionName: 'fails-3' });
  expect(rerun.status).toBe('SUCCEEDED');
  expect(await lockOf('fails')).toBeUndefined();

  // Still RUNNING by DescribeExecution, but taken longer ago than any state machine's timeout.
  const stuck = executionArn('rotate', 'stuck');
  twin.executions.record(stuck, 'RUNNING');
  const old = { executionArn: stuck, workflow: 'rotate' as const, takenAt: new Date(Date.now() - 4 * 3600_000).toISOString() };
  expect(await twin.deps.registry.acquireLock('fails', old)).toEqual({ acquired: true });
  const teardown = await twin.teardown({ link: 'fails', skipFinalSnapshot: true }, { executionName: 'fails-teardown' });
  expect(teardown.status).toBe('SUCCEEDED');
  expect(await lockOf('fails')).toBeUndefined();

  // A recent lock of an execution that runs is respected.
  const running = executionArn('rotate', 'running');
  twin.executions.record(running, 'RUNNING');
  expect(await twin.deps.registry.acquireLock('twice', { executionArn: running, workflow: 'rotate', takenAt: new Date().toISOString() })).toEqual({ acquired: true });
  const refused = await twin.provision(pgRequest('twice'), { executionName: 'twice-c' });
  expect({ status: refused.status, error: refused.error }).toEqual({ status: 'FAILED', error: 'LinkLockedError' });
  expect(refused.cause).toContain(`link twice is being rotated by execution ${running}`);
  expect(await lockOf('twice')).toMatchObject({ executionArn: running });
  twin.executions.record(running, 'SUCCEEDED');
});
