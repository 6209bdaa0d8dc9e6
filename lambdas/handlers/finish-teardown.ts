// Teardown, last step: mark the link deleted (its record and verdict history stay) and return one report of
// everything deleted, kept (with why) and left for a human (with the exact command).
import type { StepDeps } from './shared/deps.js';
import type { StepReport, TeardownContext } from './shared/teardown.js';
import { releaseLinkLock } from './shared/lock.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface FinishTeardownInput extends StepEvent {
  readonly teardown: TeardownContext;
  readonly results: Readonly<Record<string, StepReport>>;
}

export interface TeardownReport extends StepReport {
  readonly link: string;
  readonly status: 'deleted' | 'already-deleted';
}

export function makeHandler(deps: Pick<StepDeps, 'registry'>) {
  return defineStep<FinishTeardownInput, TeardownReport>('FinishTeardown', async ({ teardown, results, executionArn }) => {
    const parts = Object.values(results);
    const report: TeardownReport = {
      link: teardown.link,
      status: teardown.alreadyDeleted ? 'already-deleted' : 'deleted',
      deleted: parts.flatMap((p) => p.deleted),
      kept: parts.flatMap((p) => p.kept),
      needsHuman: parts.flatMap((p) => p.needsHuman),
    };
    await deps.registry.update(teardown.link, { status: 'deleted', outputs: { teardown: report }, failure: undefined });
    await releaseLinkLock(deps, teardown.link, executionArn);
    return report;
  });
}
