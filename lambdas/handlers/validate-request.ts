// Step 1 of Provision: check the request, resolve the Redpanda cluster, and open the link record, before
// anything is created. A bad request, bad credentials or an unusable cluster fail here.
import { redpandaIngressCidrs } from '../core/aurora-settings.js';
import { LinkBusyError, RequestConflictError } from '../core/errors.js';
import { assertRequest, type LinkRequest } from '../core/request.js';
import type { StepDeps } from './shared/deps.js';
import type { LinkRef, RedpandaClusterRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface ValidateRequestInput extends StepEvent {
  readonly request: unknown;
}

export interface ValidateRequestOutput {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
}

/** Fields that identify what a link is; changing them needs a new link (or teardown first). */
const IDENTITY: ReadonlyArray<[string, (r: LinkRequest) => unknown]> = [
  ['engine', (r) => r.engine],
  ['database.create', (r) => r.database.create],
  ['database.clusterIdentifier', (r) => r.database.clusterIdentifier],
  ['database.databaseName', (r) => r.database.databaseName],
  ['cdc.user', (r) => r.cdc.user],
  ['redpanda.clusterId', (r) => r.redpanda.clusterId],
  ['redpanda.accountId', (r) => r.redpanda.accountId],
];

export function identityDifferences(before: LinkRequest, after: LinkRequest): string[] {
  return IDENTITY.filter(([, get]) => JSON.stringify(get(before)) !== JSON.stringify(get(after))).map(
    ([field, get]) => `${field} was ${JSON.stringify(get(before))}, now ${JSON.stringify(get(after))}`,
  );
}

export function makeHandler(deps: Pick<StepDeps, 'deployment' | 'redpanda' | 'registry' | 'clock'>) {
  return defineStep<ValidateRequestInput, ValidateRequestOutput>('ValidateRequest', async ({ request: input }) => {
    const request = assertRequest(input);
    if (request.redpanda.accountId !== deps.deployment.redpandaAccountId) {
      throw new RequestConflictError(
        `redpanda.accountId ${request.redpanda.accountId} is not the Redpanda account this deployment was set up for ` +
          `(${deps.deployment.redpandaAccountId}): its access and IAM-watch stacks cover only that account`,
      );
    }
    const cloud = await deps.redpanda();
    const cluster = await cloud.getCluster(request.redpanda.clusterId);
    // A new public cluster is reachable only from the NAT gateways; without them nothing could connect.
    if (request.database.create) redpandaIngressCidrs(cluster.natGateways);

    const existing = await deps.registry.get(request.name);
    if (existing && existing.status !== 'deleted') {
      if (existing.status === 'deleting') throw new LinkBusyError(`link ${request.name} is being torn down; start again when the teardown has finished`);
      const differences = identityDifferences(existing.request, request);
      if (differences.length > 0) {
        throw new RequestConflictError(
          `link ${request.name} already exists with other identity fields (${differences.join('; ')}): tear it down first or choose another name`,
        );
      }
    }
    const now = deps.clock().toISOString();
    const { dbAccountId, region } = deps.deployment;
    if (!existing || existing.status === 'deleted') {
      await deps.registry.ensure({
        name: request.name,
        status: 'provisioning',
        request,
        dbAccountId,
        region,
        owned: {},
        verdicts: existing?.verdicts ?? [],
        createdAt: now,
        updatedAt: now,
      });
    }
    await deps.registry.update(request.name, { status: 'provisioning', request, failure: undefined });
    return {
      request,
      link: { name: request.name, dbAccountId, region },
      redpanda: {
        clusterId: cluster.id,
        region: cluster.region,
        natGateways: [...cluster.natGateways],
        dataplaneApiUrl: cluster.dataplaneApiUrl,
      },
    };
  });
}
