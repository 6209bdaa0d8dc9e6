// The link lock: Provision, Teardown and Rotate each take it at their start and release it at the end of their
// success and failure paths, so a second one on the same link is refused instead of interleaving with the first.
// A lock left by an execution that crashed, was stopped or timed out is taken over once Step Functions says it
// no longer runs, or once it is older than any execution can last.
import { LinkLockedError } from '../../core/errors.js';
import type { LinkLock } from '../../ports/registry.js';
import type { StepDeps } from './deps.js';

/**
 * Longer than the longest state machine timeout (Provision and Teardown: TimeoutSeconds 7200): an execution
 * holding a lock this old has ended, even when DescribeExecution cannot say so.
 */
export const LINK_LOCK_TTL_MS = 3 * 3600_000;

const DOING: Record<LinkLock['workflow'], string> = { provision: 'provisioned', teardown: 'torn down', rotate: 'rotated' };

export interface TakeLockInput {
  readonly link: string;
  readonly workflow: LinkLock['workflow'];
  /** `$$.Execution.Id` of the execution taking it. */
  readonly executionArn: string;
  /** The execution that started this one (Provision's rollback Teardown): it hands its lock on. */
  readonly startedBy?: string;
}

/** Take the link's lock, or throw LinkLockedError naming the execution that holds it and still runs. */
export async function takeLinkLock(deps: Pick<StepDeps, 'registry' | 'executions' | 'clock'>, input: TakeLockInput): Promise<{ readonly tookOverFrom?: string }> {
  const lock: LinkLock = { executionArn: input.executionArn, workflow: input.workflow, takenAt: deps.clock().toISOString() };
  const first = await deps.registry.acquireLock(input.link, lock);
  if (first.acquired) return {};
  const holder = first.holder;
  if (!(await releasable(deps, holder, input.startedBy))) {
    throw new LinkLockedError(
      `link ${input.link} is being ${DOING[holder.workflow]} by execution ${holder.executionArn} (since ${holder.takenAt}); ` +
        'start again when it has finished, or stop that execution',
    );
  }
  const second = await deps.registry.acquireLock(input.link, lock, holder.executionArn);
  if (!second.acquired) {
    throw new LinkLockedError(
      `link ${input.link} was just locked by execution ${second.holder.executionArn} (${second.holder.workflow}); start again when it has finished`,
    );
  }
  return { tookOverFrom: holder.executionArn };
}

/** Whether the holder's lock may be taken: it started us, it no longer runs, or it is older than any execution lasts. */
async function releasable(deps: Pick<StepDeps, 'executions' | 'clock'>, holder: LinkLock, startedBy: string | undefined): Promise<boolean> {
  if (startedBy !== undefined && holder.executionArn === startedBy) return true;
  const age = deps.clock().getTime() - Date.parse(holder.takenAt);
  if (Number.isFinite(age) && age > LINK_LOCK_TTL_MS) return true;
  const status = await deps.executions.status(holder.executionArn);
  // PENDING_REDRIVE can resume where it failed: it still counts as holding the link.
  return status !== 'RUNNING' && status !== 'PENDING_REDRIVE';
}

/** Release the lock if this execution holds it (a no-op otherwise: never someone else's). */
export async function releaseLinkLock(deps: Pick<StepDeps, 'registry'>, link: string, executionArn: string | undefined): Promise<void> {
  if (executionArn === undefined) return;
  await deps.registry.releaseLock(link, executionArn);
}
