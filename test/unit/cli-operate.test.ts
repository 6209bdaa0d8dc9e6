// The operator commands against mocked AWS clients (aws-sdk-client-mock): provision, watch, validate, rotate,
// teardown and status through the CLI's real entry, and each error a user meets as one line with its fix.
import { afterAll, afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { readFileSync, writeFileSync } from 'node:fs';
import { teardownPlan } from '../../bin/commands/operate.js';
import { executionName, isExecutionOf } from '../../bin/aws/executions.js';
import {
  DB,
  REGION,
  SM,
  TABLE,
  awsError,
  cli,
  dbStack,
  growingHistory,
  linkRecord,
  recorded,
  sandbox,
  stackMissing,
  terminal,
  type Sandbox,
} from './support/cli-aws.js';

const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBDocumentClient);

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
  for (const m of [sts, cfn, sfn, ddb]) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: DB, Arn: `arn:aws:sts::${DB}:assumed-role/AWSReservedSSO_Operator_0a1b2c/alice`, UserId: 'AROA:alice' });
  cfn.on(DescribeStacksCommand, { StackName: 'RpcnAurora-Db' }).resolves(dbStack());
  ddb.on(GetCommand).callsFake(async (input: { Key: { name: string } }) => (input.Key.name === 'orders' ? { Item: linkRecord('orders') } : {}));
});
afterEach(() => box.dispose());
afterAll(() => {
  for (const m of [sts, cfn, sfn, ddb]) m.restore();
});

const REQUEST = 'examples/postgres.json';
const args = (...rest: string[]) => [...rest, '--profile', 'db', '-c', box.configPath];

/** One line on stderr, `error: <cause>: <fix>`, and no stack trace. */
function expectOneLine(err: string, pattern: RegExp) {
  const lines = err.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(err).not.toMatch(/\n\s+at /);
}

