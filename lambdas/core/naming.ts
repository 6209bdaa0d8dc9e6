// Names of every resource of a link, derived from the request. Pure; the same names are used by the
// Lambdas, the CDK app, the offline twin and `rpcn-aurora plan`, so a link can always find what it owns.
import type { Engine, LinkRequest } from './request.js';
import {
  fitName,
  iamNameProblem,
  iamPathProblem,
  mysqlUserNameProblem,
  pipelineDisplayNameProblem,
  postgresIdentifierProblem,
  rdsIdentifierProblem,
  rdsParameterGroupNameProblem,
  redpandaSecretIdProblem,
  replicationSlotProblem,
  secretsManagerNameProblem,
  securityGroupNameProblem,
  topicNameProblem,
  type NameProblem,
} from './name-rules.js';

/** The tag every AWS resource of a link carries; its value is the link name. */
export const LINK_TAG_KEY = 'rpcn-aurora:link';
/** The tag Redpanda BYOC requires on a role the pipeline role may assume (docs/reference/redpanda-cloud.md §6). */
export const REDPANDA_SCOPE_TAG_KEY = 'redpanda_scope_redpanda_connect';
export const REDPANDA_SCOPE_TAG_VALUE = 'true';
/** Prefix of every name we create; IAM policies in the CDK app are scoped to it. */
export const NAME_PREFIX = 'rpcn-aurora-';
/** Label on Redpanda secrets and tag on pipelines marking them as ours. */
export const MANAGED_BY = 'rpcn-aurora';
/** IAM path of every connector user; the deployed grants are scoped to it. */
export const CONNECTOR_USER_PATH = '/rpcn-aurora/';
/** Customer-managed policy (created by the RpcnAurora-Db stack) bounding every user and role a link creates. */
export const LINK_BOUNDARY_POLICY = 'rpcn-aurora-link-boundary';

/**
 * The two places an access key can live in Redpanda: the pipeline reads one, a rotation writes the other and
 * switches the pipeline to it (Redpanda never returns a secret's value, so the old one could not be written back).
 */
export const KEY_SLOTS = ['A', 'B'] as const;
export type KeySlot = (typeof KEY_SLOTS)[number];

export function otherSlot(slot: KeySlot): KeySlot {
  return slot === 'A' ? 'B' : 'A';
}

export interface LinkNames {
  readonly link: string;
  /** RDS DB cluster identifier (≤ 63). */
  readonly clusterIdentifier: string;
  /** RDS DB instance identifier of the `db.serverless` writer (≤ 63). */
  readonly writerInstanceIdentifier: string;
  /** DB cluster parameter group name (≤ 255). */
  readonly clusterParameterGroup: string;
  /** Parameter group family for the engine version, e.g. `aurora-postgresql17`. */
  readonly parameterGroupFamily: string;
  /** EC2 security group name and description (≤ 255). */
  readonly securityGroup: string;
  /** IAM role in the DB account that the pipeline role assumes (≤ 64). */
  readonly dbConnectRole: string;
  /** Inline policy on the db-connect role granting rds-db:connect (≤ 128). */
  readonly dbConnectPolicy: string;
  /** Redpanda-managed pipeline role in the Redpanda account. */
  readonly pipelineRole: string;
  /** Inline policy we add to the pipeline role (≤ 128). */
  readonly pipelineRolePolicy: string;
  /** PostgreSQL replication slot (`^[a-z0-9_]{1,50}$`). */
  readonly slot: string;
  /** PostgreSQL publication Redpanda Connect expects: `pglog_stream_<slot>`. */
  readonly publication: string;
  /** Redpanda SASL user of the pipeline's output. */
  readonly redpandaUser: string;
  /** IAM user of identity mode `access-key` (≤ 64), under CONNECTOR_USER_PATH. */
  readonly connectorUser: string;
  /** Its one inline policy: sts:AssumeRole on the db-connect role (≤ 128). */
  readonly connectorUserPolicy: string;
  /** Redpanda Connect secret ids (`^[A-Z][A-Z0-9_]*$`). */
  readonly redpandaSecrets: {
    readonly saslPassword: string;
    readonly rdsCaBundle: string;
    /** The connector user's access key id and secret, per slot. */
    readonly accessKeyId: Readonly<Record<KeySlot, string>>;
    readonly secretAccessKey: Readonly<Record<KeySlot, string>>;
  };
  /** Redpanda Connect pipeline display name (3-128, `^[A-Za-z0-9-_ /]+$`). */
  readonly pipelineDisplayName: string;
  /** Compacted topic holding the mysql_cdc binlog checkpoint (MySQL only). */
  readonly checkpointTopic: string;
  /** Secrets Manager secret holding the generated SASL password. */
  readonly saslPasswordSecret: string;
}

