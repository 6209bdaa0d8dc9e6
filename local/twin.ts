// The offline twin (docs/architecture.md#the-offline-twin-local) put together: the committed state machines run by aws-local-stepfunctions,
// their Lambda ARNs routed to the real step handlers built over local adapters; the AWS side in memory
// (policy decisions by iam-simulate, real PostgreSQL/MariaDB behind the clusters); the local Redpanda Cloud
// server; and the pipeline emulator. IAM changes are routed to the validation router like the IAM-watch
// rules would route them.
import { PROVISION_STEPS, ROTATE_STEPS, TEARDOWN_STEPS, VALIDATE_STEPS, ROUTER } from '../lambdas/handlers/index.js';
import { createRedpandaCloud } from '../lambdas/adapters/redpanda/index.js';
import { rdsCaBundleFor } from '../lambdas/core/rds-ca.js';
import { WATCHED_POLICY_EVENTS, WATCHED_ROLE_EVENTS, WATCHED_USER_EVENTS } from '../lambdas/core/iam-events.js';
import { DEFAULT_DEADLINES, type Deadlines, type StepDeps } from '../lambdas/handlers/shared/deps.js';
import type { StepHandler } from '../lambdas/handlers/shared/step.js';
import type { MetricsPort, RotationStarter, ValidationStarter, VerdictName } from '../lambdas/ports/validation.js';
import type { RedpandaCloud } from '../lambdas/ports/redpanda.js';
import { AwsTwin, DEFAULT_REDPANDA_NETWORK_CIDR, TWIN_DB_SUBNET_GROUP, TWIN_VPC_ID, type AwsTwinOptions, type TwinNetworkOptions } from './aws/twin.js';
import type { IamCloudTrailEvent } from './aws/events.js';
import { HEALER_ROLE_NAME } from './aws/iam-ports.js';
import { startLocalRedpandaCloud, type LocalRedpandaCloud } from './redpanda-cloud/index.js';
import type { ClusterConfig } from './redpanda-cloud/state.js';
import { PipelineEmulator } from './pipeline-emulator/index.js';
import { LocalExecutions, runWorkflow, type EventLog, type HandlerTable, type WorkflowName, type WorkflowResult } from './workflow/runner.js';

export interface OfflineTwinOptions {
  readonly redpandaClusterId: string;
  /** The Redpanda BYOC account (its pipeline role; the access and watch stacks). @default '861276079005' */
  readonly redpandaAccountId?: string;
  /** @default '111111111111' */
  readonly dbAccountId?: string;
  /** @default 'us-east-2' */
  readonly region?: string;
  /** Whether RpcnAurora-RedpandaAccess (inspector + healer) is deployed in the Redpanda account. @default true */
  readonly redpandaAccessDeployed?: boolean;
  /** Public NAT IPs the local Redpanda cluster reports (documentation range by default). */
  readonly natGateways?: readonly string[];
  /**
   * More of the local Redpanda cluster: its type, Redpanda Connect version, BYOVPC permissions boundary, its egress
   * allowlist, and what its network reports (`network_cidr_block: null`: no CIDR, to exercise
   * `redpanda.networkCidr`; the pods still use `redpandaNetworkCidr`).
   */
  readonly redpandaCluster?: Partial<
    Pick<ClusterConfig, 'type' | 'redpanda_connect_version' | 'permissions_boundary_policy_arn' | 'allowed_destination_cidr_ports' | 'network_id' | 'network_cidr_block'>
  >;
  /**
   * The Redpanda network's CIDR: what GET network reports, where the pipeline pods' private traffic comes from,
   * and where the deployment VPC's seeded route leads. @default '10.100.0.0/16'
   */
  readonly redpandaNetworkCidr?: string;
  /**
   * How the deployment VPC reaches the Redpanda network (AwsTwin `network.privatePath`): an active peering
   * connection, a Transit Gateway attachment, or no route. @default 'peering'
   */
  readonly privateNetworkPath?: TwinNetworkOptions['privatePath'];
  /**
   * The public address the pipelines' traffic leaves from, when it is not the cluster's first NAT gateway
   * (centralized egress through the customer's hub NAT, docs/reference/redpanda-cloud.md §11).
   */
  readonly pipelineEgressAddress?: string;
  /** How long a control-plane operation (the allowlist update) takes in the local server. @default 50 */
  readonly operationMs?: number;
  readonly deadlines?: Partial<Deadlines>;
  readonly rds?: AwsTwinOptions['rds'];
  /** The steps' clock (execution names, deadlines). @default real time */
  readonly clock?: () => Date;
  /** Route IAM change events to Validate automatically, like the IAM-watch rules. @default true */
  readonly routeIamEvents?: boolean;
  /**
   * The AWS identity of the emulated pipeline pods: `'none'` is today's Redpanda Cloud (only a static key from
   * Redpanda secrets works); `'irsa'` gives them the Redpanda-managed pipeline role (docs/reference/redpanda-cloud.md §10).
   * @default 'none'
   */
  readonly pipelinePodIdentity?: 'none' | 'irsa';
}

