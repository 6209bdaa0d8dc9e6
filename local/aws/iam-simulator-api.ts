// iam:SimulateCustomPolicy for the twin (emulated API, real policy evaluation by iam-simulate): the production
// ChainSimulator adapter (lambdas/adapters/aws/chain-simulator.ts) runs unchanged on it. It refuses what IAM
// refuses (docs/reference/aws.md A14): a `CallerArn` that is not an IAM user, a `ResourcePolicy` without a
// `CallerArn`; and it evaluates `PermissionsBoundaryPolicyInputList`, answering
// `PermissionsBoundaryDecisionDetail` as IAM does.
import {
  SimulateCustomPolicyCommand,
  type EvaluationResult,
  type SimulateCustomPolicyCommandInput,
  type SimulateCustomPolicyCommandOutput,
  type Statement,
} from '@aws-sdk/client-iam';
import { getDenialReasons, getGrantReasons, runSimulation, type RequestAnalysis } from '@cloud-copilot/iam-simulate';
import type { SimulateCustomPolicyClient } from '../../lambdas/adapters/aws/chain-simulator.js';
import { TwinAwsError } from './common.js';

const ACTION = 'iam:SimulateCustomPolicy';
const IAM_USER_ARN = /^arn:[^:]+:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/;

function invalidInput(message: string): TwinAwsError {
  return new TwinAwsError('InvalidInputException', ACTION, undefined, message);
}

export async function simulateCustomPolicy(input: SimulateCustomPolicyCommandInput): Promise<SimulateCustomPolicyCommandOutput> {
  const policies = input.PolicyInputList ?? [];
  const boundaries = input.PermissionsBoundaryPolicyInputList ?? [];
  const actions = input.ActionNames ?? [];
  if (actions.length === 0) throw invalidInput('ActionNames must not be empty.');
  // ❓ the wording is the twin's; the rule (an IAM user only) is IAM's documented one.
  if (input.CallerArn !== undefined && !IAM_USER_ARN.test(input.CallerArn)) throw invalidInput(`Invalid ARN: ${input.CallerArn}. CallerArn must be an IAM user.`);
  if (input.ResourcePolicy !== undefined && input.CallerArn === undefined) throw invalidInput('CallerArn is required when a ResourcePolicy is specified.');
  const parsed = (text: string, what: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new TwinAwsError('MalformedPolicyDocumentException', ACTION, undefined, `${what} is not valid JSON.`);
    }
  };
  const identity = policies.map((text, i) => ({ name: `PolicyInputList.${i + 1}`, text, policy: parsed(text, `PolicyInputList.${i + 1}`) }));
  const boundary = boundaries.map((text, i) => ({ name: `PermissionsBoundaryPolicyInputList.${i + 1}`, text, policy: parsed(text, `PermissionsBoundaryPolicyInputList.${i + 1}`) }));
  const resourcePolicy = input.ResourcePolicy === undefined ? undefined : { text: input.ResourcePolicy, policy: parsed(input.ResourcePolicy, 'ResourcePolicy') };

  const context: Record<string, string | string[]> = {};
  for (const entry of input.ContextEntries ?? []) {
    if (entry.ContextKeyName === undefined) continue;
    const values = entry.ContextKeyValues ?? [];
    context[entry.ContextKeyName] = entry.ContextKeyType?.endsWith('List') ? values : (values[0] ?? '');
  }
  const caller = input.CallerArn === undefined ? undefined : IAM_USER_ARN.exec(input.CallerArn);
  if (caller !== null && caller !== undefined) {
    context['aws:PrincipalArn'] ??= input.CallerArn!;
    context['aws:PrincipalAccount'] ??= caller[1]!;
    context['aws:username'] ??= caller[2]!;
  }

  const results: EvaluationResult[] = [];
  for (const action of actions) {
    for (const resource of input.ResourceArns ?? ['*']) {
      const resourceAccount = resource.split(':')[4] || (input.ResourceOwner?.split(':')[4] ?? '000000000000');
      // Without a caller only the identity side is evaluated: a caller in the resource's account needs no resource policy.
      const principal = input.CallerArn ?? `arn:aws:iam::${resourceAccount}:user/simulated-caller`;
      const run = await runSimulation(
        {
          request: { principal, action, resource: { resource, accountId: resourceAccount }, contextVariables: { ...context } },
          identityPolicies: identity.map((p) => ({ name: p.name, policy: p.policy })),
          ...(resourcePolicy !== undefined && { resourcePolicy: resourcePolicy.policy }),
          ...(boundary.length > 0 && { permissionBoundaryPolicies: boundary.map((p) => ({ name: p.name, policy: p.policy })) }),
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      );
      if (run.resultType === 'error') throw new TwinAwsError('MalformedPolicyDocumentException', ACTION, undefined, `Syntax errors in policy: ${JSON.stringify(run.errors)}`);
      const analysis: RequestAnalysis | undefined = run.resultType === 'single' ? run.result.analysis : run.results[0]?.analysis;
      const decision = run.overallResult === 'Allowed' ? 'allowed' : run.overallResult === 'ExplicitlyDenied' ? 'explicitDeny' : 'implicitDeny';
      const texts = { identity, boundary, resource: resourcePolicy?.text };
      results.push({
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: decision,
        MatchedStatements: analysis === undefined ? [] : matched(analysis, texts),
        MissingContextValues: analysis === undefined ? [] : missing(analysis),
        ...(boundary.length > 0 && { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: analysis?.permissionBoundaryAnalysis?.result === 'Allowed' } }),
      });
    }
  }
  return { EvaluationResults: results, IsTruncated: false, $metadata: {} };
}

