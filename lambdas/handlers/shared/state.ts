// The pieces of Provision state the steps pass along (statemachines/provision.asl.json). Nothing here is
// ever a secret value: secrets travel as ARNs and names only.
import { LINK_TAG_KEY, MANAGED_BY } from '../../core/naming.js';
import type { LinkRequest } from '../../core/request.js';
import { DeadlineExceededError } from '../../core/errors.js';

/** Where a link lives: its name and the DB account and region it was provisioned in. */
export interface LinkRef {
  readonly name: string;
  readonly dbAccountId: string;
  readonly region: string;
}

/** What ValidateRequest learnt about the Redpanda cluster. */
export interface RedpandaClusterRef {
  readonly clusterId: string;
  readonly region: string;
  readonly natGateways: readonly string[];
  readonly dataplaneApiUrl: string;
}

export interface AuroraState {
  readonly clusterIdentifier: string;
  readonly clusterArn: string;
  readonly resourceId: string;
  readonly port: number;
  /** Whether this link created the cluster (false: adopted). */
  readonly created: boolean;
  readonly status: string;
  readonly ready: boolean;
  readonly endpoint?: string;
  readonly secretArn?: string;
  readonly securityGroupId?: string;
  /** ISO time after which waiting for the cluster fails. */
  readonly deadline: string;
}

/** Tags every AWS resource of a link carries. */
export function linkTags(request: Pick<LinkRequest, 'name'>): Record<string, string> {
  return { [LINK_TAG_KEY]: request.name, 'managed-by': MANAGED_BY };
}

export function isOwnedBy(tags: Readonly<Record<string, string>> | undefined, link: string): boolean {
  return tags?.[LINK_TAG_KEY] === link;
}

export function deadlineAfter(now: Date, ms: number): string {
  return new Date(now.getTime() + ms).toISOString();
}

export function assertBeforeDeadline(now: Date, deadline: string, what: string): void {
  if (now.getTime() > Date.parse(deadline)) {
    throw new DeadlineExceededError(`${what} did not happen before the deadline ${deadline}`);
  }
}
