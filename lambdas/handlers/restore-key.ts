// Rotate's Catch: undo a rotation that did not prove itself. When the old key still works (it exists, is
// Active, and its slot's secrets are there), the pipeline is switched back to it and restarted, and the new
// key and its secrets are deleted: the replication slot kept the position, so nothing is lost. When the old
// key is gone (the rotation was healing a lost key), the new key is all there is: it stays in use.
import { linkNames } from '../core/naming.js';
import { slotSecretIds, slotWritten } from './shared/access-key.js';
import type { StepDeps } from './shared/deps.js';
import type { RotationContext } from './shared/rotation.js';
import { restartOnSlot } from './switch-pipeline-key.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface RestoreKeyInput extends StepEvent {
  readonly rotation: RotationContext;
}

export interface RestoreOutcome {
  readonly outcome: 'restored-previous-key' | 'kept-new-key' | 'nothing-to-restore';
  readonly detail: string;
}

export function makeHandler(deps: Pick<StepDeps, 'iam' | 'registry' | 'redpanda'>) {
  return defineStep<RestoreKeyInput, RestoreOutcome>('RestoreKey', async ({ rotation }) => {
    const { request, link, previous } = rotation;
    const userName = linkNames(request, link.dbAccountId).connectorUser;
    const record = await deps.registry.get(link.name);
    const pending = record?.accessKey?.pending;
    const dataPlane = (await deps.redpanda()).dataPlane(rotation.redpanda.dataplaneApiUrl);
    const user = await deps.iam.getUser(userName);
    const previousUsable =
      previous !== undefined &&
      user?.accessKeys.some((k) => k.accessKeyId === previous.accessKeyId && k.status === 'Active') === true &&
      (await slotWritten(dataPlane, slotSecretIds(request, link.dbAccountId, previous.slot)));

    if (previous && previousUsable) {
      await restartOnSlot(dataPlane, rotation, previous.slot, { keepIfRunning: true });
      if (pending && pending.accessKeyId !== previous.accessKeyId) {
        await deps.iam.deleteAccessKey(userName, pending.accessKeyId);
        if (pending.slot !== previous.slot) for (const id of slotSecretIds(request, link.dbAccountId, pending.slot)) await dataPlane.deleteSecret(link.name, id);
      }
      const { pending: _pending, creating: _creating, ...kept } = record?.accessKey ?? {};
      await deps.registry.update(link.name, { accessKey: { ...kept, current: previous } });
      return {
        outcome: 'restored-previous-key',
        detail: `the pipeline reads key ${previous.accessKeyId} (slot ${previous.slot}) again and was restarted; the new key ${pending?.accessKeyId ?? '(none)'} was deleted`,
      };
    }
    if (pending) {
      const { pending: _pending, creating: _creating, ...kept } = record?.accessKey ?? {};
      await deps.registry.update(link.name, { accessKey: { ...kept, current: pending } });
      return {
        outcome: 'kept-new-key',
        detail: `the previous key ${previous?.accessKeyId ?? '(none recorded)'} no longer works, so the new key ${pending.accessKeyId} (slot ${pending.slot}) stays in use`,
      };
    }
    return { outcome: 'nothing-to-restore', detail: 'no new key was made; the pipeline still reads the key it had' };
  });
}