describe('provision', () => {
  test('an invalid request is refused locally with the schema messages, exit 2, and nothing is called', async () => {
    const bad = `${box.dir}/bad.json`;
    const raw = JSON.parse(readFileSync(REQUEST, 'utf8'));
    raw.database.minCapacity = 0.1;
    raw.cdc.tables = [];
    writeFileSync(bad, JSON.stringify(raw));
    const t = terminal();
    const r = await cli(t, ...args('provision', bad));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^${bad}: invalid request`));
    expect(r.err).toMatch(/database\.minCapacity: /);
    expect(r.err).toMatch(/cdc\.tables: /);
    expect(sts.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  test('starts the stack\'s Provision machine under a readable name and follows it to the link summary', async () => {
    const execution = recorded('provision-succeeded');
    sfn.on(StartExecutionCommand).resolves({ executionArn: execution.executionArn, startDate: new Date('2026-01-05T09:30:10Z') });
    sfn.on(GetExecutionHistoryCommand).callsFake(growingHistory(execution.history, 60));
    const t = terminal();
    const r = await cli(t, ...args('provision', REQUEST));
    expect(r.code).toBe(0);
    const start = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(start).toEqual({ stateMachineArn: SM('provision'), name: 'provision-orders-20260105T0930', input: JSON.stringify(JSON.parse(readFileSync(REQUEST, 'utf8'))) });
    expect(r.err).toMatch(/^Started Provision provision-orders-20260105T0930\n {2}arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-provision:provision-orders-20260105T0930/);
    expect(r.err).toMatch(/✓ \[aurora\] CheckAurora +\d+m\d\ds {2}\(\d+ polls\) {2}cluster available/);
    expect(r.err).toMatch(/… \[aurora\] CheckAurora .*cluster creating/);
    expect(r.err).toMatch(/Provision succeeded in \d+m\d\ds: \d+ state transitions\./);
    // Results on stdout, progress on stderr.
    expect(r.out).toMatch(/^ {2}link {14}orders \(ready, probe verdict healthy\)/);
    expect(r.out).not.toMatch(/CheckAurora/);
    // Polled until the end, with backoff between polls that brought nothing new.
    const polls = sfn.commandCalls(GetExecutionHistoryCommand).filter((c) => !c.args[0].input.nextToken).length;
    expect(polls).toBeGreaterThanOrEqual(Math.ceil(execution.history.length / 60));
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0]!.args[0].input).toMatchObject({ reverseOrder: true, includeExecutionData: true });
  });

  test('--no-watch prints the execution ARN and the watch command', async () => {
    const arn = `arn:aws:states:${REGION}:${DB}:execution:rpcn-aurora-provision:provision-orders-20260105T0930`;
    sfn.on(StartExecutionCommand).resolves({ executionArn: arn, startDate: new Date('2026-01-05T09:30:10Z') });
    const t = terminal();
    const r = await cli(t, ...args('provision', REQUEST, '--no-watch'));
    expect(r.code).toBe(0);
    expect(r.out).toBe(arn);
    expect(r.err).toContain(`watch it: rpcn-aurora watch ${arn} --profile db`);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
  });

  test('a second start in the same minute reports the existing execution and shows it', async () => {
    const execution = recorded('provision-succeeded');
    sfn.on(StartExecutionCommand).rejects(awsError('ExecutionAlreadyExists', `Execution Already Exists: '${execution.executionArn}'`));
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: execution.executionArn, status: 'SUCCEEDED', startDate: new Date('2026-01-05T09:30:01Z'), input: '{"name":"other"}', stateMachineArn: SM('provision') });
    sfn.on(GetExecutionHistoryCommand).callsFake(growingHistory(execution.history));
    const r = await cli(terminal(), ...args('provision', REQUEST));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/Provision execution provision-orders-20260105T0930 exists already \(SUCCEEDED, started 9\.00s ago, with another input\): showing it; start again in the next minute/);
    expect(r.out).toMatch(/orders \(ready, probe verdict healthy\)/);
  });

  test('a failed execution ends with the failing step, its named error and the diagnosis (exit 1); --json carries them', async () => {
    const execution = recorded('provision-failed');
    sfn.on(StartExecutionCommand).resolves({ executionArn: execution.executionArn, startDate: new Date('2026-01-05T09:30:10Z') });
    sfn.on(GetExecutionHistoryCommand).callsFake(growingHistory(execution.history, 200));
    const r = await cli(terminal(), ...args('provision', REQUEST));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✗ \[aurora\] RunSetupSql .* StepAccessDeniedError: rds-data:ExecuteStatement/);
    expect(r.err).toMatch(/Provision FAILED after \d+m\d\ds at RunSetupSql: StepAccessDeniedError/);
    expect(r.err).toMatch(/ {2}diagnosis \[aws-access-denied\] An AWS call was denied\n {2}cause: .*\n {2}fix:\n {4}- Grant the action/);
    expect(r.err).toContain(`redrive-execution --execution-arn ${execution.executionArn} --region us-east-2 --profile db`);

    const t = terminal();
    const j = await cli(t, ...args('provision', REQUEST, '--json'));
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ executionArn: execution.executionArn, status: 'FAILED', error: 'StepAccessDeniedError', step: 'RunSetupSql', diagnosis: { id: 'aws-access-denied' } });
  });
});

describe('watch', () => {
  test('Ctrl-C stops the watching, never the execution, and says how to resume', async () => {
    const execution = recorded('provision-long-wait');
    sfn.on(GetExecutionHistoryCommand).callsFake(growingHistory(execution.history.slice(0, 300), 100));
    const t = terminal();
    t.onSleep = (n) => n === 5 && t.interrupt();
    const r = await cli(t, ...args('watch', execution.executionArn));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`Stopped watching; the execution goes on in AWS. Resume: rpcn-aurora watch ${execution.executionArn} --profile db`);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
    // Backoff: 2 s after news, then longer while nothing happens, at most 15 s.
    expect(t.sleeps.slice(0, 3)).toEqual([2000, 2000, 2000]);
    expect(t.sleeps[3]).toBe(3000);
    expect(t.sleeps[4]).toBe(4500);
  });

  test('a long Aurora wait shows the cluster status and the poll count, not silence', async () => {
    const execution = recorded('provision-long-wait');
    sfn.on(GetExecutionHistoryCommand).callsFake(growingHistory(execution.history, 25));
    const r = await cli(terminal(), ...args('watch', execution.executionArn));
    expect(r.code).toBe(0);
    const progress = r.err.split('\n').filter((l) => l.includes('… [aurora] CheckAurora'));
    expect(progress.length).toBeGreaterThan(20);
    expect(progress[0]).toMatch(/poll 1 {2}cluster creating$/);
    expect(progress.at(-1)).toMatch(/poll \d+ {2}cluster available$/);
  });

  test('by link name: the link\'s running execution', async () => {
    const execution = recorded('provision-succeeded');
    sfn.on(ListExecutionsCommand).callsFake(async (input: { stateMachineArn: string }) => ({
      executions:
        input.stateMachineArn === SM('provision')
          ? [
              { executionArn: `${SM('provision').replace(':stateMachine:', ':execution:')}:provision-orders-eu-20260105T0931`, name: 'provision-orders-eu-20260105T0931', status: 'RUNNING', startDate: new Date('2026-01-05T09:31:00Z'), stateMachineArn: SM('provision') },
              { executionArn: execution.executionArn, name: 'provision-orders-20260105T0930', status: 'RUNNING', startDate: new Date('2026-01-05T09:30:00Z'), stateMachineArn: SM('provision') },
            ]
          : input.stateMachineArn === SM('validate')
            ? [{ executionArn: 'arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-validate:orders-schedule-20260105T0600', name: 'orders-schedule-20260105T0600', status: 'SUCCEEDED', startDate: new Date('2026-01-05T06:00:00Z'), stateMachineArn: SM('validate') }]
            : [],
    }));
    sfn.on(GetExecutionHistoryCommand).callsFake(growingHistory(execution.history));
    const r = await cli(terminal(), ...args('watch', 'orders'));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^Watching provision-orders-20260105T0930/);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0]!.args[0].input.executionArn).toBe(execution.executionArn);
  });

  test('an unknown link or a malformed ARN is bad input (exit 2)', async () => {
    const r = await cli(terminal(), ...args('watch', 'nosuchlink'));
    expect(r.code).toBe(2);
    expectOneLine(r.err, /link "nosuchlink" is not in the registry \(table RpcnAurora-Db-Links1A2B3C4D-XYZ\): `rpcn-aurora status --profile db` lists the links/);
    const a = await cli(terminal(), ...args('watch', 'arn:aws:states:us-east-2:111111111111:stateMachine:rpcn-aurora-provision'));
    expect(a.code).toBe(2);
    expectOneLine(a.err, /is not a Step Functions execution ARN/);
  });
});

// A Validate execution's history, in the shape AWS records it, ending with `output`.
function validateHistory(output: unknown): HistoryEvent[] {
  const t = (s: number) => new Date(Date.UTC(2026, 0, 5, 9, 30, 10 + s));
  const steps = ['JudgeLink', 'RecordVerdict'];
  const events: HistoryEvent[] = [{ id: 1, previousEventId: 0, timestamp: t(0), type: 'ExecutionStarted', executionStartedEventDetails: { input: '{"link":"orders","trigger":"manual"}' } }];
  const add = (e: Omit<HistoryEvent, 'id' | 'previousEventId'>) => events.push({ ...e, id: events.length + 1, previousEventId: events.length } as HistoryEvent);
  steps.forEach((name, i) => {
    add({ timestamp: t(i), type: 'TaskStateEntered', stateEnteredEventDetails: { name } });
    add({ timestamp: t(i), type: 'LambdaFunctionScheduled' });
    add({ timestamp: t(i), type: 'LambdaFunctionStarted' });
    add({ timestamp: t(i + 1), type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output: '{}' } });
    add({ timestamp: t(i + 1), type: 'TaskStateExited', stateExitedEventDetails: { name, output: '{}' } });
  });
  add({ timestamp: t(2), type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: JSON.stringify(output) } });
  return events;
}

describe('validate and rotate', () => {
  test('validate: healthy is exit 0, drifted is exit 1 with the findings', async () => {
    const arn = 'arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-validate:validate-orders-20260105T0930';
    sfn.on(StartExecutionCommand).resolves({ executionArn: arn, startDate: new Date('2026-01-05T09:30:10Z') });
    sfn.on(GetExecutionHistoryCommand).callsFake(growingHistory(validateHistory({ link: 'orders', trigger: 'manual', verdict: 'healthy', before: 'healthy', healed: false, actions: [], findings: [] })));
    const ok = await cli(terminal(), ...args('validate', 'orders'));
    expect(ok.code).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({ stateMachineArn: SM('validate'), name: 'validate-orders-20260105T0930', input: '{"link":"orders","trigger":"manual"}' });
    expect(ok.out).toBe('  verdict           healthy');

    sfn.on(GetExecutionHistoryCommand).callsFake(
      growingHistory(validateHistory({ link: 'orders', trigger: 'manual', verdict: 'drifted', before: 'drifted', healed: false, actions: [], findings: [{ id: 'pipeline-role-policy-missing', message: 'the pipeline role has no policy rpcn-aurora-111111111111-orders', fix: 'attach it' }] })),
    );
    const drifted = await cli(terminal(), ...args('validate', 'orders'));
    expect(drifted.err).toMatch(/Validate succeeded/);
    expect(drifted.code).toBe(1);
    expect(drifted.out).toContain('finding           [pipeline-role-policy-missing] the pipeline role has no policy');
  });

  test('rotate without a Rotate workflow in the deployment: one line, upgrade the stack, nothing started', async () => {
    const r = await cli(terminal(), ...args('rotate', 'orders'));
    expect(r.code).toBe(1);
    expectOneLine(r.err, /this deployment has no Rotate workflow \(RpcnAurora-Db has no output RotateStateMachineArn\): upgrade the stack \(npx cdk deploy RpcnAurora-Db --profile db\)/);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  test('rotate with RotateStateMachineArn starts it for the link', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'RpcnAurora-Db' }).resolves(dbStack({ RotateStateMachineArn: SM('rotate') }));
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${SM('rotate').replace(':stateMachine:', ':execution:')}:rotate-orders-20260105T0930`, startDate: new Date('2026-01-05T09:30:10Z') });
    const r = await cli(terminal(), ...args('rotate', 'orders', '--no-watch'));
    expect(r.code).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({ stateMachineArn: SM('rotate'), name: 'rotate-orders-20260105T0930', input: '{"link":"orders"}' });
  });
});

