// What provision, validate, rotate, teardown and watch share: start an execution (or find the one started
// this minute), follow it with the live step view on stderr, and end with its result on stdout, or its
// failure with the named error and the diagnosis. Ctrl-C stops the watching, never the execution.
import type { LinkSummary } from '../../lambdas/handlers/record-link.js';
import type { TeardownReport } from '../../lambdas/handlers/finish-teardown.js';
import type { ValidationSummary } from '../../lambdas/handlers/record-verdict.js';
import { parseExecutionArn, renderContextOf, startExecution, watchExecution, type WatchResult } from '../aws/executions.js';
import type { Deployment, Workflow } from '../aws/session.js';
import { EXIT, nowOf, onInterruptOf, printJson, sleepOf, type Io } from '../cli-support.js';
import { formatLinkSummary, formatTeardownReport, formatValidation } from '../view/results.js';
import { explainFailure, formatDuration, formatFailure } from '../view/steps.js';

export interface RunOptions {
  readonly workflow: Workflow;
  readonly link: string;
  readonly input: unknown;
  readonly watch: boolean;
  readonly json: boolean;
}

const title = (workflow: string) => `${workflow[0]!.toUpperCase()}${workflow.slice(1)}`;

function ago(from: Date | undefined, now: Date): string {
  return from ? `${formatDuration(Math.max(0, now.getTime() - from.getTime()))} ago` : 'earlier';
}

export async function startAndWatch(io: Io, d: Deployment, options: RunOptions): Promise<number> {
  const now = nowOf(io)();
  const started = await startExecution(d, options.workflow, options.link, options.input, now);
  const watchCommand = `rpcn-aurora watch ${started.arn}${d.flags}`;
  if (started.existing) {
    const { status, startDate, sameInput } = started.existing;
    io.err(
      `${options.workflow} execution ${started.name} exists already (${status}, started ${ago(startDate, now)}${sameInput ? '' : ', with another input'}): ${
        status === 'RUNNING' ? 'following it' : 'showing it; start again in the next minute for a new execution'
      }`,
    );
  } else {
    io.err(`Started ${options.workflow} ${started.name}`);
  }
  io.err(`  ${started.arn}`);
  if (!options.watch) {
    if (options.json) printJson(io, { executionArn: started.arn, name: started.name, existing: started.existing ?? null, watch: watchCommand });
    else io.out(started.arn);
    io.err(`watch it: ${watchCommand}`);
    return EXIT.ok;
  }
  return watchAndReport(io, d, started.arn, options.json);
}

/** Follow an execution to its end and print the result; the exit code of the command. */
export async function watchAndReport(io: Io, d: Deployment, arn: string, json: boolean): Promise<number> {
  const workflow = parseExecutionArn(arn)?.workflow ?? 'execution';
  io.err('');
  const result: WatchResult = await watchExecution(d.clients, arn, { progress: (l) => io.err(l), sleep: sleepOf(io), onInterrupt: onInterruptOf(io) });
  if (!result.outcome) {
    io.err(`\nStopped watching; the execution goes on in AWS. Resume: rpcn-aurora watch ${arn}${d.flags}`);
    if (json) printJson(io, { executionArn: arn, status: 'RUNNING', watching: false });
    return EXIT.findings;
  }
  const outcome = result.outcome;
  if (outcome.status !== 'SUCCEEDED') {
    io.err('');
    for (const line of formatFailure(title(workflow), outcome, renderContextOf(result.input, arn))) io.err(line);
    if (workflow === 'provision') io.err(`After fixing the cause, resume from the failed step: aws stepfunctions redrive-execution --execution-arn ${arn} --region ${d.region}${d.clients.profile ? ` --profile ${d.clients.profile}` : ""}`);
    if (json) {
      const f = explainFailure(outcome, renderContextOf(result.input, arn));
      printJson(io, { executionArn: arn, status: outcome.status, error: f.error, cause: f.message, step: f.step ?? null, diagnosis: f.diagnosis ?? null, durationMs: outcome.durationMs });
    }
    return EXIT.findings;
  }
  io.err(`\n${title(workflow)} succeeded in ${formatDuration(outcome.durationMs)}: ${outcome.transitions} state transitions.`);
  const { lines, exitCode } = successOf(workflow, outcome.output);
  if (json) printJson(io, { executionArn: arn, status: outcome.status, output: outcome.output ?? null, durationMs: outcome.durationMs });
  else for (const line of lines) io.out(line);
  return exitCode;
}

/** The result lines of a workflow's output, and whether it is a finding (a drifted verdict). */
function successOf(workflow: string, output: unknown): { lines: string[]; exitCode: number } {
  const o = (output ?? {}) as Record<string, unknown>;
  if (workflow === 'provision' && typeof o['pipelineId'] === 'string') return { lines: formatLinkSummary(o as unknown as LinkSummary), exitCode: EXIT.ok };
  if (workflow === 'teardown' && Array.isArray(o['deleted'])) return { lines: formatTeardownReport(o as unknown as TeardownReport), exitCode: EXIT.ok };
  if (workflow === 'validate' && typeof o['verdict'] === 'string') {
    const v = o as unknown as ValidationSummary;
    return { lines: formatValidation(v), exitCode: v.verdict === 'healthy' ? EXIT.ok : EXIT.findings };
  }
  return { lines: Object.entries(o).map(([k, v]) => `  ${k.padEnd(18)}${typeof v === 'string' ? v : JSON.stringify(v)}`), exitCode: EXIT.ok };
}
