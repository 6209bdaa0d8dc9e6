// The generated MySQL SQL against the run's MariaDB (the local stand-in for Aurora MySQL: MYSQL_URL or the private
// server of test/support/mysql-global-setup.mjs), one statement per call (multipleStatements off, like the RDS Data
// API). Aurora-only statements are listed and skipped, or replaced by their local equivalent. Without a MariaDB on
// the machine the suite is reported as skipped, with the reason.
import type { Connection } from 'mysql2/promise';
import { assertRequest, type LinkRequest } from '../../lambdas/core/request.js';
import {
  evaluateBinlogDump,
  evaluateMysqlBinlog,
  evaluateMysqlGrants,
  evaluateMysqlUser,
  localStandInStatements,
  mysqlChecks,
  mysqlRevokeExtraGrantsStatements,
  mysqlSetupStatements,
  mysqlTeardownStatements,
  type SqlRow,
  type SqlStatement,
} from '../../lambdas/core/sql.js';
import { freePort } from '../../local/database/embedded-postgres.js';
import { connectMysql, createScratchDatabase, MysqlUnavailableError, uniqueName, type ScratchDatabase } from '../../local/database/mysql.js';
import { describeMysql } from '../support/mysql.js';

let conn: Connection;
let scratch: ScratchDatabase;
const user = uniqueName('rpcn_t');

function request(tables: string[]): LinkRequest {
  return assertRequest({
    name: 'inventory',
    engine: 'aurora-mysql',
    database: { databaseName: scratch.name },
    cdc: { user, tables },
    redpanda: { clusterId: 'curl3eo533cmsnt23dv0', accountId: '861276079005' },
  });
}

async function exec(sql: string): Promise<SqlRow[]> {
  const [rows] = await conn.query(sql);
  return Array.isArray(rows) ? (rows as SqlRow[]) : [];
}

async function runAll(statements: readonly SqlStatement[]): Promise<void> {
  for (const s of statements) {
    try {
      await exec(s.sql);
    } catch (e) {
      throw new Error(`${s.id} failed: ${(e as Error).message}`);
    }
  }
}

async function userCount(): Promise<number> {
  const rows = await exec(`SELECT COUNT(*) AS n FROM mysql.user WHERE User = '${user}'`);
  return Number(rows[0]?.['n']);
}

