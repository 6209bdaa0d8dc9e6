// The target of the IAM-change and schedule rules (not a state-machine step): decide which links to
// validate and start one Validate execution per link with a deterministic name, so a burst of events for
// one link in the same minute starts one validation. Ignores our own healing (the loop guard). The daily
// rotation schedule comes here too: it starts Rotate for each `access-key` link whose key is due.
import { affectedLinks, isOwnChange, parseTrigger, rotationDue, rotationExecutionName, validationExecutionName, type WatchedLink } from '../core/iam-events.js';
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

export function makeHandler(deps: Pick<StepDeps, 'registry' | 'validations' | 'rotations' | 'loopGuardRoleNames' | 'clock'>) {
  return defineStep<Record<string, unknown>, RouteValidationOutput>('RouteValidation', async (event) => {
    const trigger = parseTrigger(event);
    if (!trigger) return { trigger: 'none', started: [], duplicates: [], ignored: 'not a link, schedule or IAM change event' };
    const now = deps.clock();
    const started: string[] = [];
    const duplicates: string[] = [];

    if (trigger.kind === 'rotation-schedule') {
      const due = (await deps.registry.list()).filter(
        (r) => r.status === 'ready' && r.request.identity.mode === 'access-key' && rotationDue(r.accessKey?.current?.createdAt, r.request.identity.rotateAfterDays, now),
      );
      for (const r of due) {
        const outcome = await deps.rotations.startRotation(rotationExecutionName(r.name, 'schedule', now), { link: r.name, trigger: 'schedule' });
        (outcome === 'started' ? started : duplicates).push(r.name);
      }
      return { trigger: trigger.kind, started, duplicates };
    }

    let names: string[];
    if (trigger.kind === 'direct') {
      names = [trigger.link];
    } else {
      const links = (await deps.registry.list()).filter((r) => JUDGEABLE.has(r.status));
      if (trigger.kind === 'schedule') {
        names = links.map((r) => r.name).sort();
      } else {
        const { change } = trigger;
        if (isOwnChange(change, deps.loopGuardRoleNames)) {
          return { trigger: trigger.kind, started: [], duplicates: [], ignored: `made by our own healing (${change.actorArn})` };
        }
        const watched: WatchedLink[] = links.map((r) => {
          const names = linkNames(r.request, r.dbAccountId);
          return {
            name: r.name,
            request: r.request,
            dbAccountId: r.dbAccountId,
            dbConnectRole: names.dbConnectRole,
            ...(r.request.identity.mode === 'access-key' ? { connectorUser: names.connectorUser } : {}),
          };
        });
        names = affectedLinks(change, watched);
        if (names.length === 0) {
          const subject = change.roleName ?? change.userName ?? change.policyArn ?? '?';
          return { trigger: trigger.kind, started: [], duplicates: [], ignored: `${change.eventName} on ${subject} concerns no link` };
        }
      }
    }
    for (const link of names) {
      const outcome = await deps.validations.startValidation(validationExecutionName(link, trigger.kind, now), { link, trigger: trigger.kind });
      (outcome === 'started' ? started : duplicates).push(link);
    }
    return { trigger: trigger.kind, started, duplicates };
  });
}
