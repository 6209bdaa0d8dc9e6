// IAM documents of a link (docs/architecture.md#generated-artifacts; docs/reference/redpanda-cloud.md §6; docs/reference/aws.md A3, A4):
//   pipeline role (account R) --sts:AssumeRole--> db-connect role (account D) --rds-db:connect--> dbuser ARN.
// Pure: the Lambdas, the CDK app, the offline twin and `rpcn-aurora plan` all build the same documents here,
// and drift detection compares what IAM holds against them with comparePolicy().
import {
  ACCOUNT_ID_PATTERN,
  CLUSTER_RESOURCE_ID_PATTERN,
  REGION_PATTERN,
  type ArtifactContext,
} from './context.js';
import {
  LINK_TAG_KEY,
  REDPANDA_SCOPE_TAG_KEY,
  REDPANDA_SCOPE_TAG_VALUE,
  linkNames,
  pipelineRoleName,
} from './naming.js';
import type { LinkRequest } from './request.js';

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';
export const DEFAULT_PARTITION: Partition = 'aws';

/** Condition key the pipeline-role policy gates on; Redpanda's documented form (not `iam:ResourceTag`). */
export const SCOPE_TAG_CONDITION_KEY = `aws:ResourceTag/${REDPANDA_SCOPE_TAG_KEY}`;
/** File name the operator writes the pipeline-role policy to before running the attach command. */
export const PIPELINE_ROLE_POLICY_FILE = 'pipeline-role-policy.json';
/** Role chaining caps the session at one hour whatever the role allows (docs/reference/aws.md A4). */
export const DB_CONNECT_MAX_SESSION_SECONDS = 3600;

export const SID = {
  trustPipelineRole: 'TrustRedpandaConnectPipelineRole',
  rdsDbConnect: 'AllowRdsIamConnectAsCdcUser',
  assumeDbConnectRole: 'AssumeTaggedDbConnectRole',
} as const;

export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: { readonly AWS: string };
  readonly Action: string;
  readonly Resource?: string;
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export interface NamedPolicy {
  readonly policyName: string;
  readonly document: PolicyDocument;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

/** Request fields the IAM builders read; a full LinkRequest fits. */
export type IamRequest = Pick<LinkRequest, 'name' | 'engine' | 'database' | 'cdc' | 'redpanda'>;

/** A context value is neither valid nor a `{{PLACEHOLDER}}`; documents built from it would never match. */
export class InvalidArtifactContextError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`context.${field}: ${message}`);
    this.name = 'InvalidArtifactContextError';
    this.field = field;
  }
}

/** A policy given to comparePolicy as the expected side is not a policy document. */
export class PolicyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyParseError';
  }
}

const WHOLE_PLACEHOLDER = /^\{\{[A-Z0-9_]+\}\}$/;

