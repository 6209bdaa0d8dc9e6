// The `mysql_cdc` input, EMULATED up to the snapshot only. The local MariaDB stand-in runs with log_bin OFF and has
// no AWSAuthenticationPlugin, so:
// - the IAM chain and the IAM login are the twin's (the login gives the user a one-time password, as the token
//   would be accepted by Aurora), with the emulated network's dial check between them (network.ts), then a real
//   connection as the CDC user reads the snapshot;
// - binlog streaming is NOT emulated: after the snapshot the input logs one ERROR record that says so, in the
//   emulator's own words, and stays idle (no fake change stream). The binlog-position step of the snapshot
//   (SHOW MASTER STATUS under FLUSH TABLES ... WITH READ LOCK) and the `redpanda` checkpoint cache are not
//   emulated either: the "checkpoint" is kept in memory so a reconnect does not re-read the snapshot.
// Texts: docs/reference/redpanda-connect.md §2b (✅ prefixes; driver errors as go-sql-driver prints them).
import mysql from 'mysql2/promise';
import { ConfigError, parseMysqlDsn, type MysqlCdcConfig, type MysqlDsn } from './config.js';
import { newBackoff, type RunContext } from './context.js';
import { ConnectFailure, signingSession } from './iam-chain.js';
import { dialTimeoutText } from './network.js';
import type { RedpandaOutputEmulation } from './output.js';
import { sleep, Wake } from './timing.js';
import { jsonRow } from './values.js';

const COMPONENT = 'mysql_cdc';

/** The text the emulator logs where binlog streaming would start: its own limit, never dressed up as Connect's. */
export const MYSQL_BINLOG_NOT_EMULATED =
  'rpcn-aurora offline emulator: mysql_cdc binlog streaming is not emulated yet (the snapshot is), ' +
  'so no change events follow the snapshot. This is a limit of the offline twin, not a Redpanda Connect message.';

/** A failure after the input went active: Connect logs ERROR `error during MySQL CDC: <err>` and reconnects. */
class CdcFailure extends Error {}

/** go-sql-driver's rendering of a server error (`Error 1045 (28000): ...`); the twin's refusal is kept as written. */
function driverText(e: unknown): string {
  const err = e as { name?: string; message?: string; errno?: number; sqlState?: string };
  if (err?.name === 'DbLoginRefusedError' || err?.errno === undefined) return err?.message ?? String(e);
  return `Error ${err.errno}${err.sqlState ? ` (${err.sqlState})` : ''}: ${err.message}`;
}

const quote = (name: string) => `\`${name.replace(/`/g, '``')}\``;

export class MysqlCdcInput {
  private readonly dropWake = new Wake();
  private dropped = false;
  private conn: mysql.Connection | undefined;

  constructor(
    private readonly cfg: MysqlCdcConfig,
    private readonly ctx: RunContext,
    private readonly output: RedpandaOutputEmulation,
  ) {}

  private get checkpointKey(): string {
    return `${this.ctx.pipelineId}/${this.cfg.checkpointKey}`;
  }

  async run(): Promise<void> {
    const backoff = newBackoff(this.ctx);
    while (!this.ctx.signal.aborted) {
      this.dropped = false;
      let settled = false;
      let active = false;
      try {
        active = await this.connect();
        await this.snapshotThenStop();
        settled = true;
      } catch (e) {
        if (!this.dropped && !this.ctx.signal.aborted) {
          if (e instanceof CdcFailure) this.ctx.log('ERROR', `error during MySQL CDC: ${e.message}`, 'input');
          else this.ctx.log('ERROR', `Failed to connect to ${COMPONENT}: ${e instanceof Error ? e.message : String(e)}`, 'input');
        }
      } finally {
        await this.close();
      }
      if (this.ctx.signal.aborted) break;
      if (active) backoff.reset();
      if (settled && !this.dropped) {
        // Nothing more to do offline: wait for a reconnect (or the end of the run).
        await this.dropWake.wait(this.ctx.signal);
        continue;
      }
      if (!this.dropped) await sleep(backoff.next(), this.ctx.signal);
    }
  }

  /** A network blip / restart: the next loop re-runs the IAM chain and the login. */
  async drop(): Promise<void> {
    this.dropped = true;
    await this.close();
    this.dropWake.fire();
  }

