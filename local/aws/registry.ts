// The link registry in memory (the DynamoDB table `Links` in AWS), with the semantics of the DynamoDB adapter:
// ensure is create-if-missing, update merges `owned` key by key, an explicit `undefined` clears outputs or
// failure, verdicts keep the newest VERDICT_HISTORY_LIMIT; the link lock is a conditional write that fails
// with DynamoDB's ConditionalCheckFailedException ("The conditional request failed") when another execution
// holds it. Records are copied in and out, never shared.
import { LinkNotFoundError } from '../../lambdas/core/errors.js';
import { VERDICT_HISTORY_LIMIT, type LinkLock, type LinkRecord, type LockAttempt, type RegistryPort, type VerdictRecord } from '../../lambdas/ports/registry.js';
import { copy, hasCode, TwinAwsError, type Clock } from './common.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class InMemoryRegistry implements RegistryPort {
  private readonly records = new Map<string, LinkRecord>();

  constructor(private readonly clock: Clock) {}

  async get(name: string): Promise<LinkRecord | undefined> {
    const record = this.records.get(name);
    return record === undefined ? undefined : copy(record);
  }

  async ensure(record: LinkRecord): Promise<LinkRecord> {
    const existing = this.records.get(record.name);
    if (existing !== undefined) return copy(existing);
    const stored = copy({ ...record, owned: record.owned ?? {}, verdicts: record.verdicts ?? [] });
    this.records.set(record.name, stored);
    return copy(stored);
  }

  async update(name: string, patch: Parameters<RegistryPort['update']>[1]): Promise<LinkRecord> {
    const existing = this.records.get(name);
    if (existing === undefined) throw new LinkNotFoundError(`link "${name}" is not in the registry`);
    const next = copy(existing) as Mutable<LinkRecord>;
    for (const field of ['status', 'request', 'outputs', 'failure', 'accessKey'] as const) {
      if (!(field in patch)) continue;
      const value = patch[field];
      if (value !== undefined) (next as Record<string, unknown>)[field] = copy(value);
      // An explicit `failure: undefined` clears the last failure (a re-run that succeeded); likewise outputs.
      else if (field === 'outputs' || field === 'failure' || field === 'accessKey') delete (next as Record<string, unknown>)[field];
    }
    const owned: Record<string, unknown> = { ...next.owned };
    for (const [key, value] of Object.entries(patch.owned ?? {})) {
      if (value === undefined) delete owned[key];
      else owned[key] = copy(value);
    }
    next.owned = owned;
    next.updatedAt = this.clock().toISOString();
    this.records.set(name, next);
    return copy(next);
  }

  async appendVerdict(name: string, verdict: VerdictRecord): Promise<void> {
    const existing = this.records.get(name);
    if (existing === undefined) throw new LinkNotFoundError(`link "${name}" is not in the registry`);
    const verdicts = [...existing.verdicts, copy(verdict)].slice(-VERDICT_HISTORY_LIMIT);
    // Like the DynamoDB adapter, appending a verdict does not bump updatedAt.
    this.records.set(name, { ...existing, verdicts });
  }

  async list(): Promise<readonly LinkRecord[]> {
    return [...this.records.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((r) => copy(r));
  }

  async acquireLock(name: string, lock: LinkLock, takeOverFrom?: string): Promise<LockAttempt> {
    try {
      this.conditionalWrite(
        name,
        (r) => r.lock === undefined || r.lock.executionArn === lock.executionArn || (takeOverFrom !== undefined && r.lock.executionArn === takeOverFrom),
        (r) => ({ ...r, lock: copy(lock) }),
      );
      return { acquired: true };
    } catch (e) {
      if (!hasCode(e, 'ConditionalCheckFailedException')) throw e;
    }
    const record = this.records.get(name);
    if (record?.lock === undefined) throw new LinkNotFoundError(`link "${name}" is not in the registry`);
    return { acquired: false, holder: copy(record.lock) };
  }

  async releaseLock(name: string, executionArn: string): Promise<boolean> {
    try {
      this.conditionalWrite(
        name,
        (r) => r.lock?.executionArn === executionArn,
        (r) => {
          const { lock: _released, ...rest } = r;
          return rest;
        },
      );
      return true;
    } catch (e) {
      if (hasCode(e, 'ConditionalCheckFailedException')) return false;
      throw e;
    }
  }

  /** UpdateItem with a ConditionExpression: an absent item or a false condition fails as DynamoDB fails it. */
  private conditionalWrite(name: string, condition: (r: LinkRecord) => boolean, write: (r: LinkRecord) => LinkRecord): void {
    const existing = this.records.get(name);
    if (existing === undefined || !condition(existing)) {
      throw new TwinAwsError('ConditionalCheckFailedException', 'dynamodb:UpdateItem', `Links/${name}`, 'The conditional request failed');
    }
    this.records.set(name, write(existing));
  }

  /** Operator/test helper: remove a record (teardown's last step in the real workflow goes through update). */
  delete(name: string): void {
    this.records.delete(name);
  }

  snapshot(): unknown[] {
    return [...this.records.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((r) => copy(r));
  }
}
