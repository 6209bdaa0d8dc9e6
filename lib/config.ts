// The deployment configuration: one typed file (config/deployment.json, documented in config/README.md),
// validated once when the app is built. Every error names the key that is wrong and says what is allowed;
// nothing is defaulted silently except the keys whose defaults are documented below.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { IDENTITY_MODES, type IdentityMode } from '../lambdas/core/request.js';

/** The retention values CloudWatch Logs accepts (aws-cdk-lib RetentionDays, minus INFINITE). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const ACCOUNT_ID = /^\d{12}$/;
// Commercial partition only: the IAM-watch stacks rely on IAM's CloudTrail events reaching EventBridge in
// us-east-1, which is the `aws` partition's arrangement (docs/reference/aws.md A5).
const REGION = /^(us|eu|ap|ca|sa|me|af|il|mx)-[a-z]+-\d$/;
/**
 * Regions where the RDS Data API serves Aurora Serverless v2 and provisioned clusters (docs/reference/aws.md A1):
 * every step's SQL goes through it. Not there: ap-south-2 (Hyderabad), ap-southeast-4 (Melbourne) and
 * ap-southeast-6 (New Zealand); regions the list could not be confirmed for are left out (fail closed).
 */
export const DATA_API_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'af-south-1',
  'ap-east-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-5',
  'ca-central-1',
  'eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'me-south-1',
  'sa-east-1',
];
const REDPANDA_CLUSTER_ID = /^[0-9a-v]{20}$/;
// An RDS cluster identifier, or a pattern of one with `*` wildcards (IAM ARN matching).
const CLUSTER_PATTERN = /^[a-z*][a-z0-9*-]{0,62}$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const DB_SUBNET_GROUP = /^[a-z0-9][a-z0-9 ._-]{0,254}$/;
const AZ = /^[a-z]{2}-[a-z]+-\d[a-z]$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(1[6-9]|2[0-4])$/;
// IAM role names (without a path), as CreateRole accepts them.
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const SNS_TOPIC_ARN = /^arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
// EventBridge schedule expressions: rate(1 minute|N minutes|hours|days) or cron(6 fields).
const SCHEDULE = /^(rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)|cron\(\S+( \S+){5}\))$/;

const text = (re: RegExp, allowed: string) => z.string({ error: `must be a string: ${allowed}` }).regex(re, { error: `must be ${allowed}` });
const accountId = text(ACCOUNT_ID, 'a 12-digit AWS account id, as a string (e.g. "111111111111")');
const region = text(REGION, 'an AWS region of the commercial partition (e.g. "us-east-2"); GovCloud and China are not supported');

const networkSchema = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({
      /** New clusters go into the account's default VPC and its default security group; no security group per link. */
      mode: z.literal('none'),
    }),
    z.strictObject({
      /** Create a VPC with public and isolated subnets and a DB subnet group `rpcn-aurora-db`. */
      mode: z.literal('create'),
      /** IPv4 range of the new VPC. @default "10.80.0.0/16" */
      cidr: text(CIDR, 'an IPv4 CIDR from /16 to /24, e.g. "10.80.0.0/16"').default('10.80.0.0/16'),
      /** Two or three availability zones of dbAccount.region, e.g. ["us-east-2a", "us-east-2b"] (named, so synth needs no lookup). */
      availabilityZones: z
        .array(text(AZ, 'an availability zone name such as "us-east-2a"'), { error: 'must be a list of 2 or 3 availability zone names' })
        .min(2, { error: 'must name at least 2 availability zones (Aurora needs subnets in 2)' })
        .max(3, { error: 'must name at most 3 availability zones' }),
      /**
       * Which subnets the DB subnet group uses. `public` (the default) is required for clusters with
       * `publiclyAccessible: true`, the only way Redpanda's NAT gateways reach them; the link's security group
       * admits only those NAT addresses. `isolated` is for clusters reached privately.
       */
      dbSubnets: z.enum(['public', 'isolated'], { error: 'must be "public" or "isolated"' }).default('public'),
    }),
    z.strictObject({
      /** Use an existing VPC and DB subnet group. */
      mode: z.literal('existing'),
      vpcId: text(VPC_ID, 'a VPC id such as "vpc-0abc1234def567890"'),
      dbSubnetGroupName: text(DB_SUBNET_GROUP, 'the name of an existing DB subnet group (lower case)'),
    }),
  ],
  { error: 'must be "none", "create" or "existing"' },
);

