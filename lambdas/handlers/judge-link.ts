// Validate: judge one link with the probe's static checks (the chain as IAM evaluates it, the db-connect
// role's trust, tag and permission, the cluster settings). Verdict: healthy, drifted (with catalogue
// entries and fixes), or unknown (with why).
import type { LinkRequest } from '../core/request.js';
import type { VerdictName } from '../ports/validation.js';
import { staticChecks, type Finding } from './shared/checks.js';
import type { StepDeps } from './shared/deps.js';
import { defineStep, type StepEvent } from './shared/step.js';

/**
 * Findings Validate may repair: our inline policy on a first-hop role, the db-connect role and the connector
 * user we own, and a lost or deactivated key (by a rotation). Never a key or policy someone else added.
 */
export const HEALABLE = new Set([
  'assume-role-denied-missing-inline-policy',
  'assume-role-denied-wrong-trust',
  'assume-role-denied-missing-tag',
  'rds-db-connect-policy-mismatch',
  'db-connect-role-missing',
  'db-connect-role-untagged',
  'connector-user-missing',
  'connector-user-policy-mismatch',
  'connector-user-boundary-missing',
  'connector-user-untagged',
  'access-key-missing',
  'access-key-inactive',
]);

export interface Judgement {
  readonly link: string;
  readonly verdict: VerdictName;
  readonly why?: string;
  readonly findings: readonly Finding[];
  readonly selfHeal: boolean;
  readonly healable: boolean;
  readonly at: string;
}

export interface JudgeLinkInput extends StepEvent {
  readonly input: { readonly link?: unknown; readonly trigger?: unknown };
}

export function makeHandler(deps: Pick<StepDeps, 'deployment' | 'registry' | 'aurora' | 'network' | 'iam' | 'pipelineRole' | 'simulator' | 'clock'>) {
  return defineStep<JudgeLinkInput, Judgement>('JudgeLink', async ({ input }) => {
    const at = deps.clock().toISOString();
    const name = typeof input.link === 'string' ? input.link : '';
    const record = name ? await deps.registry.get(name) : undefined;
    const none = { findings: [], healable: false, at };
    if (!record) return { link: name, verdict: 'unknown', why: `no link named ${JSON.stringify(name)} in the registry`, selfHeal: false, ...none };
    if (record.status !== 'ready' && record.status !== 'action-required') {
      return { link: name, verdict: 'unknown', why: `the link is ${record.status}, not provisioned`, selfHeal: record.request.selfHeal, ...none };
    }
    const request: LinkRequest = record.request;
    const { findings, facts } = await staticChecks(deps, request, { name, dbAccountId: record.dbAccountId, region: record.region }, {
      ...(record.owned.egressCidrs ? { egressCidrs: record.owned.egressCidrs } : {}),
      ...(record.owned.ingressCidrs ? { natGateways: record.owned.ingressCidrs } : {}),
      ...(record.accessKey ? { accessKey: record.accessKey } : {}),
      ...(record.status === 'ready' ? { firstHopApplied: true } : {}),
    });
    const errors = findings.filter((f) => f.severity === 'error');
    const healable = errors.length > 0 && errors.some((f) => HEALABLE.has(f.id));
    if (errors.length > 0) return { link: name, verdict: 'drifted', findings, selfHeal: request.selfHeal, healable, at };
    if (!facts.firstHopVerified && request.identity.mode === 'pipeline-role') {
      return {
        link: name,
        verdict: 'unknown',
        why: 'the pipeline role in the Redpanda account could not be read: deploy the RpcnAurora-RedpandaAccess stack there so Validate can judge it',
        findings,
        selfHeal: request.selfHeal,
        healable: false,
        at,
      };
    }
    return { link: name, verdict: 'healthy', findings, selfHeal: request.selfHeal, healable: false, at };
  });
}
