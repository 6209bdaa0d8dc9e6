// The `postgres_cdc` input, EMULATED in its steps but over a REAL database: the IAM chain and the IAM login are the
// twin's (iam-chain.ts, local/aws/rds-iam-auth.ts); everything after that is real PostgreSQL as the CDC user with
// the password the emulated login handed out: a side connection for the checks and the snapshot, and a logical
// replication connection (pg-logical-replication, pgoutput proto 1, publication pglog_stream_<slot>) whose slot is
// visible and active in pg_replication_slots while the pipeline runs.
//
// Order of operations and texts follow docs/reference/redpanda-connect.md §2a and §3 (✅ prefixes; inner texts are
// PostgreSQL's own, rendered the way pgx prints them: `<SEVERITY>: <message> (SQLSTATE <code>)`; the pgx connect
// wrapper is ❓ approximate):
//   Connect():  token (role chain, endpoint check) → dial (the emulated network, network.ts) → login → identifier checks → heartbeat check → side connection →
//               publication exists? (create / reconcile as the CDC user) → slot exists? (plugin check) →
//               snapshot path: CREATE_REPLICATION_SLOT <slot>_tmp TEMPORARY ... EXPORT_SNAPSHOT, "is now active";
//               otherwise: CREATE_REPLICATION_SLOT <slot> (if missing) and START_REPLICATION, then "is now active".
//   Streaming:  snapshot rows as `read` (REPEATABLE READ, SET TRANSACTION SNAPSHOT), delivered before
//               pg_copy_logical_replication_slot(<slot>_tmp, <slot>) and START_REPLICATION; then insert/update/delete.
// Gaps (stated): TLS is not used (the local server has none, so `sslmode`/`tls.root_cas` are not verified);
// heartbeats, the lag monitor, batching and checkpoint_limit are not emulated; messages are written one at a time.
import pg from 'pg';
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import { ConfigError, parsePgDsn, type PgDsn, type PostgresCdcConfig } from './config.js';
import { newBackoff, type OutgoingMessage, type RunContext } from './context.js';
import { ConnectFailure, signingSession } from './iam-chain.js';
import { dialTimeoutText } from './network.js';
import type { RedpandaOutputEmulation } from './output.js';
import { sleep } from './timing.js';
import { compareLsn, connectLsn, jsonRow, lsnBefore, PG_TYPES } from './values.js';

/** A failure after the input went active: Connect logs it as WARN `logical replication stream error: <err>`. */
export class StreamFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamFailure';
  }
}

/** The run stopped (or the connection was dropped on purpose) while a step was under way. */
class Interrupted extends Error {}

const COMPONENT = 'postgres_cdc';

/** pgx's rendering of a server error; other errors as their message. */
export function pgErrorText(e: unknown): string {
  const err = e as { message?: string; severity?: string; code?: string };
  if (err?.severity !== undefined && err.code !== undefined) return `${err.severity}: ${err.message} (SQLSTATE ${err.code})`;
  return err?.message ?? String(e);
}

/** ❓ pgx v5's ConnectError prefix: the login, then the address dialled and the host it was resolved from. */
function pgConnectPrefix(dsn: PgDsn, address: string): string {
  return `failed to connect to \`user=${dsn.user} database=${dsn.database}\`: ${address} (${dsn.host})`;
}

/** ❓ pgx v5's ConnectError text for a login that failed at `dsn`'s host. */
export function pgConnectText(dsn: PgDsn, e: unknown): string {
  const err = e as { name?: string; message?: string; code?: string; severity?: string };
  // The twin's refusal for "nothing listens there" is already written as pgx prints it.
  if (err?.name === 'DbConnectionRefusedError') return err.message ?? String(e);
  const address = `${['localhost', '::1'].includes(dsn.host) ? '127.0.0.1' : dsn.host}:${dsn.port}`;
  const prefix = pgConnectPrefix(dsn, address);
  if (err?.code === 'ECONNREFUSED') return `${prefix}: dial error: dial tcp ${address}: connect: connection refused`;
  // DbLoginRefusedError carries Aurora's `FATAL: ... (SQLSTATE 28000)`; a real server error has severity and code.
  const inner = err?.name === 'DbLoginRefusedError' ? (err.message ?? '') : pgErrorText(e);
  return `${prefix}: server error: ${inner}`;
}

