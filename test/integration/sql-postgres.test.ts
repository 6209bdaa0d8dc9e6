// The generated PostgreSQL SQL against a real server (embedded PostgreSQL 17, wal_level=logical), run one
// statement per call with the extended query protocol (which, like the RDS Data API, rejects multi-statements).
// The tests in this file share one server and run in order: setup → stream → teardown paths.
import pg from 'pg';
import { LogicalReplicationService, PgoutputPlugin } from 'pg-logical-replication';
import { assertRequest, type LinkRequest } from '../../lambdas/core/request.js';
import { linkNames } from '../../lambdas/core/naming.js';
import {
  evaluatePgSettings,
  evaluatePgTablePrivileges,
  evaluatePgTables,
  evaluatePgUser,
  evaluatePublication,
  evaluateSlot,
  postgresChecks,
  postgresSetupStatements,
  postgresSlotStatusQuery,
  postgresTeardownStatements,
  type SqlCheck,
  type SqlRow,
  type SqlStatement,
} from '../../lambdas/core/sql.js';
import { createAuroraStandInRoles, startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../local/database/embedded-postgres.js';
import { waitFor } from '../../local/wait.js';

const DB = 'demo_db';
const CDC_USER = 'iam_demo_user';
// Test-only password: on Aurora the user logs in with IAM tokens through rds_iam and has no password.
const CDC_LOGIN = { user: CDC_USER, password: 'cdc_test_password' };

function request(tables: string[], extra: { name?: string; snapshot?: boolean } = {}): LinkRequest {
  return assertRequest({
    name: extra.name ?? 'orders',
    engine: 'aurora-postgresql',
    database: { databaseName: DB },
    cdc: { user: CDC_USER, schema: 'public', tables, snapshot: extra.snapshot ?? true },
    redpanda: { clusterId: 'curl3eo533cmsnt23dv0', accountId: '861276079005' },
  });
}

const names = linkNames(request(['orders']), '123456789012');

let server: EmbeddedPostgresServer;
let admin: pg.Client;
let replication: LogicalReplicationService | undefined;
type Message = { tag: string; relation?: { schema: string; name: string }; new?: Record<string, unknown> };
const messages: Message[] = [];

/** One statement per call, extended protocol (multi-statement text would be rejected, as by the Data API). */
async function exec(client: pg.Client, sql: string): Promise<SqlRow[]> {
  const result = await client.query({ text: sql, queryMode: 'extended' } as pg.QueryConfig);
  return result.rows as SqlRow[];
}

async function runAll(statements: readonly SqlStatement[]): Promise<Map<string, SqlRow[]>> {
  const results = new Map<string, SqlRow[]>();
  for (const s of statements) {
    try {
      results.set(s.id, await exec(admin, s.sql));
    } catch (e) {
      throw Object.assign(new Error(`${s.id} failed: ${(e as Error).message}`), { code: (e as { code?: string }).code, statementId: s.id });
    }
  }
  return results;
}

const rowsOf = (check: SqlCheck) => exec(admin, check.sql);


async function roleExists(name: string): Promise<boolean> {
  return (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount === 1;
}

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  const root = await server.connect();
  try {
    await createAuroraStandInRoles(root);
  } finally {
    await root.end();
  }
  await server.createDatabase(DB);
  admin = await server.connect(DB);
  await admin.query('CREATE TABLE public.orders (id serial PRIMARY KEY, item text NOT NULL, qty int)');
  await admin.query('CREATE TABLE public.customers (id serial PRIMARY KEY, name text NOT NULL)');
  // In the same schema but never configured: must never be granted or streamed.
  await admin.query('CREATE TABLE public.audit_log (id serial PRIMARY KEY, note text NOT NULL)');
}, 20_000);

afterAll(async () => {
  await replication?.destroy().catch(() => undefined);
  await admin?.end().catch(() => undefined);
  await server?.stop();
}, 20_000);

