// Table ownership on an adopted database, against a real PostgreSQL (embedded), through the RunSetupSql step
// itself: the setup user is, like Aurora's master user, a non-superuser with CREATEROLE that owns the database
// (rds_superuser is not a superuser). Tables the application's own role owns cannot be granted or published by
// it; the step says which, who owns them and what to run, and after the owner runs exactly that, setup passes.
import type { Context } from 'aws-lambda';
import pg from 'pg';
import { assertRequest, type LinkRequest } from '../../lambdas/core/request.js';
import { evaluatePgTeardownOwnership, evaluatePublication, postgresChecks, postgresTeardownOwnershipCheck, teardownStatements, type SqlRow } from '../../lambdas/core/sql.js';
import { makeHandler } from '../../lambdas/handlers/run-setup-sql.js';
import type { AuroraState } from '../../lambdas/handlers/shared/state.js';
import type { SqlPort } from '../../lambdas/ports/sql.js';
import { InMemoryRegistry } from '../../local/aws/registry.js';
import { createAuroraStandInRoles, startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../local/database/embedded-postgres.js';

const DB = 'shop';
const MASTER = { user: 'aurora_master', password: 'master_test_password' };
const OWNER = { user: 'app_owner', password: 'owner_test_password' };

const request: LinkRequest = assertRequest({
  name: 'shop',
  engine: 'aurora-postgresql',
  database: { create: false, clusterIdentifier: 'shop-db', engineVersion: '17.4', databaseName: DB },
  cdc: { user: 'rpcn_shop', schema: 'public', tables: ['orders', 'customers'], snapshot: true },
  redpanda: { clusterId: 'curl3eo533cmsnt23dv0', accountId: '861276079005' },
});

const aurora: AuroraState = {
  clusterIdentifier: 'shop-db',
  clusterArn: 'arn:aws:rds:us-east-2:111111111111:cluster:shop-db',
  resourceId: 'cluster-SHOP',
  port: 5432,
  created: false,
  status: 'available',
  ready: true,
  endpoint: 'localhost',
  secretArn: 'arn:aws:secretsmanager:us-east-2:111111111111:secret:rds!cluster-1',
  deadline: '2099-01-01T00:00:00.000Z',
};

let server: EmbeddedPostgresServer;
let master: pg.Client;
const registry = new InMemoryRegistry(() => new Date());

/** The Data API as the master user: one statement per call, extended protocol. */
const sql: SqlPort = {
  async execute(_target, text) {
    const result = await master.query({ text, queryMode: 'extended' } as pg.QueryConfig);
    return { rows: (result.rows ?? []) as Awaited<ReturnType<SqlPort['execute']>>['rows'] };
  },
};
const step = makeHandler({ sql, registry });
// A Lambda context with the whole timeout ahead: RunSetupSql stops starting statements only near its end.
const lambdaContext = { getRemainingTimeInMillis: () => 900_000 } as unknown as Context;
const run = () => step({ request, link: { name: 'shop', dbAccountId: '111111111111', region: 'us-east-2' }, aurora }, lambdaContext);

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  const root = await server.connect();
  try {
    await createAuroraStandInRoles(root);
    await root.query(`CREATE ROLE ${MASTER.user} LOGIN CREATEROLE PASSWORD '${MASTER.password}'`);
    await root.query(`GRANT rds_iam, rds_replication TO ${MASTER.user} WITH ADMIN OPTION`);
    await root.query(`CREATE ROLE ${OWNER.user} LOGIN PASSWORD '${OWNER.password}'`);
  } finally {
    await root.end();
  }
  await server.createDatabase(DB);
  const rootDb = await server.connect(DB);
  try {
    await rootDb.query(`ALTER DATABASE ${DB} OWNER TO ${MASTER.user}`);
    await rootDb.query(`GRANT CREATE ON SCHEMA public TO ${OWNER.user}`);
  } finally {
    await rootDb.end();
  }
  // The application's migrations, run as its own role: it owns its tables.
  const owner = await server.connect(DB, OWNER);
  try {
    await owner.query('CREATE TABLE public.orders (id serial PRIMARY KEY, item text NOT NULL)');
    await owner.query('CREATE TABLE public.customers (id serial PRIMARY KEY, name text NOT NULL)');
  } finally {
    await owner.end();
  }
  master = await server.connect(DB, MASTER);
  await registry.ensure({
    name: 'shop', status: 'provisioning', request, dbAccountId: '111111111111', region: 'us-east-2', owned: {}, verdicts: [],
    createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
  });
}, 30_000);

afterAll(async () => {
  await master?.end().catch(() => undefined);
  await server?.stop();
}, 20_000);

test('the master user is no superuser, and PostgreSQL itself refuses it the owner-only statements', async () => {
  expect((await master.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).rows).toEqual([{ rolsuper: false }]);
  await expect(master.query('CREATE PUBLICATION probe_only FOR TABLE public.orders')).rejects.toMatchObject({ code: '42501' });
});

let ownerStatements: string[] = [];
let setupUserStatements: string[] = [];

