// `rpcn-aurora diagnose [FILE|-] [--json] [--pipeline ID] [--first-hop ARN]...`: explain Redpanda Connect log lines
// with the diagnosis catalogue (lambdas/core/diagnosis.ts). Exit 0 nothing wrong, 1 a problem or an unrecognized
// error line, 2 unreadable input or a bad option.
import type { Command } from 'commander';
import { EXIT, printJson, readTextFile, type Io } from '../cli-support.js';
import { diagnose, parsePrincipalArn, type DiagnoseOptions, type Diagnosis, type DiagnosedProblem, type Occurrence } from '../../lambdas/core/diagnosis.js';

export function exitCodeFor(d: Diagnosis): number {
  return d.verdict === 'problems' || d.verdict === 'unknown-errors' ? EXIT.findings : EXIT.ok;
}

export function registerDiagnose(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('diagnose')
    .description(
      'Classify Redpanda Connect log lines (__redpanda.connect.logs records, `rpk topic consume` output, logfmt/text log lines or bare AWS/SQL error texts) and explain each distinct problem: cause, how to confirm, fix.',
    )
    .argument('[file]', 'file with one log line or JSON record per line; "-" or nothing reads stdin', '-')
    .option('--json', 'print the structured result')
    .option('--pipeline <id>', 'only lines of this Redpanda Connect pipeline id')
    .option(
      '--first-hop <arn>',
      "ARN of the link's first hop (connector user, pipeline role or self-managed role; repeatable): an AssumeRole denial naming another principal is reported as the pipeline running as another identity",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        "  rpk topic consume __redpanda.connect.logs --offset -500 --format '%v\\n' | rpcn-aurora diagnose -",
        '  rpcn-aurora diagnose logs.jsonl --json',
        '  rpcn-aurora diagnose logs.jsonl --first-hop arn:aws:iam::111111111111:user/rpcn-aurora/rpcn-aurora-orders-connector',
        '',
        'Exit codes: 0 nothing wrong found, 1 a problem or an unrecognized error line, 2 unreadable input.',
      ].join('\n'),
    )
    .action(async (file: string, opts: { json?: boolean; pipeline?: string; firstHop: string[] }) => {
      const badHop = opts.firstHop.find((arn) => parsePrincipalArn(arn) === undefined);
      if (badHop !== undefined) {
        io.err(`error: --first-hop "${badHop}" is not an IAM user or role ARN (arn:aws:iam::<account>:user/<name> or :role/<name>)`);
        setExit(EXIT.usage);
        return;
      }
      let text: string;
      try {
        text = file === '-' ? await io.readStdin() : readTextFile(file, 'log file');
      } catch (e) {
        io.err(`error: ${(e as Error).message}`);
        setExit(EXIT.usage);
        return;
      }
      const options: DiagnoseOptions = {
        ...(opts.pipeline !== undefined && { pipelineId: opts.pipeline }),
        ...(opts.firstHop.length > 0 && { firstHop: opts.firstHop }),
      };
      const result = diagnose(text.split(/\r?\n/), options);
      if (opts.json) printJson(io, result);
      else io.out(formatDiagnosis(result));
      setExit(exitCodeFor(result));
    });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const clip = (s: string, max = 1200) => (s.length > max ? `${s.slice(0, max)}…` : s);

function span(first: Occurrence, last: Occurrence): string {
  const lines = first.line === last.line ? `line ${first.line}` : `lines ${first.line}-${last.line}`;
  if (!first.time) return lines;
  return first.time === last.time || !last.time ? `${first.time} (${lines})` : `${first.time} .. ${last.time} (${lines})`;
}

function formatProblem(p: DiagnosedProblem, n: number): string[] {
  const out = [`${n}. [${p.severity.toUpperCase()}] ${p.title}   (${p.id}${p.family ? `, a cause of ${p.family}` : ''})`];
  const where = [p.pipelineIds.length ? `pipeline ${p.pipelineIds.join(', ')}` : '', p.labels.length ? `label ${p.labels.join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
  out.push(`   seen ${p.count === 1 ? 'once' : `${p.count} times`}, ${span(p.first, p.last)}${where ? `; ${where}` : ''}`);
  if (p.recoveredAt) out.push(`   recovered: the ${p.side} connected afterwards, ${span(p.recoveredAt, p.recoveredAt)}`);
  if (p.provenance === 'approximate') out.push('   (matched on approximate text; check the example)');
  out.push(`   example: ${clip(p.example)}`);
  const ev = Object.entries(p.evidence).filter(([k]) => k !== 'component');
  if (ev.length) out.push(`   evidence: ${ev.map(([k, v]) => `${k}=${v.join(' | ')}`).join(', ')}`);
  out.push(`   cause: ${p.cause}`);
  if (p.candidates?.length) {
    out.push('   the log text is the same for these causes; check each (the Validate workflow does):');
    for (const c of p.candidates) {
      out.push(`     - ${c.title}   (${c.id})`);
      for (const x of c.confirm) out.push(`         confirm: ${x}`);
      for (const f of c.fix) out.push(`         fix: ${f}`);
    }
  }
  out.push('   confirm:');
  for (const c of p.confirm) out.push(`     $ ${c}`);
  out.push('   fix:');
  for (const f of p.fix) out.push(`     - ${f}`);
  return out;
}

export function formatDiagnosis(d: Diagnosis): string {
  const unknownErrors = d.unknown.filter((u) => u.level === 'ERROR').length;
  const out = [
    `Read ${plural(d.linesRead, 'line')}: ${plural(d.problems.length, 'problem')}, ${plural(unknownErrors, 'unrecognized error line')}${
      d.unknown.length > unknownErrors ? ` (+${d.unknown.length - unknownErrors} warnings)` : ''
    }, ${plural(d.healthy.reduce((n, h) => n + h.count, 0), 'healthy signal')}.`,
  ];
  d.problems.forEach((p, i) => out.push('', ...formatProblem(p, i + 1)));
  if (d.unknown.length) {
    out.push('', 'Unrecognized error/warning lines (not in the catalogue; read them yourself):');
    for (const u of d.unknown) out.push(`  [${u.level}] ×${u.count} ${span(u.first, u.last)}: ${clip(u.message, 400)}`);
  }
  if (d.healthy.length) {
    out.push('', 'Healthy signals:');
    for (const h of d.healthy) out.push(`  ${h.title}${h.components.length ? ` (${h.components.join(', ')})` : ''} ×${h.count}, last ${span(h.last, h.last)}`);
  }
  if (d.verdict === 'healthy') out.push('', 'No problem found.');
  if (d.verdict === 'no-signal') out.push('', 'No problem found, and no line shows the pipeline connected either.');
  return out.join('\n');
}
