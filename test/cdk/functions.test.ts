// The step Lambdas of RpcnAurora-Db: one house-built function and one role per step, with the runtime,
// architecture, environment and exactly the statements lib/permissions.ts gives the step.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { readEnvironment } from '../../lambdas/entry/aws-deps.js';
import { stepEntry } from '../../lib/constructs/step-lambda.js';
import { ALL_STEPS } from '../../lambdas/handlers/index.js';
import { HEALER_ROLE_NAME, INSPECTOR_ROLE_NAME, kebab, lambdaLogGroupName, lambdaRoleName } from '../../lib/names.js';
import { GRANTS, STEP_ACCESS, type AccessContext, type Grant, type StepName } from '../../lib/permissions.js';
import { WORKFLOWS, functionSteps } from '../../lib/workflows.js';
import { REDPANDA_ACCOUNT, asList, configWith, logicalIdWhere, pipelineRoleConfig, resourcesOf, roleStatements, synthesize, type Statement, type Synthesized } from './support/synth.js';

const STEPS = functionSteps(WORKFLOWS);

let s: Synthesized;
let pipelineRole: Synthesized | undefined;
/** The example serving pipeline-role links too (stacks in R), synthesized on first use. */
const withR = (): Synthesized => (pipelineRole ??= synthesize(pipelineRoleConfig()));
beforeAll(() => {
  s = synthesize();
});
afterAll(() => {
  s.dispose();
  pipelineRole?.dispose();
});

const functionIdOf = (t: Template, step: string) => logicalIdWhere(t, 'AWS::Lambda::Function', (p) => p['Description'] === `rpcn-aurora step ${step}`);
const roleIdOf = (t: Template, step: string) => logicalIdWhere(t, 'AWS::IAM::Role', (p) => p['RoleName'] === lambdaRoleName(step));
const propsOf = (t: Template, id: string) => resourcesOf(t)[id]!.Properties!;
const actionsOf = (statements: readonly Statement[]) => new Set(statements.flatMap((st) => asList(st.Action)));
const statementsWith = (statements: readonly Statement[], action: string) => statements.filter((st) => asList(st.Action).includes(action));

/** A context with the same shape as the stack's (strings where the stack has tokens). */
function contextFor(config: Synthesized['config']): AccessContext {
  return {
    config,
    account: config.dbAccount.accountId,
    region: config.dbAccount.region,
    tableArn: 'table',
    credentialsSecretArn: 'secret',
    tokenCacheSecretArn: 'token-secret',
    ...(config.network.mode !== 'none' ? { vpcId: 'vpc-0123456789abcdef0', dbSubnetGroup: 'group' } : {}),
  };
}

/** What the Lambda reads at cold start, with the stack's tokens replaced by plausible values. */
function resolvedEnvironment(variables: Record<string, unknown>, region: string): Record<string, string> {
  const plausible: Record<string, string> = {
    REDPANDA_CREDENTIALS_SECRET_ARN: `arn:aws:secretsmanager:${region}:111111111111:secret:rpcn-aurora/redpanda-cloud-credentials-AbCdEf`,
    REDPANDA_TOKEN_CACHE_SECRET_ARN: `arn:aws:secretsmanager:${region}:111111111111:secret:rpcn-aurora/redpanda-cloud-token-GhIjKl`,
    LINKS_TABLE_NAME: 'RpcnAurora-Db-Links5AE26E87-ABC',
    VPC_ID: 'vpc-0123456789abcdef0',
    DB_SUBNET_GROUP: 'rpcn-aurora-db',
  };
  return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : (plausible[k] ?? `unresolved ${k}`)]));
}

