// Rotate (and RestoreKey): point the link's pipeline at a slot's key and restart it. Redpanda reads secret
// values only when a pipeline starts, so the pipeline is stopped, its YAML switched to the slot's secrets,
// and started again; the wait for STATE_RUNNING is the state machine's CheckPipeline loop.
import { PipelineConfigError } from '../core/errors.js';
import { buildPipelineCreateBody } from '../core/pipeline-yaml.js';
import type { KeySlot } from '../core/naming.js';
import type { RedpandaDataPlane } from '../ports/redpanda.js';
import type { PipelineState } from './create-pipeline.js';
import type { StepDeps } from './shared/deps.js';
import type { NewKey, RotationContext } from './shared/rotation.js';
import { deadlineAfter } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface SwitchPipelineKeyInput extends StepEvent {
  readonly rotation: RotationContext;
  readonly newKey: NewKey;
}

/**
 * Stop the pipeline, point its YAML at the slot, start it; returns the pipeline as the start left it. With
 * `keepIfRunning`, a pipeline already on that slot and running is left alone (RestoreKey after a failure that
 * came before the switch: its secrets never changed, so a restart would only cost downtime).
 */
export async function restartOnSlot(
  dataPlane: RedpandaDataPlane,
  rotation: RotationContext,
  slot: KeySlot,
  options: { readonly keepIfRunning?: boolean } = {},
): Promise<{ id: string; state: string }> {
  const { request, link, aurora } = rotation;
  if (!aurora.endpoint) throw new PipelineConfigError(`cluster ${aurora.clusterIdentifier} has no endpoint`);
  const body = buildPipelineCreateBody(
    request,
    { dbAccountId: link.dbAccountId, region: link.region, clusterResourceId: aurora.resourceId, endpoint: aurora.endpoint, port: aurora.port },
    { keySlot: slot },
  );
  const spec = {
    displayName: body.display_name,
    description: body.description,
    configYaml: body.config_yaml,
    resources: { memoryShares: body.resources.memory_shares, cpuShares: body.resources.cpu_shares },
    tags: body.tags,
  };
  const current = await dataPlane.getPipeline(rotation.pipelineId);
  if (current.configYaml === spec.configYaml) {
    if (current.state === 'STATE_STOPPED') return dataPlane.startPipeline(current.id);
    if (options.keepIfRunning === true && (current.state === 'STATE_RUNNING' || current.state === 'STATE_STARTING')) return current;
    // Same slot as before (the rotation of a lost key wrote into it): the config is unchanged, a restart is not.
    await dataPlane.stopPipeline(current.id);
    await dataPlane.waitForPipelineState(current.id, 'STATE_STOPPED');
    return dataPlane.startPipeline(current.id);
  }
  const updated = await dataPlane.updatePipeline(link.name, current.id, spec, { restart: false });
  const stopped = updated.state === 'STATE_STOPPED' ? updated : await dataPlane.waitForPipelineState(updated.id, 'STATE_STOPPED');
  return dataPlane.startPipeline(stopped.id);
}

export function makeHandler(deps: Pick<StepDeps, 'redpanda' | 'clock' | 'deadlines'>) {
  return defineStep<SwitchPipelineKeyInput, PipelineState & { readonly stoppedAt: string }>('SwitchPipelineKey', async ({ rotation, newKey }) => {
    const dataPlane = (await deps.redpanda()).dataPlane(rotation.redpanda.dataplaneApiUrl);
    const stoppedAt = deps.clock().toISOString();
    const pipeline = await restartOnSlot(dataPlane, rotation, newKey.key.slot);
    return {
      id: pipeline.id,
      state: pipeline.state,
      running: pipeline.state === 'STATE_RUNNING',
      deadline: deadlineAfter(deps.clock(), deps.deadlines.pipelineRunningMs),
      stoppedAt,
    };
  });
}
