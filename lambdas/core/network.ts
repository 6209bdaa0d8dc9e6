// How a Redpanda Cloud pipeline reaches the database (docs/reference/redpanda-cloud.md §11): over the internet to a
// public cluster, admitted by its security group from the Redpanda cluster's egress addresses; or privately (VPC
// peering, Transit Gateway), admitted by the cluster's egress allowlist (the data-plane firewall blocks private
// destinations without an entry) and by a security-group rule from the Redpanda network's CIDR. Pure: IPv4
// CIDR arithmetic, the checks of the addresses a request may carry, and the allowlist merge.

/** The data-plane firewall's allowlist holds at most this many entries per cluster. */
export const ALLOWLIST_LIMIT = 16;

export interface Cidr {
  /** The network address as a 32-bit number. */
  readonly base: number;
  readonly bits: number;
}

/** One entry of `redpanda_connect.allowed_destination_cidr_ports`; `portEnd` 0 means `portStart` alone. */
export interface AllowlistEntry {
  readonly cidr: string;
  readonly portStart: number;
  readonly portEnd: number;
}

/** The allowlist would pass its limit: nothing was created. */
export class AllowlistFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllowlistFullError';
  }
}

/** A 32-bit number of a dotted IPv4 address; undefined for anything else (leading zeros refused: octal?). */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(ip: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(ip / 2 ** shift) % 256).join('.');
}

/** `a.b.c.d/n` (or a bare address, as /32); undefined when not IPv4 CIDR notation or host bits are set. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([0-9.]+)(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const ip = parseIpv4(m[1]!);
  const bits = m[2] === undefined ? 32 : Number(m[2]);
  if (ip === undefined || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  if (ip % size !== 0) return undefined;
  return { base: ip, bits };
}

export function formatCidr(c: Cidr): string {
  return `${formatIpv4(c.base)}/${c.bits}`;
}

/** Whether `inner` lies wholly inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (inner.bits < outer.bits) return false;
  const size = 2 ** (32 - outer.bits);
  return inner.base >= outer.base && inner.base < outer.base + size;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

const RANGES = {
  thisNetwork: parseCidr('0.0.0.0/8')!,
  rfc1918a: parseCidr('10.0.0.0/8')!,
  sharedAddressSpace: parseCidr('100.64.0.0/10')!,
  loopback: parseCidr('127.0.0.0/8')!,
  linkLocal: parseCidr('169.254.0.0/16')!,
  rfc1918b: parseCidr('172.16.0.0/12')!,
  rfc1918c: parseCidr('192.168.0.0/16')!,
  multicast: parseCidr('224.0.0.0/4')!,
  reserved: parseCidr('240.0.0.0/4')!,
};

/** A private (RFC 1918) or shared (RFC 6598) range: what a VPC, and a Redpanda network, uses. */
export function isPrivateCidr(c: Cidr): boolean {
  return [RANGES.rfc1918a, RANGES.rfc1918b, RANGES.rfc1918c, RANGES.sharedAddressSpace].some((r) => cidrContains(r, c));
}

function syntaxProblem(text: string): string | undefined {
  if (typeof text !== 'string' || text.trim() === '') return 'is empty';
  if (text.includes(':')) return 'is IPv6: Redpanda Cloud egress and its allowlist are IPv4 only';
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m || parseIpv4(m[1]!) === undefined || Number(m[2]) > 32) return 'is not an IPv4 CIDR such as "203.0.113.10/32"';
  if (parseCidr(text) === undefined) return `has host bits set: the network address of /${m[2]} is ${formatIpv4(Math.floor(parseIpv4(m[1]!)! / 2 ** (32 - Number(m[2]))) * 2 ** (32 - Number(m[2])))}`;
  return undefined;
}

/**
 * Why `text` cannot be a public egress address of the Redpanda cluster (`redpanda.egressCidrs`), undefined
 * when it can: a public IPv4 address or a small range (/24 or narrower): the security group admits exactly it.
 */
export function egressCidrProblem(text: string): string | undefined {
  const syntax = syntaxProblem(text);
  if (syntax) return syntax;
  const c = parseCidr(text)!;
  if (c.bits === 0) return 'would open the database to the whole internet';
  if (c.bits < 24) return `is a /${c.bits} range: egress addresses are single NAT addresses (/32) or a small range (at most /24)`;
  for (const [name, range] of Object.entries(RANGES)) {
    if (cidrsOverlap(range, c)) {
      return name.startsWith('rfc1918') || name === 'sharedAddressSpace'
        ? 'is a private address: a public database sees the public egress address (for a private path use database.network "private")'
        : 'is not a public unicast address';
    }
  }
  return undefined;
}

