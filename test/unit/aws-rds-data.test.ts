import {
  BadRequestException,
  DatabaseErrorException,
  DatabaseResumingException,
  DatabaseUnavailableException,
  HttpEndpointNotEnabledException,
  InternalServerErrorException,
  ServiceUnavailableError,
  StatementTimeoutException,
  ExecuteStatementCommand,
  RDSDataClient,
  RDSDataServiceException,
} from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import { RdsDataSqlAdapter } from '../../lambdas/adapters/aws/rds-data.js';
import type { SqlTarget } from '../../lambdas/ports/sql.js';

const dataMock = mockClient(RDSDataClient);
const adapter = () => new RdsDataSqlAdapter(new RDSDataClient({ region: 'us-east-2' }));
const meta = { $metadata: {} };

const target: SqlTarget = {
  clusterArn: 'arn:aws:rds:us-east-2:111111111111:cluster:rpcn-aurora-orders',
  secretArn: 'arn:aws:secretsmanager:us-east-2:111111111111:secret:rds!cluster-1',
  database: 'demo_db',
};

beforeEach(() => dataMock.reset());

test('one statement per call, JSON records, no continueAfterTimeout for plain queries', async () => {
  dataMock.on(ExecuteStatementCommand).resolves({ formattedRecords: '[{"rolname":"rpcn_orders","is_member":true,"n":2,"note":null}]' });
  const out = await adapter().execute(target, 'SELECT rolname FROM pg_roles WHERE rolname = \'rpcn_orders\'');
  expect(out.rows).toEqual([{ rolname: 'rpcn_orders', is_member: true, n: 2, note: null }]);
  expect(dataMock.commandCalls(ExecuteStatementCommand)[0]!.args[0].input).toEqual({
    resourceArn: target.clusterArn,
    secretArn: target.secretArn,
    database: 'demo_db',
    sql: "SELECT rolname FROM pg_roles WHERE rolname = 'rpcn_orders'",
    formatRecordsAs: 'JSON',
  });
});

test('ddl asks the Data API to continue after its timeout', async () => {
  dataMock.on(ExecuteStatementCommand).resolves({ numberOfRecordsUpdated: 0 });
  const out = await adapter().execute(target, 'CREATE PUBLICATION pglog_stream_rpcn_orders FOR TABLE public.orders', { ddl: true });
  expect(out.rows).toEqual([]);
  expect(dataMock.commandCalls(ExecuteStatementCommand)[0]!.args[0].input.continueAfterTimeout).toBe(true);
});

test('array and struct values stay JSON text', async () => {
  dataMock.on(ExecuteStatementCommand).resolves({ formattedRecords: '[{"tables":["orders","items"],"obj":{"a":1}}]' });
  const out = await adapter().execute(target, 'SELECT 1');
  expect(out.rows).toEqual([{ tables: '["orders","items"]', obj: '{"a":1}' }]);
});

test('an empty result set is no rows', async () => {
  dataMock.on(ExecuteStatementCommand).resolves({ formattedRecords: '[]' });
  await expect(adapter().execute(target, 'SELECT 1 WHERE false')).resolves.toEqual({ rows: [] });
});

test('DatabaseResumingException -> DatabaseResumingError (retried)', async () => {
  dataMock.on(ExecuteStatementCommand).rejects(new DatabaseResumingException({ message: 'The database is resuming', ...meta }));
  await expect(adapter().execute(target, 'SELECT 1')).rejects.toMatchObject({ name: 'DatabaseResumingError' });
});

test.each([
  ['DatabaseUnavailableException', () => new DatabaseUnavailableException({ message: 'The writer instance is not available', ...meta })],
  ['HttpEndpointNotEnabledException', () => new HttpEndpointNotEnabledException({ message: "HttpEndpoint isn't enabled for cluster rpcn-aurora-orders", ...meta })],
  ['StatementTimeoutException', () => new StatementTimeoutException({ message: 'Statement timed out', dbConnectionId: 7, ...meta })],
  ['ServiceUnavailableError', () => new ServiceUnavailableError({ message: 'Service unavailable', ...meta })],
  ['InternalServerErrorException', () => new InternalServerErrorException({ message: 'Internal error', ...meta })],
])('%s -> DataApiUnavailableError (retried), the statement named', async (_name, make) => {
  const original = make();
  dataMock.on(ExecuteStatementCommand).rejects(original);
  const err = await adapter()
    .execute(target, 'CREATE PUBLICATION pglog_stream_x FOR TABLE public.orders', { ddl: true })
    .then(() => undefined, (e: Error) => e);
  expect(err).toMatchObject({ name: 'DataApiUnavailableError', cause: original });
  expect(err?.message).toContain(`${_name}: `);
  expect(err?.message).toContain('CREATE PUBLICATION pglog_stream_x');
});

test.each([
  ['BadRequestException', () => new BadRequestException({ message: 'ERROR: syntax error at or near "PUBLICATON"', ...meta })],
  ['DatabaseErrorException', () => new DatabaseErrorException({ message: 'ERROR: relation "public.nope" does not exist; SQLState: 42P01', ...meta })],
])('%s is permanent: it keeps its AWS name (not retried)', async (name, make) => {
  dataMock.on(ExecuteStatementCommand).rejects(make());
  await expect(adapter().execute(target, 'SELECT 1')).rejects.toMatchObject({ name });
});

test('a SQL error is fatal, keeps its AWS name and says which statement without its literals', async () => {
  dataMock.on(ExecuteStatementCommand).rejects(new BadRequestException({ message: 'ERROR: syntax error', ...meta }));
  const err = await adapter()
    .execute(target, "ALTER ROLE someone PASSWORD 'never-in-a-message'")
    .then(() => undefined, (e: Error) => e);
  expect(err?.name).toBe('BadRequestException');
  expect(err?.message).toContain('ALTER ROLE someone');
  expect(err?.message).not.toContain('never-in-a-message');
});

test('throttling and access denied map to named errors', async () => {
  dataMock.on(ExecuteStatementCommand).rejects(new RDSDataServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'slow', ...meta }));
  await expect(adapter().execute(target, 'SELECT 1')).rejects.toMatchObject({ name: 'AwsThrottledError' });
  dataMock.on(ExecuteStatementCommand).rejects(new RDSDataServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'no', ...meta }));
  await expect(adapter().execute(target, 'SELECT 1')).rejects.toMatchObject({ name: 'StepAccessDeniedError' });
});
