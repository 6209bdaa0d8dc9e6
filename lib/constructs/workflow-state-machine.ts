// One state machine that owns its ASL file (statemachines/<file>): DefinitionBody.fromFile with each
// `${<Step>FunctionArn}` substituted by that step's function, invoke rights on exactly those functions,
// logging of level ALL (execution data excluded: it may hold names and ARNs, never needed in logs) and
// X-Ray tracing.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DOCUMENTED_STAR_ACTIONS } from '../permissions.js';
import { WildcardAcknowledgements } from '../nag.js';
import { PARTITION, stateMachineLogGroupName, stateMachineName } from '../names.js';
import { functionArnPlaceholder, stateMachineArnPlaceholder, type WorkflowSpec } from '../workflows.js';
import type { StepLambda } from './step-lambda.js';

export const STATEMACHINES_DIR = fileURLToPath(new URL('../../statemachines/', import.meta.url));

export interface WorkflowStateMachineProps {
  readonly spec: WorkflowSpec;
  /** The functions of (at least) the spec's steps, by step name. */
  readonly functions: ReadonlyMap<string, StepLambda>;
  readonly logRetention: RetentionDays;
  /** Account and region of the stack, for the ARNs of nested machines (fixed names, so no reference cycle). */
  readonly account: string;
  readonly region: string;
}

export class WorkflowStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: LogGroup;
  /** Placeholder → value, as given to definitionSubstitutions. */
  readonly substitutions: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: WorkflowStateMachineProps) {
    super(scope, id);
    const { spec } = props;
    const file = `${STATEMACHINES_DIR}${spec.file}`;
    if (!existsSync(file)) throw new Error(`workflow ${spec.name}: no ASL file ${file}`);

    const substitutions: Record<string, string> = {};
    const functions = spec.steps.map((step) => {
      const fn = props.functions.get(step);
      if (!fn) throw new Error(`workflow ${spec.name}: no function for step ${step}`);
      substitutions[functionArnPlaceholder(step)] = fn.function.functionArn;
      return fn;
    });
    const nested = (spec.startsWorkflows ?? []).map((workflow) => {
      const name = stateMachineName(workflow);
      const arn = `arn:${PARTITION}:states:${props.region}:${props.account}:stateMachine:${name}`;
      substitutions[stateMachineArnPlaceholder(workflow)] = arn;
      return { arn, executions: `arn:${PARTITION}:states:${props.region}:${props.account}:execution:${name}:*` };
    });
    this.substitutions = substitutions;

    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: stateMachineLogGroupName(spec.name),
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: stateMachineName(spec.name),
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(file),
      definitionSubstitutions: substitutions,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    // The ASL invokes function ARNs directly (no versions or aliases), so the unqualified ARNs are enough;
    // grantInvoke would add `<arn>:*`.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: functions.map((f) => f.function.functionArn) }),
    );

    const wildcards = new WildcardAcknowledgements(this);
    // startExecution.sync:2 (Step Functions developer guide, "IAM policies for ... Step Functions"): start the
    // child, follow and stop its executions, and the managed rule Step Functions uses to learn it finished.
    for (const child of nested) {
      this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [child.arn] }));
      this.stateMachine.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [child.executions] }),
      );
      wildcards.add([child.executions], 'execution names of the nested state machine are chosen per execution');
    }
    if (nested.length > 0) {
      this.stateMachine.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
          resources: [`arn:${PARTITION}:events:${props.region}:${props.account}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`],
        }),
      );
    }
    wildcards.add(['*'], `Log delivery and X-Ray: ${DOCUMENTED_STAR_ACTIONS['logs:CreateLogDelivery']} ${DOCUMENTED_STAR_ACTIONS['xray:PutTraceSegments']}`);
    wildcards.apply();
  }
}
