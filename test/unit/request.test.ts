import { readFileSync } from 'node:fs';
import { assertRequest, InvalidRequestError, parseRequest, type RequestIssue } from '../../lambdas/core/request.js';

const example = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8'));

/** A deep copy of the postgres example with one edit applied. */
function edited(edit: (r: Record<string, any>) => void, base = 'postgres'): Record<string, any> {
  const r = structuredClone(example(base));
  edit(r);
  return r;
}

function issuesOf(input: unknown): RequestIssue[] {
  const result = parseRequest(input);
  if (result.ok) throw new Error('expected the request to be rejected');
  return result.issues;
}

describe('request v1 examples', () => {
  test.each(['postgres', 'mysql', 'existing-cluster', 'self-managed', 'private-network'])('examples/%s.json is valid', (name) => {
    expect(parseRequest(example(name)).ok).toBe(true);
  });
});

describe('defaults', () => {
  test('a minimal request is filled in and echoed', () => {
    const request = assertRequest({
      name: 'orders',
      engine: 'aurora-postgresql',
      cdc: { tables: ['orders'] },
      redpanda: { clusterId: 'curl3eo533cmsnt23dv0', accountId: '861276079005' },
    });
    expect(request).toEqual({
      name: 'orders',
      engine: 'aurora-postgresql',
      database: {
        create: true,
        clusterIdentifier: 'rpcn-aurora-orders',
        engineVersion: '17.4',
        databaseName: 'demo_db',
        minCapacity: 0.5,
        maxCapacity: 2,
        publiclyAccessible: true,
        network: 'public',
      },
      cdc: { user: 'rpcn_orders', schema: 'public', tables: ['orders'], snapshot: true },
      redpanda: { clusterId: 'curl3eo533cmsnt23dv0', accountId: '861276079005', topic: 'orders.cdc', partitions: 3, replicationFactor: 3 },
      identity: { mode: 'access-key', rotateAfterDays: 30, restrictToEgress: true },
      selfHeal: true,
      onFailure: 'keep',
    });
  });

  test('MySQL defaults: engine version, schema = database name', () => {
    const request = assertRequest({
      name: 'inv-1',
      engine: 'aurora-mysql',
      database: { databaseName: 'shop' },
      cdc: { tables: ['Stock'] },
      redpanda: { clusterId: 'curl3eo533cmsnt23dv0', accountId: '861276079005' },
    });
    expect(request.database.engineVersion).toBe('8.0.mysql_aurora.3.08.0');
    expect(request.cdc.schema).toBe('shop');
    expect(request.cdc.user).toBe('rpcn_inv_1');
  });

  test('MySQL: the default user of a long link name is cut to 32 characters, not refused', () => {
    const request = assertRequest({
      name: 'inventory-europe-west-warehouse',
      engine: 'aurora-mysql',
      database: { databaseName: 'shop' },
      cdc: { tables: ['Stock'] },
      redpanda: { clusterId: 'curl3eo533cmsnt23dv0' },
    });
    expect(request.cdc.user).toHaveLength(32);
    expect(request.cdc.user).toMatch(/^rpcn_inventory_europe_wes_[0-9a-z]{6}$/);
  });

  test('a cdc.user the engine would refuse is named with its rule', () => {
    const issues = issuesOf(edited((r) => (r.cdc.user = 'a_user_name_of_thirty_three_chars'), 'mysql'));
    expect(issues).toEqual([expect.objectContaining({ path: 'cdc.user', message: expect.stringMatching(/MySQL user name .* longer than 32/) })]);
  });
});

