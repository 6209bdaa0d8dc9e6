// IAM branch, the body of its wait loop: the IAM documents need only the cluster's DbClusterResourceId,
// which exists as soon as the cluster is created, long before it is available.
import type { LinkRequest } from '../core/request.js';
import type { StepDeps } from './shared/deps.js';
import { assertBeforeDeadline, deadlineAfter } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface ClusterIdentity {
  readonly known: boolean;
  readonly resourceId?: string;
  readonly deadline: string;
}

export interface DescribeClusterIdentityInput extends StepEvent {
  readonly request: LinkRequest;
  readonly identity?: ClusterIdentity;
}

export function makeHandler(deps: Pick<StepDeps, 'aurora' | 'clock' | 'deadlines'>) {
  return defineStep<DescribeClusterIdentityInput, ClusterIdentity>('DescribeClusterIdentity', async ({ request, identity }) => {
    const now = deps.clock();
    const deadline = identity?.deadline ?? deadlineAfter(now, deps.deadlines.clusterIdentityMs);
    const cluster = await deps.aurora.describeCluster(request.database.clusterIdentifier);
    if (cluster?.resourceId) return { known: true, resourceId: cluster.resourceId, deadline };
    assertBeforeDeadline(now, deadline, `cluster ${request.database.clusterIdentifier} being created`);
    return { known: false, deadline };
  });
}