export const deploymentConfigSchema = z
  .strictObject({
    /** Optional pointer to documentation; ignored. */
    $comment: z.string().optional(),
    /** Account D: where the Lambdas, state machines, registry and the links' Aurora clusters live. */
    dbAccount: z.strictObject({ accountId, region }, { error: 'must be an object {"accountId", "region"}' }),
    /**
     * Which identity modes (request `identity.mode`) the deployment serves. `access-key` needs nothing outside
     * the DB account (its connector users live in D, and every deployment can create them); `pipeline-role`
     * adds RpcnAurora-RedpandaAccess and the IAM watch of R for the configured clusters' pipeline roles;
     * `self-managed` roles are artifacts unless `redpanda.selfManagedRoleNames` names roles in R.
     * @default ["access-key"]
     */
    identityModes: z
      .array(z.enum(IDENTITY_MODES, { error: `must be one of ${IDENTITY_MODES.map((m) => `"${m}"`).join(', ')}` }), {
        error: 'must be a list of identity modes, e.g. ["access-key"]',
      })
      .min(1, { error: 'must list at least one identity mode, e.g. ["access-key"]' })
      .refine((modes) => new Set(modes).size === modes.length, { error: 'must not list a mode twice' })
      .default(['access-key']),
    /** The Redpanda side: the clusters links may use and, for roles in it, the Redpanda BYOC account R. */
    redpanda: z.strictObject(
      {
        /**
         * Account R: the Redpanda BYOC account whose roles links use as their first hop. Required when
         * `identityModes` contains `pipeline-role` (or `selfManagedRoleNames` is not empty); otherwise unused.
         */
        accountId: accountId.optional(),
        /** Redpanda cluster ids links may use; with `pipeline-role`, their pipeline roles are the ones watched and healed. */
        clusterIds: z
          .array(text(REDPANDA_CLUSTER_ID, 'a Redpanda Cloud cluster id: 20 characters of 0-9 and a-v'), {
            error: 'must be a list of Redpanda cluster ids',
          })
          .min(1, { error: 'must list at least one Redpanda cluster id' })
          .refine((ids) => new Set(ids).size === ids.length, { error: 'must not list a cluster id twice' }),
        /**
         * Roles in R that `self-managed` links use as their first hop (names, no path): RpcnAurora-RedpandaAccess
         * may read them and put the link's inline policy on them, and the IAM watch of R covers them. @default []
         */
        selfManagedRoleNames: z
          .array(text(ROLE_NAME, 'an IAM role name (no path), e.g. "connect-cdc"'), { error: 'must be a list of IAM role names' })
          .refine((names) => new Set(names).size === names.length, { error: 'must not list a role twice' })
          .default([]),
        /** Region of the RpcnAurora-RedpandaAccess stack (IAM is global; any region works). @default "us-east-1" */
        accessStackRegion: region.default('us-east-1'),
        /** Redpanda Cloud control-plane API, when not the public one. */
        controlPlaneUrl: z.url({ error: 'must be an https URL' }).optional(),
        /** Redpanda Cloud OAuth token endpoint, when not the public one. */
        authUrl: z.url({ error: 'must be an https URL' }).optional(),
      },
      { error: 'must be an object {"clusterIds", ...}' },
    ),
    /** Network for new clusters. @default {"mode": "none"} */
    network: networkSchema.default({ mode: 'none' }),
    /**
     * Existing clusters (identifiers, `*` allowed) that links may adopt with `database.create: false`. The
     * Lambdas may describe them, and run the CDC setup SQL through the Data API as their master user. Clusters
     * the links create (`rpcn-aurora-*`) need no entry. @default []
     */
    adoptableClusters: z
      .array(text(CLUSTER_PATTERN, 'an RDS cluster identifier, optionally with * wildcards'), { error: 'must be a list of cluster identifiers' })
      .default([]),
    /** How often every link is validated. @default "rate(6 hours)" */
    validateSchedule: text(SCHEDULE, 'an EventBridge schedule expression such as "rate(6 hours)" or "cron(0 */6 * * ? *)"').default('rate(6 hours)'),
    /**
     * How often the router looks for `access-key` links whose key is older than their `identity.rotateAfterDays`
     * and starts Rotate for them. @default "rate(1 day)"
     */
    rotateSchedule: text(SCHEDULE, 'an EventBridge schedule expression such as "rate(1 day)" or "cron(0 3 * * ? *)"').default('rate(1 day)'),
    /** Retention of every log group (Lambdas, state machines, VPC flow logs), in days. @default 30 */
    logRetentionDays: z
      .number({ error: 'must be a number of days' })
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), { error: `must be one of ${LOG_RETENTION_DAYS.join(', ')}` })
      .default(30),
    /** POWERTOOLS_LOG_LEVEL of every Lambda. @default "INFO" */
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR'], { error: 'must be "DEBUG", "INFO", "WARN" or "ERROR"' }).default('INFO'),
    /** SNS topics notified when the drift alarm fires (and recovers). @default [] */
    alarmTopicArns: z.array(text(SNS_TOPIC_ARN, 'an SNS topic ARN'), { error: 'must be a list of SNS topic ARNs' }).default([]),
  })
  .superRefine((c, ctx) => {
    if (c.identityModes.includes('pipeline-role') && c.redpanda.accountId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['redpanda', 'accountId'],
        message: 'is required when identityModes contains "pipeline-role": the 12-digit id of the Redpanda BYOC account that holds the pipeline roles',
      });
    }
    if (c.redpanda.selfManagedRoleNames.length > 0) {
      if (!c.identityModes.includes('self-managed')) {
        ctx.addIssue({ code: 'custom', path: ['redpanda', 'selfManagedRoleNames'], message: 'applies only when identityModes contains "self-managed"' });
      }
      if (c.redpanda.accountId === undefined) {
        ctx.addIssue({ code: 'custom', path: ['redpanda', 'accountId'], message: 'is required when redpanda.selfManagedRoleNames is not empty: the account of those roles' });
      }
    }
    if (!DATA_API_REGIONS.includes(c.dbAccount.region)) {
      ctx.addIssue({
        code: 'custom',
        path: ['dbAccount', 'region'],
        message:
          `${c.dbAccount.region} has no RDS Data API for Aurora Serverless v2 and provisioned clusters (or it is not confirmed there), and every setup and check step runs its SQL through it: ` +
          `choose one of ${DATA_API_REGIONS.join(', ')}`,
      });
    }
    if (c.network.mode === 'create') {
      c.network.availabilityZones.forEach((az, i) => {
        if (!az.startsWith(c.dbAccount.region)) {
          ctx.addIssue({ code: 'custom', path: ['network', 'availabilityZones', i], message: `must be in dbAccount.region ${c.dbAccount.region}` });
        }
      });
    }
  });

