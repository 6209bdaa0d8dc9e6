// Which Redpanda Connect a generated pipeline needs (docs/reference/redpanda-connect.md §4), and the
// comparison of Connect's semantic versions. Pure.
import type { LinkRequest } from './request.js';

export interface ConnectNeed {
  readonly version: string;
  /** What in the generated pipeline needs it, for the error message. */
  readonly because: string;
}

/**
 * The lowest Redpanda Connect the link's pipeline works on: `aws.roles[]` on both CDC inputs, the MySQL IAM
 * login, `tls` and `max_reconnect_attempts` came in 4.72.0; a MySQL snapshot longer than the 15-minute token
 * needs the token refresh of 4.89.0.
 */
export function requiredConnectVersion(request: Pick<LinkRequest, 'engine' | 'cdc'>): ConnectNeed {
  if (request.engine === 'aurora-mysql' && request.cdc.snapshot) {
    return { version: '4.89.0', because: 'mysql_cdc refreshes its IAM token after a snapshot longer than 15 minutes only from 4.89.0 on' };
  }
  return request.engine === 'aurora-mysql'
    ? { version: '4.72.0', because: 'mysql_cdc has aws.roles[], IAM login, tls and max_reconnect_attempts from 4.72.0 on' }
    : { version: '4.72.0', because: 'postgres_cdc has aws.roles[] from 4.72.0 on' };
}

/** `[major, minor, patch]` of `4.72.0`, `v4.72.0` or `4.72.0-rc1`; undefined when it is not a version. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(text.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** Negative when a < b, 0 when equal, positive when a > b; undefined when either is not a version. */
export function compareVersions(a: string, b: string): number | undefined {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (x === undefined || y === undefined) return undefined;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}
