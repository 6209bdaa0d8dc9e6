// IAM branch, identity mode `access-key`, last step: the connector user's access key, created and written
// into the Redpanda secrets the pipeline reads (slot A on a new link) in this one invocation. A re-run keeps a
// key that is still usable; otherwise (a crash left an unrecorded key, the key was deleted or deactivated,
// or its secrets are gone) it deletes what is ours and unusable and makes a new one in the same slot.
import { IamPropagationError, ResourceConflictError } from '../core/errors.js';
import { linkNames } from '../core/naming.js';
import type { LinkRequest } from '../core/request.js';
import { createKeyIntoSlot, settled, slotSecretIds, slotWritten, unrecordedLeftovers } from './shared/access-key.js';
import type { StepDeps } from './shared/deps.js';
import type { FirstHopOutcome, LinkRef, RedpandaClusterRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface EnsureAccessKeyInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
}

export function makeHandler(deps: Pick<StepDeps, 'iam' | 'registry' | 'redpanda' | 'clock'>) {
  return defineStep<EnsureAccessKeyInput, FirstHopOutcome>('EnsureAccessKey', async ({ request, link, redpanda }) => {
    const names = linkNames(request, link.dbAccountId);
    const userName = names.connectorUser;
    const record = await deps.registry.get(request.name);
    const state = record?.accessKey;
    const user = await deps.iam.getUser(userName);
    if (!user) throw new IamPropagationError(`IAM user ${userName} is not visible yet (EnsureConnectorUser created it)`);
    const dataPlane = (await deps.redpanda()).dataPlane(redpanda.dataplaneApiUrl);
    const base = { mode: 'access-key' as const, applied: true, principalArn: user.arn };

    const current = state?.current;
    const currentKey = current ? user.accessKeys.find((k) => k.accessKeyId === current.accessKeyId) : undefined;
    if (current && currentKey?.status === 'Active' && (await slotWritten(dataPlane, slotSecretIds(request, link.dbAccountId, current.slot)))) {
      return { ...base, accessKey: current, keyReplaced: false };
    }

    for (const leftover of unrecordedLeftovers(user.accessKeys, state)) await deps.iam.deleteAccessKey(userName, leftover.accessKeyId);
    // A rotation that crashed left its unproven key: ours, and superseded by the key made here.
    if (state?.pending) await deps.iam.deleteAccessKey(userName, state.pending.accessKeyId);
    // The recorded key is unusable (deactivated, or its secrets are gone and cannot be refilled): it goes.
    if (currentKey) await deps.iam.deleteAccessKey(userName, currentKey.accessKeyId);
    const remaining = (await deps.iam.getUser(userName))?.accessKeys ?? [];
    if (remaining.length >= 2) {
      throw new ResourceConflictError(
        `[access-key-unknown] IAM user ${userName} already has two access keys the link did not create (${remaining.map((k) => k.accessKeyId).join(', ')}): ` +
          'IAM allows two per user, so no key can be made for the pipeline; delete the ones you do not need and run the provision again',
      );
    }
    const slot = current?.slot ?? 'A';
    const key = await createKeyIntoSlot(deps, { request, dbAccountId: link.dbAccountId, userName, slot, state, dataPlane });
    const { pending: _pending, ...kept } = settled(state ?? {});
    await deps.registry.update(request.name, { accessKey: { ...kept, current: key } });
    return { ...base, accessKey: key, keyReplaced: current !== undefined };
  });
}
