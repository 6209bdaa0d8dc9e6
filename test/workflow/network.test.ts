// database.network in the offline twin, through the committed ASL: public links admit the Redpanda cluster's
// egress addresses (nat_gateways, or redpanda.egressCidrs under centralized egress) and follow them when they
// change; private links add an entry to the cluster's egress allowlist and a rule from the Redpanda network, share
// entries between links and remove them only with the last one; a missing route, allowlist entry or rule is
// found by the probe with its diagnosis, and the pipeline's timeout to the private address is explained.
import { jest } from '@jest/globals';
import { classifyLine } from '../../lambdas/core/diagnosis.js';
import { linkNames } from '../../lambdas/core/naming.js';
import type { ValidationSummary } from '../../lambdas/handlers/record-verdict.js';
import { TWIN_DB_ROUTE_TABLE_ID, TWIN_DB_SUBNET_GROUP, TWIN_PEERING_ID, TWIN_VPC_CIDR, TWIN_VPC_ID } from '../../local/aws/twin.js';
import type { OfflineTwin } from '../../local/twin.js';
import { appSql, normalized, pgRequest, stable, startTwin, waitFor } from './support.js';

// Whole executions with real databases: seconds each.
jest.setTimeout(180_000);

const DB = '111111111111';
const REDPANDA_NETWORK = '10.100.0.0/16';

function privateRequest(name: string, edit?: (r: Record<string, any>) => void): Record<string, any> {
  return pgRequest(name, (r) => {
    const { publiclyAccessible: _public, ...database } = r.database;
    r.database = { ...database, network: 'private' };
    edit?.(r);
  });
}

let twin: OfflineTwin;
let now = new Date('2026-12-01T10:00:00Z');

beforeAll(async () => {
  twin = await startTwin({ clock: () => now });
});

afterAll(async () => {
  await twin?.stop();
});

beforeEach(async () => {
  await twin.idle();
  now = new Date(now.getTime() + 60_000); // a new minute: new validation names
});

const cluster = () => twin.redpanda.clusters.get(normalized(pgRequest('cluster-of-the-examples')).redpanda.clusterId)!;
const allowlist = () => cluster().allowed_destination_cidr_ports.map((e) => ({ ...e }));

/** The port the link's cluster listens on (in the twin, its local database's). */
async function portOf(raw: Record<string, any>): Promise<number> {
  return (await twin.deps.aurora.describeCluster(normalized(raw).database.clusterIdentifier))!.port;
}

/** The verdicts the link recorded since `from` (the one before healing carries the drift's findings). */
async function verdictsSince(raw: Record<string, any>, from: number) {
  return ((await twin.deps.registry.get(raw.name))?.verdicts ?? []).slice(from);
}

async function securityGroupOf(raw: Record<string, any>) {
  const record = await twin.deps.registry.get(raw.name);
  const id = record?.owned.securityGroupId;
  return id === undefined ? undefined : twin.deps.network.describeSecurityGroup(id);
}

async function streams(raw: Record<string, any>, tag: string): Promise<void> {
  const request = normalized(raw);
  const before = twin.emulator.messages(request.redpanda.topic).length;
  await appSql(twin, request, `INSERT INTO public.orders (item, qty) VALUES ('${tag}', 1)`);
  await waitFor(`the row ${tag} through the pipeline`, () => (twin.emulator.messages(request.redpanda.topic).slice(before).some((m) => m.value?.includes(tag)) ? true : undefined), 20_000);
}

async function validate(raw: Record<string, any>): Promise<ValidationSummary> {
  const result = await twin.validate({ link: raw.name });
  expect(result.status).toBe('SUCCEEDED');
  return result.output as ValidationSummary;
}

