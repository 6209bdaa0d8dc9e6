// Physical names and ARNs the three kinds of stack agree on. Stacks in different accounts cannot pass
// references to each other, so everything one stack must know about another is derived here from the
// configuration. Link-level names (clusters, roles, secrets) come from lambdas/core/naming.ts.
import { CONNECTOR_USER_PATH, LINK_BOUNDARY_POLICY, NAME_PREFIX, pipelineRoleName } from '../lambdas/core/naming.js';
import { HEALER_ROLE_NAME, INSPECTOR_ROLE_NAME, REDPANDA_ACCESS_STACK_NAME } from '../lambdas/adapters/aws/pipeline-role-access.js';
import { servesMode, type DeploymentConfig } from './config.js';

export { CONNECTOR_USER_PATH, HEALER_ROLE_NAME, INSPECTOR_ROLE_NAME, LINK_BOUNDARY_POLICY, NAME_PREFIX, REDPANDA_ACCESS_STACK_NAME };

/** The only partition supported (lib/config.ts refuses other regions). */
export const PARTITION = 'aws';
/** IAM's CloudTrail events reach EventBridge only here (docs/reference/aws.md A5). */
export const IAM_EVENTS_REGION = 'us-east-1';

export const DB_STACK_NAME = 'RpcnAurora-Db';
export const iamWatchStackName = (account: string): string => `RpcnAurora-IamWatch-${account}`;

/** The event bus in D that receives the forwarded IAM events. */
export const EVENT_BUS_NAME = 'rpcn-aurora';
/** The IAM-watch rule in each watched account (us-east-1, default bus). */
export const IAM_WATCH_RULE_NAME = 'rpcn-aurora-iam-watch';
/** The Redpanda Cloud client credentials secret (its name has no `-` after the prefix: link secrets are `rpcn-aurora-*`). */
export const CREDENTIALS_SECRET_NAME = 'rpcn-aurora/redpanda-cloud-credentials';
/** The secret the steps share one Redpanda Cloud API token through (also outside the link secrets' `rpcn-aurora-*`). */
export const TOKEN_CACHE_SECRET_NAME = 'rpcn-aurora/redpanda-cloud-token';
/** DB subnet group created when `network.mode` is `create`. */
export const CREATED_DB_SUBNET_GROUP_NAME = 'rpcn-aurora-db';
/** CloudWatch metric of Validate's verdicts; the drift alarm watches `Verdict=drifted`. */
export const VERDICT_METRIC = { namespace: 'RpcnAurora', metricName: 'LinkVerdicts', dimension: 'Verdict', drifted: 'drifted' } as const;

/**
 * IAM role of a step's Lambda. The `.` keeps these names out of the `rpcn-aurora-*` namespace of link
 * resources (link names cannot contain dots), so no link-scoped grant can ever reach a Lambda role; the
 * names are fixed because the access stack in R must name them in its trust policies.
 */
export const lambdaRoleName = (step: string): string => `rpcn-aurora.${kebab(step)}`;
/** Prefix of every Lambda role's session ARN in D (the IAM watch of D ignores our own writes). */
export const lambdaSessionPrefix = (account: string): string => `arn:${PARTITION}:sts::${account}:assumed-role/rpcn-aurora.`;
/** Name of a state machine; fixed so operators can address it and steps may start it without a reference cycle. */
export const stateMachineName = (workflow: string): string => `${NAME_PREFIX}${kebab(workflow)}`;
export const lambdaLogGroupName = (step: string): string => `/rpcn-aurora/lambda/${kebab(step)}`;
export const stateMachineLogGroupName = (workflow: string): string => `/aws/vendedlogs/states/${stateMachineName(workflow)}`;

/** `EnsureDbConnectRole` → `ensure-db-connect-role` (also the file name of the step's Lambda entry). */
export function kebab(pascal: string): string {
  return pascal.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

export const roleArn = (account: string, name: string): string => `arn:${PARTITION}:iam::${account}:role/${name}`;
export const eventBusArn = (config: DeploymentConfig): string =>
  `arn:${PARTITION}:events:${config.dbAccount.region}:${config.dbAccount.accountId}:event-bus/${EVENT_BUS_NAME}`;
export const iamWatchRuleArn = (account: string): string => `arn:${PARTITION}:events:${IAM_EVENTS_REGION}:${account}:rule/${IAM_WATCH_RULE_NAME}`;
export const stateMachineArn = (config: DeploymentConfig, workflow: string): string =>
  `arn:${PARTITION}:states:${config.dbAccount.region}:${config.dbAccount.accountId}:stateMachine:${stateMachineName(workflow)}`;

/** The Redpanda-managed pipeline roles of the configured clusters (in R). */
export const pipelineRoleNames = (config: DeploymentConfig): string[] => config.redpanda.clusterIds.map(pipelineRoleName);

/**
 * The roles in R the access stack may read and put our inline policy on, and the IAM watch of R covers: the
 * pipeline roles when the deployment serves `pipeline-role`, plus the configured `self-managed` roles in R.
 */
export const redpandaRoleNames = (config: DeploymentConfig): string[] => [
  ...(servesMode(config, 'pipeline-role') ? pipelineRoleNames(config) : []),
  ...config.redpanda.selfManagedRoleNames,
];

/** The db-connect roles links create in D: `rpcn-aurora-<link>-db-connect` (lambdas/core/naming.ts). */
export const DB_CONNECT_ROLE_PATTERN = `${NAME_PREFIX}*-db-connect`;
/** The connector users `access-key` links create in D: `rpcn-aurora-<link>-connector`, under CONNECTOR_USER_PATH. */
export const CONNECTOR_USER_PATTERN = `${NAME_PREFIX}*-connector`;
