import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { DynamoRegistryAdapter } from '../../lambdas/adapters/aws/registry.js';
import { assertRequest } from '../../lambdas/core/request.js';
import { VERDICT_HISTORY_LIMIT, type LinkRecord, type VerdictRecord } from '../../lambdas/ports/registry.js';

const docMock = mockClient(DynamoDBDocumentClient);
const meta = { $metadata: {} };
const TABLE = 'Links';
const NOW = new Date('2025-01-02T03:04:05.000Z');
const adapter = () => new DynamoRegistryAdapter(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-2' })), TABLE, { now: () => NOW });
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', ...meta });

const request = assertRequest(JSON.parse(readFileSync(new URL('../../examples/postgres.json', import.meta.url), 'utf8')));
const record: LinkRecord = {
  name: 'orders',
  status: 'provisioning',
  request,
  dbAccountId: '111111111111',
  region: 'us-east-2',
  owned: {},
  verdicts: [],
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};
const verdict: VerdictRecord = { at: '2025-01-02T00:00:00.000Z', trigger: 'schedule', verdict: 'healthy', findings: [], actions: [] };

beforeEach(() => docMock.reset());

describe('get / list', () => {
  test('get reads consistently by name and fills absent owned/verdicts', async () => {
    const { owned: _o, verdicts: _v, ...stored } = record;
    docMock.on(GetCommand).resolves({ Item: stored });
    await expect(adapter().get('orders')).resolves.toEqual(record);
    expect(docMock.commandCalls(GetCommand)[0]!.args[0].input).toEqual({ TableName: TABLE, Key: { name: 'orders' }, ConsistentRead: true });
  });

  test('get of an unknown link is undefined', async () => {
    docMock.on(GetCommand).resolves({});
    await expect(adapter().get('nope')).resolves.toBeUndefined();
  });

  test('list scans every page', async () => {
    docMock
      .on(ScanCommand)
      .resolvesOnce({ Items: [record], LastEvaluatedKey: { name: 'orders' } })
      .resolvesOnce({ Items: [{ ...record, name: 'payments' }] });
    const all = await adapter().list();
    expect(all.map((r) => r.name)).toEqual(['orders', 'payments']);
    expect(docMock.commandCalls(ScanCommand)[1]!.args[0].input.ExclusiveStartKey).toEqual({ name: 'orders' });
  });

  test('throttling is AwsThrottledError', async () => {
    docMock.on(ScanCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow', ...meta }));
    await expect(adapter().list()).rejects.toMatchObject({ name: 'AwsThrottledError' });
  });
});

describe('ensure', () => {
  test('puts the record only if no record by that name exists', async () => {
    docMock.on(PutCommand).resolves({});
    await expect(adapter().ensure(record)).resolves.toEqual(record);
    expect(docMock.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Item: record,
      ConditionExpression: 'attribute_not_exists(#name)',
      ExpressionAttributeNames: { '#name': 'name' },
    });
  });

  test('undefined fields are not sent (the document client would refuse them)', async () => {
    docMock.on(PutCommand).resolves({});
    await adapter().ensure({ ...record, outputs: undefined });
    expect(docMock.commandCalls(PutCommand)[0]!.args[0].input.Item).not.toHaveProperty('outputs');
  });

  test('an existing record is returned unchanged', async () => {
    const existing = { ...record, status: 'ready' as const };
    docMock.on(PutCommand).rejects(conditionFailed());
    docMock.on(GetCommand).resolves({ Item: existing });
    await expect(adapter().ensure(record)).resolves.toEqual(existing);
  });
});

describe('update', () => {
  test('sets each owned key by its own path (safe for parallel branches), the given fields and updatedAt', async () => {
    const updated = { ...record, status: 'ready', owned: { cluster: 'rpcn-aurora-orders', ingressCidrs: ['203.0.113.10/32'] } };
    docMock.on(UpdateCommand).resolves({ Attributes: updated });
    const out = await adapter().update('orders', { status: 'ready', owned: { cluster: 'rpcn-aurora-orders', ingressCidrs: ['203.0.113.10/32'] } });
    expect(out).toEqual(updated);
    expect(docMock.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { name: 'orders' },
      UpdateExpression: 'SET #updatedAt = :updatedAt, #status = :status, #owned.#o0 = :o0, #owned.#o1 = :o1',
      ConditionExpression: 'attribute_exists(#name)',
      ExpressionAttributeNames: { '#name': 'name', '#updatedAt': 'updatedAt', '#status': 'status', '#owned': 'owned', '#o0': 'cluster', '#o1': 'ingressCidrs' },
      ExpressionAttributeValues: { ':updatedAt': NOW.toISOString(), ':status': 'ready', ':o0': 'rpcn-aurora-orders', ':o1': ['203.0.113.10/32'] },
      ReturnValues: 'ALL_NEW',
    });
  });

  test('two branches recording different keys send disjoint paths, never the whole owned map', async () => {
    docMock.on(UpdateCommand).resolves({ Attributes: record });
    await Promise.all([adapter().update('orders', { owned: { cluster: 'c' } }), adapter().update('orders', { owned: { dbConnectRole: 'r' } })]);
    const expressions = docMock.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    for (const e of expressions) expect(e.UpdateExpression).not.toMatch(/#owned =/);
    expect(expressions.map((e) => e.ExpressionAttributeNames?.['#o0']).sort()).toEqual(['cluster', 'dbConnectRole']);
  });

  test('an explicit undefined clears a failure or an owned key', async () => {
    docMock.on(UpdateCommand).resolves({ Attributes: record });
    await adapter().update('orders', { failure: undefined, owned: { pipelineId: undefined } });
    const input = docMock.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.UpdateExpression).toBe('SET #updatedAt = :updatedAt REMOVE #failure, #owned.#o0');
    expect(input.ExpressionAttributeNames).toEqual({ '#name': 'name', '#updatedAt': 'updatedAt', '#failure': 'failure', '#owned': 'owned', '#o0': 'pipelineId' });
  });

  test('an unknown link is LinkNotFoundError', async () => {
    docMock.on(UpdateCommand).rejects(conditionFailed());
    await expect(adapter().update('nope', { status: 'failed' })).rejects.toMatchObject({ name: 'LinkNotFoundError' });
  });
});

