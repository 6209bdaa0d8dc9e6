// IAM branch, identity modes `pipeline-role` and `self-managed`: our inline policy on the role the pipeline
// runs as (the Redpanda-managed pipeline role, or the operator's own role), put through the healer role of
// the RpcnAurora-RedpandaAccess stack when that role is in the account the stack covers. Otherwise the
// policy is handed to the operator: the output carries the document and the exact command.
import { InlinePolicySizeExceededError } from '../core/errors.js';
import { dbConnectRoleArtifacts, rolePolicyFirstHop } from '../core/iam.js';
import { inlinePolicyRoom, inlinePolicyTooLarge } from '../core/policy-size.js';
import type { LinkRequest } from '../core/request.js';
import type { StepDeps } from './shared/deps.js';
import type { FirstHopOutcome, LinkRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface ApplyPipelineRolePolicyInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly identity: { readonly resourceId: string };
}

export function makeHandler(deps: Pick<StepDeps, 'deployment' | 'pipelineRole' | 'registry'>) {
  return defineStep<ApplyPipelineRolePolicyInput, FirstHopOutcome>('ApplyPipelineRolePolicy', async ({ request, link, identity }) => {
    const hop = rolePolicyFirstHop(dbConnectRoleArtifacts(request, { dbAccountId: link.dbAccountId, region: link.region, clusterResourceId: identity.resourceId }));
    if (hop === undefined) throw new Error(`link ${request.name} is in identity mode access-key: its first hop is the connector user, not a role policy`);
    const base = {
      mode: hop.mode,
      principalArn: hop.principalArn,
      roleName: hop.roleName,
      policyName: hop.policy.policyName,
      attachCommand: hop.attachCommand.replace(`file://${hop.policyFile}`, `'${JSON.stringify(hop.policy.document)}'`),
    };
    if (hop.accountId !== deps.deployment.redpandaAccountId) {
      return { ...base, applied: false, reason: `the role is in account ${hop.accountId}, where this deployment has no healer role` };
    }
    // IAM refuses a role's inline policies over 10,240 characters together: measured first, to say why and what to do.
    const view = await deps.pipelineRole.inspect(hop.roleName);
    if (view.available && view.exists) {
      const room = inlinePolicyRoom(view.inlinePolicies, hop.policy.policyName, hop.policy.document);
      if (!room.fits) throw new InlinePolicySizeExceededError(inlinePolicyTooLarge(hop.roleName, hop.policy.policyName, room));
    }
    const result = await deps.pipelineRole.putInlinePolicy(hop.roleName, hop.policy.policyName, hop.policy.document);
    if ('available' in result) return { ...base, applied: false, reason: result.reason };
    await deps.registry.update(request.name, { owned: { pipelineRolePolicy: hop.policy.policyName } });
    return { ...base, applied: true };
  });
}
