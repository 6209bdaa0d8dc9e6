// The operator CLI through its real entry (`main`): every command has --help, usage errors exit 2, plan
// writes every artifact and refuses bad input with the field named.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../bin/cli.js';
import type { Io } from '../../bin/cli-support.js';

function fakeIo(stdin = ''): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), readStdin: async () => stdin };
}

const run = async (...args: string[]) => {
  const io = fakeIo();
  const code = await main(['node', 'rpcn-aurora', ...args], io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rpcn-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('help and usage', () => {
  test('--help lists every command and exits 0', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    for (const command of ['plan', 'lint', 'diagnose', 'demo', 'synth']) expect(out).toContain(command);
  });
  test.each(['plan', 'lint', 'diagnose', 'demo', 'synth'])('%s --help exits 0 and mentions --json', async (command) => {
    const { code, out } = await run(command, '--help');
    expect(code).toBe(0);
    expect(out).toContain('--json');
  });
  test('an unknown command or option exits 2', async () => {
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('plan', 'examples/postgres.json', '--bogus')).code).toBe(2);
    expect((await run('plan')).code).toBe(2);
  });
});

describe('plan', () => {
  test('writes every artifact and prints the summary', async () => {
    const { code, out } = await run('plan', 'examples/postgres.json', '--out', dir, '--db-account', '111111111111', '--region', 'us-east-2');
    expect(code).toBe(0);
    expect(out).toContain('# Plan for link "orders" (aurora-postgresql, identity access-key)');
    expect(readdirSync(dir).sort()).toEqual(
      [
        'cluster-parameters.json', 'cluster.json', 'connector-user-boundary.json', 'connector-user-policy.json', 'db-connect-permission-policy.json',
        'db-connect-tags.json', 'db-connect-trust-policy.json', 'network.json', 'pipeline.yaml', 'redpanda-acls.json', 'request.normalized.json',
        'security-group-ingress.json', 'setup.sql', 'summary.md', 'teardown.sql',
      ].sort(),
    );
    const policy = JSON.parse(readFileSync(join(dir, 'connector-user-policy.json'), 'utf8'));
    expect(policy.Statement[0].Resource).toBe('arn:aws:iam::111111111111:role/rpcn-aurora-orders-db-connect');
    const trust = JSON.parse(readFileSync(join(dir, 'db-connect-trust-policy.json'), 'utf8'));
    expect(trust.Statement[0].Principal.AWS).toBe('arn:aws:iam::111111111111:user/rpcn-aurora/rpcn-aurora-orders-connector');
    expect(readFileSync(join(dir, 'pipeline.yaml'), 'utf8')).toContain('{{ENDPOINT}}:5432');
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/Redpanda Cloud pipelines \(BYOC and Dedicated\) get no AWS pod identity/);
    expect(summary).toMatch(/## In the Redpanda AWS account\n\n- Nothing/);
  });

  test.each([
    ['pipeline-role', { mode: 'pipeline-role' }, ['pipeline-role-policy.json'], 'arn:aws:iam::861276079005:role/redpanda-curl3eo533cmsnt23dv0-redpanda-connect-pipeline', /Redpanda documents this as unsupported/],
    [
      'self-managed',
      { mode: 'self-managed', roleArn: 'arn:aws:iam::222222222222:role/connect-cdc' },
      ['consumer-role-policy.json'],
      'arn:aws:iam::222222222222:role/connect-cdc',
      /deploy `pipeline.yaml` yourself/,
    ],
  ])('identity %s: its first-hop artifact, a trust naming exactly the first hop, and why', async (_mode, identity, files, principal, why) => {
    const request = join(dir, 'request.json');
    writeFileSync(request, JSON.stringify({ ...JSON.parse(readFileSync('examples/postgres.json', 'utf8')), identity }));
    const out = join(dir, 'mode');
    const { code } = await run('plan', request, '--out', out, '--db-account', '111111111111', '--region', 'us-east-2');
    expect(code).toBe(0);
    const written = readdirSync(out);
    for (const f of files) expect(written).toContain(f);
    expect(written).not.toContain('connector-user-policy.json');
    expect(written).not.toContain('connector-user-boundary.json');
    expect(JSON.parse(readFileSync(join(out, 'db-connect-trust-policy.json'), 'utf8')).Statement[0].Principal.AWS).toBe(principal);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(why);
  });

  test('values known only later are listed as placeholders, or filled from the flags', async () => {
    const listed = await run('plan', 'examples/postgres.json', '--json');
    expect(JSON.parse(listed.out).placeholders.map((p: { key: string }) => p.key).sort()).toEqual([
      'CLUSTER_RESOURCE_ID',
      'DB_ACCOUNT_ID',
      'ENDPOINT',
      'REDPANDA_EGRESS_CIDRS',
      'REGION',
    ]);
    const filled = await run(
      'plan', 'examples/postgres.json', '--json', '--db-account', '111111111111', '--region', 'us-east-2',
      '--cluster-resource-id', 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ', '--endpoint', 'orders.cluster-abc.us-east-2.rds.amazonaws.com', '--nat-ip', '3.139.175.89',
    );
    expect(JSON.parse(filled.out).placeholders).toEqual([]);
  });

  test('network.json, public: the egress addresses (nat_gateways or redpanda.egressCidrs), the rules from them and what the probe checks', async () => {
    const out = join(dir, 'public');
    expect((await run('plan', 'examples/postgres.json', '--out', out, '--nat-ip', '3.139.175.89', '3.145.2.1')).code).toBe(0);
    const network = JSON.parse(readFileSync(join(out, 'network.json'), 'utf8'));
    expect(network).toMatchObject({
      mode: 'public',
      publiclyAccessible: true,
      egressAddresses: { cidrs: ['3.139.175.89/32', '3.145.2.1/32'], source: expect.stringMatching(/nat_gateways/) },
      securityGroup: {
        name: 'rpcn-aurora-orders',
        ingress: [
          { cidr: '3.139.175.89/32', port: 5432, description: 'rpcn-aurora orders: Redpanda curl3eo533cmsnt23dv0 egress' },
          { cidr: '3.145.2.1/32', port: 5432, description: 'rpcn-aurora orders: Redpanda curl3eo533cmsnt23dv0 egress' },
        ],
      },
    });
    expect(network.allowlistEntry).toBeUndefined();
    expect(network.probeChecks.join('\n')).toMatch(/public address/);
    const ingress = JSON.parse(readFileSync(join(out, 'security-group-ingress.json'), 'utf8'));
    expect(ingress.ipPermissions.map((p: { IpRanges: { CidrIp: string }[] }) => p.IpRanges[0]!.CidrIp)).toEqual(['3.139.175.89/32', '3.145.2.1/32']);

    const pinned = join(dir, 'pinned.json');
    const base = JSON.parse(readFileSync('examples/postgres.json', 'utf8'));
    writeFileSync(pinned, JSON.stringify({ ...base, redpanda: { ...base.redpanda, egressCidrs: ['198.51.100.0/28'] } }));
    expect((await run('plan', pinned, '--out', join(dir, 'pinned'), '--nat-ip', '3.139.175.89')).code).toBe(0);
    const pinnedNetwork = JSON.parse(readFileSync(join(dir, 'pinned', 'network.json'), 'utf8'));
    expect(pinnedNetwork.egressAddresses).toEqual({ cidrs: ['198.51.100.0/28'], source: 'redpanda.egressCidrs of the request' });
    expect(JSON.parse(readFileSync(join(dir, 'pinned', 'connector-user-policy.json'), 'utf8')).Statement[1].Condition.NotIpAddress['aws:SourceIp']).toEqual(['198.51.100.0/28']);
  });

  test('network.json, private: the allowlist entry, the rule from the Redpanda network and the route the probe looks for', async () => {
    const out = join(dir, 'private');
    const { code, out: summary } = await run('plan', 'examples/private-network.json', '--out', out, '--db-vpc-cidr', '10.80.0.0/16');
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'network.json'), 'utf8'))).toEqual({
      mode: 'private',
      publiclyAccessible: false,
      redpandaNetworkCidr: '10.100.0.0/16',
      securityGroup: { name: 'rpcn-aurora-payments', ingress: [{ cidr: '10.100.0.0/16', port: 5432, description: 'rpcn-aurora payments: Redpanda curl3eo533cmsnt23dv0 network' }] },
      allowlistEntry: { cidr: '10.80.0.0/16', port_start: 5432, port_end: 0 },
      route: { destination: '10.100.0.0/16', through: expect.stringMatching(/peering connection .* Transit Gateway/), state: expect.stringMatching(/^active/) },
      probeChecks: [
        expect.stringMatching(/egress allowlist covers the database VPC on port 5432/),
        expect.stringMatching(/routes 10\.100\.0\.0\/16 through a peering connection or Transit Gateway/),
        expect.stringMatching(/admits port 5432 from 10\.100\.0\.0\/16/),
      ],
    });
    expect(summary).toMatch(/## Network: private/);
    expect(summary).toMatch(/Egress allowlist entry `10\.80\.0\.0\/16` port 5432/);
    expect(summary).toMatch(/sends 10\.100\.0\.0\/16 to the peering connection or Transit Gateway/);

    const unknown = await run('plan', 'examples/private-network.json', '--json');
    expect(JSON.parse(unknown.out).placeholders.map((p: { key: string }) => p.key)).toContain('DB_VPC_CIDR');
    expect(await run('plan', 'examples/private-network.json', '--db-vpc-cidr', '0.0.0.0/0')).toMatchObject({ code: 2, err: expect.stringMatching(/--db-vpc-cidr "0\.0\.0\.0\/0"/) });
  });

  test('an invalid request exits 2 naming every field; nothing is written', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'X', engine: 'aurora-postgresql', cdc: { tables: ['a.b'] }, redpanda: {} }));
    const out = join(dir, 'out');
    const { code, err } = await run('plan', bad, '--out', out);
    expect(code).toBe(2);
    expect(err).toMatch(/name: /);
    expect(err).toMatch(/redpanda\.clusterId: /);
    expect(existsSync(out)).toBe(false);
    const json = await run('plan', bad, '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out)).toMatchObject({ valid: false, issues: expect.arrayContaining([expect.objectContaining({ path: 'name' })]) });
  });

  test('bad flags and unreadable files exit 2 with the reason', async () => {
    expect(await run('plan', 'examples/postgres.json', '--db-account', '123')).toMatchObject({ code: 2, err: expect.stringMatching(/--db-account "123" is not a 12-digit AWS account id/) });
    expect(await run('plan', 'examples/postgres.json', '--cluster-resource-id', 'rpcn-aurora-orders')).toMatchObject({ code: 2, err: expect.stringMatching(/not the cluster identifier/) });
    expect(await run('plan', 'examples/postgres.json', '--nat-ip', '10.0.0.1')).toMatchObject({ code: 2, err: expect.stringMatching(/private address/) });
    expect(await run('plan', join(dir, 'missing.json'))).toMatchObject({ code: 2, err: expect.stringMatching(/no such file/) });
    writeFileSync(join(dir, 'x.json'), '{ nope');
    expect(await run('plan', join(dir, 'x.json'))).toMatchObject({ code: 2, err: expect.stringMatching(/not valid JSON/) });
  });
});

