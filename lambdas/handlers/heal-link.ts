// Validate, only when the link allows it (selfHeal): restore what the link owns to exactly what it needs:
// the db-connect role, the connector user (its policy and boundary), our inline policy on a first-hop role
// (through the healer role), and a lost or deactivated key, by starting a rotation. Nothing else is ever
// touched (a key or policy someone else added is reported, never removed); the state machine judges again.
import { comparePolicy, dbConnectRoleArtifacts, rolePolicyFirstHop } from '../core/iam.js';
import { LinkNotFoundError } from '../core/errors.js';
import { rotationExecutionName } from '../core/iam-events.js';
import { linkIngressRules } from '../core/network.js';
import type { LinkRecord } from '../ports/registry.js';
import type { StepDeps } from './shared/deps.js';
import { createRoleInput } from './shared/db-connect-role.js';
import { HEALABLE, type Judgement } from './judge-link.js';
import { isOwnedBy, linkTags } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface HealLinkInput extends StepEvent {
  readonly before: Judgement;
}

export interface HealOutcome {
  readonly actions: readonly string[];
  readonly skipped: readonly string[];
}

/** Findings a new key fixes: the pipeline's key is gone or unusable, or its user was recreated. */
const ROTATION_FIXES = new Set(['access-key-missing', 'access-key-inactive', 'connector-user-missing']);

/**
 * The link's own security-group rules moved to the egress addresses of now: the new ones added first (no
 * moment without a rule for the current addresses), then the link's rules for addresses that are gone removed.
 * Only the group the link created, only the rules it recorded.
 */
async function replaceIngress(deps: Pick<StepDeps, 'network' | 'registry'>, record: LinkRecord, now: readonly string[], port: number): Promise<string[]> {
  const groupId = record.owned.securityGroupId;
  const before = record.owned.ingressCidrs ?? [];
  if (groupId === undefined) return [];
  const group = await deps.network.describeSecurityGroup(groupId);
  if (!group || !isOwnedBy(group.tags, record.name)) return [];
  const rules = linkIngressRules({ link: record.name, redpandaClusterId: record.request.redpanda.clusterId, mode: record.request.database.network, cidrs: now }, port);
  await deps.network.authorizeIngress(groupId, rules);
  const gone = group.ingress.filter((r) => before.includes(r.cidr) && !now.includes(r.cidr) && r.port === port);
  if (gone.length > 0) await deps.network.revokeIngress(groupId, gone);
  await deps.registry.update(record.name, { owned: { ingressCidrs: rules.map((r) => r.cidr) } });
  return [`replaced the ingress of security group ${groupId}: now ${now.join(', ')}${gone.length ? `; removed ${gone.map((r) => r.cidr).join(', ')}` : ''}`];
}

