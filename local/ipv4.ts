// IPv4 arithmetic for the offline twin's network emulation (EC2 routes and security groups, the Redpanda data-plane
// firewall, the local server's allowlist checks). Kept apart from the product's lambdas/core/network.ts on
// purpose: the twin judges the product's requests, so it must not share the product's code for it.

export interface Ipv4Range {
  /** The network address as a 32-bit number. */
  readonly base: number;
  readonly bits: number;
}

/** A dotted IPv4 address as a number; undefined for anything else. */
export function ipv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function ipv4Text(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** `a.b.c.d/n` with no host bits set, or (with `bareAddress`) a lone address as /32; undefined otherwise. */
export function ipv4Range(text: string, options: { readonly bareAddress?: boolean } = {}): Ipv4Range | undefined {
  const [address, prefix, ...rest] = text.split('/');
  if (rest.length > 0 || address === undefined) return undefined;
  if (prefix === undefined && options.bareAddress !== true) return undefined;
  const base = ipv4(address);
  const bits = prefix === undefined ? 32 : /^\d{1,2}$/.test(prefix) ? Number(prefix) : NaN;
  if (base === undefined || !(bits >= 0 && bits <= 32)) return undefined;
  return base % 2 ** (32 - bits) === 0 ? { base, bits } : undefined;
}

/** Whether `inner` lies wholly inside `outer`. */
export function rangeContains(outer: Ipv4Range, inner: Ipv4Range): boolean {
  const size = 2 ** (32 - outer.bits);
  return inner.bits >= outer.bits && inner.base >= outer.base && inner.base < outer.base + size;
}

export function rangesOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
  return rangeContains(a, b) || rangeContains(b, a);
}

const PRIVATE_RANGES: readonly Ipv4Range[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((r) => ipv4Range(r)!);

/** RFC 1918 or RFC 6598 (shared address space): what the data-plane firewall treats as a private destination. */
export function isPrivateAddress(address: string): boolean {
  const ip = ipv4Range(address, { bareAddress: true });
  return ip !== undefined && PRIVATE_RANGES.some((r) => rangeContains(r, ip));
}
