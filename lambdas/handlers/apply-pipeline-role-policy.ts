// IAM branch: our inline policy on the Redpanda pipeline role, put through the healer role of the
// RpcnAurora-RedpandaAccess stack. Without that stack the policy is handed to the operator instead: the
// output carries the document and the exact command (the one operator action of a provision).
import { dbConnectRoleArtifacts, type PolicyDocument } from '../core/iam.js';
import type { LinkRequest } from '../core/request.js';
import type { StepDeps } from './shared/deps.js';
import type { LinkRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface ApplyPipelineRolePolicyInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly identity: { readonly resourceId: string };
}

export interface PipelineRolePolicyOutcome {
  readonly applied: boolean;
  readonly roleName: string;
  readonly policyName: string;
  readonly document: PolicyDocument;
  /** Why it was not applied (the access stack is not deployed, …). */
  readonly reason?: string;
  /** What the operator runs in the Redpanda account when it was not applied. */
  readonly attachCommand: string;
}

export function makeHandler(deps: Pick<StepDeps, 'pipelineRole' | 'registry'>) {
  return defineStep<ApplyPipelineRolePolicyInput, PipelineRolePolicyOutcome>('ApplyPipelineRolePolicy', async ({ request, link, identity }) => {
    const { pipelineRole } = dbConnectRoleArtifacts(request, { dbAccountId: link.dbAccountId, region: link.region, clusterResourceId: identity.resourceId });
    const base = {
      roleName: pipelineRole.roleName,
      policyName: pipelineRole.policy.policyName,
      document: pipelineRole.policy.document,
      attachCommand: `${pipelineRole.attachCommand.replace(`file://${pipelineRole.policyFile}`, `'${JSON.stringify(pipelineRole.policy.document)}'`)}`,
    };
    const result = await deps.pipelineRole.putInlinePolicy(pipelineRole.roleName, pipelineRole.policy.policyName, pipelineRole.policy.document);
    if ('available' in result) return { ...base, applied: false, reason: result.reason };
    await deps.registry.update(request.name, { owned: { pipelineRolePolicy: pipelineRole.policy.policyName } });
    return { ...base, applied: true };
  });
}
