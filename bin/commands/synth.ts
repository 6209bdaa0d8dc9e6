// `rpcn-aurora synth`: synthesize the CDK app offline. The app (bin/app.ts) arrives with the CDK issue.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { EXIT, printJson, type Io } from '../cli-support.js';

export function registerSynth(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('synth')
    .description('Synthesize the CDK app offline, without AWS credentials (cdk synth).')
    .option('--json', 'print {synthesized, reason} as JSON')
    .action((flags: { json?: boolean }) => {
      const root = fileURLToPath(new URL('../../', import.meta.url));
      if (!existsSync(`${root}bin/app.ts`)) {
        const reason = 'not yet: the CDK app (bin/app.ts) arrives with the CDK issue';
        if (flags.json) printJson(io, { synthesized: false, reason });
        else io.out(reason);
        return;
      }
      const run = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices'], { cwd: root, stdio: flags.json ? 'pipe' : 'inherit' });
      const ok = run.status === 0;
      if (flags.json) printJson(io, { synthesized: ok, exitCode: run.status });
      if (!ok) setExit(EXIT.findings);
    });
}
