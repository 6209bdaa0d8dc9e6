import {
  executionNameProblem,
  fitName,
  iamNameProblem,
  iamPathProblem,
  mysqlUserNameProblem,
  pipelineDisplayNameProblem,
  postgresIdentifierProblem,
  rdsIdentifierProblem,
  rdsParameterGroupNameProblem,
  redpandaSecretIdProblem,
  replicationSlotProblem,
  secretsManagerNameProblem,
  securityGroupNameProblem,
  shortHash,
  topicNameProblem,
} from '../../lambdas/core/name-rules.js';
import { defaultCdcUser, derivedNameProblems, finalSnapshotIdentifier, linkNames } from '../../lambdas/core/naming.js';

describe('RDS identifiers (cluster, instance, final snapshot)', () => {
  test.each(['a', 'rpcn-aurora-orders', 'rpcn-aurora-orders-writer', 'A1-b2', 'a'.repeat(63)])('accepts %s', (id) => {
    expect(rdsIdentifierProblem(id)).toBeUndefined();
  });
  test.each([
    ['', /shorter than 1/],
    ['a'.repeat(64), /longer than 63/],
    ['1abc', /begin with a letter/],
    ['-abc', /begin with a letter/],
    ['ab_c', /only ASCII letters, digits and hyphens/],
    ['abc-', /must not end with a hyphen/],
    ['rpcn-aurora-a--b', /two consecutive hyphens/],
  ])('refuses "%s"', (id, problem) => {
    expect(rdsIdentifierProblem(id)).toMatch(problem);
  });
});

describe('DB cluster parameter group names', () => {
  test('hold to the identifier rules', () => {
    expect(rdsParameterGroupNameProblem('rpcn-aurora-orders-aurorapostgresql17')).toBeUndefined();
    expect(rdsParameterGroupNameProblem('rpcn-aurora-orders--aurorapostgresql17')).toMatch(/two consecutive hyphens/);
    expect(rdsParameterGroupNameProblem(`rpcn-aurora-${'x'.repeat(52)}`)).toMatch(/longer than 63/);
  });
});

describe('IAM names and paths', () => {
  test('roles and users: 64 of letters, digits and +=,.@_-', () => {
    expect(iamNameProblem('rpcn-aurora-orders-db-connect', 'role')).toBeUndefined();
    expect(iamNameProblem('a'.repeat(64), 'role')).toBeUndefined();
    expect(iamNameProblem('a'.repeat(65), 'role')).toMatch(/longer than 64/);
    expect(iamNameProblem('a'.repeat(65), 'user')).toMatch(/longer than 64/);
    expect(iamNameProblem('a b', 'user')).toMatch(/only ASCII letters/);
    expect(iamNameProblem('a/b', 'role')).toMatch(/only ASCII letters/);
  });
  test('policies: 128', () => {
    expect(iamNameProblem('p'.repeat(128), 'policy')).toBeUndefined();
    expect(iamNameProblem('p'.repeat(129), 'policy')).toMatch(/longer than 128/);
  });
  test('paths: "/" or /…/ of printable ASCII', () => {
    expect(iamPathProblem('/')).toBeUndefined();
    expect(iamPathProblem('/rpcn-aurora/')).toBeUndefined();
    expect(iamPathProblem('rpcn-aurora/')).toMatch(/begin and end with/);
    expect(iamPathProblem('/rpcn aurora/')).toMatch(/without spaces/);
    expect(iamPathProblem(`/${'a'.repeat(511)}/`)).toMatch(/longer than 512/);
  });
});

describe('security group names', () => {
  test('255 characters of the EC2 set, not sg-*', () => {
    expect(securityGroupNameProblem('rpcn-aurora-orders')).toBeUndefined();
    expect(securityGroupNameProblem('s'.repeat(256))).toMatch(/longer than 255/);
    expect(securityGroupNameProblem('sg-orders')).toMatch(/sg-/);
    expect(securityGroupNameProblem('orders%')).toMatch(/only letters/);
  });
});

describe('Secrets Manager names', () => {
  test('512 of letters, digits and /_+=.@-, not ending like an ARN suffix', () => {
    expect(secretsManagerNameProblem('rpcn-aurora-orders/redpanda-sasl-password')).toBeUndefined();
    expect(secretsManagerNameProblem('s'.repeat(513))).toMatch(/longer than 512/);
    expect(secretsManagerNameProblem('orders secret')).toMatch(/only ASCII/);
    expect(secretsManagerNameProblem('rpcn-aurora-orders/abc-123456')).toMatch(/six characters/);
  });
});

describe('Redpanda names', () => {
  test('secret ids: ^[A-Z][A-Z0-9_]*$, 1-255', () => {
    expect(redpandaSecretIdProblem('RPCN_AURORA_ORDERS_SASL_PASSWORD')).toBeUndefined();
    expect(redpandaSecretIdProblem('RPCN-AURORA')).toMatch(/upper-case/);
    expect(redpandaSecretIdProblem('rpcn_aurora')).toMatch(/upper-case/);
    expect(redpandaSecretIdProblem('_RPCN')).toMatch(/upper-case/);
    expect(redpandaSecretIdProblem('A'.repeat(256))).toMatch(/longer than 255/);
  });
  test('pipeline display names: 3-128 of letters, digits, spaces and -_/', () => {
    expect(pipelineDisplayNameProblem('rpcn-aurora-orders')).toBeUndefined();
    expect(pipelineDisplayNameProblem('ab')).toMatch(/shorter than 3/);
    expect(pipelineDisplayNameProblem('a.b.c')).toMatch(/only letters/);
  });
  test('topics: 1-249 of a-zA-Z0-9._-, not . or ..', () => {
    expect(topicNameProblem('rpcn-aurora-orders.checkpoints')).toBeUndefined();
    expect(topicNameProblem('..')).toBeDefined();
    expect(topicNameProblem('t'.repeat(250))).toBeDefined();
  });
});