describe('public (the default)', () => {
  const raw = pgRequest('natlink');

  test("the link's security group admits exactly the cluster's NAT addresses, and the pipeline streams", async () => {
    const result = await twin.provision(raw);
    expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    const nat = cluster().nat_gateways;
    const port = await portOf(raw);
    const group = await securityGroupOf(raw);
    expect(group?.ingress.map((r) => [r.cidr, r.port, r.description]).sort()).toEqual(
      nat.map((ip) => [`${ip}/32`, port, `rpcn-aurora natlink: Redpanda ${cluster().id} egress`]).sort(),
    );
    const record = await twin.deps.registry.get(raw.name);
    expect(record?.owned.allowlistEntry).toBeUndefined();
    expect(allowlist()).toEqual([]);
    await streams(raw, 'public-1');
  });

  test('the NAT addresses change: Validate finds it, replaces the rules and the SourceIp list, and the pipeline streams again', async () => {
    const before = cluster().nat_gateways;
    cluster().nat_gateways = ['198.51.100.77'];
    try {
      const from = (await twin.deps.registry.get(raw.name))!.verdicts.length;
      const summary = await validate(raw);
      expect(summary).toMatchObject({ before: 'drifted', verdict: 'healthy', healed: true });
      const [drifted] = await verdictsSince(raw, from);
      expect(drifted?.findings.find((f) => f.id === 'egress-addresses-changed')?.message).toMatch(/now also 198\.51\.100\.77\/32; no longer 203\.0\.113\.10\/32/);
      expect(summary.actions.join('\n')).toMatch(/replaced the ingress of security group sg-\w+: now 198\.51\.100\.77\/32; removed/);
      expect(summary.actions.join('\n')).toMatch(/with the egress addresses 198\.51\.100\.77\/32/);
      const group = await securityGroupOf(raw);
      expect(group?.ingress.map((r) => r.cidr)).toEqual(['198.51.100.77/32']);
      const record = await twin.deps.registry.get(raw.name);
      expect(record?.owned).toMatchObject({ ingressCidrs: ['198.51.100.77/32'], egressCidrs: ['198.51.100.77/32'] });
      const user = await twin.deps.iam.getUser(linkNames(normalized(raw), DB).connectorUser);
      expect(JSON.stringify(user?.inlinePolicies)).toContain('198.51.100.77/32');
      expect(JSON.stringify(user?.inlinePolicies)).not.toContain(`${before[0]}/32`);
      // The pipeline reconnects from the new address (Connect retries by itself).
      await streams(raw, 'after-nat-change');
      expect((await validate(raw)).verdict).toBe('healthy');
    } finally {
      cluster().nat_gateways = before;
      await validate(raw);
    }
  });

  test('centralized egress (no nat_gateways): refused before anything is created, unless redpanda.egressCidrs names the hub NAT', async () => {
    const hub = await startTwin({ natGateways: [], pipelineEgressAddress: '203.0.113.50' });
    try {
      const inventory = stable(await hub.aws.inventory());
      const refused = await hub.provision(pgRequest('hubless'));
      expect(refused.status).toBe('FAILED');
      expect(refused.error).toBe('EgressAddressesUnknownError');
      expect(refused.cause).toMatch(/reports no egress addresses .*redpanda\.egressCidrs/);
      expect(stable(await hub.aws.inventory())).toEqual(inventory);

      const raw = pgRequest('hub', (r) => (r.redpanda.egressCidrs = ['203.0.113.50/32']));
      const result = await hub.provision(raw);
      expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
      const record = await hub.deps.registry.get('hub');
      const group = await hub.deps.network.describeSecurityGroup(record!.owned.securityGroupId!);
      expect(group?.ingress.map((r) => r.cidr)).toEqual(['203.0.113.50/32']);
      expect(record?.owned.egressCidrs).toEqual(['203.0.113.50/32']);
    } finally {
      await hub.stop();
    }
  });

  test('an adopted cluster whose writer has no public address: a public link is refused in ValidateRequest', async () => {
    await twin.aws.registerExistingCluster({ identifier: 'legacy-private', engine: 'aurora-postgresql', databaseName: 'demo_db', publiclyAccessible: false });
    const raw = pgRequest('adoptpub', (r) => (r.database = { create: false, clusterIdentifier: 'legacy-private', databaseName: 'demo_db' }));
    const result = await twin.provision(raw);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('NetworkConfigError');
    expect(result.cause).toMatch(/\[network-mode-mismatch\] database\.network is "public", but the writer of cluster legacy-private has no public address/);
    expect(result.cause).toMatch(/diagnosis \[network-mode-mismatch\]/);
  });
});

