// A private MariaDB (or MySQL) server for the tests and the demo, started from the machine's own `mariadbd`/`mysqld`:
// a free port on 127.0.0.1, a fresh data directory under the OS temp folder, the binary log on in ROW format (the
// MySQL CDC path needs it, as Aurora MySQL has it with the link's parameter group), a random root password, and
// everything stopped and removed afterwards. As root the server runs as the OS user `mysql` when it exists.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from './embedded-postgres.js';
import { LocalDatabaseUnavailableError } from './postgres-binaries.js';
import { stopChild, tail, trackServer } from './server-processes.js';

export interface MariadbServer {
  /** `mysql://root:<password>@127.0.0.1:<port>` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly version: string;
  readonly dataDir: string;
  pid(): number | undefined;
  /** Stop the server and remove its folder; safe to call twice. */
  stop(): Promise<void>;
}

interface ServerBinaries {
  readonly server: string;
  readonly installDb: string;
}

const SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', '/usr/libexec', '/opt/homebrew/bin', '/usr/local/mysql/bin'];
const START_TIMEOUT_MS = 60_000;

/** Where to look for the server: `RPCN_AURORA_MARIADB_DIRS` (`:`-separated) when set, else PATH and the usual folders. */
function searchDirs(): string[] {
  const configured = process.env['RPCN_AURORA_MARIADB_DIRS'];
  if (configured !== undefined) return configured.split(path.delimiter).filter(Boolean);
  return [...(process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean), ...SEARCH_DIRS];
}

/** The server and install-db binaries on this machine, or why there are none (one line). */
export function findMariadbBinaries(dirs: readonly string[] = searchDirs()): ServerBinaries | { readonly missing: string } {
  const find = (names: readonly string[]) => {
    for (const name of names) for (const dir of dirs) if (existsSync(path.join(dir, name))) return path.join(dir, name);
    return undefined;
  };
  const server = find(['mariadbd', 'mysqld']);
  if (!server) return { missing: 'no mariadbd or mysqld on this machine (install the mariadb-server package, or set MYSQL_URL to a server with the binary log on in ROW format)' };
  const installDb = find(path.basename(server) === 'mariadbd' ? ['mariadb-install-db', 'mysql_install_db'] : ['mysql_install_db', 'mariadb-install-db']);
  if (!installDb) return { missing: `found ${server} but no mariadb-install-db/mysql_install_db to create a data directory (install the full mariadb-server package, or set MYSQL_URL)` };
  return { server, installDb };
}

/** The OS account the server runs as when this process is root (mysqld refuses root unless told). */
function runAs(): { readonly user: string; readonly uid?: number; readonly gid?: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return { user: 'mysql', uid: Number(execFileSync('id', ['-u', 'mysql']).toString()), gid: Number(execFileSync('id', ['-g', 'mysql']).toString()) };
  } catch {
    return { user: 'root' };
  }
}