export type DeploymentConfig = z.infer<typeof deploymentConfigSchema>;
export type NetworkConfig = DeploymentConfig['network'];

/** Thrown for an invalid configuration; the message lists every bad key. */
export class DeploymentConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentConfigError';
  }
}

/** Validate a parsed configuration object; `source` names the file in the error. */
export function parseDeploymentConfig(value: unknown, source = 'deployment config'): DeploymentConfig {
  const parsed = deploymentConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    const message = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
    return `  ${key}: ${message}`;
  });
  throw new DeploymentConfigError(`${source} is invalid:\n${lines.join('\n')}`);
}

/** Read and validate a configuration file. */
export function loadDeploymentConfig(path: string): DeploymentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DeploymentConfigError(`cannot read the deployment config ${path}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DeploymentConfigError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseDeploymentConfig(value, path);
}

/** Whether the deployment serves links of this identity mode. */
export function servesMode(config: DeploymentConfig, mode: IdentityMode): boolean {
  return config.identityModes.includes(mode);
}

/**
 * The Redpanda account R when the deployment has roles to reach there (pipeline roles of `pipeline-role`
 * links, `self-managed` roles in R); undefined when it needs nothing in R (no access stack, no IAM watch of R).
 */
export function redpandaAccountInUse(config: DeploymentConfig): string | undefined {
  const needsR = servesMode(config, 'pipeline-role') || config.redpanda.selfManagedRoleNames.length > 0;
  return needsR ? config.redpanda.accountId : undefined;
}

/** The accounts the IAM-watch stacks cover: D (db-connect roles, connector users) and R when in use; one stack if they are the same. */
export function watchedAccounts(config: DeploymentConfig): string[] {
  const r = redpandaAccountInUse(config);
  return [...new Set([...(r !== undefined ? [r] : []), config.dbAccount.accountId])];
}