describe('teardown', () => {
  const arn = 'arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-teardown:teardown-orders-20260105T0930';
  beforeEach(() => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: arn, startDate: new Date('2026-01-05T09:30:10Z') });
  });

  test('on a terminal: shows what will be deleted and kept from the ledger, and starts only after the link name is typed', async () => {
    const t = terminal({ tty: true, answer: 'orders' });
    const r = await cli(t, ...args('teardown', 'orders', '--no-watch'));
    expect(r.code).toBe(0);
    expect(t.prompts).toEqual(['Type the link name (orders) to tear it down: ']);
    expect(r.err).toContain('will delete (what the link created, as its registry record and tags say):');
    expect(r.err).toContain('    - cluster rpcn-aurora-orders');
    expect(r.err).toContain('    - topic orders.cdc and its data');
    expect(r.err).toContain('    - a final snapshot rpcn-aurora-orders-final-<timestamp> of the cluster');
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({ stateMachineArn: SM('teardown'), name: 'teardown-orders-20260105T0930', input: '{"link":"orders"}' });
  });

  test('another answer starts nothing (exit 1)', async () => {
    const t = terminal({ tty: true, answer: 'y' });
    const r = await cli(t, ...args('teardown', 'orders'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('Not confirmed: nothing was started.');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  test('without a terminal it refuses unless --yes (exit 2); with --yes the flags reach the input', async () => {
    const refused = await cli(terminal({ tty: false }), ...args('teardown', 'orders'));
    expect(refused.code).toBe(2);
    expect(refused.err.split('\n').at(-1)).toBe('error: refusing to tear down link "orders" without --yes: stdin is not a terminal, so nobody can confirm');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);

    const t = terminal({ tty: false });
    const r = await cli(t, ...args('teardown', 'orders', '--yes', '--keep-topic', '--skip-final-snapshot', '--no-watch'));
    expect(r.code).toBe(0);
    expect(t.prompts).toEqual([]);
    expect(r.err).toContain('    - topic orders.cdc (--keep-topic)');
    expect(r.err).toContain('    - cluster rpcn-aurora-orders (no final snapshot: --skip-final-snapshot)');
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!)).toEqual({ link: 'orders', keepTopic: true, skipFinalSnapshot: true });
  });

  test('a link torn down already: nothing to ask, nothing started', async () => {
    ddb.on(GetCommand).resolves({ Item: linkRecord('orders', { status: 'deleted', owned: {} }) });
    const r = await cli(terminal({ tty: true, answer: 'orders' }), ...args('teardown', 'orders'));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/was torn down already/);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  test('the plan keeps what the link adopted', () => {
    const adopted = linkRecord('legacy', { owned: { dbConnectRole: 'rpcn-aurora-legacy-db-connect', pipelineId: 'p1' } });
    const plan = teardownPlan(adopted, { keepTopic: false, skipFinalSnapshot: false });
    expect(plan.delete).toEqual(['Redpanda Connect pipeline rpcn-aurora-legacy (p1)', 'IAM role rpcn-aurora-legacy-db-connect']);
    expect(plan.keep).toEqual([
      'topic legacy.cdc (it existed before the link)',
      "database user iam_demo_user (it existed before the link; only the link's grants go)",
      `cluster ${adopted.request.database.clusterIdentifier} (adopted: the link did not create it)`,
      'the link record in the registry (status deleted, with its history)',
    ]);
  });
});

