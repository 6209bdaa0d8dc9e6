// Policy evaluation for the twin through @cloud-copilot/iam-simulate (third party, AGPL-3.0-or-later: used only
// under local/, never from lambdas/). The decisions are real policy evaluation; what we feed it (which policies
// a principal has, which tags become context keys) is the twin's emulation of what IAM would look up itself.
import { getDenialReasons, getGrantReasons, runSimulation, type RequestAnalysis } from '@cloud-copilot/iam-simulate';
import type { SimulationDecision } from '../../lambdas/ports/iam.js';

export interface NamedDocument {
  readonly name: string;
  readonly policy: unknown;
}

export interface EvaluationInput {
  /** Caller: a role, session or user ARN. */
  readonly principal: string;
  readonly action: string;
  readonly resourceArn: string;
  readonly resourceAccountId: string;
  readonly identityPolicies: readonly NamedDocument[];
  /** Trust policy (sts:AssumeRole) or another resource policy. */
  readonly resourcePolicy?: unknown;
  /** The principal's permissions boundary (a user's or a role's), if it has one. */
  readonly permissionBoundaryPolicies?: readonly NamedDocument[];
  readonly context?: Readonly<Record<string, string | string[]>>;
}

/**
 * What decided a denial, where AWS's access-denied message names it (docs/reference/aws.md A8): an explicit Deny
 * in an identity-based policy, an explicit Deny in the permissions boundary, or a boundary that allows nothing
 * the other policies allowed. Undefined for the rest (no Allow, the trust policy), whose message has no ending.
 */
export type DenialCause = 'identity-explicit-deny' | 'boundary-explicit-deny' | 'boundary-implicit-deny';

export interface Evaluation {
  readonly decision: SimulationDecision;
  /** One line: decision, then what granted or denied it (policy, statement, failing condition). */
  readonly detail: string;
  readonly deniedBy?: DenialCause;
}

/** A policy iam-simulate refuses to evaluate (syntax); AWS would have rejected it as MalformedPolicyDocument. */
export class PolicyEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyEvaluationError';
  }
}

