// `__redpanda.connect.logs` records as Redpanda Connect's global Redpanda logger writes them
// (docs/reference/redpanda-cloud.md §7): key = pipeline id; value = a JSON object of message, level, time
// (RFC3339Nano), instance_id, pipeline_id and the slog attributes (here `label` and `path`). Go's json.Marshal of
// a map sorts the keys, so the value is written with sorted keys, like the example in docs/reference/redpanda-cloud.md §7.
import { randomBytes } from 'node:crypto';
import type { DataPlaneState } from '../redpanda-cloud/state.js';

export const LOGS_TOPIC = '__redpanda.connect.logs';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface ConnectLogRecord {
  readonly instance_id: string;
  readonly label: string;
  readonly level: LogLevel;
  readonly message: string;
  readonly path: string;
  readonly pipeline_id: string;
  readonly time: string;
}

/** Go's time.RFC3339Nano: fractional seconds without trailing zeros (none at all on a whole second). */
export function goRfc3339Nano(date: Date): string {
  const iso = date.toISOString();
  const [head, frac = ''] = iso.slice(0, -1).split('.');
  const trimmed = frac.replace(/0+$/, '');
  return `${head}${trimmed === '' ? '' : `.${trimmed}`}Z`;
}

/** An id shaped like Redpanda's instance and pipeline ids (20 characters of 0-9a-v). */
export function instanceId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return [...randomBytes(20)].map((b) => alphabet[b % 32]).join('');
}

/** The value JSON with sorted keys (json.Marshal of a Go map). */
export function recordJson(record: ConnectLogRecord): string {
  const sorted = Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify(sorted);
}

/** Make sure the logs topic exists in the data plane (Redpanda Cloud creates it with the cluster). */
export function ensureLogsTopic(state: DataPlaneState): void {
  if (!state.topics.has(LOGS_TOPIC)) {
    state.topics.set(LOGS_TOPIC, { name: LOGS_TOPIC, partitionCount: 1, replicationFactor: 3, configs: {} });
  }
}
