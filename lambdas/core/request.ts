// The request (start-execution input), version 1: docs/request.md.
// This zod schema is the single source of truth: the TypeScript types are inferred from it and
// schema/request.schema.json is generated from it (test/unit/request-schema.test.ts proves they agree).
//
// Every string field is matched against an ASCII-only pattern, so quotes, semicolons, newlines and
// unicode look-alikes are rejected here and never reach SQL, IAM documents or YAML.
import { z } from 'zod';
import { rotationExecutionName, validationExecutionName } from './iam-events.js';
import { executionNameProblem } from './name-rules.js';
import { defaultCdcUser, derivedNameProblems, linkNames } from './naming.js';
import { egressCidrProblem, networkCidrProblem } from './network.js';
import { capacityProblems, documentedCapacityRange } from './serverless-capacity.js';

export const ENGINES = ['aurora-postgresql', 'aurora-mysql'] as const;
export type Engine = (typeof ENGINES)[number];

/**
 * How the pipeline gets its first AWS identity (docs/reference/redpanda-cloud.md §10):
 * - `access-key`: a link-owned IAM user whose key lives only in Redpanda secrets (Cloud pipelines have no pod identity);
 * - `pipeline-role`: IRSA as the Redpanda-managed pipeline role plus our inline policy (the walkthrough's chain, opt-in);
 * - `self-managed`: Redpanda Connect the operator runs, as `identity.roleArn`.
 */
export const IDENTITY_MODES = ['access-key', 'pipeline-role', 'self-managed'] as const;
export type IdentityMode = (typeof IDENTITY_MODES)[number];
export const DEFAULT_ROTATE_AFTER_DAYS = 30;

/** Lowest engine versions where the RDS Data API works on Aurora Serverless v2 (docs/reference/aws.md A1). */
export const POSTGRES_MIN_MINOR: Readonly<Record<number, number>> = { 13: 11, 14: 8, 15: 3, 16: 1, 17: 4 };
export const DEFAULT_ENGINE_VERSION: Readonly<Record<Engine, string>> = {
  'aurora-postgresql': '17.4',
  'aurora-mysql': '8.0.mysql_aurora.3.08.0',
};

/** Database user names that belong to Aurora, the engine or the master user; never ours to create or drop. */
export const RESERVED_DB_USERS: readonly string[] = [
  'postgres', 'rdsadmin', 'rds_superuser', 'rds_iam', 'rds_replication', 'rds_password', 'rdsrepladmin',
  'rdsproxyadmin', 'rdstopmgr', 'rds_ad', 'public', 'admin', 'root', 'mysql', 'master', 'aurora',
  'awsauthenticationplugin', 'mariadb.sys', 'mysql.sys', 'mysql.session', 'mysql.infoschema', 'replicator',
];

// No "--" and no trailing "-": every RDS identifier derived from the name would inherit them, and RDS refuses both.
const NAME = /^[a-z](?!.*--)[a-z0-9-]{1,29}[a-z0-9]$/;
const PG_IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
const MYSQL_TABLE = /^[a-zA-Z_][a-zA-Z0-9_$]{0,63}$/;
const DATABASE_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const CLUSTER_IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$|^[a-z]$/;
const REDPANDA_CLUSTER_ID = /^[0-9a-v]{20}$/;
const ACCOUNT_ID = /^\d{12}$/;
const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
/** How the pipeline reaches the database (docs/reference/redpanda-cloud.md §11). */
export const NETWORK_MODES = ['public', 'private'] as const;
export type NetworkMode = (typeof NETWORK_MODES)[number];

/** An IAM role ARN of the commercial partition (the only one a deployment supports), path allowed. */
const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

const capacity = (what: string) =>
  z
    .number({ error: `${what} must be a number of Aurora capacity units (ACU)` })
    .min(0, { error: `${what} must be at least 0 ACU` })
    .max(256, { error: `${what} must be at most 256 ACU` })
    .multipleOf(0.5, { error: `${what} must be a multiple of 0.5 ACU` });

