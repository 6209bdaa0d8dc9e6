// What a pipeline run hands to its input and output emulations.
import type { DataPlaneState } from '../redpanda-cloud/state.js';
import type { StsSession } from '../aws/sts.js';
import type { EmulatorAws } from './iam-chain.js';
import type { LogLevel } from './logs.js';
import type { DialTarget } from './network.js';
import { Backoff } from './timing.js';

export type Side = 'input' | 'output' | 'root';

export interface RunContext {
  readonly pipelineId: string;
  readonly state: DataPlaneState;
  readonly aws: EmulatorAws;
  /** Region of the Redpanda cluster: what the pod's SDK default chain gives when `aws.region` is unset. */
  readonly defaultRegion: string;
  readonly pollMs: number;
  readonly reconnectMs: number;
  /** Aborted when the run stops. */
  readonly signal: AbortSignal;
  now(): Date;
  log(level: LogLevel, message: string, side: Side): void;
  /**
   * The pod's own AWS identity: an IRSA session (re-issued when it has expired, as the SDK's web identity
   * provider does), or undefined for a pod without one (a Redpanda Cloud pipeline, docs/reference/redpanda-cloud.md §10).
   */
  podSession(): StsSession | undefined;
  /** The public address the pipeline's AWS calls come from (the cluster's NAT gateway), for `aws:SourceIp`. */
  readonly egressAddress: string | undefined;
  /** Remember a credential the run handled, so no log record can ever carry it. */
  addSensitive(value: string): void;
  /** Emulated mysql_cdc checkpoint cache (in memory, survives runs of the same emulator). */
  readonly checkpoints: Map<string, string>;
  /**
   * What the emulated network does to a dial of the database: undefined when it gets through, else the address
   * it timed out on (network.ts). Called right before the connection is opened.
   */
  dial(target: DialTarget): { readonly address: string } | undefined;
}

export function newBackoff(ctx: RunContext): Backoff {
  return new Backoff(ctx.reconnectMs);
}

/** A message on its way from an input to the output. */
export interface OutgoingMessage {
  /** JSON text of the row, or '' (transaction markers carry no payload). */
  readonly value: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** The row, for `${! this.x }` in key/topic. */
  readonly row: unknown;
}
