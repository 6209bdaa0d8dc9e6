// `rpcn-aurora lint <pipeline.yaml> [--json]`: check a Redpanda Connect CDC pipeline for the Aurora IAM
// pitfalls (lambdas/core/lint.ts). Exit 1 when any finding is an error, 2 when the file cannot be read.
import type { Command } from 'commander';
import { countFindings, formatFinding, LINT_RULES, lintPipeline } from '../../lambdas/core/lint.js';
import { EXIT, printJson, readTextFile, UsageError, type Io } from '../cli-support.js';

function ruleCatalogue(): string {
  return ['', 'Rules:', ...LINT_RULES.map((r) => `  ${r.id}  ${r.severity.padEnd(7)}  ${r.title}`)].join('\n');
}

export function registerLint(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('lint')
    .description('Check a Redpanda Connect postgres_cdc/mysql_cdc pipeline (generated or hand-written) for the Aurora IAM pitfalls.')
    .argument('<pipeline.yaml>', 'the pipeline configuration file')
    .option('--json', 'print {file, findings, errors, warnings} as JSON')
    .addHelpText('after', ruleCatalogue())
    .action((file: string, opts: { json?: boolean }) => {
      let text: string;
      try {
        text = readTextFile(file, 'pipeline');
      } catch (e) {
        // Handled here rather than in main() so the exit code does not depend on how the command is wired.
        if (!(e instanceof UsageError)) throw e;
        io.err(`error: ${e.message}`);
        setExit(EXIT.usage);
        return;
      }
      const findings = lintPipeline(text);
      const { errors, warnings } = countFindings(findings);
      if (opts.json) {
        printJson(io, { file, findings, errors, warnings });
      } else {
        for (const f of findings) io.out(formatFinding(file, f));
        io.out(
          findings.length === 0
            ? `${file}: no findings`
            : `${file}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
        );
      }
      setExit(errors > 0 ? EXIT.findings : EXIT.ok);
    });
}