const pattern = (re: RegExp, allowed: string) =>
  z.string({ error: `must be a string: ${allowed}` }).regex(re, { error: `must be ${allowed}` });

const databaseSchema = z
  .strictObject({
    create: z.boolean({ error: 'must be true (create a new cluster) or false (adopt clusterIdentifier)' }).default(true),
    clusterIdentifier: pattern(
      CLUSTER_IDENTIFIER,
      'an RDS cluster identifier: 1-63 lower-case letters, digits and hyphens, starting with a letter, no "--", not ending with "-"',
    ).optional(),
    engineVersion: z.string({ error: 'must be a string such as "17.4" or "8.0.mysql_aurora.3.08.0"' }).optional(),
    databaseName: pattern(DATABASE_NAME, '1-63 lower-case letters, digits and "_", starting with a letter').default('demo_db'),
    minCapacity: capacity('minCapacity').default(0.5),
    maxCapacity: capacity('maxCapacity').default(2),
    publiclyAccessible: z.boolean({ error: 'must be true or false' }).optional(),
    network: z
      .enum(NETWORK_MODES, { error: 'must be "public" (over the internet, from the Redpanda egress addresses) or "private" (peering or Transit Gateway)' })
      .default('public'),
  })
  .default({ create: true, databaseName: 'demo_db', minCapacity: 0.5, maxCapacity: 2, network: 'public' });

const cdcSchema = z.strictObject({
  user: pattern(PG_IDENT, '1-63 lower-case letters, digits and "_" (at most 32 for MySQL), starting with a letter or "_"').optional(),
  schema: pattern(PG_IDENT, 'a schema name: lower-case letters, digits and "_", starting with a letter or "_"').optional(),
  tables: z
    .array(z.string({ error: 'each table must be a string' }), { error: 'must be a list of table names' })
    .min(1, { error: 'must name at least one table (an empty list would mean every table of the database)' })
    .max(100, { error: 'must name at most 100 tables' }),
  snapshot: z.boolean({ error: 'must be true (stream existing rows first) or false' }).default(true),
});

const redpandaSchema = z.strictObject({
  clusterId: pattern(REDPANDA_CLUSTER_ID, 'a Redpanda Cloud cluster id: 20 characters of 0-9 and a-v, e.g. "curl3eo533cmsnt23dv0"'),
  accountId: pattern(ACCOUNT_ID, 'the 12-digit AWS account id of the Redpanda BYOC cluster (needed for identity.mode "pipeline-role")').optional(),
  topic: pattern(TOPIC, 'a topic name: 1-249 of a-z, A-Z, 0-9, ".", "_" and "-"').optional(),
  partitions: z
    .number({ error: 'must be a whole number of partitions' })
    .int({ error: 'must be a whole number of partitions' })
    .min(1, { error: 'must be at least 1' })
    .max(1000, { error: 'must be at most 1000' })
    .default(3),
  egressCidrs: z
    .array(z.string({ error: 'each must be a string: an IPv4 CIDR such as "203.0.113.10/32"' }), { error: 'must be a list of IPv4 CIDRs' })
    .min(1, { error: 'must list at least one address (leave it out to use the cluster\'s nat_gateways)' })
    .max(16, { error: 'must list at most 16 addresses' })
    .optional(),
  networkCidr: z.string({ error: 'must be a string: the IPv4 CIDR of the Redpanda network, such as "10.100.0.0/16"' }).optional(),
  replicationFactor: z
    .number({ error: 'must be 1 or 3' })
    .int({ error: 'must be 1 or 3' })
    .refine((v) => v === 1 || v === 3, { error: 'must be 1 or 3 (an odd number no larger than a BYOC cluster' + "'s 3 brokers)" })
    .default(3),
});

