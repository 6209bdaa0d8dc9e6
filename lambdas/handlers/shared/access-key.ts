// The connector user's access key (identity mode `access-key`), shared by Provision (EnsureAccessKey) and
// Rotate: a key is created and written into its slot's two Redpanda secrets inside one invocation, so its
// secret never reaches Step Functions state, a log line, an output, the registry or Secrets Manager. What
// the registry keeps is the key's id, its slot and when it was made.
import { linkNames, type KeySlot } from '../../core/naming.js';
import type { LinkRequest } from '../../core/request.js';
import type { AccessKeyDescription, IamPort } from '../../ports/iam.js';
import type { RedpandaDataPlane } from '../../ports/redpanda.js';
import type { AccessKeyRef, AccessKeyState, RegistryPort } from '../../ports/registry.js';

/** A key created by a crashed invocation shows up this long before the marker at most (IAM dates are whole seconds). */
const CLOCK_SLACK_MS = 5_000;

/** The Redpanda secret ids of a slot. */
export function slotSecretIds(request: Pick<LinkRequest, 'name' | 'engine' | 'database' | 'redpanda'>, dbAccountId: string, slot: KeySlot): readonly [string, string] {
  const { redpandaSecrets } = linkNames(request, dbAccountId);
  return [redpandaSecrets.accessKeyId[slot], redpandaSecrets.secretAccessKey[slot]];
}

/** Whether both secrets of a slot exist (their values cannot be read back, only their presence). */
export async function slotWritten(dataPlane: RedpandaDataPlane, ids: readonly string[]): Promise<boolean> {
  for (const id of ids) if ((await dataPlane.getSecret(id)) === undefined) return false;
  return true;
}

/**
 * Keys of the user that are ours but recorded nowhere: made by an invocation that crashed between
 * CreateAccessKey and recording the key. Anything older than the marker is someone else's and is left alone.
 */
export function unrecordedLeftovers(keys: readonly AccessKeyDescription[], state: AccessKeyState | undefined): AccessKeyDescription[] {
  const marker = state?.creating;
  if (!marker) return [];
  const recorded = new Set([state.current?.accessKeyId, state.pending?.accessKeyId]);
  const since = Date.parse(marker.startedAt) - CLOCK_SLACK_MS;
  return keys.filter((k) => !recorded.has(k.accessKeyId) && Date.parse(k.createdAt) >= since);
}

/**
 * Create a key for the connector user and write it into the slot's two Redpanda secrets. The marker is
 * recorded first, so a crash anywhere in between leaves a key a re-run recognises as its own leftover. If
 * the secret write fails here, the new key is deleted at once: a key whose secret nobody holds is useless.
 */
export async function createKeyIntoSlot(
  deps: { readonly iam: IamPort; readonly registry: RegistryPort; readonly clock: () => Date },
  input: {
    readonly request: LinkRequest;
    readonly dbAccountId: string;
    readonly userName: string;
    readonly slot: KeySlot;
    readonly state: AccessKeyState | undefined;
    readonly dataPlane: RedpandaDataPlane;
  },
): Promise<AccessKeyRef> {
  const { request, userName, slot, dataPlane } = input;
  await deps.registry.update(request.name, { accessKey: { ...(input.state ?? {}), creating: { startedAt: deps.clock().toISOString(), slot } } });
  const key = await deps.iam.createAccessKey(userName);
  const [idSecret, secretSecret] = slotSecretIds(request, input.dbAccountId, slot);
  try {
    await dataPlane.ensureSecret(request.name, { id: idSecret, value: key.accessKeyId });
    await dataPlane.ensureSecret(request.name, { id: secretSecret, value: key.secretAccessKey });
  } catch (e) {
    await deps.iam.deleteAccessKey(userName, key.accessKeyId).catch(() => undefined);
    throw e;
  }
  return { accessKeyId: key.accessKeyId, slot, createdAt: key.createdAt };
}

/** The state without the creation marker. */
export function settled(state: AccessKeyState): AccessKeyState {
  const { creating: _creating, ...rest } = state;
  return rest;
}
