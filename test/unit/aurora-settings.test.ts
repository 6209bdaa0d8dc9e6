import { describe, expect, it } from '@jest/globals';
import {
  AdoptedClusterError,
  InvalidIngressAddressError,
  checkClusterParameters,
  clusterCreationSettings,
  clusterParameterSettings,
  ingressDescription,
  rdsClusterParameters,
  redpandaIngressCidrs,
  redpandaIngressPermissions,
  type ActualClusterParameter,
  type ParameterFinding,
} from '../../lambdas/core/aurora-settings.js';
import { ENGINES, assertRequest } from '../../lambdas/core/request.js';

const CLUSTER_ID = 'curl3eo533cmsnt23dv0';
const ADOPTED = {
  clusterIdentifier: 'shop-db',
  parameterGroupName: 'shop-db-params',
  writerInstanceIdentifier: 'shop-db-writer',
  writerParameterGroupStatus: 'in-sync',
};

const PG_GOOD: readonly ActualClusterParameter[] = [
  { name: 'rds.logical_replication', value: '1', applyType: 'static', isModifiable: true },
  { name: 'rds.iam_auth_for_replication', value: '1', applyType: 'dynamic', isModifiable: true },
  { name: 'rds.force_ssl', value: '1', applyType: 'dynamic', isModifiable: true },
  { name: 'max_replication_slots', value: '20', applyType: 'static', isModifiable: true },
  { name: 'max_wal_senders', value: '20', applyType: 'static', isModifiable: true },
  { name: 'work_mem', value: '4096', applyType: 'dynamic', isModifiable: true },
];

const MYSQL_GOOD: readonly ActualClusterParameter[] = [
  { name: 'binlog_format', value: 'ROW', applyType: 'dynamic', isModifiable: true },
  { name: 'binlog_row_image', value: 'full', applyType: 'dynamic', isModifiable: true },
  { name: 'require_secure_transport', value: 'ON', applyType: 'dynamic', isModifiable: true },
];

function withValue(list: readonly ActualClusterParameter[], name: string, value: string | undefined): ActualClusterParameter[] {
  return list.map((p) => (p.name === name ? { ...p, value } : p));
}

function finding(findings: readonly ParameterFinding[], name: string): ParameterFinding {
  const f = findings.find((x) => x.parameter === name);
  if (!f) throw new Error(`no finding for ${name}`);
  return f;
}

describe('cluster parameters per engine', () => {
  it('PostgreSQL: logical replication (static), IAM auth for replication, TLS, replication capacity', () => {
    expect(rdsClusterParameters('aurora-postgresql')).toEqual([
      { ParameterName: 'rds.logical_replication', ParameterValue: '1', ApplyMethod: 'pending-reboot' },
      { ParameterName: 'rds.iam_auth_for_replication', ParameterValue: '1', ApplyMethod: 'immediate' },
      { ParameterName: 'rds.force_ssl', ParameterValue: '1', ApplyMethod: 'pending-reboot' },
      { ParameterName: 'max_replication_slots', ParameterValue: '10', ApplyMethod: 'pending-reboot' },
      { ParameterName: 'max_wal_senders', ParameterValue: '10', ApplyMethod: 'pending-reboot' },
    ]);
  });

  it('MySQL: row-based binary log with full row images, TLS required', () => {
    expect(rdsClusterParameters('aurora-mysql')).toEqual([
      { ParameterName: 'binlog_format', ParameterValue: 'ROW', ApplyMethod: 'pending-reboot' },
      { ParameterName: 'binlog_row_image', ParameterValue: 'FULL', ApplyMethod: 'immediate' },
      { ParameterName: 'require_secure_transport', ParameterValue: 'ON', ApplyMethod: 'immediate' },
    ]);
  });

  it.each(ENGINES)('%s: static parameters never ask for immediate (RDS rejects that), each has a one-line reason', (engine) => {
    for (const p of clusterParameterSettings(engine)) {
      if (p.applyType === 'static') expect(p.ApplyMethod).toBe('pending-reboot');
      expect(p.reason).toMatch(/^[^\n]{20,160}$/);
    }
  });

  it('returns only the three fields RDS takes', () => {
    for (const engine of ENGINES) {
      for (const p of rdsClusterParameters(engine)) expect(Object.keys(p).sort()).toEqual(['ApplyMethod', 'ParameterName', 'ParameterValue']);
    }
  });
});

