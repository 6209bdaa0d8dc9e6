// Teardown: our inline policy on the Redpanda pipeline role, removed through the healer role. Without the
// access stack the output names the exact command for the operator.
import { dbConnectRoleArtifacts } from '../core/iam.js';
import { placeholder } from '../core/context.js';
import type { StepDeps } from './shared/deps.js';
import type { TeardownStepInput } from './delete-pipeline.js';
import { emptyReport, type StepReport } from './shared/teardown.js';
import { defineStep } from './shared/step.js';

export function makeHandler(deps: Pick<StepDeps, 'pipelineRole' | 'registry'>) {
  return defineStep<TeardownStepInput, StepReport>('RemovePipelineRolePolicy', async ({ teardown }) => {
    const report = emptyReport();
    if (teardown.alreadyDeleted) return report;
    const { pipelineRole } = dbConnectRoleArtifacts(teardown.request, {
      dbAccountId: teardown.dbAccountId,
      region: teardown.region,
      clusterResourceId: placeholder('CLUSTER_RESOURCE_ID'),
    });
    const result = await deps.pipelineRole.deleteInlinePolicy(pipelineRole.roleName, pipelineRole.policy.policyName);
    if ('available' in result) {
      report.needsHuman.push(
        `remove the inline policy yourself in the Redpanda account ${teardown.request.redpanda.accountId} (${result.reason}): ${pipelineRole.removeCommand}`,
      );
      return report;
    }
    if (result.removed) report.deleted.push(`inline policy ${pipelineRole.policy.policyName} on ${pipelineRole.roleName}`);
    await deps.registry.update(teardown.link, { owned: { pipelineRolePolicy: undefined } });
    return report;
  });
}
