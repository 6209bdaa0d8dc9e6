// The lint on hand-written pipelines: each bad-*.yaml fixture holds exactly one pitfall and marks the line
// of the expected finding with `# expect: RULE path`; good-*.yaml fixtures hold none. walkthrough-*.yaml and
// self-managed-*.yaml have no AWS key: fine for Redpanda Connect you run (or a pod identity), RPCN031 as a
// Redpanda Cloud pipeline, which is what their markers say.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerLint } from '../../bin/commands/lint.js';
import type { Io } from '../../bin/cli-support.js';
import {
  classifyDataPlaneHints,
  countFindings,
  formatFinding,
  LINT_RULES,
  lintPipeline,
  parseMysqlDsn,
  parsePostgresDsn,
  splitHostPort,
  type LintFinding,
  type LintOptions,
} from '../../lambdas/core/lint.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/pipelines/', import.meta.url));
const fixture = (name: string) => readFileSync(`${FIXTURES}${name}`, 'utf8');
/** The Redpanda Connect field lists (specs/redpanda-connect, v4.106.0). */
const specFields = (name: string) => readFileSync(new URL(`../../specs/redpanda-connect/${name}`, import.meta.url), 'utf8');
const files = readdirSync(FIXTURES).sort();
const badFiles = files.filter((f) => f.startsWith('bad-'));
const goodFiles = files.filter((f) => f.startsWith('good-'));
const noKeyFiles = files.filter((f) => f.startsWith('walkthrough-') || f.startsWith('self-managed-'));

/** What each fixture is about; the markers inside must agree. */
const EXPECTED_RULE: Readonly<Record<string, string>> = {
  'bad-pg-endpoint-no-port.yaml': 'RPCN002',
  'bad-pg-aws-role.yaml': 'RPCN003',
  'bad-pg-aws-role-external-id.yaml': 'RPCN004',
  'bad-pg-heartbeat-zero.yaml': 'RPCN005',
  'bad-pg-heartbeat-30m.yaml': 'RPCN006',
  'bad-pg-heartbeat-default.yaml': 'RPCN006',
  'bad-pg-temporary-slot.yaml': 'RPCN007',
  'bad-pg-skip-cert-verify.yaml': 'RPCN008',
  'bad-mysql-dsn-skip-verify.yaml': 'RPCN008',
  'bad-pg-stream-alias.yaml': 'RPCN009',
  'bad-mysql-redpanda-common.yaml': 'RPCN009',
  'bad-pg-dsn-password.yaml': 'RPCN010',
  'bad-pg-sasl-password.yaml': 'RPCN010',
  'bad-mysql-cache-password.yaml': 'RPCN010',
  'bad-mysql-no-cleartext.yaml': 'RPCN011',
  'bad-mysql-reconnect-zero.yaml': 'RPCN012',
  'bad-mysql-reconnect-default.yaml': 'RPCN013',
  'bad-pg-qualified-table.yaml': 'RPCN014',
  'bad-mysql-qualified-table.yaml': 'RPCN014',
  'bad-pg-slot-uppercase.yaml': 'RPCN015',
  'bad-pg-host-mismatch.yaml': 'RPCN016',
  'bad-pg-tables-empty.yaml': 'RPCN017',
  'bad-pg-root-cas-single-quoted.yaml': 'RPCN018',
  'bad-mysql-no-database.yaml': 'RPCN019',
  'bad-pg-no-region.yaml': 'RPCN020',
  'bad-pg-tls-enabled.yaml': 'RPCN021',
  'bad-mysql-output-unknown-field.yaml': 'RPCN021',
  'bad-pg-no-roles.yaml': 'RPCN022',
  'bad-pg-empty-role.yaml': 'RPCN023',
  'bad-pg-no-tls.yaml': 'RPCN024',
  'bad-pg-no-schema.yaml': 'RPCN025',
  'bad-mysql-unknown-cache.yaml': 'RPCN026',
  'bad-pg-deprecated-field.yaml': 'RPCN027',
  'bad-pg-output-timestamp.yaml': 'RPCN027',
  'bad-no-cdc-input.yaml': 'RPCN028',
  'bad-pg-aws-disabled.yaml': 'RPCN029',
  'bad-pg-placeholder.yaml': 'RPCN030',
  'bad-mysql-aws-literal-key.yaml': 'RPCN010',
  'bad-pg-aws-id-without-secret.yaml': 'RPCN032',
};

