// The offline twin's Redpanda Connect stand-in (docs/architecture.md#the-offline-twin-local: "emulated, driven by the real artifacts"). It is
// NOT Redpanda Connect: it watches the local Redpanda Cloud data plane and, for every pipeline in STATE_STARTING or
// STATE_RUNNING, runs the generated YAML the way Connect would as far as this project needs: interpolation of
// secrets, the output's broker checks, the input's IAM chain and login, and (PostgreSQL) a real logical
// replication stream into the local topic; with a `network`, each connect first meets the emulated network path
// (network.ts: the data-plane firewall, the VPC's routes and security groups). Everything it would log goes to `__redpanda.connect.logs` in Connect's
// record shape. What it does not emulate is said in the file that would do it (postgres.ts, mysql.ts, output.ts).
// Like Connect, it resolves `${secrets.*}` once, when a run starts: a secret changed later is seen only after the
// pipeline is stopped and started again (docs/reference/redpanda-cloud.md §3.4).
import type { StsSession } from '../aws/sts.js';
import type { LocalRedpandaCloud } from '../redpanda-cloud/server.js';
import type { DataPlaneState, PipelineRecord, TopicMessage } from '../redpanda-cloud/state.js';
import { ConfigError, loadPipelineConfig, type PipelineConfig } from './config.js';
import type { RunContext, Side } from './context.js';
import { type EmulatorAws, unixNanos } from './iam-chain.js';
import { ensureLogsTopic, goRfc3339Nano, instanceId, LOGS_TOPIC, recordJson, type ConnectLogRecord, type LogLevel } from './logs.js';
import { MysqlCdcInput } from './mysql.js';
import { dialProblem, type DialTarget, type EmulatorNetwork, type NetworkDrop } from './network.js';
import { RedpandaOutputEmulation } from './output.js';
import { PostgresCdcInput } from './postgres.js';

export interface PipelineEmulatorOptions {
  readonly redpanda: LocalRedpandaCloud;
  /** Data plane to watch (default: the server's first cluster). */
  readonly clusterId?: string;
  /** The AWS side (AwsTwin, or anything with these methods). */
  readonly twin: EmulatorAws;
  /**
   * The pipeline pod's own AWS identity. `'none'` (default) is today's Redpanda Cloud: no IRSA, no instance
   * role, so only a static `aws.id`/`aws.secret` gets credentials (docs/reference/redpanda-cloud.md §10).
   * `'irsa'` gives the pod an IRSA session of the Redpanda-managed pipeline role, as self-hosted Connect or the
   * superseded walkthrough chain would have it.
   */
  readonly podIdentity?: 'none' | 'irsa';
  /**
   * The public address the pipelines' AWS calls come from, for `aws:SourceIp`. Default: the first
   * `nat_gateways` entry of the watched cluster (docs/reference/redpanda-cloud.md §11); none when it has none.
   */
  readonly egressAddress?: string;
  /**
   * The AWS side of the network path (AwsTwin implements it). With it, every connect is checked the way a Redpanda
   * Cloud pipeline's dial would be (network.ts); without it every dial reaches the database, as before.
   */
  readonly network?: EmulatorNetwork;
  /**
   * The Redpanda network's CIDR, where the pods' private traffic comes from. Default: the watched cluster's
   * `network_cidr_block` in the local server (read on each connect).
   */
  readonly networkCidr?: string;
  /** How often the data plane's pipeline states are read. @default 50 */
  readonly pollMs?: number;
  /** Longest wait between reconnects (benthos: 100 ms doubling up to 1 s, here scaled to this maximum). @default 200 */
  readonly reconnectMs?: number;
  readonly clock?: () => Date;
  /** Called with every log record as it is written (the demo's live view). */
  readonly onLog?: (record: ConnectLogRecord) => void;
}

const ACTIVE_STATES: readonly PipelineRecord['state'][] = ['STATE_STARTING', 'STATE_RUNNING'];

/** Dropped dials kept for networkDrops(). */
const MAX_DROPS = 1000;

/** Shorter values are not redacted: they would blank out ordinary words. */
const MIN_SENSITIVE_LENGTH = 8;

function redact(text: string, value: string): string {
  return value.length >= MIN_SENSITIVE_LENGTH ? text.split(value).join('[REDACTED]') : text;
}