/** A dial the emulated network dropped (network.ts), as pgx wraps the dialer's timeout. */
export function pgDialTimeoutText(dsn: PgDsn, address: string): string {
  return `${pgConnectPrefix(dsn, `${address}:${dsn.port}`)}: dial error: ${dialTimeoutText(address, dsn.port)}`;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** sanitize.go (🔶 reasons worded by the emulator): unquoted names are lower-cased and checked, quoted ones kept. */
function normalizeIdentifier(kind: 'schema' | 'table', raw: string): string {
  if (/^".+"$/.test(raw)) return raw.slice(1, -1).replace(/""/g, '"');
  const lower = raw.toLowerCase();
  if (lower === '' || lower.length > 63 || !/^[a-z_][a-z0-9_.]*$/.test(lower)) {
    throw new ConnectFailure(`unable to create replication stream: invalid ${kind} name "${raw}": must start with a letter or underscore and contain only letters, digits, underscores and dots (at most 63)`);
  }
  return lower;
}

/** pgoutput with a hook that runs on the replication session just before START_REPLICATION. */
class HookedPgoutputPlugin extends PgoutputPlugin {
  constructor(
    options: ConstructorParameters<typeof PgoutputPlugin>[0],
    private readonly before: (client: pg.Client) => Promise<void>,
  ) {
    super(options);
  }

  override async start(client: pg.Client, slotName: string, lastLsn: string): Promise<unknown> {
    await this.before(client);
    return super.start(client, slotName, lastLsn);
  }
}

/** One Connect() and the stream that follows it. */
class PgAttempt {
  dropped = false;
  active = false;
  private service: LogicalReplicationService | undefined;
  private side: pg.Client | undefined;
  private hookStarted = false;
  /** START_REPLICATION answered (copy mode). */
  private replicating = false;
  private streamError: unknown;
  private lastAcked: string | undefined;
  private closing: Promise<void> | undefined;
  private readonly schema: string;
  private readonly tables: string[];

  constructor(
    private readonly cfg: PostgresCdcConfig,
    private readonly ctx: RunContext,
    private readonly output: RedpandaOutputEmulation,
  ) {
    this.schema = cfg.schema;
    this.tables = [...cfg.tables];
  }

  private get interrupted(): boolean {
    return this.dropped || this.ctx.signal.aborted;
  }

  private markActive(): void {
    if (this.active) return;
    this.active = true;
    this.ctx.log('INFO', `Input type ${COMPONENT} is now active`, 'input');
  }

  async execute(): Promise<void> {
    let dsn: PgDsn;
    try {
      dsn = parsePgDsn(this.cfg.dsn);
    } catch (e) {
      throw new ConnectFailure(e instanceof ConfigError ? e.message : String(e));
    }

    let password = dsn.password ?? '';
    // The token is built first (it needs no path to the database), then the dial meets the network.
    const signing = this.cfg.aws === undefined ? undefined : await signingSession(this.ctx, this.cfg.aws);
    const blocked = this.ctx.dial({ host: dsn.host, port: dsn.port, database: dsn.database });
    if (blocked !== undefined) throw new ConnectFailure(`unable to create replication stream: ${pgDialTimeoutText(dsn, blocked.address)}`);
    if (this.cfg.aws !== undefined && signing !== undefined) {
      const { session, region } = signing;
      try {
        const login = await this.ctx.aws.rdsIamLogin({
          sessionArn: session.arn,
          region,
          host: dsn.host,
          port: dsn.port,
          user: dsn.user,
          tokenEndpoint: this.cfg.aws.endpoint,
          replication: true,
        });
        password = login.password;
      } catch (e) {
        throw new ConnectFailure(`unable to create replication stream: ${pgConnectText(dsn, e)}`);
      }
    }
    if (password !== '') this.ctx.addSensitive(password);
    if (this.interrupted) return;

    const schema = normalizeIdentifier('schema', this.schema);
    const tables = this.tables.map((t) => normalizeIdentifier('table', t));
    // ✅ docs/reference/redpanda-connect.md §0.3: NewMonitor refuses heartbeat_interval <= 0 and prints pg_wal_monitor_interval.
    if (this.cfg.heartbeatDisabled) throw new ConnectFailure(`unable to create replication stream: invalid monitoring interval: ${this.cfg.walMonitorInterval}`);

    const login = { host: dsn.host, port: dsn.port, user: dsn.user, password, database: dsn.database, connectionTimeoutMillis: 5000 };
    const publication = `pglog_stream_${this.cfg.slotName}`;
    const service = new LogicalReplicationService(login, { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } });
    this.service = service;
    service.on('error', (e: Error) => {
      this.streamError ??= e;
    });
    service.on('start', () => {
      this.replicating = true;
      this.markActive();
    });
    service.on('data', (lsn: string, message: Pgoutput.Message) => this.onData(lsn, message));
    service.on('heartbeat', (_lsn: string, _ts: number, shouldRespond: boolean) => {
      // Answer keepalives with what was delivered, never with the server's position (that would skip undelivered
      // changes). acknowledge(x) reports x+1, so lastAcked starts one byte before the slot's confirmed position.
      if (shouldRespond && this.lastAcked !== undefined) void service.acknowledge(this.lastAcked).catch(() => undefined);
    });
    const plugin = new HookedPgoutputPlugin({ protoVersion: 1, publicationNames: [publication] }, (client) => this.prepare(client, dsn, login, schema, tables, publication));

    try {
      await service.subscribe(plugin, this.cfg.slotName);
    } catch (e) {
      if (this.interrupted || e instanceof Interrupted) return;
      if (e instanceof ConnectFailure || e instanceof StreamFailure) throw e;
      if (!this.hookStarted) throw new ConnectFailure(`unable to create replication stream: ${pgConnectText(dsn, e)}`);
      if (!this.active) throw new ConnectFailure(`unable to create replication stream: ${pgErrorText(e)}`);
      throw new StreamFailure(`${this.replicating ? 'receiving messages from Postgres' : 'starting logical replication'}: ${pgErrorText(e)}`);
    }
    if (this.interrupted) return;
    if (this.streamError !== undefined) throw new StreamFailure(`receiving messages from Postgres: ${pgErrorText(this.streamError)}`);
  }

  /** Everything between login and START_REPLICATION, on the replication session `repl` and a side connection. */
  private async prepare(repl: pg.Client, dsn: PgDsn, login: pg.ClientConfig, schema: string, tables: string[], publication: string): Promise<void> {
    this.hookStarted = true;
    const fail = (what: string, e: unknown) => new ConnectFailure(`unable to create replication stream: ${what}${pgErrorText(e)}`);
    const side = new pg.Client({ ...login, types: PG_TYPES });
    side.on('error', () => undefined);
    this.side = side;
    try {
      await side.connect();
    } catch (e) {
      throw new ConnectFailure(`unable to create replication stream: connecting to the database: ${pgConnectText(dsn, e)}`);
    }
    await side.query('SHOW server_version').catch((e: unknown) => {
      throw fail('executing query: ', e);
    });
    this.checkInterrupted();

    // docs/reference/redpanda-connect.md §3 publication: created by Connect when missing, reconciled to exactly the configured tables when present.
    const qualified = (t: string) => `${ident(schema)}.${ident(t)}`;
    const pub = await side.query<{ puballtables: boolean }>('SELECT puballtables FROM pg_publication WHERE pubname = $1', [publication]).catch((e: unknown) => {
      throw fail('checking publication existence: ', e);
    });
    if (pub.rows.length === 0) {
      const target = tables.length === 0 ? 'ALL TABLES' : `TABLE ${tables.map(qualified).join(', ')}`;
      await side.query(`CREATE PUBLICATION ${ident(publication)} FOR ${target}`).catch((e: unknown) => {
        throw fail('creating publication: ', e);
      });
    } else if (tables.length > 0) {
      const current = await side
        .query<{ schemaname: string; tablename: string }>('SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1', [publication])
        .catch((e: unknown) => {
          throw fail('getting publication tables: ', e);
        });
      // A publication with no tables at all is taken as FOR ALL TABLES and left alone.
      if (current.rows.length > 0 || pub.rows[0]!.puballtables) {
        const have = current.rows.map((r) => `${r.schemaname}.${r.tablename}`);
        const want = tables.map((t) => `${schema}.${t}`);
        for (const extra of current.rows.filter((r) => !want.includes(`${r.schemaname}.${r.tablename}`))) {
          await side.query(`ALTER PUBLICATION ${ident(publication)} DROP TABLE ${ident(extra.schemaname)}.${ident(extra.tablename)}`).catch((e: unknown) => {
            throw fail('removing table from publication: ', e);
          });
        }
        for (const t of tables.filter((t) => !have.includes(`${schema}.${t}`))) {
          await side.query(`ALTER PUBLICATION ${ident(publication)} ADD TABLE ${qualified(t)}`).catch((e: unknown) => {
            throw fail('adding table to publication: ', e);
          });
        }
      }
    }
    this.checkInterrupted();

    // docs/reference/redpanda-connect.md §3 slots.
    const slotQuery = 'SELECT plugin, confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = $1';
    const slot = await side.query<{ plugin: string | null; confirmed_flush_lsn: string | null }>(slotQuery, [this.cfg.slotName]).catch((e: unknown) => {
      throw fail('', e);
    });
    const temporary = this.cfg.temporarySlot ? 'TEMPORARY ' : '';
    if (slot.rows.length > 0) {
      // An existing slot resumes from its confirmed position; the snapshot is skipped even with stream_snapshot (docs/reference/redpanda-connect.md §0.10).
      const { plugin, confirmed_flush_lsn: confirmed } = slot.rows[0]!;
      if (plugin !== 'pgoutput') throw new ConnectFailure(`unable to create replication stream: replication slot ${this.cfg.slotName} already exists with different output plugin: ${plugin}`);
      if (confirmed !== null) this.lastAcked = lsnBefore(confirmed);
      await this.closeSide();
      return;
    }
    if (!this.cfg.streamSnapshot || tables.length === 0) {
      const made = await repl
        .query<{ consistent_point: string }>(`CREATE_REPLICATION_SLOT ${ident(this.cfg.slotName)} ${temporary}LOGICAL pgoutput NOEXPORT_SNAPSHOT`)
        .catch((e: unknown) => {
          throw fail('creating replication slot: ', e);
        });
      this.lastAcked = lsnBefore(made.rows[0]!.consistent_point);
      await this.closeSide();
      return;
    }

    const tmp = `${this.cfg.slotName}_tmp`;
    const stale = await side.query(slotQuery, [tmp]).catch((e: unknown) => {
      throw fail('', e);
    });
    if (stale.rows.length > 0) {
      await repl.query(`DROP_REPLICATION_SLOT ${ident(tmp)}`).catch((e: unknown) => {
        throw fail('dropping stale temporary replication slot: ', e);
      });
    }
    const created = await repl.query<{ snapshot_name: string; consistent_point: string }>(`CREATE_REPLICATION_SLOT ${ident(tmp)} TEMPORARY LOGICAL pgoutput EXPORT_SNAPSHOT`).catch((e: unknown) => {
      throw fail('creating temporary replication slot for snapshot: ', e);
    });
    const snapshotName = created.rows[0]!.snapshot_name;
    // The copied slot starts where the temporary one did.
    this.lastAcked = lsnBefore(created.rows[0]!.consistent_point);
    // Connect() returns here; the snapshot and the stream run afterwards (errors are then stream errors).
    this.markActive();

    await this.snapshot(side, schema, tables, snapshotName);
    this.checkInterrupted();
    await repl.query(`SELECT pg_copy_logical_replication_slot(${literal(tmp)}, ${literal(this.cfg.slotName)}, ${this.cfg.temporarySlot})`).catch((e: unknown) => {
      throw new StreamFailure(`creating streaming replication slot: ${pgErrorText(e)}`);
    });
    await repl.query(`DROP_REPLICATION_SLOT ${ident(tmp)}`).catch((e: unknown) => {
      throw new StreamFailure(`creating streaming replication slot: ${pgErrorText(e)}`);
    });
    await this.closeSide();
  }

  private async closeSide(): Promise<void> {
    const side = this.side;
    this.side = undefined;
    await side?.end().catch(() => undefined);
  }

  /** The snapshot as Connect reads it: one REPEATABLE READ transaction on the exported snapshot, rows in key order. */
  private async snapshot(side: pg.Client, schema: string, tables: string[], snapshotName: string): Promise<void> {
    const prefix = 'processing snapshot: ';
    await side.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY').catch((e: unknown) => {
      throw new StreamFailure(`${prefix}unable to prepare snapshot: unable to start reader txn: ${pgErrorText(e)}`);
    });
    await side.query(`SET TRANSACTION SNAPSHOT ${literal(snapshotName)}`).catch((e: unknown) => {
      throw new StreamFailure(`${prefix}unable to prepare snapshot: unable to set txn snapshot to ${snapshotName}: ${pgErrorText(e)}`);
    });
    for (const table of tables) {
      const qualified = `${ident(schema)}.${ident(table)}`;
      const keys = await side
        .query<{ attname: string }>(
          `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
           WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
          [qualified],
        )
        .catch((e: unknown) => {
          throw new StreamFailure(`${prefix}getting primary key column for table ${table}: ${pgErrorText(e)}`);
        });
      if (keys.rows.length === 0) throw new StreamFailure(`${prefix}getting primary key column for table ${table}: no primary key found for table ${table}`);
      const order = keys.rows.map((k) => ident(k.attname)).join(', ');
      const result = await side.query<Record<string, unknown>>(`SELECT * FROM ${qualified} ORDER BY ${order}`).catch((e: unknown) => {
        throw new StreamFailure(`${prefix}${pgErrorText(e)}`);
      });
      for (const row of result.rows) {
        const plain = jsonRow(row);
        // Snapshot rows carry no lsn (docs/reference/redpanda-connect.md §8).
        await this.deliver({ value: JSON.stringify(plain), metadata: { table, operation: 'read' }, row: plain });
      }
    }
    await side.query('COMMIT').catch(() => undefined);
  }

  private async deliver(message: OutgoingMessage): Promise<void> {
    if (!(await this.output.write(message)) || this.interrupted) throw new Interrupted('stopped');
  }

  private checkInterrupted(): void {
    if (this.interrupted) throw new Interrupted('stopped');
  }

  /** One pgoutput message (the service awaits this before the next: flow control). */
  private async onData(lsn: string, message: Pgoutput.Message): Promise<void> {
    if (this.interrupted) return;
    try {
      let out: OutgoingMessage | undefined;
      const meta = (table: string | undefined, operation: string): Record<string, string> => ({
        ...(table !== undefined && { table }),
        operation,
        lsn: connectLsn(lsn),
      });
      const typeOf = (relation: Pgoutput.MessageRelation) => (column: string) => relation.columns.find((c) => c.name === column)?.typeOid;
      switch (message.tag) {
        case 'insert':
        case 'update': {
          const row = jsonRow(message.new, typeOf(message.relation));
          out = { value: JSON.stringify(row), metadata: meta(message.relation.name, message.tag), row };
          break;
        }
        case 'delete': {
          const row = jsonRow(message.old ?? message.key ?? {}, typeOf(message.relation));
          out = { value: JSON.stringify(row), metadata: meta(message.relation.name, 'delete'), row };
          break;
        }
        case 'begin':
        case 'commit':
          if (this.cfg.includeTransactionMarkers) out = { value: '', metadata: meta(undefined, message.tag), row: null };
          break;
        default:
          break;
      }
      if (out !== undefined && !(await this.output.write(out))) return;
      if (this.interrupted) return;
      // Delivered (or nothing to deliver): confirm it so the slot's confirmed_flush_lsn moves on. Never backwards:
      // a transaction's begin can lie before the previous transaction's commit.
      if (this.lastAcked === undefined || compareLsn(lsn, this.lastAcked) > 0) {
        this.lastAcked = lsn;
        await this.service?.acknowledge(lsn);
      }
    } catch (e) {
      this.streamError ??= e;
      void this.service?.stop().catch(() => undefined);
    }
  }

  /** Close every connection of this attempt (idempotent). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const service = this.service;
      await service?.stop().catch(() => undefined);
      service?.removeAllListeners();
      await this.closeSide();
    })();
    return this.closing;
  }
}

/** The postgres_cdc input of one run: connect, stream, reconnect with backoff until the run stops. */
export class PostgresCdcInput {
  private attempt: PgAttempt | undefined;

  constructor(
    private readonly cfg: PostgresCdcConfig,
    private readonly ctx: RunContext,
    private readonly output: RedpandaOutputEmulation,
  ) {}

  async run(): Promise<void> {
    const backoff = newBackoff(this.ctx);
    while (!this.ctx.signal.aborted) {
      const attempt = new PgAttempt(this.cfg, this.ctx, this.output);
      this.attempt = attempt;
      try {
        await attempt.execute();
      } catch (e) {
        if (!attempt.dropped && !this.ctx.signal.aborted) this.report(e, attempt.active);
      } finally {
        await attempt.close();
        this.attempt = undefined;
      }
      if (this.ctx.signal.aborted) break;
      if (attempt.dropped || attempt.active) backoff.reset();
      // A deliberate drop reconnects at once; failures wait (benthos backoff).
      if (!attempt.dropped) await sleep(backoff.next(), this.ctx.signal);
    }
  }

  /** Drop the current connections (a network blip); the loop reconnects and re-runs the whole chain. */
  async drop(): Promise<void> {
    const attempt = this.attempt;
    if (attempt === undefined) return;
    attempt.dropped = true;
    await attempt.close();
  }

  private report(e: unknown, active: boolean): void {
    if (e instanceof StreamFailure || (active && !(e instanceof ConnectFailure))) {
      this.ctx.log('WARN', `logical replication stream error: ${e instanceof Error ? e.message : String(e)}`, 'input');
      return;
    }
    const text = e instanceof ConnectFailure ? e.message : `unable to create replication stream: ${pgErrorText(e)}`;
    this.ctx.log('ERROR', `Failed to connect to ${COMPONENT}: ${text}`, 'input');
  }
}
