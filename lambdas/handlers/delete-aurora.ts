// Teardown, the body of a Wait + Choice loop, and only for what the link created (registry and tags both
// say so): the writer instance, then the cluster (final snapshot unless skipped), then the parameter group
// and the security group with its rules. An adopted cluster is reported as kept, never touched. The security
// group outlives the cluster while RDS releases the cluster's network interfaces (often well past a minute):
// the loop waits for that against its own deadline, and names what is still attached when it gives up.
import { DeadlineExceededError } from '../core/errors.js';
import { finalSnapshotIdentifier, linkNames } from '../core/naming.js';
import type { NetworkInterfaceView } from '../ports/aurora.js';
import type { StepDeps } from './shared/deps.js';
import type { TeardownStepInput } from './delete-pipeline.js';
import { deadlineAfter, isOwnedBy } from './shared/state.js';
import type { StepReport } from './shared/teardown.js';
import { defineStep } from './shared/step.js';

/** The wait for the security group to be released, carried by the loop from the first DependencyViolation. */
export interface SecurityGroupRelease {
  readonly groupId: string;
  readonly deadline: string;
  /** What used the group at the last attempt. */
  readonly attached: readonly NetworkInterfaceView[];
}

export interface DeleteAuroraInput extends TeardownStepInput {
  readonly aurora?: {
    readonly deadline?: string;
    readonly deleted?: readonly string[];
    readonly kept?: StepReport['kept'];
    readonly securityGroupRelease?: SecurityGroupRelease;
  };
}

export interface DeleteAuroraOutput extends StepReport {
  readonly done: boolean;
  readonly deadline: string;
  readonly securityGroupRelease?: SecurityGroupRelease;
}

function describeInterfaces(attached: readonly NetworkInterfaceView[]): string {
  if (attached.length === 0) return 'no network interface listed (EC2 may not show it yet)';
  return attached
    .map((eni) => `${eni.id} (${eni.description || 'no description'}, ${eni.status}${eni.attachmentStatus ? `, attachment ${eni.attachmentStatus}` : ''}${eni.requesterId ? `, requester ${eni.requesterId}` : ''})`)
    .join(', ');
}

export function makeHandler(deps: Pick<StepDeps, 'aurora' | 'network' | 'registry' | 'clock' | 'deadlines'>) {
  return defineStep<DeleteAuroraInput, DeleteAuroraOutput>('DeleteAurora', async ({ teardown, aurora }) => {
    const now = deps.clock();
    const deadline = aurora?.deadline ?? deadlineAfter(now, deps.deadlines.auroraAvailableMs);
    // The loop carries what earlier rounds did, so the final report lists it once.
    const report: StepReport = { deleted: [...(aurora?.deleted ?? [])], kept: [...(aurora?.kept ?? [])], needsHuman: [] };
    const pending = (what: string): DeleteAuroraOutput => {
      if (now.getTime() > Date.parse(deadline)) throw new DeadlineExceededError(`${what} was still being deleted at the deadline ${deadline}; run the teardown again`);
      return { ...report, done: false, deadline };
    };
    if (teardown.alreadyDeleted) return { ...report, done: true, deadline };
    const { link, request, owned } = teardown;
    const names = linkNames(request, teardown.dbAccountId);
    const own = (patch: Record<string, undefined>) => deps.registry.update(link, { owned: patch });

    if (!request.database.create || !owned.cluster) {
      if (!report.kept.some((k) => k.what.startsWith('cluster '))) {
        report.kept.push({
          what: `cluster ${request.database.clusterIdentifier}`,
          why: request.database.create ? 'the registry does not record it as created by this link' : 'it was adopted (database.create: false); only what the link added inside it was removed',
        });
      }
    } else {
      const writer = await deps.aurora.describeInstance(names.writerInstanceIdentifier);
      if (writer && isOwnedBy(writer.tags, link)) {
        if (writer.status !== 'deleting') {
          await deps.aurora.deleteInstance(writer.identifier);
          report.deleted.push(`writer instance ${writer.identifier}`);
        }
        return pending(`writer instance ${writer.identifier}`);
      }
      if (writer) report.kept.push({ what: `instance ${writer.identifier}`, why: `it is not tagged as link ${link}'s` });
      await own({ writerInstance: undefined });

      const cluster = await deps.aurora.describeCluster(request.database.clusterIdentifier);
      if (cluster && !isOwnedBy(cluster.tags, link)) {
        report.kept.push({ what: `cluster ${cluster.identifier}`, why: `it is not tagged as link ${link}'s` });
      } else if (cluster) {
        if (cluster.status !== 'deleting') {
          const snapshot = teardown.options.skipFinalSnapshot ? undefined : finalSnapshotIdentifier(cluster.identifier, now);
          await deps.aurora.deleteCluster(cluster.identifier, snapshot);
          report.deleted.push(`cluster ${cluster.identifier}${snapshot ? '' : ' (no final snapshot: skipFinalSnapshot)'}`);
          if (snapshot) report.kept.push({ what: `final snapshot ${snapshot}`, why: 'skipFinalSnapshot was not set; delete it when it is no longer needed' });
        }
        return pending(`cluster ${cluster.identifier}`);
      }
      await own({ cluster: undefined });
    }

    if (owned.parameterGroup) {
      const tags = await deps.aurora.describeClusterParameterGroupTags(owned.parameterGroup);
      if (tags && isOwnedBy(tags, link)) {
        await deps.aurora.deleteClusterParameterGroup(owned.parameterGroup);
        report.deleted.push(`cluster parameter group ${owned.parameterGroup}`);
      } else if (tags) report.kept.push({ what: `cluster parameter group ${owned.parameterGroup}`, why: `it is not tagged as link ${link}'s` });
      await own({ parameterGroup: undefined });
    }
    if (owned.securityGroupId) {
      const group = await deps.network.describeSecurityGroup(owned.securityGroupId);
      if (group && isOwnedBy(group.tags, link)) {
        const ours = group.ingress.filter((r) => owned.ingressCidrs?.includes(r.cidr));
        if (ours.length > 0) {
          await deps.network.revokeIngress(group.groupId, ours);
          report.deleted.push(`${ours.length} ingress rules of security group ${group.groupId}`);
        }
        const deletion = await deps.network.deleteSecurityGroup(group.groupId);
        if (!deletion.deleted) {
          const attached = await deps.network.describeNetworkInterfaces(group.groupId);
          const started = aurora?.securityGroupRelease?.groupId === group.groupId ? aurora.securityGroupRelease : undefined;
          const releaseDeadline = started?.deadline ?? deadlineAfter(now, deps.deadlines.securityGroupReleaseMs);
          if (now.getTime() > Date.parse(releaseDeadline)) {
            throw new DeadlineExceededError(
              `security group ${group.name} (${group.groupId}) was still in use at the deadline ${releaseDeadline} (${deletion.dependencyViolation}); ` +
                `still attached: ${describeInterfaces(attached)}. A deleted cluster's interfaces are released by RDS; if one stays, ` +
                `find its owner with aws ec2 describe-network-interfaces --filters Name=group-id,Values=${group.groupId}, then run the teardown again`,
            );
          }
          return { ...report, done: false, deadline, securityGroupRelease: { groupId: group.groupId, deadline: releaseDeadline, attached } };
        }
        report.deleted.push(`security group ${group.name} (${group.groupId})`);
      } else if (group) report.kept.push({ what: `security group ${owned.securityGroupId}`, why: `it is not tagged as link ${link}'s` });
      await own({ securityGroupId: undefined, ingressCidrs: undefined });
    }
    return { ...report, done: true, deadline };
  });
}
