// The repository stands on its own: no tracked file (code, comments, docs, ASL, config, fixtures) names a
// path outside it, and every citation of a doc resolves to a file, anchor and section that exist here.
// The one exception is the specs check (test/unit/specs.test.ts), which compares specs/ with the team's
// copies beside the repository. specs/ (third-party specs) and package-lock.json are not scanned.
//
// Citation forms (docs/reference/README.md): `docs/<file>.md`, `docs/<file>.md#anchor`, a reference page
// followed by section ids (the section sign and a number, or A4 for the AWS page); in Markdown, relative links.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Files allowed to name the team's directory beside the repository, and why. */
const OUTSIDE_ALLOWED: Readonly<Record<string, string>> = {
  'test/unit/specs.test.ts': 'compares specs/ with the shared specs when they are present',
};
const NOT_SCANNED = [/^specs\//, /^package-lock\.json$/];

export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly problem: string;
  readonly text: string;
}

/** What a Markdown file offers to citations: explicit and heading anchors, and section ids (0.4, 2a, A4). */
interface DocTargets {
  readonly anchors: ReadonlySet<string>;
  readonly sections: ReadonlySet<string>;
}

// Section tokens: the section sign followed by 0.4, 2a, 12 …, and the AWS ids A1 … (the sign is written as an
// escape so this file does not cite anything itself).
const SECTION = String.raw`\u00a7\d+(?:\.\d+)*[a-z]?`;
const TOKEN = new RegExp(String.raw`${SECTION}|\bA\d+\b`, 'g');
const TOKEN_RUN = new RegExp(String.raw`^(?:\s*(?:,|/|-|–|and|or)?\s*(?:${SECTION}|A\d+)(?![\w]))+`);
const BARE_SECTION = new RegExp(SECTION, 'g');
const HEADING = /^#{1,6}\s+(.*)$/;
const HEADING_TOKEN = new RegExp(String.raw`^(${SECTION}|A\d+)(?![\w])`);
const EXPLICIT_ANCHOR = /<a\s+id="([^"]+)"\s*>\s*<\/a>/g;
const MD_LINK = /\[((?:[^\]\\]|\\.)*)\]\(([^)\s]+)\)/g;
const CODE_SPAN = /`[^`]*`/g;
const DOCS_CITATION = /(?<![\w/.-])docs\/[\w./-]*\w\.md(?:#[\w.-]+)?/g;
const OLD_NAMES = /\b(?:aws[-]facts|redpanda[-]connect[-]cdc|redpanda[-]cloud[-]api|redpanda[-]cloud[-]identity[-]network|tooling[-]eval|style[-]anchors)\b/;
const OUTSIDE = /\.\.\/shared\b|(?<![\w.])\/work\//;
const DESIGN_DOC = /\bDESIGN(?:\.md\b|\s*\u00a7)/;
const LOOSE_REFERENCE = /(?<!docs\/)\breference\/[\w-]+\.md/;

/** GitHub's heading slug: lower case, punctuation dropped (but `-` and `_`), spaces to `-`. */
export function slug(heading: string): string {
  return heading
    .replace(EXPLICIT_ANCHOR, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function docTargets(text: string): DocTargets {
  const anchors = new Set<string>();
  const sections = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    for (const m of line.matchAll(EXPLICIT_ANCHOR)) anchors.add(m[1] ?? '');
    const heading = HEADING.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
    const token = HEADING_TOKEN.exec(heading.replace(EXPLICIT_ANCHOR, '').trim())?.[1];
    if (token) sections.add(token);
  }
  return { anchors, sections };
}

/** Reads a repository file; undefined when it is not there. */
export type ReadFile = (path: string) => string | undefined;

/**
 * Scans one file's text. `path` is relative to the repository root (posix); `read` gives other files of the
 * repository (for existence, anchors and sections of what is cited).
 */
export function scanFile(path: string, text: string, read: ReadFile): Violation[] {
  const violations: Violation[] = [];
  const markdown = path.endsWith('.md');
  const targets = new Map<string, DocTargets | undefined>();
  const targetsOf = (file: string): DocTargets | undefined => {
    if (!targets.has(file)) {
      const content = file.endsWith('.md') ? read(file) : undefined;
      targets.set(file, content === undefined ? undefined : docTargets(content));
    }
    return targets.get(file);
  };
  const own = markdown ? docTargets(text) : undefined;
  const lines = text.split('\n');
  let fenced = false;

  lines.forEach((raw, index) => {
    const report = (problem: string) => violations.push({ file: path, line: index + 1, problem, text: raw.trim().slice(0, 160) });
    // ASL and other JSON write the section sign as an escape.
    const line = path.endsWith('.json') ? raw.replace(/\\u00a7/gi, '\u00a7') : raw;

    if (OUTSIDE.test(line) && OUTSIDE_ALLOWED[path] === undefined) report('names a directory outside the repository; cite docs/ instead');
    if (DESIGN_DOC.test(line)) report('cites the design contract outside the repository; cite the docs/architecture.md section that states it');
    if (OLD_NAMES.test(line)) report('names a reference file outside the repository; cite docs/reference/aws.md, redpanda-connect.md or redpanda-cloud.md');

    if (markdown && /^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return;
    }
    if (markdown && fenced) return;

    /** Checks that `file` exists and offers `anchor` and every section token in `after`. */
    const checkCitation = (file: string, anchor: string | undefined, tokenText: string, shown: string) => {
      if (file.startsWith('../') || file === '..') {
        report(`${shown} points outside the repository`);
        return;
      }
      if (read(file) === undefined && !existsSync(`${ROOT}${file}`)) {
        report(`${shown}: ${file} does not exist`);
        return;
      }
      if (!file.endsWith('.md')) return;
      const doc = targetsOf(file);
      if (!doc) return;
      if (anchor !== undefined && !doc.anchors.has(anchor)) report(`${shown}: ${file} has no anchor #${anchor}`);
      for (const token of tokenText.match(TOKEN) ?? []) {
        if (!doc.sections.has(token)) report(`${shown}: ${file} has no section ${token}`);
      }
    };

    let rest = line;
    if (markdown) {
      // Links: relative targets must resolve inside the repository; a file name with sections in the link text
      // (`[aws.md A3, A4](aws.md#a4)`) cites those sections of the target.
      rest = rest.replace(CODE_SPAN, ' ');
      for (const m of rest.matchAll(MD_LINK)) {
        const [, label = '', target = ''] = m;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const [targetPath = '', anchor] = target.split('#', 2);
        const file = targetPath === '' ? path : posix.normalize(posix.join(posix.dirname(path), targetPath)).replace(/\/$/, '');
        const labelTokens = /\.md\b/.test(label) ? (TOKEN_RUN.exec(label.slice(label.search(/\.md\b/) + 3))?.[0] ?? '') : '';
        if (targetPath === '') {
          if (anchor !== undefined && !own?.anchors.has(anchor)) report(`link #${anchor}: no such anchor in this file`);
        } else {
          checkCitation(file, anchor, labelTokens, `link ${target}`);
        }
      }
      rest = rest.replace(MD_LINK, ' ');
    }

    if (LOOSE_REFERENCE.test(rest)) report('cites reference/<file>.md without docs/: write docs/reference/<file>.md');

    // docs/… citations, with their anchor or section tokens.
    const spans: Array<[number, number]> = [];
    for (const m of rest.matchAll(DOCS_CITATION)) {
      const [citation] = m;
      const start = m.index;
      const run = TOKEN_RUN.exec(rest.slice(start + citation.length))?.[0] ?? '';
      spans.push([start, start + citation.length + run.length]);
      const [file = '', anchor] = citation.split('#', 2);
      checkCitation(file, anchor, run, citation);
    }
    const uncited = spans.reduceRight((s, [a, b]) => s.slice(0, a) + ' '.repeat(b - a) + s.slice(b), rest);

    // A section sign must belong to a citation: in code, of a docs file; in Markdown, of the file itself.
    if (markdown) {
      for (const token of uncited.match(BARE_SECTION) ?? []) {
        if (!own?.sections.has(token)) report(`${token} is not a section of this file; name the file it belongs to`);
      }
    } else if (uncited.includes('\u00a7')) {
      report('a section sign without the file it belongs to: write docs/reference/<file>.md \u00a7N');
    }
  });
  return violations;
}