test('setup runs one statement at a time, twice, and grants exactly what CDC needs', async () => {
  const req = request(['orders']);
  const setup = postgresSetupStatements(req);
  await runAll(setup);
  await runAll(setup);

  // Aurora's rds_replication confers replication; the NOLOGIN stand-in cannot (a membership never carries the
  // REPLICATION attribute), so the test gives the CDC user REPLICATION itself, and a password to log in with.
  await admin.query(`ALTER ROLE ${CDC_USER} WITH REPLICATION PASSWORD '${CDC_LOGIN.password}'`);

  const checks = postgresChecks(req);
  const user = evaluatePgUser(await rowsOf(checks.user), CDC_USER);
  expect(user).toMatchObject({ ok: true, findings: [], exists: true, memberOf: ['rds_iam', 'rds_replication'] });
  expect(await rowsOf(checks.tablePrivileges)).toEqual([{ schema_name: 'public', table_name: 'orders', privilege_type: 'SELECT' }]);
  expect(evaluatePgTablePrivileges(await rowsOf(checks.tablePrivileges), { schema: 'public', tables: ['orders'] })).toMatchObject({ ok: true, extra: [] });
  expect(evaluatePgTables(await rowsOf(checks.tables), { schema: 'public', tables: ['orders'], snapshot: true })).toMatchObject({ ok: true, findings: [] });
  expect(evaluatePublication(await rowsOf(checks.publication), { schema: 'public', tables: ['orders'] })).toMatchObject({
    ok: true, exists: true, tables: ['public.orders'],
  });
  expect(evaluatePgSettings(await rowsOf(checks.settings))).toMatchObject({ ok: true, walLevel: 'logical' });
  // Nothing created the slot: postgres_cdc creates it itself, after the snapshot.
  expect(evaluateSlot(await rowsOf(checks.slot), { database: DB, requireActive: false })).toMatchObject({ ok: true, exists: false });

  // The grants really are the limit: the CDC user reads orders, not audit_log.
  const cdc = await server.connect(DB, CDC_LOGIN);
  try {
    await expect(cdc.query('SELECT count(*) FROM public.orders')).resolves.toBeDefined();
    await expect(cdc.query('SELECT count(*) FROM public.audit_log')).rejects.toMatchObject({ code: '42501' });
  } finally {
    await cdc.end();
  }
}, 15_000);

test('a replication client logged in as the CDC user streams the configured table and nothing else', async () => {
  // Create the slot as the CDC user over the replication protocol, as postgres_cdc does without a snapshot.
  const slotClient = new pg.Client({ ...server.config(DB, CDC_LOGIN), replication: 'database' } as pg.ClientConfig);
  await slotClient.connect();
  try {
    await slotClient.query(`CREATE_REPLICATION_SLOT "${names.slot}" LOGICAL pgoutput NOEXPORT_SNAPSHOT`);
  } finally {
    await slotClient.end();
  }

  const errors: unknown[] = [];
  replication = new LogicalReplicationService(server.config(DB, CDC_LOGIN), { acknowledge: { auto: true, timeoutSeconds: 10 } });
  replication.on('data', (_lsn: string, msg: Message) => void messages.push(msg));
  replication.on('error', (e: Error) => void errors.push(e));
  const started = new Promise<void>((resolve) => replication!.on('start', () => resolve()));
  replication.subscribe(new PgoutputPlugin({ protoVersion: 1, publicationNames: [names.publication] }), names.slot).catch((e: unknown) => errors.push(e));
  await started;

  await admin.query("INSERT INTO public.audit_log (note) VALUES ('not configured')");
  await admin.query("INSERT INTO public.orders (item, qty) VALUES ('widget', 3)");
  const insert = await waitFor('the orders insert', async () => messages.find((m) => m.tag === 'insert'));
  expect(insert.relation).toMatchObject({ schema: 'public', name: 'orders' });
  expect({ ...insert.new }).toMatchObject({ item: 'widget', qty: 3 });
  // WAL is ordered: the audit_log insert came first, so had it been published it would be here by now.
  expect(messages.filter((m) => m.relation?.name === 'audit_log')).toEqual([]);
  expect(messages.filter((m) => m.tag === 'insert')).toHaveLength(1);
  expect(errors).toEqual([]);

  const slot = evaluateSlot(await rowsOf(postgresSlotStatusQuery(request(['orders']))), { database: DB, requireActive: true });
  expect(slot).toMatchObject({ ok: true, exists: true, active: true });
}, 15_000);