describe('rejections name the field and say what is allowed', () => {
  const cases: Array<[string, (r: Record<string, any>) => void, string, RegExp]> = [
    ['unknown top-level field', (r) => (r.extra = 1), '', /unknown field "extra"/],
    ['unknown nested field', (r) => (r.database.iops = 3000), 'database', /unknown field "iops"/],
    ['missing redpanda', (r) => delete r.redpanda, 'redpanda', /required/],
    ['bad name', (r) => (r.name = 'Orders'), 'name', /3-31 characters/],
    ['short name', (r) => (r.name = 'ab'), 'name', /3-31 characters/],
    ['name ending in "-" (every RDS identifier derived from it would end so)', (r) => (r.name = 'orders-'), 'name', /not ending with "-"/],
    ['name holding "--" (RDS refuses it in identifiers)', (r) => (r.name = 'orders--eu'), 'name', /without "--"/],
    ['cdc.user longer than PostgreSQL allows', (r) => (r.cdc.user = 'u'.repeat(63) + 'x'), 'cdc.user', /1-63/],
    ['bad engine', (r) => (r.engine = 'postgres'), 'engine', /"aurora-postgresql", "aurora-mysql"/],
    ['min > max', (r) => (r.database.minCapacity = 4), 'database.minCapacity', /must not exceed database.maxCapacity \(2\)/],
    ['capacity step', (r) => (r.database.maxCapacity = 2.3), 'database.maxCapacity', /multiple of 0.5/],
    ['capacity bound', (r) => (r.database.maxCapacity = 512), 'database.maxCapacity', /at most 256/],
    ['max below 1', (r) => ((r.database.minCapacity = 0), (r.database.maxCapacity = 0.5)), 'database.maxCapacity', /at least 1 ACU/],
    ['account id', (r) => (r.redpanda.accountId = '86127607900'), 'redpanda.accountId', /12-digit/],
    ['account id as number', (r) => (r.redpanda.accountId = 861276079005), 'redpanda.accountId', /12-digit/],
    ['cluster id', (r) => (r.redpanda.clusterId = 'curl3eo533cmsnt23dvz'), 'redpanda.clusterId', /20 characters of 0-9 and a-v/],
    ['topic chars', (r) => (r.redpanda.topic = 'orders cdc'), 'redpanda.topic', /1-249/],
    ['internal topic', (r) => (r.redpanda.topic = '__consumer_offsets'), 'redpanda.topic', /reserved for internal topics/],
    ['topic dot', (r) => (r.redpanda.topic = '..'), 'redpanda.topic', /must not be "\." or "\.\."/],
    ['replication factor', (r) => (r.redpanda.replicationFactor = 2), 'redpanda.replicationFactor', /1 or 3/],
    ['partitions', (r) => (r.redpanda.partitions = 0), 'redpanda.partitions', /at least 1/],
    ['dotted pg table', (r) => (r.cdc.tables = ['sales.orders']), 'cdc.tables[0]', /set cdc.schema to "sales"/],
    ['upper-case pg table', (r) => (r.cdc.tables = ['Orders']), 'cdc.tables[0]', /lower-case/],
    ['duplicate table', (r) => (r.cdc.tables = ['orders', 'orders']), 'cdc.tables[1]', /listed twice/],
    ['no tables', (r) => (r.cdc.tables = []), 'cdc.tables', /at least one table/],
    ['reserved user', (r) => (r.cdc.user = 'rdsadmin'), 'cdc.user', /reserved/],
    ['reserved prefix', (r) => (r.cdc.user = 'pg_monitor2'), 'cdc.user', /reserved/],
    ['system schema', (r) => (r.cdc.schema = 'pg_catalog'), 'cdc.schema', /system schema/],
    ['adopt without identifier', (r) => (r.database = { create: false }), 'database.clusterIdentifier', /required when database.create is false/],
    ['cluster identifier', (r) => (r.database.clusterIdentifier = 'my--db'), 'database.clusterIdentifier', /no "--"/],
    ['created cluster outside the prefix', (r) => (r.database.clusterIdentifier = 'orders-db'), 'database.clusterIdentifier', /must be named "rpcn-aurora-…"/],
    ['auto-pause before the version has it', (r) => ((r.database.engineVersion = '16.2'), (r.database.minCapacity = 0)), 'database.minCapacity', /Aurora PostgreSQL 16\.2 does not support .*use 16\.3 or later/],
    ['256 ACU before the version has it', (r) => ((r.database.engineVersion = '14.9'), (r.database.maxCapacity = 256)), 'database.maxCapacity', /at most 128 ACU.*use 14\.10 or later for up to 256 ACU/],
    ['pg version format', (r) => (r.database.engineVersion = '17'), 'database.engineVersion', /MAJOR.MINOR/],
    ['pg version without Data API', (r) => (r.database.engineVersion = '15.2'), 'database.engineVersion', /use 15.3 or later/],
    ['database name', (r) => (r.database.databaseName = '1db'), 'database.databaseName', /starting with a letter/],
    ['selfHeal type', (r) => (r.selfHeal = 'yes'), 'selfHeal', /true or false/],
    ['onFailure', (r) => (r.onFailure = 'retry'), 'onFailure', /"keep" or "rollback"/],
  ];
  test.each(cases)('%s', (_what, edit, path, message) => {
    const issues = issuesOf(edited(edit));
    expect(issues).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]));
  });

  test('MySQL: qualified table, bad schema, long user, version', () => {
    const issues = issuesOf(
      edited((r) => {
        r.cdc.tables = ['shop.stock'];
        r.cdc.schema = 'other';
        r.cdc.user = 'a_very_long_user_name_for_mysql_x1';
        r.database.engineVersion = '8.0.mysql_aurora.3.05.2';
      }, 'mysql'),
    );
    expect(issues.map((i) => i.path).sort()).toEqual(['cdc.schema', 'cdc.tables[0]', 'cdc.user', 'database.engineVersion']);
    expect(issues.find((i) => i.path === 'cdc.tables[0]')!.message).toMatch(/write "stock"/);
  });

  test('MySQL: auto-pause needs 3.08.0', () => {
    const issues = issuesOf(edited((r) => ((r.database.engineVersion = '8.0.mysql_aurora.3.07.1'), (r.database.minCapacity = 0)), 'mysql'));
    expect(issues).toEqual([{ path: 'database.minCapacity', message: expect.stringMatching(/use 8\.0\.mysql_aurora\.3\.08\.0 or later/) }]);
  });

  test('capacity is checked only for a cluster the link creates (an adopted one keeps its own)', () => {
    const adopted = edited((r) => (r.database = { create: false, clusterIdentifier: 'orders-db', engineVersion: '16.2', minCapacity: 0 }));
    expect(parseRequest(adopted).ok).toBe(true);
    expect(parseRequest(edited((r) => ((r.database.engineVersion = '16.3'), (r.database.minCapacity = 0), (r.database.maxCapacity = 256)))).ok).toBe(true);
  });

  test('every problem is reported at once, not just the first', () => {
    const issues = issuesOf({ name: 'X', engine: 'nope', cdc: { tables: [] }, redpanda: {} });
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['name', 'engine', 'cdc.tables', 'redpanda.clusterId']),
    );
  });

  test('assertRequest throws a named error listing every issue', () => {
    expect(() => assertRequest(edited((r) => (r.name = 'X')))).toThrow(InvalidRequestError);
    try {
      assertRequest(edited((r) => (r.name = 'X')));
    } catch (e) {
      expect((e as Error).name).toBe('InvalidRequestError');
      expect((e as Error).message).toMatch(/^invalid request: name: /);
    }
  });

  test('non-object input', () => {
    expect(issuesOf('orders')[0]!.path).toBe('');
    expect(issuesOf(null)[0]!.path).toBe('');
  });
});

