// Starting and watching executions of the deployment's state machines. Names are deterministic and readable,
// `<workflow>-<link>-<yyyymmddThhmm>` (UTC), so a second start in the same minute finds the first execution
// instead of starting another; watching polls GetExecutionHistory with backoff and feeds the step view.
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { renderContextFromNames, type RenderContext } from '../../lambdas/core/diagnosis.js';
import { linkNames } from '../../lambdas/core/naming.js';
import { parseRequest } from '../../lambdas/core/request.js';
import { EXIT } from '../cli-support.js';
import { shapeOf } from '../view/definition.js';
import { HistoryMapper } from '../view/events.js';
import { StepView, type ExecutionOutcome } from '../view/steps.js';
import { CliError } from './errors.js';
import type { AwsClients, Deployment, Workflow } from './session.js';

/** Step Functions: 1-80 characters of letters, digits, `-` and `_`. */
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):execution:([A-Za-z0-9_-]+):([A-Za-z0-9_-]{1,80})$/;

export function minuteStamp(at: Date): string {
  return at.toISOString().slice(0, 16).replace(/[-:]/g, '');
}

export function executionName(workflow: Workflow, link: string, at: Date): string {
  const name = `${workflow.toLowerCase()}-${link}-${minuteStamp(at)}`;
  if (!EXECUTION_NAME.test(name)) throw new CliError(`"${name}" is not a valid execution name (link names are 3-31 of a-z, 0-9 and -)`, EXIT.usage);
  return name;
}

/** The ARN an execution of this state machine with this name has. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export interface ParsedExecutionArn {
  readonly region: string;
  readonly account: string;
  readonly stateMachine: string;
  readonly name: string;
  /** `provision`, `validate`, ... from `rpcn-aurora-<workflow>`. */
  readonly workflow: string;
}

export function parseExecutionArn(arn: string): ParsedExecutionArn | undefined {
  const m = EXECUTION_ARN.exec(arn);
  if (!m) return undefined;
  return { region: m[1]!, account: m[2]!, stateMachine: m[3]!, name: m[4]!, workflow: m[3]!.replace(/^rpcn-aurora-/, '') };
}

export interface Started {
  readonly arn: string;
  readonly name: string;
  /** Set when an execution of this name existed already (this minute): it is the one to watch. */
  readonly existing?: { readonly status: string; readonly startDate?: Date; readonly sameInput: boolean };
}

/**
 * Start `workflow` for `link`. Step Functions answers a repeated start with the same name and input while the
 * first runs with that execution; otherwise (ended, or another input) ExecutionAlreadyExists: both are
 * reported as the existing execution rather than as an error.
 */
export async function startExecution(d: Deployment, workflow: Workflow, link: string, input: unknown, now: Date): Promise<Started> {
  const stateMachineArn = d.stateMachineArn(workflow);
  const name = executionName(workflow, link, now);
  const arn = executionArnOf(stateMachineArn, name);
  try {
    const out = await d.clients.sfn().send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    const started = out.startDate;
    // The same start again while the first runs: Step Functions returns that execution (its own start time).
    if (started && now.getTime() - started.getTime() > 15_000) return { arn: out.executionArn ?? arn, name, existing: { status: 'RUNNING', startDate: started, sameInput: true } };
    return { arn: out.executionArn ?? arn, name };
  } catch (e) {
    if ((e as { name?: string }).name !== 'ExecutionAlreadyExists') {
      return d.clients.call('states:StartExecution', () => Promise.reject(e), { resource: stateMachineArn });
    }
  }
  const existing = await describeExecution(d.clients, arn);
  return {
    arn,
    name,
    existing: { status: existing.status ?? 'UNKNOWN', ...(existing.startDate ? { startDate: existing.startDate } : {}), sameInput: existing.input === JSON.stringify(input) },
  };
}

export function describeExecution(clients: AwsClients, arn: string): Promise<DescribeExecutionCommandOutput> {
  return clients.call('states:DescribeExecution', () => clients.sfn().send(new DescribeExecutionCommand({ executionArn: arn })), { resource: arn });
}

/**
 * Names of a link's executions: ours (`<workflow>-<link>-<minute>`), the validation router's
 * (`<link>-<trigger>-<minute>`) and the rotations the schedule or a heal started (lambdas/core/iam-events.ts).
 */
export function isExecutionOf(name: string, link: string): boolean {
  const minute = '\\d{8}T\\d{4}';
  const escaped = link.replace(/[^a-z0-9-]/g, '');
  return new RegExp(
    `^(?:(?:provision|validate|teardown|rotate|demo)-${escaped}-${minute}|${escaped}-(?:direct|schedule|iam-change)-${minute}|rotate-${escaped}-(?:schedule-\\d{8}|(?:heal|manual)-${minute}))$`,
  ).test(name);
}

