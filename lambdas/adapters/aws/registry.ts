// RegistryPort over DynamoDB (@aws-sdk/lib-dynamodb): table `Links`, partition key `name` (string).
// Parallel Provision branches write the same record at once, so every write is a single atomic
// UpdateExpression on the keys it changes (never read-modify-write of the whole item).
import {
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { LinkNotFoundError } from '../../core/errors.js';
import { VERDICT_HISTORY_LIMIT, type LinkLock, type LinkRecord, type LockAttempt, type RegistryPort, type VerdictRecord } from '../../ports/registry.js';
import { isAwsError, mapAwsError } from './errors.js';

type UpdatePatch = Parameters<RegistryPort['update']>[1];

export interface DynamoRegistryOptions {
  /** Clock for `updatedAt` (tests). */
  readonly now?: () => Date;
}

export class DynamoRegistryAdapter implements RegistryPort {
  private readonly now: () => Date;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoRegistryOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async get(name: string): Promise<LinkRecord | undefined> {
    try {
      const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { name }, ConsistentRead: true }));
      return out.Item === undefined ? undefined : toRecord(out.Item);
    } catch (e) {
      throw mapAwsError(e, { action: 'dynamodb:GetItem', resource: `${this.tableName}/${name}` });
    }
  }

  async ensure(record: LinkRecord): Promise<LinkRecord> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: plain(record),
          ConditionExpression: 'attribute_not_exists(#name)',
          ExpressionAttributeNames: { '#name': 'name' },
        }),
      );
      return record;
    } catch (e) {
      if (!isAwsError(e, 'ConditionalCheckFailedException')) {
        throw mapAwsError(e, { action: 'dynamodb:PutItem', resource: `${this.tableName}/${record.name}` });
      }
    }
    const existing = await this.get(record.name);
    // Only a concurrent delete gets here; the record is not there to return.
    if (existing === undefined) throw new LinkNotFoundError(`link "${record.name}" was deleted while it was being registered`);
    return existing;
  }

  async update(name: string, patch: UpdatePatch): Promise<LinkRecord> {
    const names: Record<string, string> = { '#name': 'name', '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':updatedAt': this.now().toISOString() };
    const sets = ['#updatedAt = :updatedAt'];
    const removes: string[] = [];

    for (const field of ['status', 'request', 'outputs', 'failure', 'accessKey'] as const) {
      if (!(field in patch)) continue;
      const value = patch[field];
      if (value !== undefined) {
        names[`#${field}`] = field;
        sets.push(`#${field} = :${field}`);
        values[`:${field}`] = plain(value);
      } else if (field === 'outputs' || field === 'failure' || field === 'accessKey') {
        // An explicit `failure: undefined` clears the last failure (a re-run that succeeded).
        names[`#${field}`] = field;
        removes.push(`#${field}`);
      }
    }

    // One path per owned key, so two branches recording different resources never overwrite each other.
    Object.entries(patch.owned ?? {}).forEach(([key, value], i) => {
      names['#owned'] = 'owned';
      names[`#o${i}`] = key;
      if (value === undefined) removes.push(`#owned.#o${i}`);
      else {
        sets.push(`#owned.#o${i} = :o${i}`);
        values[`:o${i}`] = plain(value);
      }
    });

    const expression = `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { name },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(#name)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (out.Attributes === undefined) throw new Error(`dynamodb:UpdateItem ${this.tableName}/${name} returned no attributes`);
      return toRecord(out.Attributes);
    } catch (e) {
      if (isAwsError(e, 'ConditionalCheckFailedException')) throw new LinkNotFoundError(`link "${name}" is not in the registry`, { cause: e });
      throw mapAwsError(e, { action: 'dynamodb:UpdateItem', resource: `${this.tableName}/${name}` });
    }
  }

  async appendVerdict(name: string, verdict: VerdictRecord): Promise<void> {
    let length: number;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { name },
          UpdateExpression: 'SET #verdicts = list_append(if_not_exists(#verdicts, :empty), :verdict)',
          ConditionExpression: 'attribute_exists(#name)',
          ExpressionAttributeNames: { '#name': 'name', '#verdicts': 'verdicts' },
          ExpressionAttributeValues: { ':empty': [], ':verdict': [plain(verdict)] },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const list: unknown = out.Attributes?.['verdicts'];
      length = Array.isArray(list) ? list.length : 0;
    } catch (e) {
      if (isAwsError(e, 'ConditionalCheckFailedException')) throw new LinkNotFoundError(`link "${name}" is not in the registry`, { cause: e });
      throw mapAwsError(e, { action: 'dynamodb:UpdateItem', resource: `${this.tableName}/${name}` });
    }
    if (length <= VERDICT_HISTORY_LIMIT) return;

    // Trim the oldest entries, but only if nobody appended since: a concurrent appender saw a longer list
    // and its own trim (conditioned on that length) removes the right number instead. Never over-trims.
    const excess = length - VERDICT_HISTORY_LIMIT;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { name },
          UpdateExpression: `REMOVE ${Array.from({ length: excess }, (_, i) => `#verdicts[${i}]`).join(', ')}`,
          ConditionExpression: 'size(#verdicts) = :length',
          ExpressionAttributeNames: { '#verdicts': 'verdicts' },
          ExpressionAttributeValues: { ':length': length },
        }),
      );
    } catch (e) {
      if (isAwsError(e, 'ConditionalCheckFailedException')) return;
      throw mapAwsError(e, { action: 'dynamodb:UpdateItem', resource: `${this.tableName}/${name}` });
    }
  }

  async acquireLock(name: string, lock: LinkLock, takeOverFrom?: string): Promise<LockAttempt> {
    const values: Record<string, unknown> = { ':lock': plain(lock), ':self': lock.executionArn };
    let free = 'attribute_not_exists(#lock) OR #lock.#execution = :self';
    if (takeOverFrom !== undefined) {
      free += ' OR #lock.#execution = :stale';
      values[':stale'] = takeOverFrom;
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { name },
          UpdateExpression: 'SET #lock = :lock',
          ConditionExpression: `attribute_exists(#name) AND (${free})`,
          ExpressionAttributeNames: { '#name': 'name', '#lock': 'lock', '#execution': 'executionArn' },
          ExpressionAttributeValues: values,
        }),
      );
      return { acquired: true };
    } catch (e) {
      if (!isAwsError(e, 'ConditionalCheckFailedException')) throw mapAwsError(e, { action: 'dynamodb:UpdateItem', resource: `${this.tableName}/${name}` });
    }
    const record = await this.get(name);
    if (record === undefined) throw new LinkNotFoundError(`link "${name}" is not in the registry`);
    // Released between the failed write and this read: the caller tries again.
    if (record.lock === undefined) return this.acquireLock(name, lock, takeOverFrom);
    return { acquired: false, holder: record.lock };
  }

  async releaseLock(name: string, executionArn: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { name },
          UpdateExpression: 'REMOVE #lock',
          ConditionExpression: '#lock.#execution = :self',
          ExpressionAttributeNames: { '#lock': 'lock', '#execution': 'executionArn' },
          ExpressionAttributeValues: { ':self': executionArn },
        }),
      );
      return true;
    } catch (e) {
      if (isAwsError(e, 'ConditionalCheckFailedException')) return false;
      throw mapAwsError(e, { action: 'dynamodb:UpdateItem', resource: `${this.tableName}/${name}` });
    }
  }

  async list(): Promise<readonly LinkRecord[]> {
    const records: LinkRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      try {
        const out = await this.doc.send(new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
        for (const item of out.Items ?? []) records.push(toRecord(item));
        startKey = out.LastEvaluatedKey;
      } catch (e) {
        throw mapAwsError(e, { action: 'dynamodb:Scan', resource: this.tableName });
      }
    } while (startKey !== undefined);
    return records;
  }
}

// Drops `undefined` (which the document client refuses unless configured otherwise) and copies the value.
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function toRecord(item: Record<string, unknown>): LinkRecord {
  return { ...item, owned: item['owned'] ?? {}, verdicts: item['verdicts'] ?? [] } as unknown as LinkRecord;
}