function checkContext(
  context: Partial<Pick<ArtifactContext, 'dbAccountId' | 'region' | 'clusterResourceId'>>,
): void {
  const { dbAccountId, region, clusterResourceId } = context;
  const ok = (v: string, re: RegExp) => WHOLE_PLACEHOLDER.test(v) || re.test(v);
  if (dbAccountId !== undefined && !ok(dbAccountId, ACCOUNT_ID_PATTERN)) {
    throw new InvalidArtifactContextError('dbAccountId', `"${dbAccountId}" is not a 12-digit AWS account id`);
  }
  if (region !== undefined && !ok(region, REGION_PATTERN)) {
    throw new InvalidArtifactContextError('region', `"${region}" is not an AWS region such as "us-east-2"`);
  }
  if (clusterResourceId !== undefined && !ok(clusterResourceId, CLUSTER_RESOURCE_ID_PATTERN)) {
    // The usual mistake (docs/reference/aws.md A3): the policy needs the resource id, not the cluster identifier.
    throw new InvalidArtifactContextError(
      'clusterResourceId',
      `"${clusterResourceId}" is not a DbClusterResourceId ("cluster-" and 26 upper-case letters or digits); ` +
        'rds-db:connect needs DescribeDBClusters DbClusterResourceId, not the cluster identifier',
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// ARNs

/** The Redpanda-managed pipeline role in the Redpanda account: the only principal the db-connect role trusts. */
export function pipelineRoleArn(request: Pick<LinkRequest, 'redpanda'>, partition: Partition = DEFAULT_PARTITION): string {
  return `arn:${partition}:iam::${request.redpanda.accountId}:role/${pipelineRoleName(request.redpanda.clusterId)}`;
}

export function dbConnectRoleArn(
  request: IamRequest,
  context: Pick<ArtifactContext, 'dbAccountId'>,
  partition: Partition = DEFAULT_PARTITION,
): string {
  checkContext({ dbAccountId: context.dbAccountId });
  return `arn:${partition}:iam::${context.dbAccountId}:role/${linkNames(request, context.dbAccountId).dbConnectRole}`;
}

/** `arn:aws:rds-db:<region>:<D>:dbuser:<DbClusterResourceId>/<user>`; the user name is case-sensitive. */
export function dbUserResourceArn(
  request: Pick<LinkRequest, 'cdc'>,
  context: Pick<ArtifactContext, 'dbAccountId' | 'region' | 'clusterResourceId'>,
  partition: Partition = DEFAULT_PARTITION,
): string {
  checkContext(context);
  return `arn:${partition}:rds-db:${context.region}:${context.dbAccountId}:dbuser:${context.clusterResourceId}/${request.cdc.user}`;
}

// ---------------------------------------------------------------------------------------------------------
// Documents

/** Trust of the db-connect role: exactly the pipeline role, no account root, no wildcard, no ExternalId (docs/reference/redpanda-cloud.md §6). */
export function dbConnectTrustPolicy(request: Pick<LinkRequest, 'redpanda'>, partition: Partition = DEFAULT_PARTITION): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: SID.trustPipelineRole,
        Effect: 'Allow',
        Principal: { AWS: pipelineRoleArn(request, partition) },
        Action: 'sts:AssumeRole',
      },
    ],
  };
}

/** Inline policy of the db-connect role (named `names.dbConnectPolicy`): log in as the CDC user, nothing else. */
export function dbConnectPermissionPolicy(
  request: Pick<LinkRequest, 'cdc'>,
  context: Pick<ArtifactContext, 'dbAccountId' | 'region' | 'clusterResourceId'>,
  partition: Partition = DEFAULT_PARTITION,
): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: SID.rdsDbConnect,
        Effect: 'Allow',
        Action: 'rds-db:connect',
        Resource: dbUserResourceArn(request, context, partition),
      },
    ],
  };
}

/** Without the scope tag the pipeline role's tag-gated policy does not apply and AssumeRole is denied. */
export function dbConnectRoleTags(request: Pick<LinkRequest, 'name'>): readonly Tag[] {
  return [
    { Key: REDPANDA_SCOPE_TAG_KEY, Value: REDPANDA_SCOPE_TAG_VALUE },
    { Key: LINK_TAG_KEY, Value: request.name },
  ];
}

/**
 * Inline policy added to the pipeline role (named `names.pipelineRolePolicy`, `rpcn-aurora-<D>-<name>`).
 * Redpanda reverts changes to its own policies but leaves added inline policies alone (docs/reference/redpanda-cloud.md §6), and its managed
 * policy may not grant this in every release, so we always add it.
 */
export function pipelineRoleInlinePolicy(
  request: IamRequest,
  context: Pick<ArtifactContext, 'dbAccountId'>,
  partition: Partition = DEFAULT_PARTITION,
): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: SID.assumeDbConnectRole,
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: dbConnectRoleArn(request, context, partition),
        Condition: { StringEquals: { [SCOPE_TAG_CONDITION_KEY]: REDPANDA_SCOPE_TAG_VALUE } },
      },
    ],
  };
}

