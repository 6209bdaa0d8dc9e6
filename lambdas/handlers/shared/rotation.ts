// What the Rotate steps pass along (statemachines/rotate.asl.json). Only ids, names and states: the new
// key's secret lives in the Redpanda secrets from the moment CreateNewKey writes it, and nowhere else.
import type { LinkRequest } from '../../core/request.js';
import type { AccessKeyRef } from '../../ports/registry.js';
import type { AuroraState, LinkRef, RedpandaClusterRef } from './state.js';

export interface RotationContext {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
  readonly aurora: AuroraState;
  readonly pipelineId: string;
  /** The key the pipeline reads now; absent when it is gone (a rotation that heals a deleted key). */
  readonly previous?: AccessKeyRef;
  /** `schedule`, `heal`, `manual`. */
  readonly trigger: string;
  readonly startedAt: string;
}

export interface NewKey {
  readonly key: AccessKeyRef;
}

export interface RotationSummary {
  readonly link: string;
  readonly accessKeyId: string;
  readonly slot: string;
  readonly previousAccessKeyId?: string;
  readonly rotatedAt: string;
  readonly trigger: string;
  /** From the pipeline's stop until the probe saw it stream again with the new key (an upper bound of the gap). */
  readonly restartToStreamingMs?: number;
}

export type RotationRequest = Pick<LinkRequest, 'name' | 'engine' | 'database' | 'redpanda' | 'identity' | 'cdc'>;