export function makeHandler(deps: Pick<StepDeps, 'deployment' | 'registry' | 'aurora' | 'network' | 'iam' | 'pipelineRole' | 'rotations' | 'clock'>) {
  return defineStep<HealLinkInput, HealOutcome>('HealLink', async ({ before }) => {
    const record = await deps.registry.get(before.link);
    if (!record) throw new LinkNotFoundError(`link ${before.link} disappeared while healing`);
    if (!record.request.selfHeal) return { actions: [], skipped: ['selfHeal is off for this link'] };
    const cluster = await deps.aurora.describeCluster(record.request.database.clusterIdentifier);
    if (!cluster) return { actions: [], skipped: [`cluster ${record.request.database.clusterIdentifier} is gone: nothing to heal towards`] };
    // Towards the Redpanda side as it is now (JudgeLink read it), else as the link recorded it.
    const egressCidrs = before.current?.egressCidrs ?? record.owned.egressCidrs ?? [];
    const wanted = dbConnectRoleArtifacts(
      record.request,
      { dbAccountId: record.dbAccountId, region: record.region, clusterResourceId: cluster.resourceId },
      { egressCidrs },
    );
    const wantedTags = Object.fromEntries(wanted.tags.map((t) => [t.Key, t.Value]));
    const ids = new Set(before.findings.filter((f) => f.severity === 'error' || HEALABLE.has(f.id)).map((f) => f.id));
    const actions: string[] = [];
    const skipped = [...ids].filter((id) => !HEALABLE.has(id)).map((id) => `${id}: not ours to change (see the finding's fix)`);

    // The first hop before the role: the trust policy of a new role must name a user that exists.
    const hop = wanted.firstHop;
    if (hop.mode === 'access-key') {
      let user = await deps.iam.getUser(hop.userName);
      if (!user) {
        await deps.iam.createUser({ name: hop.userName, path: hop.path, tags: linkTags(record.request), permissionsBoundaryArn: hop.permissionsBoundaryArn });
        actions.push(`recreated IAM user ${hop.userName}`);
        user = await deps.iam.getUser(hop.userName);
      } else {
        if (!isOwnedBy(user.tags, record.name)) {
          await deps.iam.tagUser(hop.userName, linkTags(record.request));
          actions.push(`restored the tags of ${hop.userName}`);
        }
        if (user.permissionsBoundaryArn !== hop.permissionsBoundaryArn) {
          await deps.iam.putUserPermissionsBoundary(hop.userName, hop.permissionsBoundaryArn);
          actions.push(`restored the permissions boundary of ${hop.userName}`);
        }
      }
      if (hop.restrictToEgress && egressCidrs.length === 0) {
        skipped.push(`the policy of ${hop.userName}: the Redpanda cluster's egress addresses are unknown`);
      } else if (comparePolicy(hop.policy.document, user?.inlinePolicies[hop.policy.policyName]).length > 0) {
        await deps.iam.putUserPolicy(hop.userName, hop.policy.policyName, hop.policy.document);
        const moved = (record.owned.egressCidrs ?? []).join() !== [...egressCidrs].join();
        actions.push(
          moved
            ? `restored the policy ${hop.policy.policyName} of ${hop.userName} with the egress addresses ${egressCidrs.join(', ')} (were ${(record.owned.egressCidrs ?? []).join(', ') || 'none'})`
            : `restored the policy ${hop.policy.policyName} of ${hop.userName}`,
        );
        await deps.registry.update(record.name, { owned: { egressCidrs: [...egressCidrs] } });
      }
    }

    if (ids.has('db-connect-role-missing')) {
      await deps.iam.createRole(createRoleInput(wanted));
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

    const rolePolicy = rolePolicyFirstHop(wanted);
    if (rolePolicy && ids.has('assume-role-denied-missing-inline-policy')) {
      const { roleName, policy } = rolePolicy;
      const result =
        rolePolicy.accountId === deps.deployment.redpandaAccountId
          ? await deps.pipelineRole.putInlinePolicy(roleName, policy.policyName, policy.document)
          : ({ available: false, reason: `the role is in account ${rolePolicy.accountId}, where this deployment has no healer role` } as const);
      if ('available' in result) skipped.push(`inline policy ${policy.policyName}: ${result.reason}`);
      else {
        actions.push(`put back inline policy ${policy.policyName} on ${roleName} through the healer role`);
        await deps.registry.update(record.name, { owned: { pipelineRolePolicy: policy.policyName } });
      }
    }

    if (ids.has('egress-addresses-changed') && before.current) {
      actions.push(...(await replaceIngress(deps, record, before.current.ingressCidrs, cluster.port)));
    }

    if (hop.mode === 'access-key' && [...ids].some((id) => ROTATION_FIXES.has(id))) {
      const name = rotationExecutionName(record.name, 'heal', deps.clock());
      const outcome = await deps.rotations.startRotation(name, { link: record.name, trigger: 'heal' });
      actions.push(`${outcome === 'started' ? 'started' : 'found running'} rotation ${name}: a new key into the Redpanda secrets and a pipeline restart`);
    }
    return { actions, skipped };
  });
}