describe('checkClusterParameters (adopted clusters: report, never change)', () => {
  it('PostgreSQL cluster with everything set is ok, with nothing to run', () => {
    const report = checkClusterParameters('aurora-postgresql', PG_GOOD, ADOPTED);
    expect(report.ok).toBe(true);
    expect(report.findings.map((f) => [f.parameter, f.status])).toEqual([
      ['rds.logical_replication', 'ok'],
      ['rds.iam_auth_for_replication', 'ok'],
      ['rds.force_ssl', 'ok'],
      ['max_replication_slots', 'ok'],
      ['max_wal_senders', 'ok'],
    ]);
    expect(report.commands).toEqual([]);
    expect(report.findings.every((f) => f.fix === undefined && f.commands.length === 0)).toBe(true);
  });

  it('missing logical replication: the exact modify command, then a writer reboot', () => {
    const report = checkClusterParameters('aurora-postgresql', withValue(PG_GOOD, 'rds.logical_replication', '0'), ADOPTED);
    expect(report.ok).toBe(false);
    const f = finding(report.findings, 'rds.logical_replication');
    expect(f).toMatchObject({ status: 'wrong', expected: '1', actual: '0', rebootNeeded: true, rebootPending: false, requirement: 'required' });
    expect(f.commands).toEqual([
      'aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name shop-db-params --parameters "ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot"',
      'aws rds reboot-db-instance --db-instance-identifier shop-db-writer',
    ]);
    expect(f.fix).toBe(
      'Set the parameter in shop-db-params, then reboot the writer (brief downtime; pick a quiet moment): ' +
        '`aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name shop-db-params --parameters "ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot"`, ' +
        'then `aws rds reboot-db-instance --db-instance-identifier shop-db-writer`',
    );
    expect(report.commands).toEqual(f.commands);
    expect(report.findings.filter((x) => x.status !== 'ok').map((x) => x.parameter)).toEqual(['rds.logical_replication']);
  });

  it('an unset parameter falls back to the engine default and says so', () => {
    const report = checkClusterParameters('aurora-postgresql', withValue(PG_GOOD, 'rds.logical_replication', undefined), ADOPTED);
    const f = finding(report.findings, 'rds.logical_replication');
    expect(f.status).toBe('not-set');
    expect(f.actual).toBeUndefined();
    expect(f.message).toMatch(/^rds\.logical_replication is not set \(the engine default, 0, applies\); CDC needs 1: /);
    // Engine defaults of the capacity parameters (10) are enough.
    const capacityUnset = withValue(withValue(PG_GOOD, 'max_wal_senders', undefined), 'max_replication_slots', undefined);
    expect(checkClusterParameters('aurora-postgresql', capacityUnset, ADOPTED).ok).toBe(true);
  });

  it('a dynamic parameter is fixed without a reboot', () => {
    const report = checkClusterParameters('aurora-postgresql', withValue(PG_GOOD, 'rds.iam_auth_for_replication', '0'), ADOPTED);
    const f = finding(report.findings, 'rds.iam_auth_for_replication');
    expect(f.rebootNeeded).toBe(false);
    expect(report.commands).toEqual([
      'aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name shop-db-params --parameters "ParameterName=rds.iam_auth_for_replication,ParameterValue=1,ApplyMethod=immediate"',
    ]);
    expect(f.fix).toBe(
      'Set the parameter in shop-db-params: `aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name shop-db-params --parameters "ParameterName=rds.iam_auth_for_replication,ParameterValue=1,ApplyMethod=immediate"`',
    );
  });

  it('pending reboot: static parameters set in the group are not yet known to run; the fix is a reboot only', () => {
    const report = checkClusterParameters('aurora-postgresql', PG_GOOD, { ...ADOPTED, writerParameterGroupStatus: 'pending-reboot' });
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => [f.parameter, f.status])).toEqual([
      ['rds.logical_replication', 'pending-reboot'],
      ['rds.iam_auth_for_replication', 'ok'],
      ['rds.force_ssl', 'ok'],
      ['max_replication_slots', 'pending-reboot'],
      ['max_wal_senders', 'pending-reboot'],
    ]);
    const f = finding(report.findings, 'rds.logical_replication');
    expect(f).toMatchObject({ rebootPending: true, rebootNeeded: true });
    expect(f.message).toContain('check with SHOW rds.logical_replication');
    expect(report.commands).toEqual(['aws rds reboot-db-instance --db-instance-identifier shop-db-writer']);
  });

  it('combines several fixes into one modify command and one reboot', () => {
    const actual = withValue(withValue(PG_GOOD, 'rds.logical_replication', '0'), 'rds.iam_auth_for_replication', '0');
    const report = checkClusterParameters('aurora-postgresql', actual, ADOPTED);
    expect(report.commands).toEqual([
      'aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name shop-db-params --parameters ' +
        '"ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot" ' +
        '"ParameterName=rds.iam_auth_for_replication,ParameterValue=1,ApplyMethod=immediate"',
      'aws rds reboot-db-instance --db-instance-identifier shop-db-writer',
    ]);
  });

  it('a default parameter group cannot be modified: create a custom one, attach it, reboot', () => {
    const report = checkClusterParameters('aurora-postgresql', withValue(PG_GOOD, 'rds.logical_replication', '0'), {
      ...ADOPTED,
      parameterGroupName: 'default.aurora-postgresql16',
    });
    expect(report.commands).toEqual([
      'aws rds create-db-cluster-parameter-group --db-cluster-parameter-group-name shop-db-cdc --db-parameter-group-family aurora-postgresql16 --description "CDC settings for shop-db"',
      'aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name shop-db-cdc --parameters "ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot"',
      'aws rds modify-db-cluster --db-cluster-identifier shop-db --db-cluster-parameter-group-name shop-db-cdc --apply-immediately',
      'aws rds reboot-db-instance --db-instance-identifier shop-db-writer',
    ]);
    expect(finding(report.findings, 'rds.logical_replication').fix).toMatch(/^The cluster uses the engine default group default\.aurora-postgresql16, which cannot be modified/);
  });

  it('replication capacity is a minimum; a formula cannot be judged and is reported', () => {
    const low = checkClusterParameters('aurora-postgresql', withValue(PG_GOOD, 'max_replication_slots', '1'), ADOPTED);
    expect(finding(low.findings, 'max_replication_slots')).toMatchObject({ status: 'wrong', expected: 'at least 2', actual: '1' });
    expect(low.commands[0]).toContain('"ParameterName=max_replication_slots,ParameterValue=10,ApplyMethod=pending-reboot"');
    expect(checkClusterParameters('aurora-postgresql', withValue(PG_GOOD, 'max_replication_slots', '2'), ADOPTED).ok).toBe(true);
    const formula = checkClusterParameters('aurora-postgresql', withValue(PG_GOOD, 'max_wal_senders', '{DBInstanceClassMemory/1000}'), ADOPTED);
    expect(finding(formula.findings, 'max_wal_senders').status).toBe('wrong');
  });

  it('uses the apply type RDS reports over our own assumption', () => {
    const actual = PG_GOOD.map((p) => (p.name === 'rds.force_ssl' ? { ...p, value: '0', applyType: 'static' } : p));
    const report = checkClusterParameters('aurora-postgresql', actual, ADOPTED);
    const f = finding(report.findings, 'rds.force_ssl');
    expect(f).toMatchObject({ status: 'wrong', requirement: 'recommended', rebootNeeded: true });
    // Recommended only: the link still works.
    expect(report.ok).toBe(true);
    expect(report.commands.at(-1)).toBe('aws rds reboot-db-instance --db-instance-identifier shop-db-writer');
  });

  it('a parameter that cannot be modified gets no command', () => {
    const actual = PG_GOOD.map((p) => (p.name === 'rds.iam_auth_for_replication' ? { ...p, value: '0', isModifiable: false } : p));
    const report = checkClusterParameters('aurora-postgresql', actual, ADOPTED);
    const f = finding(report.findings, 'rds.iam_auth_for_replication');
    expect(f.commands).toEqual([]);
    expect(f.fix).toMatch(/cannot be modified/);
    expect(report.commands).toEqual([]);
    expect(report.ok).toBe(false);
  });

  it('unknown cluster details become placeholders, never guesses', () => {
    const report = checkClusterParameters('aurora-postgresql', withValue(PG_GOOD, 'rds.logical_replication', '0'));
    expect(report.commands).toEqual([
      'aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name {{CLUSTER_PARAMETER_GROUP}} --parameters "ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot"',
      'aws rds reboot-db-instance --db-instance-identifier {{WRITER_INSTANCE_IDENTIFIER}}',
    ]);
  });

  it('MySQL cluster with a row-based binary log is ok', () => {
    const report = checkClusterParameters('aurora-mysql', MYSQL_GOOD, ADOPTED);
    expect(report.ok).toBe(true);
    expect(report.findings.every((f) => f.status === 'ok')).toBe(true);
  });

  it('MySQL binlog_format MIXED is wrong: set ROW and reboot the writer, even if RDS calls it dynamic', () => {
    const expectedCommands = [
      'aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name shop-db-params --parameters "ParameterName=binlog_format,ParameterValue=ROW,ApplyMethod=pending-reboot"',
      'aws rds reboot-db-instance --db-instance-identifier shop-db-writer',
    ];
    const report = checkClusterParameters('aurora-mysql', withValue(MYSQL_GOOD, 'binlog_format', 'MIXED'), ADOPTED);
    expect(report.ok).toBe(false);
    const f = finding(report.findings, 'binlog_format');
    expect(f).toMatchObject({ status: 'wrong', expected: 'ROW', actual: 'MIXED', rebootNeeded: true, requirement: 'required' });
    expect(f.commands).toEqual(expectedCommands);
    expect(report.commands).toEqual(expectedCommands);
    const unknownType = MYSQL_GOOD.map((p) => (p.name === 'binlog_format' ? { name: p.name, value: 'MIXED' } : p));
    expect(checkClusterParameters('aurora-mysql', unknownType, ADOPTED).commands).toEqual(expectedCommands);
  });

  it('a parameter RDS reports as dynamic is applied immediately, without a reboot', () => {
    const report = checkClusterParameters('aurora-postgresql', withValue(PG_GOOD, 'rds.force_ssl', '0'), ADOPTED);
    expect(finding(report.findings, 'rds.force_ssl')).toMatchObject({ status: 'wrong', rebootNeeded: false });
    expect(report.commands).toEqual([
      'aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name shop-db-params --parameters "ParameterName=rds.force_ssl,ParameterValue=1,ApplyMethod=immediate"',
    ]);
    // Without a reported apply type we keep pending-reboot (accepted for both kinds) and say a reboot is needed.
    const unreported = PG_GOOD.map((p) => (p.name === 'rds.force_ssl' ? { name: p.name, value: '0' } : p));
    expect(checkClusterParameters('aurora-postgresql', unreported, ADOPTED).commands).toEqual([
      'aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name shop-db-params --parameters "ParameterName=rds.force_ssl,ParameterValue=1,ApplyMethod=pending-reboot"',
      'aws rds reboot-db-instance --db-instance-identifier shop-db-writer',
    ]);
  });

  it('MySQL with binary logging off by default (unset) is not ok', () => {
    const report = checkClusterParameters('aurora-mysql', withValue(MYSQL_GOOD, 'binlog_format', undefined), ADOPTED);
    expect(finding(report.findings, 'binlog_format')).toMatchObject({ status: 'not-set', actual: undefined });
    expect(report.ok).toBe(false);
  });

  it('MySQL without require_secure_transport is still usable, with a recommendation', () => {
    const report = checkClusterParameters('aurora-mysql', withValue(MYSQL_GOOD, 'require_secure_transport', 'OFF'), ADOPTED);
    expect(report.ok).toBe(true);
    expect(finding(report.findings, 'require_secure_transport')).toMatchObject({ status: 'wrong', requirement: 'recommended' });
    expect(report.commands).toEqual([
      'aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name shop-db-params --parameters "ParameterName=require_secure_transport,ParameterValue=ON,ApplyMethod=immediate"',
    ]);
  });
});

