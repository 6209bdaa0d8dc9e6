// The step view (bin/view) over recorded executions of Provision: the twin's engine log and the
// GetExecutionHistory events it converts to render the same lines; a success, a failure with its diagnosis,
// and a long Aurora wait that shows the cluster's status at least once a minute.
import { describe, expect, test } from '@jest/globals';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { readFileSync } from 'node:fs';
import { analyzeMachine, committedMachine } from '../../bin/view/definition.js';
import { fromLocalEvent, HistoryMapper, type LocalEngineEvent } from '../../bin/view/events.js';
import { explainFailure, formatDuration, formatFailure, StepView, type ExecutionOutcome } from '../../bin/view/steps.js';
import { toHistory } from './fixtures/history/convert.js';

const machine = committedMachine('provision')!;
const shape = analyzeMachine(machine);

interface Fixture {
  readonly executionArn: string;
  readonly status: string;
  readonly local: LocalEngineEvent[];
}
const fixture = (name: string): Fixture => JSON.parse(readFileSync(new URL(`./fixtures/history/${name}.json`, import.meta.url), 'utf8'));
const history = (f: Fixture, realTime = true) =>
  toHistory(f.local, { machine, lambdaArnPrefix: 'arn:aws:lambda:us-east-2:111111111111:function:rpcn-aurora-', roleArn: 'arn:aws:iam::111111111111:role/RpcnAurora-Db-Provision', realTime });

function renderHistory(events: readonly HistoryEvent[]): { lines: string[]; outcome?: ExecutionOutcome } {
  const lines: string[] = [];
  const view = new StepView({ out: (l) => lines.push(l), shape });
  const mapper = new HistoryMapper();
  for (const e of events) view.push(mapper.map(e));
  return { lines, ...(view.outcome ? { outcome: view.outcome } : {}) };
}

function renderLocal(events: readonly LocalEngineEvent[]): string[] {
  const lines: string[] = [];
  const view = new StepView({ out: (l) => lines.push(l), shape });
  for (const e of events) view.push(fromLocalEvent(e));
  return lines;
}

/** `elapsed mark label took note` of a line. */
function parse(line: string) {
  const m = /^\s+(\S+) {2}(\S) (.{42}) (.{6})(?: {2}(.*))?$/.exec(line.padEnd(60));
  if (!m) throw new Error(`not a step line: ${line}`);
  return { elapsed: m[1]!, mark: m[2]!, label: m[3]!.trim(), took: m[4]!.trim(), note: (m[5] ?? '').trim() };
}
const seconds = (t: string) => {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:([\d.]+)s)?$/.exec(t)!;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
};

describe.each(['provision-succeeded', 'provision-failed', 'provision-long-wait'])('%s: one view for both feeds', (name) => {
  test('the engine log and its history (same clock) render the same lines', () => {
    const f = fixture(name);
    const local = renderLocal(f.local);
    expect(local.length).toBeGreaterThan(10);
    expect(renderHistory(history(f, false)).lines).toEqual(local);
  });

  test('the history is shaped like GetExecutionHistory: sequential ids, links to earlier events, one start and one end', () => {
    const events = history(fixture(name));
    events.forEach((e, i) => {
      expect(e.id).toBe(i + 1);
      expect(e.previousEventId!).toBeLessThan(e.id!);
    });
    expect(events[0]!.type).toBe('ExecutionStarted');
    expect(events.filter((e) => /^Execution(Succeeded|Failed)$/.test(e.type!))).toHaveLength(1);
    for (let i = 1; i < events.length; i++) expect(events[i]!.timestamp!.getTime()).toBeGreaterThanOrEqual(events[i - 1]!.timestamp!.getTime());
  });
});