/** Parameter group family for an Aurora engine version. */
export function parameterGroupFamily(engine: Engine, engineVersion: string): string {
  if (engine === 'aurora-postgresql') return `aurora-postgresql${engineVersion.split('.')[0]}`;
  return 'aurora-mysql8.0';
}

export function pipelineRoleName(redpandaClusterId: string): string {
  return `redpanda-${redpandaClusterId}-redpanda-connect-pipeline`;
}

/** What names are derived from: the link name, its engine, its cluster and its Redpanda cluster. */
export interface NamingInput {
  readonly name: string;
  readonly engine: Engine;
  readonly database: Pick<LinkRequest['database'], 'clusterIdentifier' | 'engineVersion'>;
  readonly redpanda: Pick<LinkRequest['redpanda'], 'clusterId'>;
}

export function linkNames(request: NamingInput, dbAccountId: string): LinkNames {
  const { name } = request;
  const slug = name.replace(/-/g, '_');
  const upper = slug.toUpperCase();
  const slot = `rpcn_${slug}`;
  const family = parameterGroupFamily(request.engine, request.database.engineVersion);
  const names: LinkNames = {
    link: name,
    clusterIdentifier: request.database.clusterIdentifier,
    writerInstanceIdentifier: `${NAME_PREFIX}${name}-writer`,
    clusterParameterGroup: `${NAME_PREFIX}${name}-${family.replace(/[^a-z0-9]/g, '')}`,
    parameterGroupFamily: family,
    securityGroup: `${NAME_PREFIX}${name}`,
    dbConnectRole: `${NAME_PREFIX}${name}-db-connect`,
    dbConnectPolicy: `${NAME_PREFIX}${name}-rds-db-connect`,
    pipelineRole: pipelineRoleName(request.redpanda.clusterId),
    pipelineRolePolicy: `${NAME_PREFIX}${dbAccountId}-${name}`,
    slot,
    publication: `pglog_stream_${slot}`,
    redpandaUser: `${NAME_PREFIX}${name}`,
    connectorUser: `${NAME_PREFIX}${name}-connector`,
    connectorUserPolicy: `${NAME_PREFIX}${name}-assume-db-connect`,
    redpandaSecrets: {
      saslPassword: `RPCN_AURORA_${upper}_SASL_PASSWORD`,
      rdsCaBundle: `RPCN_AURORA_${upper}_RDS_CA`,
      accessKeyId: { A: `RPCN_AURORA_${upper}_AWS_ACCESS_KEY_ID_A`, B: `RPCN_AURORA_${upper}_AWS_ACCESS_KEY_ID_B` },
      secretAccessKey: { A: `RPCN_AURORA_${upper}_AWS_SECRET_ACCESS_KEY_A`, B: `RPCN_AURORA_${upper}_AWS_SECRET_ACCESS_KEY_B` },
    },
    pipelineDisplayName: `${NAME_PREFIX}${name}`,
    checkpointTopic: `${NAME_PREFIX}${name}.checkpoints`,
    saslPasswordSecret: `${NAME_PREFIX}${name}/redpanda-sasl-password`,
  };
  return names;
}

/** A name derived from a request that its service would refuse. */
export interface DerivedNameProblem {
  readonly what: string;
  readonly value: string;
  readonly problem: string;
}

/**
 * Every derived name checked against its service's rules (lambdas/core/name-rules.ts): what ValidateRequest
 * refuses before anything is created, since a name RDS, IAM, EC2 or Redpanda refuses would fail mid-way.
 */