/** One running pipeline: a Connect process, as far as it is emulated. */
class PipelineRun {
  readonly instanceId = instanceId();
  private readonly abort = new AbortController();
  private input: PostgresCdcInput | MysqlCdcInput | undefined;
  private output: RedpandaOutputEmulation | undefined;
  private main: Promise<void> = Promise.resolve();
  private session: StsSession | undefined;

  constructor(
    readonly pipeline: { readonly id: string; readonly displayName: string; readonly configYaml: string },
    private readonly emulator: {
      readonly state: DataPlaneState;
      readonly aws: EmulatorAws;
      readonly podIdentity: 'none' | 'irsa';
      readonly egressAddress: string | undefined;
      readonly clusterId: string;
      readonly region: string;
      readonly brokers: string;
      readonly pollMs: number;
      readonly reconnectMs: number;
      readonly checkpoints: Map<string, string>;
      now(): Date;
      write(run: PipelineRun, level: LogLevel, message: string, label: string, path: string): void;
      fail(pipelineId: string, error: string): void;
      dial(pipelineId: string, target: DialTarget): { readonly address: string } | undefined;
    },
  ) {}

  start(): void {
    this.main = this.execute().catch((e: unknown) => {
      // A bug of the emulator, not a pipeline problem: say so in the logs rather than crash the twin.
      this.emulator.write(this, 'ERROR', `rpcn-aurora pipeline emulator failed: ${e instanceof Error ? e.message : String(e)}`, '', 'root');
    });
  }

  private async execute(): Promise<void> {
    const e = this.emulator;
    let config: PipelineConfig;
    try {
      config = loadPipelineConfig(this.pipeline.configYaml, (name) => this.lookup(name));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // Build-time failures stop the pipeline: Connect exits and the pipeline goes to STATE_ERROR. A check may
      // echo a value that came from a secret: redact it here too.
      const message = this.withoutSecrets(err.message);
      e.write(this, 'ERROR', message, '', 'root');
      e.fail(this.pipeline.id, message);
      return;
    }
    const labels = { input: config.input.label, output: config.output.label };
    const sensitive = new Set<string>();
    const ctx: RunContext = {
      pipelineId: this.pipeline.id,
      state: e.state,
      aws: e.aws,
      defaultRegion: e.region,
      egressAddress: e.egressAddress,
      pollMs: e.pollMs,
      reconnectMs: e.reconnectMs,
      signal: this.abort.signal,
      checkpoints: e.checkpoints,
      now: () => e.now(),
      log: (level, message, side: Side) => {
        let text = message;
        for (const s of sensitive) text = redact(text, s);
        text = this.withoutSecrets(text);
        e.write(this, level, text, side === 'root' ? '' : labels[side], side === 'root' ? 'root' : `root.${side}`);
      },
      podSession: () => {
        if (e.podIdentity === 'none') return undefined;
        // The SDK's web identity provider refreshes an expired IRSA session; its session name is UnixNano.
        if (this.session === undefined || this.session.expiresAt.getTime() - e.now().getTime() < 60_000) {
          this.session = e.aws.pipelineSession(unixNanos(e.now()));
        }
        return this.session;
      },
      addSensitive: (value) => {
        if (value.length >= MIN_SENSITIVE_LENGTH) sensitive.add(value);
      },
      dial: (target) => e.dial(this.pipeline.id, target),
    };
    for (const secret of e.state.secrets.values()) ctx.addSensitive(secret.value);
    for (const sasl of config.output.kind === 'redpanda' ? config.output.sasl : []) ctx.addSensitive(sasl.password);
    const aws = config.input.kind === 'unsupported' ? undefined : config.input.aws;
    // Static credentials may also be written into the YAML itself rather than read from secrets.
    for (const value of [aws?.id, aws?.secret, aws?.token]) if (value !== undefined) ctx.addSensitive(value);
    if (aws?.token !== undefined) {
      ctx.log('WARN', "rpcn-aurora pipeline emulator: aws.token is ignored (the twin issues long-term IAM user keys only, so aws.id/aws.secret are used without a session token); this is the emulator's limit, not a Redpanda Connect message", 'input');
    }

    if (config.input.kind === 'unsupported' || config.output.kind === 'unsupported') {
      const what = config.input.kind === 'unsupported' ? `input type ${config.input.type}` : `output type ${(config.output as { type: string }).type}`;
      ctx.log('ERROR', `rpcn-aurora pipeline emulator: ${what} is not emulated offline (only postgres_cdc, mysql_cdc and the redpanda output are); this is the emulator's limit, not a Redpanda Connect message`, 'root');
      return;
    }
    const output = new RedpandaOutputEmulation(config.output, ctx, e.brokers);
    this.output = output;
    this.input = config.input.kind === 'postgres_cdc' ? new PostgresCdcInput(config.input, ctx, output) : new MysqlCdcInput(config.input, ctx, output);
    await Promise.all([output.run(), this.input.run()]);
  }

