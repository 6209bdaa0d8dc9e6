// Aurora branch, the body of the wait loop: is the cluster (and, for a new cluster, its writer) available,
// and is the Data API on? Turns the Data API on for a cluster the link created when the create flag was
// not honoured (docs/reference/aws.md A1). Fails with DeadlineExceededError past the deadline.
import type { StepDeps } from './shared/deps.js';
import { AdoptedClusterNotReadyError } from '../core/errors.js';
import { linkNames } from '../core/naming.js';
import type { LinkRequest } from '../core/request.js';
import { assertBeforeDeadline, type AuroraState, type LinkRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface CheckAuroraInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly aurora: AuroraState;
}

export function makeHandler(deps: Pick<StepDeps, 'aurora' | 'clock'>) {
  return defineStep<CheckAuroraInput, AuroraState>('CheckAurora', async ({ request, link, aurora }) => {
    const cluster = await deps.aurora.describeCluster(aurora.clusterIdentifier);
    if (!cluster) throw new AdoptedClusterNotReadyError(`cluster ${aurora.clusterIdentifier} disappeared while waiting for it`);
    let ready = cluster.status === 'available' && Boolean(cluster.endpoint);
    if (ready && aurora.created) {
      const writer = await deps.aurora.describeInstance(linkNames(request, link.dbAccountId).writerInstanceIdentifier);
      ready = writer?.status === 'available';
    }
    if (ready && !cluster.httpEndpointEnabled) {
      if (!aurora.created) throw new AdoptedClusterNotReadyError(`cluster ${cluster.identifier} has the RDS Data API turned off`);
      await deps.aurora.enableHttpEndpoint(cluster.arn);
      ready = false;
    }
    if (!ready) assertBeforeDeadline(deps.clock(), aurora.deadline, `cluster ${cluster.identifier} becoming available (now ${cluster.status})`);
    return {
      ...aurora,
      status: cluster.status,
      ready,
      port: cluster.port,
      ...(cluster.endpoint ? { endpoint: cluster.endpoint } : {}),
      ...(cluster.masterUserSecretArn ? { secretArn: cluster.masterUserSecretArn } : {}),
    };
  });
}
