// The link registry (DynamoDB table `Links` in AWS; in memory in the offline twin). One record per link:
// the normalized request, what this link created (the ownership ledger teardown trusts, together with
// tags), its outputs, the last failure and a bounded history of validation verdicts.
import type { KeySlot } from '../core/naming.js';
import type { LinkRequest } from '../core/request.js';

/** `action-required`: provisioned, waiting for the one operator action (the pipeline-role policy). */
export type LinkStatus = 'provisioning' | 'ready' | 'action-required' | 'failed' | 'deleting' | 'deleted';

/** What this link created; teardown deletes only what is recorded here and tagged as the link's. */
export interface OwnedResources {
  parameterGroup?: string;
  cluster?: string;
  writerInstance?: string;
  securityGroupId?: string;
  ingressCidrs?: string[];
  dbConnectRole?: string;
  pipelineRolePolicy?: string;
  /** Identity mode `access-key`: the connector user (its keys and policy go with it). */
  connectorUser?: string;
  /** The egress addresses (CIDRs) the connector user's policy admits. */
  egressCidrs?: string[];
  /** `network: private`: the cluster egress allowlist entry this link relies on (removed when the last link that does goes). */
  allowlistEntry?: { cidr: string; portStart: number; portEnd: number };
  databaseUser?: string;
  publication?: string;
  slot?: string;
  topic?: string;
  checkpointTopic?: string;
  redpandaUser?: string;
  acls?: boolean;
  redpandaSecrets?: string[];
  pipelineId?: string;
  saslPasswordSecret?: string;
}

export interface LinkFailure {
  readonly step: string;
  readonly error: string;
  readonly cause: string;
  readonly diagnosis?: { readonly id: string; readonly title: string; readonly fix: string };
  readonly at: string;
}

export interface VerdictRecord {
  readonly at: string;
  readonly trigger: string;
  readonly verdict: 'healthy' | 'drifted' | 'unknown';
  readonly findings: readonly { readonly id: string; readonly message: string; readonly fix?: string }[];
  readonly actions: readonly string[];
}

/** One access key of the connector user: its id only (the secret lives in Redpanda secrets, nowhere else). */
export interface AccessKeyRef {
  readonly accessKeyId: string;
  /** Which pair of Redpanda secrets holds it. */
  readonly slot: KeySlot;
  readonly createdAt: string;
}

/** Identity mode `access-key`: the key the pipeline uses, and a rotation's new key until it is proven. */
export interface AccessKeyState {
  readonly current?: AccessKeyRef;
  /** Written to its slot's secrets, not yet proven by a running pipeline (during a rotation). */
  readonly pending?: AccessKeyRef;
  /**
   * Set just before CreateAccessKey and cleared once the key is recorded: a key of the user created after this
   * and recorded nowhere is a leftover of a crashed invocation (ours to delete), not someone else's key.
   */
  readonly creating?: { readonly startedAt: string; readonly slot: KeySlot };
  readonly lastRotatedAt?: string;
}

/**
 * Which execution is changing the link now (Provision, Teardown, Rotate): taken with a conditional write at the
 * start, released at the end of its success and failure paths, so two of them never interleave on one link.
 */
export interface LinkLock {
  /** `$$.Execution.Id` of the holder: DescribeExecution tells whether it still runs. */
  readonly executionArn: string;
  readonly workflow: 'provision' | 'teardown' | 'rotate';
  /** ISO time; a lock older than LINK_LOCK_TTL_MS is stale whatever DescribeExecution says. */
  readonly takenAt: string;
}

export type LockAttempt = { readonly acquired: true } | { readonly acquired: false; readonly holder: LinkLock };

export interface LinkRecord {
  readonly name: string;
  readonly status: LinkStatus;
  readonly request: LinkRequest;
  readonly dbAccountId: string;
  readonly region: string;
  readonly owned: OwnedResources;
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly accessKey?: AccessKeyState;
  readonly failure?: LinkFailure;
  readonly verdicts: readonly VerdictRecord[];
  readonly lock?: LinkLock;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** At most this many verdicts are kept per link. */
export const VERDICT_HISTORY_LIMIT = 50;

export interface RegistryPort {
  get(name: string): Promise<LinkRecord | undefined>;
  /** Create the record if missing (status `provisioning`), else return the existing one unchanged. */
  ensure(record: LinkRecord): Promise<LinkRecord>;
  /** Merge `owned` keys, replace the other given fields; bumps updatedAt. */
  update(
    name: string,
    patch: Partial<Pick<LinkRecord, 'status' | 'outputs' | 'failure' | 'request' | 'accessKey'>> & { readonly owned?: Partial<OwnedResources> },
  ): Promise<LinkRecord>;
  /** Append a verdict, keeping the newest VERDICT_HISTORY_LIMIT. */
  appendVerdict(name: string, verdict: VerdictRecord): Promise<void>;
  list(): Promise<readonly LinkRecord[]>;
  /**
   * Take the link's lock for `lock.executionArn`: succeeds when nobody holds it, the same execution does (a
   * retried step), or `takeOverFrom` does (a holder found finished or stale). Otherwise answers the holder.
   */
  acquireLock(name: string, lock: LinkLock, takeOverFrom?: string): Promise<LockAttempt>;
  /** Release the lock if `executionArn` holds it; false when it does not (released already, or taken over). */
  releaseLock(name: string, executionArn: string): Promise<boolean>;
}
