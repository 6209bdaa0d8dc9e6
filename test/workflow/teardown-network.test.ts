// Teardown patience: a deleted cluster's network interfaces keep its security group for a while after the
// cluster is gone (DeleteSecurityGroup: DependencyViolation). DeleteAurora waits for them against a deadline
// kept in the state, not a retry count, and names what is still attached when it gives up.
import { jest } from '@jest/globals';
import type { DeleteAuroraOutput } from '../../lambdas/handlers/delete-aurora.js';
import type { OfflineTwin } from '../../local/twin.js';
import { pgRequest, startTwin } from './support.js';

jest.setTimeout(180_000);

async function provisioned(twin: OfflineTwin, name: string): Promise<{ groupId: string; eniId: string }> {
  const result = await twin.provision(pgRequest(name), { executionName: `${name}-provision` });
  expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
  const groupId = (await twin.deps.registry.get(name))!.owned.securityGroupId!;
  const [eni] = await twin.aws.network.describeNetworkInterfaces(groupId);
  expect(eni).toMatchObject({ description: 'RDSNetworkInterface', requesterId: 'amazon-rds', status: 'in-use' });
  return { groupId, eniId: eni!.id };
}

const auroraRounds = (result: Awaited<ReturnType<OfflineTwin['teardown']>>) =>
  result.events
    .filter((e) => e.type === 'StateExited' && e.state?.name === 'DeleteAurora')
    .map((e) => (e.state!.output as { results: { aurora: DeleteAuroraOutput } }).results.aurora);

describe('interfaces released a few seconds after the cluster', () => {
  let twin: OfflineTwin;
  beforeAll(async () => {
    // 30 s Wait states last 150 ms in the local engine: the release takes a dozen rounds.
    twin = await startTwin({ rds: { networkInterfaceReleaseMs: 2_000 }, deadlines: { securityGroupReleaseMs: 60_000 } });
  });
  afterAll(async () => {
    await twin?.stop();
  });

  test('teardown waits through the release and deletes the security group', async () => {
    const { groupId, eniId } = await provisioned(twin, 'patient');
    const result = await twin.teardown({ link: 'patient', skipFinalSnapshot: true });
    expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });

    const waiting = auroraRounds(result).filter((r) => r.securityGroupRelease !== undefined);
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    // One deadline from the first refusal, carried by every round; each round says what was attached.
    expect(new Set(waiting.map((r) => r.securityGroupRelease!.deadline)).size).toBe(1);
    expect(waiting[0]!.securityGroupRelease).toMatchObject({ groupId, attached: [{ id: eniId, requesterId: 'amazon-rds', attachmentStatus: 'detaching' }] });
    expect(auroraRounds(result).at(-1)).toMatchObject({ done: true });
    expect(await twin.aws.network.describeSecurityGroup(groupId)).toBeUndefined();
    expect(await twin.aws.network.describeNetworkInterfaces(groupId)).toEqual([]);
  });
});

describe('interfaces never released', () => {
  let twin: OfflineTwin;
  beforeAll(async () => {
    twin = await startTwin({ rds: { networkInterfaceReleaseMs: Infinity }, deadlines: { securityGroupReleaseMs: 1_500 } });
  });
  afterAll(async () => {
    await twin?.stop();
  });

  test('teardown fails with DeadlineExceededError naming the interface still attached, and keeps the group', async () => {
    const { groupId, eniId } = await provisioned(twin, 'stuck');
    const result = await twin.teardown({ link: 'stuck', skipFinalSnapshot: true });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('DeadlineExceededError');
    expect(result.cause).toContain(`security group rpcn-aurora-stuck (${groupId}) was still in use at the deadline`);
    expect(result.cause).toContain(`DependencyViolation: resource ${groupId} has a dependent object`);
    expect(result.cause).toContain(`still attached: ${eniId} (RDSNetworkInterface, in-use, attachment detaching, requester amazon-rds)`);
    expect(auroraRounds(result).filter((r) => r.securityGroupRelease !== undefined).length).toBeGreaterThanOrEqual(2);
    expect(await twin.aws.network.describeSecurityGroup(groupId)).toBeDefined();
    expect((await twin.deps.registry.get('stuck'))!.owned.securityGroupId).toBe(groupId);
  });
});