interface Marker {
  rule: string;
  path: string;
  line: number;
}
function markers(text: string): Marker[] {
  return text.split('\n').flatMap((l, i) => {
    const m = / # expect: (RPCN\d{3})(?: (\S+))?\s*$/.exec(l);
    return m ? [{ rule: m[1]!, path: m[2] ?? '', line: i + 1 }] : [];
  });
}
const asMarkers = (findings: readonly LintFinding[]): Marker[] => findings.map(({ rule, path, line }) => ({ rule, path, line }));

describe('lint: one-pitfall fixtures', () => {
  it('every bad fixture is listed with the rule it is about, and the other way round', () => {
    expect(badFiles.sort()).toEqual(Object.keys(EXPECTED_RULE).sort());
  });

  it.each(badFiles)('%s: finds exactly the marked rule, at the marked path and line', (file) => {
    const text = fixture(file);
    const expected = markers(text);
    expect(expected.length).toBeGreaterThan(0);
    expect(new Set(expected.map((m) => m.rule))).toEqual(new Set([EXPECTED_RULE[file]]));
    const findings = lintPipeline(text);
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set([EXPECTED_RULE[file]]));
    expect(asMarkers(findings)).toEqual(expected);
    for (const f of findings) {
      expect(f.column).toBeGreaterThan(0);
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.fix.length).toBeGreaterThan(5);
      expect(f.severity).toBe(LINT_RULES.find((r) => r.id === f.rule)!.severity);
    }
  });

  it.each(goodFiles)('%s: no findings, as a Redpanda Cloud pipeline or self-managed', (file) => {
    expect(markers(fixture(file))).toEqual([]);
    expect(lintPipeline(fixture(file))).toEqual([]);
    expect(lintPipeline(fixture(file), { target: 'self-managed' })).toEqual([]);
  });

  it('the walkthrough configs are both there', () => {
    expect(noKeyFiles).toEqual(expect.arrayContaining(['walkthrough-postgres.yaml', 'walkthrough-mysql.yaml']));
  });

  it.each(noKeyFiles)('%s: only RPCN031 as a Redpanda Cloud pipeline; clean self-managed or with a pod identity', (file) => {
    const text = fixture(file);
    const expected = markers(text);
    expect(expected.map((m) => m.rule)).toEqual(['RPCN031']);
    expect(asMarkers(lintPipeline(text))).toEqual(expected);
    expect(asMarkers(lintPipeline(text, { target: 'redpanda-cloud' }))).toEqual(expected);
    expect(lintPipeline(text, { target: 'self-managed' })).toEqual([]);
    expect(lintPipeline(text, { podIdentity: true })).toEqual([]);
  });

  it('the fixtures together exercise every rule of the catalogue', () => {
    const covered = new Set([
      ...Object.values(EXPECTED_RULE),
      ...noKeyFiles.flatMap((f) => markers(fixture(f)).map((m) => m.rule)),
      ...lintPipeline(fixture('invalid-yaml.yaml')).map((f) => f.rule),
    ]);
    expect([...covered].sort()).toEqual(LINT_RULES.map((r) => r.id));
  });
});

