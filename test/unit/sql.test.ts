import { assertRequest, type LinkRequest, type RequestInput } from '../../lambdas/core/request.js';
import {
  evaluatePgTableOwnership,
  postgresTableOwnershipCheck,
  evaluateBinlogDump,
  evaluateMysqlBinlog,
  evaluateMysqlGrants,
  evaluateMysqlUser,
  evaluatePgSettings,
  evaluatePgTablePrivileges,
  evaluatePgTables,
  evaluatePgUser,
  evaluatePublication,
  evaluateSlot,
  localStandInStatements,
  mysqlChecks,
  mysqlRevokeExtraGrantsStatements,
  mysqlSetupStatements,
  mysqlTeardownStatements,
  parseMysqlGrants,
  postgresChecks,
  postgresSetupStatements,
  postgresSlotStatusQuery,
  postgresTeardownStatements,
  quoteMysql,
  quotePg,
  renderSqlScript,
  setupStatements,
  SqlIdentifierError,
  SqlOptionError,
  sqlScripts,
  teardownStatements,
  type SqlStatement,
} from '../../lambdas/core/sql.js';

const redpanda = { clusterId: 'curl3eo533cmsnt23dv0', accountId: '861276079005' };

function pgRequest(cdc: Partial<RequestInput['cdc']> = {}): LinkRequest {
  return assertRequest({
    name: 'orders',
    engine: 'aurora-postgresql',
    database: { databaseName: 'demo_db' },
    cdc: { user: 'iam_demo_user', schema: 'public', tables: ['orders'], ...cdc },
    redpanda,
  });
}

function mysqlRequest(cdc: Partial<RequestInput['cdc']> = {}): LinkRequest {
  return assertRequest({
    name: 'inventory',
    engine: 'aurora-mysql',
    database: { databaseName: 'shop' },
    cdc: { user: 'iam_cdc_user', tables: ['stock_levels', 'warehouses'], ...cdc },
    redpanda,
  });
}

/** Replace one field of a validated request, bypassing request.ts, to prove sql.ts revalidates on its own. */
function tampered(request: LinkRequest, patch: { user?: string; schema?: string; tables?: string[]; databaseName?: string; name?: string }): LinkRequest {
  return {
    ...request,
    name: patch.name ?? request.name,
    database: { ...request.database, databaseName: patch.databaseName ?? request.database.databaseName },
    cdc: { ...request.cdc, user: patch.user ?? request.cdc.user, schema: patch.schema ?? request.cdc.schema, tables: patch.tables ?? request.cdc.tables },
  };
}

/** The statement text outside DO $$ ... $$ bodies. */
function outsideDoBodies(sql: string): string {
  return sql.replace(/^DO \$\$[\s\S]*\$\$$/, 'DO $$<body>$$');
}

function allStatements(): SqlStatement[] {
  const pg = pgRequest({ tables: ['orders', 'customers'], snapshot: false });
  const my = mysqlRequest();
  return [
    ...postgresSetupStatements(pg, { createSlot: true }),
    ...postgresTeardownStatements(pg),
    ...Object.values(postgresChecks(pg)),
    ...mysqlSetupStatements(my),
    ...mysqlTeardownStatements(my),
    ...Object.values(mysqlChecks(my)),
  ];
}

