// Shared bits of the in-memory AWS twin (docs/architecture.md#the-offline-twin-local): ids, ARNs, copies and the error
// shapes the real adapters (lambdas/adapters/aws) let through, so a handler sees the same thing offline.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export type Clock = () => Date;

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function randomString(length: number, alphabet: string = UPPER_ALNUM): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

export const uuid = (): string => randomUUID();

/** `cluster-` + 26 upper-case letters/digits, the shape of a real DbClusterResourceId. */
export function clusterResourceId(): string {
  return `cluster-${randomString(26)}`;
}

/** `db-` + 26, the shape of a DbiResourceId. */
export function instanceResourceId(): string {
  return `db-${randomString(26)}`;
}

/** Secrets Manager appends `-` and 6 random characters to a secret's name in its ARN. */
export function secretSuffix(): string {
  return randomString(6, `${LOWER_ALNUM}ABCDEFGHIJKLMNOPQRSTUVWXYZ`);
}

/** Deterministic IAM unique id (`AROA…`, `AIDA…`) derived from the ARN, so events are reproducible. */
export function uniqueId(prefix: 'AROA' | 'AIDA' | 'ANPA', arn: string): string {
  const digest = createHash('sha256').update(arn).digest();
  let out = prefix;
  for (let i = 0; i < 17; i++) out += UPPER_ALNUM[digest[i]! % UPPER_ALNUM.length];
  return out;
}

/** CloudTrail prints times to the second: `2026-01-02T03:04:05Z`. */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** JSON deep copy: stored state never shares objects with callers. */
export function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function sortedRecord<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key]!;
  return out;
}

export function accountOfArn(arn: string): string {
  return arn.split(':')[4] ?? '';
}

export function roleArn(account: string, name: string): string {
  return `arn:aws:iam::${account}:role/${name}`;
}

export interface ParsedRoleArn {
  readonly account: string;
  readonly name: string;
}

/** `arn:aws:iam::<acct>:role/[path/]<name>`; undefined for anything else. */
export function parseRoleArn(arn: string): ParsedRoleArn | undefined {
  const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]{1,64})$/.exec(arn);
  return m ? { account: m[1]!, name: m[2]! } : undefined;
}

export interface ParsedSessionArn {
  readonly account: string;
  readonly roleName: string;
  readonly sessionName: string;
}

/** `arn:aws:sts::<acct>:assumed-role/<role>/<session>`; undefined for anything else. */
export function parseSessionArn(arn: string): ParsedSessionArn | undefined {
  const m = /^arn:aws:sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64})$/.exec(arn);
  return m ? { account: m[1]!, roleName: m[2]!, sessionName: m[3]! } : undefined;
}

export function sessionArn(account: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
}

/**
 * An AWS service error as the adapters let it through: `name` is the AWS error code (so an ASL `Catch` can
 * match on it) and the message reads `<action> on <resource> failed: <code>: <AWS message>`, the format of
 * mapAwsError's pass-through branch (lambdas/adapters/aws/errors.ts).
 */
export class TwinAwsError extends Error {
  readonly code: string;
  /** AWS's own message, without the action prefix. */
  readonly awsMessage: string;
  constructor(code: string, action: string, resource: string | undefined, awsMessage: string) {
    super(`${resource === undefined ? action : `${action} on ${resource}`} failed: ${code}: ${awsMessage}`);
    this.name = code;
    this.code = code;
    this.awsMessage = awsMessage;
  }
}

/** Whether `error` carries one of these codes (TwinAwsError or any Error named like an AWS code). */
export function hasCode(error: unknown, ...codes: readonly string[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown };
  return codes.some((c) => e.name === c || e.code === c);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