describe('lint: invalid YAML', () => {
  it('reports the parse error with its line and column', () => {
    const findings = lintPipeline(fixture('invalid-yaml.yaml'));
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f).toMatchObject({ rule: 'RPCN001', severity: 'error', path: '' });
      expect(f.message).toMatch(/^invalid YAML: /);
    }
    // The unclosed flow sequence opens on line 6; the parser notices it on line 6 or 7.
    expect(findings[0]!.line).toBeGreaterThanOrEqual(6);
    expect(findings[0]!.line).toBeLessThanOrEqual(7);
  });

  it('reports a duplicate key where the duplicate is', () => {
    const findings = lintPipeline('input:\n  postgres_cdc:\n    dsn: a\n    dsn: b\n');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'RPCN001', line: 4, column: 5 });
  });

  it.each([
    ['an empty file', ''],
    ['a scalar', 'just text\n'],
    ['a list', '- input\n- output\n'],
  ])('reports %s as not a pipeline', (_what, text) => {
    expect(lintPipeline(text).map((f) => f.rule)).toEqual(['RPCN001']);
  });

  it('never throws on odd input', () => {
    for (const text of ['input: !!binary x', 'input: *nope', '{', 'input:\n  postgres_cdc: [1, 2]\n', 'input:\n  postgres_cdc: 7\n', '\t\t']) {
      expect(() => lintPipeline(text)).not.toThrow();
    }
  });
});

const SECRET_KEY = '      id: "${secrets.AWS_ACCESS_KEY_ID}"\n      secret: "${secrets.AWS_SECRET_ACCESS_KEY}"\n';

/** A minimal postgres_cdc pipeline with IAM, every rule satisfied, to be varied one field at a time. */
function pgPipeline(extra: { input?: string; aws?: string; key?: string; heartbeat?: string | null; top?: string } = {}): string {
  const heartbeat = extra.heartbeat === null ? '' : `    heartbeat_interval: ${extra.heartbeat ?? '5m'}\n`;
  return (
    'input:\n  postgres_cdc:\n' +
    '    dsn: "postgres://u@db.example.com:5432/app"\n    schema: public\n    tables: [t]\n    slot_name: s\n' +
    heartbeat +
    '    tls:\n      root_cas: "${secrets.CA}"\n' +
    (extra.input ?? '') +
    '    aws:\n      enabled: true\n      region: us-east-2\n      endpoint: "db.example.com:5432"\n      roles: [{role: "arn:aws:iam::222222222222:role/r"}]\n' +
    (extra.key ?? SECRET_KEY) +
    (extra.aws ?? '') +
    (extra.top ?? '')
  );
}
const rules = (text: string, options?: LintOptions) => lintPipeline(text, options).map((f) => f.rule);