describe('security-group ingress from the Redpanda NAT gateways', () => {
  it('dedupes, normalizes to /32 and sorts numerically', () => {
    expect(redpandaIngressCidrs(['3.139.175.89', '18.1.2.3', '3.139.175.89/32', ' 3.12.0.1 ', '172.32.0.1', '100.128.0.1'])).toEqual([
      '3.12.0.1/32',
      '3.139.175.89/32',
      '18.1.2.3/32',
      '100.128.0.1/32',
      '172.32.0.1/32',
    ]);
  });

  it('returns one tcp rule per address on the engine port, described with the link and cluster', () => {
    expect(
      redpandaIngressPermissions({ link: 'orders', redpandaClusterId: CLUSTER_ID, natAddresses: ['3.139.175.89', '3.12.0.1', '3.12.0.1'], port: 5432 }),
    ).toEqual([
      { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '3.12.0.1/32', Description: `rpcn-aurora orders: Redpanda ${CLUSTER_ID} NAT` }] },
      { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '3.139.175.89/32', Description: `rpcn-aurora orders: Redpanda ${CLUSTER_ID} NAT` }] },
    ]);
  });

  it.each([
    ['0.0.0.0/0', 'would open the database to the whole internet'],
    ['10.1.2.3', 'a private address (10.0.0.0/8)'],
    ['172.20.0.1', 'a private address (172.16.0.0/12)'],
    ['192.168.1.1', 'a private address (192.168.0.0/16)'],
    ['127.0.0.1', 'a loopback address (127.0.0.0/8)'],
    ['169.254.169.254', 'a link-local address (169.254.0.0/16)'],
    ['100.64.0.1', 'a carrier-grade NAT address (100.64.0.0/10)'],
    ['0.0.0.0', '"this network" (0.0.0.0/8) is not a NAT gateway address'],
    ['255.255.255.255', 'a reserved address (240.0.0.0/4)'],
    ['3.139.175.0/24', 'a /24 range, but a NAT gateway is a single address (/32)'],
    ['3.139.175.89/33', 'not a valid CIDR prefix'],
    ['300.1.1.1', 'not an IPv4 address'],
    ['010.1.1.1', 'not an IPv4 address'],
    ['3.139.175', 'not an IPv4 address'],
    ['nat-gateway', 'not an IPv4 address'],
    ['', 'not an IPv4 address'],
    ['2600:1f16::1', 'IPv6 is not supported; Redpanda NAT gateways are IPv4'],
  ])('rejects %j: %s', (value, reason) => {
    try {
      redpandaIngressCidrs(['3.139.175.89', value]);
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidIngressAddressError);
      expect((err as Error).name).toBe('InvalidIngressAddressError');
      expect((err as InvalidIngressAddressError).rejected).toEqual([{ value, reason }]);
    }
  });

  it('names every bad address in one error and opens nothing', () => {
    expect(() => redpandaIngressPermissions({ link: 'orders', redpandaClusterId: CLUSTER_ID, natAddresses: ['3.1.1.1', '10.0.0.1', '0.0.0.0/0'], port: 5432 })).toThrow(
      'cannot allow ingress from "10.0.0.1" (a private address (10.0.0.0/8)), "0.0.0.0/0" (would open the database to the whole internet)',
    );
  });

  it('refuses an empty list and a bad port', () => {
    expect(() => redpandaIngressCidrs([])).toThrow(InvalidIngressAddressError);
    expect(() => redpandaIngressCidrs([])).toThrow('no Redpanda NAT address to allow');
    expect(() => redpandaIngressPermissions({ link: 'orders', redpandaClusterId: CLUSTER_ID, natAddresses: ['3.1.1.1'], port: 0 })).toThrow(RangeError);
    expect(() => redpandaIngressPermissions({ link: 'orders', redpandaClusterId: CLUSTER_ID, natAddresses: ['3.1.1.1'], port: 5432.5 })).toThrow(RangeError);
  });

  it('refuses a description EC2 would reject', () => {
    expect(ingressDescription('orders', CLUSTER_ID)).toBe(`rpcn-aurora orders: Redpanda ${CLUSTER_ID} NAT`);
    expect(() => ingressDescription('orders"; drop', CLUSTER_ID)).toThrow(RangeError);
  });
});