  /** Token, login, connection as the CDC user. Returns true once the input is active. */
  private async connect(): Promise<boolean> {
    let dsn: MysqlDsn;
    try {
      dsn = parseMysqlDsn(this.cfg.dsn);
    } catch (e) {
      throw new ConnectFailure(e instanceof ConfigError ? e.message : String(e));
    }
    const password = await this.password(dsn, (text) => new ConnectFailure(`unable to prepare snapshot: create lock connection: ${text}`), true);
    try {
      this.conn = await mysql.createConnection({
        host: dsn.host,
        port: dsn.port,
        user: dsn.user,
        password,
        database: dsn.database,
        dateStrings: true,
        supportBigNumbers: true,
        connectTimeout: 5000,
      });
      this.conn.on('error', () => undefined);
    } catch (e) {
      throw new ConnectFailure(`unable to prepare snapshot: create lock connection: ${driverText(e)}`);
    }
    this.ctx.log('INFO', `Input type ${COMPONENT} is now active`, 'input');
    return true;
  }

  /** The IAM token (emulated login) or the DSN password; with `dial`, the connect's dial sits between the two. */
  private async password(dsn: MysqlDsn, wrap: (text: string) => Error, dial = false): Promise<string> {
    if (this.cfg.aws === undefined) {
      if (dial) this.dial(dsn, wrap);
      return dsn.password ?? '';
    }
    const { session, region } = await signingSession(this.ctx, this.cfg.aws);
    if (dial) this.dial(dsn, wrap);
    // ✅ docs/reference/redpanda-connect.md §0.6: the token goes out with mysql_clear_password, which go-sql-driver refuses without the DSN flag.
    const flag = (dsn.params['allowCleartextPasswords'] ?? '').toLowerCase();
    if (flag !== 'true' && flag !== '1') {
      throw wrap("this user requires clear text authentication. If you still want to use it, please add 'allowCleartextPasswords=1' to your DSN");
    }
    try {
      const login = await this.ctx.aws.rdsIamLogin({ sessionArn: session.arn, region, host: dsn.host, port: dsn.port, user: dsn.user, tokenEndpoint: this.cfg.aws.endpoint });
      this.ctx.addSensitive(login.password);
      return login.password;
    } catch (e) {
      throw wrap(driverText(e));
    }
  }

  /** The emulated network's verdict (network.ts); go-sql-driver hands the dialer's error on as it is. */
  private dial(dsn: MysqlDsn, wrap: (text: string) => Error): void {
    const blocked = this.ctx.dial({ host: dsn.host, port: dsn.port, database: dsn.database });
    if (blocked !== undefined) throw wrap(dialTimeoutText(blocked.address, dsn.port));
  }

  private async snapshotThenStop(): Promise<void> {
    const conn = this.conn!;
    const dsn = parseMysqlDsn(this.cfg.dsn);
    if (this.cfg.streamSnapshot && !this.ctx.checkpoints.has(this.checkpointKey)) {
      for (const table of this.cfg.tables) {
        const qualified = `${quote(dsn.database)}.${quote(table)}`;
        let keys: string[];
        try {
          const [rows] = await conn.query<mysql.RowDataPacket[]>(`SHOW KEYS FROM ${qualified} WHERE Key_name = 'PRIMARY'`);
          keys = rows.sort((a, b) => Number(a['Seq_in_index']) - Number(b['Seq_in_index'])).map((r) => String(r['Column_name']));
        } catch {
          keys = [];
        }
        if (keys.length === 0) {
          throw new CdcFailure(`failed reading snapshot: unable to find primary key for table ${table} - does the table exist and does it have a primary key set?`);
        }
        const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT * FROM ${qualified} ORDER BY ${keys.map(quote).join(', ')}`).catch((e: unknown) => {
          throw new CdcFailure(`failed reading snapshot: ${driverText(e)}`);
        });
        for (const row of rows) {
          const plain = jsonRow({ ...row });
          if (!(await this.output.write({ value: JSON.stringify(plain), metadata: { operation: 'read', table }, row: plain }))) return;
          if (this.dropped) return;
        }
      }
      // Emulated checkpoint: there is no binlog position offline, only "the snapshot is done".
      this.ctx.checkpoints.set(this.checkpointKey, 'snapshot-complete');
    }
    // ≥ 4.89.0 refreshes the token before the binlog phase (docs/reference/redpanda-connect.md §0.5): the chain and the login run once more.
    await this.password(dsn, (text) => new CdcFailure(`refreshing IAM auth token before binlog sync: ${text}`)).catch((e: unknown) => {
      throw e instanceof ConnectFailure ? new CdcFailure(`refreshing IAM auth token before binlog sync: ${e.message}`) : e;
    });
    this.ctx.log('ERROR', MYSQL_BINLOG_NOT_EMULATED, 'input');
  }

  private async close(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    await conn?.end().catch(() => undefined);
  }
}