const identitySchema = z
  .strictObject({
    mode: z
      .enum(IDENTITY_MODES, { error: `must be one of ${IDENTITY_MODES.map((m) => `"${m}"`).join(', ')}` })
      .default('access-key'),
    rotateAfterDays: z
      .number({ error: 'must be a whole number of days' })
      .int({ error: 'must be a whole number of days' })
      .min(1, { error: 'must be at least 1 day' })
      .max(365, { error: 'must be at most 365 days' })
      .default(DEFAULT_ROTATE_AFTER_DAYS),
    restrictToEgress: z.boolean({ error: 'must be true (the key works only from the Redpanda cluster\'s egress addresses) or false' }).default(true),
    roleArn: z.string({ error: 'must be a string: the ARN of the IAM role your Redpanda Connect runs as' }).optional(),
  })
  .default({ mode: 'access-key', rotateAfterDays: DEFAULT_ROTATE_AFTER_DAYS, restrictToEgress: true });

/** The request as written by a user (every default optional). */
export const requestSchema = z.strictObject({
  name: pattern(NAME, '3-31 characters: a lower-case letter, then lower-case letters, digits and "-", not ending with "-" and without "--"'),
  engine: z.enum(ENGINES, { error: `must be one of ${ENGINES.map((e) => `"${e}"`).join(', ')}` }),
  database: databaseSchema,
  cdc: cdcSchema,
  redpanda: redpandaSchema,
  identity: identitySchema,
  selfHeal: z.boolean({ error: 'must be true or false' }).default(true),
  onFailure: z.enum(['keep', 'rollback'], { error: 'must be "keep" or "rollback"' }).default('keep'),
});

export type RequestInput = z.input<typeof requestSchema>;

/** A request after parsing: every default filled in, every engine-dependent value resolved. */
export interface LinkRequest {
  readonly name: string;
  readonly engine: Engine;
  readonly database: {
    readonly create: boolean;
    readonly clusterIdentifier: string;
    readonly engineVersion: string;
    readonly databaseName: string;
    readonly minCapacity: number;
    readonly maxCapacity: number;
    readonly publiclyAccessible: boolean;
    readonly network: NetworkMode;
  };
  readonly cdc: {
    readonly user: string;
    readonly schema: string;
    readonly tables: readonly string[];
    readonly snapshot: boolean;
  };
  readonly redpanda: {
    readonly clusterId: string;
    /** The Redpanda BYOC account; set (and required) for identity mode `pipeline-role`. */
    readonly accountId?: string;
    readonly topic: string;
    readonly partitions: number;
    readonly replicationFactor: number;
    /** `network: public`: the egress addresses to admit, when the cluster reports none (centralized egress) or they should be pinned. */
    readonly egressCidrs?: readonly string[];
    /** `network: private`: the Redpanda network's CIDR (else read from the Cloud API's network of the cluster). */
    readonly networkCidr?: string;
  };
  readonly identity: LinkIdentity;
  readonly selfHeal: boolean;
  readonly onFailure: 'keep' | 'rollback';
}

/** The identity of a parsed request: each mode with exactly its own fields (so a normalized request parses again). */
export type LinkIdentity =
  | {
      readonly mode: 'access-key';
      /** The key is rotated once it is older than this. */
      readonly rotateAfterDays: number;
      /** The connector user may call STS only from the Redpanda cluster's egress addresses. */
      readonly restrictToEgress: boolean;
    }
  | { readonly mode: 'pipeline-role' }
  | {
      readonly mode: 'self-managed';
      /** The role Redpanda Connect runs as, trusted by the db-connect role. */
      readonly roleArn: string;
    };

export interface RequestIssue {
  /** Dotted field path, e.g. `cdc.tables[1]`; empty for the whole request. */
  readonly path: string;
  readonly message: string;
}

