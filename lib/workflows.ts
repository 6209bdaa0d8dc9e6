// The state machines of RpcnAurora-Db: one entry per ASL file in statemachines/. Each step listed here gets
// its own Lambda (lambdas/entry/<kebab-case step>.ts) with the access of lib/permissions.ts STEP_ACCESS, and
// the file's `${<Step>FunctionArn}` placeholders are substituted with those functions' ARNs. A step shared
// by two machines (RecordFailure, say) is one function invoked by both.
//
// Adding a machine is one entry here (plus STEP_ACCESS entries for its new steps). The entry named
// `Validate` is also what the IAM-change rule and the schedule of RpcnAurora-Db start (lib/stacks/db-stack.ts).
import type { StepName } from './permissions.js';

export type WorkflowName = 'Provision' | 'Validate' | 'Teardown' | 'Rotate';

export interface WorkflowSpec {
  readonly name: WorkflowName;
  /** File name in statemachines/. */
  readonly file: string;
  /** Every `${<Step>FunctionArn}` placeholder of the file, each exactly once. */
  readonly steps: readonly StepName[];
  /**
   * Machines this one runs as a nested execution (`arn:aws:states:::states:startExecution.sync:2` with
   * `"StateMachineArn": "${<Name>StateMachineArn}"`): substituted, and the rights .sync needs granted.
   */
  readonly startsWorkflows?: readonly WorkflowName[];
}

export const WORKFLOWS: readonly WorkflowSpec[] = [
  {
    name: 'Provision',
    file: 'provision.asl.json',
    steps: [
      'ValidateRequest',
      'EnsureAurora',
      'CheckAurora',
      'RunSetupSql',
      'DescribeClusterIdentity',
      'EnsureConnectorUser',
      'EnsureDbConnectRole',
      'EnsureAccessKey',
      'ApplyPipelineRolePolicy',
      'EnsureTopic',
      'EnsureRedpandaUser',
      'EnsureRedpandaSecrets',
      'EnsureEgressAllowlist',
      'CreatePipeline',
      'CheckPipeline',
      'Probe',
      'RecordLink',
      'RecordFailure',
    ],
    // onFailure "rollback" runs Teardown for the link.
    startsWorkflows: ['Teardown'],
  },
  {
    name: 'Validate',
    file: 'validate.asl.json',
    steps: ['JudgeLink', 'HealLink', 'RecordVerdict'],
  },
  {
    name: 'Teardown',
    file: 'teardown.asl.json',
    steps: [
      'BeginTeardown',
      'DeletePipeline',
      'DeleteRedpandaAccess',
      'DropDatabaseObjects',
      'RemovePipelineRolePolicy',
      'DeleteConnectorUser',
      'DeleteDbConnectRole',
      'DeleteAurora',
      'FinishTeardown',
      'RecordFailure',
    ],
  },
  {
    name: 'Rotate',
    file: 'rotate.asl.json',
    steps: ['BeginRotation', 'CreateNewKey', 'SwitchPipelineKey', 'CheckPipeline', 'Probe', 'FinishRotation', 'RestoreKey', 'RecordFailure'],
  },
];

/**
 * The Lambda the IAM-change and schedule rules invoke when a `Validate` machine exists: it picks the links and
 * starts one Validate execution per link and minute (lambdas/handlers/route-validation.ts).
 */
export const VALIDATION_ROUTER_STEP = 'RouteValidation' satisfies StepName;

/** The placeholder a step's function ARN replaces in an ASL file. */
export const functionArnPlaceholder = (step: string): string => `${step}FunctionArn`;
/** The placeholder a nested state machine's ARN replaces in an ASL file. */
export const stateMachineArnPlaceholder = (workflow: string): string => `${workflow}StateMachineArn`;

/** Every distinct step of the given workflows, in first-seen order. */
export function stepsOf(workflows: readonly WorkflowSpec[]): StepName[] {
  return [...new Set(workflows.flatMap((w) => w.steps))];
}

/** Every Lambda of the DB stack: the workflows' steps, plus the validation router when there is a Validate. */
export function functionSteps(workflows: readonly WorkflowSpec[]): StepName[] {
  const steps = stepsOf(workflows);
  return workflows.some((w) => w.name === 'Validate') ? [...steps, VALIDATION_ROUTER_STEP] : steps;
}
