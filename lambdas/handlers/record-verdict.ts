// Validate, last step: record the verdict (and, after healing, both verdicts) on the link with its time,
// trigger, findings and actions, and publish one metric data point per verdict.
import type { VerdictRecord } from '../ports/registry.js';
import type { StepDeps } from './shared/deps.js';
import type { HealOutcome } from './heal-link.js';
import type { Judgement } from './judge-link.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface RecordVerdictInput extends StepEvent {
  readonly input: { readonly trigger?: unknown };
  readonly before: Judgement;
  readonly heal?: HealOutcome;
  readonly after?: Judgement;
}

export interface ValidationSummary {
  readonly link: string;
  readonly trigger: string;
  readonly verdict: Judgement['verdict'];
  readonly before: Judgement['verdict'];
  readonly healed: boolean;
  readonly actions: readonly string[];
  readonly findings: readonly { readonly id: string; readonly message: string; readonly fix?: string }[];
  readonly why?: string;
}

function toRecord(j: Judgement, trigger: string, actions: readonly string[]): VerdictRecord {
  return {
    at: j.at,
    trigger,
    verdict: j.verdict,
    findings: j.findings.map((f) => ({ id: f.id, message: f.message, ...(f.fix ? { fix: f.fix } : {}) })),
    actions: j.why ? [...actions, `not judged: ${j.why}`] : actions,
  };
}

export function makeHandler(deps: Pick<StepDeps, 'registry' | 'metrics'>) {
  return defineStep<RecordVerdictInput, ValidationSummary>('RecordVerdict', async ({ input, before, heal, after }) => {
    const trigger = typeof input.trigger === 'string' ? input.trigger : 'direct';
    const record = before.link ? await deps.registry.get(before.link) : undefined;
    const final = after ?? before;
    if (record) {
      await deps.registry.appendVerdict(record.name, toRecord(before, trigger, []));
      if (after) await deps.registry.appendVerdict(record.name, toRecord(after, `${trigger} (after healing)`, heal?.actions ?? []));
      // A link waiting for the operator's pipeline-role policy is ready once it judges healthy.
      if (record.status === 'action-required' && final.verdict === 'healthy') await deps.registry.update(record.name, { status: 'ready' });
      await deps.metrics.recordVerdict(record.name, before.verdict);
      if (after) await deps.metrics.recordVerdict(record.name, after.verdict);
    }
    return {
      link: before.link,
      trigger,
      verdict: final.verdict,
      before: before.verdict,
      healed: (heal?.actions.length ?? 0) > 0,
      actions: heal?.actions ?? [],
      findings: final.findings.map((f) => ({ id: f.id, message: f.message, ...(f.fix ? { fix: f.fix } : {}) })),
      ...(final.why ? { why: final.why } : {}),
    };
  });
}