export interface DbConnectRoleArtifacts {
  readonly roleName: string;
  readonly roleArn: string;
  readonly description: string;
  readonly maxSessionDuration: number;
  readonly trustPolicy: PolicyDocument;
  readonly permissionPolicy: NamedPolicy;
  readonly tags: readonly Tag[];
  readonly dbUserResourceArn: string;
  /** What must be added to the Redpanda-managed pipeline role in account R. */
  readonly pipelineRole: {
    readonly roleName: string;
    readonly roleArn: string;
    readonly accountId: string;
    readonly policy: NamedPolicy;
    readonly policyFile: string;
    /** Run with credentials of account R, after writing `policy.document` to `policyFile`. */
    readonly attachCommand: string;
    readonly removeCommand: string;
  };
}

/** Everything the IAM branch creates or hands to the operator, in one place. */
export function dbConnectRoleArtifacts(
  request: IamRequest,
  context: Pick<ArtifactContext, 'dbAccountId' | 'region' | 'clusterResourceId'>,
  partition: Partition = DEFAULT_PARTITION,
): DbConnectRoleArtifacts {
  checkContext(context);
  const names = linkNames(request, context.dbAccountId);
  return {
    roleName: names.dbConnectRole,
    roleArn: dbConnectRoleArn(request, context, partition),
    description:
      `rpcn-aurora link ${request.name}: assumed by Redpanda Connect pipelines of cluster ${request.redpanda.clusterId} ` +
      `to log in to ${request.database.clusterIdentifier} as ${request.cdc.user}`,
    maxSessionDuration: DB_CONNECT_MAX_SESSION_SECONDS,
    trustPolicy: dbConnectTrustPolicy(request, partition),
    permissionPolicy: { policyName: names.dbConnectPolicy, document: dbConnectPermissionPolicy(request, context, partition) },
    tags: dbConnectRoleTags(request),
    dbUserResourceArn: dbUserResourceArn(request, context, partition),
    pipelineRole: {
      roleName: names.pipelineRole,
      roleArn: pipelineRoleArn(request, partition),
      accountId: request.redpanda.accountId,
      policy: { policyName: names.pipelineRolePolicy, document: pipelineRoleInlinePolicy(request, context, partition) },
      policyFile: PIPELINE_ROLE_POLICY_FILE,
      attachCommand:
        `aws iam put-role-policy --role-name ${names.pipelineRole} --policy-name ${names.pipelineRolePolicy} ` +
        `--policy-document file://${PIPELINE_ROLE_POLICY_FILE}`,
      removeCommand: `aws iam delete-role-policy --role-name ${names.pipelineRole} --policy-name ${names.pipelineRolePolicy}`,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Comparison (drift detection)

type StringSetMap = Record<string, string[]>;

interface NormalizedStatement {
  readonly label: string;
  readonly sid: string | undefined;
  /** Field name → canonical value; Sid is left out because it does not change what a statement allows. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly key: string;
}

interface NormalizedPolicy {
  readonly version: string | undefined;
  readonly statements: readonly NormalizedStatement[];
}

const SET_FIELDS = ['Action', 'NotAction', 'Resource', 'NotResource'] as const;
const PRINCIPAL_FIELDS = ['Principal', 'NotPrincipal'] as const;

/**
 * Differences between the policy we expect and the one IAM holds, as sentences; empty means equivalent.
 * `actual` may be a document, its JSON, or the URL-encoded JSON that IAM GetRolePolicy and GetRole return;
 * undefined or null means the policy is absent. Equivalent spellings do not count as drift: string vs
 * one-element array, statement and value order, letter case of actions and condition keys, Sid, and an
 * account-id principal vs its `:root` ARN.
 */
export function comparePolicy(expected: unknown, actual: unknown): readonly string[] {
  const want = normalizePolicy(parsePolicy(expected, 'expected'));
  if (actual === undefined || actual === null) {
    return [`policy is missing (expected ${want.statements.length} statement${want.statements.length === 1 ? '' : 's'})`];
  }
  let got: NormalizedPolicy;
  try {
    got = normalizePolicy(parsePolicy(actual, 'actual'));
  } catch (err) {
    if (err instanceof PolicyParseError) return [err.message];
    throw err;
  }

  const diffs: string[] = [];
  if (want.version !== got.version) {
    diffs.push(`Version: expected ${show(want.version)} but found ${show(got.version)}`);
  }

  // Exact matches first, so reordered or re-Sid'ed statements count as equal.
  const wantLeft = [...want.statements];
  const gotLeft = [...got.statements];
  for (let i = wantLeft.length - 1; i >= 0; i--) {
    const j = gotLeft.findIndex((g) => g.key === wantLeft[i]!.key);
    if (j >= 0) {
      wantLeft.splice(i, 1);
      gotLeft.splice(j, 1);
    }
  }

  // Pair what is left by Sid, or a lone pair with each other, to name the changed fields.
  const pairs: Array<[NormalizedStatement, NormalizedStatement]> = [];
  for (let i = wantLeft.length - 1; i >= 0; i--) {
    const w = wantLeft[i]!;
    const j = w.sid === undefined ? -1 : gotLeft.findIndex((g) => g.sid === w.sid);
    if (j >= 0) {
      pairs.unshift([w, gotLeft[j]!]);
      wantLeft.splice(i, 1);
      gotLeft.splice(j, 1);
    }
  }
  if (wantLeft.length === 1 && gotLeft.length === 1) {
    pairs.push([wantLeft[0]!, gotLeft[0]!]);
    wantLeft.length = 0;
    gotLeft.length = 0;
  }

  for (const [w, g] of pairs) diffs.push(...diffStatements(w, g));
  for (const w of wantLeft) diffs.push(`${w.label} is missing: ${summarize(w)}`);
  for (const g of gotLeft) diffs.push(`${g.label} is not expected: ${summarize(g)}`);
  return diffs;
}

function parsePolicy(input: unknown, side: 'expected' | 'actual'): Record<string, unknown> {
  let value = input;
  if (typeof value === 'string') {
    const text = value.trim();
    try {
      value = JSON.parse(text);
    } catch {
      try {
        // IAM returns policy documents URL-encoded (RFC 3986); '+' stays literal since IAM names allow it.
        value = JSON.parse(decodeURIComponent(text));
      } catch {
        throw new PolicyParseError(`${side} policy is neither JSON nor URL-encoded JSON: ${JSON.stringify(text.slice(0, 60))}`);
      }
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PolicyParseError(`${side} policy is not a JSON object`);
  }
  const statement = (value as Record<string, unknown>)['Statement'];
  if (typeof statement !== 'object' || statement === null) {
    throw new PolicyParseError(`${side} policy has no Statement`);
  }
  return value as Record<string, unknown>;
}

function normalizePolicy(doc: Record<string, unknown>): NormalizedPolicy {
  const raw = doc['Statement'];
  const list = Array.isArray(raw) ? raw : [raw];
  const statements = list.map((s, index): NormalizedStatement => {
    const st = (typeof s === 'object' && s !== null ? s : {}) as Record<string, unknown>;
    const sid = typeof st['Sid'] === 'string' && st['Sid'] !== '' ? st['Sid'] : undefined;
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(st)) {
      if (k === 'Sid') continue;
      if ((SET_FIELDS as readonly string[]).includes(k)) fields[k] = stringSet(v, k.endsWith('Action'));
      else if ((PRINCIPAL_FIELDS as readonly string[]).includes(k)) fields[k] = normalizePrincipal(v);
      else if (k === 'Condition') fields[k] = normalizeCondition(v);
      else fields[k] = v;
    }
    return { label: sid ? `statement "${sid}"` : `statement #${index + 1}`, sid, fields, key: canonical(fields) };
  });
  const version = typeof doc['Version'] === 'string' ? doc['Version'] : undefined;
  return { version, statements };
}

function stringSet(value: unknown, lowerCase: boolean): string[] {
  const items = (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined && v !== null).map(String);
  // Action names are case-insensitive in IAM; ARNs are not.
  return [...new Set(lowerCase ? items.map((s) => s.toLowerCase()) : items)].sort();
}

function normalizePrincipal(value: unknown): StringSetMap {
  if (value === '*') return { '*': ['*'] };
  const out: StringSetMap = {};
  if (typeof value !== 'object' || value === null) return { '?': [String(value)] };
  for (const [type, ids] of Object.entries(value as Record<string, unknown>)) {
    // IAM stores a bare account id principal as its root ARN.
    out[type] = stringSet(ids, false).map((id) => (type === 'AWS' && /^\d{12}$/.test(id) ? `arn:aws:iam::${id}:root` : id)).sort();
  }
  return out;
}

function normalizeCondition(value: unknown): Record<string, StringSetMap> {
  const out: Record<string, StringSetMap> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [operator, block] of Object.entries(value as Record<string, unknown>)) {
    const keys: StringSetMap = {};
    if (typeof block === 'object' && block !== null) {
      for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
        // Condition key names are case-insensitive; their values (for StringEquals) are not.
        keys[key.toLowerCase()] = stringSet(values, false);
      }
    }
    out[operator] = keys;
  }
  return out;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function diffStatements(w: NormalizedStatement, g: NormalizedStatement): string[] {
  const label = w.sid !== undefined && w.sid === g.sid ? w.label : `${w.label} (found as ${g.label})`;
  const diffs: string[] = [];
  const fields = [...new Set([...Object.keys(w.fields), ...Object.keys(g.fields)])].sort();
  for (const field of fields) {
    const a = w.fields[field];
    const b = g.fields[field];
    if (canonical(a) === canonical(b)) continue;
    if (field === 'Condition' || (PRINCIPAL_FIELDS as readonly string[]).includes(field)) {
      diffs.push(...diffNested(label, field, a, b));
    } else {
      diffs.push(`${label}: ${field}: expected ${show(a)} but found ${show(b)}`);
    }
  }
  return diffs;
}

/** Condition and Principal: name the operator/key (or principal type) that changed. */
function diffNested(label: string, field: string, a: unknown, b: unknown): string[] {
  const flat = (v: unknown): Map<string, unknown> => {
    const m = new Map<string, unknown>();
    if (typeof v !== 'object' || v === null) return m;
    for (const [k1, v1] of Object.entries(v as Record<string, unknown>)) {
      if (field === 'Condition' && typeof v1 === 'object' && v1 !== null && !Array.isArray(v1)) {
        for (const [k2, v2] of Object.entries(v1 as Record<string, unknown>)) m.set(`${k1} ${k2}`, v2);
      } else {
        m.set(k1, v1);
      }
    }
    return m;
  };
  const fa = flat(a);
  const fb = flat(b);
  const diffs: string[] = [];
  for (const k of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
    if (canonical(fa.get(k)) !== canonical(fb.get(k))) {
      diffs.push(`${label}: ${field} ${k}: expected ${show(fa.get(k))} but found ${show(fb.get(k))}`);
    }
  }
  return diffs;
}

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  if (Array.isArray(value) && value.length === 1) return JSON.stringify(value[0]);
  return canonical(value);
}

function summarize(s: NormalizedStatement): string {
  const part = (k: string) => (s.fields[k] === undefined ? '' : ` ${k}=${show(s.fields[k])}`);
  return `${show(s.fields['Effect'])}${part('Action')}${part('NotAction')}${part('Resource')}${part('NotResource')}${part('Principal')}`.trim();
}
