// Rotate: a second key for the connector user, written into the other slot's Redpanda secrets in this one
// invocation and recorded as pending. IAM allows two keys per user: what is left of a crashed earlier attempt
// (an unrecorded key of ours, or an unproven pending one) is deleted first; a key the link did not create is
// never deleted, and if it leaves no room the rotation stops with a named error.
import { RotationNotPossibleError } from '../core/errors.js';
import { linkNames, otherSlot } from '../core/naming.js';
import { createKeyIntoSlot, settled, unrecordedLeftovers } from './shared/access-key.js';
import type { StepDeps } from './shared/deps.js';
import type { NewKey, RotationContext } from './shared/rotation.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface CreateNewKeyInput extends StepEvent {
  readonly rotation: RotationContext;
}

export function makeHandler(deps: Pick<StepDeps, 'iam' | 'registry' | 'redpanda' | 'clock'>) {
  return defineStep<CreateNewKeyInput, NewKey>('CreateNewKey', async ({ rotation }) => {
    const { request, link } = rotation;
    const userName = linkNames(request, link.dbAccountId).connectorUser;
    const record = await deps.registry.get(link.name);
    const state = record?.accessKey;
    const user = await deps.iam.getUser(userName);
    if (!user) throw new RotationNotPossibleError(`[connector-user-missing] IAM user ${userName} does not exist: run Validate (it recreates the user) or the provision again`);
    for (const leftover of unrecordedLeftovers(user.accessKeys, state)) await deps.iam.deleteAccessKey(userName, leftover.accessKeyId);
    if (state?.pending && state.pending.accessKeyId !== state.current?.accessKeyId) await deps.iam.deleteAccessKey(userName, state.pending.accessKeyId);
    const keys = (await deps.iam.getUser(userName))?.accessKeys ?? [];
    const others = keys.filter((k) => k.accessKeyId !== state?.current?.accessKeyId);
    if (keys.length >= 2) {
      throw new RotationNotPossibleError(
        `[access-key-unknown] IAM user ${userName} has an access key the link did not create (${others.map((k) => k.accessKeyId).join(', ')}), ` +
          'and IAM allows two per user: delete it (aws iam delete-access-key) and rotate again',
      );
    }
    const dataPlane = (await deps.redpanda()).dataPlane(rotation.redpanda.dataplaneApiUrl);
    const slot = otherSlot(rotation.previous?.slot ?? 'B');
    const cleaned = settled({ ...(state ?? {}), pending: undefined });
    const key = await createKeyIntoSlot(deps, { request, dbAccountId: link.dbAccountId, userName, slot, state: cleaned, dataPlane });
    await deps.registry.update(link.name, { accessKey: { ...cleaned, pending: key } });
    return { key };
  });
}
