// `rpcn-aurora synth`: synthesize the CDK app (bin/app.ts) offline, without AWS credentials, with
// `npx cdk synth --quiet --no-notices`, then report the wall time and the size of each Lambda bundle.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { EXIT, printJson, type Io } from '../cli-support.js';

const DB_STACK = 'RpcnAurora-Db';

export function registerSynth(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('synth')
    .description('Synthesize the CDK app offline, without AWS credentials (cdk synth), and report each Lambda bundle size.')
    .option('--json', 'print {synthesized, exitCode, seconds, bundles} as JSON')
    .option('-c, --config <path>', 'deployment configuration (default config/deployment.json)')
    .action((flags: { json?: boolean; config?: string }) => {
      const root = fileURLToPath(new URL('../../', import.meta.url));
      const started = Date.now();
      const args = ['cdk', 'synth', '--quiet', '--no-notices', ...(flags.config ? ['-c', `config=${flags.config}`] : [])];
      const run = spawnSync('npx', args, {
        cwd: root,
        stdio: flags.json ? 'pipe' : 'inherit',
        env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      });
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      const ok = run.status === 0;
      const bundles = ok ? bundleSizes(join(root, 'cdk.out')) : {};
      if (flags.json) printJson(io, { synthesized: ok, exitCode: run.status, seconds, bundles });
      else if (ok) {
        io.out(`synthesized in ${seconds} s (cdk.out/)`);
        for (const [step, bytes] of Object.entries(bundles)) io.out(`  ${step.padEnd(28)} ${(bytes / 1024 / 1024).toFixed(2)} MB`);
      }
      if (!ok) setExit(EXIT.findings);
    });
}

/** Size of index.mjs of each step's Lambda bundle, by step name, from the synthesized DB stack. */
export function bundleSizes(cdkOut: string): Record<string, number> {
  const templatePath = join(cdkOut, `${DB_STACK}.template.json`);
  const assetsPath = join(cdkOut, `${DB_STACK}.assets.json`);
  if (!existsSync(templatePath) || !existsSync(assetsPath)) return {};
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const assets = JSON.parse(readFileSync(assetsPath, 'utf8')) as { files: Record<string, { source: { path: string } }> };
  const sizes: Record<string, number> = {};
  for (const fn of Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function')) {
    const step = String(fn.Properties['Description'] ?? '').replace(/^rpcn-aurora step /, '');
    const key = (fn.Properties['Code'] as { S3Key?: string } | undefined)?.S3Key?.replace(/\.zip$/, '');
    const dir = key ? assets.files[key]?.source.path : undefined;
    const file = dir ? join(cdkOut, dir, 'index.mjs') : undefined;
    if (file && existsSync(file)) sizes[step] = statSync(file).size;
  }
  return Object.fromEntries(Object.entries(sizes).sort(([a], [b]) => a.localeCompare(b)));
}