export async function evaluate(input: EvaluationInput): Promise<Evaluation> {
  const result = await runSimulation(
    {
      request: {
        principal: input.principal,
        action: input.action,
        resource: { resource: input.resourceArn, accountId: input.resourceAccountId },
        contextVariables: { ...(input.context ?? {}) },
      },
      identityPolicies: input.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
      ...(input.resourcePolicy !== undefined && { resourcePolicy: input.resourcePolicy }),
      ...(input.permissionBoundaryPolicies !== undefined &&
        input.permissionBoundaryPolicies.length > 0 && { permissionBoundaryPolicies: input.permissionBoundaryPolicies.map((p) => ({ name: p.name, policy: p.policy })) }),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') throw new PolicyEvaluationError(`${input.action} on ${input.resourceArn}: cannot evaluate: ${JSON.stringify(result.errors)}`);
  const analysis: RequestAnalysis | undefined = result.resultType === 'single' ? result.result.analysis : result.results[0]?.analysis;
  const decision = toDecision(result.overallResult);
  const deniedBy = decision === 'allowed' || analysis === undefined ? undefined : denialCause(analysis);
  return { decision, detail: `${input.action} on ${input.resourceArn}: ${decision}; ${explain(analysis)}`, ...(deniedBy !== undefined && { deniedBy }) };
}

/** AWS names an explicit deny first; a boundary only when it blocked what the other policies allowed. */
function denialCause(analysis: RequestAnalysis): DenialCause | undefined {
  const reasons = getDenialReasons(analysis);
  if (reasons.some((r) => r.denialType === 'Explicit' && r.policyType === 'identity')) return 'identity-explicit-deny';
  if (reasons.some((r) => r.denialType === 'Explicit' && r.policyType === 'pb')) return 'boundary-explicit-deny';
  if (analysis.result === 'ImplicitlyDenied' && (analysis.blockedBy ?? []).includes('pb')) return 'boundary-implicit-deny';
  return undefined;
}

/**
 * Syntax check of a document the way IAM checks it on Put/Create (MalformedPolicyDocument): iam-simulate
 * validates every policy it is given, so a throw-away simulation reports the problems.
 */
export async function policyProblems(kind: 'identity' | 'trust', document: unknown): Promise<string | undefined> {
  const probe = {
    request: {
      principal: 'arn:aws:iam::000000000000:role/validation-probe',
      action: 'sts:AssumeRole',
      resource: { resource: 'arn:aws:iam::000000000000:role/validation-target', accountId: '000000000000' },
      contextVariables: {},
    },
    identityPolicies: kind === 'identity' ? [{ name: 'document', policy: document }] : [],
    ...(kind === 'trust' && { resourcePolicy: document }),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  const result = await runSimulation(probe, {});
  if (result.resultType !== 'error') return undefined;
  const errors = result.errors;
  const list = kind === 'trust' ? (errors.resourcePolicyErrors ?? []) : Object.values(errors.identityPolicyErrors ?? {}).flat();
  if (list.length === 0) return undefined;
  return list.map((e) => `${e.path}: ${e.message}`).join('; ');
}

function toDecision(result: string): SimulationDecision {
  if (result === 'Allowed') return 'allowed';
  if (result === 'ExplicitlyDenied') return 'explicitDeny';
  return 'implicitDeny';
}

function explain(analysis: RequestAnalysis | undefined): string {
  if (analysis === undefined) return 'no analysis';
  const parts: string[] = [];
  if (analysis.result === 'Allowed') {
    const grants = getGrantReasons(analysis).map((g) => {
      const who = g.policyType === 'identity' ? `identity policy "${g.policyIdentifier}"` : `${g.policyType} policy`;
      return `${who} statement ${g.statementId !== undefined ? `"${g.statementId}"` : `#${g.statementIndex}`}`;
    });
    parts.push(`granted by ${grants.join(', ') || 'no statement'}`);
    return parts.join('; ');
  }
  for (const d of getDenialReasons(analysis)) {
    if (d.denialType === 'Explicit') {
      const kind = d.policyType === 'pb' ? 'permissions boundary' : `${d.policyType} policy`;
      parts.push(`explicitly denied by ${kind}${d.policyIdentifier ? ` "${d.policyIdentifier}"` : ''} statement ${d.statementId ? `"${d.statementId}"` : `#${d.statementIndex}`}`);
    } else if (d.policyType === 'pb') {
      const why = near(analysis.permissionBoundaryAnalysis?.unmatchedStatements);
      parts.push(`the permissions boundary does not allow it${why ? ` (${why})` : ''}${d.blocking ? ', although the other policies do' : ''}`);
    } else {
      const where = d.policyType === 'resource' ? 'the resource (trust) policy' : `${d.policyType} policies`;
      const why = near(d.policyType === 'resource' ? analysis.resourceAnalysis?.unmatchedStatements : analysis.identityAnalysis?.unmatchedStatements);
      parts.push(`no statement of ${where} allows it${why ? ` (${why})` : ''}`);
    }
  }
  return parts.join('; ') || 'denied';
}

type Unmatched = NonNullable<RequestAnalysis['identityAnalysis']>['unmatchedStatements'];

/** Why the statements that got closest did not match: the first failing part of each, briefly. */
function near(statements: Unmatched | undefined): string {
  const reasons: string[] = [];
  for (const s of statements ?? []) {
    const x = s.explain;
    const label = `statement ${x.identifier ? `"${x.identifier}"` : ''}`.trim();
    if (!x.actionMatch) continue;
    if (x.principalMatch === 'NoMatch') reasons.push(`${label}: principal does not match`);
    else if (!x.resourceMatch) reasons.push(`${label}: resource does not match`);
    else if (!x.conditionMatch) {
      const failed = (x.conditions ?? []).filter((c) => !c.matches);
      const text = failed.map((c) => `${c.operator} ${c.conditionKeyValue}${c.failedBecauseMissing ? ' (key missing from the request)' : ''}`);
      reasons.push(`${label}: condition ${text.join(', ')} not met`);
    }
  }
  return reasons.join('; ');
}
