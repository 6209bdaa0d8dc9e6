// The house Lambda construct bundles for real (local esbuild from devDependencies, no Docker): one ESM file
// per step with the AWS SDK inside, the createRequire banner, a source map without sources, error class
// names kept (the state machines retry and catch by them), and it loads on Node 22 and exports `handler`.
// Two steps only, to keep the test quick; `npm run synth` bundles them all.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BUNDLING, StepLambda } from '../../lib/constructs/step-lambda.js';
import { STEP_ACCESS, type AccessContext } from '../../lib/permissions.js';
import { exampleConfig } from './support/synth.js';

const STEPS = ['RecordLink', 'EnsureRedpandaSecrets'] as const;

let outdir: string;
const bundles = new Map<string, string>();

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'rpcn-aurora-bundle-'));
  const config = exampleConfig();
  const app = new App({ outdir });
  const stack = new Stack(app, 'BundleTest', { env: { account: config.dbAccount.accountId, region: config.dbAccount.region } });
  const accessContext: AccessContext = { config, account: config.dbAccount.accountId, region: config.dbAccount.region, tableArn: 'arn:aws:dynamodb:us-east-2:111111111111:table/t', credentialsSecretArn: 'arn:aws:secretsmanager:us-east-2:111111111111:secret:s', tokenCacheSecretArn: 'arn:aws:secretsmanager:us-east-2:111111111111:secret:t' };
  for (const step of STEPS) new StepLambda(stack, step, { step, access: STEP_ACCESS[step], accessContext, environment: {}, logRetention: RetentionDays.ONE_DAY });
  app.synth();
  const manifest = JSON.parse(readFileSync(join(outdir, 'BundleTest.assets.json'), 'utf8')) as { files: Record<string, { source: { path: string } }> };
  const template = JSON.parse(readFileSync(join(outdir, 'BundleTest.template.json'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  for (const fn of Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function')) {
    const hash = (fn.Properties['Code'] as { S3Key: string }).S3Key.replace(/\.zip$/, '');
    bundles.set(String(fn.Properties['Description']).replace('rpcn-aurora step ', ''), join(outdir, manifest.files[hash]!.source.path));
  }
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe.each(STEPS)('the %s bundle', (step) => {
  const dir = () => bundles.get(step)!;
  const code = () => readFileSync(join(dir(), 'index.mjs'), 'utf8');

  it('is one minified ESM file and its source map, nothing else', () => {
    expect(readdirSync(dir()).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    // Minified: the code is a few very long lines (the other lines are PEM text inside the RDS CA bundle string).
    expect(Math.max(...code().split('\n').map((l) => l.length))).toBeGreaterThan(100_000);
    expect(statSync(join(dir(), 'index.mjs')).size).toBeLessThan(3 * 1024 * 1024);
    expect(code().startsWith(BUNDLING.banner)).toBe(true);
  });

  it('carries the AWS SDK inside (no import left for the runtime to resolve)', () => {
    expect(code()).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code()).not.toMatch(/import\(["']@aws-sdk\//);
    expect(code()).toContain('DynamoDBClient');
  });

  it('keeps the error class names the state machines match on', () => {
    for (const name of ['AwsThrottledError', 'IamPropagationError', 'ResourceBusyError']) expect(code()).toMatch(new RegExp(`\\(this,"${name}"\\)`));
  });

  it('has a source map without the sources', () => {
    const map = JSON.parse(readFileSync(join(dir(), 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sourcesContent).toBeUndefined();
    expect(map.sources.some((src) => src.includes('lambdas/handlers/'))).toBe(true);
  });

  it('loads on Node 22 with the stack environment and exports handler', () => {
    const env = {
      PATH: process.env['PATH'] ?? '',
      AWS_REGION: 'us-east-2',
      DB_ACCOUNT_ID: '111111111111',
      REDPANDA_ACCOUNT_ID: '861276079005',
      REDPANDA_CREDENTIALS_SECRET_ARN: 'arn:aws:secretsmanager:us-east-2:111111111111:secret:rpcn-aurora/redpanda-cloud-credentials-AbCdEf',
      LINKS_TABLE_NAME: 'links',
      POWERTOOLS_SERVICE_NAME: 'rpcn-aurora',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    };
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(join(dir(), 'index.mjs'))}); console.log(process.version, typeof m.handler);`], {
      env,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toMatch(/^v22\.\d+\.\d+ function$/);
  });
});
