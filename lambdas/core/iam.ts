// IAM documents of a link (docs/architecture.md#generated-artifacts; docs/reference/redpanda-cloud.md §6, §10; docs/reference/aws.md A3, A4, A8):
//   first hop (connector user | pipeline role | self-managed role) --sts:AssumeRole--> db-connect role (account D)
//   --rds-db:connect--> dbuser ARN.
// Pure: the Lambdas, the CDK app, the offline twin and `rpcn-aurora plan` all build the same documents here,
// and drift detection compares what IAM holds against them with comparePolicy().
import {
  ACCOUNT_ID_PATTERN,
  CLUSTER_RESOURCE_ID_PATTERN,
  REGION_PATTERN,
  placeholder,
  type ArtifactContext,
} from './context.js';
import {
  CONNECTOR_USER_PATH,
  LINK_BOUNDARY_POLICY,
  LINK_TAG_KEY,
  NAME_PREFIX,
  REDPANDA_SCOPE_TAG_KEY,
  REDPANDA_SCOPE_TAG_VALUE,
  linkNames,
  pipelineRoleName,
} from './naming.js';
import type { IdentityMode, LinkRequest } from './request.js';

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
  trustConnectorUser: 'TrustLinkConnectorUser',
  trustSelfManagedRole: 'TrustSelfManagedConnectRole',
  rdsDbConnect: 'AllowRdsIamConnectAsCdcUser',
  assumeDbConnectRole: 'AssumeTaggedDbConnectRole',
  denyOutsideEgress: 'DenyOutsideRedpandaEgress',
  boundaryRdsDbConnect: 'BoundRdsIamConnect',
  boundaryAssumeDbConnect: 'BoundAssumeLinkDbConnectRoles',
} as const;

/** Condition key of the connector user's egress restriction (docs/reference/aws.md A4). */
export const SOURCE_IP_CONDITION_KEY = 'aws:SourceIp';

export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: { readonly AWS: string };
  readonly Action: string | readonly string[];
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
export type IamRequest = Pick<LinkRequest, 'name' | 'engine' | 'database' | 'cdc' | 'redpanda' | 'identity'>;

/** A first-hop document cannot be built from what is known (a request that skipped validation). */
export class FirstHopUndefinedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FirstHopUndefinedError';
  }
}

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

/** The Redpanda-managed pipeline role in the Redpanda account (identity mode `pipeline-role`). */
export function pipelineRoleArn(request: Pick<LinkRequest, 'redpanda'>, partition: Partition = DEFAULT_PARTITION): string {
  if (request.redpanda.accountId === undefined) throw new FirstHopUndefinedError('redpanda.accountId is needed for the pipeline role ARN');
  return `arn:${partition}:iam::${request.redpanda.accountId}:role/${pipelineRoleName(request.redpanda.clusterId)}`;
}

/** The link's connector user in the DB account (identity mode `access-key`). */
export function connectorUserArn(request: Pick<LinkRequest, 'name'>, context: Pick<ArtifactContext, 'dbAccountId'>, partition: Partition = DEFAULT_PARTITION): string {
  checkContext({ dbAccountId: context.dbAccountId });
  return `arn:${partition}:iam::${context.dbAccountId}:user${CONNECTOR_USER_PATH}${NAME_PREFIX}${request.name}-connector`;
}

/** The one principal the db-connect role trusts: the pipeline's first AWS identity in this link's mode. */
export function firstHopPrincipalArn(
  request: Pick<LinkRequest, 'name' | 'redpanda' | 'identity'>,
  context: Pick<ArtifactContext, 'dbAccountId'>,
  partition: Partition = DEFAULT_PARTITION,
): string {
  switch (request.identity.mode) {
    case 'access-key':
      return connectorUserArn(request, context, partition);
    case 'pipeline-role':
      return pipelineRoleArn(request, partition);
    case 'self-managed':
      if (request.identity.roleArn === undefined) throw new FirstHopUndefinedError('identity.roleArn is needed for identity.mode "self-managed"');
      return request.identity.roleArn;
  }
}

