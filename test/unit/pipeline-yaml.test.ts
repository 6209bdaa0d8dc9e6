// The generated pipeline, parsed back and checked rule by rule against docs/architecture.md#generated-artifacts
// and docs/reference/redpanda-connect.md §0; the lint must find nothing in it.
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, parse, parseDocument, type Scalar } from 'yaml';
import { placeholder, type ArtifactContext } from '../../lambdas/core/context.js';
import { lintPipeline, parseMysqlDsn, parsePostgresDsn } from '../../lambdas/core/lint.js';
import { linkNames } from '../../lambdas/core/naming.js';
import {
  buildPipelineCreateBody,
  buildPipelineYaml,
  CDC_AWS_SHAPE,
  MYSQL_CDC_SHAPE,
  parseGoDuration,
  partitionOf,
  PipelineBuildError,
  POSTGRES_CDC_SHAPE,
  REDPANDA_CACHE_SHAPE,
  REDPANDA_OUTPUT_SHAPE,
  type FieldShape,
} from '../../lambdas/core/pipeline-yaml.js';
import { assertRequest, type LinkRequest } from '../../lambdas/core/request.js';


const REDPANDA = { clusterId: 'curl3eo533cmsnt23dv0', accountId: '111111111111' };
const PG: LinkRequest = assertRequest({
  name: 'orders',
  engine: 'aurora-postgresql',
  cdc: { tables: ['orders', 'order_items'] },
  redpanda: REDPANDA,
});
const MY: LinkRequest = assertRequest({
  name: 'shop-db',
  engine: 'aurora-mysql',
  database: { databaseName: 'shop' },
  cdc: { user: 'cdc_reader', tables: ['orders', 'Line$Items'], snapshot: false },
  redpanda: { ...REDPANDA, topic: 'shop.cdc' },
});
const ENDPOINT = 'rpcn-aurora-orders.cluster-abc123xyz.eu-west-1.rds.amazonaws.com';
const PG_CTX: ArtifactContext = {
  dbAccountId: '222222222222',
  region: 'eu-west-1',
  clusterResourceId: 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  endpoint: ENDPOINT,
  port: 5432,
};
const MY_CTX: ArtifactContext = { ...PG_CTX, endpoint: 'rpcn-aurora-shop-db.cluster-abc123xyz.eu-west-1.rds.amazonaws.com', port: 3306 };

type Obj = Record<string, unknown>;
const at = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((v, k) => (v as Obj | unknown[] | undefined)?.[k as never], value);

const pg = buildPipelineYaml(PG, PG_CTX);
const my = buildPipelineYaml(MY, MY_CTX);
const pgParsed = parse(pg.yaml) as Obj;
const myParsed = parse(my.yaml) as Obj;
const pgIn = at(pgParsed, 'input', 'postgres_cdc') as Obj;
const myIn = at(myParsed, 'input', 'mysql_cdc') as Obj;

/** Every [path, value] of a parsed YAML value. */
function leaves(value: unknown, path = ''): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [[path, value]];
}

