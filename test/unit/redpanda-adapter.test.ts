// Pure parts of the Redpanda Cloud adapter and the local server's validator and linter.
import { describe, expect, test } from '@jest/globals';
import {
  REDPANDA_ERROR_NAMES,
  RedpandaAlreadyExistsError,
  RedpandaAuthError,
  RedpandaNotFoundError,
  RedpandaThrottledError,
  RedpandaTransientError,
  RedpandaValidationError,
  backoffDelay,
  parseCluster,
  parsePipeline,
  parseQuotaHeader,
  parseRateLimitHeader,
  parseRetryAfter,
  usabilityProblems,
} from '../../lambdas/adapters/redpanda/index.js';
import * as errors from '../../lambdas/adapters/redpanda/errors.js';
import { convertSchema, lintPipelineYaml, sharedValidator } from '../../local/redpanda-cloud/index.js';

describe('header parsing', () => {
  test('ratelimit header', () => {
    expect(parseRateLimitHeader('limit=500, remaining=0, reset=12')).toEqual({ limit: 500, remaining: 0, resetSeconds: 12 });
    expect(parseRateLimitHeader('limit=10;remaining=3')).toEqual({ limit: 10, remaining: 3 });
    expect(parseRateLimitHeader('')).toBeUndefined();
    expect(parseRateLimitHeader('garbage')).toBeUndefined();
  });

  test('Auth0 organization quota header', () => {
    expect(parseQuotaHeader('b=per_day;q=100;r=83;t=43200')).toEqual({ bucket: 'per_day', quota: 100, remaining: 83, resetSeconds: 43200 });
    expect(parseQuotaHeader(null)).toBeUndefined();
  });

  test('Retry-After as seconds or HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('backoff', () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
  test('full jitter under an exponential, capped ceiling', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, policy, () => 0.999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    for (let i = 0; i < 50; i++) expect(backoffDelay(3, policy)).toBeLessThan(400);
  });
});

describe('error mapping', () => {
  const body = (code: string, reason: string) => ({ code, message: 'm', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'redpanda.com/dataplane', metadata: {} }] });
  test.each([
    [400, RedpandaValidationError],
    [401, RedpandaAuthError],
    [403, RedpandaAuthError],
    [404, RedpandaNotFoundError],
    [409, RedpandaAlreadyExistsError],
    [429, RedpandaThrottledError],
    [500, RedpandaTransientError],
    [503, RedpandaTransientError],
  ])('HTTP %i', (status, cls) => {
    const err = errors.errorFromResponse(status, body('X', 'REASON_Y'), 'GET /v1/x');
    expect(err).toBeInstanceOf(cls);
    expect(err.name).toBe(cls.name);
    expect(err).toMatchObject({ status, code: 'X', reason: 'REASON_Y', request: 'GET /v1/x' });
  });

  test('BadRequest field violations are carried and shown', () => {
    const err = errors.errorFromResponse(
      400,
      { code: 'INVALID_ARGUMENT', message: 'provided parameters are invalid', details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', field_violations: [{ field: 'user.password', description: 'too short' }] }] },
      'POST /v1/users',
    );
    expect(err.fieldViolations).toEqual(['user.password: too short']);
    expect(err.message).toContain('user.password: too short');
  });

  test('every class name equals its error name (what the ASL matches)', () => {
    for (const name of REDPANDA_ERROR_NAMES) {
      const cls = (errors as unknown as Record<string, new (...a: never[]) => Error>)[name];
      expect(cls).toBeDefined();
      expect(Object.create(cls!.prototype)).toBeInstanceOf(Error);
    }
    expect(new errors.PipelineErrorStateError('p1', 'bad').name).toBe('PipelineErrorStateError');
    expect(new errors.PipelineWaitTimeoutError('p1', 'STATE_RUNNING', 'STATE_STARTING', 10).name).toBe('PipelineWaitTimeoutError');
    expect(new errors.RedpandaQuotaExceededError('q', { resetAt: new Date(0) }).toJSON()).toMatchObject({ name: 'RedpandaQuotaExceededError', resetAt: '1970-01-01T00:00:00.000Z' });
  });
});

