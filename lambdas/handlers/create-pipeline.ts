// After the three branches: the pipeline. Its YAML is built from the request and the cluster's facts,
// checked by our lint and by the data plane's lint before anything is created, then created (or adopted,
// or updated stop-first when it differs). The wait for RUNNING is a Wait + Choice loop (CheckPipeline).
import { PipelineConfigError } from '../core/errors.js';
import { classifyDataPlaneHints, lintPipeline } from '../core/lint.js';
import { buildPipelineCreateBody } from '../core/pipeline-yaml.js';
import type { LinkRequest } from '../core/request.js';
import type { StepDeps } from './shared/deps.js';
import { stepLogger } from './shared/logger.js';
import { deadlineAfter, type AuroraState, type FirstHopOutcome, type LinkRef, type RedpandaClusterRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface CreatePipelineInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
  readonly aurora: AuroraState;
  readonly firstHop: FirstHopOutcome;
}

export interface PipelineState {
  readonly id: string;
  readonly state: string;
  readonly running: boolean;
  readonly outcome?: string;
  readonly deadline: string;
}

export function makeHandler(deps: Pick<StepDeps, 'redpanda' | 'registry' | 'clock' | 'deadlines'>) {
  return defineStep<CreatePipelineInput, PipelineState>('CreatePipeline', async ({ request, link, redpanda, aurora, firstHop }) => {
    if (!aurora.endpoint) throw new PipelineConfigError(`cluster ${aurora.clusterIdentifier} has no endpoint yet`);
    const body = buildPipelineCreateBody(
      request,
      { dbAccountId: link.dbAccountId, region: link.region, clusterResourceId: aurora.resourceId, endpoint: aurora.endpoint, port: aurora.port },
      firstHop.accessKey ? { keySlot: firstHop.accessKey.slot } : {},
    );
    // A pipeline-role link's pipeline runs with IRSA (the walkthrough's chain); every other Cloud pipeline has no pod identity.
    const ours = lintPipeline(body.config_yaml, { target: 'redpanda-cloud', podIdentity: request.identity.mode === 'pipeline-role' }).filter((f) => f.severity === 'error');
    if (ours.length > 0) throw new PipelineConfigError(`generated pipeline fails lint: ${ours.map((f) => `${f.rule} ${f.path}: ${f.message}`).join('; ')}`);
    const dataPlane = (await deps.redpanda()).dataPlane(redpanda.dataplaneApiUrl);
    const { fatal, cloudResolved } = classifyDataPlaneHints(await dataPlane.lintConfig(body.config_yaml));
    if (cloudResolved.length > 0) {
      stepLogger.info('data plane lint: variables Redpanda Cloud resolves at start', { hints: cloudResolved.map((h) => h.hint) });
    }
    if (fatal.length > 0) {
      throw new PipelineConfigError(`the data plane refused the pipeline config: ${fatal.map((h) => `line ${h.line}:${h.column} ${h.hint}`).join('; ')}`);
    }
    const ensured = await dataPlane.ensurePipeline(request.name, {
      displayName: body.display_name,
      description: body.description,
      configYaml: body.config_yaml,
      resources: { memoryShares: body.resources.memory_shares, cpuShares: body.resources.cpu_shares },
      tags: body.tags,
    });
    let pipeline = ensured.resource;
    // Redpanda reads secret values only at start: a pipeline that kept running across a new key must restart.
    if (firstHop.keyReplaced === true && ensured.outcome === 'adopted' && (pipeline.state === 'STATE_RUNNING' || pipeline.state === 'STATE_STARTING')) {
      await dataPlane.stopPipeline(pipeline.id);
      // Within the Lambda's timeout; a slower stop fails this step, and the re-run finds the pipeline stopped.
      pipeline = await dataPlane.waitForPipelineState(pipeline.id, 'STATE_STOPPED', { timeoutMs: 40_000 });
    }
    if (pipeline.state === 'STATE_STOPPED') pipeline = await dataPlane.startPipeline(pipeline.id);
    await deps.registry.update(request.name, { owned: { pipelineId: pipeline.id } });
    return {
      id: pipeline.id,
      state: pipeline.state,
      running: pipeline.state === 'STATE_RUNNING',
      outcome: ensured.outcome,
      deadline: deadlineAfter(deps.clock(), deps.deadlines.pipelineRunningMs),
    };
  });
}