describe('hostile strings are rejected, never escaped', () => {
  const hostile = [
    `orders'; DROP TABLE users; --`,
    'orders"',
    'orders;',
    'orders\nDROP',
    'ordеrs', // Cyrillic "е"
    'orders\u200b', // zero-width space
    'ｏrders', // full-width "o"
    'orders`',
    '$(touch x)',
  ];
  test.each(hostile)('table %j', (table) => {
    const issues = issuesOf(edited((r) => (r.cdc.tables = [table])));
    expect(issues[0]!.path).toBe('cdc.tables[0]');
    // The message shows non-ASCII escaped, never raw.
    expect(issues[0]!.message).toMatch(/^[\x20-\x7e]*$/);
  });
  test.each(hostile)('user, schema, database, topic, name %j', (value) => {
    for (const [path, edit] of [
      ['cdc.user', (r: Record<string, any>) => (r.cdc.user = value)],
      ['cdc.schema', (r: Record<string, any>) => (r.cdc.schema = value)],
      ['database.databaseName', (r: Record<string, any>) => (r.database.databaseName = value)],
      ['redpanda.topic', (r: Record<string, any>) => (r.redpanda.topic = value)],
      ['name', (r: Record<string, any>) => (r.name = value)],
    ] as const) {
      expect(issuesOf(edited(edit)).map((i) => i.path)).toContain(path);
    }
  });
  test('a hostile unknown key is shown escaped', () => {
    const issues = issuesOf(edited((r) => (r['evil\nkey'] = 1)));
    expect(issues[0]!.message).toBe('unknown field "evil\\u{a}key": not part of request v1');
  });
});

