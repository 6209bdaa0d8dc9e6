// ExecutionsPort over Step Functions DescribeExecution: whether the execution holding a link's lock still runs.
import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStatus, ExecutionsPort } from '../../ports/executions.js';
import { isAwsError, mapAwsError } from './errors.js';

const KNOWN: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

export class SfnExecutions implements ExecutionsPort {
  constructor(private readonly sfn: Pick<SFNClient, 'send'>) {}

  async status(executionArn: string): Promise<ExecutionStatus | undefined> {
    try {
      const out = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
      const status = out.status as ExecutionStatus | undefined;
      // A status this code does not know is read as still running: the lock is not taken from it.
      return status !== undefined && KNOWN.includes(status) ? status : 'RUNNING';
    } catch (e) {
      if (isAwsError(e, 'ExecutionDoesNotExist')) return undefined;
      throw mapAwsError(e, { action: 'states:DescribeExecution', resource: executionArn });
    }
  }
}
