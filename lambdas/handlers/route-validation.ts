// The target of the IAM-change and schedule rules (not a state-machine step): decide which links to
// validate and start one Validate execution per link with a deterministic name, so a burst of events for
// one link in the same minute starts one validation. Ignores our own healing (the loop guard).
import { affectedLinks, isOwnChange, parseTrigger, validationExecutionName, type WatchedLink } from '../core/iam-events.js';
import { linkNames } from '../core/naming.js';
import type { LinkRecord } from '../ports/registry.js';
import type { StepDeps } from './shared/deps.js';
import { defineStep } from './shared/step.js';

export interface RouteValidationOutput {
  readonly trigger: string;
  readonly started: readonly string[];
  readonly duplicates: readonly string[];
  readonly ignored?: string;
}

/** Links a change or the schedule can judge: provisioned ones (not mid-provision, not being deleted). */
const JUDGEABLE = new Set<LinkRecord['status']>(['ready', 'action-required']);

export function makeHandler(deps: Pick<StepDeps, 'registry' | 'validations' | 'loopGuardRoleNames' | 'clock'>) {
  return defineStep<Record<string, unknown>, RouteValidationOutput>('RouteValidation', async (event) => {
    const trigger = parseTrigger(event);
    if (!trigger) return { trigger: 'none', started: [], duplicates: [], ignored: 'not a link, schedule or IAM change event' };
    let names: string[];
    if (trigger.kind === 'direct') {
      names = [trigger.link];
    } else {
      const links = (await deps.registry.list()).filter((r) => JUDGEABLE.has(r.status));
      if (trigger.kind === 'schedule') {
        names = links.map((r) => r.name).sort();
      } else {
        if (isOwnChange(trigger.change, deps.loopGuardRoleNames)) {
          return { trigger: trigger.kind, started: [], duplicates: [], ignored: `made by our own healing (${trigger.change.actorArn})` };
        }
        const watched: WatchedLink[] = links.map((r) => ({
          name: r.name,
          request: r.request,
          dbAccountId: r.dbAccountId,
          dbConnectRole: linkNames(r.request, r.dbAccountId).dbConnectRole,
        }));
        names = affectedLinks(trigger.change, watched);
        if (names.length === 0) {
          return { trigger: trigger.kind, started: [], duplicates: [], ignored: `${trigger.change.eventName} on ${trigger.change.roleName ?? trigger.change.policyArn ?? '?'} concerns no link` };
        }
      }
    }
    const started: string[] = [];
    const duplicates: string[] = [];
    const now = deps.clock();
    for (const link of names) {
      const outcome = await deps.validations.startValidation(validationExecutionName(link, trigger.kind, now), { link, trigger: trigger.kind });
      (outcome === 'started' ? started : duplicates).push(link);
    }
    return { trigger: trigger.kind, started, duplicates };
  });
}
