// After the Parallel, database.network "private": the cluster's egress allowlist admits the database's VPC on its
// port (the cluster's, known once it exists) (the data-plane firewall drops private destinations without an entry, docs/reference/redpanda-cloud.md §11).
// Read-modify-write: the current list with the link's entry merged in, never dropping another's entry; nothing
// is sent when an entry already covers it. The update is a long-running operation: it is awaited for a while,
// and a step still waiting fails with a retried error (the re-run finds the entry, or the operation, done).
import { AllowlistFullError, allowlistEntryFor, describeEntry, entryCovers, mergeAllowlistEntry, sameEntry } from '../core/network.js';
import { RedpandaOperationFailedError, RedpandaOperationPendingError } from '../core/errors.js';
import type { LinkRequest } from '../core/request.js';
import type { StepDeps } from './shared/deps.js';
import type { AuroraState, LinkRef, RedpandaClusterRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface EnsureEgressAllowlistInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
  readonly aurora: Pick<AuroraState, 'port'>;
}

export interface EgressAllowlistOutcome {
  readonly entry: string;
  /** `shared`: another link added it; `present`: it was there before any link (never removed by a teardown). */
  readonly outcome: 'added' | 'shared' | 'present';
}

/** How long one invocation waits for the cluster update (well inside the Lambda's timeout). */
const OPERATION_WAIT_MS = 40_000;

export function makeHandler(deps: Pick<StepDeps, 'redpanda' | 'registry'>) {
  return defineStep<EnsureEgressAllowlistInput, EgressAllowlistOutcome>('EnsureEgressAllowlist', async ({ request, redpanda, aurora }) => {
    const planned = redpanda.network.allowlistEntry;
    if (planned === undefined) throw new Error(`link ${request.name} is not a private link: it has no allowlist entry to add`);
    // The database VPC from ValidateRequest, on the port of the cluster as created (or adopted).
    const entry = allowlistEntryFor(planned.cidr, aurora.port || planned.portStart);
    const cloud = await deps.redpanda();
    const cluster = await cloud.describeCluster(redpanda.clusterId);
    let merged;
    try {
      merged = mergeAllowlistEntry(cluster.allowedDestinationCidrPorts, entry);
    } catch (e) {
      if (e instanceof AllowlistFullError) throw new AllowlistFullError(`[allowlist-full] cluster ${cluster.id}: ${e.message}`);
      throw e;
    }
    if (!merged.added) {
      // Present already: the link shares it only when another link of ours added it; an entry that was there
      // before any link is someone else's, and teardown must never remove it.
      const shared = (await deps.registry.list()).some(
        (r) => r.name !== request.name && r.status !== 'deleted' && r.request.redpanda.clusterId === cluster.id && r.owned.allowlistEntry && sameEntry(r.owned.allowlistEntry, entry),
      );
      if (shared) await deps.registry.update(request.name, { owned: { allowlistEntry: { ...entry } } });
      return { entry: describeEntry(entry), outcome: shared ? 'shared' : 'present' };
    }
    // Recorded before the update: a teardown after a crash here still knows to look for the entry.
    await deps.registry.update(request.name, { owned: { allowlistEntry: { ...entry } } });
    const requested = await cloud.updateAllowedDestinations(cluster.id, merged.entries);
    const operation = requested.state === 'STATE_IN_PROGRESS' ? await cloud.waitForOperation(requested.id, { timeoutMs: OPERATION_WAIT_MS }) : requested;
    if (operation.state === 'STATE_FAILED') {
      throw new RedpandaOperationFailedError(`the egress allowlist update of cluster ${cluster.id} failed (operation ${operation.id}): ${operation.error ?? 'no error given'}`);
    }
    if (operation.state !== 'STATE_COMPLETED') {
      throw new RedpandaOperationPendingError(`the egress allowlist update of cluster ${cluster.id} (operation ${operation.id}) is still ${operation.state}`);
    }
    const after = await cloud.describeCluster(cluster.id);
    if (!after.allowedDestinationCidrPorts.some((e) => entryCovers(e, entry.cidr, entry.portStart))) {
      throw new RedpandaOperationPendingError(`cluster ${cluster.id} does not list ${describeEntry(entry)} yet although operation ${operation.id} completed`);
    }
    return { entry: describeEntry(entry), outcome: 'added' };
  });
}
