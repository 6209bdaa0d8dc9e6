// database.network: the addresses a request may carry (hostile ones refused with the field named), the CIDR
// arithmetic the probe relies on, and the egress allowlist merge that never drops another link's entry.
import {
  ALLOWLIST_LIMIT,
  AllowlistFullError,
  allowlistEntryFor,
  entryCovers,
  linkIngressRules,
  mergeAllowlistEntry,
  parseCidr,
  removeAllowlistEntry,
  type AllowlistEntry,
} from '../../lambdas/core/network.js';
import { parseRequest } from '../../lambdas/core/request.js';

const CLUSTER_ID = 'curl3eo533cmsnt23dv0';
const base = { name: 'orders', engine: 'aurora-postgresql', cdc: { tables: ['orders'] }, redpanda: { clusterId: CLUSTER_ID } };

function issuesOf(input: unknown): { path: string; message: string }[] {
  const parsed = parseRequest(input);
  return parsed.ok ? [] : parsed.issues.map((i) => ({ path: i.path, message: i.message }));
}

describe('request: database.network and its addresses', () => {
  test('public is the default, and then the cluster is created publicly accessible', () => {
    const parsed = parseRequest(base);
    expect(parsed.ok && parsed.request.database).toMatchObject({ network: 'public', publiclyAccessible: true });
  });

  test('private creates the cluster without a public address and takes the Redpanda network CIDR', () => {
    const parsed = parseRequest({ ...base, database: { network: 'private' }, redpanda: { clusterId: CLUSTER_ID, networkCidr: '10.100.0.0/16' } });
    expect(parsed.ok && parsed.request).toMatchObject({ database: { network: 'private', publiclyAccessible: false }, redpanda: { networkCidr: '10.100.0.0/16' } });
  });

  test.each([
    ['0.0.0.0/0', /whole internet/],
    ['::/0', /IPv6/],
    ['2600:1f16::1/128', /IPv6/],
    ['2.0.0.0/7', /\/7 range/],
    ['128.0.0.0/1', /\/1 range/],
    ['54.0.0.0/16', /\/16 range/],
    ['10.0.0.5/32', /private address/],
    ['127.0.0.1/32', /not a public unicast/],
    ['169.254.169.254/32', /not a public unicast/],
    ['3.139.175.89/24', /host bits set/],
    ['3.139.175.89/33', /not an IPv4 CIDR/],
    ['300.1.1.1/32', /not an IPv4 CIDR/],
    ['not-an-address', /not an IPv4 CIDR/],
    ['', /empty/],
    ['03.139.175.89/32', /not an IPv4 CIDR/],
  ])('redpanda.egressCidrs refuses %j, naming the field', (cidr, why) => {
    const issues = issuesOf({ ...base, redpanda: { clusterId: CLUSTER_ID, egressCidrs: ['3.139.175.89/32', cidr] } });
    expect(issues).toEqual([{ path: 'redpanda.egressCidrs[1]', message: expect.stringMatching(why) }]);
  });

  test('redpanda.egressCidrs takes public addresses and small ranges', () => {
    expect(issuesOf({ ...base, redpanda: { clusterId: CLUSTER_ID, egressCidrs: ['3.139.175.89/32', '198.51.100.0/24'] } })).toEqual([]);
    expect(issuesOf({ ...base, redpanda: { clusterId: CLUSTER_ID, egressCidrs: 'x' } })).toEqual([{ path: 'redpanda.egressCidrs', message: expect.stringMatching(/list/) }]);
    expect(issuesOf({ ...base, redpanda: { clusterId: CLUSTER_ID, egressCidrs: [] } })).toEqual([{ path: 'redpanda.egressCidrs', message: expect.stringMatching(/at least one/) }]);
  });

  test.each([
    ['0.0.0.0/0', /\/0 range/],
    ['10.0.0.0/7', /\/7 range/],
    ['fd00::/8', /IPv6/],
    ['3.0.0.0/16', /not a private range/],
    ['10.100.0.0/29', /\/29 range/],
    ['10.100.0.1/16', /host bits set/],
    ['garbage', /not an IPv4 CIDR/],
  ])('redpanda.networkCidr refuses %j, naming the field', (cidr, why) => {
    const issues = issuesOf({ ...base, database: { network: 'private' }, redpanda: { clusterId: CLUSTER_ID, networkCidr: cidr } });
    expect(issues).toEqual([{ path: 'redpanda.networkCidr', message: expect.stringMatching(why) }]);
  });

  test('the mode and the other fields agree', () => {
    expect(issuesOf({ ...base, database: { publiclyAccessible: false } })).toEqual([{ path: 'database.publiclyAccessible', message: expect.stringMatching(/"public"/) }]);
    expect(issuesOf({ ...base, database: { network: 'private', publiclyAccessible: true } })).toEqual([
      { path: 'database.publiclyAccessible', message: expect.stringMatching(/"private"/) },
    ]);
    expect(issuesOf({ ...base, redpanda: { clusterId: CLUSTER_ID, networkCidr: '10.100.0.0/16' } })).toEqual([
      { path: 'redpanda.networkCidr', message: expect.stringMatching(/only to database.network "private"/) },
    ]);
    expect(issuesOf({ ...base, database: { network: 'peered' } })).toEqual([{ path: 'database.network', message: expect.stringMatching(/"public".*"private"/) }]);
  });
});