describe('clusterCreationSettings', () => {
  const D = '111122223333';

  it('PostgreSQL: Serverless v2 with IAM auth, Data API, managed secret, encryption and the CDC parameters', () => {
    const request = assertRequest({
      name: 'orders',
      engine: 'aurora-postgresql',
      database: { engineVersion: '17.4', minCapacity: 0.5, maxCapacity: 2 },
      cdc: { tables: ['orders'] },
      redpanda: { clusterId: CLUSTER_ID, accountId: '861276079005' },
    });
    expect(clusterCreationSettings(request, { dbAccountId: D })).toEqual({
      engine: 'aurora-postgresql',
      engineVersion: '17.4',
      parameterGroupFamily: 'aurora-postgresql17',
      clusterIdentifier: 'rpcn-aurora-orders',
      clusterParameterGroupName: 'rpcn-aurora-orders-aurorapostgresql17',
      clusterParameters: rdsClusterParameters('aurora-postgresql'),
      writerInstanceIdentifier: 'rpcn-aurora-orders-writer',
      instanceClass: 'db.serverless',
      databaseName: 'demo_db',
      port: 5432,
      masterUsername: 'postgres',
      manageMasterUserPassword: true,
      enableIAMDatabaseAuthentication: true,
      enableHttpEndpoint: true,
      storageEncrypted: true,
      publiclyAccessible: true,
      serverlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 2 },
      copyTagsToSnapshot: true,
      tags: [{ Key: 'rpcn-aurora:link', Value: 'orders' }],
      notes: [],
    });
  });

  it('MySQL: port 3306, family aurora-mysql8.0, binlog parameters; auto-pause is called out', () => {
    const request = assertRequest({
      name: 'shop',
      engine: 'aurora-mysql',
      database: { databaseName: 'shop', minCapacity: 0, maxCapacity: 4, network: 'private' },
      cdc: { tables: ['orders'] },
      redpanda: { clusterId: CLUSTER_ID, accountId: '861276079005' },
    });
    const s = clusterCreationSettings(request, { dbAccountId: D });
    expect(s).toMatchObject({
      engine: 'aurora-mysql',
      engineVersion: '8.0.mysql_aurora.3.08.0',
      parameterGroupFamily: 'aurora-mysql8.0',
      port: 3306,
      masterUsername: 'admin',
      databaseName: 'shop',
      publiclyAccessible: false,
      serverlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4 },
    });
    expect(s.clusterParameters.map((p) => p.ParameterName)).toEqual(['binlog_format', 'binlog_row_image', 'require_secure_transport']);
    expect(s.notes).toHaveLength(1);
    expect(s.notes[0]).toMatch(/auto-pause/);
  });

  it('refuses to describe creating a cluster the link adopts', () => {
    const request = assertRequest({
      name: 'orders',
      engine: 'aurora-postgresql',
      database: { create: false, clusterIdentifier: 'shop-db' },
      cdc: { tables: ['orders'] },
      redpanda: { clusterId: CLUSTER_ID, accountId: '861276079005' },
    });
    expect(() => clusterCreationSettings(request, { dbAccountId: D })).toThrow(AdoptedClusterError);
    expect(() => clusterCreationSettings(request, { dbAccountId: D })).toThrow('cluster shop-db is adopted');
  });
});
