// One shape for the events of a Step Functions execution, whichever engine ran it: the offline twin's
// aws-local-stepfunctions event log (local/workflow/runner.ts) and the `GetExecutionHistory` events of a real
// execution both map into it, so one step view (./steps.ts) renders the demo and `rpcn-aurora watch`.
//
// The two feeds say the same things in different ways. A task that fails is followed by a retry, by the exit
// of its state (a Catch), or by the end of the branch or execution; the local engine names each of these,
// GetExecutionHistory only links each event to the one before it (`previousEventId`), from which the state of a
// task event and a retry (a new Scheduled after a Failed) are recovered here.
import type { HistoryEvent } from '@aws-sdk/client-sfn';

export type StateType = 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Parallel' | 'Map' | 'Succeed' | 'Fail';

export type ExecutionEvent =
  | { readonly kind: 'started'; readonly at: number; readonly input?: unknown }
  | { readonly kind: 'entered'; readonly at: number; readonly state: string; readonly type: StateType }
  | { readonly kind: 'exited'; readonly at: number; readonly state: string; readonly type: StateType; readonly output?: unknown }
  /** A task of the state failed (every attempt; a retry, a Catch or the end of the branch follows). */
  | { readonly kind: 'taskFailed'; readonly at: number; readonly state: string; readonly error: string; readonly cause?: string }
  /** The state runs its task again; `attempt` counts from 1. */
  | { readonly kind: 'retrying'; readonly at: number; readonly state: string; readonly attempt: number }
  /** A Parallel (or Map) state failed as a whole: its branches' failures are final. */
  | { readonly kind: 'branchFailed'; readonly at: number }
  | { readonly kind: 'succeeded'; readonly at: number; readonly output?: unknown }
  | { readonly kind: 'failed'; readonly at: number; readonly error: string; readonly cause?: string }
  | { readonly kind: 'aborted' | 'timedOut'; readonly at: number; readonly error?: string; readonly cause?: string }
  | { readonly kind: 'redriven'; readonly at: number };

export type TerminalEvent = Extract<ExecutionEvent, { kind: 'succeeded' | 'failed' | 'aborted' | 'timedOut' }>;

export function isTerminal(event: ExecutionEvent): event is TerminalEvent {
  return event.kind === 'succeeded' || event.kind === 'failed' || event.kind === 'aborted' || event.kind === 'timedOut';
}

const STATE_TYPES: ReadonlySet<string> = new Set(['Task', 'Pass', 'Choice', 'Wait', 'Parallel', 'Map', 'Succeed', 'Fail']);

function stateType(type: string): StateType {
  return (STATE_TYPES.has(type) ? type : 'Task') as StateType;
}

/** A cause as text: the engines hand over strings, objects (local) or JSON strings. */
export function causeText(cause: unknown): string | undefined {
  if (cause === undefined || cause === null || cause === '') return undefined;
  return typeof cause === 'string' ? cause : JSON.stringify(cause);
}

/** Parse a JSON payload of the history (inputs and outputs are strings there); undefined when truncated or not JSON. */
function parsePayload(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The offline twin: aws-local-stepfunctions' event log (its types are not exported; this is their shape).
// ---------------------------------------------------------------------------------------------------------------

export interface LocalEngineEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly state?: { readonly name: string; readonly type: string; readonly input?: unknown; readonly output?: unknown };
  readonly input?: unknown;
  readonly output?: unknown;
  readonly Error?: string;
  readonly Cause?: unknown;
  readonly retry?: { readonly attempt: number };
}