describe('buildPipelineYaml: both engines', () => {
  it.each([
    ['aurora-postgresql', pg],
    ['aurora-mysql', my],
  ] as const)('%s: the YAML parses back to the returned config', (_engine, built) => {
    expect(parse(built.yaml)).toEqual(built.config);
  });

  it.each([
    ['aurora-postgresql', pg, PG],
    ['aurora-mysql', my, MY],
  ] as const)('%s: header comment names the link, engine and generator and says there is no password', (engine, built, request) => {
    const header = built.yaml.split('\n').filter((l) => l.startsWith('#')).slice(0, 4).join('\n');
    expect(built.yaml.startsWith('#')).toBe(true);
    expect(header).toContain(`link "${request.name}"`);
    expect(header).toContain(`engine ${engine}`);
    expect(header).toContain('rpcn-aurora-iam');
    expect(header).toMatch(/no password/);
  });

  it('no comment contains an interpolation, which Redpanda Connect would resolve even there', () => {
    for (const built of [pg, my]) {
      const comments = built.yaml.split('\n').filter((l) => /^\s*#/.test(l) || / # /.test(l));
      expect(comments.length).toBeGreaterThan(5);
      for (const line of comments) expect(line.slice(line.indexOf('#'))).not.toMatch(/\$\{/);
    }
  });

  it.each([
    ['aurora-postgresql', pg, PG, PG_CTX, 'postgres_cdc'],
    ['aurora-mysql', my, MY, MY_CTX, 'mysql_cdc'],
  ] as const)('%s: aws block is enabled, in the DB region, host:port endpoint, the key from slot A secrets, roles[] with the db-connect role', (_e, built, request, ctx, component) => {
    const aws = at(parse(built.yaml), 'input', component, 'aws') as Obj;
    const names = linkNames(request, ctx.dbAccountId);
    expect(aws).toEqual({
      enabled: true,
      region: ctx.region,
      endpoint: `${ctx.endpoint}:${ctx.port}`,
      id: `\${secrets.${names.redpandaSecrets.accessKeyId.A}}`,
      secret: `\${secrets.${names.redpandaSecrets.secretAccessKey.A}}`,
      roles: [{ role: `arn:aws:iam::${ctx.dbAccountId}:role/${names.dbConnectRole}` }],
    });
    expect(aws).not.toHaveProperty('role');
  });

  it.each([
    ['aurora-postgresql', pg, PG, 'postgres_cdc'],
    ['aurora-mysql', my, MY, 'mysql_cdc'],
  ] as const)('%s: TLS verified against the RDS CA secret, double-quoted, never skip_cert_verify', (_e, built, request, component) => {
    const names = linkNames(request, PG_CTX.dbAccountId);
    const doc = parseDocument(built.yaml);
    const rootCas = doc.getIn(['input', component, 'tls', 'root_cas'], true) as Scalar;
    expect(rootCas.value).toBe(`\${secrets.${names.redpandaSecrets.rdsCaBundle}}`);
    expect(rootCas.type).toBe('QUOTE_DOUBLE');
    expect(at(parse(built.yaml), 'input', component, 'tls')).toEqual({ root_cas: rootCas.value });
    expect(built.yaml).not.toMatch(/skip_cert_verify|skip-verify/);
  });

  it.each([
    ['aurora-postgresql', pg, PG],
    ['aurora-mysql', my, MY],
  ] as const)('%s: redpanda output with REDPANDA_BROKERS, TLS, SCRAM and a secret reference', (_e, built, request) => {
    const names = linkNames(request, PG_CTX.dbAccountId);
    const output = at(parse(built.yaml), 'output') as Obj;
    expect(Object.keys(output).filter((k) => k !== 'label')).toEqual(['redpanda']);
    const rp = output.redpanda as Obj;
    expect(rp.seed_brokers).toEqual(['${REDPANDA_BROKERS}']);
    expect(rp.topic).toBe(request.redpanda.topic);
    expect(rp.tls).toEqual({ enabled: true });
    expect(rp.sasl).toEqual([
      { mechanism: 'SCRAM-SHA-256', username: names.redpandaUser, password: `\${secrets.${names.redpandaSecrets.saslPassword}}` },
    ]);
    expect(rp.key).toBe('${! @table }');
    const patterns = at(rp, 'metadata', 'include_patterns') as string[];
    expect(patterns).toEqual(expect.arrayContaining(['^operation$', '^table$']));
    expect(patterns).toContain(request.engine === 'aurora-postgresql' ? '^lsn$' : '^binlog_position$');
    expect(built.yaml).not.toMatch(/kafka_franz|redpanda_common|\bkafka:/);
  });

  it.each([
    ['aurora-postgresql', pg],
    ['aurora-mysql', my],
  ] as const)('%s: no literal secret anywhere', (_e, built) => {
    const secretKeys = /(^|\.)(password|secret|token)$/;
    const found = leaves(parse(built.yaml)).filter(([path]) => secretKeys.test(path));
    expect(found.length).toBeGreaterThan(0);
    for (const [, value] of found) expect(value).toMatch(/^\$\{secrets\.[A-Z][A-Z0-9_]*\}$/);
    const dsn = String(at(parse(built.yaml), 'input', built === pg ? 'postgres_cdc' : 'mysql_cdc', 'dsn'));
    expect((built === pg ? parsePostgresDsn(dsn) : parseMysqlDsn(dsn)).password).toBeUndefined();
  });

  it.each([
    ['aurora-postgresql', pg],
    ['aurora-mysql', my],
  ] as const)('%s: the lint finds nothing', (_e, built) => {
    expect(lintPipeline(built.yaml)).toEqual([]);
  });

  it('is deterministic', () => {
    expect(buildPipelineYaml(PG, PG_CTX).yaml).toBe(pg.yaml);
    expect(buildPipelineYaml(MY, MY_CTX).yaml).toBe(my.yaml);
  });
});

describe('buildPipelineYaml: postgres_cdc', () => {
  const names = linkNames(PG, PG_CTX.dbAccountId);

  it('DSN has the CDC user, no password, the same host:port as aws.endpoint, the database and sslmode=require', () => {
    expect(pgIn.dsn).toBe(`postgres://rpcn_orders@${ENDPOINT}:5432/demo_db?sslmode=require`);
    const dsn = parsePostgresDsn(String(pgIn.dsn));
    expect(`${dsn.host}:${dsn.port}`).toBe(at(pgIn, 'aws', 'endpoint'));
  });

  it('schema, tables and slot name come from the request and naming', () => {
    expect(pgIn.schema).toBe('public');
    expect(pgIn.tables).toEqual(['orders', 'order_items']);
    expect(pgIn.slot_name).toBe(names.slot);
    expect(pgIn.slot_name).toMatch(/^[a-z0-9_]{1,50}$/);
  });

  it('temporary_slot is false and stream_snapshot follows cdc.snapshot', () => {
    expect(pgIn.temporary_slot).toBe(false);
    expect(pgIn.stream_snapshot).toBe(true);
    const noSnapshot = assertRequest({ name: 'orders', engine: 'aurora-postgresql', cdc: { tables: ['orders'], snapshot: false }, redpanda: REDPANDA });
    expect(at(buildPipelineYaml(noSnapshot, PG_CTX).config, 'input', 'postgres_cdc', 'stream_snapshot')).toBe(false);
  });

  it('heartbeat_interval is 5m: above 0s and below the 15-minute token lifetime', () => {
    expect(pgIn.heartbeat_interval).toBe('5m');
    const ms = parseGoDuration(String(pgIn.heartbeat_interval))!;
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(15 * 60 * 1000);
    expect(pg.yaml).toMatch(/# below 15m: .*\n.*never 0s/);
  });

  it('uses a schema other than public when asked', () => {
    const sales = assertRequest({ name: 'sales', engine: 'aurora-postgresql', cdc: { schema: 'sales', tables: ['invoices'] }, redpanda: REDPANDA });
    const built = buildPipelineYaml(sales, PG_CTX);
    expect(at(built.config, 'input', 'postgres_cdc', 'schema')).toBe('sales');
    expect(lintPipeline(built.yaml)).toEqual([]);
  });
});

describe('buildPipelineYaml: mysql_cdc', () => {
  const names = linkNames(MY, MY_CTX.dbAccountId);

  it('DSN has the user, tcp(host:port), the database and allowCleartextPasswords=true', () => {
    expect(myIn.dsn).toBe(`cdc_reader@tcp(${MY_CTX.endpoint}:3306)/shop?allowCleartextPasswords=true`);
    const dsn = parseMysqlDsn(String(myIn.dsn));
    expect(dsn).toMatchObject({ user: 'cdc_reader', host: MY_CTX.endpoint, port: '3306', database: 'shop' });
    expect(dsn.params).toEqual({ allowCleartextPasswords: 'true' });
  });

  it('flavor, tables and stream_snapshot', () => {
    expect(myIn.flavor).toBe('mysql');
    expect(myIn.tables).toEqual(['orders', 'Line$Items']);
    expect(myIn.stream_snapshot).toBe(false);
  });

  it('max_reconnect_attempts is small and positive', () => {
    expect(myIn.max_reconnect_attempts).toBe(3);
  });

  it('checkpoints go to a declared redpanda cache on the compacted checkpoint topic', () => {
    const caches = myParsed.cache_resources as Obj[];
    expect(caches).toHaveLength(1);
    expect(caches[0]!.label).toBe(myIn.checkpoint_cache);
    const cache = caches[0]!.redpanda as Obj;
    expect(cache.topic).toBe(names.checkpointTopic);
    expect(cache.seed_brokers).toEqual(['${REDPANDA_BROKERS}']);
    expect(cache.tls).toEqual({ enabled: true });
    expect(cache.sasl).toEqual(at(myParsed, 'output', 'redpanda', 'sasl'));
    expect(cache.allow_auto_topic_creation).toBe(false);
    expect(myIn.checkpoint_key).toBe('rpcn_shop_db_binlog_position');
  });

  it('the postgres pipeline has no cache resources', () => {
    expect(pgParsed).not.toHaveProperty('cache_resources');
  });
});

describe('buildPipelineYaml: documented fields only', () => {
  /** Keys of a spec fixture's component, nested maps expanded. */
  function specTree(file: string, path: string[]): Obj {
    return at(parse(readFileSync(new URL(`../../specs/redpanda-connect/${file}`, import.meta.url), 'utf8')), ...path) as Obj;
  }
  /** Every field path of a generated value that the spec does not document. */
  function undocumented(value: unknown, spec: unknown, path: string): string[] {
    if (Array.isArray(value)) return [];
    if (!value || typeof value !== 'object') return [];
    return Object.entries(value).flatMap(([k, v]) => {
      if (!spec || typeof spec !== 'object' || !(k in spec)) return [`${path}.${k}`];
      const s = (spec as Obj)[k];
      return s && typeof s === 'object' && !Array.isArray(s) ? undocumented(v, s, `${path}.${k}`) : [];
    });
  }
  const LIST_ITEM_FIELDS: Record<string, string[]> = {
    roles: ['role', 'role_external_id'],
    sasl: ['mechanism', 'username', 'password', 'token', 'extensions', 'aws'],
  };
  function undocumentedItems(value: unknown): string[] {
    return leaves(value).flatMap(([path]) => {
      const m = /(\w+)\[\d+\]\.(\w+)/.exec(path);
      return m && LIST_ITEM_FIELDS[m[1]!] && !LIST_ITEM_FIELDS[m[1]!]!.includes(m[2]!) ? [path] : [];
    });
  }

  it.each([
    ['postgres_cdc', () => pgIn, 'inputs-postgres_cdc.yaml', ['input', 'postgres_cdc']],
    ['mysql_cdc', () => myIn, 'inputs-mysql_cdc.yaml', ['input', 'mysql_cdc']],
    ['redpanda output (pg)', () => at(pgParsed, 'output', 'redpanda'), 'outputs-redpanda.yaml', ['output', 'redpanda']],
    ['redpanda output (mysql)', () => at(myParsed, 'output', 'redpanda'), 'outputs-redpanda.yaml', ['output', 'redpanda']],
    ['redpanda cache', () => at(myParsed, 'cache_resources', 0, 'redpanda'), 'caches-redpanda.yaml', ['redpanda']],
  ] as const)('%s uses only fields of the Connect v4.106.0 reference', (_name, value, file, path) => {
    expect(undocumented(value(), specTree(file, [...path]), path.join('.'))).toEqual([]);
    expect(undocumentedItems(value())).toEqual([]);
  });

  /** The field tree of a shape, as the spec files write it (lists not expanded). */
  function shapeTree(shape: FieldShape): unknown {
    if (shape.kind !== 'object') return shape.kind;
    return Object.fromEntries(Object.entries(shape.fields).map(([k, v]) => [k, shapeTree(v)]));
  }
  function specKeys(spec: unknown): unknown {
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return 'leaf';
    return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, specKeys(v)]));
  }
  const normalize = (tree: unknown): unknown =>
    tree && typeof tree === 'object' ? Object.fromEntries(Object.entries(tree).sort().map(([k, v]) => [k, normalize(v)])) : 'leaf';

  it.each([
    ['postgres_cdc', POSTGRES_CDC_SHAPE, 'inputs-postgres_cdc.yaml', ['input', 'postgres_cdc']],
    ['mysql_cdc', MYSQL_CDC_SHAPE, 'inputs-mysql_cdc.yaml', ['input', 'mysql_cdc']],
    ['redpanda output', REDPANDA_OUTPUT_SHAPE, 'outputs-redpanda.yaml', ['output', 'redpanda']],
    ['redpanda cache', REDPANDA_CACHE_SHAPE, 'caches-redpanda.yaml', ['redpanda']],
  ] as const)('the %s field list constant equals the reference field list', (_name, shape, file, path) => {
    // `unchanged_toast_value: null` is a leaf in the spec and 'any' in the shape; both normalize to 'leaf'.
    expect(normalize(shapeTree(shape))).toEqual(normalize(specKeys(specTree(file, [...path]))));
  });

  it('aws.roles[] items have exactly role and role_external_id', () => {
    const roles = CDC_AWS_SHAPE.kind === 'object' ? CDC_AWS_SHAPE.fields.roles : undefined;
    expect(roles).toEqual({ kind: 'list', items: { kind: 'object', fields: { role: { kind: 'scalar' }, role_external_id: { kind: 'scalar' } } } });
  });
});

