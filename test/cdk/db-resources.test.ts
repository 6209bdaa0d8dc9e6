// RpcnAurora-Db beyond the Lambdas and state machines: the registry table, the credentials secret, the
// event bus and its resource policy, the rules that start Validate and Rotate, the drift alarm, and the
// network modes.
import { Match } from 'aws-cdk-lib/assertions';
import { METRIC_NAMESPACE, VERDICT_METRIC as ADAPTER_VERDICT_METRIC } from '../../lambdas/adapters/aws/validation.js';
import { VERDICT_METRIC } from '../../lib/names.js';
import { ROTATION_SCHEDULE_MARKER, parseTrigger } from '../../lambdas/core/iam-events.js';
import { WORKFLOWS } from '../../lib/workflows.js';
import { REDPANDA_ACCOUNT, configWith, logicalIdWhere, pipelineRoleConfig, resourcesOf, synthesize, type Synthesized } from './support/synth.js';

let s: Synthesized;
let pipelineRole: Synthesized | undefined;
/** The example serving pipeline-role links too, synthesized on first use. */
const withR = (): Synthesized => (pipelineRole ??= synthesize(pipelineRoleConfig()));
beforeAll(() => {
  s = synthesize();
});
afterAll(() => {
  s.dispose();
  pipelineRole?.dispose();
});

describe('registry', () => {
  it('is on-demand, point-in-time recoverable, KMS-encrypted, keyed by name, kept on stack deletion', () => {
    s.dbTemplate.resourceCountIs('AWS::DynamoDB::Table', 1);
    s.dbTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'name', AttributeType: 'S' }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // SSEEnabled without a key: KMS with the AWS managed key aws/dynamodb.
        SSESpecification: { SSEEnabled: true },
      },
    });
  });
});

describe('Redpanda credentials secret and the shared token secret', () => {
  it('both are created empty, under names link secrets (rpcn-aurora-*) cannot match; only the credentials are retained', () => {
    const secrets = resourcesOf(s.dbTemplate, 'AWS::SecretsManager::Secret');
    expect(Object.keys(secrets).sort()).toEqual(['RedpandaCredentials', 'RedpandaTokenCache']);
    const credentials = secrets['RedpandaCredentials']!;
    expect(credentials.Properties).toEqual({ Name: 'rpcn-aurora/redpanda-cloud-credentials', Description: expect.stringContaining('client_id'), Tags: expect.any(Array) });
    expect(credentials).toMatchObject({ DeletionPolicy: 'Retain' });
    const token = secrets['RedpandaTokenCache']!;
    expect(token.Properties).toEqual({ Name: 'rpcn-aurora/redpanda-cloud-token', Description: expect.stringContaining('API token'), Tags: expect.any(Array) });
    expect(token).not.toHaveProperty('DeletionPolicy', 'Retain');
  });
});