describe('a successful Provision', () => {
  const { lines, outcome } = renderHistory(history(fixture('provision-succeeded')));
  const steps = lines.map(parse);

  test('one ✓ line per step, branch-labelled, each with its own duration; polling loops as one line with their polls', () => {
    const done = steps.filter((s) => s.mark === '✓').map((s) => s.label);
    expect(done).toEqual(
      expect.arrayContaining([
        'ValidateRequest', '[aurora] EnsureAurora', '[aurora] CheckAurora', '[aurora] RunSetupSql', '[iam] DescribeClusterIdentity', '[iam] EnsureConnectorUser',
        '[iam] EnsureDbConnectRole', '[iam] EnsureAccessKey', '[redpanda] EnsureTopic', '[redpanda] EnsureRedpandaUser', '[redpanda] EnsureRedpandaSecrets', 'ProvisionResources',
        'CreatePipeline', 'CheckPipeline', 'Probe', 'RecordLink',
      ]),
    );
    expect(new Set(done).size).toBe(done.length);
    const aurora = steps.find((s) => s.mark === '✓' && s.label === '[aurora] CheckAurora')!;
    expect(aurora.note).toMatch(/^\(\d+ polls\) {2}cluster available$/);
    // 30 s between polls (the ASL's Wait), restored in the recorded history: minutes, not milliseconds.
    expect(seconds(aurora.took)).toBeGreaterThan(5 * 60);
    expect(steps.find((s) => s.label === 'CheckPipeline' && s.mark === '✓')!.note).toBe('(2 polls)  pipeline STATE_RUNNING');
    expect(steps.at(-1)!.label).toBe('RecordLink');
  });

  test('elapsed times grow and every step ends after it started', () => {
    const times = steps.map((s) => seconds(s.elapsed));
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    for (const s of steps.filter((x) => x.took)) expect(seconds(s.took)).toBeLessThanOrEqual(seconds(s.elapsed));
  });

  test('the outcome carries the link summary', () => {
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { link: 'orders', status: 'ready', verdict: 'healthy' } });
    expect(outcome!.transitions).toBeGreaterThan(50);
  });
});

describe('a failed Provision', () => {
  const { lines, outcome } = renderHistory(history(fixture('provision-failed')));
  const steps = lines.map(parse);

  test('a transient error is a retry line; the permanent one is ✗ with its named error; the Parallel shows it failed', () => {
    expect(steps.find((s) => s.mark === '↻')).toMatchObject({ label: '[redpanda] EnsureTopic', note: 'retry 1 after RedpandaTransientError: POST /v1/topics failed with HTTP 503: upstream connect error' });
    // The ASL's retrier waits 2 s before the first retry.
    expect(seconds(steps.find((s) => s.mark === '↻')!.elapsed)).toBeGreaterThanOrEqual(2);
    expect(steps.find((s) => s.mark === '✓' && s.label === '[redpanda] EnsureTopic')).toBeDefined();
    const failed = steps.filter((s) => s.mark === '✗');
    expect(failed.map((s) => s.label)).toEqual(['[aurora] RunSetupSql', 'ProvisionResources']);
    expect(failed[0]!.note).toMatch(/^StepAccessDeniedError: rds-data:ExecuteStatement on arn:aws:rds:us-east-2:111111111111:cluster:rpcn-aurora-orders failed/);
    expect(failed[1]!.note).toBe('a branch failed');
    expect(steps.at(-1)).toMatchObject({ mark: '✓', label: 'RecordFailure' });
  });

  test('the outcome names the step, the error and the diagnosis with the catalogue entry\'s cause and fix', () => {
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'StepAccessDeniedError', failedState: 'RunSetupSql' });
    const explained = explainFailure(outcome!);
    expect(explained).toMatchObject({ step: 'RunSetupSql', error: 'StepAccessDeniedError', diagnosis: { id: 'aws-access-denied', title: 'An AWS call was denied' } });
    expect(explained.message).toMatch(/^rds-data:ExecuteStatement on .* is not authorized to perform: rds-data:ExecuteStatement/);
    const text = formatFailure('Provision', outcome!);
    expect(text[0]).toMatch(/^Provision FAILED after \d+m\d\ds at RunSetupSql: StepAccessDeniedError$/);
    expect(text).toContain('  diagnosis [aws-access-denied] An AWS call was denied');
    expect(text.find((l) => l.startsWith('  cause: '))).toMatch(/lacks permission/);
    expect(text.indexOf('  fix:')).toBeGreaterThan(0);
    expect(text.at(-1)).toMatch(/^ {4}- Grant the action/);
  });
});

