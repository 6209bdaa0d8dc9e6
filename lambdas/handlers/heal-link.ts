// Validate, only when the link allows it (selfHeal): put back our inline policy on the pipeline role
// through the healer role, and restore the db-connect role (we own it) to exactly what the link needs.
// Nothing else is ever touched; the state machine judges the link again afterwards.
import { comparePolicy, dbConnectRoleArtifacts } from '../core/iam.js';
import { LinkNotFoundError } from '../core/errors.js';
import type { StepDeps } from './shared/deps.js';
import { HEALABLE, type Judgement } from './judge-link.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface HealLinkInput extends StepEvent {
  readonly before: Judgement;
}

export interface HealOutcome {
  readonly actions: readonly string[];
  readonly skipped: readonly string[];
}

export function makeHandler(deps: Pick<StepDeps, 'registry' | 'aurora' | 'iam' | 'pipelineRole'>) {
  return defineStep<HealLinkInput, HealOutcome>('HealLink', async ({ before }) => {
    const record = await deps.registry.get(before.link);
    if (!record) throw new LinkNotFoundError(`link ${before.link} disappeared while healing`);
    if (!record.request.selfHeal) return { actions: [], skipped: ['selfHeal is off for this link'] };
    const cluster = await deps.aurora.describeCluster(record.request.database.clusterIdentifier);
    if (!cluster) return { actions: [], skipped: [`cluster ${record.request.database.clusterIdentifier} is gone: nothing to heal towards`] };
    const wanted = dbConnectRoleArtifacts(record.request, { dbAccountId: record.dbAccountId, region: record.region, clusterResourceId: cluster.resourceId });
    const wantedTags = Object.fromEntries(wanted.tags.map((t) => [t.Key, t.Value]));
    const ids = new Set(before.findings.filter((f) => f.severity === 'error').map((f) => f.id));
    const actions: string[] = [];
    const skipped = [...ids].filter((id) => !HEALABLE.has(id)).map((id) => `${id}: not ours to change (see the finding's fix)`);

    if (ids.has('db-connect-role-missing')) {
      await deps.iam.createRole({ name: wanted.roleName, trustPolicy: wanted.trustPolicy, description: wanted.description, tags: wantedTags });
      actions.push(`recreated IAM role ${wanted.roleName}`);
    }
    const role = await deps.iam.getRole(wanted.roleName);
    if (role) {
      // Tags first: our Lambda role may change only roles that carry the link tag.
      if (Object.entries(wantedTags).some(([k, v]) => role.tags[k] !== v)) {
        await deps.iam.tagRole(wanted.roleName, wantedTags);
        actions.push(`restored the tags of ${wanted.roleName}`);
      }
      if (comparePolicy(wanted.trustPolicy, role.trustPolicy).length > 0) {
        await deps.iam.updateTrustPolicy(wanted.roleName, wanted.trustPolicy);
        actions.push(`restored the trust policy of ${wanted.roleName}`);
      }
      if (comparePolicy(wanted.permissionPolicy.document, role.inlinePolicies[wanted.permissionPolicy.policyName]).length > 0) {
        await deps.iam.putRolePolicy(wanted.roleName, wanted.permissionPolicy.policyName, wanted.permissionPolicy.document);
        actions.push(`restored the permission policy ${wanted.permissionPolicy.policyName}`);
      }
    }
    if (ids.has('assume-role-denied-missing-inline-policy')) {
      const { roleName, policy } = wanted.pipelineRole;
      const result = await deps.pipelineRole.putInlinePolicy(roleName, policy.policyName, policy.document);
      if ('available' in result) skipped.push(`inline policy ${policy.policyName}: ${result.reason}`);
      else {
        actions.push(`put back inline policy ${policy.policyName} on ${roleName} through the healer role`);
        await deps.registry.update(record.name, { owned: { pipelineRolePolicy: policy.policyName } });
      }
    }
    return { actions, skipped };
  });
}
