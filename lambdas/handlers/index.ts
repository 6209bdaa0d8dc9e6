// Every step of the state machines by the name its ASL placeholder uses (`${<Name>FunctionArn}`), so the
// offline twin and the CDK app build the same set.
import { makeHandler as applyPipelineRolePolicy } from './apply-pipeline-role-policy.js';
import { makeHandler as beginRotation } from './begin-rotation.js';
import { makeHandler as beginTeardown } from './begin-teardown.js';
import { makeHandler as createNewKey } from './create-new-key.js';
import { makeHandler as deleteConnectorUser } from './delete-connector-user.js';
import { makeHandler as ensureAccessKey } from './ensure-access-key.js';
import { makeHandler as ensureConnectorUser } from './ensure-connector-user.js';
import { makeHandler as ensureEgressAllowlist } from './ensure-egress-allowlist.js';
import { makeHandler as finishRotation } from './finish-rotation.js';
import { makeHandler as restoreKey } from './restore-key.js';
import { makeHandler as switchPipelineKey } from './switch-pipeline-key.js';
import { makeHandler as deleteAurora } from './delete-aurora.js';
import { makeHandler as deleteDbConnectRole } from './delete-db-connect-role.js';
import { makeHandler as deletePipeline } from './delete-pipeline.js';
import { makeHandler as deleteRedpandaAccess } from './delete-redpanda-access.js';
import { makeHandler as dropDatabaseObjects } from './drop-database-objects.js';
import { makeHandler as finishTeardown } from './finish-teardown.js';
import { makeHandler as healLink } from './heal-link.js';
import { makeHandler as judgeLink } from './judge-link.js';
import { makeHandler as recordVerdict } from './record-verdict.js';
import { makeHandler as routeValidation } from './route-validation.js';
import { makeHandler as removePipelineRolePolicy } from './remove-pipeline-role-policy.js';
import { makeHandler as checkAurora } from './check-aurora.js';
import { makeHandler as checkPipeline } from './check-pipeline.js';
import { makeHandler as createPipeline } from './create-pipeline.js';
import { makeHandler as describeClusterIdentity } from './describe-cluster-identity.js';
import { makeHandler as ensureAurora } from './ensure-aurora.js';
import { makeHandler as ensureDbConnectRole } from './ensure-db-connect-role.js';
import { makeHandler as ensureRedpandaSecrets } from './ensure-redpanda-secrets.js';
import { makeHandler as ensureRedpandaUser } from './ensure-redpanda-user.js';
import { makeHandler as ensureTopic } from './ensure-topic.js';
import { makeHandler as probe } from './probe.js';
import { makeHandler as recordFailure } from './record-failure.js';
import { makeHandler as recordLink } from './record-link.js';
import { makeHandler as runSetupSql } from './run-setup-sql.js';
import { makeHandler as validateRequest } from './validate-request.js';
import type { StepDeps } from './shared/deps.js';
import type { StepHandler } from './shared/step.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStep = (deps: StepDeps) => StepHandler<any, any>;

export const PROVISION_STEPS = {
  ValidateRequest: validateRequest,
  EnsureAurora: ensureAurora,
  CheckAurora: checkAurora,
  RunSetupSql: runSetupSql,
  DescribeClusterIdentity: describeClusterIdentity,
  EnsureConnectorUser: ensureConnectorUser,
  EnsureDbConnectRole: ensureDbConnectRole,
  EnsureAccessKey: ensureAccessKey,
  ApplyPipelineRolePolicy: applyPipelineRolePolicy,
  EnsureTopic: ensureTopic,
  EnsureRedpandaUser: ensureRedpandaUser,
  EnsureRedpandaSecrets: ensureRedpandaSecrets,
  EnsureEgressAllowlist: ensureEgressAllowlist,
  CreatePipeline: createPipeline,
  CheckPipeline: checkPipeline,
  Probe: probe,
  RecordLink: recordLink,
  RecordFailure: recordFailure,
} satisfies Record<string, AnyStep>;

export type ProvisionStepName = keyof typeof PROVISION_STEPS;

export const TEARDOWN_STEPS = {
  BeginTeardown: beginTeardown,
  DeletePipeline: deletePipeline,
  DeleteRedpandaAccess: deleteRedpandaAccess,
  DropDatabaseObjects: dropDatabaseObjects,
  RemovePipelineRolePolicy: removePipelineRolePolicy,
  DeleteConnectorUser: deleteConnectorUser,
  DeleteDbConnectRole: deleteDbConnectRole,
  DeleteAurora: deleteAurora,
  FinishTeardown: finishTeardown,
  RecordFailure: recordFailure,
} satisfies Record<string, AnyStep>;

export const VALIDATE_STEPS = {
  JudgeLink: judgeLink,
  HealLink: healLink,
  RecordVerdict: recordVerdict,
} satisfies Record<string, AnyStep>;

export const ROTATE_STEPS = {
  BeginRotation: beginRotation,
  CreateNewKey: createNewKey,
  SwitchPipelineKey: switchPipelineKey,
  CheckPipeline: checkPipeline,
  Probe: probe,
  FinishRotation: finishRotation,
  RestoreKey: restoreKey,
  RecordFailure: recordFailure,
} satisfies Record<string, AnyStep>;

/** Not a state-machine step: the target of the IAM-change and schedule rules, which starts Validate (and Rotate) executions. */
export const ROUTER = { RouteValidation: routeValidation } satisfies Record<string, AnyStep>;

/** Every Lambda, by name (shared steps such as RecordFailure appear once). */
export const ALL_STEPS = { ...PROVISION_STEPS, ...TEARDOWN_STEPS, ...VALIDATE_STEPS, ...ROTATE_STEPS, ...ROUTER } satisfies Record<string, AnyStep>;
export type StepName = keyof typeof ALL_STEPS;