describe('private (peering or Transit Gateway)', () => {
  const raw = privateRequest('peered');

  test('an allowlist entry for the VPC, a rule from the Redpanda network, no public address; the probe checks the path and the pipeline streams', async () => {
    const result = await twin.provision(raw);
    expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    const port = await portOf(raw);
    expect(allowlist()).toEqual([{ cidr: TWIN_VPC_CIDR, port_start: port, port_end: 0 }]);
    const record = await twin.deps.registry.get(raw.name);
    expect(record?.owned.allowlistEntry).toEqual({ cidr: TWIN_VPC_CIDR, portStart: port, portEnd: 0 });
    const group = await securityGroupOf(raw);
    expect(group?.ingress.map((r) => [r.cidr, r.port, r.description])).toEqual([[REDPANDA_NETWORK, port, `rpcn-aurora peered: Redpanda ${cluster().id} network`]]);
    const writer = await twin.deps.aurora.describeInstance(linkNames(normalized(raw), DB).writerInstanceIdentifier);
    expect(writer?.publiclyAccessible).toBe(false);
    // The allowlist was changed through PATCH /v1/clusters/{id} with an update_mask, then its operation awaited.
    expect(twin.redpanda.requests.some((r) => r.method === 'PATCH' && r.path.includes(`/v1/clusters/${cluster().id}`))).toBe(true);
    await streams(raw, 'private-1');
    expect((await validate(raw)).verdict).toBe('healthy');
  });

  test('the route back to the Redpanda network is deleted: the pipeline times out, diagnose explains it, the probe names the route', async () => {
    twin.aws.network.deleteRoute(TWIN_DB_ROUTE_TABLE_ID, REDPANDA_NETWORK);
    try {
      const summary = await validate(raw);
      expect(summary.verdict).toBe('drifted');
      const finding = summary.findings.find((f) => f.id === 'network-route-missing');
      expect(finding?.message).toMatch(new RegExp(`route table ${TWIN_DB_ROUTE_TABLE_ID} .* has no route to the Redpanda network 10\\.100\\.0\\.0/16`));
      expect(finding?.fix).toMatch(/aws ec2 create-route --route-table-id/);
      // What the pipeline logs on its next connect, and what diagnose makes of it.
      const record = await twin.deps.registry.get(raw.name);
      const pipelineId = record!.owned.pipelineId!;
      const cloud = await twin.deps.redpanda();
      const dataPlane = cloud.dataPlane(twin.redpanda.dataplaneUrl(cluster().id));
      await dataPlane.stopPipeline(pipelineId);
      await dataPlane.waitForPipelineState(pipelineId, 'STATE_STOPPED', { timeoutMs: 20_000 });
      await dataPlane.startPipeline(pipelineId);
      const line = await waitFor('a dial timeout in the pipeline logs', () => twin.emulator.logs(pipelineId).find((l) => /dial tcp 10\.80\.\d+\.\d+:\d+: i\/o timeout/.test(l.message))?.message, 20_000);
      expect(classifyLine(line).entryId).toBe('private-destination-blocked');
      expect(twin.emulator.networkDrops(pipelineId).at(-1)?.reason).toMatch(/sends 10\.100\.0\.0\/16 by 0\.0\.0\.0\/0 → igw-\w+ \(internet-gateway\), not through a peering connection/);
    } finally {
      twin.aws.network.createRoute(TWIN_DB_ROUTE_TABLE_ID, { destination: REDPANDA_NETWORK, target: { kind: 'peering', id: TWIN_PEERING_ID } });
    }
    await streams(raw, 'route-back');
  });

  test('the peering connection is no longer active: network-peering-inactive', async () => {
    twin.aws.network.setPeeringStatus(TWIN_PEERING_ID, 'deleted');
    try {
      const summary = await validate(raw);
      expect(summary.verdict).toBe('drifted');
      expect(summary.findings.find((f) => f.id === 'network-peering-inactive')?.message).toMatch(new RegExp(`${TWIN_PEERING_ID}`));
    } finally {
      twin.aws.network.setPeeringStatus(TWIN_PEERING_ID, 'active');
    }
    expect((await validate(raw)).verdict).toBe('healthy');
  });

  test('the allowlist entry is removed in Redpanda Cloud: allowlist-entry-missing, and a provision merges it back', async () => {
    cluster().allowed_destination_cidr_ports = [];
    const summary = await validate(raw);
    expect(summary.verdict).toBe('drifted');
    const port = await portOf(raw);
    expect(summary.findings.find((f) => f.id === 'allowlist-entry-missing')?.message).toMatch(new RegExp(`10\\.80\\.0\\.0/16 port ${port}`));
    const again = await twin.provision(raw, { executionName: 'peered-again' });
    expect(again.status).toBe('SUCCEEDED');
    expect(allowlist()).toEqual([{ cidr: TWIN_VPC_CIDR, port_start: port, port_end: 0 }]);
    await streams(raw, 'entry-back');
  });

  test("the security group's rule from the Redpanda network is revoked: the probe names the missing rule", async () => {
    const group = (await securityGroupOf(raw))!;
    const rule = group.ingress.find((r) => r.cidr === REDPANDA_NETWORK)!;
    await twin.deps.network.revokeIngress(group.groupId, [rule]);
    try {
      const summary = await validate(raw);
      const finding = summary.findings.find((f) => f.id === 'db-network-unreachable');
      expect(finding?.message).toMatch(/allows port \d+ from the Redpanda side of the link: 10\.100\.0\.0\/16/);
      expect(finding?.fix).toMatch(/aws ec2 authorize-security-group-ingress --group-id sg-\w+ --protocol tcp --port \d+ --cidr 10\.100\.0\.0\/16/);
    } finally {
      await twin.deps.network.authorizeIngress(group.groupId, [rule]);
    }
  });
});