describe('PostgreSQL setup', () => {
  const statements = postgresSetupStatements(pgRequest({ tables: ['orders', 'order_items'] }));
  const byId = new Map(statements.map((s) => [s.id, s.sql]));

  test('is the expected ordered list', () => {
    expect(statements.map((s) => s.id)).toEqual([
      'pg.role.create',
      'pg.grant.rdsIam',
      'pg.grant.rdsReplication',
      'pg.grant.connect',
      'pg.grant.usage',
      'pg.grant.select',
      'pg.revoke.extraTablePrivileges',
      'pg.publication.converge',
    ]);
  });

  test('grants exactly what CDC needs, with quoted identifiers', () => {
    expect(byId.get('pg.grant.rdsIam')).toBe('GRANT rds_iam TO "iam_demo_user"');
    expect(byId.get('pg.grant.rdsReplication')).toBe('GRANT rds_replication TO "iam_demo_user"');
    expect(byId.get('pg.grant.connect')).toBe('GRANT CONNECT ON DATABASE "demo_db" TO "iam_demo_user"');
    expect(byId.get('pg.grant.usage')).toBe('GRANT USAGE ON SCHEMA "public" TO "iam_demo_user"');
    // Per table, only where the role may not read it yet: a grant the table's owner made needs no ownership here.
    expect(byId.get('pg.grant.select')).toBe(
      [
        'DO $$',
        'DECLARE r record;',
        'BEGIN',
        '  FOR r IN',
        '    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace',
        "    WHERE n.nspname = 'public' AND c.relname IN ('orders', 'order_items') AND NOT has_table_privilege('iam_demo_user', c.oid, 'SELECT')",
        '  LOOP',
        "    EXECUTE format('GRANT SELECT ON TABLE %I.%I TO %I', 'public', r.relname, 'iam_demo_user');",
        '  END LOOP;',
        'END',
        '$$',
      ].join('\n'),
    );
  });

  test('creates the login role only if missing, in one DO block', () => {
    expect(byId.get('pg.role.create')).toBe(
      [
        'DO $$',
        'BEGIN',
        "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'iam_demo_user') THEN",
        '    CREATE ROLE "iam_demo_user" WITH LOGIN;',
        "  ELSIF NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'iam_demo_user') THEN",
        '    ALTER ROLE "iam_demo_user" WITH LOGIN;',
        '  END IF;',
        'END',
        '$$',
      ].join('\n'),
    );
  });

  test('creates or converges the publication pglog_stream_<slot> to exactly the configured tables', () => {
    expect(byId.get('pg.publication.converge')).toBe(
      [
        'DO $$',
        'BEGIN',
        "  IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = 'pglog_stream_rpcn_orders') THEN",
        '    CREATE PUBLICATION "pglog_stream_rpcn_orders" FOR TABLE "public"."orders", "public"."order_items";',
        "  ELSIF (SELECT puballtables FROM pg_publication WHERE pubname = 'pglog_stream_rpcn_orders')",
        "     OR (SELECT count(*) FROM pg_publication_tables WHERE pubname = 'pglog_stream_rpcn_orders') <> 2",
        "     OR (SELECT count(*) FROM pg_publication_tables WHERE pubname = 'pglog_stream_rpcn_orders' AND schemaname = 'public' AND tablename IN ('orders', 'order_items')) <> 2 THEN",
        '    ALTER PUBLICATION "pglog_stream_rpcn_orders" SET TABLE "public"."orders", "public"."order_items";',
        '  END IF;',
        'END',
        '$$',
      ].join('\n'),
    );
  });

  test('revokes table privileges other than SELECT on the configured tables', () => {
    const sql = byId.get('pg.revoke.extraTablePrivileges')!;
    expect(sql).toContain("WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = 'iam_demo_user')");
    expect(sql).toContain("AND NOT (a.privilege_type = 'SELECT' AND n.nspname = 'public' AND c.relname IN ('orders', 'order_items'))");
    expect(sql).toContain("EXECUTE format('REVOKE %s ON %s %I.%I FROM %I', r.privilege_type, r.kind, r.nspname, r.relname, 'iam_demo_user');");
  });

  test('never creates the slot or touches REPLICA IDENTITY unless asked', () => {
    const text = statements.map((s) => s.sql).join('\n');
    expect(text).not.toMatch(/replication_slot|REPLICA IDENTITY/i);
  });

  test('createSlot adds an idempotent slot creation, only with snapshot: false', () => {
    const withSlot = postgresSetupStatements(pgRequest({ snapshot: false }), { createSlot: true });
    expect(withSlot.at(-1)).toMatchObject({
      id: 'pg.slot.create',
      sql: "SELECT slot_name FROM pg_create_logical_replication_slot('rpcn_orders', 'pgoutput') WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = 'rpcn_orders')",
    });
    expect(() => postgresSetupStatements(pgRequest({ snapshot: true }), { createSlot: true })).toThrow(SqlOptionError);
    expect(() => setupStatements(mysqlRequest(), { createSlot: true })).toThrow(SqlOptionError);
  });

  test('nothing is Aurora-only on PostgreSQL (the stand-in has rds_iam/rds_replication roles)', () => {
    expect(statements.filter((s) => s.auroraOnly)).toEqual([]);
  });
});