describe('lint: rule details', () => {
  it('the minimal pipeline is clean', () => {
    expect(lintPipeline(pgPipeline())).toEqual([]);
  });

  it.each([
    ['14m59s', []],
    ['15m', ['RPCN006']],
    ['1h', ['RPCN006']],
    ['0', ['RPCN005']],
    ['-5m', ['RPCN005']],
    ['soon', ['RPCN005']],
    ['"${HEARTBEAT}"', []],
  ])('heartbeat_interval %s with IAM', (value, expected) => {
    expect(rules(pgPipeline({ heartbeat: value }))).toEqual(expected);
  });

  it('a long or absent heartbeat is fine without IAM, 0s never is', () => {
    const noIam = (hb: string | null) => pgPipeline({ heartbeat: hb }).replace(/    aws:\n(      .*\n)+/, '');
    expect(rules(noIam(null))).toEqual([]);
    expect(rules(noIam('2h'))).toEqual([]);
    expect(rules(noIam('0s'))).toEqual(['RPCN005']);
  });

  it.each([
    ['"${AURORA_ENDPOINT}"', []],
    ['"${AURORA_HOST}:5432"', []],
    ['"db.example.com:0"', ['RPCN002']],
    ['"db.example.com:port"', ['RPCN002']],
    ['"DB.EXAMPLE.COM:5432"', []],
  ])('aws.endpoint %s', (endpoint, expected) => {
    expect(rules(pgPipeline().replace('"db.example.com:5432"', endpoint))).toEqual(expected);
  });

  it.each([
    ['output', 'kafka', []],
    ['output', 'kafka_franz', []],
    ['output', 'redpanda_common', ['RPCN009']],
    ['input', 'kafka', ['RPCN009']],
    ['input', 'kafka_franz', ['RPCN009']],
    ['input', 'redpanda_common', ['RPCN009']],
  ])('RPCN009: the %s %s', (kind, type, expected) => {
    const text =
      kind === 'output'
        ? pgPipeline({ top: `output:\n  ${type}:\n    topic: t\n` })
        : `input:\n  ${type}:\n    topics: [t]\noutput:\n  redpanda:\n    topic: t\n`;
    expect(rules(text).filter((r) => r === 'RPCN009')).toEqual(expected);
  });

  it('the redpanda output\'s timestamp is a deprecation warning, not an unknown field; with timestamp_ms an error', () => {
    const output = (fields: string) => pgPipeline({ top: `output:\n  redpanda:\n    topic: t\n${fields}` });
    const [finding] = lintPipeline(output("    timestamp: '${! timestamp_unix() }'\n"));
    expect(finding).toMatchObject({ rule: 'RPCN027', severity: 'warning', path: 'output.redpanda.timestamp' });
    expect(finding!.message).toMatch(/timestamp is deprecated and is superseded by timestamp_ms/);
    expect(rules(output("    timestamp_ms: '${! timestamp_unix_milli() }'\n"))).toEqual([]);
    expect(lintPipeline(output("    timestamp: '1'\n    timestamp_ms: '1000'\n")).map((f) => [f.rule, f.severity])).toEqual([
      ['RPCN021', 'error'],
      ['RPCN027', 'warning'],
    ]);
  });

  it('suggests the field meant by a misspelling', () => {
    const [f] = lintPipeline(pgPipeline({ input: '    heartbeat_intervall: 5m\n' }));
    expect(f).toMatchObject({ rule: 'RPCN021', path: 'input.postgres_cdc.heartbeat_intervall', line: 10, column: 5 });
    expect(f!.fix).toBe('did you mean heartbeat_interval?');
  });

  it('flags a field of the wrong shape', () => {
    const findings = lintPipeline(pgPipeline().replace('    tls:\n      root_cas: "${secrets.CA}"\n', '    tls: verify\n'));
    // Same line: the missing-CA warning sits on the key, the shape error on the value after it.
    expect(findings.map((f) => [f.rule, f.path, f.column])).toEqual([['RPCN024', 'input.postgres_cdc.tls', 5], ['RPCN021', 'input.postgres_cdc.tls', 10]]);
  });

  it('a literal fallback in a reference is a literal secret; an empty one is not', () => {
    const withPassword = (pw: string) =>
      pgPipeline({ top: `output:\n  redpanda:\n    topic: t\n    sasl: [{mechanism: PLAIN, username: u, password: ${pw}}]\n` });
    expect(rules(withPassword('"${RP_PASSWORD}"'))).toEqual([]);
    expect(rules(withPassword('"${RP_PASSWORD:}"'))).toEqual([]);
    expect(rules(withPassword('"${RP_PASSWORD:hunter2}"'))).toEqual(['RPCN010']);
    expect(rules(withPassword('12345'))).toEqual(['RPCN010']);
  });

  it('static aws credentials are secrets too: id, secret and token', () => {
    const literal = lintPipeline(pgPipeline({ key: '      id: AKIAEXAMPLE\n      secret: wJalrXUtnFEMI\n      token: IQoJb3JpZ2luX2VjEJr\n' }));
    expect(literal.map((f) => [f.rule, f.path])).toEqual([
      ['RPCN010', 'input.postgres_cdc.aws.id'],
      ['RPCN010', 'input.postgres_cdc.aws.secret'],
      ['RPCN010', 'input.postgres_cdc.aws.token'],
    ]);
    expect(rules(pgPipeline({ key: '      id: "${AWS_ID}"\n      secret: "${secrets.AWS_SECRET}"\n' }))).toEqual([]);
    // a literal fallback inside a reference is still a literal
    expect(rules(pgPipeline({ key: '      id: "${AWS_ID:AKIAEXAMPLE}"\n      secret: "${secrets.AWS_SECRET}"\n' }))).toEqual(['RPCN010']);
    // a literal key is a literal wherever the pipeline runs
    expect(rules(pgPipeline({ key: '      id: AKIAEXAMPLE\n      secret: "${secrets.AWS_SECRET}"\n' }), { target: 'self-managed' })).toEqual(['RPCN010']);
  });

  it('RPCN031: a Redpanda Cloud pipeline with IAM auth needs aws.id/aws.secret, unless it has a pod identity', () => {
    const noKey = pgPipeline({ key: '' });
    const [f, ...rest] = lintPipeline(noKey);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ rule: 'RPCN031', severity: 'error', path: 'input.postgres_cdc.aws.id', line: 10, column: 5 });
    expect(f!.message).toBe(
      'a Redpanda Cloud pipeline has no AWS identity to assume roles with: set aws.id and aws.secret from ${secrets.*} (rpcn-aurora identity.mode access-key)',
    );
    expect(rules(noKey, { target: 'redpanda-cloud' })).toEqual(['RPCN031']);
    expect(rules(noKey, { target: 'redpanda-cloud', podIdentity: true })).toEqual([]);
    expect(rules(noKey, { target: 'self-managed' })).toEqual([]);
    // the key is what matters, not roles[]; without IAM auth there is nothing to assume with
    expect(rules(pgPipeline({ key: '' }).replace('      roles: [{role: "arn:aws:iam::222222222222:role/r"}]\n', ''))).toEqual(['RPCN022', 'RPCN031']);
    expect(rules(noKey.replace('enabled: true', 'enabled: false'))).toEqual(['RPCN029']);
  });

  it('RPCN032: aws.id and aws.secret come together, in every target; a token needs them', () => {
    const cases: ReadonlyArray<readonly [LintOptions, readonly string[]]> = [
      // a token alone is no key, so a Cloud pipeline without a pod identity has none either
      [{}, ['RPCN031', 'RPCN032']],
      [{ target: 'self-managed' }, ['RPCN032']],
      [{ podIdentity: true }, ['RPCN032']],
    ];
    for (const [options, tokenOnlyRules] of cases) {
      const idOnly = lintPipeline(pgPipeline({ key: '      id: "${secrets.AWS_ACCESS_KEY_ID}"\n' }), options);
      expect(idOnly.map((f) => [f.rule, f.path])).toEqual([['RPCN032', 'input.postgres_cdc.aws.id']]);
      const secretOnly = lintPipeline(pgPipeline({ key: '      secret: "${secrets.AWS_SECRET_ACCESS_KEY}"\n' }), options);
      expect(secretOnly.map((f) => [f.rule, f.path])).toEqual([['RPCN032', 'input.postgres_cdc.aws.secret']]);
      expect(secretOnly[0]!.message).toContain('ignored');
      const tokenOnly = lintPipeline(pgPipeline({ key: '      token: "${AWS_SESSION_TOKEN}"\n' }), options);
      expect(tokenOnly.map((f) => f.rule)).toEqual(tokenOnlyRules);
    }
    expect(rules(pgPipeline({ key: SECRET_KEY + '      token: "${secrets.AWS_SESSION_TOKEN}"\n' }))).toEqual([]);
    // an empty value is no value
    expect(rules(pgPipeline({ key: '      id: "${secrets.AWS_ACCESS_KEY_ID}"\n      secret: ""\n' }))).toEqual(['RPCN032']);
  });

  it('follows aliases', () => {
    const text = pgPipeline({
      top: 'output:\n  redpanda:\n    topic: t\n    sasl:\n      - &creds {mechanism: PLAIN, username: u, password: hunter2}\n' +
        'cache_resources:\n  - label: c\n    redpanda:\n      seed_brokers: [b]\n      topic: c\n      sasl: [*creds]\n',
    });
    expect(lintPipeline(text).map((f) => [f.rule, f.path])).toEqual([['RPCN010', 'output.redpanda.sasl[0].password']]);
  });

  it('finds CDC inputs and redpanda outputs inside broker, switch and fallback wrappers', () => {
    const text =
      'input:\n  broker:\n    inputs:\n      - postgres_cdc:\n          dsn: "postgres://u@h:5432/d"\n          schema: s\n' +
      '          tables: [t]\n          slot_name: s\n          temporary_slot: true\n          tls: {root_cas_file: /ca.pem}\n' +
      'output:\n  switch:\n    cases:\n      - output:\n          fallback:\n            - redpanda: {topic: t, max_inflight: 1}\n';
    expect(lintPipeline(text).map((f) => [f.rule, f.path])).toEqual([
      ['RPCN007', 'input.broker.inputs[0].postgres_cdc.temporary_slot'],
      ['RPCN021', 'output.switch.cases[0].output.fallback[0].redpanda.max_inflight'],
    ]);
  });

  it('a MySQL DSN without a slash is reported as having no database', () => {
    const text = fixture('good-mysql.yaml').replace(/dsn: ".*"/, 'dsn: "rpcn_cdc@tcp(h:3306)?allowCleartextPasswords=true"');
    expect(lintPipeline(text).map((f) => [f.rule, f.message])).toEqual([['RPCN019', 'the DSN has no "/<database>" (the driver refuses it)']]);
  });

  it('accepts allowCleartextPasswords=1 as Go does', () => {
    expect(rules(fixture('good-mysql.yaml').replace('allowCleartextPasswords=true', 'allowCleartextPasswords=1'))).toEqual([]);
    expect(rules(fixture('good-mysql.yaml').replace('allowCleartextPasswords=true', 'allowCleartextPasswords=false'))).toEqual(['RPCN011']);
  });

  it('a quoted PostgreSQL table name may contain a dot', () => {
    expect(rules(pgPipeline().replace('tables: [t]', `tables: ['"odd.name"']`))).toEqual([]);
  });

  it('sorts findings by position', () => {
    const findings = lintPipeline(fixture('good-postgres.yaml').replace('temporary_slot: false', 'temporary_slot: true').replace('heartbeat_interval: 5m', 'heartbeat_interval: 0s'));
    expect(findings.map((f) => f.rule)).toEqual(['RPCN007', 'RPCN005']);
    expect(findings[0]!.line).toBeLessThan(findings[1]!.line);
  });

  it('the documented field lists raise no unknown-field finding', () => {
    const cdc = ['inputs-postgres_cdc.yaml', 'inputs-mysql_cdc.yaml'];
    for (const file of cdc) expect(rules(specFields(file))).not.toContain('RPCN021');
    const output = specFields('outputs-redpanda.yaml');
    expect(rules(output)).not.toContain('RPCN021');
    const cache = `cache_resources:\n  - ${specFields('caches-redpanda.yaml').split('\n').filter((l) => !l.startsWith('#')).join('\n    ')}`;
    expect(rules(cache)).not.toContain('RPCN021');
  });
});