describe('event bus', () => {
  it('is named rpcn-aurora', () => {
    s.dbTemplate.hasResourceProperties('AWS::Events::EventBus', { Name: 'rpcn-aurora' });
  });

  it.each([
    ['access-key only: D', () => s, ['111111111111']],
    ['with pipeline-role: R and D', () => withR(), [REDPANDA_ACCOUNT, '111111111111']],
  ] as const)('admits events:PutEvents only from the IAM-watch rule of each watched account (%s)', (_what, x, accounts) => {
    const t = x().dbTemplate;
    const policies = Object.values(resourcesOf(t, 'AWS::Events::EventBusPolicy')).map((r) => r.Properties!);
    const busId = logicalIdWhere(t, 'AWS::Events::EventBus', () => true);
    expect(policies).toHaveLength(accounts.length);
    for (const account of accounts) {
      expect(policies).toContainEqual({
        EventBusName: { Ref: busId },
        StatementId: `cdk-IamWatchRuleOf${account}`,
        Statement: {
          Sid: `cdk-IamWatchRuleOf${account}`,
          Action: 'events:PutEvents',
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] } },
          Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
          Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:events:us-east-1:${account}:rule/rpcn-aurora-iam-watch` } },
        },
      });
    }
  });
});

describe('what starts Validate and Rotate', () => {
  const routerId = () => logicalIdWhere(s.dbTemplate, 'AWS::Lambda::Function', (p) => p['Description'] === 'rpcn-aurora step RouteValidation');

  it('a rule on the bus for every forwarded IAM change, invoking the router with the event as is', () => {
    const busId = logicalIdWhere(s.dbTemplate, 'AWS::Events::EventBus', () => true);
    s.dbTemplate.hasResourceProperties('AWS::Events::Rule', {
      Name: 'rpcn-aurora-validate-on-iam-change',
      EventBusName: { Ref: busId },
      EventPattern: { source: ['aws.iam'], 'detail-type': ['AWS API Call via CloudTrail'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [routerId(), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
          Input: Match.absent(),
        }),
      ],
    });
  });

  it('a schedule (config validateSchedule) invoking the router with the scheduled event', () => {
    s.dbTemplate.hasResourceProperties('AWS::Events::Rule', {
      Name: 'rpcn-aurora-validate-on-schedule',
      ScheduleExpression: 'rate(6 hours)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [routerId(), 'Arn'] }, Input: Match.absent() })],
    });
  });

  it('a daily schedule (config rotateSchedule) invoking the router with the rotation marker as its input', () => {
    s.dbTemplate.hasResourceProperties('AWS::Events::Rule', {
      Name: 'rpcn-aurora-rotate-on-schedule',
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [routerId(), 'Arn'] },
          Input: JSON.stringify({ schedule: ROTATION_SCHEDULE_MARKER }),
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
    // The router reads that input as the rotation schedule, not as the validation schedule.
    expect(parseTrigger({ schedule: ROTATION_SCHEDULE_MARKER })).toEqual({ kind: 'rotation-schedule' });
    const other = synthesize(configWith({ rotateSchedule: 'cron(0 3 * * ? *)' }));
    try {
      other.dbTemplate.hasResourceProperties('AWS::Events::Rule', { Name: 'rpcn-aurora-rotate-on-schedule', ScheduleExpression: 'cron(0 3 * * ? *)' });
    } finally {
      other.dispose();
    }
  });

  it('only these three rules may invoke the router', () => {
    const permissions = Object.values(resourcesOf(s.dbTemplate, 'AWS::Lambda::Permission')).map((r) => r.Properties!);
    expect(permissions).toHaveLength(3);
    for (const p of permissions) {
      expect(p).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', FunctionName: { 'Fn::GetAtt': [routerId(), 'Arn'] } });
      expect(p['SourceArn']).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^(ValidateOnIamChange|ValidateOnSchedule|RotateOnSchedule)/), 'Arn'] });
    }
  });

  it('without a Validate machine the rules exist with no target and no router is built', () => {
    const bare = synthesize(undefined, { workflows: WORKFLOWS.filter((w) => w.name === 'Provision').map((w) => ({ ...w, startsWorkflows: [] })) });
    try {
      const rules = Object.values(resourcesOf(bare.dbTemplate, 'AWS::Events::Rule')).map((r) => r.Properties!);
      expect(rules.map((r) => r['Name']).sort()).toEqual(['rpcn-aurora-rotate-on-schedule', 'rpcn-aurora-validate-on-iam-change', 'rpcn-aurora-validate-on-schedule']);
      for (const r of rules) expect(r['Targets']).toBeUndefined();
      bare.dbTemplate.resourcePropertiesCountIs('AWS::Lambda::Function', { Description: 'rpcn-aurora step RouteValidation' }, 0);
    } finally {
      bare.dispose();
    }
  });
});

describe('drift alarm', () => {
  it('fires on any drifted verdict in 5 minutes; no data is not a breach', () => {
    s.dbTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'rpcn-aurora-link-drifted',
      Namespace: 'RpcnAurora',
      MetricName: 'LinkVerdicts',
      Dimensions: [{ Name: 'Verdict', Value: 'drifted' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('watches the metric the verdict adapter publishes', () => {
    expect(VERDICT_METRIC.namespace).toBe(METRIC_NAMESPACE);
    expect(VERDICT_METRIC.metricName).toBe(ADAPTER_VERDICT_METRIC);
  });

  it('notifies the configured SNS topics on alarm and on recovery', () => {
    const topic = 'arn:aws:sns:us-east-2:111111111111:ops';
    const withTopic = synthesize(configWith({ alarmTopicArns: [topic] }));
    try {
      withTopic.dbTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topic], OKActions: [topic] });
    } finally {
      withTopic.dispose();
    }
  });
});

describe('network for new clusters', () => {
  it('mode create: a VPC with public and isolated subnets in the named zones, no NAT, flow logs, a DB subnet group', () => {
    s.dbTemplate.resourceCountIs('AWS::EC2::VPC', 1);
    s.dbTemplate.resourceCountIs('AWS::EC2::NatGateway', 0);
    const subnets = Object.values(resourcesOf(s.dbTemplate, 'AWS::EC2::Subnet')).map((r) => r.Properties!);
    expect(subnets.map((p) => p['AvailabilityZone']).sort()).toEqual(['us-east-2a', 'us-east-2a', 'us-east-2b', 'us-east-2b']);
    expect(subnets.every((p) => p['MapPublicIpOnLaunch'] === false)).toBe(true);
    s.dbTemplate.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', ResourceType: 'VPC' });
    const group = Object.values(resourcesOf(s.dbTemplate, 'AWS::RDS::DBSubnetGroup'))[0]!.Properties!;
    expect(group['DBSubnetGroupName']).toBe('rpcn-aurora-db');
    const publicSubnets = Object.entries(resourcesOf(s.dbTemplate, 'AWS::EC2::Subnet')).filter(([id]) => id.includes('public')).map(([id]) => ({ Ref: id }));
    expect(group['SubnetIds']).toEqual(publicSubnets);
  });

  it('mode existing: the given VPC and DB subnet group, nothing created', () => {
    const existing = synthesize(configWith({ network: { mode: 'existing', vpcId: 'vpc-0abc1234def567890', dbSubnetGroupName: 'shared-db' } }));
    try {
      existing.dbTemplate.resourceCountIs('AWS::EC2::VPC', 0);
      existing.dbTemplate.resourceCountIs('AWS::RDS::DBSubnetGroup', 0);
      existing.dbTemplate.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ VPC_ID: 'vpc-0abc1234def567890', DB_SUBNET_GROUP: 'shared-db' }) },
      });
    } finally {
      existing.dispose();
    }
  });

  it('mode none: no VPC, and the Lambdas get neither VPC_ID nor DB_SUBNET_GROUP', () => {
    const none = synthesize(configWith({ network: { mode: 'none' } }));
    try {
      none.dbTemplate.resourceCountIs('AWS::EC2::VPC', 0);
      for (const fn of Object.values(resourcesOf(none.dbTemplate, 'AWS::Lambda::Function'))) {
        const variables = (fn.Properties!['Environment'] as { Variables: Record<string, unknown> }).Variables;
        expect(variables).not.toHaveProperty('VPC_ID');
        expect(variables).not.toHaveProperty('DB_SUBNET_GROUP');
      }
    } finally {
      none.dispose();
    }
  });
});

describe('outputs', () => {
  it('name what the operator needs', () => {
    const outputs = Object.keys(s.dbTemplate.toJSON()['Outputs'] as object).sort();
    expect(outputs).toEqual(
      [
        'EventBusArn',
        'LinksTableName',
        'ProvisionStateMachineArn',
        'RedpandaCredentialsSecretArn',
        'RotateStateMachineArn',
        'TeardownStateMachineArn',
        'ValidateStateMachineArn',
        'Version',
      ].sort(),
    );
  });
});