/** The link's running execution (the newest if several), else its newest one; undefined when it has none. */
export async function latestExecutionOf(d: Deployment, link: string): Promise<string | undefined> {
  const found: { arn: string; running: boolean; start: number }[] = [];
  for (const workflow of ['Provision', 'Validate', 'Teardown', 'Rotate'] as const) {
    const stateMachineArn = d.stack.outputs[`${workflow}StateMachineArn`];
    if (!stateMachineArn) continue;
    const out = await d.clients.call('states:ListExecutions', () => d.clients.sfn().send(new ListExecutionsCommand({ stateMachineArn, maxResults: 100 })), {
      resource: stateMachineArn,
    });
    for (const e of out.executions ?? []) {
      if (e.executionArn && e.name && isExecutionOf(e.name, link)) {
        found.push({ arn: e.executionArn, running: e.status === 'RUNNING', start: e.startDate?.getTime() ?? 0 });
      }
    }
  }
  found.sort((a, b) => Number(b.running) - Number(a.running) || b.start - a.start);
  return found[0]?.arn;
}

export interface WatchIo {
  /** Where the live view goes (stderr). */
  readonly progress: (line: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onInterrupt: (handler: () => void) => () => void;
}

export interface WatchResult {
  /** Undefined when watching stopped before the execution ended (Ctrl-C). */
  readonly outcome?: ExecutionOutcome;
  readonly interrupted: boolean;
  readonly polls: number;
  /** The execution's input (ExecutionStarted). */
  readonly input?: unknown;
}

export interface PollPolicy {
  /** First delay, and the delay after a poll that brought new events. @default 2000 */
  readonly initialMs: number;
  /** Delays grow by this factor while nothing happens. @default 1.5 */
  readonly factor: number;
  /** @default 15000 */
  readonly maxMs: number;
}

export const DEFAULT_POLL: PollPolicy = { initialMs: 2000, factor: 1.5, maxMs: 15_000 };

/** The events after `afterId`, oldest first: newest-first pages until an event already seen. */
async function newEvents(clients: AwsClients, arn: string, afterId: number): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.call(
      'states:GetExecutionHistory',
      () => clients.sfn().send(new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 500, includeExecutionData: true, ...(nextToken ? { nextToken } : {}) })),
      { resource: arn },
    );
    for (const e of page.events ?? []) {
      if ((e.id ?? 0) <= afterId) return events.reverse();
      events.push(e);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return events.reverse();
}

/** Follow an execution until it ends (or Ctrl-C): the live step view on `io.progress`, polling with backoff. */
export async function watchExecution(clients: AwsClients, arn: string, io: WatchIo, poll: PollPolicy = DEFAULT_POLL): Promise<WatchResult> {
  const parsed = parseExecutionArn(arn);
  const view = new StepView({ out: io.progress, shape: shapeOf(parsed?.workflow ?? '') });
  const mapper = new HistoryMapper();
  let interrupted = false;
  let wake: (() => void) | undefined;
  const off = io.onInterrupt(() => {
    interrupted = true;
    wake?.();
  });
  let input: unknown;
  let polls = 0;
  let delay = poll.initialMs;
  try {
    while (!interrupted) {
      const events = await newEvents(clients, arn, mapper.lastEventId);
      polls++;
      for (const e of events) {
        const mapped = mapper.map(e);
        if (mapped?.kind === 'started') input = mapped.input;
        view.push(mapped);
      }
      if (view.outcome || interrupted) break;
      delay = events.length > 0 ? poll.initialMs : Math.min(poll.maxMs, Math.round(delay * poll.factor));
      await Promise.race([io.sleep(delay), new Promise<void>((r) => (wake = r))]);
    }
  } finally {
    off();
  }
  return { ...(view.outcome ? { outcome: view.outcome } : {}), interrupted: interrupted && !view.outcome, polls, ...(input !== undefined ? { input } : {}) };
}

/** Tokens for the diagnosis' commands, from what the execution was started with. */
export function renderContextOf(input: unknown, arn: string): RenderContext {
  const parsed = parseExecutionArn(arn);
  const request = parseRequest(input);
  if (request.ok && parsed) {
    const r = request.request;
    return renderContextFromNames(linkNames(r, parsed.account), {
      region: parsed.region,
      dbAccountId: parsed.account,
      redpandaAccountId: r.redpanda.accountId,
      redpandaClusterId: r.redpanda.clusterId,
      dbUser: r.cdc.user,
      database: r.database.databaseName,
      topic: r.redpanda.topic,
    });
  }
  const link = (input as { link?: unknown } | undefined)?.link;
  return {
    ...(typeof link === 'string' ? { '<link>': link } : {}),
    ...(parsed ? { '<region>': parsed.region, '<db-account>': parsed.account } : {}),
  };
}