describe('appendVerdict', () => {
  test('appends with list_append and does not trim under the limit', async () => {
    docMock.on(UpdateCommand).resolves({ Attributes: { verdicts: [verdict] } });
    await adapter().appendVerdict('orders', verdict);
    const calls = docMock.commandCalls(UpdateCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { name: 'orders' },
      UpdateExpression: 'SET #verdicts = list_append(if_not_exists(#verdicts, :empty), :verdict)',
      ConditionExpression: 'attribute_exists(#name)',
      ExpressionAttributeNames: { '#name': 'name', '#verdicts': 'verdicts' },
      ExpressionAttributeValues: { ':empty': [], ':verdict': [verdict] },
      ReturnValues: 'UPDATED_NEW',
    });
  });

  test('over the limit, removes the oldest entries conditioned on the length it saw', async () => {
    const seen = VERDICT_HISTORY_LIMIT + 2;
    docMock.on(UpdateCommand).resolvesOnce({ Attributes: { verdicts: Array.from({ length: seen }, () => verdict) } }).resolves({});
    await adapter().appendVerdict('orders', verdict);
    expect(docMock.commandCalls(UpdateCommand)[1]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { name: 'orders' },
      UpdateExpression: 'REMOVE #verdicts[0], #verdicts[1]',
      ConditionExpression: 'size(#verdicts) = :length',
      ExpressionAttributeNames: { '#verdicts': 'verdicts' },
      ExpressionAttributeValues: { ':length': seen },
    });
  });

  test('a concurrent append (trim condition fails) is left to that appender’s trim', async () => {
    docMock
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: { verdicts: Array.from({ length: VERDICT_HISTORY_LIMIT + 1 }, () => verdict) } })
      .rejects(conditionFailed());
    await expect(adapter().appendVerdict('orders', verdict)).resolves.toBeUndefined();
  });

  test('an unknown link is LinkNotFoundError', async () => {
    docMock.on(UpdateCommand).rejects(conditionFailed());
    await expect(adapter().appendVerdict('nope', verdict)).rejects.toMatchObject({ name: 'LinkNotFoundError' });
  });
});

describe('the link lock', () => {
  const PROVISION = 'arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-provision:orders-1';
  const TEARDOWN = 'arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-teardown:orders-2';
  const lock = { executionArn: TEARDOWN, workflow: 'teardown' as const, takenAt: NOW.toISOString() };
  const held = { executionArn: PROVISION, workflow: 'provision' as const, takenAt: '2025-01-02T03:00:00.000Z' };

  test('taken with one conditional write: free, or already ours', async () => {
    docMock.on(UpdateCommand).resolves({});
    await expect(adapter().acquireLock('orders', lock)).resolves.toEqual({ acquired: true });
    expect(docMock.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { name: 'orders' },
      UpdateExpression: 'SET #lock = :lock',
      ConditionExpression: 'attribute_exists(#name) AND (attribute_not_exists(#lock) OR #lock.#execution = :self)',
      ExpressionAttributeNames: { '#name': 'name', '#lock': 'lock', '#execution': 'executionArn' },
      ExpressionAttributeValues: { ':lock': lock, ':self': TEARDOWN },
    });
  });

  test('held by another execution: ConditionalCheckFailedException, and the answer names the holder', async () => {
    docMock.on(UpdateCommand).rejects(conditionFailed());
    docMock.on(GetCommand).resolves({ Item: { ...record, lock: held } });
    await expect(adapter().acquireLock('orders', lock)).resolves.toEqual({ acquired: false, holder: held });
  });

  test('taking over a finished holder adds it to the condition, so a newer holder still wins', async () => {
    docMock.on(UpdateCommand).resolves({});
    await adapter().acquireLock('orders', lock, PROVISION);
    const input = docMock.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toBe('attribute_exists(#name) AND (attribute_not_exists(#lock) OR #lock.#execution = :self OR #lock.#execution = :stale)');
    expect(input.ExpressionAttributeValues).toEqual({ ':lock': lock, ':self': TEARDOWN, ':stale': PROVISION });
  });

  test('released only by its holder', async () => {
    docMock.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    await expect(adapter().releaseLock('orders', PROVISION)).resolves.toBe(true);
    expect(docMock.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      UpdateExpression: 'REMOVE #lock',
      ConditionExpression: '#lock.#execution = :self',
      ExpressionAttributeValues: { ':self': PROVISION },
    });
    await expect(adapter().releaseLock('orders', PROVISION)).resolves.toBe(false);
  });

  test('a link not in the registry is LinkNotFoundError', async () => {
    docMock.on(UpdateCommand).rejects(conditionFailed());
    docMock.on(GetCommand).resolves({});
    await expect(adapter().acquireLock('orders', lock)).rejects.toMatchObject({ name: 'LinkNotFoundError' });
  });
});