describe('buildPipelineYaml: placeholders and inputs', () => {
  const planCtx: ArtifactContext = {
    dbAccountId: placeholder('DB_ACCOUNT_ID'),
    region: placeholder('REGION'),
    clusterResourceId: placeholder('CLUSTER_RESOURCE_ID'),
    endpoint: placeholder('ENDPOINT'),
    port: 5432,
  };

  it('passes placeholders through, quoted so YAML does not read them as flow mappings', () => {
    const built = buildPipelineYaml(PG, planCtx);
    const input = at(parse(built.yaml), 'input', 'postgres_cdc') as Obj;
    expect(input.dsn).toBe('postgres://rpcn_orders@{{ENDPOINT}}:5432/demo_db?sslmode=require');
    expect(at(input, 'aws')).toEqual({
      enabled: true,
      region: '{{REGION}}',
      endpoint: '{{ENDPOINT}}:5432',
      id: '${secrets.RPCN_AURORA_ORDERS_AWS_ACCESS_KEY_ID_A}',
      secret: '${secrets.RPCN_AURORA_ORDERS_AWS_SECRET_ACCESS_KEY_A}',
      roles: [{ role: 'arn:aws:iam::{{DB_ACCOUNT_ID}}:role/rpcn-aurora-orders-db-connect' }],
    });
    const notYetKnown = /^# Not yet known, to be filled in once the cluster exists: (.*)\.$/m.exec(built.yaml);
    expect(notYetKnown?.[1]?.split(', ').sort()).toEqual(['DB_ACCOUNT_ID', 'ENDPOINT', 'REGION']);
    expect(pg.yaml).not.toMatch(/Not yet known/);
  });

  it('the lint reports each unresolved placeholder and nothing else', () => {
    const findings = lintPipeline(buildPipelineYaml(PG, planCtx).yaml);
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set(['RPCN030']));
    expect(findings.map((f) => f.path).sort()).toEqual(
      ['input.postgres_cdc.aws.endpoint', 'input.postgres_cdc.aws.region', 'input.postgres_cdc.aws.roles[0].role', 'input.postgres_cdc.dsn'].sort(),
    );
  });

  it.each([
    ['endpoint with a port', { endpoint: `${ENDPOINT}:5432` }, /endpoint/],
    ['a quote in the endpoint', { endpoint: 'evil"host' }, /endpoint/],
    ['bad region', { region: 'mars-1' }, /region/],
    ['bad account', { dbAccountId: '12345' }, /dbAccountId/],
    ['bad port', { port: 70000 }, /port/],
  ])('rejects a context with %s', (_what, patch, message) => {
    const build = () => buildPipelineYaml(PG, { ...PG_CTX, ...patch });
    expect(build).toThrow(PipelineBuildError);
    expect(build).toThrow(message);
  });

  it('accepts heartbeat and reconnect options within the rules and rejects the rest', () => {
    expect(at(buildPipelineYaml(PG, PG_CTX, { heartbeatInterval: '14m59s' }).config, 'input', 'postgres_cdc', 'heartbeat_interval')).toBe('14m59s');
    expect(at(buildPipelineYaml(MY, MY_CTX, { maxReconnectAttempts: 1 }).config, 'input', 'mysql_cdc', 'max_reconnect_attempts')).toBe(1);
    for (const heartbeatInterval of ['0s', '15m', '1h', 'five minutes', '-1m']) {
      expect(() => buildPipelineYaml(PG, PG_CTX, { heartbeatInterval })).toThrow(PipelineBuildError);
    }
    for (const maxReconnectAttempts of [0, -1, 11, 1.5]) {
      expect(() => buildPipelineYaml(MY, MY_CTX, { maxReconnectAttempts })).toThrow(PipelineBuildError);
    }
  });

  it('names its error class', () => {
    try {
      buildPipelineYaml(PG, { ...PG_CTX, port: 0 });
      throw new Error('no error');
    } catch (e) {
      expect((e as Error).name).toBe('PipelineBuildError');
    }
  });

  it('uses the IAM partition of the region in the role ARN', () => {
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('eu-west-1')).toBe('aws');
    const gov = buildPipelineYaml(PG, { ...PG_CTX, region: 'us-gov-west-1' });
    expect(at(gov.config, 'input', 'postgres_cdc', 'aws', 'roles', 0, 'role')).toBe('arn:aws-us-gov:iam::222222222222:role/rpcn-aurora-orders-db-connect');
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['14m59s', 899_000],
    ['300ms', 300],
    ['0', 0],
    ['0s', 0],
    ['-1s', -1000],
    ['', undefined],
    ['5', undefined],
    ['m', undefined],
    ['5 m', undefined],
    ['1d', undefined],
  ])('%j is %j ms', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });
});

