// Rotate, first step: the link must be an `access-key` link that is provisioned. Reads what the later steps
// need (the Redpanda data plane, the cluster for the probe, the key the pipeline reads now) from the registry,
// Redpanda Cloud and RDS, so no step trusts state from the schedule or the caller.
import { AdoptedClusterNotReadyError, LinkNotFoundError, RotationNotPossibleError } from '../core/errors.js';
import { redpandaIngressCidrs } from '../core/aurora-settings.js';
import type { StepDeps } from './shared/deps.js';
import type { RotationContext } from './shared/rotation.js';
import { takeLinkLock } from './shared/lock.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface BeginRotationInput extends StepEvent {
  readonly input: { readonly link?: unknown; readonly trigger?: unknown };
}

const LINK_NAME = /^[a-z][a-z0-9-]{2,30}$/;

export function makeHandler(deps: Pick<StepDeps, 'registry' | 'redpanda' | 'aurora' | 'executions' | 'clock'>) {
  return defineStep<BeginRotationInput, RotationContext>('BeginRotation', async ({ input, executionArn }) => {
    const name = typeof input?.link === 'string' && LINK_NAME.test(input.link) ? input.link : undefined;
    if (!name) throw new RotationNotPossibleError('the input must be {"link": "<name>"}: the link whose key to rotate');
    if (executionArn === undefined) throw new Error('no executionArn: the state machine passes $$.Execution.Id to take the link lock');
    if (!(await deps.registry.get(name))) throw new LinkNotFoundError(`no link named ${name} in the registry of this account and region`);
    await takeLinkLock(deps, { link: name, workflow: 'rotate', executionArn });
    const record = await deps.registry.get(name);
    if (!record) throw new LinkNotFoundError(`no link named ${name} in the registry of this account and region`);
    const { request } = record;
    if (request.identity.mode !== 'access-key') {
      throw new RotationNotPossibleError(`link ${name} is in identity mode ${request.identity.mode}: it has no access key to rotate`);
    }
    if (record.status !== 'ready' && record.status !== 'action-required') {
      throw new RotationNotPossibleError(`link ${name} is ${record.status}: only a provisioned link's key is rotated (run the provision again first)`);
    }
    if (!record.owned.pipelineId) throw new RotationNotPossibleError(`link ${name} has no pipeline recorded: run the provision again`);
    const cluster = await deps.aurora.describeCluster(request.database.clusterIdentifier);
    if (!cluster?.endpoint || !cluster.masterUserSecretArn) {
      throw new AdoptedClusterNotReadyError(`cluster ${request.database.clusterIdentifier} is ${cluster ? cluster.status : 'gone'}: the rotation cannot prove the new key against it`);
    }
    const rp = await (await deps.redpanda()).getCluster(request.redpanda.clusterId);
    const now = deps.clock();
    const trigger = typeof input.trigger === 'string' && /^[a-z-]{1,20}$/.test(input.trigger) ? input.trigger : 'manual';
    return {
      request,
      link: { name, dbAccountId: record.dbAccountId, region: record.region },
      redpanda: {
        clusterId: rp.id,
        region: rp.region,
        natGateways: [...rp.natGateways],
        egressCidrs: rp.natGateways.length > 0 ? [...redpandaIngressCidrs(rp.natGateways)] : [],
        dataplaneApiUrl: rp.dataplaneApiUrl,
        ...(rp.redpandaConnectVersion ? { connectVersion: rp.redpandaConnectVersion } : {}),
        // What the link recorded; a rotation changes nothing of the network.
        network: {
          mode: request.database.network,
          ingressCidrs: record.owned.ingressCidrs ?? [],
          ...(record.owned.allowlistEntry ? { allowlistEntry: record.owned.allowlistEntry } : {}),
        },
      },
      aurora: {
        clusterIdentifier: cluster.identifier,
        clusterArn: cluster.arn,
        resourceId: cluster.resourceId,
        port: cluster.port,
        created: record.owned.cluster === cluster.identifier,
        status: cluster.status,
        ready: true,
        endpoint: cluster.endpoint,
        secretArn: cluster.masterUserSecretArn,
        deadline: now.toISOString(),
      },
      pipelineId: record.owned.pipelineId,
      ...(record.accessKey?.current ? { previous: record.accessKey.current } : {}),
      trigger,
      startedAt: now.toISOString(),
    };
  });
}
