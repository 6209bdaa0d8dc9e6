// Teardown: our inline policy on the first-hop role (the Redpanda pipeline role, or a self-managed role in
// the account the access stack covers), removed through the healer role. Elsewhere, or without the access
// stack, the output names the exact command for the operator. Nothing to do for an `access-key` link.
import { dbConnectRoleArtifacts, rolePolicyFirstHop } from '../core/iam.js';
import { placeholder } from '../core/context.js';
import type { StepDeps } from './shared/deps.js';
import type { TeardownStepInput } from './delete-pipeline.js';
import { emptyReport, type StepReport } from './shared/teardown.js';
import { defineStep } from './shared/step.js';

export function makeHandler(deps: Pick<StepDeps, 'deployment' | 'pipelineRole' | 'registry'>) {
  return defineStep<TeardownStepInput, StepReport>('RemovePipelineRolePolicy', async ({ teardown }) => {
    const report = emptyReport();
    if (teardown.alreadyDeleted) return report;
    const hop = rolePolicyFirstHop(
      dbConnectRoleArtifacts(teardown.request, { dbAccountId: teardown.dbAccountId, region: teardown.region, clusterResourceId: placeholder('CLUSTER_RESOURCE_ID') }),
    );
    if (hop === undefined) return report;
    const result =
      hop.accountId === deps.deployment.redpandaAccountId
        ? await deps.pipelineRole.deleteInlinePolicy(hop.roleName, hop.policy.policyName)
        : ({ available: false, reason: `the role is in account ${hop.accountId}, where this deployment has no healer role` } as const);
    if ('available' in result) {
      report.needsHuman.push(`remove the inline policy yourself in account ${hop.accountId} (${result.reason}): ${hop.removeCommand}`);
      return report;
    }
    if (result.removed) report.deleted.push(`inline policy ${hop.policy.policyName} on ${hop.roleName}`);
    await deps.registry.update(teardown.link, { owned: { pipelineRolePolicy: undefined } });
    return report;
  });
}