export function derivedNameProblems(names: LinkNames, engine: Engine, cdcUser: string): DerivedNameProblem[] {
  const checks: Array<[string, string, NameProblem]> = [
    ['RDS DB cluster identifier', names.clusterIdentifier, rdsIdentifierProblem(names.clusterIdentifier)],
    ['RDS DB instance identifier', names.writerInstanceIdentifier, rdsIdentifierProblem(names.writerInstanceIdentifier)],
    ['RDS final snapshot identifier', finalSnapshotIdentifier(names.clusterIdentifier, new Date(0)), rdsIdentifierProblem(finalSnapshotIdentifier(names.clusterIdentifier, new Date(0)))],
    ['DB cluster parameter group name', names.clusterParameterGroup, rdsParameterGroupNameProblem(names.clusterParameterGroup)],
    ['security group name', names.securityGroup, securityGroupNameProblem(names.securityGroup)],
    ['db-connect role name', names.dbConnectRole, iamNameProblem(names.dbConnectRole, 'role')],
    ['db-connect role policy name', names.dbConnectPolicy, iamNameProblem(names.dbConnectPolicy, 'policy')],
    ['pipeline role name', names.pipelineRole, iamNameProblem(names.pipelineRole, 'role')],
    ['pipeline role policy name', names.pipelineRolePolicy, iamNameProblem(names.pipelineRolePolicy, 'policy')],
    ['connector user name', names.connectorUser, iamNameProblem(names.connectorUser, 'user')],
    ['connector user path', CONNECTOR_USER_PATH, iamPathProblem(CONNECTOR_USER_PATH)],
    ['connector user policy name', names.connectorUserPolicy, iamNameProblem(names.connectorUserPolicy, 'policy')],
    ['Secrets Manager secret name', names.saslPasswordSecret, secretsManagerNameProblem(names.saslPasswordSecret)],
    ['Redpanda secret id', names.redpandaSecrets.saslPassword, redpandaSecretIdProblem(names.redpandaSecrets.saslPassword)],
    ['Redpanda secret id', names.redpandaSecrets.rdsCaBundle, redpandaSecretIdProblem(names.redpandaSecrets.rdsCaBundle)],
    ...KEY_SLOTS.flatMap((slot): Array<[string, string, NameProblem]> => [
      ['Redpanda secret id', names.redpandaSecrets.accessKeyId[slot], redpandaSecretIdProblem(names.redpandaSecrets.accessKeyId[slot])],
      ['Redpanda secret id', names.redpandaSecrets.secretAccessKey[slot], redpandaSecretIdProblem(names.redpandaSecrets.secretAccessKey[slot])],
    ]),
    ['Redpanda Connect pipeline name', names.pipelineDisplayName, pipelineDisplayNameProblem(names.pipelineDisplayName)],
    ['checkpoint topic', names.checkpointTopic, topicNameProblem(names.checkpointTopic)],
    [engine === 'aurora-mysql' ? 'MySQL user name' : 'PostgreSQL user name', cdcUser, engine === 'aurora-mysql' ? mysqlUserNameProblem(cdcUser) : postgresIdentifierProblem(cdcUser)],
    ...(engine === 'aurora-postgresql'
      ? ([
          ['replication slot name', names.slot, replicationSlotProblem(names.slot)],
          ['publication name', names.publication, postgresIdentifierProblem(names.publication)],
        ] as Array<[string, string, NameProblem]>)
      : []),
  ];
  return checks.filter((c): c is [string, string, string] => c[2] !== undefined).map(([what, value, problem]) => ({ what, value, problem }));
}

/** `-final-YYYYMMDDHHMMSS` after the cluster identifier, the identifier cut (with a hash) so the whole stays ≤ 63. */
export function finalSnapshotIdentifier(cluster: string, now: Date): string {
  const stamp = `-final-${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  return `${fitName(cluster, 63 - stamp.length, '-')}${stamp}`;
}

/** The default CDC user, `rpcn_<name with _>`, cut (with a hash) to MySQL's 32 characters for aurora-mysql. */
export function defaultCdcUser(engine: Engine, name: string): string {
  const user = `rpcn_${name.replace(/-/g, '_')}`;
  return engine === 'aurora-mysql' ? fitName(user, 32, '_') : user;
}
