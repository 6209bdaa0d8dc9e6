// The Retry contract between the named errors (lambdas/core/errors.ts) and the state machines: every Lambda
// Task retries every transient name, each retrier is bounded, and permanent names are never retried.
import { readdirSync, readFileSync } from 'node:fs';
import { OWN_CREATE_PROPAGATION_MS } from '../../lambdas/adapters/aws/errors.js';
import { TRANSIENT_AWS_ERRORS } from '../../lambdas/core/errors.js';
import { STATEMACHINES_DIR } from '../../lib/constructs/workflow-state-machine.js';
import { STEP_ACCESS, type StepAccess } from '../../lib/permissions.js';

interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}
interface State {
  readonly Type: string;
  readonly Resource?: string;
  readonly TimeoutSeconds?: number;
  readonly Retry?: readonly Retrier[];
  readonly Branches?: readonly { readonly States: Readonly<Record<string, State>> }[];
}

function lambdaTasks(): { machine: string; name: string; state: State }[] {
  const out: { machine: string; name: string; state: State }[] = [];
  const walk = (machine: string, states: Readonly<Record<string, State>>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task' && /FunctionArn\}$/.test(state.Resource ?? '')) out.push({ machine, name, state });
      for (const branch of state.Branches ?? []) walk(machine, branch.States);
    }
  };
  for (const file of readdirSync(STATEMACHINES_DIR).filter((f) => f.endsWith('.asl.json'))) {
    walk(file, (JSON.parse(readFileSync(`${STATEMACHINES_DIR}${file}`, 'utf8')) as { States: Record<string, State> }).States);
  }
  return out;
}

/** The most seconds a retrier waits in total before giving up (Step Functions' defaults: 1 s, 3 attempts, 2.0). */
export function retrierBudgetSeconds(r: Retrier): number {
  let total = 0;
  for (let attempt = 0; attempt < (r.MaxAttempts ?? 3); attempt++) {
    const wait = (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** attempt;
    total += r.MaxDelaySeconds === undefined ? wait : Math.min(wait, r.MaxDelaySeconds);
  }
  return total;
}

const retrierOf = (state: State, name: string) => state.Retry?.find((r) => r.ErrorEquals.includes(name) || r.ErrorEquals.includes('States.ALL'));
const tasks = lambdaTasks();

test('the machines have Lambda Tasks (the scan is not empty)', () => {
  expect(tasks.length).toBeGreaterThan(30);
});

describe.each(TRANSIENT_AWS_ERRORS)('%s', (name) => {
  test.each(tasks.map((t) => [`${t.machine} ${t.name}`, t.state] as const))('is retried by %s, with a bounded budget', (_label, state) => {
    const retrier = retrierOf(state, name);
    expect(retrier).toBeDefined();
    expect(retrier!.MaxAttempts).toBeGreaterThan(0);
    expect(retrierBudgetSeconds(retrier!)).toBeLessThanOrEqual(600);
  });
});

test('DataApiUnavailableError is retried for a couple of minutes: long enough for a freshly enabled HTTP endpoint', () => {
  for (const { machine, name, state } of tasks) {
    const budget = retrierBudgetSeconds(retrierOf(state, 'DataApiUnavailableError')!);
    expect(`${machine} ${name} ${budget >= 120 && budget <= 300}`).toBe(`${machine} ${name} true`);
  }
});

test.each(['BadRequestException', 'DatabaseErrorException', 'StepAccessDeniedError', 'ResourceConflictError'])('permanent %s is retried by no Task', (name) => {
  for (const { machine, name: step, state } of tasks) expect(`${machine} ${step} ${retrierOf(state, name) === undefined}`).toBe(`${machine} ${step} true`);
});

// A Lambda timeout (or a lost invocation) leaves no trace of how far the step got, so only steps whose re-run
// converges may be retried on it. Recording a verdict appends to the link's history and publishes a metric
// point: a retry after a timeout that did record would count the verdict twice.
const NOT_IDEMPOTENT = ['RecordVerdict', 'RecordVerdictAfterHealing'];
const LAMBDA_TIMEOUTS = ['Lambda.ClientExecutionTimeoutException', 'States.Timeout', 'Sandbox.Timedout'];

describe('Lambda timeouts', () => {
  test('the steps not retried on a timeout are exactly the non-idempotent ones', () => {
    const notRetried = [...new Set(tasks.filter((t) => LAMBDA_TIMEOUTS.some((n) => retrierOf(t.state, n) === undefined)).map((t) => t.name))].sort();
    expect(notRetried).toEqual(NOT_IDEMPOTENT);
  });

  test.each(tasks.filter((t) => !NOT_IDEMPOTENT.includes(t.name)).map((t) => [`${t.machine} ${t.name}`, t.state] as const))(
    '%s retries Lambda.ClientExecutionTimeoutException, States.Timeout and Sandbox.Timedout, boundedly',
    (_label, state) => {
      for (const name of LAMBDA_TIMEOUTS) {
        const retrier = retrierOf(state, name);
        expect(retrier).toBeDefined();
        expect(retrierBudgetSeconds(retrier!)).toBeLessThanOrEqual(600);
      }
    },
  );

  test.each(tasks.map((t) => [`${t.machine} ${t.name}`, t.state] as const))("%s: the Task's TimeoutSeconds is a little more than its Lambda's timeout", (_label, state) => {
    const step = /^\$\{(\w+)FunctionArn\}$/.exec(state.Resource!)![1]!;
    const lambdaTimeout = (STEP_ACCESS as Record<string, StepAccess>)[step]!.timeoutSeconds ?? 60;
    // The Lambda's own timeout fires first (Sandbox.Timedout); States.Timeout only for an invocation that is lost.
    expect(state.TimeoutSeconds).toBeGreaterThan(lambdaTimeout);
    expect(state.TimeoutSeconds).toBeLessThanOrEqual(lambdaTimeout + 60);
  });
});

test.each(tasks.map((t) => [`${t.machine} ${t.name}`, t.state] as const))(
  '%s retries IamPropagationError longer than AccessDenied after an own create counts as propagation, and boundedly',
  (_label, state) => {
    // Past OWN_CREATE_PROPAGATION_MS the adapter answers AccessStillDeniedError, which is not retried: the
    // retrier must last at least that long so the named error, not a propagation error, ends the step.
    const budget = retrierBudgetSeconds(retrierOf(state, 'IamPropagationError')!);
    expect(budget).toBeGreaterThan(OWN_CREATE_PROPAGATION_MS / 1000);
    expect(budget).toBeLessThanOrEqual(300);
  },
);

test('AccessStillDeniedError and TrustPrincipalNotFoundError are permanent: retried by no Task', () => {
  for (const { machine, name, state } of tasks) {
    for (const error of ['AccessStillDeniedError', 'TrustPrincipalNotFoundError']) expect(`${machine} ${name} ${error} ${retrierOf(state, error) === undefined}`).toBe(`${machine} ${name} ${error} true`);
  }
});
