// Runs a committed ASL file with aws-local-stepfunctions (the real third-party engine), its Lambda ARNs
// routed to the very handlers the Lambdas run, built over whatever deps the caller passes (the offline
// twin's local adapters). Wait states and retry intervals are shortened so a run takes seconds.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import type { StepHandler } from '../../lambdas/handlers/shared/step.js';
import type { ExecutionStatus, ExecutionsPort } from '../../lambdas/ports/executions.js';

export type WorkflowName = 'provision' | 'validate' | 'teardown' | 'rotate';

/** One event of the engine's event log (the package does not export its type). */
export type EventLog = Awaited<ReturnType<ReturnType<StateMachine['run']>['eventLogs']['next']>>['value'] & {
  readonly type: string;
  readonly timestamp: number;
  readonly state?: { readonly name: string; readonly type: string; readonly input?: unknown; readonly output?: unknown };
  readonly Error?: string;
  readonly Cause?: string;
  readonly retry?: { readonly attempt: number };
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HandlerTable = Readonly<Record<string, StepHandler<any, any>>>;

export interface RunWorkflowOptions {
  readonly workflow: WorkflowName;
  readonly input: unknown;
  readonly handlers: HandlerTable;
  readonly executionName: string;
  /** Milliseconds a Wait state lasts per second it asks for (time scaling). @default 5 (a 30 s wait takes 150 ms) */
  readonly waitMsPerSecond?: number;
  /** Milliseconds before every retry. @default 10 */
  readonly retryMs?: number;
  /** Region and account the fake Lambda ARNs use. */
  readonly region?: string;
  readonly accountId?: string;
  readonly onEvent?: (event: EventLog) => void;
  /** Handlers of the workflows this one starts (`states:startExecution.sync:2`), e.g. Provision's rollback. */
  readonly nested?: Partial<Record<WorkflowName, HandlerTable>>;
  /** Awaited before a nested execution starts (the twin waits for step handlers still in flight). */
  readonly beforeNested?: () => Promise<void>;
  /** Results of nested executions, in order, for assertions and progress views. */
  readonly onNested?: (workflow: WorkflowName, result: WorkflowResult) => void;
  /** Where each execution's status is kept while it runs and after (what DescribeExecution answers). */
  readonly executions?: LocalExecutions;
}

/** DescribeExecution for the local engine: every execution it ran or runs, by `$$.Execution.Id`. */
export class LocalExecutions implements ExecutionsPort {
  private readonly statuses = new Map<string, ExecutionStatus>();

  async status(executionArn: string): Promise<ExecutionStatus | undefined> {
    return this.statuses.get(executionArn);
  }

  record(executionArn: string, status: ExecutionStatus): void {
    this.statuses.set(executionArn, status);
  }
}

export function executionArn(workflow: WorkflowName, executionName: string, region = 'us-east-2', accountId = '111111111111'): string {
  return `arn:aws:states:${region}:${accountId}:execution:${workflow}:${executionName}`;
}

export interface WorkflowResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly events: readonly EventLog[];
  /** State transitions as Step Functions counts them (one per state entered). */
  readonly transitions: number;
  readonly durationMs: number;
}

interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Seconds?: number;
  Branches?: { States: Record<string, AslState> }[];
  ItemProcessor?: { States: Record<string, AslState> };
  Iterator?: { States: Record<string, AslState> };
  Retry?: unknown[];
}

const PLACEHOLDER = /\$\{([A-Za-z0-9]+)FunctionArn\}/g;
const MACHINE_PLACEHOLDER = /\$\{([A-Za-z0-9]+)StateMachineArn\}/g;
const START_EXECUTION_SYNC = 'arn:aws:states:::states:startExecution.sync:2';

export function stateMachineArn(workflow: WorkflowName, region: string, accountId: string): string {
  return `arn:aws:states:${region}:${accountId}:stateMachine:rpcn-aurora-${workflow[0]!.toUpperCase()}${workflow.slice(1)}`;
}

export function aslPath(workflow: WorkflowName): string {
  return fileURLToPath(new URL(`../../statemachines/${workflow}.asl.json`, import.meta.url));
}

/** The ASL text with every `${<Step>FunctionArn}` replaced by a fake Lambda ARN, and the step of each ARN. */
export function substituteArns(text: string, region: string, accountId: string): { definition: string; stepOfArn: Map<string, string> } {
  const stepOfArn = new Map<string, string>();
  const definition = text
    .replace(PLACEHOLDER, (_m, step: string) => {
      const arn = `arn:aws:lambda:${region}:${accountId}:function:rpcn-aurora-${step}`;
      stepOfArn.set(arn, step);
      return arn;
    })
    .replace(MACHINE_PLACEHOLDER, (_m, machine: string) => stateMachineArn(machine.toLowerCase() as WorkflowName, region, accountId));
  return { definition, stepOfArn };
}