export interface RunOptions {
  readonly executionName?: string;
  readonly onEvent?: (event: EventLog) => void;
}

/** Executions started by the router or HealLink, like StartExecution: asynchronous, deduplicated by name. */
class LocalExecutionStarter implements ValidationStarter, RotationStarter {
  readonly names = new Set<string>();
  readonly results: { name: string; result: WorkflowResult }[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly run: (name: string, input: unknown) => Promise<WorkflowResult>) {}

  startValidation(executionName: string, input: { readonly link: string; readonly trigger: string }): Promise<'started' | 'duplicate'> {
    return this.start(executionName, input);
  }

  startRotation(executionName: string, input: { readonly link: string; readonly trigger: string }): Promise<'started' | 'duplicate'> {
    return this.start(executionName, input);
  }

  private async start(executionName: string, input: { readonly link: string; readonly trigger: string }): Promise<'started' | 'duplicate'> {
    if (this.names.has(executionName)) return 'duplicate';
    this.names.add(executionName);
    const p = this.run(executionName, input).then((result) => {
      this.results.push({ name: executionName, result });
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return 'started';
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

class LocalMetrics implements MetricsPort {
  readonly points: { link: string; verdict: VerdictName; at: string }[] = [];
  constructor(private readonly clock: () => Date) {}
  async recordVerdict(link: string, verdict: VerdictName): Promise<void> {
    this.points.push({ link, verdict, at: this.clock().toISOString() });
  }
}

let executionCounter = 0;

/** The local Redpanda cluster's public NAT addresses unless `natGateways` says otherwise (documentation range). */
export const DEFAULT_NAT_GATEWAYS: readonly string[] = ['203.0.113.10', '203.0.113.11'];

/** A fault a test injects into one step: the handler throws `error` (an Error with that name) `times` times. */
export interface StepFault {
  readonly error: string;
  readonly message?: string;
  times: number;
}

export class OfflineTwin {
  readonly aws: AwsTwin;
  readonly redpanda: LocalRedpandaCloud;
  readonly emulator: PipelineEmulator;
  readonly deps: StepDeps;
  readonly validations: LocalExecutionStarter;
  /** Rotations started by the schedule or by HealLink. */
  readonly rotations: LocalExecutionStarter;
  readonly metrics: LocalMetrics;
  /** Router outcomes of every IAM event delivered, in order. */
  readonly routed: { event: IamCloudTrailEvent; outcome: unknown }[] = [];
  private readonly routing = new Set<Promise<void>>();
  /** Faults by step name, consumed as the step is invoked (tests of Retry and Catch). */
  readonly stepFaults = new Map<string, StepFault>();
  /** Invocations per step name. */
  readonly stepCalls = new Map<string, number>();
  /** Every execution run here and its status (the lock's DescribeExecution). */
  readonly executions = new LocalExecutions();
  /**
   * Per step, a fresh `getRemainingTimeInMillis` for each invocation (tests of a step that must stop before its
   * Lambda timeout); otherwise the runner's context answers.
   */
  readonly stepRemainingTime = new Map<string, () => () => number>();
  /** Step handlers still running (a failed Parallel does not stop its other branches' Lambdas). */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly handlers: Record<WorkflowName, HandlerTable>;
  private readonly router: StepHandler<Record<string, unknown>, unknown>;
  private stopped = false;

  private constructor(aws: AwsTwin, redpanda: LocalRedpandaCloud, options: OfflineTwinOptions) {
    this.aws = aws;
    this.redpanda = redpanda;
    const clock = options.clock ?? (() => new Date());
    const ports = aws.ports();
    this.metrics = new LocalMetrics(clock);
    this.validations = new LocalExecutionStarter((name, input) => this.run('validate', input, { executionName: name }));
    this.rotations = new LocalExecutionStarter((name, input) => this.run('rotate', input, { executionName: name }));
    const credentialsArn = aws.secrets.create({
      name: 'rpcn-aurora/redpanda-cloud-credentials',
      value: JSON.stringify({ client_id: redpanda.clientId, client_secret: redpanda.clientSecret }),
      description: 'Redpanda Cloud client credentials of the local Redpanda Cloud server (offline twin)',
    }).arn;
    // Created empty, like the stack's: the first step that mints writes it.
    const tokenCacheArn = aws.secrets.create({
      name: 'rpcn-aurora/redpanda-cloud-token',
      value: '',
      description: 'the Redpanda Cloud API token the steps share (offline twin)',
    }).arn;
    // One client per Lambda function, as in AWS: each keeps its own token in memory and shares it only through the
    // token secret. The operator-side deps (tests, CLI) get a client of their own.
    const clients = new Map<string, RedpandaCloud>();
    const redpandaOf = (fn: string): StepDeps['redpanda'] => async () => {
      let cloud = clients.get(fn);
      if (!cloud) {
        cloud = createRedpandaCloud({
          credentials: () => ports.secrets.getRedpandaCredentials(credentialsArn),
          sharedToken: aws.secrets.tokenStore(tokenCacheArn),
          logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
          authUrl: redpanda.authUrl,
          controlPlaneUrl: redpanda.url,
          retry: { baseDelayMs: 5, maxDelayMs: 50 },
          wait: { timeoutMs: 10_000, initialDelayMs: 20, maxDelayMs: 100 },
        });
        clients.set(fn, cloud);
      }
      return cloud;
    };
    this.deps = {
      deployment: {
        dbAccountId: aws.accounts.db,
        region: aws.region,
        redpandaAccountId: aws.accounts.redpanda,
        redpandaCredentialsSecretArn: credentialsArn,
        vpcId: TWIN_VPC_ID,
        dbSubnetGroup: TWIN_DB_SUBNET_GROUP,
      },
      ...ports,
      redpanda: redpandaOf('operator'),
      rdsCaBundle: (region) => rdsCaBundleFor(region, clock()),
      validations: this.validations,
      rotations: this.rotations,
      executions: this.executions,
      metrics: this.metrics,
      loopGuardRoleNames: [HEALER_ROLE_NAME, 'rpcn-aurora-steps'],
      clock,
      deadlines: { ...DEFAULT_DEADLINES, ...options.deadlines },
    };
    const build = (steps: Record<string, (deps: StepDeps) => StepHandler<any, any>>): HandlerTable => // eslint-disable-line @typescript-eslint/no-explicit-any
      Object.fromEntries(Object.entries(steps).map(([name, make]) => [name, this.withFaults(name, make({ ...this.deps, redpanda: redpandaOf(name) }))]));
    this.handlers = { provision: build(PROVISION_STEPS), teardown: build(TEARDOWN_STEPS), validate: build(VALIDATE_STEPS), rotate: build(ROTATE_STEPS) };
    this.router = ROUTER.RouteValidation(this.deps);
    // The pipelines call STS from the cluster's first NAT gateway address, the one `aws:SourceIp` sees.
    // Without a hub NAT address the emulator follows the cluster's nat_gateways as they change.
    const egressAddress = options.pipelineEgressAddress;
    // Each connect meets the emulated network: the data-plane firewall, the VPC's routes and security groups.
    this.emulator = new PipelineEmulator({
      redpanda,
      clusterId: aws.redpandaClusterId,
      twin: aws,
      network: aws,
      networkCidr: aws.redpandaNetworkCidr,
      podIdentity: options.pipelinePodIdentity ?? 'none',
      ...(egressAddress !== undefined && { egressAddress }),
    });
    if (options.routeIamEvents !== false) {
      aws.onIamEvent((event) => {
        // Like the IAM-watch rule: only the watched calls; the router decides which links they concern.
        const names: readonly string[] = [...WATCHED_ROLE_EVENTS, ...WATCHED_USER_EVENTS, ...WATCHED_POLICY_EVENTS];
        if (!names.includes(event.detail.eventName)) return;
        const p = this.route(event as unknown as Record<string, unknown>).then((outcome) => {
          this.routed.push({ event, outcome });
        });
        this.routing.add(p);
        void p.finally(() => this.routing.delete(p));
      });
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private withFaults(step: string, handler: StepHandler<any, any>): StepHandler<any, any> {
    return async (event, context) => {
      this.stepCalls.set(step, (this.stepCalls.get(step) ?? 0) + 1);
      const fault = this.stepFaults.get(step);
      if (fault && fault.times > 0) {
        fault.times--;
        // Same shape as a step's own error: its class name, the step prefix defineStep adds.
        throw Object.assign(new Error(`${step}: ${fault.message ?? `injected ${fault.error}`}`), { name: fault.error });
      }
      const remaining = this.stepRemainingTime.get(step);
      const call = handler(event, remaining === undefined ? context : { ...context, getRemainingTimeInMillis: remaining() });
      this.inFlight.add(call);
      void call.catch(() => undefined).finally(() => this.inFlight.delete(call));
      return call;
    };
  }

  /** Resolves when no step handler is running. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  static async start(options: OfflineTwinOptions): Promise<OfflineTwin> {
    const region = options.region ?? 'us-east-2';
    const natGateways = [...(options.natGateways ?? DEFAULT_NAT_GATEWAYS)];
    const networkCidr = options.redpandaNetworkCidr ?? DEFAULT_REDPANDA_NETWORK_CIDR;
    const redpanda = await startLocalRedpandaCloud({
      clusters: [{ id: options.redpandaClusterId, region, nat_gateways: natGateways, network_cidr_block: networkCidr, ...options.redpandaCluster }],
      pipelineStartMs: 100,
      pipelineStopMs: 50,
      operationMs: options.operationMs ?? 50,
    });
    // Redpanda Cloud clusters come with the Connect logs topic; it is not the link's.
    redpanda.stateOf(options.redpandaClusterId).topics.set('__redpanda.connect.logs', { name: '__redpanda.connect.logs', partitionCount: 1, replicationFactor: 3, configs: {} });
    const aws = new AwsTwin({
      dbAccountId: options.dbAccountId ?? '111111111111',
      redpandaAccountId: options.redpandaAccountId ?? '861276079005',
      region,
      redpandaClusterId: options.redpandaClusterId,
      redpandaAccessDeployed: options.redpandaAccessDeployed ?? true,
      ...(options.rds ? { rds: options.rds } : {}),
      network: { redpandaNetworkCidr: networkCidr, privatePath: options.privateNetworkPath ?? 'peering' },
      // Adopted clusters stand for public databases Redpanda already reaches, unless a test gives their groups.
      redpandaEgressAddresses: options.pipelineEgressAddress === undefined ? natGateways : [...natGateways, options.pipelineEgressAddress],
    });
    const twin = new OfflineTwin(aws, redpanda, options);
    twin.emulator.start();
    return twin;
  }

  /**
   * Run one execution of a committed state machine in the twin. Returns once the execution and every step
   * Lambda it started have finished (a failed Parallel's other branches run on, as in AWS).
   */
  async run(workflow: WorkflowName, input: unknown, options: RunOptions = {}): Promise<WorkflowResult> {
    const result = await runWorkflow({
      workflow,
      input,
      handlers: this.handlers[workflow],
      nested: { teardown: this.handlers.teardown },
      // The rollback's Wait (longer than any Lambda timeout) in real time: let in-flight steps finish.
      beforeNested: () => this.settled(),
      executions: this.executions,
      executionName: options.executionName ?? `${workflow}-${Date.now()}-${++executionCounter}`,
      region: this.aws.region,
      accountId: this.aws.accounts.db,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    await this.settled();
    return result;
  }

  provision(request: unknown, options: RunOptions = {}): Promise<WorkflowResult> {
    return this.run('provision', request, options);
  }

  teardown(input: { link: string; keepTopic?: boolean; skipFinalSnapshot?: boolean }, options: RunOptions = {}): Promise<WorkflowResult> {
    return this.run('teardown', input, options);
  }

  validate(input: { link: string }, options: RunOptions = {}): Promise<WorkflowResult> {
    return this.run('validate', input, options);
  }

  rotate(input: { link: string; trigger?: string }, options: RunOptions = {}): Promise<WorkflowResult> {
    return this.run('rotate', input, options);
  }

  /** What the rules' target does with an event (IAM change, schedule, or `{link}`). */
  async route(event: Record<string, unknown>): Promise<unknown> {
    return this.router(event, {
      functionName: 'rpcn-aurora-RouteValidation',
      awsRequestId: `route-${Date.now()}`,
      getRemainingTimeInMillis: () => 60_000,
    } as never);
  }

  /** Wait until every routed event and every validation it started has finished. */
  async idle(): Promise<void> {
    while (this.routing.size > 0) await Promise.all([...this.routing]);
    await this.validations.idle();
    await this.rotations.idle();
    await this.validations.idle();
    await this.settled();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.idle().catch(() => undefined);
    await this.emulator.stop();
    await this.aws.stop();
    await this.redpanda.stop();
  }
}
