// The body of the pipeline wait loop: RUNNING ends it, ERROR (or COMPLETED, for a CDC pipeline that must
// not end) fails at once with the pipeline's own status.error, STOPPED is started, anything else waits
// until the deadline.
import { PipelineNotRunningError } from '../core/errors.js';
import type { StepDeps } from './shared/deps.js';
import type { PipelineState } from './create-pipeline.js';
import { assertBeforeDeadline, type RedpandaClusterRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface CheckPipelineInput extends StepEvent {
  readonly redpanda: RedpandaClusterRef;
  readonly pipeline: PipelineState;
}

export function makeHandler(deps: Pick<StepDeps, 'redpanda' | 'clock'>) {
  return defineStep<CheckPipelineInput, PipelineState>('CheckPipeline', async ({ redpanda, pipeline }) => {
    const dataPlane = (await deps.redpanda()).dataPlane(redpanda.dataplaneApiUrl);
    let current = await dataPlane.getPipeline(pipeline.id);
    // Found stopping when it was created or adopted (someone stopped it): start it once it has stopped.
    if (current.state === 'STATE_STOPPED') current = await dataPlane.startPipeline(pipeline.id);
    if (current.state === 'STATE_ERROR' || current.state === 'STATE_COMPLETED') {
      throw new PipelineNotRunningError(`pipeline ${pipeline.id} is ${current.state}${current.statusError ? `: ${current.statusError}` : ''}`);
    }
    const running = current.state === 'STATE_RUNNING';
    if (!running) assertBeforeDeadline(deps.clock(), pipeline.deadline, `pipeline ${pipeline.id} reaching STATE_RUNNING (now ${current.state})`);
    return { ...pipeline, state: current.state, running };
  });
}
