// Rotate, last step, once the restarted pipeline streams with the new key: delete the old key and its slot's
// secrets, and record the new key as the one in use.
import { linkNames } from '../core/naming.js';
import { slotSecretIds } from './shared/access-key.js';
import type { StepDeps } from './shared/deps.js';
import type { NewKey, RotationContext, RotationSummary } from './shared/rotation.js';
import { releaseLinkLock } from './shared/lock.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface FinishRotationInput extends StepEvent {
  readonly rotation: RotationContext;
  readonly newKey: NewKey;
  readonly pipeline: { readonly stoppedAt?: string };
}

export function makeHandler(deps: Pick<StepDeps, 'iam' | 'registry' | 'redpanda' | 'clock'>) {
  return defineStep<FinishRotationInput, RotationSummary>('FinishRotation', async ({ rotation, newKey, pipeline, executionArn }) => {
    const { request, link, previous } = rotation;
    const userName = linkNames(request, link.dbAccountId).connectorUser;
    const now = deps.clock();
    if (previous && previous.accessKeyId !== newKey.key.accessKeyId) {
      await deps.iam.deleteAccessKey(userName, previous.accessKeyId);
      if (previous.slot !== newKey.key.slot) {
        const dataPlane = (await deps.redpanda()).dataPlane(rotation.redpanda.dataplaneApiUrl);
        // Deleting a secret does not affect a running pipeline; this one's pipeline reads the other slot now.
        for (const id of slotSecretIds(request, link.dbAccountId, previous.slot)) await dataPlane.deleteSecret(link.name, id);
      }
    }
    const record = await deps.registry.get(link.name);
    const { pending: _pending, creating: _creating, ...kept } = record?.accessKey ?? {};
    await deps.registry.update(link.name, { accessKey: { ...kept, current: newKey.key, lastRotatedAt: now.toISOString() }, failure: undefined });
    await releaseLinkLock(deps, link.name, executionArn);
    return {
      link: link.name,
      accessKeyId: newKey.key.accessKeyId,
      slot: newKey.key.slot,
      ...(previous ? { previousAccessKeyId: previous.accessKeyId } : {}),
      rotatedAt: now.toISOString(),
      trigger: rotation.trigger,
      ...(pipeline.stoppedAt ? { restartToStreamingMs: now.getTime() - Date.parse(pipeline.stoppedAt) } : {}),
    };
  });
}
