// Teardown, the body of a Wait + Choice loop, and only for what the link created (registry and tags both
// say so): the writer instance, then the cluster (final snapshot unless skipped), then the parameter group
// and the security group with its rules. An adopted cluster is reported as kept, never touched.
import { DeadlineExceededError } from '../core/errors.js';
import { finalSnapshotIdentifier, linkNames } from '../core/naming.js';
import type { StepDeps } from './shared/deps.js';
import type { TeardownStepInput } from './delete-pipeline.js';
import { deadlineAfter, isOwnedBy } from './shared/state.js';
import type { StepReport } from './shared/teardown.js';
import { defineStep } from './shared/step.js';

export interface DeleteAuroraInput extends TeardownStepInput {
  readonly aurora?: { readonly deadline?: string; readonly deleted?: readonly string[]; readonly kept?: StepReport['kept'] };
}

export interface DeleteAuroraOutput extends StepReport {
  readonly done: boolean;
  readonly deadline: string;
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
        if (ours.length > 0) await deps.network.revokeIngress(group.groupId, ours);
        await deps.network.deleteSecurityGroup(group.groupId);
        report.deleted.push(`security group ${group.name} (${group.groupId}) and its ${ours.length} ingress rules`);
      } else if (group) report.kept.push({ what: `security group ${owned.securityGroupId}`, why: `it is not tagged as link ${link}'s` });
      await own({ securityGroupId: undefined, ingressCidrs: undefined });
    }
    return { ...report, done: true, deadline };
  });
}