describe('response parsing', () => {
  test('pipelines are parsed wrapped or unwrapped', () => {
    const p = { id: 'p1', display_name: 'n', config_yaml: 'y', state: 'STATE_RUNNING', status: { error: '' }, tags: { a: 'b' } };
    expect(parsePipeline({ pipeline: p }, 'x')).toEqual(parsePipeline(p, 'x'));
    expect(() => parsePipeline({ pipeline: {} }, 'GET x')).toThrow(/no pipeline id/);
  });

  test('cluster parsing is strict about the wrapper and id', () => {
    expect(() => parseCluster({ id: 'c' }, 'GET c')).toThrow(/no "cluster" object/);
    const c = parseCluster({ cluster: { id: 'c', type: 'TYPE_BYOC', cloud_provider: 'CLOUD_PROVIDER_AWS', state: 'STATE_READY', dataplane_api: null, nat_gateways: ['1.2.3.4'] } }, 'GET c');
    expect(c).toMatchObject({ id: 'c', dataplaneApiUrl: '', natGateways: ['1.2.3.4'] });
    expect(usabilityProblems(c)).toEqual(['it has no data plane API URL (dataplane_api.url is empty)']);
  });
});

describe('local server validator', () => {
  const v = sharedValidator();
  const none = new URLSearchParams();
  test('rejects an unknown body field and a bad enum', () => {
    const unknown = v.validateRequest('dataplane', 'POST', '/v1/secrets', none, 'application/json', JSON.stringify({ id: 'A', secret_data: 'eA==', scopes: ['SCOPE_REDPANDA_CONNECT'], label: {} }));
    expect(unknown.violations.map((x) => x.message)).toEqual(['body: unknown field "label"']);
    const badEnum = v.validateRequest('dataplane', 'POST', '/v1/users', none, 'application/json', JSON.stringify({ name: 'u', password: 'ppp', mechanism: 'SCRAM-SHA-256' }));
    expect(badEnum.violations[0]?.message).toMatch(/body\/mechanism: must be equal to one of the allowed values/);
  });

  test('accepts a valid request, including nullable fields', () => {
    const ok = v.validateRequest('dataplane', 'POST', '/v1/topics', none, 'application/json', JSON.stringify({ name: 't', partition_count: null, replication_factor: 3, configs: [{ name: 'a.b', value: null }] }));
    expect(ok.violations).toEqual([]);
    expect(ok.operation?.operationId).toBe('TopicService_CreateTopic');
  });

  test('a body on an operation without one, and a missing body, are violations', () => {
    expect(v.validateRequest('dataplane', 'PUT', '/v1/redpanda-connect/pipelines/p1/start', none, 'application/json', '{}').violations[0]?.message).toMatch(/takes no request body/);
    expect(v.validateRequest('dataplane', 'POST', '/v1/acls', none, undefined, '').violations[0]?.message).toBe('request body is required');
  });

  test('responses: the wire wrapper is required where the spec declares an unwrapped pipeline', () => {
    const pipeline = { id: 'p', display_name: 'abc', config_yaml: 'y' };
    expect(v.validateResponse('dataplane', 'PipelineService_GetPipeline', 200, { pipeline })).toEqual([]);
    expect(v.validateResponse('dataplane', 'PipelineService_GetPipeline', 200, pipeline)[0]?.message).toMatch(/wire wrapper/);
  });

  test('nullable becomes a null type; strict mode closes objects', () => {
    expect(convertSchema({ type: 'string', nullable: true }, 'd', false)).toEqual({ type: ['string', 'null'] });
    expect(convertSchema({ type: 'object', properties: { a: { $ref: '#/components/schemas/A' } } }, 'd', true)).toEqual({
      type: 'object',
      properties: { a: { $ref: 'd#/components/schemas/A' } },
      additionalProperties: false,
    });
  });
});

describe('local lint', () => {
  test('parse errors carry positions; structure is checked', () => {
    expect(lintPipelineYaml('input:\n  a: [\n')[0]).toMatchObject({ lint_type: 'failed_read' });
    expect(lintPipelineYaml('- a\n')).toEqual([{ line: 1, column: 1, hint: expect.stringContaining('mapping'), lint_type: 'expected_object' }]);
    expect(lintPipelineYaml('input:\noutput:\n  drop: {}\nextra: 1\n').map((h) => h.lint_type)).toEqual(['unknown', 'component_missing']);
  });
});