  /** Every data-plane secret value redacted, those written since this run started too (a rotation's new key). */
  private withoutSecrets(text: string): string {
    let out = text;
    for (const secret of this.emulator.state.secrets.values()) out = redact(out, secret.value);
    return out;
  }

  /** `${secrets.X}` from the data plane's secrets, and the Redpanda Cloud contextual variables. */
  private lookup(name: string): string | undefined {
    if (name.startsWith('secrets.')) return this.emulator.state.secrets.get(name.slice('secrets.'.length))?.value;
    const context: Record<string, string> = {
      REDPANDA_BROKERS: this.emulator.brokers,
      REDPANDA_ID: this.emulator.clusterId,
      REDPANDA_REGION: this.emulator.region,
      REDPANDA_PIPELINE_ID: this.pipeline.id,
      REDPANDA_PIPELINE_NAME: this.pipeline.displayName,
    };
    return context[name];
  }

  /** Drop every connection; the loops reconnect (re-running the IAM chain and the SASL login). */
  async reconnect(): Promise<void> {
    this.output?.drop();
    await this.input?.drop();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.input?.drop();
    await this.main;
  }
}

export class PipelineEmulator {
  private readonly redpanda: LocalRedpandaCloud;
  private readonly clusterId: string;
  private readonly twin: EmulatorAws;
  private readonly podIdentity: 'none' | 'irsa';
  private readonly fixedEgressAddress: string | undefined;
  private readonly network: EmulatorNetwork | undefined;
  private readonly networkCidr: string | undefined;
  private readonly drops: NetworkDrop[] = [];
  private readonly pollMs: number;
  private readonly reconnectMs: number;
  private readonly clock: () => Date;
  private readonly onLog: ((record: ConnectLogRecord) => void) | undefined;
  private readonly runs = new Map<string, PipelineRun>();
  private readonly stopping = new Set<Promise<void>>();
  private readonly records: ConnectLogRecord[] = [];
  private readonly checkpoints = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private started = false;

  /**
   * Where the pipelines' traffic to the internet leaves from: the given address (a hub NAT), else the cluster's
   * first NAT gateway as the cluster reports it now (Redpanda may replace it; the next connect uses the new one).
   */
  private get egressAddress(): string | undefined {
    return this.fixedEgressAddress ?? this.redpanda.clusters.get(this.clusterId)?.nat_gateways[0];
  }

  constructor(options: PipelineEmulatorOptions) {
    this.redpanda = options.redpanda;
    this.clusterId = options.clusterId ?? options.redpanda.clusters.keys().next().value!;
    this.twin = options.twin;
    this.podIdentity = options.podIdentity ?? 'none';
    this.fixedEgressAddress = options.egressAddress;
    this.network = options.network;
    this.networkCidr = options.networkCidr;
    this.pollMs = options.pollMs ?? 50;
    this.reconnectMs = options.reconnectMs ?? 200;
    this.clock = options.clock ?? (() => new Date());
    this.onLog = options.onLog;
  }

  private get state(): DataPlaneState {
    return this.redpanda.stateOf(this.clusterId);
  }

  /** What `${REDPANDA_BROKERS}` resolves to: the seed broker GET cluster reports for this cluster. */
  get brokers(): string {
    return `seed-local.${this.clusterId}.byoc.local:9092`;
  }

  /** Start watching the data plane (idempotent). */
  start(): void {
    if (this.started) return;
    this.started = true;
    const tick = () => {
      this.reconcile();
      if (this.started) this.timer = setTimeout(tick, this.pollMs);
    };
    tick();
  }

  /** Stop watching, stop every run and close every connection. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const [id, run] of this.runs) this.retire(id, run);
    await Promise.all([...this.stopping]);
  }

  /** Log records written so far (all pipelines, or one), oldest first. */
  logs(pipelineId?: string): ConnectLogRecord[] {
    return this.records.filter((r) => pipelineId === undefined || r.pipeline_id === pipelineId);
  }

