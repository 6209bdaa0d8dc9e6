// Redpanda branch: the link's topic (and, for MySQL, the compacted checkpoint topic of mysql_cdc). An
// existing topic that matches is adopted and, being not the link's, is never deleted by teardown.
import { linkNames } from '../core/naming.js';
import type { LinkRequest } from '../core/request.js';
import type { StepDeps } from './shared/deps.js';
import type { LinkRef, RedpandaClusterRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface EnsureTopicInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
}

export interface EnsureTopicOutput {
  readonly topic: string;
  readonly outcome: string;
  readonly checkpointTopic?: string;
}

export function makeHandler(deps: Pick<StepDeps, 'redpanda' | 'registry'>) {
  return defineStep<EnsureTopicInput, EnsureTopicOutput>('EnsureTopic', async ({ request, link, redpanda }) => {
    const dataPlane = (await deps.redpanda()).dataPlane(redpanda.dataplaneApiUrl);
    const { topic, partitions, replicationFactor } = request.redpanda;
    const ensured = await dataPlane.ensureTopic(request.name, { name: topic, partitions, replicationFactor });
    if (ensured.outcome === 'created') await deps.registry.update(request.name, { owned: { topic } });
    if (request.engine !== 'aurora-mysql') return { topic, outcome: ensured.outcome };

    const checkpointTopic = linkNames(request, link.dbAccountId).checkpointTopic;
    const checkpoint = await dataPlane.ensureTopic(request.name, {
      name: checkpointTopic,
      partitions: 1,
      replicationFactor,
      configs: { 'cleanup.policy': 'compact' },
    });
    if (checkpoint.outcome === 'created') await deps.registry.update(request.name, { owned: { checkpointTopic } });
    return { topic, outcome: ensured.outcome, checkpointTopic };
  });
}
