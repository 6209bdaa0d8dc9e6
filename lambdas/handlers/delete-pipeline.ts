// Teardown: stop and delete the link's pipeline (found by id, or by its display name when provisioning
// stopped before recording the id). A pipeline that is not the link's is refused by the adapter.
import { linkNames } from '../core/naming.js';
import type { StepDeps } from './shared/deps.js';
import { emptyReport, type StepReport, type TeardownContext } from './shared/teardown.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface TeardownStepInput extends StepEvent {
  readonly teardown: TeardownContext;
}

export function makeHandler(deps: Pick<StepDeps, 'redpanda' | 'registry'>) {
  return defineStep<TeardownStepInput, StepReport>('DeletePipeline', async ({ teardown }) => {
    const report = emptyReport();
    if (teardown.alreadyDeleted) return report;
    const name = linkNames(teardown.request, teardown.dbAccountId).pipelineDisplayName;
    if (!teardown.dataplaneApiUrl) {
      report.needsHuman.push(`the Redpanda cluster ${teardown.request.redpanda.clusterId} did not answer: delete pipeline ${name} in Redpanda Cloud`);
      return report;
    }
    const dataPlane = (await deps.redpanda()).dataPlane(teardown.dataplaneApiUrl);
    const id = teardown.owned.pipelineId ?? (await dataPlane.findPipeline(teardown.link, name))?.id;
    if (id && (await dataPlane.deletePipeline(teardown.link, id)) === 'deleted') report.deleted.push(`Redpanda Connect pipeline ${name} (${id})`);
    await deps.registry.update(teardown.link, { owned: { pipelineId: undefined } });
    return report;
  });
}
