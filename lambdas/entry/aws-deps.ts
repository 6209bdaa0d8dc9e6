// The AWS side of the steps: configuration read and validated once per execution environment (failing with
// the variable's name), SDK clients at module scope, and one factory per dependency, so that each Lambda's
// entry names (and its bundle contains) only the clients its step uses.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { rdsCaBundleFor } from '../core/rds-ca.js';
import { IamChainSimulator } from '../adapters/aws/chain-simulator.js';
import { SfnExecutions } from '../adapters/aws/executions.js';
import { Ec2NetworkAdapter } from '../adapters/aws/ec2.js';
import { IamRoleAdapter } from '../adapters/aws/iam.js';
import { HEALER_ROLE_NAME, StsPipelineRoleAccess, noPipelineRoleAccess } from '../adapters/aws/pipeline-role-access.js';
import { RdsDataSqlAdapter } from '../adapters/aws/rds-data.js';
import { RdsAuroraAdapter } from '../adapters/aws/rds.js';
import { DynamoRegistryAdapter } from '../adapters/aws/registry.js';
import { SecretsManagerAdapter, SecretsManagerTokenStore } from '../adapters/aws/secrets.js';
import { CloudWatchMetrics, SfnExecutionStarter } from '../adapters/aws/validation.js';
import { createRedpandaCloud } from '../adapters/redpanda/index.js';
import type { RedpandaCloud } from '../ports/redpanda.js';
import type { RotationStarter, ValidationStarter } from '../ports/validation.js';
import { DEFAULT_DEADLINES, type StepDeps } from '../handlers/shared/deps.js';
import { stepLogger } from '../handlers/shared/logger.js';

const envSchema = z.object({
  AWS_REGION: z.string().min(1),
  DB_ACCOUNT_ID: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
  /** Set when the deployment serves links whose first hop is a role in the Redpanda account. */
  REDPANDA_ACCOUNT_ID: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id').optional(),
  REDPANDA_CREDENTIALS_SECRET_ARN: z.string().startsWith('arn:', 'must be a Secrets Manager ARN'),
  /** The secret the steps share one Redpanda Cloud API token through; without it each function mints its own. */
  REDPANDA_TOKEN_CACHE_SECRET_ARN: z.string().startsWith('arn:', 'must be a Secrets Manager ARN').optional(),
  LINKS_TABLE_NAME: z.string().min(3),
  VPC_ID: z.string().regex(/^vpc-[0-9a-f]+$/).optional(),
  DB_SUBNET_GROUP: z.string().min(1).optional(),
  REDPANDA_CONTROL_PLANE_URL: z.url().optional(),
  REDPANDA_AUTH_URL: z.url().optional(),
  VALIDATE_STATE_MACHINE_ARN: z.string().startsWith('arn:', 'must be a state machine ARN').optional(),
  ROTATE_STATE_MACHINE_ARN: z.string().startsWith('arn:', 'must be a state machine ARN').optional(),
  /** Comma-separated role names whose IAM changes are our own healing (the HealLink Lambda's role). */
  LOOP_GUARD_ROLE_NAMES: z.string().optional(),
});

export type LambdaEnvironment = z.infer<typeof envSchema>;

/** Parse the environment or throw an error naming every bad variable (a cold-start failure, not a random one). */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): LambdaEnvironment {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid Lambda configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * A value built on first use and kept for the life of the execution environment. The factories below are
 * marked pure so esbuild drops the ones (and the SDK clients) an entry does not use.
 */
function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}

const env = /* @__PURE__ */ once(() => readEnvironment());
const iamClient = /* @__PURE__ */ once(() => new IAMClient({ region: env().AWS_REGION }));
const secretsClient = /* @__PURE__ */ once(() => new SecretsManagerClient({ region: env().AWS_REGION }));
const secretsAdapter = /* @__PURE__ */ once(() => new SecretsManagerAdapter(secretsClient()));

