// `rpcn-aurora lint <pipeline.yaml> [--target redpanda-cloud|self-managed] [--pod-identity] [--json]`: check a
// Redpanda Connect CDC pipeline for the Aurora IAM pitfalls (lambdas/core/lint.ts). Exit 1 when any finding is an
// error, 2 when the file cannot be read or an option is invalid.
import type { Command } from 'commander';
import { countFindings, formatFinding, LINT_RULES, LINT_TARGETS, lintPipeline, type LintTarget } from '../../lambdas/core/lint.js';
import { EXIT, printJson, readTextFile, UsageError, type Io } from '../cli-support.js';

function ruleCatalogue(): string {
  return ['', 'Rules:', ...LINT_RULES.map((r) => `  ${r.id}  ${r.severity.padEnd(7)}  ${r.title}`)].join('\n');
}

const isTarget = (value: string): value is LintTarget => (LINT_TARGETS as readonly string[]).includes(value);

export function registerLint(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('lint')
    .description('Check a Redpanda Connect postgres_cdc/mysql_cdc pipeline (generated or hand-written) for the Aurora IAM pitfalls.')
    .argument('<pipeline.yaml>', 'the pipeline configuration file')
    .option(
      '--target <target>',
      `where the pipeline runs: ${LINT_TARGETS.join(' or ')}; a Redpanda Cloud pipeline has no AWS identity of its own and needs aws.id/aws.secret`,
      'redpanda-cloud',
    )
    .option('--pod-identity', 'the Cloud pipeline runs with a pod identity (identity.mode pipeline-role: IRSA as the Redpanda pipeline role)')
    .option('--json', 'print {file, findings, errors, warnings} as JSON')
    .addHelpText('after', ruleCatalogue())
    .action((file: string, opts: { json?: boolean; target: string; podIdentity?: boolean }) => {
      const target = opts.target;
      if (!isTarget(target)) {
        io.err(`error: --target "${target}" is not one of ${LINT_TARGETS.join(', ')}`);
        setExit(EXIT.usage);
        return;
      }
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
      const findings = lintPipeline(text, { target, podIdentity: opts.podIdentity === true });
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