describe('DSN parsing', () => {
  it.each([
    ['postgres://u:p%40ss@h.example.com:5433/db?sslmode=require', { user: 'u', password: 'p@ss', host: 'h.example.com', port: '5433', database: 'db' }],
    ['postgresql://u@h/db', { user: 'u', host: 'h', database: 'db' }],
    ['postgres://u@[::1]:5432/db', { user: 'u', host: '::1', port: '5432', database: 'db' }],
    ['postgres://u@h1:5432,h2:5432/db', { host: 'h1', port: '5432' }],
    ["host=h.example.com port=5432 user=u password='it''s' dbname=db", { user: 'u', host: 'h.example.com', port: '5432', database: 'db' }],
  ])('postgres %s', (dsn, expected) => {
    expect(parsePostgresDsn(dsn)).toMatchObject(expected);
  });

  it('reads a keyword/value password', () => {
    expect(parsePostgresDsn("host=h password='se cret'").password).toBe('se cret');
    expect(parsePostgresDsn('host=h user=u').password).toBeUndefined();
  });

  it.each([
    ['u:pw@tcp(h.example.com:3306)/db?allowCleartextPasswords=true&tls=custom', { user: 'u', password: 'pw', host: 'h.example.com', port: '3306', database: 'db', hasSlash: true }],
    ['u@tcp(h:3306)/', { user: 'u', host: 'h', hasSlash: true }],
    ['u:p/w@tcp(h:3306)/db', { user: 'u', password: 'p/w', database: 'db' }],
    ['/db', { database: 'db', hasSlash: true }],
    ['u@tcp(h:3306)', { hasSlash: false }],
  ])('mysql %s', (dsn, expected) => {
    expect(parseMysqlDsn(dsn)).toMatchObject(expected);
  });

  it('splits host and port', () => {
    expect(splitHostPort('h:1')).toEqual({ host: 'h', port: '1' });
    expect(splitHostPort('h')).toEqual({ host: 'h' });
    expect(splitHostPort('[::1]:5')).toEqual({ host: '::1', port: '5' });
  });
});

