// ChainSimulator over iam:SimulateCustomPolicy: evaluates the documents the probe read (or built) as IAM
// would, without touching either role. The offline twin answers the same API with its own policy evaluator
// (local/aws/iam-simulator-api.ts), so this code runs unchanged there.
//
// What IAM's simulator accepts (docs/reference/aws.md A14):
// - `CallerArn` can only be an IAM user, and is required with a `ResourcePolicy`. So the trust policy is
//   simulated only for the connector user (identity mode `access-key`); for a role first hop the request has
//   the role's identity policies and its boundary and no caller, and the detail says the trust was not part of it.
// - The first hop's permissions boundary goes in `PermissionsBoundaryPolicyInputList`: without it a boundary
//   that does not allow sts:AssumeRole would be reported as allowed.
// - A public report (github.com/aws/aws-cli/issues/10314) says the simulator ignores the resource policy for
//   sts:AssumeRole, so an `allowed` with no trust statement matched does not prove the trust; the probe's
//   static trust check covers that part.
import {
  SimulateCustomPolicyCommand,
  type ContextEntry,
  type EvaluationResult,
  type IAMClient,
  type SimulateCustomPolicyCommandInput,
  type Statement,
} from '@aws-sdk/client-iam';
import type { PolicyDocument } from '../../core/iam.js';
import type { ChainSimulator, Simulation, SimulationDecision } from '../../ports/iam.js';
import { mapAwsError } from './errors.js';

const ASSUME_ROLE = 'sts:AssumeRole';
const DB_CONNECT = 'rds-db:connect';

/** The one IAM call this adapter makes; the twin provides it without an IAMClient. */
export type SimulateCustomPolicyClient = Pick<IAMClient, 'send'>;

const IAM_USER_ARN = /^arn:[^:]+:iam::\d{12}:user\//;

/** The SimulateCustomPolicy request for the first hop's sts:AssumeRole on the db-connect role. */
export function assumeRoleRequest(input: Parameters<ChainSimulator['simulateAssumeRole']>[0]): SimulateCustomPolicyCommandInput {
  const request: SimulateCustomPolicyCommandInput = {
    PolicyInputList: input.identityPolicies.map((p) => JSON.stringify(p)),
    ...(input.permissionsBoundary !== undefined && { PermissionsBoundaryPolicyInputList: [JSON.stringify(input.permissionsBoundary)] }),
    ActionNames: [ASSUME_ROLE],
    ResourceArns: [input.dbConnectRoleArn],
    ContextEntries: [...tagContext(input.dbConnectRoleTags), ...sourceContext(input.sourceIp)],
  };
  if (!IAM_USER_ARN.test(input.principalArn)) return request;
  const owner = accountRootArn(input.dbConnectRoleArn);
  return { ...request, ResourcePolicy: JSON.stringify(input.trustPolicy), CallerArn: input.principalArn, ...(owner !== undefined && { ResourceOwner: owner }) };
}

export class IamChainSimulator implements ChainSimulator {
  constructor(private readonly iam: SimulateCustomPolicyClient) {}

  async simulateAssumeRole(input: Parameters<ChainSimulator['simulateAssumeRole']>[0]): Promise<Simulation> {
    if (input.identityPolicies.length === 0 && !sameAccount(input.principalArn, input.dbConnectRoleArn)) {
      return { decision: 'implicitDeny', detail: `${ASSUME_ROLE} on ${input.dbConnectRoleArn}: implicitDeny; the first hop has no identity policy, and a cross-account AssumeRole needs one` };
    }
    const request = assumeRoleRequest(input);
    const trustSent = request.ResourcePolicy !== undefined;
    const sources: PolicySources = { identity: input.identityPolicies, trust: input.trustPolicy, ...(input.permissionsBoundary !== undefined && { boundary: input.permissionsBoundary }) };
    let result: EvaluationResult;
    try {
      result = await this.simulate(request);
    } catch (e) {
      throw mapAwsError(e, { action: 'iam:SimulateCustomPolicy', resource: input.dbConnectRoleArn });
    }
    const answer = describeResult(ASSUME_ROLE, input.dbConnectRoleArn, result, sources, trustSent);
    if (trustSent) return answer;
    return { ...answer, detail: `${answer.detail}; the trust policy was not simulated: IAM takes only an IAM user as the caller of a resource policy, and ${input.principalArn} is not one (the static trust check covers it)` };
  }

  async simulateDbConnect(input: Parameters<ChainSimulator['simulateDbConnect']>[0]): Promise<Simulation> {
    if (input.identityPolicies.length === 0) {
      return { decision: 'implicitDeny', detail: `${DB_CONNECT} on ${input.dbUserArn}: implicitDeny; the db-connect role has no identity policy` };
    }
    try {
      const result = await this.simulate({
        PolicyInputList: input.identityPolicies.map((p) => JSON.stringify(p)),
        ActionNames: [DB_CONNECT],
        ResourceArns: [input.dbUserArn],
      });
      return describeResult(DB_CONNECT, input.dbUserArn, result, { identity: input.identityPolicies }, false);
    } catch (e) {
      throw mapAwsError(e, { action: 'iam:SimulateCustomPolicy', resource: input.dbUserArn });
    }
  }

  private async simulate(request: SimulateCustomPolicyCommandInput): Promise<EvaluationResult> {
    const out = await this.iam.send(new SimulateCustomPolicyCommand(request));
    const result = out.EvaluationResults?.[0];
    if (result === undefined) throw new Error(`iam:SimulateCustomPolicy returned no result for ${request.ActionNames?.join(',')}`);
    return result;
  }
}

