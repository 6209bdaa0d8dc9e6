// What steps are built from: the deployment's facts and the ports. Lambda entry points (lambdas/entry/)
// build these from environment variables and AWS adapters; the offline twin (local/) from local adapters.
import type { AuroraPort, NetworkPort } from '../../ports/aurora.js';
import type { ExecutionsPort } from '../../ports/executions.js';
import type { ChainSimulator, IamPort, PipelineRoleAccess } from '../../ports/iam.js';
import type { RedpandaCloud } from '../../ports/redpanda.js';
import type { RegistryPort } from '../../ports/registry.js';
import type { SecretsPort } from '../../ports/secrets.js';
import type { SqlPort } from '../../ports/sql.js';
import type { MetricsPort, RotationStarter, ValidationStarter } from '../../ports/validation.js';

export interface Deployment {
  /** The account this product is deployed in (the DB account). */
  readonly dbAccountId: string;
  readonly region: string;
  /**
   * The Redpanda BYOC account this deployment's access and watch stacks cover; undefined when the deployment
   * serves only identity modes that need nothing there (`access-key`, `self-managed` roles elsewhere).
   */
  readonly redpandaAccountId?: string;
  /** Secrets Manager ARN of the operator-set Redpanda Cloud client credentials. */
  readonly redpandaCredentialsSecretArn: string;
  /** VPC for the security groups of new clusters. */
  readonly vpcId?: string;
  /** DB subnet group for new clusters. */
  readonly dbSubnetGroup?: string;
}

/** How long the wait loops may take before a step fails with DeadlineExceededError. */
export interface Deadlines {
  readonly auroraAvailableMs: number;
  readonly clusterIdentityMs: number;
  readonly pipelineRunningMs: number;
  readonly probeMs: number;
  /** Teardown: how long, from the first refusal, to wait for a deleted cluster's network interfaces to release its security group. */
  readonly securityGroupReleaseMs: number;
}

export const DEFAULT_DEADLINES: Deadlines = {
  auroraAvailableMs: 45 * 60_000,
  clusterIdentityMs: 10 * 60_000,
  pipelineRunningMs: 10 * 60_000,
  probeMs: 5 * 60_000,
  securityGroupReleaseMs: 20 * 60_000,
};

export interface StepDeps {
  readonly deployment: Deployment;
  readonly aurora: AuroraPort;
  readonly network: NetworkPort;
  readonly sql: SqlPort;
  readonly iam: IamPort;
  readonly pipelineRole: PipelineRoleAccess;
  readonly simulator: ChainSimulator;
  readonly secrets: SecretsPort;
  readonly registry: RegistryPort;
  /** Whether the execution holding a link's lock still runs. */
  readonly executions: ExecutionsPort;
  /** The Redpanda Cloud client, built on first use with the credentials from Secrets Manager. */
  readonly redpanda: () => Promise<RedpandaCloud>;
  /** The RDS CA bundle (PEM) Redpanda Connect verifies Aurora's certificate with. */
  readonly rdsCaBundle: (region: string) => string;
  readonly validations: ValidationStarter;
  readonly rotations: RotationStarter;
  readonly metrics: MetricsPort;
  /** Role names whose IAM changes are our own healing, ignored by the router (the loop guard). */
  readonly loopGuardRoleNames: readonly string[];
  readonly clock: () => Date;
  readonly deadlines: Deadlines;
}