test('RunSetupSql fails with TableOwnershipError naming each table, its owner and the statements to run', async () => {
  const failure = await run().then(
    () => undefined,
    (e: Error) => e,
  );
  expect(failure).toBeDefined();
  expect(failure!.name).toBe('TableOwnershipError');
  const message = failure!.message;
  expect(message).toContain('[pg-table-not-owned]');
  expect(message).toContain('setup user aurora_master does not own public.customers (owner app_owner), public.orders (owner app_owner)');
  expect(message).toContain(
    'as app_owner: GRANT SELECT ON TABLE "public"."customers" TO "rpcn_shop"; GRANT SELECT ON TABLE "public"."orders" TO "rpcn_shop"; ' +
      'CREATE PUBLICATION "pglog_stream_rpcn_shop" FOR TABLE "public"."orders", "public"."customers";',
  );
  expect(message).toContain('GRANT "app_owner" TO "aurora_master";');
  // The application role may not create objects in the database: the database owner lets it create the publication.
  expect(message).toContain('first, as aurora_master: GRANT CREATE ON DATABASE "shop" TO "app_owner"; then');
  setupUserStatements = [message.slice(message.indexOf('first, as aurora_master: ') + 'first, as aurora_master: '.length, message.indexOf(' then '))];
  // Nothing table-related was attempted; the connector role exists, so the owner's GRANT can name it.
  expect((await master.query("SELECT count(*)::int AS n FROM pg_publication WHERE pubname = 'pglog_stream_rpcn_shop'")).rows).toEqual([{ n: 0 }]);
  expect((await master.query("SELECT 1 FROM pg_roles WHERE rolname = 'rpcn_shop'")).rowCount).toBe(1);
  ownerStatements = message.slice(message.indexOf('as app_owner: ') + 'as app_owner: '.length, message.indexOf(' — or ')).split(/(?<=;) /);
  expect(ownerStatements).toHaveLength(3);
}, 20_000);

test("after the owner runs exactly the listed statements, RunSetupSql passes, twice, with the SELECT grants and the publication in place", async () => {
  for (const statement of setupUserStatements) await master.query(statement.replace(/;$/, ''));
  const owner = await server.connect(DB, OWNER);
  try {
    for (const statement of ownerStatements) await owner.query(statement.replace(/;$/, ''));
  } finally {
    await owner.end();
  }
  await expect(run()).resolves.toMatchObject({ createdUser: true });
  // And again: idempotent with the owner's grants and publication in place.
  await expect(run()).resolves.toMatchObject({ createdUser: true });

  const checks = postgresChecks(request);
  const publication = evaluatePublication((await master.query(checks.publication.sql)).rows as SqlRow[], { schema: 'public', tables: ['orders', 'customers'] });
  expect(publication).toMatchObject({ ok: true, exists: true });
  const privileges = (await master.query(checks.tablePrivileges.sql)).rows;
  expect(privileges).toEqual([
    { schema_name: 'public', table_name: 'customers', privilege_type: 'SELECT' },
    { schema_name: 'public', table_name: 'orders', privilege_type: 'SELECT' },
  ]);
}, 20_000);

test('the membership route works too: once the master user is a member of the owner role, nothing is reported', async () => {
  const root = await server.connect(DB);
  try {
    await root.query(`GRANT ${OWNER.user} TO ${MASTER.user}`);
    await root.query('CREATE TABLE public.invoices (id serial PRIMARY KEY)');
    await root.query(`ALTER TABLE public.invoices OWNER TO ${OWNER.user}`);
  } finally {
    await root.end();
  }
  const withInvoices = assertRequest({ ...JSON.parse(JSON.stringify(request)), cdc: { ...request.cdc, tables: ['orders', 'customers', 'invoices'] } });
  const stepWithInvoices = makeHandler({ sql, registry });
  await expect(
    stepWithInvoices({ request: withInvoices, link: { name: 'shop', dbAccountId: '111111111111', region: 'us-east-2' }, aurora }, lambdaContext),
  ).resolves.toMatchObject({ statements: expect.any(Number) });
}, 20_000);

test('teardown: what the owner made is named with the statements only it can run; after them the teardown statements all pass', async () => {
  const root = await server.connect(DB);
  try {
    await root.query(`REVOKE ${OWNER.user} FROM ${MASTER.user}`);
  } finally {
    await root.end();
  }
  const rows = (await master.query(postgresTeardownOwnershipCheck(request).sql)).rows as SqlRow[];
  const foreign = evaluatePgTeardownOwnership(rows, request);
  expect(foreign).toEqual({
    setupUser: 'aurora_master',
    ownerStatements: [
      {
        owner: 'app_owner',
        statements: [
          'REVOKE ALL ON TABLE "public"."customers" FROM "rpcn_shop";',
          // granted by the master user while it was a member of app_owner: recorded as app_owner's grant
          'REVOKE ALL ON TABLE "public"."invoices" FROM "rpcn_shop";',
          'REVOKE ALL ON TABLE "public"."orders" FROM "rpcn_shop";',
          'DROP PUBLICATION "pglog_stream_rpcn_shop";',
        ],
      },
    ],
  });
  // Without them, PostgreSQL refuses the master user the publication.
  await expect(master.query(teardownStatements(request).find((st) => st.id === 'pg.publication.drop')!.sql)).rejects.toThrow(/must be owner of publication/);
  const owner = await server.connect(DB, OWNER);
  try {
    for (const statement of foreign.ownerStatements[0]!.statements) await owner.query(statement.replace(/;$/, ''));
  } finally {
    await owner.end();
  }
  expect((await master.query(postgresTeardownOwnershipCheck(request).sql)).rows).toEqual([]);
  for (const st of teardownStatements(request)) await master.query({ text: st.sql, queryMode: 'extended' } as pg.QueryConfig);
  expect((await master.query("SELECT 1 FROM pg_roles WHERE rolname = 'rpcn_shop'")).rowCount).toBe(0);
}, 20_000);
