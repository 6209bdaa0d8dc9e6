// `rpcn-aurora status [link]`: every link in the registry (or one), read through the registry adapter the
// Lambdas use: engine, identity mode, state, last verdict and when, key age, pipeline, endpoint. A table on a
// terminal, tab-separated lines in a pipe, JSON with --json. `--live` also asks Redpanda Cloud for each
// pipeline's state (one API token: the organization's daily token quota is small).
import type { Command } from 'commander';
import { SecretsManagerAdapter } from '../../lambdas/adapters/aws/secrets.js';
import { createRedpandaCloud } from '../../lambdas/adapters/redpanda/index.js';
import type { LinkRecord } from '../../lambdas/ports/registry.js';
import type { RedpandaCloud, RedpandaCluster, RedpandaLogger } from '../../lambdas/ports/redpanda.js';
import { CliError } from '../aws/errors.js';
import { addAwsOptions, connect, type AwsFlags, type Deployment } from '../aws/session.js';
import { EXIT, nowOf, printJson, type Io } from '../cli-support.js';

export const SILENT_LOGGER: RedpandaLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** What status shows of one link; `null` where the record (or Redpanda) has nothing. */
export interface LinkStatusRow {
  readonly link: string;
  readonly engine: string;
  readonly identityMode: string | null;
  readonly status: string;
  readonly lastVerdict: { readonly verdict: string; readonly at: string; readonly trigger: string } | null;
  readonly keyCreatedAt: string | null;
  /** When the last rotation replaced the key; null before the first. */
  readonly keyRotatedAt: string | null;
  readonly pipeline: { readonly id: string | null; readonly state: string | null };
  readonly endpoint: string | null;
  readonly failure: { readonly step: string; readonly error: string; readonly at: string; readonly diagnosis: string | null } | null;
  readonly updatedAt: string;
}

/** The link's identity mode and its access key's age; records from before identity modes were role chains. */
function identityOf(record: LinkRecord): { mode: string; keyCreatedAt: string | null } {
  const mode = (record.request as Partial<LinkRecord['request']>).identity?.mode ?? 'pipeline-role';
  return { mode, keyCreatedAt: record.accessKey?.current?.createdAt ?? null };
}

export function statusRow(record: LinkRecord, pipelineState: string | null = null): LinkStatusRow {
  const outputs = (record.outputs ?? {}) as { pipelineId?: unknown; endpoint?: unknown; port?: unknown };
  const verdict = record.verdicts.at(-1);
  const { mode, keyCreatedAt } = identityOf(record);
  const pipelineId = typeof outputs.pipelineId === 'string' ? outputs.pipelineId : (record.owned.pipelineId ?? null);
  return {
    link: record.name,
    engine: record.request.engine,
    identityMode: mode,
    status: record.status,
    lastVerdict: verdict ? { verdict: verdict.verdict, at: verdict.at, trigger: verdict.trigger } : null,
    keyCreatedAt,
    keyRotatedAt: record.accessKey?.lastRotatedAt ?? null,
    pipeline: { id: pipelineId, state: pipelineState },
    endpoint: typeof outputs.endpoint === 'string' && outputs.endpoint ? `${outputs.endpoint}${typeof outputs.port === 'number' ? `:${outputs.port}` : ''}` : null,
    failure: record.failure
      ? { step: record.failure.step, error: record.failure.error, at: record.failure.at, diagnosis: record.failure.diagnosis ? `[${record.failure.diagnosis.id}] ${record.failure.diagnosis.title}` : null }
      : null,
    updatedAt: record.updatedAt,
  };
}

export function age(at: string | null, now: Date): string {
  if (!at) return '—';
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 1000));
  if (Number.isNaN(s)) return '—';
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

const COLUMNS = ['LINK', 'ENGINE', 'IDENTITY', 'STATE', 'LAST VERDICT', 'KEY AGE', 'PIPELINE', 'ENDPOINT'] as const;

function cells(row: LinkStatusRow, now: Date): string[] {
  return [
    row.link,
    row.engine.replace(/^aurora-/, ''),
    row.identityMode ?? '—',
    row.status,
    row.lastVerdict ? `${row.lastVerdict.verdict} ${age(row.lastVerdict.at, now)} ago` : '—',
    age(row.keyCreatedAt, now),
    row.pipeline.id ? `${row.pipeline.id}${row.pipeline.state ? ` ${row.pipeline.state.replace(/^STATE_/, '')}` : ''}` : '—',
    row.endpoint ?? '—',
  ];
}

