// RpcnAurora-Db, in the DB account D and the DB region (docs/architecture.md#deployment-topology): the step Lambdas and the state
// machines of lib/workflows.ts, the registry table, the Redpanda credentials secret, the permissions boundary
// of every user and role a link creates, the `rpcn-aurora` event bus that receives the IAM-watch events of D
// (and R), the rules that start Validate and Rotate, the drift alarm, and (config `network`) where new
// clusters go.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { linkBoundaryPolicy } from '../../lambdas/core/iam.js';
import { ROTATION_SCHEDULE_MARKER } from '../../lambdas/core/iam-events.js';
import { redpandaAccountInUse, watchedAccounts, type DeploymentConfig } from '../config.js';
import { LinkNetwork } from '../constructs/network.js';
import { StepLambda } from '../constructs/step-lambda.js';
import { WorkflowStateMachine } from '../constructs/workflow-state-machine.js';
import { acknowledge } from '../nag.js';
import {
  CREDENTIALS_SECRET_NAME,
  TOKEN_CACHE_SECRET_NAME,
  DB_CONNECT_ROLE_PATTERN,
  EVENT_BUS_NAME,
  IAM_WATCH_RULE_NAME,
  LINK_BOUNDARY_POLICY,
  PARTITION,
  VERDICT_METRIC,
  iamWatchRuleArn,
} from '../names.js';
import { STEP_ACCESS, type AccessContext, type StepAccess, type StepName } from '../permissions.js';
import { VALIDATION_ROUTER_STEP, stepsOf, type WorkflowName, type WorkflowSpec } from '../workflows.js';

export interface DbStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly workflows: readonly WorkflowSpec[];
}

export class DbStack extends Stack {
  readonly table: dynamodb.Table;
  readonly credentialsSecret: secretsmanager.CfnSecret;
  readonly tokenCacheSecret: secretsmanager.CfnSecret;
  readonly bus: events.EventBus;
  readonly network: LinkNetwork;
  readonly functions: ReadonlyMap<string, StepLambda>;
  readonly workflows: ReadonlyMap<WorkflowName, WorkflowStateMachine>;
  /** The RouteValidation Lambda both rules invoke; undefined without a Validate machine. */
  readonly validationRouter: StepLambda | undefined;
  /** Validates the links an IAM change forwarded by the IAM-watch stacks may affect. */
  readonly validateOnIamChange: events.Rule;
  /** Validates every link on config `validateSchedule`. */
  readonly validateOnSchedule: events.Rule;
  /** Starts Rotate for the `access-key` links whose key is due, on config `rotateSchedule`. */
  readonly rotateOnSchedule: events.Rule;
  /** `rpcn-aurora-link-boundary`: the most any user or role a link creates can do (the create grants require it). */
  readonly linkBoundary: iam.ManagedPolicy;
  readonly driftAlarm: cloudwatch.Alarm;
  private readonly configuredZones: readonly string[] | undefined;