describe('private, by path', () => {
  test('through a Transit Gateway: provisioned (the probe saw the replication slot active)', async () => {
    const tgw = await startTwin({ privateNetworkPath: 'transit-gateway' });
    try {
      const result = await tgw.provision(privateRequest('via-tgw'));
      expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    } finally {
      await tgw.stop();
    }
  });

  test('without any route to the Redpanda network: the probe fails the provision naming the route table and the command', async () => {
    const none = await startTwin({ privateNetworkPath: 'none' });
    try {
      const result = await none.provision(privateRequest('no-route'));
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('LinkProbeFailedError');
      expect(result.cause).toMatch(/\[network-route-missing\] .*route table rtb-\w+ .* has no route to the Redpanda network 10\.100\.0\.0\/16/);
      expect(result.cause).toMatch(/aws ec2 create-route --route-table-id rtb-\w+ --destination-cidr-block 10\.100\.0\.0\/16/);
      const record = await none.deps.registry.get('no-route');
      expect(record?.failure?.diagnosis).toMatchObject({ id: 'network-route-missing' });
    } finally {
      await none.stop();
    }
  });
});

describe('allowlist entries shared between links', () => {
  /** A private cluster someone else runs in the deployment VPC, whose own group admits the Redpanda network. */
  async function privateLegacyCluster(identifier: string): Promise<number> {
    const group = twin.aws.network.create({ name: `${identifier}-owner`, vpcId: TWIN_VPC_ID, description: `the owner's group of ${identifier}`, tags: {} });
    const described = await twin.aws.registerExistingCluster({
      identifier,
      engine: 'aurora-postgresql',
      databaseName: 'demo_db',
      parameters: { 'rds.logical_replication': '1', 'rds.iam_auth_for_replication': '1', max_replication_slots: '10', max_wal_senders: '10' },
      publiclyAccessible: false,
      dbSubnetGroup: TWIN_DB_SUBNET_GROUP,
      vpcSecurityGroupIds: [group.groupId],
    });
    await twin.aws.network.authorizeIngress(group.groupId, [{ cidr: REDPANDA_NETWORK, port: described.port, description: 'Redpanda network (owner)' }]);
    const backing = twin.aws.rds.byArn(described.arn)!.backing!;
    await backing.execute('demo_db', backing.master, 'CREATE TABLE public.orders (id serial PRIMARY KEY, item text NOT NULL, qty integer NOT NULL)');
    return described.port;
  }

  const adopting = (name: string, identifier: string) =>
    privateRequest(name, (r) => {
      r.database = { create: false, clusterIdentifier: identifier, engineVersion: '17.4', databaseName: 'demo_db', network: 'private' };
      r.cdc = { ...r.cdc, user: `rpcn_${name.replace(/-/g, '_')}`, tables: ['orders'] };
    });

  test.each([
    ['the first link goes first', 'fifo'],
    ['the second link goes first', 'lifo'],
  ])('two links to databases in one VPC share one entry; it stays until the last of them is torn down (%s)', async (_case, order) => {
    const identifier = `legacy-${order}`;
    const port = await privateLegacyCluster(identifier);
    const a = adopting(`${order}-a`, identifier);
    const b = adopting(`${order}-b`, identifier);
    // Another team's entry, which the links must never drop.
    const theirs = { cidr: '192.168.40.0/24', port_start: 443, port_end: 0 };
    const ours = { cidr: TWIN_VPC_CIDR, port_start: port, port_end: 0 };
    cluster().allowed_destination_cidr_ports = [theirs];
    for (const raw of [a, b]) {
      const result = await twin.provision(raw);
      expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    }
    expect(allowlist()).toEqual([theirs, ours]);
    expect((await twin.deps.registry.get(a.name))?.owned.allowlistEntry).toEqual({ cidr: TWIN_VPC_CIDR, portStart: port, portEnd: 0 });
    expect((await twin.deps.registry.get(b.name))?.owned.allowlistEntry).toEqual({ cidr: TWIN_VPC_CIDR, portStart: port, portEnd: 0 });
    const [first, second] = order === 'fifo' ? [a, b] : [b, a];

    expect((await twin.teardown({ link: first.name })).status).toBe('SUCCEEDED');
    expect(allowlist()).toEqual([theirs, ours]);
    await streams(second, `still-${order}`);

    expect((await twin.teardown({ link: second.name })).status).toBe('SUCCEEDED');
    expect(allowlist()).toEqual([theirs]);
    cluster().allowed_destination_cidr_ports = [];
  });

  test('an entry that was there before any link is used, and never removed', async () => {
    const identifier = 'legacy-preset';
    const port = await privateLegacyCluster(identifier);
    const wide = { cidr: '10.0.0.0/8', port_start: 1, port_end: 65535 };
    cluster().allowed_destination_cidr_ports = [wide];
    const raw = adopting('preset', identifier);
    expect((await twin.provision(raw)).status).toBe('SUCCEEDED');
    expect(allowlist()).toEqual([wide]);
    expect((await twin.deps.registry.get('preset'))?.owned.allowlistEntry).toBeUndefined();
    expect(port).toBeGreaterThan(0);
    expect((await twin.teardown({ link: 'preset' })).status).toBe('SUCCEEDED');
    expect(allowlist()).toEqual([wide]);
    cluster().allowed_destination_cidr_ports = [];
  });

  test('a full allowlist (16 entries, none covering the VPC): refused in ValidateRequest before anything is created', async () => {
    const full = Array.from({ length: 16 }, (_, i) => ({ cidr: `172.20.${i}.0/24`, port_start: 443, port_end: 0 }));
    cluster().allowed_destination_cidr_ports = full.map((e) => ({ ...e }));
    try {
      const inventory = stable(await twin.aws.inventory());
      const result = await twin.provision(privateRequest('nofit'));
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('AllowlistFullError');
      expect(result.cause).toMatch(/\[allowlist-full\]/);
      expect(result.cause).toMatch(/16 entries/);
      expect(stable(await twin.aws.inventory())).toEqual(inventory);
      expect(allowlist()).toEqual(full);
      expect(await twin.deps.registry.get('nofit')).toBeUndefined();
    } finally {
      cluster().allowed_destination_cidr_ports = [];
    }
  });
});
