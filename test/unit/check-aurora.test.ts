// CheckAurora's handling of a writer that has not applied its parameter group (docs/reference/aws.md A2).
import { describe, expect, it, jest } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { linkNames } from '../../lambdas/core/naming.js';
import { assertRequest } from '../../lambdas/core/request.js';
import { makeHandler } from '../../lambdas/handlers/check-aurora.js';
import type { AuroraState } from '../../lambdas/handlers/shared/state.js';
import type { AuroraPort, ClusterDescription } from '../../lambdas/ports/aurora.js';

const DB = '111111111111';
const request = assertRequest({
  name: 'orders',
  engine: 'aurora-postgresql',
  database: { databaseName: 'demo_db' },
  cdc: { user: 'iam_demo_user', schema: 'public', tables: ['orders'] },
  redpanda: { clusterId: 'curl3eo533cmsnt23dv0', accountId: '861276079005' },
});
const link = { name: 'orders', dbAccountId: DB, region: 'us-east-2' };
const writer = linkNames(request, DB).writerInstanceIdentifier;

function cluster(writerStatus: string, id = request.database.clusterIdentifier, writerId = writer): ClusterDescription {
  return {
    identifier: id, arn: `arn:aws:rds:us-east-2:${DB}:cluster:${id}`, resourceId: 'cluster-X', status: 'available', engine: 'aurora-postgresql',
    engineVersion: '17.4', endpoint: 'db.example', port: 5432, iamAuthEnabled: true, httpEndpointEnabled: true, storageEncrypted: true,
    masterUserSecretArn: 'arn:secret', parameterGroup: 'rpcn-aurora-orders-params', vpcSecurityGroupIds: [],
    members: [{ instanceIdentifier: writerId, isWriter: true, parameterGroupStatus: writerStatus }], tags: {},
  };
}

function state(created: boolean, extra: Partial<AuroraState> = {}): AuroraState {
  return {
    clusterIdentifier: created ? request.database.clusterIdentifier : 'legacy', clusterArn: 'arn', resourceId: 'cluster-X', port: 5432, created,
    status: 'creating', ready: false, deadline: '2099-01-01T00:00:00.000Z', ...extra,
  };
}

function port(statuses: string[], instanceStatus = 'available', clusterOf = (s: string) => cluster(s)) {
  const rebootInstance = jest.fn(async (_id: string) => undefined);
  const aurora = {
    describeCluster: async () => clusterOf(statuses.length > 1 ? statuses.shift()! : statuses[0]!),
    describeInstance: async (identifier: string) => ({ identifier, clusterIdentifier: 'c', status: instanceStatus, tags: {} }),
    enableHttpEndpoint: async () => undefined,
    rebootInstance,
  } as unknown as AuroraPort;
  return { aurora, rebootInstance };
}

const run = (aurora: AuroraPort, input: AuroraState) =>
  makeHandler({ aurora, clock: () => new Date('2026-01-01T00:00:00Z') })({ request, link, aurora: input }, {} as Context);

describe('CheckAurora and the writer parameter group status', () => {
  it('reboots a pending-reboot writer the link created, once, and is not ready until it reports in-sync', async () => {
    const { aurora, rebootInstance } = port(['pending-reboot', 'pending-reboot', 'in-sync']);
    const first = await run(aurora, state(true));
    expect(rebootInstance.mock.calls).toEqual([[writer]]);
    expect(first).toMatchObject({ ready: false, writerRebootedAt: '2026-01-01T00:00:00.000Z' });
    const second = await run(aurora, first);
    expect(rebootInstance).toHaveBeenCalledTimes(1);
    expect(second.ready).toBe(false);
    await expect(run(aurora, second)).resolves.toMatchObject({ ready: true, writerRebootedAt: '2026-01-01T00:00:00.000Z' });
  });

  it('fails closed: a writer that never reports in-sync ends in DeadlineExceededError saying what it waited for', async () => {
    const { aurora } = port(['applying']);
    await expect(run(aurora, state(true, { deadline: '2025-12-31T23:59:00.000Z' }))).rejects.toMatchObject({
      name: 'DeadlineExceededError',
      message: expect.stringContaining(`writer ${writer} of cluster ${request.database.clusterIdentifier} applying parameter group rpcn-aurora-orders-params (now applying)`),
    });
  });

  it("never reboots an adopted cluster's writer: AdoptedClusterNotReadyError with the owner's command", async () => {
    const { aurora, rebootInstance } = port(['pending-reboot'], 'available', (s) => cluster(s, 'legacy', 'legacy-writer'));
    await expect(run(aurora, state(false))).rejects.toMatchObject({
      name: 'AdoptedClusterNotReadyError',
      message: expect.stringContaining('[writer-reboot-pending] the writer legacy-writer of adopted cluster legacy is pending-reboot'),
    });
    await expect(run(aurora, state(false))).rejects.toThrow('aws rds reboot-db-instance --db-instance-identifier legacy-writer');
    expect(rebootInstance).not.toHaveBeenCalled();
  });

  it('an in-sync writer is ready at once, with no reboot', async () => {
    const { aurora, rebootInstance } = port(['in-sync']);
    await expect(run(aurora, state(true))).resolves.toMatchObject({ ready: true });
    expect(rebootInstance).not.toHaveBeenCalled();
  });
});