  constructor(scope: Construct, id: string, props: DbStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.configuredZones = config.network.mode === 'create' ? config.network.availabilityZones : undefined;
    const logRetention = config.logRetentionDays as RetentionDays;

    // ---- registry
    this.table = new dynamodb.Table(this, 'Links', {
      partitionKey: { name: 'name', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // The ownership ledger teardown trusts: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // ---- Redpanda Cloud client credentials: created empty (no SecretString, no GenerateSecretString), the value
    // is put by the operator (docs/deploy.md) and never appears in code, templates or state.
    this.credentialsSecret = new secretsmanager.CfnSecret(this, 'RedpandaCredentials', {
      name: CREDENTIALS_SECRET_NAME,
      description: 'rpcn-aurora: Redpanda Cloud API client credentials {"client_id": "...", "client_secret": "..."}, set by the operator',
    });
    this.credentialsSecret.applyRemovalPolicy(RemovalPolicy.RETAIN);
    acknowledge(
      this.credentialsSecret,
      'SMG4',
      'A Redpanda Cloud service account credential, issued and rotated in Redpanda Cloud; Secrets Manager cannot rotate it. The operator puts the new value (docs/deploy.md).',
    );

    // ---- the Redpanda Cloud API token the steps share (the token endpoint has a daily quota per organization):
    // created empty, written by the steps that mint, read and written only by the roles that read the credentials.
    // Encrypted at rest like every secret; a replaceable cache, so deleted with the stack.
    this.tokenCacheSecret = new secretsmanager.CfnSecret(this, 'RedpandaTokenCache', {
      name: TOKEN_CACHE_SECRET_NAME,
      description: 'rpcn-aurora: the Redpanda Cloud API token the steps share until shortly before it expires (written by the steps)',
    });
    acknowledge(
      this.tokenCacheSecret,
      'SMG4',
      'A short-lived OAuth access token (about an hour) that the steps replace before it expires; there is nothing for Secrets Manager to rotate.',
    );

    this.network = new LinkNetwork(this, 'Network', { network: config.network, logRetention });

    // ---- the permissions boundary of the links' users and roles; its name is fixed because the step grants
    // (lib/permissions.ts) require exactly this ARN in iam:PermissionsBoundary.
    this.linkBoundary = new iam.ManagedPolicy(this, 'LinkBoundary', {
      managedPolicyName: LINK_BOUNDARY_POLICY,
      description: "rpcn-aurora: permissions boundary of every IAM user and role a link creates (connector users, db-connect roles)",
      document: iam.PolicyDocument.fromJson(linkBoundaryPolicy({ dbAccountId: config.dbAccount.accountId, region: config.dbAccount.region }, PARTITION)),
    });
    acknowledge(
      this.linkBoundary,
      `IAM5[Resource::arn:${PARTITION}:rds-db:${config.dbAccount.region}:${config.dbAccount.accountId}:dbuser:*/*]`,
      "A boundary is a ceiling, not a grant: any link's database user, whose cluster resource id is known only per link; each db-connect role's own policy names exactly one dbuser.",
    );
    acknowledge(
      this.linkBoundary,
      `IAM5[Resource::arn:${PARTITION}:iam::${config.dbAccount.accountId}:role/${DB_CONNECT_ROLE_PATTERN}]`,
      "A boundary is a ceiling, not a grant: the links' db-connect roles, the middle of the name being the link name; each connector user's own policy names its link's role.",
    );

    // ---- step Lambdas
    const accessContext: AccessContext = {
      config,
      account: config.dbAccount.accountId,
      region: config.dbAccount.region,
      tableArn: this.table.tableArn,
      credentialsSecretArn: this.credentialsSecret.ref,
      tokenCacheSecretArn: this.tokenCacheSecret.ref,
      ...(this.network.vpcId !== undefined && { vpcId: this.network.vpcId }),
      ...(this.network.dbSubnetGroupName !== undefined && { dbSubnetGroup: this.network.dbSubnetGroupName }),
    };
    const redpandaAccount = redpandaAccountInUse(config);
    const environment: Record<string, string> = {
      DB_ACCOUNT_ID: config.dbAccount.accountId,
      // Only when RpcnAurora-RedpandaAccess exists: without it, the steps report the R side as unavailable.
      ...(redpandaAccount !== undefined && { REDPANDA_ACCOUNT_ID: redpandaAccount }),
      REDPANDA_CREDENTIALS_SECRET_ARN: this.credentialsSecret.ref,
      REDPANDA_TOKEN_CACHE_SECRET_ARN: this.tokenCacheSecret.ref,
      LINKS_TABLE_NAME: this.table.tableName,
      ...(this.network.vpcId !== undefined && { VPC_ID: this.network.vpcId }),
      ...(this.network.dbSubnetGroupName !== undefined && { DB_SUBNET_GROUP: this.network.dbSubnetGroupName }),
      ...(config.redpanda.controlPlaneUrl !== undefined && { REDPANDA_CONTROL_PLANE_URL: config.redpanda.controlPlaneUrl }),
      ...(config.redpanda.authUrl !== undefined && { REDPANDA_AUTH_URL: config.redpanda.authUrl }),
      POWERTOOLS_SERVICE_NAME: 'rpcn-aurora',
      POWERTOOLS_LOG_LEVEL: config.logLevel,
    };
    const functions = new Map<string, StepLambda>();
    const addFunction = (step: StepName): StepLambda => {
      const access: StepAccess = STEP_ACCESS[step];
      const fn = new StepLambda(this, step, {
        step,
        access,
        accessContext,
        environment: { ...environment, ...access.environment?.(accessContext) },
        logRetention,
      });
      functions.set(step, fn);
      return fn;
    };
    for (const step of stepsOf(props.workflows)) addFunction(step);
    const hasValidate = props.workflows.some((w) => w.name === 'Validate');
    /** Starts Validate executions for the rules below (only with a Validate machine). */
    this.validationRouter = hasValidate ? addFunction(VALIDATION_ROUTER_STEP) : undefined;
    this.functions = functions;

    // ---- state machines
    const workflows = new Map<WorkflowName, WorkflowStateMachine>();
    for (const spec of props.workflows) {
      const machine = new WorkflowStateMachine(this, spec.name, {
        spec,
        functions,
        logRetention,
        account: config.dbAccount.accountId,
        region: config.dbAccount.region,
      });
      workflows.set(spec.name, machine);
      new CfnOutput(this, `${spec.name}StateMachineArn`, { value: machine.stateMachine.stateMachineArn, description: `${spec.name} state machine` });
    }
    this.workflows = workflows;

    // ---- the bus the IAM-watch rules of D (and R) forward to; only those rules may put events on it
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: EVENT_BUS_NAME,
      description: 'rpcn-aurora: IAM changes of the watched roles and users, forwarded from us-east-1 of the watched accounts',
    });
    for (const account of watchedAccounts(config)) {
      this.bus.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `IamWatchRuleOf${account}`,
          principals: [new iam.AccountPrincipal(account)],
          actions: ['events:PutEvents'],
          resources: [this.bus.eventBusArn],
          conditions: { ArnEquals: { 'aws:SourceArn': iamWatchRuleArn(account) } },
        }),
      );
    }

    // ---- what starts Validate: both rules invoke the router, which picks the links and starts one Validate
    // execution per link and minute (bursts collapse). The rules exist without a Validate machine, idle.
    this.validateOnIamChange = new events.Rule(this, 'ValidateOnIamChange', {
      ruleName: 'rpcn-aurora-validate-on-iam-change',
      description: `rpcn-aurora: validate the links an IAM change forwarded by the ${IAM_WATCH_RULE_NAME} rules may affect`,
      eventBus: this.bus,
      eventPattern: { source: ['aws.iam'], detailType: ['AWS API Call via CloudTrail'] },
    });
    this.validateOnSchedule = new events.Rule(this, 'ValidateOnSchedule', {
      ruleName: 'rpcn-aurora-validate-on-schedule',
      description: `rpcn-aurora: validate every link (${config.validateSchedule})`,
      schedule: events.Schedule.expression(config.validateSchedule),
    });
    // A plain schedule event looks like validateOnSchedule's, so this rule sends a constant input the router
    // recognises as the rotation schedule (lambdas/core/iam-events.ts parseTrigger).
    this.rotateOnSchedule = new events.Rule(this, 'RotateOnSchedule', {
      ruleName: 'rpcn-aurora-rotate-on-schedule',
      description: `rpcn-aurora: rotate the access keys of the access-key links whose key is older than their identity.rotateAfterDays (${config.rotateSchedule})`,
      schedule: events.Schedule.expression(config.rotateSchedule),
    });
    if (this.validationRouter) {
      // The router gets the events as they are (CloudTrail event, or the "Scheduled Event").
      const target = new targets.LambdaFunction(this.validationRouter.function, { retryAttempts: 8, maxEventAge: Duration.hours(2) });
      this.validateOnIamChange.addTarget(target);
      this.validateOnSchedule.addTarget(target);
      if (props.workflows.some((w) => w.name === 'Rotate')) {
        this.rotateOnSchedule.addTarget(
          new targets.LambdaFunction(this.validationRouter.function, {
            event: events.RuleTargetInput.fromObject({ schedule: ROTATION_SCHEDULE_MARKER }),
            retryAttempts: 8,
            maxEventAge: Duration.hours(2),
          }),
        );
      }
    }

    // ---- drift alarm on Validate's verdict metric
    this.driftAlarm = new cloudwatch.Alarm(this, 'DriftAlarm', {
      alarmName: 'rpcn-aurora-link-drifted',
      alarmDescription: 'rpcn-aurora: Validate found at least one link drifted (its record in the registry says what and how to fix it)',
      metric: new cloudwatch.Metric({
        namespace: VERDICT_METRIC.namespace,
        metricName: VERDICT_METRIC.metricName,
        dimensionsMap: { [VERDICT_METRIC.dimension]: VERDICT_METRIC.drifted },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    config.alarmTopicArns.forEach((arn, i) => {
      const action = new cloudwatchActions.SnsAction(sns.Topic.fromTopicArn(this, `AlarmTopic${i}`, arn));
      this.driftAlarm.addAlarmAction(action);
      this.driftAlarm.addOkAction(action);
    });

    new CfnOutput(this, 'LinksTableName', { value: this.table.tableName, description: 'Registry of links (DynamoDB, key "name")' });
    new CfnOutput(this, 'RedpandaCredentialsSecretArn', { value: this.credentialsSecret.ref, description: 'Put {"client_id","client_secret"} here' });
    new CfnOutput(this, 'EventBusArn', { value: this.bus.eventBusArn, description: 'Receives the IAM-watch events' });
  }

  /** The configured zones, so that no availability-zone lookup (and no credential) is needed at synth. */
  override get availabilityZones(): string[] {
    return this.configuredZones ? [...this.configuredZones] : super.availabilityZones;
  }
}