export const deployment = /* @__PURE__ */ once<StepDeps['deployment']>(() => {
  const e = env();
  return {
    dbAccountId: e.DB_ACCOUNT_ID,
    region: e.AWS_REGION,
    ...(e.REDPANDA_ACCOUNT_ID ? { redpandaAccountId: e.REDPANDA_ACCOUNT_ID } : {}),
    redpandaCredentialsSecretArn: e.REDPANDA_CREDENTIALS_SECRET_ARN,
    ...(e.VPC_ID ? { vpcId: e.VPC_ID } : {}),
    ...(e.DB_SUBNET_GROUP ? { dbSubnetGroup: e.DB_SUBNET_GROUP } : {}),
  };
});
export const aurora = /* @__PURE__ */ once<StepDeps['aurora']>(() => new RdsAuroraAdapter(new RDSClient({ region: env().AWS_REGION })));
export const network = /* @__PURE__ */ once<StepDeps['network']>(() => new Ec2NetworkAdapter(new EC2Client({ region: env().AWS_REGION })));
export const sql = /* @__PURE__ */ once<StepDeps['sql']>(() => new RdsDataSqlAdapter(new RDSDataClient({ region: env().AWS_REGION })));
export const iam = /* @__PURE__ */ once<StepDeps['iam']>(() => new IamRoleAdapter(iamClient()));
export const pipelineRole = /* @__PURE__ */ once<StepDeps['pipelineRole']>(() => {
  const redpandaAccountId = env().REDPANDA_ACCOUNT_ID;
  // A deployment without the Redpanda account has no inspector or healer to reach: every call says so.
  return redpandaAccountId === undefined
    ? noPipelineRoleAccess('this deployment serves no Redpanda account (no RpcnAurora-RedpandaAccess stack)')
    : new StsPipelineRoleAccess(new STSClient({ region: env().AWS_REGION }), { redpandaAccountId });
});
export const simulator = /* @__PURE__ */ once<StepDeps['simulator']>(() => new IamChainSimulator(iamClient()));
export const secrets = /* @__PURE__ */ once<StepDeps['secrets']>(secretsAdapter);
export const registry = /* @__PURE__ */ once<StepDeps['registry']>(
  () => new DynamoRegistryAdapter(DynamoDBDocumentClient.from(new DynamoDBClient({ region: env().AWS_REGION })), env().LINKS_TABLE_NAME),
);
export const executions = /* @__PURE__ */ once<StepDeps['executions']>(() => new SfnExecutions(new SFNClient({ region: env().AWS_REGION })));
export const metrics = /* @__PURE__ */ once<StepDeps['metrics']>(() => new CloudWatchMetrics(new CloudWatchClient({ region: env().AWS_REGION })));
export const validations = /* @__PURE__ */ once<ValidationStarter>(() => {
  const arn = env().VALIDATE_STATE_MACHINE_ARN;
  if (!arn) throw new Error('invalid Lambda configuration: VALIDATE_STATE_MACHINE_ARN is not set for this function');
  return new SfnExecutionStarter(new SFNClient({ region: env().AWS_REGION }), arn);
});
export const rotations = /* @__PURE__ */ once<RotationStarter>(() => {
  const arn = env().ROTATE_STATE_MACHINE_ARN;
  if (!arn) throw new Error('invalid Lambda configuration: ROTATE_STATE_MACHINE_ARN is not set for this function');
  return new SfnExecutionStarter(new SFNClient({ region: env().AWS_REGION }), arn);
});
export const loopGuardRoleNames = /* @__PURE__ */ once<readonly string[]>(() => [
  HEALER_ROLE_NAME,
  ...(env().LOOP_GUARD_ROLE_NAMES?.split(',').map((n) => n.trim()).filter(Boolean) ?? []),
]);

/**
 * The Redpanda Cloud client, built on first use; it keeps its token in memory as long as the environment lives and
 * shares it with the other steps through the token cache secret.
 */
export const redpanda = /* @__PURE__ */ once<StepDeps['redpanda']>(() => {
  let cloud: RedpandaCloud | undefined;
  return async () => {
    const e = env();
    cloud ??= createRedpandaCloud({
      credentials: () => secretsAdapter().getRedpandaCredentials(e.REDPANDA_CREDENTIALS_SECRET_ARN),
      ...(e.REDPANDA_TOKEN_CACHE_SECRET_ARN ? { sharedToken: new SecretsManagerTokenStore(secretsClient(), e.REDPANDA_TOKEN_CACHE_SECRET_ARN) } : {}),
      logger: stepLogger,
      ...(e.REDPANDA_CONTROL_PLANE_URL ? { controlPlaneUrl: e.REDPANDA_CONTROL_PLANE_URL } : {}),
      ...(e.REDPANDA_AUTH_URL ? { authUrl: e.REDPANDA_AUTH_URL } : {}),
    });
    return cloud;
  };
});

export const rdsCaBundle: StepDeps['rdsCaBundle'] = (region) => rdsCaBundleFor(region, new Date());
export const clock: StepDeps['clock'] = () => new Date();
export const deadlines: StepDeps['deadlines'] = DEFAULT_DEADLINES;