describe('Step Functions execution names', () => {
  test('80 characters without whitespace or the forbidden characters', () => {
    expect(executionNameProblem('rotate-orders-schedule-20261208')).toBeUndefined();
    expect(executionNameProblem('e'.repeat(81))).toMatch(/longer than 80/);
    for (const bad of ['a b', 'a*b', 'a?b', 'a:b', 'a/b', 'a$b', 'a"b', 'a\tb']) expect(executionNameProblem(bad)).toMatch(/whitespace/);
    expect(executionNameProblem('é')).toMatch(/printable ASCII/);
  });
});

describe('database user names', () => {
  test('MySQL: at most 32 characters', () => {
    expect(mysqlUserNameProblem('u'.repeat(32))).toBeUndefined();
    expect(mysqlUserNameProblem('u'.repeat(33))).toMatch(/longer than 32/);
  });
  test('PostgreSQL: at most 63 bytes', () => {
    expect(postgresIdentifierProblem('u'.repeat(63))).toBeUndefined();
    expect(postgresIdentifierProblem('u'.repeat(64))).toMatch(/longer than 63/);
  });
  test('replication slots: 1-50 of a-z0-9_', () => {
    expect(replicationSlotProblem('rpcn_orders')).toBeUndefined();
    expect(replicationSlotProblem('s'.repeat(51))).toBeDefined();
    expect(replicationSlotProblem('rpcn-orders')).toBeDefined();
  });
});

describe('cutting a name to fit', () => {
  test('keeps a short name, cuts a long one deterministically with a hash of the whole', () => {
    expect(fitName('rpcn_orders', 32, '_')).toBe('rpcn_orders');
    const a = fitName('rpcn_a_very_long_link_name_for_mysql_1', 32, '_');
    const b = fitName('rpcn_a_very_long_link_name_for_mysql_2', 32, '_');
    expect(a).toHaveLength(32);
    expect(a).toBe(fitName('rpcn_a_very_long_link_name_for_mysql_1', 32, '_'));
    expect(a).not.toBe(b);
    expect(shortHash('x')).toMatch(/^[0-9a-z]{6}$/);
  });
  test('never leaves a doubled or trailing separator', () => {
    const cut = fitName(`rpcn-aurora-${'a'.repeat(22)}-${'b'.repeat(20)}`, 42, '-');
    expect(cut.length).toBeLessThanOrEqual(42);
    expect(rdsIdentifierProblem(cut)).toBeUndefined();
  });
});

describe('derived names', () => {
  const longest = 'a'.repeat(31);
  test('the final snapshot identifier of a 63-character cluster is cut to a valid identifier', () => {
    const id = finalSnapshotIdentifier(`rpcn-aurora-${'x'.repeat(51)}`, new Date('2026-12-08T01:02:03Z'));
    expect(id).toMatch(/-final-20261208010203$/);
    expect(rdsIdentifierProblem(id)).toBeUndefined();
    expect(finalSnapshotIdentifier('rpcn-aurora-orders', new Date('2026-12-08T01:02:03Z'))).toBe('rpcn-aurora-orders-final-20261208010203');
  });
  test('the default MySQL user of a long link name is cut to 32; PostgreSQL keeps it whole', () => {
    expect(defaultCdcUser('aurora-mysql', 'orders')).toBe('rpcn_orders');
    expect(defaultCdcUser('aurora-mysql', longest)).toHaveLength(32);
    expect(defaultCdcUser('aurora-postgresql', longest)).toBe(`rpcn_${longest}`);
  });
  test.each(['aurora-postgresql', 'aurora-mysql'] as const)('every name of the longest valid %s link passes its service', (engine) => {
    const names = linkNames(
      { name: longest, engine, database: { clusterIdentifier: `rpcn-aurora-${longest}`, engineVersion: engine === 'aurora-mysql' ? '8.0.mysql_aurora.3.08.0' : '17.4' }, redpanda: { clusterId: 'curl3eo533cmsnt23dv0' } },
      '123456789012',
    );
    expect(derivedNameProblems(names, engine, defaultCdcUser(engine, longest))).toEqual([]);
  });
  test('a name with "--" taints every RDS identifier', () => {
    const names = linkNames(
      { name: 'a--b', engine: 'aurora-postgresql', database: { clusterIdentifier: 'rpcn-aurora-a--b', engineVersion: '17.4' }, redpanda: { clusterId: 'curl3eo533cmsnt23dv0' } },
      '123456789012',
    );
    expect(derivedNameProblems(names, 'aurora-postgresql', 'rpcn_a__b').map((p) => p.what)).toEqual(
      expect.arrayContaining(['RDS DB cluster identifier', 'RDS DB instance identifier', 'RDS final snapshot identifier', 'DB cluster parameter group name']),
    );
  });
});
