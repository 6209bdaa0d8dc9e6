// Where every Catch of Provision lands: record the failed step, the error and its diagnosis on the link,
// and hand the state machine the error name and cause its Fail state ends the execution with. It releases the
// link lock this execution holds, except before a rollback: the rollback Teardown takes it over (shared/lock.ts).
import { catalogueEntry, classifyLine } from '../core/diagnosis.js';
import { causeMessage } from '../core/errors.js';
import type { StepDeps } from './shared/deps.js';
import { releaseLinkLock } from './shared/lock.js';
import { defineStep, stepOfMessage, type StepEvent } from './shared/step.js';

export interface RecordFailureInput extends StepEvent {
  /** The state when the error was caught; `request` may still be raw if ValidateRequest failed. */
  readonly request?: unknown;
  readonly failure: { readonly Error: string; readonly Cause?: string };
  /** Rotate: the link keeps its status (the old key was restored, or the new one works); only the failure is recorded. */
  readonly keepStatus?: boolean;
}

export interface RecordFailureOutput {
  readonly error: string;
  readonly cause: string;
  readonly step?: string;
  readonly diagnosis?: { readonly id: string; readonly title: string; readonly fix: string };
  readonly onFailure: 'keep' | 'rollback';
  /** Roll back only what this execution made: never when the request itself was refused. */
  readonly rollback: boolean;
  readonly link?: string;
}

function linkName(request: unknown): string | undefined {
  // Provision passes the request (`name`), Teardown its input (`link`).
  const r = request as { name?: unknown; link?: unknown } | undefined;
  const name = r?.name ?? r?.link;
  return typeof name === 'string' && /^[a-z][a-z0-9-]{2,30}$/.test(name) ? name : undefined;
}

export function makeHandler(deps: Pick<StepDeps, 'registry' | 'clock'>) {
  return defineStep<RecordFailureInput, RecordFailureOutput>('RecordFailure', async ({ request, failure, keepStatus, executionArn }) => {
    const { step, message } = stepOfMessage(causeMessage(failure.Cause));
    // A step that knows its cause names the catalogue entry in brackets; otherwise classify the text.
    const named = /\[([a-z0-9-]+)\]/.exec(message)?.[1];
    const classified = classifyLine(message);
    const entry = (named !== undefined ? catalogueEntry(named) : undefined) ?? (classified.kind === 'problem' ? catalogueEntry(classified.entryId) : undefined);
    const diagnosis = entry ? { id: entry.id, title: entry.title, fix: entry.fix.join(' ') } : undefined;
    const name = linkName(request);
    const onFailure = (request as { onFailure?: unknown } | undefined)?.onFailure === 'rollback' ? 'rollback' : 'keep';
    // A refused request (ValidateRequest) is not this link's failure: the name may belong to another link.
    if (name && step !== undefined && step !== 'ValidateRequest' && step !== 'BeginTeardown' && step !== 'BeginRotation' && (await deps.registry.get(name))) {
      await deps.registry.update(name, {
        ...(keepStatus === true ? {} : { status: 'failed' as const }),
        failure: {
          step: step ?? 'unknown',
          error: failure.Error,
          cause: message,
          ...(diagnosis ? { diagnosis } : {}),
          at: deps.clock().toISOString(),
        },
      });
    }
    const cause = `${step ? `${step} failed: ` : ''}${message.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 2000)}` + (diagnosis ? ` | diagnosis [${diagnosis.id}] ${diagnosis.title}. Fix: ${diagnosis.fix}` : '');
    const rollback = onFailure === 'rollback' && name !== undefined && step !== undefined && step !== 'ValidateRequest';
    if (name !== undefined && !rollback) await releaseLinkLock(deps, name, executionArn);
    return { error: failure.Error, cause, ...(step ? { step } : {}), ...(diagnosis ? { diagnosis } : {}), onFailure, rollback, ...(name ? { link: name } : {}) };
  });
}
