// The state machines of RpcnAurora-Db: one entry per ASL file in statemachines/. Each step listed here gets
// its own Lambda (lambdas/entry/<kebab-case step>.ts) with the access of lib/permissions.ts STEP_ACCESS, and
// the file's `${<Step>FunctionArn}` placeholders are substituted with those functions' ARNs. A step shared
// by two machines (RecordFailure, say) is one function invoked by both.
//
// Adding a machine is one entry here (plus STEP_ACCESS entries for its new steps). The entry named
// `Validate` is also what the IAM-change rule and the schedule of RpcnAurora-Db start (lib/stacks/db-stack.ts).
import type { StepName } from './permissions.js';

export type WorkflowName = 'Provision' | 'Validate' | 'Teardown';

export interface WorkflowSpec {
  readonly name: WorkflowName;
  /** File name in statemachines/. */
  readonly file: string;
  /** Every `${<Step>FunctionArn}` placeholder of the file, each exactly once. */
  readonly steps: readonly StepName[];
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
      'EnsureDbConnectRole',
      'ApplyPipelineRolePolicy',
      'EnsureTopic',
      'EnsureRedpandaUser',
      'EnsureRedpandaSecrets',
      'CreatePipeline',
      'CheckPipeline',
      'Probe',
      'RecordLink',
      'RecordFailure',
    ],
  },
];

/** The placeholder a step's function ARN replaces in an ASL file. */
export const functionArnPlaceholder = (step: string): string => `${step}FunctionArn`;

/** Every distinct step of the given workflows, in first-seen order. */
export function stepsOf(workflows: readonly WorkflowSpec[]): StepName[] {
  return [...new Set(workflows.flatMap((w) => w.steps))];
}
