// Aurora branch, the body of the wait loop: is the cluster (and, for a new cluster, its writer) available,
// and is the Data API on? Turns the Data API on for a cluster the link created when the create flag was
// not honoured (docs/reference/aws.md A1). A new cluster's writer may boot before its new parameter group's
// static parameters apply (`pending-reboot`, docs/reference/aws.md A2): the link reboots a writer it created,
// once, and waits for `in-sync`; an adopted cluster's writer is never rebooted, its owner is told to.
// Fails with DeadlineExceededError past the deadline.
import type { StepDeps } from './shared/deps.js';
import { AdoptedClusterNotReadyError } from '../core/errors.js';
import { linkNames } from '../core/naming.js';
import type { LinkRequest } from '../core/request.js';
import type { ClusterDescription } from '../ports/aurora.js';
import { assertBeforeDeadline, type AuroraState, type LinkRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface CheckAuroraInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly aurora: AuroraState;
}

/** The message an adopted cluster's pending reboot fails with; `[writer-reboot-pending]` names its catalogue entry. */
export function adoptedRebootPendingMessage(cluster: ClusterDescription, writer: string): string {
  return (
    `[writer-reboot-pending] the writer ${writer} of adopted cluster ${cluster.identifier} is pending-reboot: static parameters of ` +
    `${cluster.parameterGroup} (rds.logical_replication, binlog_format, …) may not be in effect yet. rpcn-aurora never reboots a cluster ` +
    `it did not create; its owner must reboot the writer at a quiet moment (brief downtime): aws rds reboot-db-instance ` +
    `--db-instance-identifier ${writer}, wait until DBClusterParameterGroupStatus is in-sync, then start the provision again`
  );
}

export function makeHandler(deps: Pick<StepDeps, 'aurora' | 'clock'>) {
  return defineStep<CheckAuroraInput, AuroraState>('CheckAurora', async ({ request, link, aurora }) => {
    const cluster = await deps.aurora.describeCluster(aurora.clusterIdentifier);
    if (!cluster) throw new AdoptedClusterNotReadyError(`cluster ${aurora.clusterIdentifier} disappeared while waiting for it`);
    let ready = cluster.status === 'available' && Boolean(cluster.endpoint);
    const writerName = aurora.created ? linkNames(request, link.dbAccountId).writerInstanceIdentifier : cluster.members.find((m) => m.isWriter)?.instanceIdentifier;
    if (ready && aurora.created) {
      const writer = await deps.aurora.describeInstance(writerName!);
      ready = writer?.status === 'available';
    }
    let writerRebootedAt = aurora.writerRebootedAt;
    let waitingFor = `cluster ${cluster.identifier} becoming available (now ${cluster.status})`;
    if (ready) {
      const groupStatus = cluster.members.find((m) => m.instanceIdentifier === writerName)?.parameterGroupStatus;
      if (groupStatus === 'pending-reboot') {
        if (!aurora.created) throw new AdoptedClusterNotReadyError(adoptedRebootPendingMessage(cluster, writerName ?? '<writer-instance>'));
        if (writerRebootedAt === undefined) {
          await deps.aurora.rebootInstance(writerName!);
          writerRebootedAt = deps.clock().toISOString();
        }
      }
      // Fail closed: only `in-sync` says the running parameters are the group's (`applying` passes too).
      if (groupStatus !== 'in-sync') {
        ready = false;
        waitingFor = `writer ${writerName} of cluster ${cluster.identifier} applying parameter group ${cluster.parameterGroup} (now ${groupStatus ?? 'not reported'}${writerRebootedAt ? `, rebooted at ${writerRebootedAt}` : ''})`;
      }
    }
    if (ready && !cluster.httpEndpointEnabled) {
      if (!aurora.created) throw new AdoptedClusterNotReadyError(`cluster ${cluster.identifier} has the RDS Data API turned off`);
      await deps.aurora.enableHttpEndpoint(cluster.arn);
      ready = false;
    }
    if (!ready) assertBeforeDeadline(deps.clock(), aurora.deadline, waitingFor);
    return {
      ...aurora,
      status: cluster.status,
      ready,
      port: cluster.port,
      ...(cluster.endpoint ? { endpoint: cluster.endpoint } : {}),
      ...(cluster.masterUserSecretArn ? { secretArn: cluster.masterUserSecretArn } : {}),
      ...(writerRebootedAt ? { writerRebootedAt } : {}),
    };
  });
}