export function fromLocalEvent(event: LocalEngineEvent): ExecutionEvent | undefined {
  const at = event.timestamp;
  const state = event.state;
  switch (event.type) {
    case 'ExecutionStarted':
      return { kind: 'started', at, input: event.input };
    case 'ExecutionSucceeded':
      return { kind: 'succeeded', at, output: event.output };
    case 'ExecutionFailed':
      return { kind: 'failed', at, error: event.Error ?? 'Error', ...opt('cause', causeText(event.Cause)) };
    case 'ExecutionAborted':
      return { kind: 'aborted', at };
    case 'ExecutionTimeout':
      return { kind: 'timedOut', at, error: 'States.Timeout' };
    case 'ParallelBranchFailed':
    case 'MapIterationFailed':
      return { kind: 'branchFailed', at };
    case 'StateEntered':
      return state && { kind: 'entered', at, state: state.name, type: stateType(state.type) };
    case 'StateExited':
      return state && { kind: 'exited', at, state: state.name, type: stateType(state.type), output: state.output };
    case 'StateFailed':
      // A Parallel fails because a branch did; the branch's task failure is the one to show (as in a real history).
      // A Fail state ends the execution, whose own failure event follows.
      if (!state || state.type === 'Parallel' || state.type === 'Map' || state.type === 'Fail') return undefined;
      return { kind: 'taskFailed', at, state: state.name, error: event.Error ?? 'Error', ...opt('cause', causeText(event.Cause)) };
    case 'StateRetried':
      return state && { kind: 'retrying', at, state: state.name, attempt: event.retry?.attempt ?? 1 };
    default:
      // StateCaught (its exit follows), ParallelBranchStarted/Succeeded, MapIteration*: nothing to show.
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A real execution: GetExecutionHistory, in ascending order (feed each page as it comes; the mapper keeps the
// links between events).
// ---------------------------------------------------------------------------------------------------------------

const ENTERED = /^(\w+)StateEntered$/;
const EXITED = /^(\w+)StateExited$/;
/** Events of the task of a state (Lambda, service integration, activity), chained to its StateEntered. */
const TASK_EVENT = /^(LambdaFunction|Task|Activity)(Scheduled|Started|Submitted|Succeeded|Failed|TimedOut|StartFailed|ScheduleFailed|SubmitFailed)$/;
const TASK_FAILURE = new Set(['Failed', 'TimedOut', 'StartFailed', 'ScheduleFailed', 'SubmitFailed']);

function detailsOf(event: HistoryEvent): Record<string, unknown> {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') return value as Record<string, unknown>;
  }
  return {};
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export class HistoryMapper {
  /** State name of each StateEntered and task event, by event id. */
  private readonly stateOfEvent = new Map<number, string>();
  /** Failures of the current entry of each state. */
  private readonly failuresOf = new Map<string, number>();
  private readonly failureEvents = new Set<number>();
  private lastId = 0;

  /** Id of the last event mapped (to skip events already seen when a page is fetched again). */
  get lastEventId(): number {
    return this.lastId;
  }

  map(event: HistoryEvent): ExecutionEvent | undefined {
    const id = event.id ?? 0;
    if (id !== 0 && id <= this.lastId) return undefined;
    this.lastId = Math.max(this.lastId, id);
    const at = event.timestamp instanceof Date ? event.timestamp.getTime() : Number(event.timestamp ?? 0);
    const type = event.type ?? '';
    const d = detailsOf(event);
    const previous = event.previousEventId ?? 0;
    switch (type) {
      case 'ExecutionStarted':
        return { kind: 'started', at, input: parsePayload(d['input']) };
      case 'ExecutionSucceeded':
        return { kind: 'succeeded', at, output: parsePayload(d['output']) };
      case 'ExecutionFailed':
        return { kind: 'failed', at, error: str(d['error']) ?? 'Error', ...opt('cause', str(d['cause'])) };
      case 'ExecutionAborted':
        return { kind: 'aborted', at, ...opt('error', str(d['error'])), ...opt('cause', str(d['cause'])) };
      case 'ExecutionTimedOut':
        return { kind: 'timedOut', at, error: str(d['error']) ?? 'States.Timeout', ...opt('cause', str(d['cause'])) };
      case 'ExecutionRedriven':
        return { kind: 'redriven', at };
      case 'ParallelStateFailed':
      case 'MapStateFailed':
        return { kind: 'branchFailed', at };
    }
    const entered = ENTERED.exec(type);
    if (entered) {
      const name = str(d['name']) ?? '?';
      this.stateOfEvent.set(id, name);
      this.failuresOf.set(name, 0);
      return { kind: 'entered', at, state: name, type: stateType(entered[1]!) };
    }
    const exited = EXITED.exec(type);
    if (exited) return { kind: 'exited', at, state: str(d['name']) ?? '?', type: stateType(exited[1]!), output: parsePayload(d['output']) };
    const task = TASK_EVENT.exec(type);
    if (!task) return undefined;
    const state = this.stateOfEvent.get(previous);
    if (state === undefined) return undefined;
    this.stateOfEvent.set(id, state);
    const phase = task[2]!;
    if (TASK_FAILURE.has(phase)) {
      this.failureEvents.add(id);
      this.failuresOf.set(state, (this.failuresOf.get(state) ?? 0) + 1);
      return { kind: 'taskFailed', at, state, error: str(d['error']) ?? `States.${phase === 'TimedOut' ? 'Timeout' : 'TaskFailed'}`, ...opt('cause', str(d['cause'])) };
    }
    if (phase === 'Scheduled' && this.failureEvents.has(previous)) {
      return { kind: 'retrying', at, state, attempt: this.failuresOf.get(state) ?? 1 };
    }
    return undefined;
  }
}