// Both condition-key spellings: Redpanda's documented policy uses aws:ResourceTag, AWS's example iam:ResourceTag.
function tagContext(tags: Readonly<Record<string, string>>): ContextEntry[] {
  return Object.entries(tags).flatMap(([key, value]) =>
    ['aws', 'iam'].map((prefix) => ({ ContextKeyName: `${prefix}:ResourceTag/${key}`, ContextKeyValues: [value], ContextKeyType: 'string' as const })),
  );
}

/** The caller's address, and that the call is the principal's own (not made by a service on its behalf). */
function sourceContext(sourceIp: string | undefined): ContextEntry[] {
  if (sourceIp === undefined) return [];
  return [
    { ContextKeyName: 'aws:SourceIp', ContextKeyValues: [sourceIp], ContextKeyType: 'ip' },
    { ContextKeyName: 'aws:ViaAWSService', ContextKeyValues: ['false'], ContextKeyType: 'boolean' },
  ];
}

function accountOf(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}

function sameAccount(a: string, b: string): boolean {
  return accountOf(a) !== undefined && accountOf(a) === accountOf(b);
}

function accountRootArn(arn: string): string | undefined {
  const parts = arn.split(':');
  const account = parts[4];
  return account ? `arn:${parts[1] ?? 'aws'}:iam::${account}:root` : undefined;
}

function toDecision(value: string | undefined): SimulationDecision {
  if (value === 'allowed' || value === 'explicitDeny') return value;
  // Anything unknown is treated as "not allowed", never as allowed.
  return 'implicitDeny';
}

interface PolicySources {
  readonly identity: readonly PolicyDocument[];
  readonly trust?: PolicyDocument;
  readonly boundary?: PolicyDocument;
}

function describeResult(action: string, resource: string, result: EvaluationResult, sources: PolicySources, trustSent: boolean): Simulation {
  const decision = toDecision(result.EvalDecision);
  const statements = [...(result.MatchedStatements ?? []), ...(result.ResourceSpecificResults ?? []).flatMap((r) => r.MatchedStatements ?? [])];
  const labels = [...new Set(statements.map((s) => statementLabel(s, sources)))];
  const parts = [`${action} on ${resource}: ${decision}`];
  parts.push(labels.length === 0 ? 'no statement matched' : `matched ${labels.join(', ')}`);
  const missing = [...new Set([...(result.MissingContextValues ?? []), ...(result.ResourceSpecificResults ?? []).flatMap((r) => r.MissingContextValues ?? [])])];
  if (missing.length > 0) parts.push(`missing context values: ${missing.join(', ')}`);
  const details = Object.entries(result.EvalDecisionDetails ?? {});
  if (details.length > 0) parts.push(`by policy type: ${details.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const deniedByBoundary = decision !== 'allowed' && result.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary === false;
  if (deniedByBoundary) parts.push('the permissions boundary does not allow it');
  if (trustSent && decision === 'allowed' && !statements.some((s) => s.SourcePolicyId === 'ResourcePolicy' || s.SourcePolicyType === 'resource')) {
    parts.push('no trust-policy statement was reported as matched (AWS may not evaluate trust policies here; rely on the static trust check)');
  }
  return { decision, detail: parts.join('; '), ...(deniedByBoundary && { deniedByBoundary }) };
}

/** `identity policy 2 statement "Sid"` or `trust policy statement #1`, from the simulator's source id and position. */
function statementLabel(s: Statement, sources: PolicySources): string {
  const id = s.SourcePolicyId ?? '';
  const input = /^PolicyInputList\.(\d+)$/.exec(id);
  let policyLabel = id || (s.SourcePolicyType ?? 'unknown policy');
  let doc: PolicyDocument | undefined;
  if (input?.[1] !== undefined) {
    const n = Number(input[1]);
    policyLabel = `identity policy ${n}`;
    doc = sources.identity[n - 1];
  } else if (id === 'ResourcePolicy' || s.SourcePolicyType === 'resource') {
    policyLabel = 'trust policy';
    doc = sources.trust;
  } else if (/^PermissionsBoundaryPolicyInputList\.1$/.test(id)) {
    policyLabel = 'permissions boundary';
    doc = sources.boundary;
  }
  const statement = doc === undefined ? undefined : statementAt(doc, s.StartPosition?.Line, s.StartPosition?.Column);
  return statement === undefined ? policyLabel : `${policyLabel} statement ${statement}`;
}

/**
 * The statement a simulator position points into. We send compact JSON (one line), so the column is an
 * offset into JSON.stringify(doc); each statement's text appears there verbatim.
 */
function statementAt(doc: PolicyDocument, line: number | undefined, column: number | undefined): string | undefined {
  if (column === undefined || (line !== undefined && line !== 1)) return undefined;
  const text = JSON.stringify(doc);
  const raw: unknown = (doc as { Statement?: unknown }).Statement;
  const list: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const spans: { start: number; end: number; label: string }[] = [];
  let from = 0;
  list.forEach((st, i) => {
    const piece = JSON.stringify(st);
    const start = text.indexOf(piece, from);
    if (start < 0) return;
    from = start + piece.length;
    const sid = typeof st === 'object' && st !== null ? (st as { Sid?: unknown }).Sid : undefined;
    spans.push({ start, end: from, label: typeof sid === 'string' && sid !== '' ? JSON.stringify(sid) : `#${i + 1}` });
  });
  // Columns are 1-based in IAM's answers; accept a 0-based one too rather than name no statement.
  for (const offset of [column - 1, column]) {
    const hit = spans.find((sp) => offset >= sp.start && offset < sp.end);
    if (hit !== undefined) return hit.label;
  }
  return undefined;
}