test('teardown while the slot is active drops nothing and reports the slot active', async () => {
  const teardown = postgresTeardownStatements(request(['orders']));
  const dropped = await exec(admin, teardown[0]!.sql);
  expect(teardown[0]!.id).toBe('pg.slot.dropIfInactive');
  expect(dropped).toEqual([]);
  await expect(runAll(teardown)).rejects.toMatchObject({ statementId: 'pg.slot.assertGone', code: '55006' });

  const slot = evaluateSlot(await rowsOf(postgresSlotStatusQuery(request(['orders']))), { database: DB, requireActive: true });
  expect(slot).toMatchObject({ exists: true, active: true });
  expect(slot.activePid).toEqual(expect.any(Number));
  // Stopped before anything else was removed.
  expect(evaluatePublication(await rowsOf(postgresChecks(request(['orders'])).publication), { schema: 'public', tables: ['orders'] }).exists).toBe(true);
  expect(await roleExists(CDC_USER)).toBe(true);
}, 10_000);

test('changing the table list and re-running setup converges the publication and the grants', async () => {
  // Privileges that setup did not give: converging revokes them.
  await admin.query(`GRANT INSERT ON public.orders TO ${CDC_USER}`);
  await admin.query(`GRANT SELECT ON public.audit_log TO ${CDC_USER}`);

  const two = request(['orders', 'customers']);
  await runAll(postgresSetupStatements(two));
  await runAll(postgresSetupStatements(two));
  expect(evaluatePublication(await rowsOf(postgresChecks(two).publication), { schema: 'public', tables: ['orders', 'customers'] })).toMatchObject({
    ok: true, tables: ['public.customers', 'public.orders'], missing: [], extra: [],
  });
  expect(await rowsOf(postgresChecks(two).tablePrivileges)).toEqual([
    { schema_name: 'public', table_name: 'customers', privilege_type: 'SELECT' },
    { schema_name: 'public', table_name: 'orders', privilege_type: 'SELECT' },
  ]);

  const one = request(['customers']);
  await runAll(postgresSetupStatements(one));
  const publication = evaluatePublication(await rowsOf(postgresChecks(one).publication), { schema: 'public', tables: ['customers'] });
  expect(publication).toMatchObject({ ok: true, tables: ['public.customers'] });
  // The old expectation now fails, with the right difference.
  expect(evaluatePublication(await rowsOf(postgresChecks(one).publication), { schema: 'public', tables: ['orders'] })).toMatchObject({
    ok: false, missing: ['public.orders'], extra: ['public.customers'],
  });
  expect(await rowsOf(postgresChecks(one).tablePrivileges)).toEqual([{ schema_name: 'public', table_name: 'customers', privilege_type: 'SELECT' }]);
  expect(evaluatePgUser(await rowsOf(postgresChecks(one).user), CDC_USER).memberOf).toEqual(['rds_iam', 'rds_replication']);

  // The live stream follows: customers is now published, orders no longer.
  messages.length = 0;
  await admin.query("INSERT INTO public.orders (item, qty) VALUES ('gadget', 1)");
  await admin.query("INSERT INTO public.customers (name) VALUES ('ada')");
  const insert = await waitFor('the customers insert', async () => messages.find((m) => m.tag === 'insert'));
  expect(insert.relation).toMatchObject({ schema: 'public', name: 'customers' });
  expect(messages.filter((m) => m.relation?.name === 'orders')).toEqual([]);
}, 10_000);