  /** Records of a topic in the watched data plane. */
  messages(topic: string): readonly TopicMessage[] {
    return this.state.messages.get(topic) ?? [];
  }

  /** Dials the emulated network dropped (all pipelines, or one), oldest first, with the reason. */
  networkDrops(pipelineId?: string): NetworkDrop[] {
    return this.drops.filter((d) => pipelineId === undefined || d.pipelineId === pipelineId);
  }

  /** Ids of the pipelines that have a run now. */
  running(): string[] {
    return [...this.runs.keys()];
  }

  /** Drop a run's connections and let it reconnect (a network blip): the next connect re-runs the whole chain. */
  async reconnect(pipelineId: string): Promise<void> {
    const run = this.runs.get(pipelineId);
    if (run === undefined) throw new Error(`pipeline ${pipelineId} has no run in the emulator (is it STATE_RUNNING?)`);
    await run.reconnect();
  }

  /** One pass over the pipelines: start runs for active ones, stop runs whose pipeline is gone, stopped or failed. */
  private reconcile(): void {
    const state = this.state;
    for (const [id, run] of this.runs) {
      const p = state.pipelines.get(id);
      if (p === undefined || !ACTIVE_STATES.includes(p.state) || p.config_yaml !== run.pipeline.configYaml) this.retire(id, run);
    }
    for (const p of state.pipelines.values()) {
      if (!ACTIVE_STATES.includes(p.state) || this.runs.has(p.id)) continue;
      const run = new PipelineRun({ id: p.id, displayName: p.display_name, configYaml: p.config_yaml }, this.runEnvironment());
      this.runs.set(p.id, run);
      run.start();
    }
  }

  private retire(id: string, run: PipelineRun): void {
    this.runs.delete(id);
    const done = run.stop().finally(() => this.stopping.delete(done));
    this.stopping.add(done);
  }

  private runEnvironment(): ConstructorParameters<typeof PipelineRun>[1] {
    return {
      state: this.state,
      aws: this.twin,
      podIdentity: this.podIdentity,
      egressAddress: this.egressAddress,
      clusterId: this.clusterId,
      region: this.redpanda.clusters.get(this.clusterId)?.region ?? 'us-east-1',
      brokers: this.brokers,
      pollMs: this.pollMs,
      reconnectMs: this.reconnectMs,
      checkpoints: this.checkpoints,
      now: () => this.clock(),
      write: (run, level, message, label, path) => this.write(run, level, message, label, path),
      fail: (pipelineId, error) => {
        const p = this.state.pipelines.get(pipelineId);
        if (p !== undefined && ACTIVE_STATES.includes(p.state)) this.redpanda.failPipeline(pipelineId, error, this.clusterId);
      },
      dial: (pipelineId, target) => this.dial(pipelineId, target),
    };
  }

  /** The emulated network's verdict on one dial; a drop is recorded with its reason. */
  private dial(pipelineId: string, target: DialTarget): { readonly address: string } | undefined {
    if (this.network === undefined) return undefined;
    // Read live: an allowlist update applies to the next connect, as the firewall's would.
    const cluster = this.redpanda.clusters.get(this.clusterId);
    const problem = dialProblem({
      network: this.network,
      target,
      allowlist: cluster?.allowed_destination_cidr_ports ?? [],
      podCidr: this.networkCidr ?? cluster?.network_cidr_block ?? undefined,
      egressAddress: this.egressAddress,
    });
    if (problem === undefined) return undefined;
    this.drops.push({ pipelineId, ...problem, at: this.clock().toISOString() });
    // A pipeline retrying for long keeps only its recent drops.
    if (this.drops.length > MAX_DROPS) this.drops.splice(0, this.drops.length - MAX_DROPS);
    return { address: problem.address };
  }

  private write(run: PipelineRun, level: LogLevel, message: string, label: string, path: string): void {
    const now = this.clock();
    const record: ConnectLogRecord = {
      instance_id: run.instanceId,
      label,
      level,
      message,
      path,
      pipeline_id: run.pipeline.id,
      time: goRfc3339Nano(now),
    };
    this.records.push(record);
    const state = this.state;
    ensureLogsTopic(state);
    state.appendMessage(LOGS_TOPIC, { key: record.pipeline_id, value: recordJson(record), headers: {}, timestamp: now.getTime() });
    this.onLog?.(record);
  }
}