/** Thrown when a request is not acceptable; `issues` names every bad field. */
export class InvalidRequestError extends Error {
  readonly issues: readonly RequestIssue[];
  constructor(issues: readonly RequestIssue[]) {
    super(`invalid request: ${issues.map((i) => `${i.path || '(request)'}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidRequestError';
    this.issues = issues;
  }
}

export type ParseResult = { ok: true; request: LinkRequest } | { ok: false; issues: RequestIssue[] };

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

/** Parse and fully check a request. Never throws. */
export function parseRequest(input: unknown): ParseResult {
  const parsed = requestSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: describeZodIssue(i) })),
    };
  }
  const r = parsed.data;
  const issues: RequestIssue[] = [];
  const isPg = r.engine === 'aurora-postgresql';

  // Engine version.
  const engineVersion = r.database.engineVersion ?? DEFAULT_ENGINE_VERSION[r.engine];
  const versionIssues = checkEngineVersion(r.engine, engineVersion);
  issues.push(...versionIssues);
  // Capacity is applied only to a cluster the link creates; ValidateRequest also asks the region.
  const documented = documentedCapacityRange(r.engine, engineVersion);
  if (r.database.create && versionIssues.length === 0 && documented !== undefined) {
    issues.push(...capacityProblems(r.engine, engineVersion, r.database, documented, 'docs/reference/aws.md A12'));
  }

  // Capacity bounds.
  if (r.database.maxCapacity < 1) issues.push({ path: 'database.maxCapacity', message: 'must be at least 1 ACU (Aurora Serverless v2 minimum for the maximum)' });
  if (r.database.minCapacity > r.database.maxCapacity) {
    issues.push({ path: 'database.minCapacity', message: `must not exceed database.maxCapacity (${r.database.maxCapacity})` });
  }

  // Adopt vs create.
  if (!r.database.create && !r.database.clusterIdentifier) {
    issues.push({ path: 'database.clusterIdentifier', message: 'is required when database.create is false (the cluster to adopt)' });
  }
  const clusterIdentifier = r.database.clusterIdentifier ?? `rpcn-aurora-${r.name}`;
  // The deployed Lambda roles may create clusters only under this prefix (least privilege).
  if (r.database.create && !clusterIdentifier.startsWith('rpcn-aurora-')) {
    issues.push({
      path: 'database.clusterIdentifier',
      message: `a cluster the link creates must be named "rpcn-aurora-…" (leave clusterIdentifier out for "rpcn-aurora-${r.name}"); to use an existing cluster set "create": false`,
    });
  }

  // CDC user.
  const user = r.cdc.user ?? defaultCdcUser(r.engine, r.name);
  if (RESERVED_DB_USERS.includes(user.toLowerCase()) || /^(pg_|rds_|rds|aws_)/.test(user)) {
    issues.push({ path: 'cdc.user', message: `"${user}" is reserved by Aurora or the engine; choose another name (e.g. "${defaultCdcUser(r.engine, r.name)}")` });
  }

  // Schema: PostgreSQL schema; for MySQL the tables live in the database itself.
  let schema: string;
  if (isPg) {
    schema = r.cdc.schema ?? 'public';
    if (/^pg_/.test(schema) || schema === 'information_schema') {
      issues.push({ path: 'cdc.schema', message: `"${schema}" is a system schema; name the schema that holds your tables` });
    }
  } else {
    schema = r.cdc.schema ?? r.database.databaseName;
    if (schema !== r.database.databaseName) {
      issues.push({
        path: 'cdc.schema',
        message: `for aurora-mysql the tables live in the database itself: leave cdc.schema out or set it to "${r.database.databaseName}" (database.databaseName)`,
      });
    }
  }

  // Tables.
  const seen = new Set<string>();
  r.cdc.tables.forEach((table, i) => {
    const path = `cdc.tables[${i}]`;
    if (table.includes('.')) {
      const [qualifier, rest] = [table.slice(0, table.indexOf('.')), table.slice(table.indexOf('.') + 1)];
      issues.push({
        path,
        message: isPg
          ? `"${table}" is schema-qualified, but every table must be in cdc.schema ("${schema}"): write "${rest}" and set cdc.schema to "${qualifier}", or create one link per schema`
          : `"${table}" is qualified, but tables are bare names in database.databaseName ("${r.database.databaseName}"): write "${rest}"`,
      });
      return;
    }
    const ok = isPg ? PG_IDENT.test(table) : MYSQL_TABLE.test(table);
    if (!ok) {
      issues.push({
        path,
        message: isPg
          ? `"${printable(table)}" is not a plain PostgreSQL table name: 1-63 lower-case letters, digits and "_", starting with a letter or "_"`
          : `"${printable(table)}" is not a plain MySQL table name: 1-64 letters, digits, "_" and "$", starting with a letter or "_"`,
      });
      return;
    }
    const key = isPg ? table : table.toLowerCase();
    if (seen.has(key)) issues.push({ path, message: `"${table}" is listed twice` });
    seen.add(key);
  });

  // Topic.
  const topic = r.redpanda.topic ?? `${r.name}.cdc`;
  if (topic === '.' || topic === '..') issues.push({ path: 'redpanda.topic', message: 'must not be "." or ".."' });
  if (topic.startsWith('_')) issues.push({ path: 'redpanda.topic', message: 'must not start with "_" (reserved for internal topics)' });

  issues.push(...checkIdentity(r.identity, r.redpanda.accountId, input));
  issues.push(...checkDerivedNames(r.name, r.engine, engineVersion, clusterIdentifier, user, r.redpanda.clusterId));
  const publiclyAccessible = r.database.publiclyAccessible ?? r.database.network === 'public';
  issues.push(...checkNetwork(r.database.network, r.database.create, publiclyAccessible, r.redpanda.egressCidrs, r.redpanda.networkCidr));

  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    request: {
      name: r.name,
      engine: r.engine,
      database: { ...r.database, clusterIdentifier, engineVersion, publiclyAccessible },
      cdc: { user, schema, tables: [...r.cdc.tables], snapshot: r.cdc.snapshot },
      redpanda: { ...r.redpanda, topic, ...(r.redpanda.egressCidrs ? { egressCidrs: [...r.redpanda.egressCidrs] } : {}) },
      identity: normalizedIdentity(r.identity),
      selfHeal: r.selfHeal,
      onFailure: r.onFailure,
    },
  };
}