describe('a long Aurora wait', () => {
  const { lines } = renderHistory(history(fixture('provision-long-wait')));
  const steps = lines.map(parse);
  const progress = steps.filter((s) => s.mark === '…' && s.label === '[aurora] CheckAurora');

  test('shows the cluster status at least once a minute, with the poll count, until the loop ends', () => {
    expect(progress.length).toBeGreaterThan(20);
    expect(progress[0]!.note).toBe('poll 1  cluster creating');
    expect(progress.some((p) => /cluster available$/.test(p.note))).toBe(true);
    const polls = progress.map((p) => Number(/^poll (\d+)/.exec(p.note)![1]));
    for (let i = 1; i < polls.length; i++) expect(polls[i]!).toBeGreaterThan(polls[i - 1]!);
    const at = progress.map((p) => seconds(p.elapsed));
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeLessThanOrEqual(60 + 30);
    const end = steps.find((s) => s.mark === '✓' && s.label === '[aurora] CheckAurora')!;
    expect(seconds(end.elapsed) - at.at(-1)!).toBeLessThanOrEqual(60 + 30);
    expect(seconds(end.took)).toBeGreaterThan(20 * 60);
  });

  test('without a minute passing, a poll prints only when what it saw changed', () => {
    const quiet: string[] = [];
    const view = new StepView({ out: (l) => quiet.push(l), shape, progressEveryMs: Number.MAX_SAFE_INTEGER });
    const mapper = new HistoryMapper();
    for (const e of history(fixture('provision-long-wait'))) view.push(mapper.map(e));
    expect(quiet.filter((l) => l.includes('… [aurora] CheckAurora')).map((l) => parse(l).note.replace(/^poll \d+ {2}/, ''))).toEqual(['cluster creating', 'cluster available']);
  });
});