/**
 * Why `text` cannot be the Redpanda network's CIDR (`redpanda.networkCidr`), undefined when it can: a private
 * IPv4 range from /8 to /28, as a VPC's.
 */
export function networkCidrProblem(text: string): string | undefined {
  const syntax = syntaxProblem(text);
  if (syntax) return syntax;
  const c = parseCidr(text)!;
  if (c.bits < 8) return `is a /${c.bits} range: no VPC is larger than /8, and a rule from it would admit far more than the Redpanda network`;
  if (c.bits > 28) return `is a /${c.bits} range: a VPC is /16 to /28`;
  if (!isPrivateCidr(c)) return 'is not a private range (10/8, 172.16/12, 192.168/16, 100.64/10): a Redpanda network is one';
  return undefined;
}

export function sameEntry(a: AllowlistEntry, b: AllowlistEntry): boolean {
  return a.cidr === b.cidr && a.portStart === b.portStart && (a.portEnd || a.portStart) === (b.portEnd || b.portStart);
}

/** Whether an entry admits traffic to every address of `cidr` on `port`. */
export function entryCovers(entry: AllowlistEntry, cidr: string, port: number): boolean {
  const outer = parseCidr(entry.cidr);
  const inner = parseCidr(cidr);
  if (outer === undefined || inner === undefined) return false;
  const end = entry.portEnd || entry.portStart;
  return cidrContains(outer, inner) && port >= entry.portStart && port <= end;
}

/**
 * The allowlist with `entry` in it: unchanged when an entry already covers it, else the entry appended (every
 * other entry kept as it is). Throws {@link AllowlistFullError} when that would pass the limit.
 */
export function mergeAllowlistEntry(existing: readonly AllowlistEntry[], entry: AllowlistEntry): { readonly entries: AllowlistEntry[]; readonly added: boolean } {
  if (existing.some((e) => entryCovers(e, entry.cidr, entry.portStart) && entryCovers(e, entry.cidr, entry.portEnd || entry.portStart))) {
    return { entries: [...existing], added: false };
  }
  if (existing.length >= ALLOWLIST_LIMIT) {
    throw new AllowlistFullError(
      `the cluster's egress allowlist has ${existing.length} entries, its limit is ${ALLOWLIST_LIMIT}: no room for ${entry.cidr} port ${entry.portStart}; ` +
        'remove an entry that is no longer needed (or widen one to cover this database), then provision again',
    );
  }
  return { entries: [...existing, entry], added: true };
}

/** The allowlist without exactly `entry`; every other entry kept. */
export function removeAllowlistEntry(existing: readonly AllowlistEntry[], entry: AllowlistEntry): { readonly entries: AllowlistEntry[]; readonly removed: boolean } {
  const entries = existing.filter((e) => !sameEntry(e, entry));
  return { entries, removed: entries.length !== existing.length };
}

/** A security-group rule the link adds: one CIDR on the database port. */
export interface LinkIngressRule {
  readonly cidr: string;
  readonly port: number;
  readonly description: string;
}

/**
 * The rules the link's security group holds: from each egress address (public), or from the Redpanda network
 * (private). The description names the link, so the probe and teardown find exactly the link's rules.
 */
export function linkIngressRules(
  input: { readonly link: string; readonly redpandaClusterId: string; readonly mode: 'public' | 'private'; readonly cidrs: readonly string[] },
  port: number,
): LinkIngressRule[] {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`port ${port} is not a TCP port (1-65535)`);
  const what = input.mode === 'public' ? 'egress' : 'network';
  const description = `rpcn-aurora ${input.link}: Redpanda ${input.redpandaClusterId} ${what}`;
  return [...new Set(input.cidrs)].sort().map((cidr) => ({ cidr, port, description }));
}

/** The allowlist entry of a private link: the database VPC's CIDR on the database port. */
export function allowlistEntryFor(dbVpcCidr: string, port: number): AllowlistEntry {
  return { cidr: dbVpcCidr, portStart: port, portEnd: 0 };
}

export function describeEntry(e: AllowlistEntry): string {
  return `${e.cidr} port ${e.portStart}${e.portEnd && e.portEnd !== e.portStart ? `-${e.portEnd}` : ''}`;
}