/** Parse a request or throw {@link InvalidRequestError}. */
export function assertRequest(input: unknown): LinkRequest {
  const result = parseRequest(input);
  if (!result.ok) throw new InvalidRequestError(result.issues);
  return result.request;
}

function normalizedIdentity(identity: z.infer<typeof identitySchema>): LinkIdentity {
  switch (identity.mode) {
    case 'access-key':
      return { mode: 'access-key', rotateAfterDays: identity.rotateAfterDays, restrictToEgress: identity.restrictToEgress };
    case 'pipeline-role':
      return { mode: 'pipeline-role' };
    case 'self-managed':
      // checkIdentity refused a self-managed request without one.
      return { mode: 'self-managed', roleArn: identity.roleArn! };
  }
}

function checkNetwork(
  network: NetworkMode,
  create: boolean,
  publiclyAccessible: boolean,
  egressCidrs: readonly string[] | undefined,
  networkCidr: string | undefined,
): RequestIssue[] {
  const issues: RequestIssue[] = [];
  if (network === 'public') {
    if (create && !publiclyAccessible) {
      issues.push({
        path: 'database.publiclyAccessible',
        message: 'is false, but database.network is "public": a Redpanda Cloud pipeline reaches a public cluster over the internet; set database.network to "private" (peering or Transit Gateway) or leave publiclyAccessible out',
      });
    }
    egressCidrs?.forEach((cidr, i) => {
      const problem = egressCidrProblem(cidr);
      if (problem) issues.push({ path: `redpanda.egressCidrs[${i}]`, message: `"${printable(String(cidr))}" ${problem}` });
    });
    if (networkCidr !== undefined) issues.push({ path: 'redpanda.networkCidr', message: 'applies only to database.network "private": leave it out' });
  } else {
    if (create && publiclyAccessible) {
      issues.push({ path: 'database.publiclyAccessible', message: 'is true, but database.network is "private": a private link creates a cluster without a public address; leave publiclyAccessible out' });
    }
    // Still the public addresses the pipeline's STS calls come from (identity.restrictToEgress).
    egressCidrs?.forEach((cidr, i) => {
      const problem = egressCidrProblem(cidr);
      if (problem) issues.push({ path: `redpanda.egressCidrs[${i}]`, message: `"${printable(String(cidr))}" ${problem}` });
    });
    if (networkCidr !== undefined) {
      const problem = networkCidrProblem(networkCidr);
      if (problem) issues.push({ path: 'redpanda.networkCidr', message: `"${printable(String(networkCidr))}" ${problem}` });
    }
  }
  return issues;
}