/** The managed policy every user and role a link creates is bounded by (created by the RpcnAurora-Db stack). */
export function linkBoundaryArn(context: Pick<ArtifactContext, 'dbAccountId'>, partition: Partition = DEFAULT_PARTITION): string {
  checkContext({ dbAccountId: context.dbAccountId });
  return `arn:${partition}:iam::${context.dbAccountId}:policy/${LINK_BOUNDARY_POLICY}`;
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

const TRUST_SID: Readonly<Record<IdentityMode, string>> = {
  'access-key': SID.trustConnectorUser,
  'pipeline-role': SID.trustPipelineRole,
  'self-managed': SID.trustSelfManagedRole,
};

/**
 * Trust of the db-connect role: exactly the first-hop principal of the link's identity mode, no account root,
 * no wildcard, no ExternalId (docs/reference/redpanda-cloud.md §6, §10).
 */
export function dbConnectTrustPolicy(
  request: Pick<LinkRequest, 'name' | 'redpanda' | 'identity'>,
  context: Pick<ArtifactContext, 'dbAccountId'>,
  partition: Partition = DEFAULT_PARTITION,
): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: TRUST_SID[request.identity.mode],
        Effect: 'Allow',
        Principal: { AWS: firstHopPrincipalArn(request, context, partition) },
        Action: 'sts:AssumeRole',
      },
    ],
  };
}

/**
 * The connector user's one inline policy (identity mode `access-key`): assume the link's db-connect role, and
 * (with `restrictToEgress`) an explicit deny of everything from anywhere but the Redpanda cluster's egress
 * addresses, so a leaked key is useless elsewhere even if someone attaches more permissions to the user.
 * `aws:ViaAWSService` keeps calls AWS makes on the user's behalf out of the deny (AWS's documented pattern).
 */
export function connectorUserPolicy(
  request: IamRequest,
  context: Pick<ArtifactContext, 'dbAccountId'>,
  egressCidrs: readonly string[],
  partition: Partition = DEFAULT_PARTITION,
): PolicyDocument {
  const allow: PolicyStatement = { Sid: SID.assumeDbConnectRole, Effect: 'Allow', Action: 'sts:AssumeRole', Resource: dbConnectRoleArn(request, context, partition) };
  if (request.identity.mode !== 'access-key') throw new FirstHopUndefinedError(`link ${request.name} is in identity mode ${request.identity.mode}: it has no connector user`);
  if (!request.identity.restrictToEgress) return { Version: '2012-10-17', Statement: [allow] };
  if (egressCidrs.length === 0) {
    throw new FirstHopUndefinedError("the Redpanda cluster's egress addresses are unknown, so the connector user cannot be limited to them");
  }
  return {
    Version: '2012-10-17',
    Statement: [
      allow,
      {
        Sid: SID.denyOutsideEgress,
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { NotIpAddress: { [SOURCE_IP_CONDITION_KEY]: [...egressCidrs] }, Bool: { 'aws:ViaAWSService': 'false' } },
      },
    ],
  };
}

/**
 * The permissions boundary `rpcn-aurora-link-boundary`: the most any user or role a link creates can ever do,
 * whatever policy a (compromised) step puts on it: log in to this account's databases and assume the links'
 * db-connect roles.
 */