describe('rule catalogue', () => {
  it('has stable, consecutive ids and a rationale citing its source', () => {
    expect(LINT_RULES.map((r) => r.id)).toEqual(LINT_RULES.map((_, i) => `RPCN${String(i + 1).padStart(3, '0')}`));
    for (const rule of LINT_RULES.slice(1).filter((r) => r.id !== 'RPCN028')) {
      expect(rule.rationale).toMatch(/docs\/[\w/.-]+\.md|specs\/redpanda-connect/);
    }
    for (const rule of LINT_RULES) {
      expect(['error', 'warning']).toContain(rule.severity);
      expect(rule.title.length).toBeGreaterThan(5);
    }
  });

  it('formats a finding on one line and counts by severity', () => {
    const findings = lintPipeline(fixture('bad-pg-no-region.yaml') + '\n# trailing\n').concat(lintPipeline(fixture('bad-pg-temporary-slot.yaml')));
    expect(formatFinding('p.yaml', findings[0]!)).toBe(
      "p.yaml:17:5  WARNING  RPCN020  input.postgres_cdc.aws.region  aws.region is not set; the token is signed for whatever region the SDK finds (fix: set aws.region to the database's region)",
    );
    expect(countFindings(findings)).toEqual({ errors: 1, warnings: 1 });
  });
});