describe('step Lambdas', () => {
  it('builds exactly one function per step, and every step of lambdas/handlers has one', () => {
    const descriptions = Object.values(resourcesOf(s.dbTemplate, 'AWS::Lambda::Function')).map((r) => r.Properties?.['Description']);
    expect(descriptions.sort()).toEqual(STEPS.map((step) => `rpcn-aurora step ${step}`).sort());
    expect(Object.keys(ALL_STEPS).sort()).toEqual([...STEPS].sort());
    expect(Object.keys(STEP_ACCESS).sort()).toEqual([...STEPS].sort());
  });

  it.each(STEPS)('%s: nodejs22.x on arm64, traced, logging to its own log group', (step) => {
    const id = functionIdOf(s.dbTemplate, step);
    const props = propsOf(s.dbTemplate, id);
    expect(props).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: (STEP_ACCESS[step] as { timeoutSeconds?: number }).timeoutSeconds ?? 60,
      TracingConfig: { Mode: 'Active' },
    });
    const logGroupId = (props['LoggingConfig'] as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(propsOf(s.dbTemplate, logGroupId)).toEqual({ LogGroupName: lambdaLogGroupName(step), RetentionInDays: 30, Tags: expect.any(Array) });
    expect((props['Role'] as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]).toBe(roleIdOf(s.dbTemplate, step));
  });

  it.each(STEPS)('%s: the environment the Lambda validates at cold start', (step) => {
    const variables = (propsOf(s.dbTemplate, functionIdOf(s.dbTemplate, step))['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toMatchObject({
      DB_ACCOUNT_ID: '111111111111',
      REDPANDA_CREDENTIALS_SECRET_ARN: { Ref: 'RedpandaCredentials' },
      REDPANDA_TOKEN_CACHE_SECRET_ARN: { Ref: 'RedpandaTokenCache' },
      LINKS_TABLE_NAME: { Ref: expect.stringMatching(/^Links/) },
      VPC_ID: { Ref: expect.stringMatching(/^NetworkVpc/) },
      DB_SUBNET_GROUP: { Ref: expect.stringMatching(/^NetworkDbSubnetGroup/) },
      POWERTOOLS_SERVICE_NAME: 'rpcn-aurora',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(variables).not.toHaveProperty('AWS_REGION'); // reserved: Lambda sets it
    // access-key only: no Redpanda account, so the steps report the R side as not deployed.
    expect(variables).not.toHaveProperty('REDPANDA_ACCOUNT_ID');
    const env = readEnvironment({ ...resolvedEnvironment(variables, s.config.dbAccount.region), AWS_REGION: s.config.dbAccount.region });
    expect(env.DB_ACCOUNT_ID).toBe('111111111111');
  });

  it('every step gets REDPANDA_ACCOUNT_ID when the deployment has the access stack in R', () => {
    for (const step of STEPS) {
      const variables = (propsOf(withR().dbTemplate, functionIdOf(withR().dbTemplate, step))['Environment'] as { Variables: Record<string, unknown> }).Variables;
      expect(`${step} ${String(variables['REDPANDA_ACCOUNT_ID'])}`).toBe(`${step} ${REDPANDA_ACCOUNT}`);
    }
  });

  it('gives the validation router the Validate and Rotate machines and the roles whose IAM writes are our own', () => {
    const variables = (propsOf(s.dbTemplate, functionIdOf(s.dbTemplate, 'RouteValidation'))['Environment'] as { Variables: Record<string, string> }).Variables;
    expect(variables['VALIDATE_STATE_MACHINE_ARN']).toBe('arn:aws:states:us-east-2:111111111111:stateMachine:rpcn-aurora-validate');
    expect(variables['ROTATE_STATE_MACHINE_ARN']).toBe('arn:aws:states:us-east-2:111111111111:stateMachine:rpcn-aurora-rotate');
    // Every step that writes db-connect roles, connector users or their keys.
    expect(variables['LOOP_GUARD_ROLE_NAMES']!.split(',').sort()).toEqual(
      [
        'rpcn-aurora.create-new-key',
        'rpcn-aurora.delete-connector-user',
        'rpcn-aurora.delete-db-connect-role',
        'rpcn-aurora.ensure-access-key',
        'rpcn-aurora.ensure-connector-user',
        'rpcn-aurora.ensure-db-connect-role',
        'rpcn-aurora.finish-rotation',
        'rpcn-aurora.heal-link',
        'rpcn-aurora.restore-key',
      ].sort(),
    );
    const others = STEPS.filter((step) => step !== 'RouteValidation');
    for (const step of others) {
      const v = (propsOf(s.dbTemplate, functionIdOf(s.dbTemplate, step))['Environment'] as { Variables: Record<string, unknown> }).Variables;
      expect(v).not.toHaveProperty('VALIDATE_STATE_MACHINE_ARN');
    }
  });

  it('every entry that builds a starter at cold start gets the state machine ARN it reads (lambdas/entry/*.ts)', () => {
    for (const step of STEPS) {
      const entry = readFileSync(stepEntry(step), 'utf8');
      const v = (propsOf(s.dbTemplate, functionIdOf(s.dbTemplate, step))['Environment'] as { Variables: Record<string, unknown> }).Variables;
      for (const [starter, variable] of [['rotations', 'ROTATE_STATE_MACHINE_ARN'], ['validations', 'VALIDATE_STATE_MACHINE_ARN']] as const) {
        const builds = new RegExp(`\\b${starter}\\(\\)`).test(entry);
        expect(`${step} ${variable} ${v[variable] !== undefined}`).toBe(`${step} ${variable} ${builds}`);
      }
    }
  });

  it('gives ROTATE_STATE_MACHINE_ARN to the two Lambdas that start rotations (they build the starter at cold start)', () => {
    const withRotate = STEPS.filter((step) => {
      const v = (propsOf(s.dbTemplate, functionIdOf(s.dbTemplate, step))['Environment'] as { Variables: Record<string, unknown> }).Variables;
      return v['ROTATE_STATE_MACHINE_ARN'] !== undefined;
    });
    expect(withRotate.sort()).toEqual(['HealLink', 'RouteValidation']);
    s.dbTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'rpcn-aurora step HealLink',
      Environment: { Variables: Match.objectLike({ ROTATE_STATE_MACHINE_ARN: 'arn:aws:states:us-east-2:111111111111:stateMachine:rpcn-aurora-rotate' }) },
    });
  });

  it.each(STEPS)('%s: its own role, assumable by Lambda only, with no managed policy', (step) => {
    const role = propsOf(s.dbTemplate, roleIdOf(s.dbTemplate, step));
    expect(role['RoleName']).toBe(`rpcn-aurora.${kebab(step)}`);
    expect(role['ManagedPolicyArns']).toBeUndefined();
    expect(role['AssumeRolePolicyDocument']).toEqual({
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      Version: '2012-10-17',
    });
  });

  it.each(STEPS)('%s: exactly the actions of its grants, plus its log group and X-Ray', (step) => {
    const statements = roleStatements(s.dbTemplate, roleIdOf(s.dbTemplate, step));
    const ctx = contextFor(s.config);
    const expected = new Set((STEP_ACCESS[step].grants as readonly Grant[]).flatMap((g) => g.statements(ctx).flatMap((st) => st.actions)));
    for (const a of ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords']) expected.add(a);
    expect([...actionsOf(statements)].sort()).toEqual([...expected].sort());
    // Logs go only to the step's own log group.
    const logs = statementsWith(statements, 'logs:PutLogEvents');
    expect(logs).toHaveLength(1);
    const logGroupId = (propsOf(s.dbTemplate, functionIdOf(s.dbTemplate, step))['LoggingConfig'] as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(logs[0]!.Resource).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
  });
});

describe('what the steps may do', () => {
  const statementsOf = (step: StepName) => roleStatements(s.dbTemplate, roleIdOf(s.dbTemplate, step));

  it('EnsureAurora creates clusters and writers only under rpcn-aurora- names, tagged, with an RDS-managed password', () => {
    const [create] = statementsWith(statementsOf('EnsureAurora'), 'rds:CreateDBCluster');
    expect(create).toEqual({
      Action: 'rds:CreateDBCluster',
      Effect: 'Allow',
      Resource: [
        'arn:aws:rds:us-east-2:111111111111:cluster:rpcn-aurora-*',
        'arn:aws:rds:us-east-2:111111111111:cluster-pg:rpcn-aurora-*',
        'arn:aws:rds:us-east-2:111111111111:og:default:*',
        { 'Fn::Join': ['', ['arn:aws:rds:us-east-2:111111111111:subgrp:', { Ref: expect.stringMatching(/^NetworkDbSubnetGroup/) }]] },
      ],
      Condition: { Null: { 'aws:RequestTag/rpcn-aurora:link': 'false' }, Bool: { 'rds:ManageMasterUserPassword': 'true' } },
    });
    const modify = statementsWith(statementsOf('EnsureAurora'), 'rds:ModifyDBClusterParameterGroup');
    expect(modify).toEqual([
      expect.objectContaining({ Resource: 'arn:aws:rds:us-east-2:111111111111:cluster-pg:rpcn-aurora-*', Condition: { Null: { 'aws:ResourceTag/rpcn-aurora:link': 'false' } } }),
    ]);
    // The managed master secret RDS creates on the caller's behalf, and the AWS managed key it describes.
    expect(statementsWith(statementsOf('EnsureAurora'), 'secretsmanager:CreateSecret')[0]!.Resource).toBe(
      'arn:aws:secretsmanager:us-east-2:111111111111:secret:rds!cluster-*',
    );
    const slr = statementsWith(statementsOf('EnsureAurora'), 'iam:CreateServiceLinkedRole')[0]!;
    expect(slr.Condition).toEqual({ StringEquals: { 'iam:AWSServiceName': 'rds.amazonaws.com' } });
  });

  it('EnsureAurora creates and opens only security groups tagged for a link, in the configured VPC', () => {
    const create = statementsWith(statementsOf('EnsureAurora'), 'ec2:CreateSecurityGroup');
    expect(create).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Resource: { 'Fn::Join': ['', ['arn:aws:ec2:us-east-2:111111111111:vpc/', { Ref: expect.stringMatching(/^NetworkVpc/) }]] } }),
        expect.objectContaining({ Resource: 'arn:aws:ec2:us-east-2:111111111111:security-group/*', Condition: { Null: { 'aws:RequestTag/rpcn-aurora:link': 'false' } } }),
      ]),
    );
    const ingress = statementsWith(statementsOf('EnsureAurora'), 'ec2:AuthorizeSecurityGroupIngress');
    expect(ingress).toContainEqual(
      expect.objectContaining({ Resource: 'arn:aws:ec2:us-east-2:111111111111:security-group/*', Condition: { Null: { 'aws:ResourceTag/rpcn-aurora:link': 'false' } } }),
    );
  });

  it('only CheckAurora reboots, and only writers under rpcn-aurora- names that carry the link tag', () => {
    expect(statementsWith(statementsOf('CheckAurora'), 'rds:RebootDBInstance')).toEqual([
      {
        Action: 'rds:RebootDBInstance',
        Effect: 'Allow',
        Resource: 'arn:aws:rds:us-east-2:111111111111:db:rpcn-aurora-*',
        Condition: { Null: { 'aws:ResourceTag/rpcn-aurora:link': 'false' } },
      },
    ]);
    const rebooting = STEPS.filter((step) => statementsWith(statementsOf(step), 'rds:RebootDBInstance').length > 0);
    expect(rebooting).toEqual(['CheckAurora']);
  });

  it('only DeleteAurora lists network interfaces (read-only, "*": the action has no resource-level permissions)', () => {
    expect(statementsWith(statementsOf('DeleteAurora'), 'ec2:DescribeNetworkInterfaces')).toEqual([
      { Action: 'ec2:DescribeNetworkInterfaces', Effect: 'Allow', Resource: '*' },
    ]);
    expect(STEPS.filter((step) => statementsWith(statementsOf(step), 'ec2:DescribeNetworkInterfaces').length > 0)).toEqual(['DeleteAurora']);
  });

  it('HealLink changes ingress of tagged security groups only, and creates or deletes none', () => {
    const statements = statementsOf('HealLink');
    for (const action of ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress']) {
      expect(statementsWith(statements, action)).toContainEqual(
        expect.objectContaining({ Resource: 'arn:aws:ec2:us-east-2:111111111111:security-group/*', Condition: { Null: { 'aws:ResourceTag/rpcn-aurora:link': 'false' } } }),
      );
    }
    expect(statementsWith(statements, 'ec2:RevokeSecurityGroupIngress').every((st) => st.Condition !== undefined)).toBe(true);
    for (const action of ['ec2:CreateSecurityGroup', 'ec2:DeleteSecurityGroup', 'ec2:CreateTags']) expect(statementsWith(statements, action)).toEqual([]);
  });

  it.each(['ValidateRequest', 'Probe', 'JudgeLink'] as const)('%s reads routes, peering and subnet groups, and writes nothing in EC2', (step) => {
    const statements = statementsOf(step);
    expect(statementsWith(statements, 'ec2:DescribeRouteTables')).toHaveLength(1);
    expect(statementsWith(statements, 'rds:DescribeDBSubnetGroups')[0]!.Resource).toBe('arn:aws:rds:us-east-2:111111111111:subgrp:*');
    const ec2Writes = statements.flatMap((st) => asList(st.Action)).filter((a) => a.startsWith('ec2:') && !a.startsWith('ec2:Describe'));
    expect(ec2Writes).toEqual([]);
  });

  it('ValidateRequest reads the region\'s engine versions (ServerlessV2FeaturesSupport) on "*", the only resource RDS allows for it', () => {
    expect(statementsWith(statementsOf('ValidateRequest'), 'rds:DescribeDBEngineVersions')).toEqual([
      { Action: 'rds:DescribeDBEngineVersions', Effect: 'Allow', Resource: '*' },
    ]);
  });

  it.each(['RunSetupSql', 'Probe', 'DropDatabaseObjects'] as const)('%s uses the Data API on our clusters only, with their RDS-managed master secret', (step) => {
    const statements = statementsOf(step);
    expect(statementsWith(statements, 'rds-data:ExecuteStatement')[0]!.Resource).toBe('arn:aws:rds:us-east-2:111111111111:cluster:rpcn-aurora-*');
    expect(statementsWith(statements, 'secretsmanager:GetSecretValue')).toContainEqual({
      Action: 'secretsmanager:GetSecretValue',
      Effect: 'Allow',
      Resource: 'arn:aws:secretsmanager:us-east-2:111111111111:secret:rds!cluster-*',
      Condition: { StringLike: { 'secretsmanager:ResourceTag/aws:rds:primaryDBClusterArn': ['arn:aws:rds:us-east-2:111111111111:cluster:rpcn-aurora-*'] } },
    });
  });

  it('adoptable clusters extend exactly the describe and Data API grants', () => {
    const adopted = synthesize(configWith({ adoptableClusters: ['legacy-orders', 'shop-*'], network: { mode: 'none' } }));
    try {
      const role = roleIdOf(adopted.dbTemplate, 'RunSetupSql');
      const statements = roleStatements(adopted.dbTemplate, role);
      const clusters = [
        'arn:aws:rds:us-east-2:111111111111:cluster:rpcn-aurora-*',
        'arn:aws:rds:us-east-2:111111111111:cluster:legacy-orders',
        'arn:aws:rds:us-east-2:111111111111:cluster:shop-*',
      ];
      expect(statementsWith(statements, 'rds-data:ExecuteStatement')[0]!.Resource).toEqual(clusters);
      expect(statementsWith(statements, 'secretsmanager:GetSecretValue')[0]!.Condition).toEqual({
        StringLike: { 'secretsmanager:ResourceTag/aws:rds:primaryDBClusterArn': clusters },
      });
      const create = statementsWith(roleStatements(adopted.dbTemplate, roleIdOf(adopted.dbTemplate, 'EnsureAurora')), 'rds:CreateDBCluster')[0]!;
      expect(create.Resource).not.toContain('arn:aws:rds:us-east-2:111111111111:cluster:legacy-orders');
      expect(create.Resource).toContain('arn:aws:rds:us-east-2:111111111111:subgrp:default');
      // Without a VPC, no security group is created by a link.
      expect(statementsWith(roleStatements(adopted.dbTemplate, roleIdOf(adopted.dbTemplate, 'EnsureAurora')), 'ec2:CreateSecurityGroup')).toEqual([]);
    } finally {
      adopted.dispose();
    }
  });

  it('only the db-connect role and connector user steps write IAM, only on rpcn-aurora-*-db-connect roles and /rpcn-aurora/ connector users, always conditioned', () => {
    const writers = new Map<string, Statement[]>();
    for (const step of STEPS) {
      const iamWrites = statementsOf(step).filter((st) =>
        asList(st.Action).some((a) => /^iam:(Create|Update|Put|Tag|Delete|Detach|Attach)/.test(a) && a !== 'iam:CreateServiceLinkedRole'),
      );
      if (iamWrites.length > 0) writers.set(step, iamWrites);
    }
    expect([...writers.keys()].sort()).toEqual(
      ['CreateNewKey', 'DeleteConnectorUser', 'DeleteDbConnectRole', 'EnsureAccessKey', 'EnsureConnectorUser', 'EnsureDbConnectRole', 'FinishRotation', 'HealLink', 'RestoreKey'].sort(),
    );
    for (const statements of writers.values()) {
      for (const st of statements) {
        expect(['arn:aws:iam::111111111111:role/rpcn-aurora-*-db-connect', 'arn:aws:iam::111111111111:user/rpcn-aurora/rpcn-aurora-*-connector']).toContain(st.Resource);
        expect(st.Condition).toBeDefined();
      }
    }
  });

  it('the rotation steps touch access keys only: no user, policy or role write', () => {
    for (const step of ['CreateNewKey', 'FinishRotation', 'RestoreKey', 'EnsureAccessKey'] as const) {
      const writes = [...actionsOf(statementsOf(step))].filter((a) => a.startsWith('iam:') && !/^iam:(Get|List)/.test(a));
      expect(`${step}: ${writes.sort().join(',')}`).toBe(`${step}: ${(step === 'FinishRotation' || step === 'RestoreKey' ? ['iam:DeleteAccessKey'] : ['iam:CreateAccessKey', 'iam:DeleteAccessKey']).join(',')}`);
    }
  });

  it('access-key only: no step assumes a role in R (there is none to assume)', () => {
    for (const step of STEPS) expect(`${step} ${statementsWith(statementsOf(step), 'sts:AssumeRole').length}`).toBe(`${step} 0`);
  });

  it('with the access stack in R: assume its roles only where needed, the inspector to read, the healer to write', () => {
    const assumes = (step: StepName) =>
      statementsWith(roleStatements(withR().dbTemplate, roleIdOf(withR().dbTemplate, step)), 'sts:AssumeRole').map((st) => st.Resource);
    const inspector = `arn:aws:iam::861276079005:role/${INSPECTOR_ROLE_NAME}`;
    const healer = `arn:aws:iam::861276079005:role/${HEALER_ROLE_NAME}`;
    expect(assumes('Probe')).toEqual([inspector]);
    expect(assumes('JudgeLink')).toEqual([inspector]);
    // It measures the role's inline policies (IAM's 10,240-character aggregate) before adding ours.
    expect(assumes('ApplyPipelineRolePolicy')).toEqual([inspector, healer]);
    expect(assumes('HealLink')).toEqual([healer]);
    expect(assumes('RemovePipelineRolePolicy')).toEqual([healer]);
    const others = STEPS.filter((step) => !['Probe', 'JudgeLink', 'ApplyPipelineRolePolicy', 'HealLink', 'RemovePipelineRolePolicy'].includes(step));
    for (const step of others) expect(assumes(step)).toEqual([]);
  });

  it('reads the Redpanda credentials only in the steps that call Redpanda Cloud', () => {
    const readers = STEPS.filter((step) =>
      statementsWith(statementsOf(step), 'secretsmanager:GetSecretValue').some((st) => JSON.stringify(st.Resource) === JSON.stringify({ Ref: 'RedpandaCredentials' })),
    );
    expect(readers.sort()).toEqual(
      [
        'BeginRotation',
        'BeginTeardown',
        'CheckPipeline',
        'CreateNewKey',
        'CreatePipeline',
        'DeletePipeline',
        'DeleteRedpandaAccess',
        'EnsureAccessKey',
        'EnsureEgressAllowlist',
        'EnsureRedpandaSecrets',
        'EnsureRedpandaUser',
        'EnsureTopic',
        'FinishRotation',
        'JudgeLink',
        'Probe',
        'RestoreKey',
        'SwitchPipelineKey',
        'ValidateRequest',
      ].sort(),
    );
  });

  it('reads and writes the shared API token exactly where the Redpanda credentials are read, and nowhere else', () => {
    const onSecret = (step: StepName, ref: string, action: string) =>
      statementsWith(statementsOf(step), action).some((st) => JSON.stringify(st.Resource) === JSON.stringify({ Ref: ref }));
    const credentialReaders = STEPS.filter((step) => onSecret(step, 'RedpandaCredentials', 'secretsmanager:GetSecretValue'));
    expect(STEPS.filter((step) => onSecret(step, 'RedpandaTokenCache', 'secretsmanager:GetSecretValue'))).toEqual(credentialReaders);
    expect(STEPS.filter((step) => onSecret(step, 'RedpandaTokenCache', 'secretsmanager:PutSecretValue'))).toEqual(credentialReaders);
    // No other statement reaches the token secret (a wildcard would show up as a resource other than its Ref).
    for (const step of STEPS) {
      for (const st of statementsOf(step)) {
        const resources = asList(st.Resource).map((r) => JSON.stringify(r));
        if (resources.includes(JSON.stringify({ Ref: 'RedpandaTokenCache' }))) {
          expect([...asList(st.Action)].sort()).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']);
          expect(resources).toEqual([JSON.stringify({ Ref: 'RedpandaTokenCache' })]);
        }
      }
    }
  });

  it('RecordLink may only update the registry', () => {
    expect([...actionsOf(statementsOf('RecordLink'))].sort()).toEqual(
      ['dynamodb:UpdateItem', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'].sort(),
    );
  });

  it("every step that runs SQL through the Data API may decrypt an adopted cluster's master secret with a key of the account, only through Secrets Manager", () => {
    const dataApiSteps = (Object.keys(STEP_ACCESS) as StepName[]).filter((step) => statementsWith(statementsOf(step), 'rds-data:ExecuteStatement').length > 0);
    expect(dataApiSteps.length).toBeGreaterThan(2);
    for (const step of dataApiSteps) {
      expect(statementsWith(statementsOf(step), 'kms:Decrypt')).toEqual([
        {
          Action: 'kms:Decrypt',
          Effect: 'Allow',
          Resource: 'arn:aws:kms:us-east-2:111111111111:key/*',
          Condition: {
            StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-2.amazonaws.com' },
            StringLike: { 'kms:EncryptionContext:SecretARN': 'arn:aws:secretsmanager:us-east-2:111111111111:secret:rds!cluster-*' },
          },
        },
      ]);
    }
    const others = (Object.keys(STEP_ACCESS) as StepName[]).filter((step) => !dataApiSteps.includes(step));
    for (const step of others) expect(statementsWith(statementsOf(step), 'kms:Decrypt')).toEqual([]);
  });

  it('the steps that take the link lock may describe the executions of our own lock-taking machines, and only they', () => {
    const holders = ['arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-provision:*', 'arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-teardown:*', 'arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-rotate:*'];
    for (const step of ['ValidateRequest', 'BeginTeardown', 'BeginRotation'] as const) {
      expect(statementsWith(statementsOf(step), 'states:DescribeExecution')).toEqual([{ Action: 'states:DescribeExecution', Effect: 'Allow', Resource: holders }]);
    }
    for (const step of ['RecordLink', 'RecordFailure', 'FinishTeardown', 'FinishRotation', 'JudgeLink'] as const) {
      expect(statementsWith(statementsOf(step), 'states:DescribeExecution')).toEqual([]);
    }
  });

  it('RouteValidation scans the registry and starts Validate and Rotate, nothing else', () => {
    const statements = statementsOf('RouteValidation');
    expect(statementsWith(statements, 'states:StartExecution')).toEqual([
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: 'arn:aws:states:us-east-2:111111111111:stateMachine:rpcn-aurora-validate' },
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: 'arn:aws:states:us-east-2:111111111111:stateMachine:rpcn-aurora-rotate' },
    ]);
    expect(statementsWith(statements, 'dynamodb:Scan')).toHaveLength(1);
    expect([...actionsOf(statements)].filter((a) => a.startsWith('iam:'))).toEqual([]);
  });

  it('HealLink may start Rotate (a lost key is healed by a rotation) and no other machine', () => {
    expect(statementsWith(statementsOf('HealLink'), 'states:StartExecution')).toEqual([
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: 'arn:aws:states:us-east-2:111111111111:stateMachine:rpcn-aurora-rotate' },
    ]);
  });

  it('RecordVerdict puts metric data in the RpcnAurora namespace only', () => {
    expect(statementsWith(statementsOf('RecordVerdict'), 'cloudwatch:PutMetricData')).toEqual([
      { Action: 'cloudwatch:PutMetricData', Effect: 'Allow', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'RpcnAurora' } } },
    ]);
  });

  it('every grant is used by some step', () => {
    const used = new Set(Object.values(STEP_ACCESS).flatMap((a) => (a.grants as readonly Grant[]).map((g) => g.id)));
    expect(Object.values(GRANTS).map((g) => g.id).filter((id) => !used.has(id))).toEqual([]);
  });
});
