// `npm run bench`: speed and memory of the parts a user waits on, measured here rather than asserted in
// tests. Prints one line per benchmark; `--json` prints the numbers. `--quick` skips the offline twin.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { classifyLine } from '../lambdas/core/diagnosis.js';
import { lintPipeline } from '../lambdas/core/lint.js';
import { buildPlan } from '../lambdas/core/plan.js';
import { assertRequest } from '../lambdas/core/request.js';

interface Result {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly detail: string;
}

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const results: Result[] = [];
const report = (r: Result) => {
  results.push(r);
  if (!json) console.log(`${r.name.padEnd(44)} ${r.value.toFixed(r.value < 10 ? 2 : 0).padStart(10)} ${r.unit.padEnd(10)} ${r.detail}`);
};

/** Operations per second of `fn`, over at least `ms` milliseconds after a warm-up. */
function rate(fn: () => unknown, ms = 1000): { perSecond: number; iterations: number } {
  for (let i = 0; i < 50; i++) fn();
  const start = performance.now();
  let iterations = 0;
  while (performance.now() - start < ms) {
    fn();
    iterations++;
  }
  return { perSecond: (iterations * 1000) / (performance.now() - start), iterations };
}

const example = JSON.parse(readFileSync(new URL('../examples/postgres.json', import.meta.url), 'utf8'));
const request = assertRequest(example);

const plan = rate(() => buildPlan(assertRequest(example), { dbAccountId: '111111111111', region: 'us-east-2' }));
report({ name: 'plan: request → every artifact', unit: 'plans/s', value: plan.perSecond, detail: `${plan.iterations} plans` });

const yaml = buildPlan(request, { dbAccountId: '111111111111', region: 'us-east-2', clusterResourceId: 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ', endpoint: 'db.example.com' }).files['pipeline.yaml']!;
const lint = rate(() => lintPipeline(yaml));
report({ name: 'lint: generated pipeline.yaml', unit: 'configs/s', value: lint.perSecond, detail: `${yaml.length} bytes each` });

const lines = readFileSync(new URL('../test/unit/fixtures/logs/mixed-problems.jsonl', import.meta.url), 'utf8').split('\n').filter(Boolean);
let i = 0;
const diagnose = rate(() => classifyLine(lines[i++ % lines.length]!));
report({ name: 'diagnose: classify one log line', unit: 'lines/s', value: diagnose.perSecond, detail: `${lines.length} distinct lines cycled` });

if (!quick) {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const { OfflineTwin } = await import('../local/twin.js');
  const startedTwin = performance.now();
  const twin = await OfflineTwin.start({
    redpandaClusterId: request.redpanda.clusterId,
    ...(request.redpanda.accountId ? { redpandaAccountId: request.redpanda.accountId } : {}),
    rds: {
      onDatabaseCreated: async (cluster, backing) => {
        await backing.execute(cluster.databaseName, backing.master, 'CREATE TABLE public.orders (id serial PRIMARY KEY, item text, qty int)');
      },
    },
  });
  const twinStart = performance.now() - startedTwin;
  try {
    const rssBefore = process.memoryUsage().rss;
    const provision = await twin.provision(example);
    if (provision.status !== 'SUCCEEDED') throw new Error(`provision failed: ${provision.error}: ${provision.cause}`);
    report({ name: 'twin: start (Redpanda server, IAM, STS)', unit: 'ms', value: twinStart, detail: '' });
    report({ name: 'twin: Provision (new cluster) end to end', unit: 'ms', value: provision.durationMs, detail: `${provision.transitions} state transitions` });
    const again = await twin.provision(example);
    report({ name: 'twin: Provision again (converging)', unit: 'ms', value: again.durationMs, detail: `${again.transitions} state transitions` });
    const validate = await twin.validate({ link: request.name });
    report({ name: 'twin: Validate (healthy link)', unit: 'ms', value: validate.durationMs, detail: `${validate.transitions} state transitions` });
    const rotate = await twin.rotate({ link: request.name });
    if (rotate.status !== 'SUCCEEDED') throw new Error(`rotate failed: ${rotate.error}: ${rotate.cause}`);
    const restart = (rotate.output as { restartToStreamingMs?: number }).restartToStreamingMs;
    report({ name: 'twin: Rotate (access key)', unit: 'ms', value: rotate.durationMs, detail: `${rotate.transitions} state transitions; pipeline stop → streaming again ${restart ?? '?'} ms` });
    const teardown = await twin.teardown({ link: request.name, skipFinalSnapshot: true });
    report({ name: 'twin: Teardown', unit: 'ms', value: teardown.durationMs, detail: `${teardown.transitions} state transitions` });
    // database.network private: the allowlist update (a Redpanda operation) and the probe's route checks.
    const { publiclyAccessible: _public, ...database } = example.database;
    const privateLink = { ...example, name: 'orders-private', redpanda: { ...example.redpanda, topic: 'orders-private.cdc' }, database: { ...database, network: 'private' } };
    const privateRun = await twin.provision(privateLink);
    if (privateRun.status !== 'SUCCEEDED') throw new Error(`private provision failed: ${privateRun.error}: ${privateRun.cause}`);
    report({ name: 'twin: Provision (private network, new cluster)', unit: 'ms', value: privateRun.durationMs, detail: `${privateRun.transitions} state transitions` });
    const privateValidate = await twin.validate({ link: 'orders-private' });
    report({ name: 'twin: Validate (private link: allowlist, routes, peering)', unit: 'ms', value: privateValidate.durationMs, detail: `${privateValidate.transitions} state transitions` });
    await twin.teardown({ link: 'orders-private', skipFinalSnapshot: true });
    report({ name: 'twin: resident memory growth over the runs', unit: 'MiB', value: (process.memoryUsage().rss - rssBefore) / 2 ** 20, detail: 'node process only (PostgreSQL runs apart)' });
  } finally {
    await twin.stop();
  }
}

if (json) console.log(JSON.stringify(results, null, 2));
