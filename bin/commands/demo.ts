// `rpcn-aurora demo`: the offline demo. Until the offline twin of the Provision workflow lands (issue 4) it
// plans the example link and says plainly that nothing was provisioned.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildPlan } from '../../lambdas/core/plan.js';
import { assertRequest } from '../../lambdas/core/request.js';
import { printJson, readJsonFile, type Io } from '../cli-support.js';

const EXAMPLE = { 'aurora-postgresql': 'examples/postgres.json', 'aurora-mysql': 'examples/mysql.json' } as const;

export function registerDemo(program: Command, io: Io, _setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('Offline demo: plan the example link (the full offline twin arrives with the Provision workflow).')
    .option('--engine <engine>', 'aurora-postgresql or aurora-mysql', 'aurora-postgresql')
    .option('--json', 'print the plan as JSON')
    .action((flags: { engine: keyof typeof EXAMPLE; json?: boolean }) => {
      const file = EXAMPLE[flags.engine] ?? EXAMPLE['aurora-postgresql'];
      const request = assertRequest(readJsonFile(new URL(`../../${file}`, import.meta.url).pathname, 'example request'));
      const plan = buildPlan(request, { dbAccountId: '111111111111', region: 'us-east-2' });
      const dir = mkdtempSync(join(tmpdir(), 'rpcn-aurora-demo-'));
      try {
        for (const [name, content] of Object.entries(plan.files)) writeFileSync(join(dir, name), content);
        if (flags.json) {
          printJson(io, { example: file, mode: 'plan-only', files: Object.keys(plan.files), placeholders: plan.placeholders });
          return;
        }
        io.out(`rpcn-aurora demo: planning ${file} offline (DB account 111111111111, us-east-2)\n`);
        io.out(plan.summary);
        io.out('--- pipeline.yaml ---');
        io.out(plan.files['pipeline.yaml'] ?? '');
        io.out(
          'Nothing was provisioned: this demo only plans. The offline twin that runs the Provision state machine\n' +
            'against local stand-ins arrives with the Provision workflow. Write the artifacts with:\n' +
            `  npx rpcn-aurora plan ${file} --out ./out`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
}
