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
import { stateMachineLogGroupName, stateMachineName } from '../names.js';
import { functionArnPlaceholder, type WorkflowSpec } from '../workflows.js';
import type { StepLambda } from './step-lambda.js';

export const STATEMACHINES_DIR = fileURLToPath(new URL('../../statemachines/', import.meta.url));

export interface WorkflowStateMachineProps {
  readonly spec: WorkflowSpec;
  /** The functions of (at least) the spec's steps, by step name. */
  readonly functions: ReadonlyMap<string, StepLambda>;
  readonly logRetention: RetentionDays;
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
    wildcards.add(['*'], `Log delivery and X-Ray: ${DOCUMENTED_STAR_ACTIONS['logs:CreateLogDelivery']} ${DOCUMENTED_STAR_ACTIONS['xray:PutTraceSegments']}`);
    wildcards.apply();
  }
}