/** The fields of `identity` that only some modes use, as the user wrote them (before defaults). */
function writtenIdentityFields(input: unknown): readonly string[] {
  const identity = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)['identity'] : undefined;
  return typeof identity === 'object' && identity !== null ? Object.keys(identity) : [];
}

function checkIdentity(identity: z.infer<typeof identitySchema>, redpandaAccountId: string | undefined, input: unknown): RequestIssue[] {
  const issues: RequestIssue[] = [];
  const written = writtenIdentityFields(input);
  if (identity.mode !== 'access-key') {
    for (const field of ['rotateAfterDays', 'restrictToEgress'] as const) {
      if (written.includes(field)) {
        issues.push({ path: `identity.${field}`, message: `applies only to identity.mode "access-key" (this link uses "${identity.mode}"): leave it out` });
      }
    }
  }
  if (identity.mode === 'pipeline-role' && redpandaAccountId === undefined) {
    issues.push({ path: 'redpanda.accountId', message: 'is required for identity.mode "pipeline-role" (the account of the Redpanda-managed pipeline role)' });
  }
  if (identity.mode !== 'self-managed') {
    if (identity.roleArn !== undefined) {
      issues.push({ path: 'identity.roleArn', message: `applies only to identity.mode "self-managed" (this link uses "${identity.mode}"): leave it out` });
    }
    return issues;
  }
  if (identity.roleArn === undefined) {
    issues.push({ path: 'identity.roleArn', message: 'is required for identity.mode "self-managed": the ARN of the IAM role your Redpanda Connect runs as, e.g. "arn:aws:iam::222222222222:role/connect-cdc"' });
    return issues;
  }
  const problem = roleArnProblem(identity.roleArn);
  if (problem !== undefined) issues.push({ path: 'identity.roleArn', message: problem });
  return issues;
}

/** Why a value cannot be the self-managed first hop; undefined when it is a plain role ARN. */
export function roleArnProblem(arn: string): string | undefined {
  const shown = `"${printable(arn)}"`;
  if (arn.includes('*')) return `${shown} has a wildcard: name exactly one IAM role (the db-connect role trusts only it)`;
  const m = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/.exec(arn);
  if (!m) return `${shown} is not an ARN: give the role's ARN, e.g. "arn:aws:iam::222222222222:role/connect-cdc"`;
  const [, partition, service, region, account, resource] = m as unknown as [string, string, string, string, string, string];
  if (partition !== 'aws') return `${shown} is in partition "${printable(partition)}": this deployment is in the commercial partition "aws" (roles cannot be trusted across partitions)`;
  if (service === 'sts') return `${shown} is an STS session ARN: give the role's own ARN (arn:aws:iam::<account>:role/<name>)`;
  if (service !== 'iam' || region !== '') return `${shown} is not an IAM ARN: give the role's ARN (arn:aws:iam::<account>:role/<name>)`;
  if (!/^\d{12}$/.test(account)) return `${shown} has no 12-digit account id`;
  if (resource === 'root') return `${shown} is a whole account (its root): trust exactly the role your Redpanda Connect runs as, not every principal of account ${account}`;
  if (resource.startsWith('user/')) return `${shown} is an IAM user: identity.mode "self-managed" needs the role your Redpanda Connect runs as (for a key, use identity.mode "access-key")`;
  if (!resource.startsWith('role/')) return `${shown} is not a role ARN (arn:aws:iam::<account>:role/<name>)`;
  if (!ROLE_ARN.test(arn)) return `${shown} is not a valid role ARN: a role name is 1-64 of letters, digits and +=,.@_- (a path, if any, of the same characters between slashes)`;
  return undefined;
}

