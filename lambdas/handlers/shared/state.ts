// The pieces of Provision state the steps pass along (statemachines/provision.asl.json). Nothing here is
// ever a secret value: secrets travel as ARNs and names only.
import { LINK_TAG_KEY, MANAGED_BY } from '../../core/naming.js';
import type { AllowlistEntry } from '../../core/network.js';
import type { LinkRequest, NetworkMode } from '../../core/request.js';
import type { AccessKeyRef } from '../../ports/registry.js';
import { DeadlineExceededError } from '../../core/errors.js';

/** Where a link lives: its name and the DB account and region it was provisioned in. */
export interface LinkRef {
  readonly name: string;
  readonly dbAccountId: string;
  readonly region: string;
}

/** How the pipeline reaches the database, as ValidateRequest resolved it (docs/reference/redpanda-cloud.md §11). */
export interface LinkNetwork {
  readonly mode: NetworkMode;
  /** What the link's security group admits: the egress addresses (public) or the Redpanda network's CIDR (private). */
  readonly ingressCidrs: readonly string[];
  /** `private`: the Redpanda network's CIDR. */
  readonly networkCidr?: string;
  /** `private`: the database's VPC and the allowlist entry admitting it on its port. */
  readonly dbVpcId?: string;
  readonly allowlistEntry?: AllowlistEntry;
}

/** What ValidateRequest learnt about the Redpanda cluster. */
export interface RedpandaClusterRef {
  readonly clusterId: string;
  readonly region: string;
  readonly natGateways: readonly string[];
  /** The cluster's egress addresses as /32 CIDRs (from `natGateways`); empty when it reports none. */
  readonly egressCidrs: readonly string[];
  readonly dataplaneApiUrl: string;
  readonly connectVersion?: string;
  readonly network: LinkNetwork;
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
  /** When CheckAurora rebooted the writer of a cluster this link created to apply its parameter group (once). */
  readonly writerRebootedAt?: string;
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

/** What the IAM branch hands on about the first hop; the same shape for every identity mode. */
export interface FirstHopOutcome {
  readonly mode: LinkRequest['identity']['mode'];
  /** The first hop is in place (key written, or policy applied). */
  readonly applied: boolean;
  /** The principal the db-connect role trusts. */
  readonly principalArn: string;
  /** `access-key`: the key in use (its id only) and whether this run replaced it (the pipeline must restart). */
  readonly accessKey?: AccessKeyRef;
  readonly keyReplaced?: boolean;
  /** Role modes: the role and policy, and what the operator runs when it was not applied. */
  readonly roleName?: string;
  readonly policyName?: string;
  readonly attachCommand?: string;
  readonly reason?: string;
}