describe('PostgreSQL teardown', () => {
  const statements = postgresTeardownStatements(pgRequest());
  const byId = new Map(statements.map((s) => [s.id, s.sql]));

  test('drops the slot only when inactive, stops while it is active, then publication and role', () => {
    expect(statements.map((s) => s.id)).toEqual([
      'pg.slot.dropIfInactive',
      'pg.slot.assertGone',
      'pg.publication.drop',
      'pg.role.assertOwnsNothing',
      'pg.role.revokeAll',
      'pg.role.drop',
    ]);
    expect(byId.get('pg.slot.dropIfInactive')).toBe(
      "SELECT slot_name, pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'rpcn_orders' AND database = current_database() AND NOT active",
    );
    expect(byId.get('pg.slot.assertGone')).toContain("USING ERRCODE = 'object_in_use'");
    expect(byId.get('pg.publication.drop')).toBe('DROP PUBLICATION IF EXISTS "pglog_stream_rpcn_orders"');
    expect(byId.get('pg.role.drop')).toBe('DROP ROLE IF EXISTS "iam_demo_user"');
  });

  test('never uses DROP OWNED (it would drop objects) and refuses when the role owns anything', () => {
    expect(statements.map((s) => s.sql).join('\n')).not.toMatch(/DROP OWNED|REASSIGN OWNED/i);
    expect(byId.get('pg.role.assertOwnsNothing')).toContain("d.deptype = 'o'");
    expect(byId.get('pg.role.assertOwnsNothing')).toContain("USING ERRCODE = 'dependent_objects_still_exist'");
  });

  test('the slot status query is the probe slot check', () => {
    expect(postgresSlotStatusQuery(pgRequest())).toEqual(postgresChecks(pgRequest()).slot);
    expect(postgresSlotStatusQuery(pgRequest()).sql).toBe(
      "SELECT slot_name, plugin, slot_type, database, active, active_pid, wal_status FROM pg_replication_slots WHERE slot_name = 'rpcn_orders'",
    );
  });
});

describe('MySQL', () => {
  const statements = mysqlSetupStatements(mysqlRequest());

  test('setup: retention, IAM user, TLS, SELECT per table, LOCK TABLES on the (escaped) database, global replication privileges', () => {
    expect(statements.map((s) => s.sql)).toEqual([
      "CALL mysql.rds_set_configuration('binlog retention hours', 168)",
      "CREATE USER IF NOT EXISTS 'iam_cdc_user'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'",
      "ALTER USER 'iam_cdc_user'@'%' REQUIRE SSL",
      "GRANT SELECT ON `shop`.`stock_levels` TO 'iam_cdc_user'@'%'",
      "GRANT SELECT ON `shop`.`warehouses` TO 'iam_cdc_user'@'%'",
      "GRANT LOCK TABLES ON `shop`.* TO 'iam_cdc_user'@'%'",
      "GRANT RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'iam_cdc_user'@'%'",
    ]);
  });

  test('a database-level grant escapes "_" (a wildcard there); table-level grants do not', () => {
    const s = mysqlSetupStatements(assertRequest({
      name: 'inventory', engine: 'aurora-mysql', database: { databaseName: 'shop_db' }, cdc: { user: 'iam_cdc_user', tables: ['t_1'] }, redpanda,
    }));
    expect(s).toEqual(expect.arrayContaining([
      expect.objectContaining({ sql: "GRANT LOCK TABLES ON `shop\\_db`.* TO 'iam_cdc_user'@'%'" }),
      expect.objectContaining({ sql: "GRANT SELECT ON `shop_db`.`t_1` TO 'iam_cdc_user'@'%'" }),
    ]));
  });

  test('Aurora-only statements say why, and the stand-in plan replaces or skips them', () => {
    expect(statements.filter((s) => s.auroraOnly).map((s) => s.id)).toEqual(['mysql.binlogRetention', 'mysql.user.create']);
    const plan = localStandInStatements(statements);
    expect(plan.skipped).toEqual([{ id: 'mysql.binlogRetention', reason: expect.stringContaining('rds_set_configuration') }]);
    expect(plan.replaced).toEqual([{ id: 'mysql.user.create', reason: expect.stringContaining('AWSAuthenticationPlugin'), note: expect.any(String) }]);
    expect(plan.run.map((s) => s.sql)).toContain("CREATE USER IF NOT EXISTS 'iam_cdc_user'@'%'");
    expect(plan.run.map((s) => s.sql).join('\n')).not.toMatch(/AWSAuthenticationPlugin|rds_set_configuration/);
    expect(plan.run).toHaveLength(statements.length - 1);
  });

  test('teardown drops the user', () => {
    expect(mysqlTeardownStatements(mysqlRequest()).map((s) => s.sql)).toEqual(["DROP USER IF EXISTS 'iam_cdc_user'@'%'"]);
    expect(teardownStatements(mysqlRequest())).toEqual(mysqlTeardownStatements(mysqlRequest()));
  });

  test('checks name the user, the binlog settings and the dump thread', () => {
    const c = mysqlChecks(mysqlRequest());
    expect(c.grants.sql).toBe("SHOW GRANTS FOR 'iam_cdc_user'@'%'");
    expect(c.user.sql).toBe("SELECT User AS user, Host AS host, plugin, ssl_type FROM mysql.user WHERE User = 'iam_cdc_user' AND Host = '%'");
    expect(c.binlogDump.sql).toContain("WHERE USER = 'iam_cdc_user' AND COMMAND LIKE 'Binlog Dump%'");
  });
});

