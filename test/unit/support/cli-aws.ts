// Shared set-up of the operator-command tests: a deployment config and an AWS config file in a temporary
// directory, the CLI run through its real entry with a fake terminal (recorded sleeps, a Ctrl-C trigger, a
// prompt), the RpcnAurora-Db outputs as CloudFormation returns them, and a Step Functions history that
// grows between polls like a running execution's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { main } from '../../../bin/cli.js';
import type { Io } from '../../../bin/cli-support.js';
import type { LinkRecord } from '../../../lambdas/ports/registry.js';
import { assertRequest } from '../../../lambdas/core/request.js';
import { PRODUCT_VERSION } from '../../../lib/version.js';
import { committedMachine } from '../../../bin/view/definition.js';
import type { LocalEngineEvent } from '../../../bin/view/events.js';
import { toHistory } from '../fixtures/history/convert.js';
import { readFileSync } from 'node:fs';

export const DB = '111111111111';
export const R = '861276079005';
export const REGION = 'us-east-2';
export const CLUSTER_ID = 'curl3eo533cmsnt23dv0';
export const SM = (workflow: string) => `arn:aws:states:${REGION}:${DB}:stateMachine:rpcn-aurora-${workflow}`;
export const TABLE = 'RpcnAurora-Db-Links1A2B3C4D-XYZ';
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${DB}:secret:rpcn-aurora/redpanda-cloud-credentials-AbCdEf`;

export interface Sandbox {
  readonly dir: string;
  readonly configPath: string;
  writeConfig(patch?: Record<string, unknown>): string;
  dispose(): void;
}

/** A temporary directory with config/deployment.json-like config and an AWS config naming profiles db and redpanda. */
export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'rpcn-cli-aws-'));
  const awsConfig = join(dir, 'aws-config');
  writeFileSync(awsConfig, `[default]\nregion = us-east-1\n\n[profile db]\nregion = ${REGION}\n\n[profile redpanda]\nregion = us-east-1\n`);
  const previous = { config: process.env['AWS_CONFIG_FILE'], credentials: process.env['AWS_SHARED_CREDENTIALS_FILE'] };
  process.env['AWS_CONFIG_FILE'] = awsConfig;
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = join(dir, 'no-credentials');
  const configPath = join(dir, 'deployment.json');
  const writeConfig = (patch: Record<string, unknown> = {}) => {
    const { redpanda, ...rest } = patch as { redpanda?: Record<string, unknown> };
    writeFileSync(
      configPath,
      JSON.stringify({ dbAccount: { accountId: DB, region: REGION }, redpanda: { accountId: R, clusterIds: [CLUSTER_ID], ...redpanda }, ...rest }),
    );
    return configPath;
  };
  writeConfig();
  return {
    dir,
    configPath,
    writeConfig,
    dispose: () => {
      rmSync(dir, { recursive: true, force: true });
      for (const [key, value] of [['AWS_CONFIG_FILE', previous.config], ['AWS_SHARED_CREDENTIALS_FILE', previous.credentials]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}

export interface FakeTerminal extends Io {
  readonly stdout: string[];
  readonly stderr: string[];
  readonly sleeps: number[];
  readonly prompts: string[];
  /** Press Ctrl-C (calls the handlers registered right now). */
  interrupt(): void;
  /** Called on every sleep (e.g. to press Ctrl-C after a few polls). */
  onSleep?: (n: number) => void;
}

export function terminal(options: { tty?: boolean; answer?: string; now?: Date } = {}): FakeTerminal {
  const handlers = new Set<() => void>();
  const t: FakeTerminal = {
    stdout: [],
    stderr: [],
    sleeps: [],
    prompts: [],
    out: (s) => t.stdout.push(s),
    err: (s) => t.stderr.push(s),
    readStdin: async () => '',
    stdinIsTTY: options.tty ?? false,
    stdoutIsTTY: options.tty ?? false,
    prompt: async (q) => {
      t.prompts.push(q);
      return options.answer ?? '';
    },
    onInterrupt: (h) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    sleep: async (ms) => {
      t.sleeps.push(ms);
      t.onSleep?.(t.sleeps.length);
    },
    now: () => options.now ?? new Date('2026-01-05T09:30:10Z'),
    interrupt: () => {
      for (const h of [...handlers]) h();
    },
  };
  return t;
}

export async function cli(t: FakeTerminal, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const code = await main(['node', 'rpcn-aurora', ...args], t);
  return { code, out: t.stdout.join('\n'), err: t.stderr.join('\n') };
}

/** DescribeStacks of RpcnAurora-Db as deployed by this version. */
export function dbStack(outputs: Record<string, string | undefined> = {}, status = 'UPDATE_COMPLETE') {
  const all: Record<string, string | undefined> = {
    ProvisionStateMachineArn: SM('provision'),
    ValidateStateMachineArn: SM('validate'),
    TeardownStateMachineArn: SM('teardown'),
    LinksTableName: TABLE,
    RedpandaCredentialsSecretArn: SECRET_ARN,
    EventBusArn: `arn:aws:events:${REGION}:${DB}:event-bus/rpcn-aurora`,
    Version: PRODUCT_VERSION,
    ...outputs,
  };
  return stackDescription('RpcnAurora-Db', all, status);
}

export function stackDescription(name: string, outputs: Record<string, string | undefined>, status = 'CREATE_COMPLETE'): DescribeStacksCommandOutput {
  return {
    $metadata: {},
    Stacks: [
      {
        StackName: name,
        StackId: `arn:aws:cloudformation:${REGION}:${DB}:stack/${name}/0c1d2e3f`,
        CreationTime: new Date('2026-01-02T10:00:00Z'),
        StackStatus: status as NonNullable<DescribeStacksCommandOutput['Stacks']>[number]['StackStatus'],
        Outputs: Object.entries(outputs)
          .filter(([, v]) => v !== undefined)
          .map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue: OutputValue! })),
      },
    ],
  };
}

/** What CloudFormation answers for a stack that is not there (in that account and region). */
export function stackMissing(name: string): Error {
  return Object.assign(new Error(`Stack with id ${name} does not exist`), { name: 'ValidationError', Code: 'ValidationError', $metadata: { httpStatusCode: 400 } });
}

/** An AWS service error as the SDK throws it. */
export function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status, requestId: 'req-1' } });
}

export interface RecordedExecution {
  readonly executionArn: string;
  readonly status: string;
  readonly history: HistoryEvent[];
  readonly input: unknown;
}

/** A recorded Provision (test/unit/fixtures/history), as GetExecutionHistory returns it. */
export function recorded(name: 'provision-succeeded' | 'provision-failed' | 'provision-long-wait'): RecordedExecution {
  const f = JSON.parse(readFileSync(new URL(`../fixtures/history/${name}.json`, import.meta.url), 'utf8')) as { executionArn: string; status: string; local: LocalEngineEvent[] };
  const history = toHistory(f.local, { machine: committedMachine('provision')!, lambdaArnPrefix: `arn:aws:lambda:${REGION}:${DB}:function:rpcn-aurora-`, roleArn: `arn:aws:iam::${DB}:role/x`, realTime: true });
  return { executionArn: f.executionArn, status: f.status, history, input: f.local[0]?.input };
}

/**
 * GetExecutionHistory of an execution that advances `perPoll` events per call (all at once when omitted),
 * answering reverseOrder pages with nextToken like the API.
 */
export function growingHistory(events: readonly HistoryEvent[], perPoll?: number) {
  let visible = 0;
  return async (input: { reverseOrder?: boolean; maxResults?: number; nextToken?: string }) => {
    if (!input.nextToken) visible = Math.min(events.length, perPoll === undefined ? events.length : visible + perPoll);
    const shown = events.slice(0, visible);
    const ordered = input.reverseOrder ? [...shown].reverse() : shown;
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const size = input.maxResults ?? 1000;
    const page = ordered.slice(start, start + size);
    return { events: page, ...(start + size < ordered.length ? { nextToken: String(start + size) } : {}) };
  };
}

/** A registry record of a provisioned link, as RecordLink leaves it. */
export function linkRecord(name = 'orders', patch: Partial<LinkRecord> & Record<string, unknown> = {}): LinkRecord {
  const request = assertRequest({ ...JSON.parse(readFileSync(new URL('../../../examples/postgres.json', import.meta.url), 'utf8')), name, redpanda: { clusterId: CLUSTER_ID, accountId: R, topic: `${name}.cdc` } });
  return {
    name,
    status: 'ready',
    request,
    dbAccountId: DB,
    region: REGION,
    owned: {
      parameterGroup: `rpcn-aurora-${name}-aurorapostgresql17`,
      cluster: `rpcn-aurora-${name}`,
      writerInstance: `rpcn-aurora-${name}-writer`,
      securityGroupId: 'sg-0123456789abcdef0',
      ingressCidrs: ['203.0.113.10/32', '203.0.113.11/32'],
      dbConnectRole: `rpcn-aurora-${name}-db-connect`,
      pipelineRolePolicy: `rpcn-aurora-${DB}-${name}`,
      databaseUser: 'iam_demo_user',
      publication: `pglog_stream_rpcn_${name}`,
      slot: `rpcn_${name}`,
      topic: `${name}.cdc`,
      redpandaUser: `rpcn-aurora-${name}`,
      acls: true,
      redpandaSecrets: [`RPCN_AURORA_${name.toUpperCase()}_SASL_PASSWORD`, `RPCN_AURORA_${name.toUpperCase()}_RDS_CA`],
      pipelineId: 'd5ghjk1lr0pf6mpr1mdg',
      saslPasswordSecret: `rpcn-aurora-${name}/redpanda-sasl-password`,
    },
    outputs: { link: name, pipelineId: 'd5ghjk1lr0pf6mpr1mdg', endpoint: `rpcn-aurora-${name}.cluster-c9akciq32.${REGION}.rds.amazonaws.com`, port: 5432 },
    verdicts: [{ at: '2026-01-05T06:30:00.000Z', trigger: 'schedule', verdict: 'healthy', findings: [], actions: [] }],
    createdAt: '2026-01-02T11:00:00.000Z',
    updatedAt: '2026-01-05T06:30:00.000Z',
    ...patch,
  } as LinkRecord;
}