/** Start a private server. Throws {@link LocalDatabaseUnavailableError} (one line) when it cannot. */
export async function startMariadbServer(options: { readonly searchDirs?: readonly string[] } = {}): Promise<MariadbServer> {
  const found = findMariadbBinaries(options.searchDirs);
  if ('missing' in found) throw new LocalDatabaseUnavailableError(`cannot start a local MariaDB: ${found.missing}`);
  const account = runAs();
  const folder = await mkdtemp(path.join(tmpdir(), 'rpcn-mariadb-'));
  const dataDir = path.join(folder, 'data');
  const log: string[] = [];
  let child: ChildProcess | undefined;
  const forget = trackServer(() => child, folder, 'SIGKILL');
  const cleanUp = async () => {
    if (child) await stopChild(child, 'SIGTERM');
    await rm(folder, { recursive: true, force: true, maxRetries: 3 });
    forget();
  };
  try {
    await mkdir(dataDir, { mode: 0o700 });
    if (account?.uid !== undefined && account.gid !== undefined) {
      for (const p of [folder, dataDir]) await chown(p, account.uid, account.gid);
    }
    const userFlag = account ? [`--user=${account.user}`] : [];
    await run(found.installDb, ['--no-defaults', `--datadir=${dataDir}`, ...userFlag, '--auth-root-authentication-method=normal', '--skip-test-db'], log).catch((e: unknown) => {
      throw new Error(`${path.basename(found.installDb)} failed: ${e instanceof Error ? e.message : String(e)}`);
    });
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      try {
        child = await startServer(found.server, [
          '--no-defaults',
          `--datadir=${dataDir}`,
          ...userFlag,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          `--socket=${path.join(folder, 'mysqld.sock')}`,
          `--pid-file=${path.join(folder, 'mysqld.pid')}`,
          `--log-error=${path.join(folder, 'error.log')}`,
          `--log-bin=${path.join(dataDir, 'binlog')}`,
          '--binlog-format=ROW',
          '--binlog-row-image=FULL',
          '--server-id=1',
          '--skip-name-resolve',
          '--innodb-buffer-pool-size=32M',
          '--innodb-log-file-size=16M',
          '--performance-schema=OFF',
          '--max-connections=200',
        ], folder);
        const password = `pw_${randomBytes(8).toString('hex')}`;
        const version = await secureRoot(port, password);
        const server: MariadbServer = {
          url: `mysql://root:${password}@127.0.0.1:${port}`,
          host: '127.0.0.1',
          port,
          version,
          dataDir,
          pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid : undefined),
          stop: cleanUp,
        };
        return server;
      } catch (e) {
        lastError = e;
        if (child) await stopChild(child, 'SIGTERM');
        child = undefined;
      }
    }
    throw lastError instanceof Error ? lastError : new Error('did not start');
  } catch (e) {
    const errorLog = await readFile(path.join(folder, 'error.log'), 'utf8').catch(() => '');
    await cleanUp();
    if (e instanceof LocalDatabaseUnavailableError) throw e;
    const detail = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    const last = errorLog.trim().split('\n').filter((l) => /ERROR|error/.test(l)).pop() ?? tail(log, 1).split('\n').pop() ?? '';
    throw new LocalDatabaseUnavailableError(
      `cannot start a local MariaDB from ${found.server}: ${detail}${last ? ` (${last.trim().slice(0, 200)})` : ''}; set MYSQL_URL to a server with the binary log on in ROW format instead`,
    );
  }
}

function run(command: string, args: readonly string[], log: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    child.stdout.on('data', (c: Buffer) => log.push(c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => log.push(c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${signal ?? `exit code ${code}`}: ${tail(log, 3)}`))));
  });
}

/** Spawn the server and wait until it accepts connections (its pid file appears, and a TCP login works). */
async function startServer(server: string, args: readonly string[], folder: string): Promise<ChildProcess> {
  const child = spawn(server, args, { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, LC_ALL: 'C' } });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`mariadbd exited (${signal ?? `code ${code}`}) before it was ready`)));
  });
  exited.catch(() => undefined);
  const port = Number(/--port=(\d+)/.exec(args.join(' '))?.[1]);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const ready = existsSync(path.join(folder, 'mysqld.pid')) && (await canConnect(port));
    if (ready) return child;
    await Promise.race([exited, new Promise((r) => setTimeout(r, 100))]);
  }
  throw new Error(`not ready after ${START_TIMEOUT_MS / 1000} s`);
}

async function canConnect(port: number): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 });
    await conn.end();
    return true;
  } catch (e) {
    // Access denied means it is up (the root password was set already).
    return (e as { code?: string }).code === 'ER_ACCESS_DENIED_ERROR';
  }
}

/** Give every root account a random password and drop the host-named ones; returns the server version. */
async function secureRoot(port: number, password: string): Promise<string> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 5000 });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT Host AS host FROM mysql.user WHERE User = 'root'");
    for (const { host } of rows as { host: string }[]) {
      if (host === '127.0.0.1' || host === 'localhost') await conn.query('ALTER USER ?@? IDENTIFIED BY ?', ['root', host, password]);
      else await conn.query('DROP USER ?@?', ['root', host]);
    }
    const [version] = await conn.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
    return String((version as { v: string }[])[0]?.v ?? 'unknown');
  } finally {
    await conn.end();
  }
}