describe('every statement', () => {
  test('is exactly one statement: no ";" outside DO bodies, no comments, no trailing terminator', () => {
    const all = allStatements();
    expect(all.length).toBeGreaterThan(25);
    for (const s of all) {
      const outside = outsideDoBodies(s.sql);
      expect({ id: s.id, semicolon: outside.includes(';') }).toEqual({ id: s.id, semicolon: false });
      expect(s.sql).not.toMatch(/--|\/\*/);
      expect(s.sql.trim()).toBe(s.sql);
      expect(s.purpose.length).toBeGreaterThan(10);
    }
    // A DO body is the only place with ";", and it is one dollar-quoted string.
    for (const s of all.filter((x) => x.sql.startsWith('DO '))) expect(s.sql.match(/\$\$/g)).toHaveLength(2);
  });

  test('ids are unique within each list', () => {
    for (const list of [postgresSetupStatements(pgRequest()), postgresTeardownStatements(pgRequest()), mysqlSetupStatements(mysqlRequest())]) {
      expect(new Set(list.map((s) => s.id)).size).toBe(list.length);
    }
  });
});

describe('identifier revalidation', () => {
  const hostile = [
    ['double quote', 'orders"; DROP TABLE x; --'],
    ['single quote', "orders' OR '1'='1"],
    ['semicolon', 'orders;drop'],
    ['newline', 'orders\nDROP'],
    ['backtick', 'orders`x'],
    ['space', 'my orders'],
    ['Cyrillic о look-alike', 'оrders'],
    ['fullwidth semicolon', 'orders；'],
    ['zero-width space', 'orders\u200b'],
    ['dollar quote', 'a$$b'],
    ['empty', ''],
    ['too long', 'a'.repeat(64)],
  ] as const;

  test.each(hostile)('PostgreSQL rejects a table with a %s', (_what, value) => {
    expect(() => postgresSetupStatements(tampered(pgRequest(), { tables: [value] }))).toThrow(SqlIdentifierError);
  });

  test.each(hostile)('PostgreSQL rejects a user, schema or database with a %s', (_what, value) => {
    expect(() => postgresTeardownStatements(tampered(pgRequest(), { user: value }))).toThrow(SqlIdentifierError);
    expect(() => postgresChecks(tampered(pgRequest(), { schema: value }))).toThrow(SqlIdentifierError);
    expect(() => postgresSetupStatements(tampered(pgRequest(), { databaseName: value }))).toThrow(SqlIdentifierError);
  });

  test.each(hostile.filter(([w]) => w !== 'too long'))('MySQL rejects a table, user or database with a %s', (what, value) => {
    // "$" is legal in MySQL table names (and harmless inside backticks).
    if (what !== 'dollar quote') expect(() => mysqlSetupStatements(tampered(mysqlRequest(), { tables: [value] }))).toThrow(SqlIdentifierError);
    expect(() => mysqlTeardownStatements(tampered(mysqlRequest(), { user: value }))).toThrow(SqlIdentifierError);
    expect(() => mysqlChecks(tampered(mysqlRequest(), { databaseName: value }))).toThrow(SqlIdentifierError);
  });

  test('the error is named, names the field and shows the value printably', () => {
    let error: unknown;
    try {
      postgresSetupStatements(tampered(pgRequest(), { tables: ['orders', 'x\ny'] }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SqlIdentifierError);
    expect(error).toMatchObject({ name: 'SqlIdentifierError', field: 'cdc.tables[1]' });
    expect((error as Error).message).toContain('x\\u{a}y');
    expect((error as Error).message).not.toContain('\n');
  });

  test('reserved users, system schemas, empty and duplicate table lists are refused', () => {
    for (const user of ['rds_iam', 'rdsadmin', 'postgres', 'pg_monitor', 'rds_superuser']) {
      expect(() => postgresTeardownStatements(tampered(pgRequest(), { user }))).toThrow(SqlIdentifierError);
    }
    expect(() => mysqlTeardownStatements(tampered(mysqlRequest(), { user: 'root' }))).toThrow(SqlIdentifierError);
    expect(() => postgresSetupStatements(tampered(pgRequest(), { schema: 'pg_catalog' }))).toThrow(SqlIdentifierError);
    expect(() => postgresSetupStatements(tampered(pgRequest(), { tables: [] }))).toThrow(SqlIdentifierError);
    expect(() => postgresSetupStatements(tampered(pgRequest(), { tables: ['a', 'a'] }))).toThrow(SqlIdentifierError);
    expect(() => mysqlSetupStatements(tampered(mysqlRequest(), { tables: ['Stock', 'stock'] }))).toThrow(SqlIdentifierError);
    expect(() => mysqlTeardownStatements(tampered(mysqlRequest(), { user: 'a'.repeat(33) }))).toThrow(SqlIdentifierError);
  });

  test('the quoting helpers validate too', () => {
    expect(quotePg('orders')).toBe('"orders"');
    expect(quoteMysql('Stock$1')).toBe('`Stock$1`');
    expect(() => quotePg('Orders')).toThrow(SqlIdentifierError);
    expect(() => quoteMysql('a`b')).toThrow(SqlIdentifierError);
  });

  test('builders refuse the other engine', () => {
    expect(() => postgresSetupStatements(mysqlRequest())).toThrow(SqlOptionError);
    expect(() => mysqlSetupStatements(pgRequest())).toThrow(SqlOptionError);
  });
});

describe('PostgreSQL evaluators', () => {
  test('user: missing, memberships, login, schema usage', () => {
    expect(evaluatePgUser([], 'u')).toMatchObject({ ok: false, exists: false, findings: [{ code: 'PG_USER_MISSING' }] });
    const good = { rolname: 'u', rolcanlogin: true, rolsuper: false, member_of: 'rds_iam,rds_replication', schema_usage: true, database_connect: true };
    expect(evaluatePgUser([good], 'u')).toMatchObject({ ok: true, findings: [], memberOf: ['rds_iam', 'rds_replication'] });
    const bad = evaluatePgUser([{ ...good, rolcanlogin: 'f', member_of: 'pg_read_all_data,rds_iam', schema_usage: false }], 'u');
    expect(bad.ok).toBe(false);
    expect(bad.findings.map((f) => f.code).sort()).toEqual(['PG_SCHEMA_NO_USAGE', 'PG_USER_CANNOT_LOGIN', 'PG_USER_EXTRA_ROLE', 'PG_USER_NOT_RDS_REPLICATION']);
    expect(evaluatePgUser([{ ...good, member_of: null }], 'u').findings.map((f) => f.code)).toEqual(['PG_USER_NOT_RDS_IAM', 'PG_USER_NOT_RDS_REPLICATION']);
  });

  test('table privileges: exactly SELECT on the configured tables', () => {
    const expected = { schema: 'public', tables: ['orders', 'customers'] };
    const row = (t: string, p = 'SELECT') => ({ schema_name: 'public', table_name: t, privilege_type: p });
    expect(evaluatePgTablePrivileges([row('customers'), row('orders')], expected)).toMatchObject({ ok: true, missing: [], extra: [] });
    const r = evaluatePgTablePrivileges([row('orders'), row('orders', 'INSERT'), row('audit')], expected);
    expect(r).toMatchObject({ ok: false, missing: ['public.customers'], extra: ['INSERT on public.orders', 'SELECT on public.audit'] });
  });

  test('tables: missing, and no primary key is an error only with a snapshot', () => {
    const rows = [{ table_name: 'orders', has_primary_key: false, replica_identity: 'default' }];
    expect(evaluatePgTables(rows, { schema: 'public', tables: ['orders', 'gone'], snapshot: true })).toMatchObject({
      ok: false, missing: ['gone'], withoutPrimaryKey: ['orders'],
    });
    expect(evaluatePgTables(rows, { schema: 'public', tables: ['orders'], snapshot: false })).toMatchObject({ ok: true, findings: [{ severity: 'warning' }] });
  });

  test('publication: missing, exact, missing and extra tables, FOR ALL TABLES', () => {
    const expected = { schema: 'public', tables: ['orders', 'customers'] };
    const row = (t: string | null, all = false) => ({ pubname: 'p', puballtables: all, schema_name: t && 'public', table_name: t });
    expect(evaluatePublication([], expected)).toMatchObject({ ok: false, exists: false, findings: [{ code: 'PG_PUBLICATION_MISSING' }] });
    expect(evaluatePublication([row('customers'), row('orders')], expected)).toMatchObject({ ok: true, tables: ['public.customers', 'public.orders'] });
    expect(evaluatePublication([row('orders'), row('audit')], expected)).toMatchObject({ ok: false, missing: ['public.customers'], extra: ['public.audit'] });
    expect(evaluatePublication([row(null)], expected)).toMatchObject({ ok: false, exists: true, tables: [], missing: ['public.orders', 'public.customers'] });
    expect(evaluatePublication([row('orders', true)], expected).findings.map((f) => f.code)).toContain('PG_PUBLICATION_ALL_TABLES');
  });

  test('slot: missing is fine before the pipeline runs; once it runs the slot must be active pgoutput in this database', () => {
    const exp = { database: 'demo_db', requireActive: true };
    expect(evaluateSlot([], { ...exp, requireActive: false })).toMatchObject({ ok: true, exists: false });
    expect(evaluateSlot([], exp)).toMatchObject({ ok: false, findings: [{ code: 'PG_SLOT_MISSING' }] });
    const row = { slot_name: 's', plugin: 'pgoutput', slot_type: 'logical', database: 'demo_db', active: true, active_pid: 42, wal_status: 'reserved' };
    expect(evaluateSlot([row], exp)).toMatchObject({ ok: true, active: true, activePid: 42 });
    expect(evaluateSlot([{ ...row, active: false, active_pid: null }], exp).findings.map((f) => f.code)).toEqual(['PG_SLOT_INACTIVE']);
    expect(evaluateSlot([{ ...row, plugin: 'wal2json', database: 'other', wal_status: 'lost' }], exp).findings.map((f) => f.code)).toEqual([
      'PG_SLOT_WRONG_PLUGIN', 'PG_SLOT_OTHER_DATABASE', 'PG_SLOT_WAL_LOST',
    ]);
  });

  test('settings: wal_level must be logical', () => {
    expect(evaluatePgSettings([{ wal_level: 'logical' }]).ok).toBe(true);
    expect(evaluatePgSettings([{ wal_level: 'replica' }]).findings.map((f) => f.code)).toEqual(['PG_WAL_LEVEL_NOT_LOGICAL']);
  });
});

describe('PostgreSQL table ownership', () => {
  const req = pgRequest({ tables: ['orders', 'order_items'] });
  const row = (table: string, owner: string, extra: Record<string, unknown> = {}) => ({
    table_name: table, owner, setup_user: 'postgres', setup_user_is_member: false, user_can_select: false, in_publication: false,
    publication_owner: null, owner_can_create_publication: true, ...extra,
  });

  it('asks PostgreSQL for the owner and whether current_user is a member of it', () => {
    const sql = postgresTableOwnershipCheck(req).sql;
    expect(sql).toContain("pg_has_role(current_user, c.relowner, 'MEMBER') AS setup_user_is_member");
    expect(sql).toContain("c.relname IN ('orders', 'order_items')");
  });

  it('reports nothing for tables the setup user may act on, or whose grant and publication entry are in place', () => {
    const report = evaluatePgTableOwnership(
      [row('order_items', 'app', { user_can_select: true, in_publication: true }), row('orders', 'postgres', { setup_user_is_member: true })],
      req,
    );
    expect(report.blocked).toEqual([]);
  });

  it('mixed owners: the owner grants SELECT but cannot publish; the membership statement is the way', () => {
    const report = evaluatePgTableOwnership([row('order_items', 'postgres', { setup_user_is_member: true }), row('orders', 'App-Owner')], req);
    expect(report.blocked).toEqual([{ table: 'orders', owner: 'App-Owner' }]);
    expect(report.ownerStatements).toEqual([
      {
        owner: 'App-Owner',
        statements: [
          'GRANT SELECT ON TABLE "public"."orders" TO "iam_demo_user";',
          '-- "App-Owner" cannot add orders to publication pglog_stream_rpcn_orders (the other configured tables are not all its own): use the membership instead',
        ],
      },
    ]);
    expect(report.membershipStatements).toEqual(['GRANT "App-Owner" TO "postgres";']);
    expect(report.setupUserStatements).toEqual([]);
  });

  it('an owner that owns the publication adds its missing table to it', () => {
    const report = evaluatePgTableOwnership(
      [row('order_items', 'app', { user_can_select: true, in_publication: true, publication_owner: 'app' }), row('orders', 'app', { publication_owner: 'app' })],
      req,
    );
    expect(report.ownerStatements[0]!.statements).toEqual([
      'GRANT SELECT ON TABLE "public"."orders" TO "iam_demo_user";',
      'ALTER PUBLICATION "pglog_stream_rpcn_orders" ADD TABLE "public"."orders";',
    ]);
  });
});

describe('MySQL evaluators', () => {
  const expected = { database: 'shop_db', tables: ['stock_levels', 'warehouses'] };
  const mariadbGrants = [
    { 'Grants for u@%': 'GRANT RELOAD, BINLOG MONITOR, REPLICATION SLAVE ON *.* TO `u`@`%` REQUIRE SSL' },
    { 'Grants for u@%': 'GRANT LOCK TABLES ON `shop\\_db`.* TO `u`@`%`' },
    { 'Grants for u@%': 'GRANT SELECT ON `shop_db`.`stock_levels` TO `u`@`%`' },
    { 'Grants for u@%': 'GRANT SELECT ON `shop_db`.`warehouses` TO `u`@`%`' },
  ];
  const mysql8Grants = [
    { 'Grants for u@%': 'GRANT RELOAD, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `u`@`%`' },
    { 'Grants for u@%': 'GRANT LOCK TABLES ON `shop\\_db`.* TO `u`@`%`' },
    { 'Grants for u@%': 'GRANT SELECT ON `shop_db`.`stock_levels` TO `u`@`%`' },
    { 'Grants for u@%': 'GRANT SELECT ON `shop_db`.`warehouses` TO `u`@`%`' },
  ];

  test('grants: MariaDB and MySQL 8 forms of exactly the setup grants are ok', () => {
    expect(evaluateMysqlGrants(mariadbGrants, expected)).toMatchObject({ ok: true, missing: [], extra: [] });
    expect(evaluateMysqlGrants(mysql8Grants, expected)).toMatchObject({ ok: true, missing: [], extra: [] });
  });

  test('grants: missing and extra privileges, grant option and role grants are reported', () => {
    const rows = [
      { g: 'GRANT USAGE ON *.* TO `u`@`%`' },
      { g: 'GRANT SELECT, INSERT ON `shop_db`.`stock_levels` TO `u`@`%` WITH GRANT OPTION' },
      { g: 'GRANT SELECT (`a`, `b`) ON `shop_db`.`other` TO `u`@`%`' },
      { g: 'GRANT `admin_role`@`%` TO `u`@`%`' },
    ];
    const r = evaluateMysqlGrants(rows, expected);
    expect(r.ok).toBe(false);
    expect(r.missing).toEqual([
      'RELOAD ON *.*', 'REPLICATION CLIENT ON *.*', 'REPLICATION SLAVE ON *.*', 'LOCK TABLES ON shop_db.*', 'SELECT ON shop_db.warehouses',
    ]);
    expect(r.extra).toEqual([
      'GRANT OPTION (GRANT SELECT, INSERT ON `shop_db`.`stock_levels` TO `u`@`%` WITH GRANT OPTION)',
      'INSERT ON shop_db.stock_levels',
      'SELECT (`A`, `B`) ON shop_db.other',
      'GRANT `admin_role`@`%` TO `u`@`%`',
    ]);
    expect(parseMysqlGrants([{ g: 'GRANT LOCK TABLES ON `shop\\_db`.* TO `u`@`%`' }])[0]).toMatchObject({ scope: 'database', database: 'shop_db' });
  });

  test('revoke statements converge extra plain grants, and leave what cannot be expressed safely', () => {
    const request = assertRequest({ name: 'inventory', engine: 'aurora-mysql', database: { databaseName: 'shop_db' }, cdc: { user: 'iam_cdc_user', tables: ['warehouses'] }, redpanda });
    const rows = [
      ...mysql8Grants,
      { g: 'GRANT SELECT, INSERT ON `shop_db`.* TO `u`@`%`' },
      { g: 'GRANT SUPER ON *.* TO `u`@`%`' },
      { g: 'GRANT SELECT ON `weird-db`.`t` TO `u`@`%`' },
      { g: 'GRANT `admin_role`@`%` TO `u`@`%`' },
    ];
    expect(mysqlRevokeExtraGrantsStatements(request, rows).map((s) => s.sql)).toEqual([
      "REVOKE SELECT ON `shop_db`.`stock_levels` FROM 'iam_cdc_user'@'%'",
      "REVOKE SELECT, INSERT ON `shop\\_db`.* FROM 'iam_cdc_user'@'%'",
      "REVOKE SUPER ON *.* FROM 'iam_cdc_user'@'%'",
    ]);
  });

  test('user, binlog and dump thread', () => {
    expect(evaluateMysqlUser([], { user: 'u', expectIamPlugin: true })).toMatchObject({ ok: false, findings: [{ code: 'MYSQL_USER_MISSING' }] });
    expect(evaluateMysqlUser([{ user: 'u', host: '%', plugin: 'AWSAuthenticationPlugin', ssl_type: 'ANY' }], { user: 'u', expectIamPlugin: true })).toMatchObject({ ok: true, findings: [] });
    expect(evaluateMysqlUser([{ user: 'u', host: '%', plugin: 'mysql_native_password', ssl_type: '' }], { user: 'u', expectIamPlugin: true }).findings.map((f) => f.code)).toEqual([
      'MYSQL_USER_NOT_IAM', 'MYSQL_USER_SSL_NOT_REQUIRED',
    ]);
    expect(evaluateMysqlBinlog([{ log_bin: 1, binlog_format: 'ROW', binlog_row_image: 'FULL' }])).toMatchObject({ ok: true, findings: [] });
    expect(evaluateMysqlBinlog([{ log_bin: 0, binlog_format: 'MIXED', binlog_row_image: 'MINIMAL' }]).findings.map((f) => f.code)).toEqual([
      'MYSQL_BINLOG_OFF', 'MYSQL_BINLOG_FORMAT_NOT_ROW', 'MYSQL_BINLOG_ROW_IMAGE_NOT_FULL',
    ]);
    expect(evaluateBinlogDump([], { requireActive: true })).toMatchObject({ ok: false, active: false });
    expect(evaluateBinlogDump([{ id: 7, command: 'Binlog Dump' }], { requireActive: true })).toMatchObject({ ok: true, active: true });
  });
});

describe('SQL scripts', () => {
  test('setup.sql and teardown.sql: header naming the link, every statement terminated, Aurora-only marked', () => {
    const pg = sqlScripts(pgRequest());
    expect(pg['setup.sql'].split('\n').slice(0, 2)).toEqual([
      '-- rpcn-aurora setup SQL for link "orders" (aurora-postgresql)',
      '-- Run as the master user connected to database demo_db (psql: \\c demo_db), one statement at a time (the RDS Data API runs one per call).',
    ]);
    expect(pg['setup.sql']).toContain('\n-- [pg.grant.rdsIam] Let the role log in with an IAM auth token\nGRANT rds_iam TO "iam_demo_user";\n');
    expect(pg['setup.sql']).toContain('\nEND\n$$;\n');
    expect(pg['teardown.sql']).toContain('DROP ROLE IF EXISTS "iam_demo_user";\n');
    expect(pg['teardown.sql']).toContain('Stop the pipeline first');

    const my = sqlScripts(mysqlRequest());
    expect(my['setup.sql']).toContain(
      "-- AURORA ONLY: the AWSAuthenticationPlugin exists only on RDS/Aurora MySQL\nCREATE USER IF NOT EXISTS 'iam_cdc_user'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS';\n",
    );
    // Every statement appears once, terminated.
    for (const s of mysqlSetupStatements(mysqlRequest())) expect(my['setup.sql']).toContain(`\n${s.sql};\n`);
    expect(renderSqlScript([], { link: 'x', engine: 'aurora-mysql', kind: 'teardown', database: 'd' })).toMatch(/^-- rpcn-aurora teardown SQL for link "x"/);
  });
});
