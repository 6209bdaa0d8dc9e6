// The live step view of an execution, shared by `rpcn-aurora demo` (the twin's engine) and `rpcn-aurora watch`
// (GetExecutionHistory): one line per Task or Parallel state that ends, retries or fails, with the time since
// the execution started and the step's own duration. A polling loop (Wait + Choice around a Task) is one line
// when it ends, with its number of polls; while it runs, a progress line shows what the poll saw (the cluster's
// status, the pipeline's state) whenever that changes, and at least once a minute, so a 15-minute Aurora
// creation is never silent.
import { catalogueEntry, renderText, type RenderContext } from '../../lambdas/core/diagnosis.js';
import { causeMessage } from '../../lambdas/core/errors.js';
import { EMPTY_SHAPE, type MachineShape } from './definition.js';
import { isTerminal, type ExecutionEvent, type TerminalEvent } from './events.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface ExecutionOutcome {
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** The last state whose task failed for good, when one did. */
  readonly failedState?: string;
  readonly durationMs: number;
  /** State transitions, as Step Functions counts them (one per state entered). */
  readonly transitions: number;
}

export interface StepViewOptions {
  readonly out: (line: string) => void;
  /** Loops, branches and result paths of the machine (definition.ts). @default none known */
  readonly shape?: MachineShape;
  /** A loop that keeps polling prints a progress line at least this often (execution time). @default 60000 */
  readonly progressEveryMs?: number;
  /** Prefix of every line (nested executions are indented). @default '  ' */
  readonly indent?: string;
}

/** What a poll saw, by the Task's name: the noun for the value of the first of `status`, `state`, `verdict`. */
const PROGRESS_NOUN: Readonly<Record<string, string>> = {
  CheckAurora: 'cluster',
  CreatePipeline: 'pipeline',
  CheckPipeline: 'pipeline',
  Probe: 'probe',
};