describe('status', () => {
  const now = new Date('2026-01-05T09:30:10Z');
  beforeEach(() => {
    ddb.on(ScanCommand).resolves({
      Items: [
        linkRecord('orders', { request: { ...linkRecord('orders').request, identity: { mode: 'pipeline-role' } } }),
        linkRecord('billing', {
          status: 'failed',
          outputs: undefined,
          verdicts: [],
          accessKey: { current: { accessKeyId: 'AKIAEXAMPLEKEY000001', slot: 'A', createdAt: '2025-12-06T09:30:10Z' } },
          failure: { step: 'RunSetupSql', error: 'StepAccessDeniedError', cause: '…', diagnosis: { id: 'aws-access-denied', title: 'An AWS call was denied', fix: '…' }, at: '2026-01-05T09:00:10Z' },
        }),
      ],
    });
  });

  test('a table on a terminal; — where the record has nothing; exit 1 when a link failed', async () => {
    const r = await cli(terminal({ tty: true, now }), ...args('status'));
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^LINK +ENGINE +IDENTITY +STATE +LAST VERDICT +KEY AGE +PIPELINE +ENDPOINT$/);
    expect(lines[1]).toMatch(/^billing +postgresql +access-key +failed +— +30d +d5ghjk1lr0pf6mpr1mdg +—$/);
    expect(lines[2]).toMatch(/^orders +postgresql +pipeline-role +ready +healthy 3h ago +— +d5ghjk1lr0pf6mpr1mdg +rpcn-aurora-orders\.cluster-c9akciq32\.us-east-2\.rds\.amazonaws\.com:5432$/);
    expect(r.err).toBe('billing: last failure at RunSetupSql: StepAccessDeniedError (30m ago), diagnosis [aws-access-denied] An AWS call was denied');
    expect(ddb.commandCalls(ScanCommand)[0]!.args[0].input).toMatchObject({ TableName: TABLE });
  });

  test('tab-separated lines in a pipe, JSON with --json', async () => {
    const piped = await cli(terminal({ tty: false, now }), ...args('status'));
    expect(piped.out.split('\n')[2]!.split('\t')).toEqual(['orders', 'postgresql', 'pipeline-role', 'ready', 'healthy 3h ago', '—', 'd5ghjk1lr0pf6mpr1mdg', 'rpcn-aurora-orders.cluster-c9akciq32.us-east-2.rds.amazonaws.com:5432']);
    const json = await cli(terminal({ now }), ...args('status', '--json'));
    const rows = JSON.parse(json.out);
    expect(rows[1]).toEqual({
      link: 'orders',
      engine: 'aurora-postgresql',
      identityMode: 'pipeline-role',
      status: 'ready',
      lastVerdict: { verdict: 'healthy', at: '2026-01-05T06:30:00.000Z', trigger: 'schedule' },
      keyCreatedAt: null,
      keyRotatedAt: null,
      pipeline: { id: 'd5ghjk1lr0pf6mpr1mdg', state: null },
      endpoint: 'rpcn-aurora-orders.cluster-c9akciq32.us-east-2.rds.amazonaws.com:5432',
      failure: null,
      updatedAt: '2026-01-05T06:30:00.000Z',
    });
  });

  test('one link, read with GetItem; an unknown one is exit 2', async () => {
    const one = await cli(terminal({ now }), ...args('status', 'orders', '--json'));
    expect(one.code).toBe(0);
    expect(JSON.parse(one.out)).toMatchObject({ link: 'orders', status: 'ready' });
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({ TableName: TABLE, Key: { name: 'orders' }, ConsistentRead: true });
    const unknown = await cli(terminal(), ...args('status', 'nope'));
    expect(unknown.code).toBe(2);
  });
});

