import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient, SFNServiceException } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { SfnExecutions } from '../../lambdas/adapters/aws/executions.js';

const sfnMock = mockClient(SFNClient);
const meta = { $metadata: {} };
const ARN = 'arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-provision:orders-1';
const executions = () => new SfnExecutions(new SFNClient({ region: 'us-east-2' }));

beforeEach(() => sfnMock.reset());

test('the status DescribeExecution reports', async () => {
  sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', executionArn: ARN, stateMachineArn: 'x', startDate: new Date() });
  await expect(executions().status(ARN)).resolves.toBe('FAILED');
  expect(sfnMock.commandCalls(DescribeExecutionCommand)[0]!.args[0].input).toEqual({ executionArn: ARN });
});

test('an execution that does not exist (or is past retention) is undefined', async () => {
  sfnMock.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${ARN}'`, ...meta }));
  await expect(executions().status(ARN)).resolves.toBeUndefined();
});

test('a status this code does not know counts as running (the lock is not taken from it)', async () => {
  sfnMock.on(DescribeExecutionCommand).resolves({ status: 'SOMETHING_NEW' as 'RUNNING', executionArn: ARN, stateMachineArn: 'x', startDate: new Date() });
  await expect(executions().status(ARN)).resolves.toBe('RUNNING');
});

test('access denied is the named error', async () => {
  sfnMock.on(DescribeExecutionCommand).rejects(new SFNServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'not authorized', ...meta }));
  await expect(executions().status(ARN)).rejects.toMatchObject({ name: 'StepAccessDeniedError' });
});