/** The files git tracks (and new ones it does not ignore); without git (a source archive), every file but the ignored folders. */
function repositoryFiles(): string[] {
  let all: string[];
  try {
    all = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  } catch {
    const ignored = new Set(['.git', 'node_modules', 'cdk.out', 'coverage', '.tmp', 'out']);
    all = readdirSync(ROOT, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => posix.join(relative(ROOT, e.parentPath).split(sep).join('/'), e.name))
      .filter((f) => !f.split('/').some((part) => ignored.has(part)) && !f.endsWith('.log'));
  }
  return all.filter((f) => f !== '' && !NOT_SCANNED.some((re) => re.test(f)) && existsSync(`${ROOT}${f}`)).sort();
}

function readRepoFile(path: string): string | undefined {
  const full = `${ROOT}${path}`;
  if (!existsSync(full)) return undefined;
  try {
    return readFileSync(full, 'utf8');
  } catch {
    return undefined; // a directory
  }
}

describe('the repository is self-contained', () => {
  const files = repositoryFiles();

  test('scans the code, docs, ASL and fixtures', () => {
    for (const expected of ['README.md', 'docs/architecture.md', 'docs/reference/aws.md', 'lambdas/core/lint.ts', 'statemachines/provision.asl.json', 'jest.config.js']) {
      expect(files).toContain(expected);
    }
    expect(files.some((f) => f.startsWith('specs/'))).toBe(false);
  });

  test('no file names a path outside the repository, and every citation resolves', () => {
    const violations: Violation[] = [];
    for (const file of files) {
      const text = readRepoFile(file);
      if (text === undefined || text.includes('\0')) continue;
      violations.push(...scanFile(file, text, readRepoFile));
    }
    expect(violations.map((v) => `${v.file}:${v.line}: ${v.problem}\n    ${v.text}`)).toEqual([]);
  });

  test('the reference pages exist and keep the section ids code cites', () => {
    const aws = docTargets(readRepoFile('docs/reference/aws.md') ?? '');
    for (const id of ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7']) expect(aws.sections).toContain(id);
    const connect = docTargets(readRepoFile('docs/reference/redpanda-connect.md') ?? '');
    for (const id of ['\u00a70.1', '\u00a70.11', '\u00a72a', '\u00a72b', '\u00a73', '\u00a78']) expect(connect.sections).toContain(id);
    const cloud = docTargets(readRepoFile('docs/reference/redpanda-cloud.md') ?? '');
    for (const id of ['\u00a70.1', '\u00a70.6', '\u00a73.6', '\u00a77', '\u00a79', '\u00a710', '\u00a711']) expect(cloud.sections).toContain(id);
  });
});

describe('scanFile', () => {
  // Bad citations are assembled at run time, so this file's own text stays clean.
  const shared = ['..', 'shared'].join('/');
  const design = ['DESIGN', 'md'].join('.');
  const rel = 'reference';
  const page = ['docs', 'page.md'].join('/');
  const aws = 'docs/reference/aws.md';
  const S = '\u00a7';
  const docs: Record<string, string> = {
    'docs/reference/aws.md': `# AWS\n\n## <a id="a4"></a>A4. Roles\n`,
    'docs/reference/redpanda-connect.md': `# Connect\n\n### <a id="s0-4"></a>${S}0.4 Heartbeats\n\nSee ${S}0.4.\n`,
    'docs/architecture.md': '# Architecture\n\n## Security and reliability rules\n',
  };
  const read: ReadFile = (p) => docs[p];
  const problems = (path: string, text: string) => scanFile(path, text, read).map((v) => `${v.line}: ${v.problem}`);

  test('accepts citations that resolve', () => {
    expect(problems('lambdas/core/x.ts', `// docs/reference/aws.md A4; docs/reference/redpanda-connect.md ${S}0.4\n// docs/architecture.md#security-and-reliability-rules`)).toEqual([]);
    expect(problems(page, `[aws.md A4](${rel}/aws.md#a4) and [rules](architecture.md#security-and-reliability-rules)`)).toEqual([]);
    expect(problems('docs/reference/redpanda-connect.md', docs['docs/reference/redpanda-connect.md'] ?? '')).toEqual([]);
  });

  test('reports paths outside the repository, with file and line', () => {
    expect(scanFile('lambdas/core/x.ts', `ok\n// see ${shared}/${design} ${S}6`, read)).toEqual([
      expect.objectContaining({ file: 'lambdas/core/x.ts', line: 2, problem: expect.stringMatching(/outside the repository/) }),
      expect.objectContaining({ line: 2, problem: expect.stringMatching(/design contract/) }),
      expect.objectContaining({ line: 2, problem: expect.stringMatching(/section sign/) }),
    ]);
    expect(problems('test/unit/specs.test.ts', `const dir = '${shared}/specs';`)).toEqual([]);
    expect(problems('bin/x.ts', `// ${['', 'work', 'shared'].join('/')}/specs`)).toEqual([expect.stringMatching(/outside the repository/)]);
    expect(problems(page, `[up](../../elsewhere.md)`)).toEqual([expect.stringMatching(/points outside the repository/)]);
  });

  test('reports old reference names, loose reference paths and orphan section signs', () => {
    expect(problems('lib/x.ts', `// (${['aws', 'facts'].join('-')} A4)`)).toEqual([expect.stringMatching(/reference file outside/)]);
    expect(problems('lib/x.ts', `// (${rel}/aws.md A4)`)).toEqual([expect.stringMatching(/without docs\//)]);
    expect(problems('lib/x.ts', `// (reference ${S}0.4)`)).toEqual([expect.stringMatching(/section sign without the file/)]);
    expect(problems('statemachines/x.asl.json', '"Comment": "see DESIGN \\u00a73"')).toEqual([
      expect.stringMatching(/design contract/),
      expect.stringMatching(/section sign/),
    ]);
  });

  test('reports citations of missing files, anchors and sections', () => {
    expect(problems('lib/x.ts', `// ${aws.replace('aws', 'nowhere')}`)).toEqual([expect.stringMatching(/does not exist/)]);
    expect(problems('lib/x.ts', `// ${aws}#a9`)).toEqual([expect.stringMatching(/no anchor #a9/)]);
    expect(problems('lib/x.ts', `// ${aws} A4-A9`)).toEqual([expect.stringMatching(/no section A9/)]);
    expect(problems('lib/x.ts', `// docs/reference/redpanda-connect.md ${S}0.4, ${S}2a`)).toEqual([expect.stringMatching(/no section .2a/)]);
    expect(problems(page, `[c](${rel}/redpanda-connect.md#s9)`)).toEqual([expect.stringMatching(/no anchor #s9/)]);
    expect(problems(page, `see ${S}3 here`)).toEqual([expect.stringMatching(/not a section of this file/)]);
    expect(problems(page, '[here](#nowhere)')).toEqual([expect.stringMatching(/no such anchor/)]);
  });

  test('computes GitHub heading slugs', () => {
    expect(slug('The offline twin (`local/`)')).toBe('the-offline-twin-local');
    expect(slug('Security and reliability rules')).toBe('security-and-reliability-rules');
  });
});