describe('the egress allowlist', () => {
  const entry = allowlistEntryFor('10.80.0.0/16', 5432);
  const others: AllowlistEntry[] = [
    { cidr: '10.90.0.0/16', portStart: 3306, portEnd: 0 },
    { cidr: '192.168.4.0/24', portStart: 8000, portEnd: 8100 },
  ];

  test('an entry is added after the others, which stay as they were', () => {
    expect(mergeAllowlistEntry(others, entry)).toEqual({ entries: [...others, entry], added: true });
  });

  test('nothing is added when an entry already covers the VPC on the port', () => {
    const wide: AllowlistEntry = { cidr: '10.0.0.0/8', portStart: 5000, portEnd: 6000 };
    expect(mergeAllowlistEntry([wide], entry)).toEqual({ entries: [wide], added: false });
    expect(mergeAllowlistEntry([entry], { ...entry })).toEqual({ entries: [entry], added: false });
  });

  test('an entry on another port or a narrower CIDR does not cover it', () => {
    expect(entryCovers({ cidr: '10.80.0.0/16', portStart: 3306, portEnd: 0 }, '10.80.0.0/16', 5432)).toBe(false);
    expect(entryCovers({ cidr: '10.80.1.0/24', portStart: 5432, portEnd: 0 }, '10.80.0.0/16', 5432)).toBe(false);
    expect(entryCovers({ cidr: '10.80.0.0/16', portStart: 5400, portEnd: 5500 }, '10.80.3.0/24', 5432)).toBe(true);
  });

  test(`full at ${ALLOWLIST_LIMIT} entries: a named error, and nothing dropped`, () => {
    const full = Array.from({ length: ALLOWLIST_LIMIT }, (_, i) => ({ cidr: `172.16.${i}.0/24`, portStart: 443, portEnd: 0 }));
    expect(() => mergeAllowlistEntry(full, entry)).toThrow(AllowlistFullError);
    expect(() => mergeAllowlistEntry(full, entry)).toThrow(/16 entries, its limit is 16: no room for 10\.80\.0\.0\/16 port 5432/);
    expect(mergeAllowlistEntry(full, { cidr: '172.16.3.0/24', portStart: 443, portEnd: 0 }).added).toBe(false);
  });

  test('removal takes exactly the entry, never a wider one that covers it', () => {
    const wide: AllowlistEntry = { cidr: '10.0.0.0/8', portStart: 5432, portEnd: 0 };
    expect(removeAllowlistEntry([...others, entry, wide], entry)).toEqual({ entries: [...others, wide], removed: true });
    expect(removeAllowlistEntry([...others, wide], entry)).toEqual({ entries: [...others, wide], removed: false });
    expect(removeAllowlistEntry([{ cidr: '10.80.0.0/16', portStart: 5432, portEnd: 5432 }], entry).removed).toBe(true);
  });
});

describe('CIDR arithmetic and the link rules', () => {
  test('parseCidr refuses host bits, IPv6 and leading zeros', () => {
    expect(parseCidr('10.80.0.0/16')).toEqual({ base: (10 * 256 + 80) * 65536, bits: 16 });
    expect(parseCidr('10.80.0.1/16')).toBeUndefined();
    expect(parseCidr('::1/128')).toBeUndefined();
    expect(parseCidr('010.0.0.0/8')).toBeUndefined();
    expect(parseCidr('3.139.175.89')).toEqual({ base: parseCidr('3.139.175.89/32')!.base, bits: 32 });
  });

  test('rules are one per CIDR on the database port, named for the link, public and private told apart', () => {
    const link = { link: 'orders', redpandaClusterId: CLUSTER_ID };
    expect(linkIngressRules({ ...link, mode: 'public', cidrs: ['3.145.2.1/32', '3.139.175.89/32', '3.145.2.1/32'] }, 5432)).toEqual([
      { cidr: '3.139.175.89/32', port: 5432, description: `rpcn-aurora orders: Redpanda ${CLUSTER_ID} egress` },
      { cidr: '3.145.2.1/32', port: 5432, description: `rpcn-aurora orders: Redpanda ${CLUSTER_ID} egress` },
    ]);
    expect(linkIngressRules({ ...link, mode: 'private', cidrs: ['10.100.0.0/16'] }, 3306)).toEqual([
      { cidr: '10.100.0.0/16', port: 3306, description: `rpcn-aurora orders: Redpanda ${CLUSTER_ID} network` },
    ]);
    expect(() => linkIngressRules({ ...link, mode: 'public', cidrs: [] }, 70000)).toThrow(RangeError);
  });
});