describe('buildPipelineCreateBody', () => {
  const body = buildPipelineCreateBody(PG, PG_CTX);

  it('is a PipelineCreate with our display name, tags, one compute unit and the generated YAML', () => {
    expect(Object.keys(body).sort()).toEqual(['config_yaml', 'description', 'display_name', 'resources', 'tags']);
    expect(body.display_name).toBe(linkNames(PG, PG_CTX.dbAccountId).pipelineDisplayName);
    expect(body.config_yaml).toBe(pg.yaml);
    expect(body.resources).toEqual({ memory_shares: '400M', cpu_shares: '100m' });
    expect(body.tags).toEqual({ 'managed-by': 'rpcn-aurora', 'rpcn-aurora-link': 'orders' });
  });

  it('obeys the API field rules', () => {
    for (const b of [body, buildPipelineCreateBody(MY, MY_CTX)]) {
      expect(b.display_name).toMatch(/^[A-Za-z0-9-_ /]{3,128}$/);
      expect(b.description.length).toBeLessThanOrEqual(256);
      expect(b.description).toContain('IAM');
      for (const v of Object.values(b.tags)) expect(v).toMatch(/^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u);
    }
  });

  it('the YAML inside is a mapping with one input and one output', () => {
    const doc = parseDocument(body.config_yaml);
    expect(doc.errors).toEqual([]);
    expect(isMap(doc.contents)).toBe(true);
    expect(isMap(doc.get('input'))).toBe(true);
    expect(isSeq(doc.getIn(['input', 'postgres_cdc', 'tables']))).toBe(true);
    expect(isScalar(doc.getIn(['output', 'redpanda', 'topic'], true))).toBe(true);
  });
});

