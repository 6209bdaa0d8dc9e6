// The house Lambda: one per state-machine step, with its own role holding exactly the step's grants
// (lib/permissions.ts). Node.js 22 on arm64, bundled by the project's own esbuild (no Docker) into one
// minified ESM file with source maps and the AWS SDK v3 inside (so the SDK version is the lockfile's,
// not whatever the runtime ships), an explicit log group with retention, X-Ray tracing on.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DOCUMENTED_STAR_ACTIONS, type AccessContext, type StepAccess } from '../permissions.js';
import { acknowledge, WildcardAcknowledgements } from '../nag.js';
import { kebab, lambdaLogGroupName, lambdaRoleName } from '../names.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The Lambda entry of a step: `lambdas/entry/<kebab-case step>.ts`, exporting `handler`. */
export function stepEntry(step: string): string {
  return `${PROJECT_ROOT}lambdas/entry/${kebab(step)}.ts`;
}

/** esbuild settings of every step bundle (exported for the bundle test). */
export const BUNDLING = {
  minify: true,
  sourceMap: true,
  // Stack traces map back through the .map file; the sources themselves need not ship.
  sourcesContent: false,
  // Error classes take their `name` from the class (lambdas/core/errors.ts), and the state machines retry and
  // catch by that name: minification must not rename classes.
  keepNames: true,
  target: 'node22',
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
  // Bundle everything, the AWS SDK included (its version is pinned by package-lock.json).
  externalModules: [],
} as const satisfies NodejsFunctionProps['bundling'];

export interface StepLambdaProps {
  readonly step: string;
  readonly access: StepAccess;
  readonly accessContext: AccessContext;
  /** Environment every step reads (lambdas/entry/aws-deps.ts). */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: RetentionDays;
  /** Overrides of the house defaults. */
  readonly functionProps?: Partial<NodejsFunctionProps>;
}

export class StepLambda extends Construct {
  readonly step: string;
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: StepLambdaProps) {
    super(scope, id);
    this.step = props.step;
    const entry = stepEntry(props.step);
    if (!existsSync(entry)) throw new Error(`step ${props.step}: no Lambda entry at ${entry} (lambdas/entry/<kebab-case step>.ts exporting handler)`);

    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: lambdaLogGroupName(props.step),
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const wildcards = new WildcardAcknowledgements(this);
    this.role = new iam.Role(this, 'Role', {
      roleName: lambdaRoleName(props.step),
      description: `rpcn-aurora step ${props.step}: exactly the grants of lib/permissions.ts STEP_ACCESS.${props.step}`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    // Written to the explicit log group only (no AWSLambdaBasicExecutionRole: it would allow every log group).
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );
    for (const grant of props.access.grants) {
      for (const s of grant.statements(props.accessContext)) {
        this.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: [...s.actions],
            resources: [...s.resources],
            ...(s.conditions ? { conditions: definedEntries(s.conditions) } : {}),
          }),
        );
        wildcards.add(s.resources, s.wildcardReason && `${grant.id}: ${s.wildcardReason}`, s.actions);
      }
    }
    // Active tracing makes CDK add xray:PutTraceSegments/PutTelemetryRecords on "*".
    wildcards.add(['*'], `X-Ray: ${DOCUMENTED_STAR_ACTIONS['xray:PutTraceSegments']}`);
    wildcards.apply();

    this.function = new NodejsFunction(this, 'Function', {
      description: `rpcn-aurora step ${props.step}`,
      entry,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(props.access.timeoutSeconds ?? 60),
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: { ...BUNDLING, mainFields: [...BUNDLING.mainFields], externalModules: [...BUNDLING.externalModules] },
      ...props.functionProps,
    });
    acknowledge(
      this.function,
      'L1',
      'nodejs22.x is the chosen runtime (supported until 2027-04-30, the Node version the project builds and tests with); moving to nodejs24.x is a one-line change here.',
    );
  }
}

function definedEntries<T>(record: Readonly<Record<string, T | undefined>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter((e): e is [string, T] => e[1] !== undefined));
}