describe('errors a user meets: one line with the cause and the fix, no stack trace', () => {
  const credentialsError = (message: string) => Object.assign(new Error(message), { name: 'CredentialsProviderError', tryNextLink: false });

  test.each([
    ['no credentials', credentialsError('Could not load credentials from any providers'), 1, /no AWS credentials found for profile db .*: pass --profile <name>, set AWS_PROFILE, or run `aws configure` \/ `aws sso login`/],
    ['an expired SSO session', credentialsError('The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.'), 1, /the AWS SSO session of profile db has expired: run `aws sso login --profile db`, then try again/],
    ['an expired SSO token', Object.assign(new Error('Token is expired. To refresh this SSO session run \'aws sso login\' with the corresponding profile.'), { name: 'TokenProviderError' }), 1, /SSO session of profile db has expired: run `aws sso login --profile db`/],
    ['expired session credentials', awsError('ExpiredTokenException', 'The security token included in the request is expired'), 1, /the AWS credentials of profile db have expired \(ExpiredTokenException\): refresh them/],
    ['unreachable AWS', Object.assign(new Error('getaddrinfo ENOTFOUND sts.us-east-2.amazonaws.com'), { code: 'ENOTFOUND', hostname: 'sts.us-east-2.amazonaws.com' }), 1, /cannot reach AWS for sts:GetCallerIdentity in us-east-2 \(ENOTFOUND sts\.us-east-2\.amazonaws\.com\): check the network/],
  ])('%s', async (_what, error, code, pattern) => {
    sts.on(GetCallerIdentityCommand).rejects(error);
    const r = await cli(terminal(), ...args('status'));
    expect(r.code).toBe(code);
    expectOneLine(r.err, pattern);
  });

  test('an unknown profile (exit 2, before any call)', async () => {
    const r = await cli(terminal(), 'status', '--profile', 'prod', '-c', box.configPath);
    expect(r.code).toBe(2);
    expectOneLine(r.err, /AWS profile "prod" is not in ~\/\.aws\/config or ~\/\.aws\/credentials: check --profile/);
    expect(sts.calls()).toHaveLength(0);
  });

  test('the wrong account', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '222222222222', Arn: 'arn:aws:sts::222222222222:assumed-role/Dev/alice' });
    const r = await cli(terminal(), ...args('status'));
    expect(r.code).toBe(1);
    expectOneLine(r.err, /are for account 222222222222 \(arn:aws:sts::222222222222:assumed-role\/Dev\/alice\), but the deployment's DB account is 111111111111 \(.*deployment\.json, dbAccount\.accountId\): use a profile of account 111111111111/);
  });

  test('the wrong region: the stack is not deployed there', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'RpcnAurora-Db' }).rejects(stackMissing('RpcnAurora-Db'));
    const r = await cli(terminal(), ...args('status', '--region', 'us-west-2'));
    expect(r.code).toBe(1);
    expectOneLine(r.err, /stack RpcnAurora-Db is not deployed in us-west-2 of account 111111111111: deploy it \(npx cdk deploy RpcnAurora-Db --profile db\), or use --region us-east-2/);
  });

  test('a stack whose creation failed', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'RpcnAurora-Db' }).resolves(dbStack({}, 'ROLLBACK_COMPLETE'));
    const r = await cli(terminal(), ...args('status'));
    expectOneLine(r.err, /stack RpcnAurora-Db is ROLLBACK_COMPLETE: read its events/);
  });

  test('access denied on a call names the action', async () => {
    sfn.on(StartExecutionCommand).rejects(
      awsError('AccessDeniedException', `User: arn:aws:sts::${DB}:assumed-role/ReadOnly/alice is not authorized to perform: states:StartExecution on resource: ${SM('validate')} because no identity-based policy allows the states:StartExecution action`),
    );
    const r = await cli(terminal(), ...args('validate', 'orders'));
    expect(r.code).toBe(1);
    expectOneLine(r.err, /^error: access denied: profile db may not call states:StartExecution on arn:aws:states:us-east-2:111111111111:stateMachine:rpcn-aurora-validate \(User: .* is not authorized to perform: states:StartExecution .*\): grant it \(docs\/deploy\.md, "The IAM the operator needs"\)/);
  });

  test('access denied reading the registry', async () => {
    ddb.on(ScanCommand).rejects(awsError('AccessDeniedException', `User: arn:aws:sts::${DB}:assumed-role/ReadOnly/alice is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:us-east-2:${DB}:table/${TABLE}`));
    const r = await cli(terminal(), ...args('status'));
    expectOneLine(r.err, /access denied: profile db may not call dynamodb:Scan on RpcnAurora-Db-Links1A2B3C4D-XYZ/);
  });

  test('a link name that cannot be one', async () => {
    const r = await cli(terminal(), ...args('validate', 'Orders!'));
    expect(r.code).toBe(2);
    expectOneLine(r.err, /"Orders!" is not a link name/);
  });
});

describe('execution names', () => {
  test('readable, deterministic per minute, within Step Functions\' limits', () => {
    const at = new Date('2026-01-05T09:30:59Z');
    expect(executionName('Provision', 'orders', at)).toBe('provision-orders-20260105T0930');
    expect(executionName('Teardown', 'a'.repeat(31), at)).toHaveLength(54);
    expect(isExecutionOf('provision-orders-20260105T0930', 'orders')).toBe(true);
    expect(isExecutionOf('orders-iam-change-20260105T0930', 'orders')).toBe(true);
    expect(isExecutionOf('provision-orders-eu-20260105T0930', 'orders')).toBe(false);
    expect(isExecutionOf('orders-eu-schedule-20260105T0930', 'orders')).toBe(false);
  });
});

test('--help of each operator command shows an example and --json', async () => {
  for (const command of ['provision', 'watch', 'status', 'validate', 'rotate', 'teardown', 'doctor']) {
    const t = terminal();
    const r = await cli(t, command, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Example/);
    expect(r.out).toContain('--json');
    expect(r.out).toContain('--profile');
    expect(r.out).toContain('--region');
  }
});