function walk(states: Record<string, AslState>, visit: (name: string, state: AslState) => void): void {
  for (const [name, state] of Object.entries(states)) {
    visit(name, state);
    for (const branch of state.Branches ?? []) walk(branch.States, visit);
    const inner = state.ItemProcessor ?? state.Iterator;
    if (inner) walk(inner.States, visit);
  }
}

function fakeContext(functionName: string, executionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionName,
    memoryLimitInMB: '256',
    awsRequestId: `${executionName}-${Math.random().toString(36).slice(2, 10)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'offline-twin',
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const machines = new Map<string, StateMachine>();

/** Run one execution to its end. */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowResult> {
  const region = options.region ?? 'us-east-2';
  const accountId = options.accountId ?? '111111111111';
  const { definition, stepOfArn } = substituteArns(readFileSync(aslPath(options.workflow), 'utf8'), region, accountId);
  const asl = JSON.parse(definition) as { States: Record<string, AslState> };

  const taskResourceLocalHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  walk(asl.States, (name, state) => {
    if (state.Type === 'Wait') waitTimeOverrides[name] = Math.max(1, Math.round((state.Seconds ?? 1) * (options.waitMsPerSecond ?? 5)));
    if (state.Retry) retryIntervalOverrides[name] = options.retryMs ?? 10;
    if (state.Type !== 'Task' || !state.Resource) return;
    if (state.Resource === START_EXECUTION_SYNC) {
      taskResourceLocalHandlers[name] = async (input) => {
        const { StateMachineArn, Input } = input as { StateMachineArn: string; Input: unknown };
        const workflow = (['provision', 'validate', 'teardown'] as const).find((w) => stateMachineArn(w, region, accountId) === StateMachineArn);
        const handlers = workflow ? options.nested?.[workflow] : undefined;
        if (!workflow || !handlers) throw new Error(`${options.workflow}: no local workflow for ${StateMachineArn}`);
        await options.beforeNested?.();
        const nested = await runWorkflow({ ...options, workflow, input: Input, handlers, executionName: `${options.executionName}-${workflow}` });
        options.onNested?.(workflow, nested);
        if (nested.status !== 'SUCCEEDED') {
          throw Object.assign(new Error(nested.cause ?? 'nested execution failed'), { name: 'States.TaskFailed' });
        }
        return { Status: 'SUCCEEDED', Output: nested.output };
      };
      return;
    }
    const step = stepOfArn.get(state.Resource);
    const handler = step ? options.handlers[step] : undefined;
    if (!step || !handler) throw new Error(`${options.workflow}: no local handler for state ${name} (${state.Resource})`);
    taskResourceLocalHandlers[name] = (input) => handler(input, fakeContext(`rpcn-aurora-${step}`, options.executionName));
  });

  let machine = machines.get(definition);
  if (!machine) {
    // Validation (asl-validator) costs ~0.1-0.3 s per construction: build each definition once.
    machine = new StateMachine(JSON.parse(definition), { validationOptions: { checkArn: true, checkPaths: true } });
    machines.set(definition, machine);
  }
  const started = Date.now();
  const id = executionArn(options.workflow, options.executionName, region, accountId);
  options.executions?.record(id, 'RUNNING');
  const execution = machine.run(options.input as never, {
    overrides: { taskResourceLocalHandlers: taskResourceLocalHandlers as never, waitTimeOverrides, retryIntervalOverrides },
    context: { Execution: { Name: options.executionName, Id: id } } as never,
  });
  const events: EventLog[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      events.push(event);
      options.onEvent?.(event);
    }
  })();
  let result: WorkflowResult;
  try {
    const output = await execution.result;
    result = { status: 'SUCCEEDED', output, events, transitions: 0, durationMs: Date.now() - started };
  } catch (e) {
    const err = e as { name?: string; message?: string; cause?: unknown };
    const failed = events.find((ev) => ev.type === 'ExecutionFailed') as { Error?: string; Cause?: string } | undefined;
    result = {
      status: 'FAILED',
      error: failed?.Error ?? err.name ?? 'Error',
      cause: failed?.Cause ?? err.message ?? String(e),
      events,
      transitions: 0,
      durationMs: Date.now() - started,
    };
  }
  await collecting;
  const failed = events.find((ev) => ev.type === 'ExecutionFailed') as { Error?: string; Cause?: string } | undefined;
  options.executions?.record(id, failed || result.status === 'FAILED' ? 'FAILED' : 'SUCCEEDED');
  return {
    ...result,
    ...(failed ? { status: 'FAILED' as const, error: failed.Error ?? result.error, cause: failed.Cause ?? result.cause } : {}),
    transitions: events.filter((ev) => ev.type === 'StateEntered').length,
  };
}