// Small histories in the shapes AWS records: a Lambda retried (Failed → Scheduled), caught (Failed → the
// state's Exited), and the end of an execution.
describe('HistoryMapper', () => {
  const t = (s: number) => new Date(Date.UTC(2026, 0, 5, 9, 30, s));
  const lambdaCause = (type: string, message: string) => JSON.stringify({ errorType: type, errorMessage: message, trace: [`${type}: ${message}`] });
  const events: HistoryEvent[] = [
    { id: 1, previousEventId: 0, timestamp: t(0), type: 'ExecutionStarted', executionStartedEventDetails: { input: '{"link":"orders"}' } },
    { id: 2, previousEventId: 0, timestamp: t(0), type: 'PassStateEntered', stateEnteredEventDetails: { name: 'Start' } },
    { id: 3, previousEventId: 2, timestamp: t(0), type: 'PassStateExited', stateExitedEventDetails: { name: 'Start', output: '{}' } },
    { id: 4, previousEventId: 3, timestamp: t(0), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'BeginTeardown' } },
    { id: 5, previousEventId: 4, timestamp: t(0), type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: { resource: 'arn:aws:lambda:us-east-2:111111111111:function:x' } },
    { id: 6, previousEventId: 5, timestamp: t(1), type: 'LambdaFunctionStarted' },
    { id: 7, previousEventId: 6, timestamp: t(1), type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error: 'AwsThrottledError', cause: lambdaCause('AwsThrottledError', 'BeginTeardown: Rate exceeded') } },
    { id: 8, previousEventId: 7, timestamp: t(3), type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: { resource: 'arn:aws:lambda:us-east-2:111111111111:function:x' } },
    { id: 9, previousEventId: 8, timestamp: t(3), type: 'LambdaFunctionStarted' },
    { id: 10, previousEventId: 9, timestamp: t(4), type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error: 'LinkNotFoundError', cause: lambdaCause('LinkNotFoundError', 'BeginTeardown: link "orders" is not in the registry') } },
    { id: 11, previousEventId: 10, timestamp: t(4), type: 'TaskStateExited', stateExitedEventDetails: { name: 'BeginTeardown', output: '{"failure":{}}' } },
    { id: 12, previousEventId: 11, timestamp: t(4), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'RecordFailure' } },
    { id: 13, previousEventId: 12, timestamp: t(4), type: 'LambdaFunctionScheduled' },
    { id: 14, previousEventId: 13, timestamp: t(4), type: 'LambdaFunctionStarted' },
    { id: 15, previousEventId: 14, timestamp: t(5), type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output: '{}' } },
    { id: 16, previousEventId: 15, timestamp: t(5), type: 'TaskStateExited', stateExitedEventDetails: { name: 'RecordFailure', output: '{}' } },
    { id: 17, previousEventId: 16, timestamp: t(5), type: 'FailStateEntered', stateEnteredEventDetails: { name: 'TeardownFailed' } },
    { id: 18, previousEventId: 17, timestamp: t(5), type: 'ExecutionFailed', executionFailedEventDetails: { error: 'LinkNotFoundError', cause: 'BeginTeardown failed: link "orders" is not in the registry' } },
  ];

  test('recovers the state of each task event, retries and the final failure', () => {
    const mapper = new HistoryMapper();
    const mapped = events.map((e) => mapper.map(e)).filter(Boolean);
    expect(mapped.map((e) => e!.kind)).toEqual(['started', 'entered', 'exited', 'entered', 'taskFailed', 'retrying', 'taskFailed', 'exited', 'entered', 'exited', 'entered', 'failed']);
    expect(mapped[5]).toMatchObject({ kind: 'retrying', state: 'BeginTeardown', attempt: 1 });
    expect(mapped[6]).toMatchObject({ kind: 'taskFailed', state: 'BeginTeardown', error: 'LinkNotFoundError' });
    expect(mapper.lastEventId).toBe(18);
  });

  test('renders the retry, the caught failure and the end; events seen before are skipped', () => {
    const lines: string[] = [];
    const view = new StepView({ out: (l) => lines.push(l) });
    const mapper = new HistoryMapper();
    for (const e of events.slice(0, 9)) view.push(mapper.map(e));
    // The next poll fetches the history again from the start.
    for (const e of events) view.push(mapper.map(e));
    expect(lines.map((l) => parse(l)).map((s) => `${s.mark} ${s.label} ${s.note}`)).toEqual([
      '↻ BeginTeardown retry 1 after AwsThrottledError: Rate exceeded',
      '✗ BeginTeardown LinkNotFoundError: link "orders" is not in the registry',
      '✓ RecordFailure ',
    ]);
    expect(view.outcome).toMatchObject({ status: 'FAILED', error: 'LinkNotFoundError', failedState: 'BeginTeardown', durationMs: 5000 });
    expect(formatFailure('Teardown', view.outcome!)).toEqual(['Teardown FAILED after 5.00s at BeginTeardown: LinkNotFoundError', '  link "orders" is not in the registry']);
  });

  test('a redriven execution goes on after its first failure', () => {
    const lines: string[] = [];
    const view = new StepView({ out: (l) => lines.push(l) });
    const mapper = new HistoryMapper();
    const more: HistoryEvent[] = [
      { id: 19, previousEventId: 18, timestamp: t(40), type: 'ExecutionRedriven', executionRedrivenEventDetails: { redriveCount: 1 } },
      { id: 20, previousEventId: 19, timestamp: t(40), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'BeginTeardown' } },
      { id: 21, previousEventId: 20, timestamp: t(41), type: 'TaskStateExited', stateExitedEventDetails: { name: 'BeginTeardown', output: '{}' } },
      { id: 22, previousEventId: 21, timestamp: t(41), type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: '{"status":"deleted"}' } },
    ];
    for (const e of [...events, ...more]) view.push(mapper.map(e));
    expect(lines.some((l) => l.includes('⟳ redriven'))).toBe(true);
    expect(view.outcome).toMatchObject({ status: 'SUCCEEDED', output: { status: 'deleted' } });
  });
});

test('durations read like a stopwatch', () => {
  expect([0, 1234, 59_990, 61_000, 3_599_000, 3_720_000].map(formatDuration)).toEqual(['0.00s', '1.23s', '59.99s', '1m01s', '59m59s', '1h02m']);
});