/** Account ids are always 12 digits, so any stands in for the deployment's when checking name rules. */
const SOME_ACCOUNT_ID = '000000000000';
const LONGEST_EXECUTION_STAMP = new Date('2099-12-31T23:59:59Z');

/** Every name the link will create, checked against its service's rules (lambdas/core/name-rules.ts). */
function checkDerivedNames(name: string, engine: Engine, engineVersion: string, clusterIdentifier: string, user: string, redpandaClusterId: string): RequestIssue[] {
  const names = linkNames({ name, engine, database: { clusterIdentifier, engineVersion }, redpanda: { clusterId: redpandaClusterId } }, SOME_ACCOUNT_ID);
  const issues = derivedNameProblems(names, engine, user).map(({ what, value, problem }) => ({
    path: what.includes('user name') ? 'cdc.user' : what.includes('cluster identifier') ? 'database.clusterIdentifier' : 'name',
    message: `the ${what} "${printable(value)}" ${problem}`,
  }));
  const executions = [
    validationExecutionName(name, 'rotation-schedule', LONGEST_EXECUTION_STAMP),
    rotationExecutionName(name, 'schedule', LONGEST_EXECUTION_STAMP),
    rotationExecutionName(name, 'manual', LONGEST_EXECUTION_STAMP),
  ];
  for (const execution of executions) {
    const problem = executionNameProblem(execution);
    if (problem) issues.push({ path: 'name', message: `the Step Functions execution name "${printable(execution)}" ${problem}` });
  }
  return issues;
}

function checkEngineVersion(engine: Engine, version: string): RequestIssue[] {
  const path = 'database.engineVersion';
  if (engine === 'aurora-postgresql') {
    const m = /^(\d{2})\.(\d{1,2})$/.exec(version);
    const major = m ? Number(m[1]) : NaN;
    const minor = m ? Number(m[2]) : NaN;
    const floor = POSTGRES_MIN_MINOR[major];
    if (!m || floor === undefined) {
      return [{ path, message: `"${printable(version)}" is not a supported Aurora PostgreSQL version: use MAJOR.MINOR with major 13-17, e.g. "17.4"` }];
    }
    if (minor < floor) {
      return [{ path, message: `Aurora PostgreSQL ${version} has no RDS Data API on Serverless v2: use ${major}.${floor} or later` }];
    }
    return [];
  }
  const m = /^8\.0\.mysql_aurora\.3\.(\d{2})\.(\d{1,2})$/.exec(version);
  if (!m) {
    return [{ path, message: `"${printable(version)}" is not an Aurora MySQL 3 version: use the form "8.0.mysql_aurora.3.08.0"` }];
  }
  if (Number(m[1]) < 7) return [{ path, message: `Aurora MySQL ${version} has no RDS Data API on Serverless v2: use 3.07 or later` }];
  return [];
}

/** Show control characters and non-ASCII visibly instead of echoing them raw into a terminal or log. */
export function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).slice(0, 80);
}

function describeZodIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${printable(k)}"`).join(', ')}: not part of request v1`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `is required (${issue.message})`;
  return issue.message;
}