describe('identity', () => {
  const withIdentity = (identity: unknown, edit: (r: Record<string, any>) => void = () => undefined) =>
    edited((r) => {
      r.identity = identity;
      edit(r);
    });

  test('access-key is the default, with a 30-day rotation restricted to the egress addresses; no Redpanda account needed', () => {
    const request = assertRequest(edited((r) => {
      delete r.identity;
      delete r.redpanda.accountId;
    }));
    expect(request.identity).toEqual({ mode: 'access-key', rotateAfterDays: 30, restrictToEgress: true });
    expect(request.redpanda.accountId).toBeUndefined();
  });

  test('rotateAfterDays is 1-365 whole days', () => {
    for (const days of [0, 366, 1.5, '30']) {
      expect(issuesOf(withIdentity({ mode: 'access-key', rotateAfterDays: days })).map((i) => i.path)).toEqual(['identity.rotateAfterDays']);
    }
    expect(assertRequest(withIdentity({ rotateAfterDays: 1 })).identity).toMatchObject({ rotateAfterDays: 1 });
    expect(assertRequest(withIdentity({ rotateAfterDays: 365 })).identity).toMatchObject({ rotateAfterDays: 365 });
  });

  test('pipeline-role needs redpanda.accountId (the account of the pipeline role)', () => {
    const issues = issuesOf(withIdentity({ mode: 'pipeline-role' }, (r) => delete r.redpanda.accountId));
    expect(issues).toEqual([{ path: 'redpanda.accountId', message: expect.stringMatching(/required for identity.mode "pipeline-role"/) }]);
    expect(assertRequest(withIdentity({ mode: 'pipeline-role' })).identity.mode).toBe('pipeline-role');
  });

  test('the access-key fields are refused, named, in the other modes', () => {
    const issues = issuesOf(withIdentity({ mode: 'pipeline-role', rotateAfterDays: 10, restrictToEgress: false }));
    expect(issues.map((i) => i.path).sort()).toEqual(['identity.restrictToEgress', 'identity.rotateAfterDays']);
    expect(issues[0]!.message).toMatch(/applies only to identity.mode "access-key"/);
  });

  test('self-managed needs a role ARN, and only self-managed takes one', () => {
    expect(issuesOf(withIdentity({ mode: 'self-managed' }))).toEqual([{ path: 'identity.roleArn', message: expect.stringMatching(/^is required for identity.mode "self-managed"/) }]);
    expect(issuesOf(withIdentity({ mode: 'access-key', roleArn: 'arn:aws:iam::222222222222:role/connect' })).map((i) => i.path)).toEqual(['identity.roleArn']);
    const request = assertRequest(withIdentity({ mode: 'self-managed', roleArn: 'arn:aws:iam::222222222222:role/eks/connect-cdc' }));
    expect(request.identity).toEqual({ mode: 'self-managed', roleArn: 'arn:aws:iam::222222222222:role/eks/connect-cdc' });
  });

  test('a normalized request of every mode parses again to itself (plan writes it; Provision may be given it)', () => {
    for (const identity of [{ mode: 'access-key' }, { mode: 'pipeline-role' }, { mode: 'self-managed', roleArn: 'arn:aws:iam::222222222222:role/connect' }]) {
      const once = assertRequest(withIdentity(identity));
      expect(assertRequest(JSON.parse(JSON.stringify(once)))).toEqual(once);
    }
  });

  test.each([
    ['arn:aws-cn:iam::222222222222:role/connect', /partition "aws-cn"/],
    ['arn:aws-us-gov:iam::222222222222:role/connect', /partition "aws-us-gov"/],
    ['arn:aws:iam::222222222222:user/connect', /is an IAM user/],
    ['*', /wildcard/],
    ['arn:aws:iam::222222222222:role/*', /wildcard/],
    ['arn:aws:iam::222222222222:root', /whole account/],
    ['arn:aws:sts::222222222222:assumed-role/connect/session', /STS session/],
    ['arn:aws:iam::2222:role/connect', /12-digit account/],
    ['arn:aws:s3:::bucket', /not an IAM ARN/],
    ['connect-cdc', /not an ARN/],
    ['arn:aws:iam::222222222222:role/connect"; rm -rf /', /not a valid role ARN/],
    ['arn:aws:iam::222222222222:role/connеct', /not a valid role ARN/], // Cyrillic "е"
    ['arn:aws:iam::222222222222:policy/connect', /not a role ARN/],
  ])('hostile roleArn %j is refused with the field named', (roleArn, why) => {
    const issues = issuesOf(withIdentity({ mode: 'self-managed', roleArn }));
    expect(issues.map((i) => i.path)).toEqual(['identity.roleArn']);
    expect(issues[0]!.message).toMatch(why);
    expect(issues[0]!.message).toMatch(/^[\x20-\x7e]*$/);
  });

  test('an unknown identity field or mode is named', () => {
    expect(issuesOf(withIdentity({ mode: 'irsa' })).map((i) => i.path)).toEqual(['identity.mode']);
    expect(issuesOf(withIdentity({ mode: 'access-key', keyId: 'AKIA' }))[0]!.message).toMatch(/unknown field "keyId"/);
  });
});