/** A client for the adapter: answers SimulateCustomPolicyCommand and nothing else. */
export function twinSimulatorClient(): SimulateCustomPolicyClient {
  const send = async (command: unknown): Promise<SimulateCustomPolicyCommandOutput> => {
    if (!(command instanceof SimulateCustomPolicyCommand)) throw new Error(`the twin's IAM simulator answers only SimulateCustomPolicy, not ${(command as object).constructor.name}`);
    return simulateCustomPolicy(command.input);
  };
  return { send } as unknown as SimulateCustomPolicyClient;
}

interface PolicyTexts {
  readonly identity: readonly { readonly name: string; readonly text: string; readonly policy: unknown }[];
  readonly boundary: readonly { readonly name: string; readonly text: string; readonly policy: unknown }[];
  readonly resource: string | undefined;
}

/** The statements that decided, as IAM reports them: source policy id and where the statement starts in the text sent. */
function matched(analysis: RequestAnalysis, texts: PolicyTexts): Statement[] {
  const reasons =
    analysis.result === 'Allowed'
      ? getGrantReasons(analysis).map((g) => ({ policyType: g.policyType, id: 'policyIdentifier' in g ? g.policyIdentifier : undefined, index: g.statementIndex }))
      : getDenialReasons(analysis).flatMap((d) => (d.denialType === 'Explicit' ? [{ policyType: d.policyType, id: d.policyIdentifier, index: d.statementIndex }] : []));
  return reasons.flatMap((r) => {
    if (r.policyType === 'resource' && texts.resource !== undefined) return [statement('ResourcePolicy', 'resource', texts.resource, r.index)];
    const source = [...texts.identity, ...texts.boundary].find((p) => p.name === r.id);
    return source === undefined ? [] : [statement(source.name, 'none', source.text, r.index)];
  });
}

function statement(id: string, type: 'resource' | 'none', text: string, index: number): Statement {
  const doc = JSON.parse(text) as { Statement?: unknown };
  const list: unknown[] = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const at = text.indexOf(JSON.stringify(list[index - 1]));
  return { SourcePolicyId: id, SourcePolicyType: type, ...(at >= 0 && { StartPosition: { Line: 1, Column: at + 1 } }) };
}

/** Condition keys a statement needed and the request did not carry. */
function missing(analysis: RequestAnalysis): string[] {
  const statements = [analysis.identityAnalysis, analysis.resourceAnalysis, analysis.permissionBoundaryAnalysis].flatMap((a) => a?.unmatchedStatements ?? []);
  const keys = statements.flatMap((s) => (s.explain.conditions ?? []).filter((c) => c.failedBecauseMissing).map((c) => c.conditionKeyValue));
  return [...new Set(keys)];
}
