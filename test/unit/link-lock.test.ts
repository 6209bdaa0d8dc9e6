// takeLinkLock over the twin's registry (DynamoDB's conditional-write semantics) and a scripted DescribeExecution.
import { LINK_LOCK_TTL_MS, releaseLinkLock, takeLinkLock } from '../../lambdas/handlers/shared/lock.js';
import type { ExecutionStatus } from '../../lambdas/ports/executions.js';
import { InMemoryRegistry } from '../../local/aws/registry.js';
import type { LinkRecord } from '../../lambdas/ports/registry.js';

const NOW = new Date('2026-12-08T01:00:00Z');
const arn = (name: string) => `arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-provision:${name}`;

function setup(statuses: Record<string, ExecutionStatus>) {
  const registry = new InMemoryRegistry(() => NOW);
  const deps = { registry, clock: () => NOW, executions: { status: async (a: string) => statuses[a] } };
  return { registry, deps };
}

async function withRecord(registry: InMemoryRegistry): Promise<void> {
  await registry.ensure({ name: 'orders', status: 'ready', owned: {}, verdicts: [], createdAt: NOW.toISOString(), updatedAt: NOW.toISOString() } as unknown as LinkRecord);
}

test('a running holder refuses with LinkLockedError naming it; PENDING_REDRIVE counts as running', async () => {
  for (const status of ['RUNNING', 'PENDING_REDRIVE'] as const) {
    const { registry, deps } = setup({ [arn('first')]: status });
    await withRecord(registry);
    await takeLinkLock(deps, { link: 'orders', workflow: 'provision', executionArn: arn('first') });
    await expect(takeLinkLock(deps, { link: 'orders', workflow: 'teardown', executionArn: arn('second') })).rejects.toMatchObject({
      name: 'LinkLockedError',
      message: `link orders is being provisioned by execution ${arn('first')} (since ${NOW.toISOString()}); start again when it has finished, or stop that execution`,
    });
  }
});

test('the same execution (a retried step) takes it again', async () => {
  const { registry, deps } = setup({ [arn('first')]: 'RUNNING' });
  await withRecord(registry);
  await takeLinkLock(deps, { link: 'orders', workflow: 'provision', executionArn: arn('first') });
  await expect(takeLinkLock(deps, { link: 'orders', workflow: 'provision', executionArn: arn('first') })).resolves.toEqual({});
});

test.each(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', undefined] as const)('a holder that is %s is taken over', async (status) => {
  const { registry, deps } = setup(status === undefined ? {} : { [arn('first')]: status });
  await withRecord(registry);
  await takeLinkLock(deps, { link: 'orders', workflow: 'provision', executionArn: arn('first') });
  await expect(takeLinkLock(deps, { link: 'orders', workflow: 'teardown', executionArn: arn('second') })).resolves.toEqual({ tookOverFrom: arn('first') });
  expect((await registry.get('orders'))?.lock).toMatchObject({ executionArn: arn('second'), workflow: 'teardown' });
});

test('the execution that started this one hands its lock on (Provision to its rollback Teardown)', async () => {
  const { registry, deps } = setup({ [arn('parent')]: 'RUNNING' });
  await withRecord(registry);
  await takeLinkLock(deps, { link: 'orders', workflow: 'provision', executionArn: arn('parent') });
  await expect(takeLinkLock(deps, { link: 'orders', workflow: 'teardown', executionArn: arn('child'), startedBy: arn('parent') })).resolves.toEqual({ tookOverFrom: arn('parent') });
});

test('a lock older than the TTL is taken over even if DescribeExecution says RUNNING', async () => {
  const { registry, deps } = setup({ [arn('stuck')]: 'RUNNING' });
  await withRecord(registry);
  const takenAt = new Date(NOW.getTime() - LINK_LOCK_TTL_MS - 1).toISOString();
  await registry.acquireLock('orders', { executionArn: arn('stuck'), workflow: 'rotate', takenAt });
  await expect(takeLinkLock(deps, { link: 'orders', workflow: 'provision', executionArn: arn('new') })).resolves.toEqual({ tookOverFrom: arn('stuck') });
});

test('release removes only its own lock', async () => {
  const { registry, deps } = setup({});
  await withRecord(registry);
  await takeLinkLock(deps, { link: 'orders', workflow: 'provision', executionArn: arn('first') });
  await releaseLinkLock(deps, 'orders', arn('other'));
  expect((await registry.get('orders'))?.lock?.executionArn).toBe(arn('first'));
  await releaseLinkLock(deps, 'orders', arn('first'));
  expect((await registry.get('orders'))?.lock).toBeUndefined();
});

test('the TTL outlasts every state machine timeout', async () => {
  const { readFileSync } = await import('node:fs');
  for (const machine of ['provision', 'teardown', 'rotate']) {
    const asl = JSON.parse(readFileSync(new URL(`../../statemachines/${machine}.asl.json`, import.meta.url), 'utf8')) as { TimeoutSeconds: number };
    expect(asl.TimeoutSeconds * 1000).toBeLessThan(LINK_LOCK_TTL_MS);
  }
});