describe('identity modes', () => {
  const mode = (identity: Record<string, unknown>, redpanda: Record<string, unknown> = REDPANDA): LinkRequest =>
    assertRequest({ name: 'orders', engine: 'aurora-postgresql', cdc: { tables: ['orders'] }, redpanda, identity });
  const awsOf = (request: LinkRequest, opts = {}) => at(parse(buildPipelineYaml(request, PG_CTX, opts).yaml), 'input', 'postgres_cdc', 'aws') as Obj;

  it('access-key: the key of the slot the pipeline reads, from Redpanda secrets, beside roles[]', () => {
    const b = awsOf(mode({ mode: 'access-key' }), { keySlot: 'B' });
    expect(b.id).toBe('${secrets.RPCN_AURORA_ORDERS_AWS_ACCESS_KEY_ID_B}');
    expect(b.secret).toBe('${secrets.RPCN_AURORA_ORDERS_AWS_SECRET_ACCESS_KEY_B}');
    expect(b.roles).toEqual([{ role: 'arn:aws:iam::222222222222:role/rpcn-aurora-orders-db-connect' }]);
  });

  it('pipeline-role: no key (the pod identity is the first hop)', () => {
    const aws = awsOf(mode({ mode: 'pipeline-role' }));
    expect(aws).not.toHaveProperty('id');
    expect(aws).not.toHaveProperty('secret');
    expect(lintPipeline(buildPipelineYaml(mode({ mode: 'pipeline-role' }), PG_CTX).yaml, { target: 'redpanda-cloud', podIdentity: true })).toEqual([]);
  });

  it('self-managed: no key and no Redpanda secret references; environment variables instead', () => {
    const request = mode({ mode: 'self-managed', roleArn: 'arn:aws:iam::333333333333:role/connect' }, { clusterId: REDPANDA.clusterId });
    const yaml = buildPipelineYaml(request, PG_CTX).yaml;
    expect(yaml).not.toMatch(/\$\{secrets\./);
    expect(awsOf(request)).not.toHaveProperty('id');
    const input = at(parse(yaml), 'input', 'postgres_cdc') as Obj;
    expect(at(input, 'tls', 'root_cas')).toBe('${RPCN_AURORA_ORDERS_RDS_CA}');
    expect((at(parse(yaml), 'output', 'redpanda', 'sasl') as Obj[])[0]!.password).toBe('${RPCN_AURORA_ORDERS_SASL_PASSWORD}');
    expect(lintPipeline(yaml, { target: 'self-managed' })).toEqual([]);
  });

  it('the generated access-key pipeline is clean for a Redpanda Cloud target', () => {
    expect(lintPipeline(buildPipelineYaml(mode({ mode: 'access-key' }), PG_CTX).yaml, { target: 'redpanda-cloud' })).toEqual([]);
  });
});