const QUIET: ReadonlySet<string> = new Set(['Pass', 'Choice', 'Wait', 'Succeed', 'Fail']);

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A step's error message without the `<Step>: ` its handler puts first (the line names the step already). */
function stepMessage(state: string, cause: string | undefined): string {
  const message = causeMessage(cause);
  return message.startsWith(`${state}: `) ? message.slice(state.length + 2) : message;
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function pick(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

interface Loop {
  readonly first: number;
  polls: number;
  lastExit: number;
  note?: string;
  shownNote?: string;
  shownAt: number;
}

interface PendingFailure {
  readonly at: number;
  readonly error: string;
  readonly cause?: string;
}

export class StepView {
  private readonly out: (line: string) => void;
  private readonly shape: MachineShape;
  private readonly progressEveryMs: number;
  private readonly indent: string;
  private startedAt: number | undefined;
  private readonly enteredAt = new Map<string, number>();
  private readonly loops = new Map<string, Loop>();
  private readonly pending = new Map<string, PendingFailure>();
  private transitions = 0;
  private failedState: string | undefined;
  /** A branch failed: the Parallel state's exit (through its Catch) is a failure. */
  private branchFailed = false;
  private result: ExecutionOutcome | undefined;
  /** A nested execution the local engine runs inline (a rollback's Teardown); a real history has none. */
  private nested: StepView | undefined;

  constructor(options: StepViewOptions) {
    this.out = options.out;
    this.shape = options.shape ?? EMPTY_SHAPE;
    this.progressEveryMs = options.progressEveryMs ?? 60_000;
    this.indent = options.indent ?? '  ';
  }

  /** The execution's end, once its terminal event was pushed. */
  get outcome(): ExecutionOutcome | undefined {
    return this.result;
  }

  push(event: ExecutionEvent | undefined): void {
    if (!event) return;
    if (this.nested) {
      this.nested.push(event);
      if (this.nested.outcome) this.nested = undefined;
      return;
    }
    if (event.kind === 'started' && this.startedAt !== undefined && !this.result) {
      this.out(`${this.indent}${' '.repeat(9)}⤷ nested execution:`);
      this.nested = new StepView({ out: this.out, progressEveryMs: this.progressEveryMs, indent: `${this.indent}    ` });
      this.nested.push(event);
      return;
    }
    if (event.kind === 'redriven') {
      // A redriven execution goes on from its failed step: the history continues after its first end.
      this.result = undefined;
      this.pending.clear();
      this.out(`${this.indent}${this.elapsed(event.at)}  ⟳ redriven: resumes from the failed step`);
      return;
    }
    if (this.result) return;
    this.startedAt ??= event.at;
    switch (event.kind) {
      case 'entered':
        return this.entered(event.state, event.type, event.at);
      case 'exited':
        return this.exited(event.state, event.type, event.at, event.output);
      case 'taskFailed':
        this.pending.set(event.state, { at: event.at, error: event.error, ...(event.cause !== undefined ? { cause: event.cause } : {}) });
        return;
      case 'retrying': {
        const failure = this.pending.get(event.state);
        this.pending.delete(event.state);
        this.line(event.at, '↻', event.state, '', `retry ${event.attempt}${failure ? ` after ${failure.error}: ${clip(stepMessage(event.state, failure.cause), 100)}` : ''}`);
        return;
      }
      case 'branchFailed':
        this.branchFailed = true;
        return this.flushFailures();
      default:
        if (isTerminal(event)) this.finish(event);
    }
  }

  private elapsed(at: number): string {
    return formatDuration(at - (this.startedAt ?? at)).padStart(7);
  }

  private line(at: number, mark: string, state: string, took: string, note = ''): void {
    const branch = this.shape.branchOf.get(state);
    const label = `${branch ? `[${branch}] ` : ''}${state}`;
    this.out(`${this.indent}${this.elapsed(at)}  ${mark} ${label.padEnd(42)} ${took.padStart(6)}${note ? `  ${note}` : ''}`.trimEnd());
  }

  private entered(state: string, type: string, at: number): void {
    this.transitions++;
    for (const [task, loop] of this.loops) {
      const shape = this.shape.loops.get(task);
      if (shape?.exits.has(state)) {
        this.line(loop.lastExit, '✓', task, formatDuration(loop.lastExit - loop.first), `(${plural(loop.polls, 'poll')})${loop.note ? `  ${loop.note}` : ''}`);
        this.loops.delete(task);
      } else if (shape?.wait === state) {
        this.progress(task, loop, at);
      }
    }
    if (!QUIET.has(type) && !this.loops.has(state)) this.enteredAt.set(state, at);
  }

  private progress(task: string, loop: Loop, at: number): void {
    const changed = loop.note !== undefined && loop.note !== loop.shownNote;
    if (!changed && at - loop.shownAt < this.progressEveryMs) return;
    loop.shownNote = loop.note;
    loop.shownAt = at;
    this.line(at, '…', task, formatDuration(at - loop.first), `poll ${loop.polls}${loop.note ? `  ${loop.note}` : ''}`);
  }

  private exited(state: string, type: string, at: number, output: unknown): void {
    if (QUIET.has(type)) return;
    const failure = this.pending.get(state);
    if (failure) {
      // Caught: the state ends with its error (the Catch's next state records it).
      this.pending.delete(state);
      this.failed(state, failure);
      return;
    }
    if ((type === 'Parallel' || type === 'Map') && this.branchFailed) {
      this.branchFailed = false;
      this.line(at, '✗', state, formatDuration(at - (this.enteredAt.get(state) ?? at)), 'a branch failed');
      return;
    }
    if (this.shape.loops.has(state)) {
      const loop = this.loops.get(state) ?? { first: this.enteredAt.get(state) ?? at, polls: 0, lastExit: at, shownAt: this.enteredAt.get(state) ?? at };
      loop.polls++;
      loop.lastExit = at;
      const note = this.note(state, output);
      if (note !== undefined) loop.note = note;
      this.loops.set(state, loop);
      return;
    }
    this.line(at, '✓', state, formatDuration(at - (this.enteredAt.get(state) ?? at)));
  }

  /** What a poll of this Task saw, from its result in the state's output. */
  private note(state: string, output: unknown): string | undefined {
    const noun = PROGRESS_NOUN[state];
    if (!noun) return undefined;
    const result = pick(output, this.shape.resultPath.get(state) ?? []);
    for (const key of ['status', 'state', 'verdict']) {
      const value = pick(result, [key]);
      if (typeof value === 'string' && value !== '') return `${noun} ${value}`;
    }
    return undefined;
  }

  private failed(state: string, failure: PendingFailure): void {
    this.failedState = state;
    const loop = this.loops.get(state);
    this.loops.delete(state);
    const first = loop?.first ?? this.enteredAt.get(state) ?? failure.at;
    const polls = loop ? ` (${plural(loop.polls + 1, 'poll')})` : '';
    this.line(failure.at, '✗', state, formatDuration(failure.at - first), `${failure.error}${polls}: ${clip(stepMessage(state, failure.cause), 120)}`);
  }

  private flushFailures(): void {
    for (const [state, failure] of this.pending) this.failed(state, failure);
    this.pending.clear();
  }

  private finish(event: TerminalEvent): void {
    this.flushFailures();
    const status = ({ succeeded: 'SUCCEEDED', failed: 'FAILED', aborted: 'ABORTED', timedOut: 'TIMED_OUT' } as const)[event.kind];
    const base = { status, durationMs: event.at - (this.startedAt ?? event.at), transitions: this.transitions };
    this.result =
      event.kind === 'succeeded'
        ? { ...base, output: event.output }
        : {
            ...base,
            ...(event.error !== undefined ? { error: event.error } : {}),
            ...(event.cause !== undefined ? { cause: event.cause } : {}),
            ...(this.failedState !== undefined ? { failedState: this.failedState } : {}),
          };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A failure, explained: the failing step, its named error, the message, and the diagnosis RecordFailure attached
// (lambdas/handlers/record-failure.ts writes `<Step> failed: <message> | diagnosis [<id>] <title>. Fix: <fix>`),
// with the catalogue entry's cause and fix (lambdas/core/diagnosis.ts).
// ---------------------------------------------------------------------------------------------------------------

export interface ExplainedFailure {
  readonly step?: string;
  readonly error: string;
  readonly message: string;
  readonly diagnosis?: { readonly id: string; readonly title: string; readonly cause?: string; readonly fix: readonly string[] };
}

const RECORDED_CAUSE = /^([A-Za-z0-9]+) failed: ([\s\S]*?)(?: \| diagnosis \[([a-z0-9-]+)\] ([\s\S]*?)\. Fix: ([\s\S]*))?$/;

export function explainFailure(outcome: Pick<ExecutionOutcome, 'error' | 'cause' | 'failedState'>, ctx: RenderContext = {}): ExplainedFailure {
  const error = outcome.error ?? 'Error';
  const text = causeMessage(outcome.cause);
  const m = RECORDED_CAUSE.exec(text);
  if (!m) return { ...(outcome.failedState ? { step: outcome.failedState } : {}), error, message: text };
  const [, step, message, id, title, fix] = m;
  if (!id) return { step: step!, error, message: message! };
  const entry = catalogueEntry(id);
  return {
    step: step!,
    error,
    message: message!,
    diagnosis: {
      id,
      title: entry?.title ?? title!,
      ...(entry ? { cause: renderText(entry.cause, ctx) } : {}),
      fix: entry ? entry.fix.map((f) => renderText(f, ctx)) : [fix!],
    },
  };
}

export function formatFailure(workflow: string, outcome: ExecutionOutcome, ctx: RenderContext = {}): string[] {
  const f = explainFailure(outcome, ctx);
  const how = outcome.status === 'FAILED' ? 'FAILED' : outcome.status.replace('_', ' ');
  const lines = [`${workflow} ${how} after ${formatDuration(outcome.durationMs)}${f.step ? ` at ${f.step}` : ''}: ${f.error}`];
  if (f.message) lines.push(`  ${f.message}`);
  if (f.diagnosis) {
    lines.push(`  diagnosis [${f.diagnosis.id}] ${f.diagnosis.title}`);
    if (f.diagnosis.cause) lines.push(`  cause: ${f.diagnosis.cause}`);
    lines.push('  fix:', ...f.diagnosis.fix.map((x) => `    - ${x}`));
  }
  return lines;
}
