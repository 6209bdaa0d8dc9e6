// The AWS side of every step: configuration read and validated once at cold start (failing with the
// variable's name), SDK clients at module scope, and the adapters built over them.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { rdsCaBundleFor } from '../core/rds-ca.js';
import { IamChainSimulator } from '../adapters/aws/chain-simulator.js';
import { Ec2NetworkAdapter } from '../adapters/aws/ec2.js';
import { IamRoleAdapter } from '../adapters/aws/iam.js';
import { StsPipelineRoleAccess } from '../adapters/aws/pipeline-role-access.js';
import { RdsDataSqlAdapter } from '../adapters/aws/rds-data.js';
import { RdsAuroraAdapter } from '../adapters/aws/rds.js';
import { DynamoRegistryAdapter } from '../adapters/aws/registry.js';
import { SecretsManagerAdapter } from '../adapters/aws/secrets.js';
import { CloudWatchMetrics, SfnValidationStarter } from '../adapters/aws/validation.js';
import { HEALER_ROLE_NAME } from '../adapters/aws/pipeline-role-access.js';
import { createRedpandaCloud } from '../adapters/redpanda/index.js';
import type { RedpandaCloud } from '../ports/redpanda.js';
import { DEFAULT_DEADLINES, type StepDeps } from '../handlers/shared/deps.js';
import { stepLogger } from '../handlers/shared/logger.js';

const envSchema = z.object({
  AWS_REGION: z.string().min(1),
  DB_ACCOUNT_ID: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
  REDPANDA_ACCOUNT_ID: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
  REDPANDA_CREDENTIALS_SECRET_ARN: z.string().startsWith('arn:', 'must be a Secrets Manager ARN'),
  LINKS_TABLE_NAME: z.string().min(3),
  VPC_ID: z.string().regex(/^vpc-[0-9a-f]+$/).optional(),
  DB_SUBNET_GROUP: z.string().min(1).optional(),
  REDPANDA_CONTROL_PLANE_URL: z.url().optional(),
  REDPANDA_AUTH_URL: z.url().optional(),
  VALIDATE_STATE_MACHINE_ARN: z.string().startsWith('arn:', 'must be a state machine ARN').optional(),
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

let cached: StepDeps | undefined;

/** The deps of every step, built once per execution environment. */
export function awsDeps(): StepDeps {
  if (cached) return cached;
  const env = readEnvironment();
  const region = env.AWS_REGION;
  const iam = new IAMClient({ region });
  const secrets = new SecretsManagerAdapter(new SecretsManagerClient({ region }));
  let redpanda: RedpandaCloud | undefined;
  const deps: StepDeps = {
    deployment: {
      dbAccountId: env.DB_ACCOUNT_ID,
      region,
      redpandaAccountId: env.REDPANDA_ACCOUNT_ID,
      redpandaCredentialsSecretArn: env.REDPANDA_CREDENTIALS_SECRET_ARN,
      ...(env.VPC_ID ? { vpcId: env.VPC_ID } : {}),
      ...(env.DB_SUBNET_GROUP ? { dbSubnetGroup: env.DB_SUBNET_GROUP } : {}),
    },
    aurora: new RdsAuroraAdapter(new RDSClient({ region })),
    network: new Ec2NetworkAdapter(new EC2Client({ region })),
    sql: new RdsDataSqlAdapter(new RDSDataClient({ region })),
    iam: new IamRoleAdapter(iam),
    pipelineRole: new StsPipelineRoleAccess(new STSClient({ region }), { redpandaAccountId: env.REDPANDA_ACCOUNT_ID }),
    simulator: new IamChainSimulator(iam),
    secrets,
    registry: new DynamoRegistryAdapter(DynamoDBDocumentClient.from(new DynamoDBClient({ region })), env.LINKS_TABLE_NAME),
    redpanda: async () => {
      redpanda ??= createRedpandaCloud({
        credentials: () => secrets.getRedpandaCredentials(env.REDPANDA_CREDENTIALS_SECRET_ARN),
        logger: stepLogger,
        ...(env.REDPANDA_CONTROL_PLANE_URL ? { controlPlaneUrl: env.REDPANDA_CONTROL_PLANE_URL } : {}),
        ...(env.REDPANDA_AUTH_URL ? { authUrl: env.REDPANDA_AUTH_URL } : {}),
      });
      return redpanda;
    },
    rdsCaBundle: (bundleRegion) => rdsCaBundleFor(bundleRegion, new Date()),
    validations: env.VALIDATE_STATE_MACHINE_ARN
      ? new SfnValidationStarter(new SFNClient({ region }), env.VALIDATE_STATE_MACHINE_ARN)
      : {
          startValidation: () => {
            throw new Error('invalid Lambda configuration: VALIDATE_STATE_MACHINE_ARN is not set for this function');
          },
        },
    metrics: new CloudWatchMetrics(new CloudWatchClient({ region })),
    loopGuardRoleNames: [HEALER_ROLE_NAME, ...(env.LOOP_GUARD_ROLE_NAMES?.split(',').map((n) => n.trim()).filter(Boolean) ?? [])],
    clock: () => new Date(),
    deadlines: DEFAULT_DEADLINES,
  };
  cached = deps;
  return deps;
}