export function linkBoundaryPolicy(context: Pick<ArtifactContext, 'dbAccountId' | 'region'>, partition: Partition = DEFAULT_PARTITION): PolicyDocument {
  checkContext({ dbAccountId: context.dbAccountId, region: context.region });
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: SID.boundaryRdsDbConnect, Effect: 'Allow', Action: 'rds-db:connect', Resource: `arn:${partition}:rds-db:${context.region}:${context.dbAccountId}:dbuser:*/*` },
      { Sid: SID.boundaryAssumeDbConnect, Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:${partition}:iam::${context.dbAccountId}:role/${NAME_PREFIX}*-db-connect` },
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
 * Inline policy added to the pipeline role, or to the self-managed role (named `names.pipelineRolePolicy`, `rpcn-aurora-<D>-<name>`).
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

/** Identity mode `access-key`: the link-owned IAM user whose key the pipeline reads from Redpanda secrets. */
export interface ConnectorUserArtifacts {
  readonly mode: 'access-key';
  readonly principalArn: string;
  readonly userName: string;
  readonly path: string;
  readonly policy: NamedPolicy;
  readonly permissionsBoundaryArn: string;
  readonly restrictToEgress: boolean;
  readonly rotateAfterDays: number;
}

/** Identity modes `pipeline-role` and `self-managed`: an inline policy on a role the link does not own. */
export interface RolePolicyArtifacts {
  readonly mode: 'pipeline-role' | 'self-managed';
  readonly principalArn: string;
  readonly roleName: string;
  readonly accountId: string;
  readonly policy: NamedPolicy;
  readonly policyFile: string;
  /** Run with credentials of the role's account, after writing `policy.document` to `policyFile`. */
  readonly attachCommand: string;
  readonly removeCommand: string;
}

export type FirstHopArtifacts = ConnectorUserArtifacts | RolePolicyArtifacts;

export interface DbConnectRoleArtifacts {
  readonly roleName: string;
  readonly roleArn: string;
  readonly description: string;
  readonly maxSessionDuration: number;
  readonly trustPolicy: PolicyDocument;
  readonly permissionPolicy: NamedPolicy;
  readonly tags: readonly Tag[];
  readonly dbUserResourceArn: string;
  readonly permissionsBoundaryArn: string;
  /** The pipeline's first AWS identity and what the link puts on it. */
  readonly firstHop: FirstHopArtifacts;
}

/** File names `plan` writes each mode's first-hop policy to. */
export const FIRST_HOP_POLICY_FILE: Readonly<Record<IdentityMode, string>> = {
  'access-key': 'connector-user-policy.json',
  'pipeline-role': PIPELINE_ROLE_POLICY_FILE,
  'self-managed': 'consumer-role-policy.json',
};

/** Role name and account of a role ARN (path dropped: IAM role names are unique per account). */
export function parseRoleArnParts(arn: string): { readonly accountId: string; readonly roleName: string } {
  const m = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (!m) throw new FirstHopUndefinedError(`"${arn}" is not a role ARN`);
  return { accountId: m[1]!, roleName: m[2]! };
}

/** Everything the IAM branch creates or hands to the operator, in one place. */
export function dbConnectRoleArtifacts(
  request: IamRequest,
  context: Pick<ArtifactContext, 'dbAccountId' | 'region' | 'clusterResourceId'>,
  options: { readonly egressCidrs?: readonly string[]; readonly partition?: Partition } = {},
): DbConnectRoleArtifacts {
  checkContext(context);
  const partition = options.partition ?? DEFAULT_PARTITION;
  const names = linkNames(request, context.dbAccountId);
  const principalArn = firstHopPrincipalArn(request, context, partition);
  const boundaryArn = linkBoundaryArn(context, partition);
  let firstHop: FirstHopArtifacts;
  if (request.identity.mode === 'access-key') {
    const { restrictToEgress, rotateAfterDays } = request.identity;
    firstHop = {
      mode: 'access-key',
      principalArn,
      userName: names.connectorUser,
      path: CONNECTOR_USER_PATH,
      // Callers that do not put the user's policy need not know the egress addresses: a placeholder stands in
      // (IAM would refuse it, so it can never be applied by mistake).
      policy: { policyName: names.connectorUserPolicy, document: connectorUserPolicy(request, context, options.egressCidrs ?? [placeholder('REDPANDA_EGRESS_CIDRS')], partition) },
      permissionsBoundaryArn: boundaryArn,
      restrictToEgress,
      rotateAfterDays,
    };
  } else {
    const { accountId, roleName } = parseRoleArnParts(principalArn);
    const file = FIRST_HOP_POLICY_FILE[request.identity.mode];
    firstHop = {
      mode: request.identity.mode,
      principalArn,
      roleName,
      accountId,
      policy: { policyName: names.pipelineRolePolicy, document: pipelineRoleInlinePolicy(request, context, partition) },
      policyFile: file,
      attachCommand: `aws iam put-role-policy --role-name ${roleName} --policy-name ${names.pipelineRolePolicy} --policy-document file://${file}`,
      removeCommand: `aws iam delete-role-policy --role-name ${roleName} --policy-name ${names.pipelineRolePolicy}`,
    };
  }
  const who =
    request.identity.mode === 'access-key'
      ? `the link's connector user ${names.connectorUser}`
      : request.identity.mode === 'pipeline-role'
        ? `Redpanda Connect pipelines of cluster ${request.redpanda.clusterId}`
        : `the self-managed Redpanda Connect role ${principalArn}`;
  return {
    roleName: names.dbConnectRole,
    roleArn: dbConnectRoleArn(request, context, partition),
    description: `rpcn-aurora link ${request.name}: assumed by ${who} to log in to ${request.database.clusterIdentifier} as ${request.cdc.user}`.slice(0, 1000),
    maxSessionDuration: DB_CONNECT_MAX_SESSION_SECONDS,
    trustPolicy: dbConnectTrustPolicy(request, context, partition),
    permissionPolicy: { policyName: names.dbConnectPolicy, document: dbConnectPermissionPolicy(request, context, partition) },
    tags: dbConnectRoleTags(request),
    dbUserResourceArn: dbUserResourceArn(request, context, partition),
    permissionsBoundaryArn: boundaryArn,
    firstHop,
  };
}

/** The role-policy first hop of a link (`pipeline-role`, `self-managed`), or undefined for `access-key`. */
export function rolePolicyFirstHop(artifacts: DbConnectRoleArtifacts): RolePolicyArtifacts | undefined {
  return artifacts.firstHop.mode === 'access-key' ? undefined : artifacts.firstHop;
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