describeMysql('the generated MySQL SQL on MariaDB', () => {
  beforeAll(async () => {
    conn = await connectMysql();
    scratch = await createScratchDatabase(conn, 'rpcn_sqltest');
    for (const table of ['stock_levels', 'warehouses', 'payroll']) {
      await conn.query(`CREATE TABLE \`${scratch.name}\`.\`${table}\` (id INT PRIMARY KEY, v VARCHAR(20))`);
    }
  }, 15_000);

  afterAll(async () => {
    if (!conn) return;
    try {
      await conn.query(`DROP USER IF EXISTS '${user}'@'%'`);
      await scratch?.drop();
    } finally {
      await conn.end();
    }
  });

  test('setup runs twice on MariaDB; Aurora-only statements are skipped or replaced, with the reason', async () => {
    const req = request(['stock_levels', 'warehouses']);
    const plan = localStandInStatements(mysqlSetupStatements(req));
    console.log(
      [
        'Aurora-only statements not run on the MariaDB stand-in:',
        ...plan.skipped.map((s) => `  skipped ${s.id}: ${s.reason}`),
        ...plan.replaced.map((s) => `  replaced ${s.id}: ${s.reason}; ran instead: ${s.note}`),
      ].join('\n'),
    );
    expect(plan.skipped.map((s) => s.id)).toEqual(['mysql.binlogRetention']);
    expect(plan.replaced.map((s) => s.id)).toEqual(['mysql.user.create']);

    await runAll(plan.run);
    await runAll(plan.run);
    expect(await userCount()).toBe(1);

    // Really one statement per call: the same connection refuses a multi-statement text.
    await expect(conn.query('SELECT 1; SELECT 2')).rejects.toMatchObject({ code: 'ER_PARSE_ERROR' });
  }, 10_000);

  test('the user holds exactly the setup grants (SHOW GRANTS), and TLS is required', async () => {
    const req = request(['stock_levels', 'warehouses']);
    const checks = mysqlChecks(req);
    const grantRows = await exec(checks.grants.sql);
    const lines = grantRows.map((r) => String(Object.values(r)[0]));
    // The global line holds exactly these privileges, in whatever order the server prints them (MariaDB ≥ 10.5
    // prints REPLICATION CLIENT as BINLOG MONITOR).
    const global = lines.find((l) => l.includes(' ON *.* '));
    const globalPrivileges = /^GRANT (.+) ON \*\.\* TO /
      .exec(global ?? '')?.[1]
      ?.split(', ')
      .map((p) => (p === 'BINLOG MONITOR' ? 'REPLICATION CLIENT' : p))
      .sort();
    expect(globalPrivileges).toEqual(['RELOAD', 'REPLICATION CLIENT', 'REPLICATION SLAVE']);
    expect(lines).toEqual(
      expect.arrayContaining([
        // "_" escaped: the database-level grant covers this database only, not look-alikes.
        `GRANT LOCK TABLES ON \`${scratch.name.replace(/_/g, '\\_')}\`.* TO \`${user}\`@\`%\``,
        `GRANT SELECT ON \`${scratch.name}\`.\`stock_levels\` TO \`${user}\`@\`%\``,
        `GRANT SELECT ON \`${scratch.name}\`.\`warehouses\` TO \`${user}\`@\`%\``,
      ]),
    );
    expect(lines).toHaveLength(4);
    expect(lines.join('\n')).not.toContain('payroll');
    expect(evaluateMysqlGrants(grantRows, { database: scratch.name, tables: ['stock_levels', 'warehouses'] })).toMatchObject({
      ok: true, missing: [], extra: [],
    });

    const userRows = await exec(checks.user.sql);
    expect(userRows).toEqual([expect.objectContaining({ user, host: '%', ssl_type: 'ANY' })]);
    expect(evaluateMysqlUser(userRows, { user, expectIamPlugin: false })).toMatchObject({ ok: true, exists: true, findings: [] });
    // The stand-in has no IAM plugin, and the Aurora check says so.
    expect(evaluateMysqlUser(userRows, { user, expectIamPlugin: true }).findings.map((f) => f.code)).toEqual(['MYSQL_USER_NOT_IAM']);
  });

  test('binlog and dump-thread checks run and are evaluated from the real values', async () => {
    const checks = mysqlChecks(request(['stock_levels']));
    const binlogRows = await exec(checks.binlog.sql);
    expect(binlogRows).toHaveLength(1);
    const row = binlogRows[0]!;
    const binlog = evaluateMysqlBinlog(binlogRows);
    expect(binlog.logBin).toBe(Number(row['log_bin']) === 1);
    expect(binlog.format).toBe(String(row['binlog_format']).toUpperCase());
    expect(binlog.ok).toBe(Number(row['log_bin']) === 1 && binlog.format === 'ROW');

    // Nothing streams as this fresh user.
    const dumpRows = await exec(checks.binlogDump.sql);
    expect(dumpRows).toEqual([]);
    expect(evaluateBinlogDump(dumpRows, { requireActive: true })).toMatchObject({ ok: false, active: false, findings: [{ code: 'MYSQL_NO_BINLOG_DUMP' }] });
  });

  test('a smaller table list converges: setup, then revoke what the grants check reports as extra', async () => {
    const smaller = request(['warehouses']);
    await runAll(localStandInStatements(mysqlSetupStatements(smaller)).run);
    // Someone also granted more than CDC needs.
    await conn.query(`GRANT INSERT ON \`${scratch.name}\`.\`warehouses\` TO '${user}'@'%'`);

    const before = await exec(mysqlChecks(smaller).grants.sql);
    const found = evaluateMysqlGrants(before, { database: scratch.name, tables: ['warehouses'] });
    expect(found.ok).toBe(true);
    expect([...found.extra].sort()).toEqual([`INSERT ON ${scratch.name}.warehouses`, `SELECT ON ${scratch.name}.stock_levels`]);
    const revokes = mysqlRevokeExtraGrantsStatements(smaller, before);
    expect(revokes.map((s) => s.sql).sort()).toEqual([
      `REVOKE INSERT ON \`${scratch.name}\`.\`warehouses\` FROM '${user}'@'%'`,
      `REVOKE SELECT ON \`${scratch.name}\`.\`stock_levels\` FROM '${user}'@'%'`,
    ]);
    await runAll(revokes);

    const after = await exec(mysqlChecks(smaller).grants.sql);
    expect(evaluateMysqlGrants(after, { database: scratch.name, tables: ['warehouses'] })).toMatchObject({ ok: true, missing: [], extra: [] });
    expect(mysqlRevokeExtraGrantsStatements(smaller, after)).toEqual([]);
  });

  test('teardown (twice) leaves no user', async () => {
    const teardown = mysqlTeardownStatements(request(['warehouses']));
    await runAll(teardown);
    await runAll(teardown);
    expect(await userCount()).toBe(0);
    const checks = mysqlChecks(request(['warehouses']));
    expect(evaluateMysqlUser(await exec(checks.user.sql), { user, expectIamPlugin: false })).toMatchObject({ exists: false, findings: [{ code: 'MYSQL_USER_MISSING' }] });
    await expect(exec(checks.grants.sql)).rejects.toMatchObject({ errno: 1141 });
  });
});

test('an unreachable server is a clear error naming MYSQL_URL', async () => {
  const url = `mysql://root:secret@127.0.0.1:${await freePort()}`;
  const attempt = connectMysql(url);
  await expect(attempt).rejects.toBeInstanceOf(MysqlUnavailableError);
  await expect(attempt).rejects.toThrow(/MYSQL_URL/);
  // The password in the URL is not echoed.
  await expect(attempt).rejects.toThrow(/root:\*\*\*@127\.0\.0\.1/);
});