describe('lint --target', () => {
  test('--help shows the targets and the default', async () => {
    const { code, out } = await run('lint', '--help');
    expect(code).toBe(0);
    expect(out).toMatch(/--target <target>\s+where the pipeline runs: redpanda-cloud or self-managed/);
    expect(out).toContain('(default: "redpanda-cloud")');
  });

  test('the walkthrough config fails as a Redpanda Cloud pipeline (RPCN031) and is clean as self-managed', async () => {
    const file = 'test/unit/fixtures/pipelines/walkthrough-mysql.yaml';
    const cloud = await run('lint', file);
    expect(cloud.code).toBe(1);
    expect(cloud.out).toContain('RPCN031');
    expect(await run('lint', file, '--target', 'self-managed')).toMatchObject({ code: 0, out: `${file}: no findings` });
  });

  test('an invalid target exits 2 with one line', async () => {
    const { code, out, err } = await run('lint', 'test/unit/fixtures/pipelines/good-mysql.yaml', '--target', 'dedicated');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toEqual(['error: --target "dedicated" is not one of redpanda-cloud, self-managed']);
  });
});

describe('lint on what plan generates', () => {
  test('the generated pipeline lints clean once the cluster is known (exit 0); placeholders are flagged (exit 1)', async () => {
    await run('plan', 'examples/mysql.json', '--out', dir, '--db-account', '111111111111', '--region', 'us-east-2',
      '--cluster-resource-id', 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ', '--endpoint', 'inv.cluster-abc.us-east-2.rds.amazonaws.com');
    expect((await run('lint', join(dir, 'pipeline.yaml'))).code).toBe(0);
    const placeholders = join(dir, 'p');
    await run('plan', 'examples/mysql.json', '--out', placeholders);
    const linted = await run('lint', join(placeholders, 'pipeline.yaml'));
    expect(linted.code).toBe(1);
    expect(linted.out).toContain('RPCN030');
  });
});
