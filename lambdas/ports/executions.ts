// Step Functions executions as the lock sees them: whether the execution holding a link's lock still runs
// (states:DescribeExecution in AWS; the local engine's own record of its runs in the offline twin).

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface ExecutionsPort {
  /** The execution's status, or undefined when there is no such execution (never existed, or past retention). */
  status(executionArn: string): Promise<ExecutionStatus | undefined>;
}