test('teardown after the client stops removes slot, publication and role, and can run twice', async () => {
  await replication!.destroy();
  replication = undefined;
  const status = postgresSlotStatusQuery(request(['customers']));
  await waitFor('the slot to become inactive', async () =>
    evaluateSlot(await rowsOf(status), { database: DB, requireActive: false }).active ? undefined : true,
  );

  const teardown = postgresTeardownStatements(request(['customers']));
  const first = await runAll(teardown);
  expect(first.get('pg.slot.dropIfInactive')).toEqual([{ slot_name: names.slot, pg_drop_replication_slot: '' }]);
  const second = await runAll(teardown);
  expect(second.get('pg.slot.dropIfInactive')).toEqual([]);

  const checks = postgresChecks(request(['customers']));
  expect(evaluateSlot(await rowsOf(checks.slot), { database: DB, requireActive: false }).exists).toBe(false);
  expect(evaluatePublication(await rowsOf(checks.publication), { schema: 'public', tables: ['customers'] }).exists).toBe(false);
  expect(evaluatePgUser(await rowsOf(checks.user), CDC_USER)).toMatchObject({ exists: false, findings: [{ code: 'PG_USER_MISSING' }] });
  expect(await rowsOf(checks.tablePrivileges)).toEqual([]);
  expect(await roleExists(CDC_USER)).toBe(false);
  // The stand-in roles and the tables are untouched.
  expect(await roleExists('rds_iam')).toBe(true);
  expect((await admin.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0]).toEqual({ n: 3 });
}, 10_000);

test('teardown refuses to drop a role that owns an object, and never drops that object', async () => {
  const req = request(['orders']);
  await runAll(postgresSetupStatements(req));
  await admin.query('CREATE TABLE public.made_by_someone (id int PRIMARY KEY)');
  await admin.query(`ALTER TABLE public.made_by_someone OWNER TO ${CDC_USER}`);

  await expect(runAll(postgresTeardownStatements(req))).rejects.toMatchObject({ statementId: 'pg.role.assertOwnsNothing', code: '2BP01' });
  expect(await roleExists(CDC_USER)).toBe(true);
  expect((await admin.query("SELECT tableowner FROM pg_tables WHERE tablename = 'made_by_someone'")).rows).toEqual([{ tableowner: CDC_USER }]);

  // Once the owner sorts it out, the same teardown completes.
  await admin.query('DROP TABLE public.made_by_someone');
  await runAll(postgresTeardownStatements(req));
  expect(await roleExists(CDC_USER)).toBe(false);
}, 10_000);

test('createSlot (snapshot: false) creates the pgoutput slot up front, idempotently; teardown removes it', async () => {
  const req = request(['orders'], { name: 'billing', snapshot: false });
  const slotName = linkNames(req, '123456789012').slot;
  const setup = postgresSetupStatements(req, { createSlot: true });
  const first = await runAll(setup);
  expect(first.get('pg.slot.create')).toEqual([{ slot_name: slotName }]);
  const second = await runAll(setup);
  expect(second.get('pg.slot.create')).toEqual([]);

  const rows = await rowsOf(postgresSlotStatusQuery(req));
  expect(rows).toEqual([expect.objectContaining({ slot_name: slotName, plugin: 'pgoutput', slot_type: 'logical', database: DB, active: false })]);
  expect(evaluateSlot(rows, { database: DB, requireActive: false })).toMatchObject({ ok: true, exists: true, active: false });
  expect(evaluateSlot(rows, { database: DB, requireActive: true }).findings.map((f) => f.code)).toEqual(['PG_SLOT_INACTIVE']);

  await runAll(postgresTeardownStatements(req));
  expect(await rowsOf(postgresSlotStatusQuery(req))).toEqual([]);
  expect(await roleExists(CDC_USER)).toBe(false);
  expect((await admin.query('SELECT count(*)::int AS n FROM pg_publication')).rows[0]).toEqual({ n: 0 });
}, 10_000);
