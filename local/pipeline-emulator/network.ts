// The network between a Redpanda Cloud pipeline and its database, EMULATED (docs/reference/redpanda-cloud.md §11).
// Before a CDC input opens its connection the emulator asks what a real dial would meet:
// - the DSN's host:port resolves (through the AWS twin) to the cluster's emulated address: public while its writer
//   is publicly accessible, else private;
// - a private address: the data-plane firewall drops it unless an entry of the cluster's
//   `redpanda_connect.allowed_destination_cidr_ports` (read live from the local server) covers address and port;
//   then the writer's subnet needs a route back to the Redpanda network (active peering or available TGW
//   attachment) and a security group admitting the Redpanda network's CIDR (pods use addresses from it) on the port;
// - a public address: a security group must admit the pipeline's egress address (the cluster's first NAT gateway).
// A dropped dial ends as the driver's `dial tcp <address>:<port>: i/o timeout`, at once rather than after the
// driver's dial timeout (the reconnect backoff paces the retries). The reason is kept for tests
// (PipelineEmulator.networkDrops), never written to the Connect logs: Connect cannot know it. Not emulated: the
// Redpanda side's routes (assumed in place), DNS (a private link's writer is assumed to resolve to its private
// address), NACLs, and the public path's internet gateway.
import { ipv4Range, isPrivateAddress, rangeContains } from '../ipv4.js';

/** Where a database endpoint leads and what lets traffic in: the AWS side (AwsTwin implements it). */
export interface EmulatorNetwork {
  /** The cluster listening at host:port and its emulated address; undefined when no emulated cluster is there. */
  resolveDatabase(target: DialTarget): { readonly clusterIdentifier: string; readonly address: string; readonly scope: 'private' | 'public' } | undefined;
  /** Why the cluster's VPC does not let `source` in on `port` (routes, then security groups); undefined when it does. */
  inboundProblem(clusterIdentifier: string, source: { readonly scope: 'private' | 'public'; readonly cidr: string }, port: number): string | undefined;
}

export interface DialTarget {
  readonly host: string;
  readonly port: number;
  /** Picks among MySQL clusters, which share one local server and port. */
  readonly database?: string;
}

/** One dial the emulated network dropped. */
export interface NetworkDrop {
  readonly pipelineId: string;
  readonly clusterIdentifier: string;
  readonly address: string;
  readonly port: number;
  /** Which check dropped it and why (the emulator's words; Connect only sees the timeout). */
  readonly reason: string;
  readonly at: string;
}

export interface AllowlistEntry {
  readonly cidr: string;
  readonly port_start: number;
  readonly port_end: number;
}

/** What a Go dialer reports when nothing answers before its deadline. */
export function dialTimeoutText(address: string, port: number): string {
  return `dial tcp ${address}:${port}: i/o timeout`;
}

/** Whether an allowlist entry admits `address` on `port` (`port_end` 0 means `port_start` alone). */
export function allowlistAdmits(entries: readonly AllowlistEntry[], address: string, port: number): boolean {
  const ip = ipv4Range(address, { bareAddress: true });
  if (ip === undefined) return false;
  return entries.some((e) => {
    const range = ipv4Range(e.cidr);
    return range !== undefined && rangeContains(range, ip) && port >= e.port_start && port <= (e.port_end || e.port_start);
  });
}

/**
 * Why a dial of `target` times out, undefined when it gets through or when no emulated cluster is there (then the
 * real connection decides, as before).
 */
export function dialProblem(input: {
  readonly network: EmulatorNetwork;
  readonly target: DialTarget;
  readonly allowlist: readonly AllowlistEntry[];
  /** The Redpanda network's CIDR: the source of a pod's private traffic. */
  readonly podCidr: string | undefined;
  /** The public address the pod's internet traffic leaves from. */
  readonly egressAddress: string | undefined;
}): Omit<NetworkDrop, 'pipelineId' | 'at'> | undefined {
  const resolved = input.network.resolveDatabase(input.target);
  if (resolved === undefined) return undefined;
  const { address, clusterIdentifier } = resolved;
  const port = input.target.port;
  const drop = (reason: string) => ({ clusterIdentifier, address, port, reason });
  if (isPrivateAddress(address)) {
    if (!allowlistAdmits(input.allowlist, address, port)) {
      return drop(`data-plane firewall: no entry of redpanda_connect.allowed_destination_cidr_ports admits ${address} port ${port}`);
    }
    if (input.podCidr === undefined) return drop('the Redpanda network has no CIDR the emulator knows, so no route or rule can admit its pods');
    const problem = input.network.inboundProblem(clusterIdentifier, { scope: 'private', cidr: input.podCidr }, port);
    return problem === undefined ? undefined : drop(problem);
  }
  if (input.egressAddress === undefined) return drop('the Redpanda cluster reports no NAT gateway address to reach a public database from');
  const problem = input.network.inboundProblem(clusterIdentifier, { scope: 'public', cidr: `${input.egressAddress}/32` }, port);
  return problem === undefined ? undefined : drop(problem);
}