export function formatTable(rows: readonly LinkStatusRow[], now: Date): string[] {
  const table = [[...COLUMNS], ...rows.map((r) => cells(r, now))];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return table.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

export function formatTsv(rows: readonly LinkStatusRow[], now: Date): string[] {
  return [COLUMNS.join('\t'), ...rows.map((r) => cells(r, now).join('\t'))];
}

/** Each pipeline's state from Redpanda Cloud: one token for all; per link, `?` with the reason when unreadable. */
async function pipelineStates(d: Deployment, records: readonly LinkRecord[], io: Io): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  const wanted = records.filter((r) => r.status !== 'deleted' && statusRow(r).pipeline.id);
  if (wanted.length === 0) return states;
  const secretArn = d.output('RedpandaCredentialsSecretArn');
  const secrets = new SecretsManagerAdapter(d.clients.secrets());
  const cloud: RedpandaCloud = createRedpandaCloud({
    credentials: () => d.clients.call('secretsmanager:GetSecretValue', () => secrets.getRedpandaCredentials(secretArn), { resource: secretArn }),
    logger: SILENT_LOGGER,
    ...(d.config.redpanda.controlPlaneUrl ? { controlPlaneUrl: d.config.redpanda.controlPlaneUrl } : {}),
    ...(d.config.redpanda.authUrl ? { authUrl: d.config.redpanda.authUrl } : {}),
    retry: { maxAttempts: 2 },
  });
  const clusters = new Map<string, Promise<RedpandaCluster>>();
  for (const record of wanted) {
    const id = statusRow(record).pipeline.id!;
    try {
      const clusterId = record.request.redpanda.clusterId;
      if (!clusters.has(clusterId)) clusters.set(clusterId, cloud.describeCluster(clusterId));
      const cluster = await clusters.get(clusterId)!;
      states.set(record.name, (await cloud.dataPlane(cluster.dataplaneApiUrl).getPipeline(id)).state);
    } catch (e) {
      const reason = (e as Error).message.replace(/\s+/g, ' ');
      states.set(record.name, '?');
      io.err(`warning: pipeline state of ${record.name} unknown: ${reason}`);
      // The credentials or the token failing fails every link alike: say it once.
      if (e instanceof CliError || /credentials|token/i.test((e as Error).name)) {
        for (const r of wanted) if (!states.has(r.name)) states.set(r.name, '?');
        break;
      }
    }
  }
  return states;
}

export function registerStatus(program: Command, io: Io, setExit: (code: number) => void): void {
  addAwsOptions(
    program
      .command('status')
      .description('Every link in the registry (or one): engine, identity mode, state, last verdict, key age, pipeline, endpoint.')
      .argument('[link]', 'only this link')
      .option('--live', "also read each pipeline's state from Redpanda Cloud (mints one API token)")
      .option('--json', 'print the links as JSON'),
  )
    .addHelpText('after', '\nExamples:\n  rpcn-aurora status --profile db\n  rpcn-aurora status orders --live --json --profile db\n\nExit codes: 0 listed, 1 a link failed or drifted, 2 unknown link or bad input.')
    .action(async (link: string | undefined, flags: AwsFlags & { json?: boolean; live?: boolean }) => {
      const d = await connect(flags);
      const records = link ? [await d.link(link)] : [...(await d.links())].sort((a, b) => a.name.localeCompare(b.name));
      const live = flags.live ? await pipelineStates(d, records, io) : new Map<string, string>();
      const rows = records.map((r) => statusRow(r, live.get(r.name) ?? null));
      const now = nowOf(io)();
      if (flags.json) printJson(io, link ? rows[0] : rows);
      else if (rows.length === 0) io.err(`no links in the registry (table ${d.output('LinksTableName')}): \`rpcn-aurora provision <request.json>\` makes one`);
      else {
        for (const line of io.stdoutIsTTY ? formatTable(rows, now) : formatTsv(rows, now)) io.out(line);
        for (const r of rows.filter((x) => x.failure)) {
          io.err(`${r.link}: last failure at ${r.failure!.step}: ${r.failure!.error} (${age(r.failure!.at, now)} ago)${r.failure!.diagnosis ? `, diagnosis ${r.failure!.diagnosis}` : ''}`);
        }
      }
      const bad = rows.some((r) => r.status === 'failed' || r.lastVerdict?.verdict === 'drifted');
      setExit(bad ? EXIT.findings : EXIT.ok);
    });
}