describe('rpcn-aurora lint (registerLint)', () => {
  async function run(...args: string[]): Promise<{ code: number | undefined; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (t) => void out.push(t), err: (t) => void err.push(t), readStdin: async () => '' };
    let code: number | undefined;
    const program = new Command('rpcn-aurora').exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
    registerLint(program, io, (c) => {
      code = c;
    });
    try {
      await program.parseAsync(args, { from: 'user' });
    } catch (e) {
      if ((e as { code?: string }).code !== 'commander.helpDisplayed') throw e;
    }
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('exits 0 and says so for a clean pipeline', async () => {
    const file = `${FIXTURES}good-postgres.yaml`;
    const { code, out, err } = await run('lint', file);
    expect(code).toBe(0);
    expect(out).toBe(`${file}: no findings`);
    expect(err).toBe('');
  });

  it('exits 1 with one line per finding and a summary when there is an error', async () => {
    const file = `${FIXTURES}bad-pg-endpoint-no-port.yaml`;
    const { code, out } = await run('lint', file);
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:20:17  ERROR  RPCN002  input\\.postgres_cdc\\.aws\\.endpoint  .+ \\(fix: .+\\)$`));
    expect(lines[1]).toBe(`${file}: 1 error, 0 warnings`);
  });

  it('exits 0 when there are only warnings', async () => {
    const { code, out } = await run('lint', `${FIXTURES}bad-pg-no-region.yaml`);
    expect(code).toBe(0);
    expect(out).toMatch(/  WARNING  RPCN020  /);
    expect(out).toMatch(/: 0 errors, 1 warning$/);
  });

  it('exits 1 for invalid YAML', async () => {
    const { code, out } = await run('lint', `${FIXTURES}invalid-yaml.yaml`);
    expect(code).toBe(1);
    expect(out).toMatch(/invalid-yaml\.yaml:[67]:\d+  ERROR  RPCN001  \(root\)  invalid YAML: /);
  });

  it('exits 2 when the file cannot be read', async () => {
    const { code, out, err } = await run('lint', `${FIXTURES}does-not-exist.yaml`);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^error: cannot read pipeline ".*does-not-exist\.yaml": no such file$/);
  });

  it('--json prints {file, findings, errors, warnings}', async () => {
    const file = `${FIXTURES}bad-pg-heartbeat-default.yaml`;
    const { code, out } = await run('lint', file, '--json');
    expect(code).toBe(1);
    const report = JSON.parse(out) as { file: string; findings: LintFinding[]; errors: number; warnings: number };
    expect(Object.keys(report).sort()).toEqual(['errors', 'file', 'findings', 'warnings']);
    expect(report).toMatchObject({ file, errors: 1, warnings: 0 });
    expect(report.findings).toEqual([
      expect.objectContaining({ rule: 'RPCN006', severity: 'error', path: 'input.postgres_cdc.heartbeat_interval', line: 5, column: 3 }),
    ]);
    expect(Object.keys(report.findings[0]!).sort()).toEqual(['column', 'fix', 'line', 'message', 'path', 'rule', 'severity']);
  });

  it('--json of a clean file has no findings and exits 0', async () => {
    const { code, out } = await run('lint', `${FIXTURES}good-mysql.yaml`, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ findings: [], errors: 0, warnings: 0 });
  });

  it('--help lists the rule catalogue and the targets', async () => {
    const { out } = await run('lint', '--help');
    for (const rule of LINT_RULES) expect(out).toContain(`${rule.id}  ${rule.severity}`);
    expect(out).toContain('--target <target>');
    expect(out).toContain('redpanda-cloud or self-managed');
    expect(out).toContain('--pod-identity');
  });

  it('the walkthrough config: RPCN031 as a Redpanda Cloud pipeline (the default), clean with --target self-managed or --pod-identity', async () => {
    const file = `${FIXTURES}walkthrough-postgres.yaml`;
    const cloud = await run('lint', file);
    expect(cloud.code).toBe(1);
    expect(cloud.out).toMatch(/walkthrough-postgres\.yaml:\d+:5  ERROR  RPCN031  input\.postgres_cdc\.aws\.id  a Redpanda Cloud pipeline has no AWS identity/);
    expect((await run('lint', file, '--target', 'redpanda-cloud')).code).toBe(1);
    for (const flags of [['--target', 'self-managed'], ['--pod-identity']]) {
      const r = await run('lint', file, ...flags);
      expect(r).toEqual({ code: 0, out: `${file}: no findings`, err: '' });
    }
  });

  it('an invalid --target exits 2 with one line, before reading the file', async () => {
    const { code, out, err } = await run('lint', `${FIXTURES}does-not-exist.yaml`, '--target', 'byoc');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe('error: --target "byoc" is not one of redpanda-cloud, self-managed');
  });
});

describe('the data plane lint hints (classifyDataPlaneHints)', () => {
  const hint = (text: string, lintType = 'missing_env_var') => ({ line: 1, column: 1, hint: text, lintType });

  it.each([
    'required environment variables were not set: [REDPANDA_BROKERS]',
    'required environment variables were not set: [secrets.RP_CDC_USER secrets.RP_CDC_PASSWORD REDPANDA_BROKERS secrets.RP_CDC_USER]',
    'required environment variables were not set: [secrets.RPCN_AWS_ACCESS_KEY_ID]',
  ])('only Cloud-resolved variables unset is not fatal: %s', (text) => {
    expect(classifyDataPlaneHints([hint(text)])).toEqual({ fatal: [], cloudResolved: [hint(text)] });
  });

  it.each([
    'required environment variables were not set: [DB_PASSWORD]',
    'required environment variables were not set: [secrets.RP_CDC_USER AURORA_HOST]',
    'required environment variables were not set: [REDPANDA_ID]',
    'required environment variables were not set: [secrets.]',
    'required environment variables were not set: []',
    'field nope not recognised',
    'field input is required',
    'REDPANDA_BROKERS secrets.RP_CDC_USER',
  ])('every other hint stays fatal: %s', (text) => {
    expect(classifyDataPlaneHints([hint(text)])).toEqual({ fatal: [hint(text)], cloudResolved: [] });
  });

  it('splits a mixed list, keeping each hint whole', () => {
    const env = hint('required environment variables were not set: [secrets.RP_CDC_PASSWORD]');
    const unknown = { line: 7, column: 3, hint: 'field nope not recognised', lintType: 'unknown' };
    expect(classifyDataPlaneHints([env, unknown])).toEqual({ fatal: [unknown], cloudResolved: [env] });
  });
});
