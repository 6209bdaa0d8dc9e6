// Issue 13 hardening through the committed ASL in the offline twin: what a real AWS account answers that the
// happy path never sees (Data API answers that pass, tag-based authorization that has not propagated yet, a
// trust principal that does not exist, Lambda timeouts).
import { jest } from '@jest/globals';
import { setupStatements } from '../../lambdas/core/sql.js';
import type { WorkflowResult } from '../../local/workflow/runner.js';
import type { OfflineTwin } from '../../local/twin.js';
import { appSql, normalized, pgRequest, startTwin } from './support.js';

// Whole executions with real databases: seconds each.
jest.setTimeout(180_000);

let twin: OfflineTwin;

beforeAll(async () => {
  twin = await startTwin();
});

afterAll(async () => {
  await twin?.stop();
});

/** The states the engine retried through the retrier that lists `error`, in order. */
const retries = (result: WorkflowResult, error: string) =>
  result.events
    .filter((e) => e.type === 'StateRetried' && (e.retry as { retrier?: { ErrorEquals?: string[] } } | undefined)?.retrier?.ErrorEquals?.includes(error))
    .map((e) => e.state?.name);

describe('Data API answers that pass are retried; a permanent one fails the step at once', () => {
  const TRANSIENT = ['DatabaseUnavailableException', 'HttpEndpointNotEnabledException', 'StatementTimeoutException', 'ServiceUnavailableError', 'InternalServerErrorException'];

  test('each transient answer on the setup SQL is retried as DataApiUnavailableError and the provision succeeds', async () => {
    const raw = pgRequest('dataapi');
    for (const error of TRANSIENT) twin.aws.faults.inject({ target: 'sql.execute', error });
    const result = await twin.provision(raw, { executionName: 'dataapi-transient' });
    expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    expect(twin.aws.faults.pending()).toEqual([]);
    expect(retries(result, 'DataApiUnavailableError')).toEqual(['RunSetupSql', 'RunSetupSql', 'RunSetupSql', 'RunSetupSql', 'RunSetupSql']);
    const publication = await appSql(twin, normalized(raw), "SELECT pubname FROM pg_publication WHERE pubname LIKE 'pglog_stream_%'");
    expect(publication.length).toBeGreaterThan(0);
  });

  test('the teardown retries them too (DropDatabaseObjects)', async () => {
    const calls = twin.stepCalls.get('DropDatabaseObjects') ?? 0;
    twin.aws.faults.inject({ target: 'sql.execute', error: 'DatabaseUnavailableException', times: 2 });
    const result = await twin.teardown({ link: 'dataapi', skipFinalSnapshot: true });
    expect({ status: result.status, error: result.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect(retries(result, 'DataApiUnavailableError')).toEqual(['DropDatabaseObjects', 'DropDatabaseObjects']);
    expect(twin.stepCalls.get('DropDatabaseObjects')! - calls).toBeGreaterThanOrEqual(3);
  });

  test('a syntax error (BadRequestException) fails RunSetupSql without a retry', async () => {
    const raw = pgRequest('dataapi-bad');
    twin.aws.faults.inject({ target: 'sql.execute', error: 'BadRequestException', message: 'ERROR: syntax error at or near "PUBLICATON"' });
    const calls = twin.stepCalls.get('RunSetupSql') ?? 0;
    const result = await twin.provision(raw, { executionName: 'dataapi-permanent' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('BadRequestException');
    expect(result.cause).toMatch(/^RunSetupSql failed: sql\.execute failed: BadRequestException: ERROR: syntax error/);
    expect(result.events.filter((e) => e.type === 'StateRetried')).toEqual([]);
    expect(twin.stepCalls.get('RunSetupSql')! - calls).toBe(1);
  });
});

describe('a trust principal that does not exist', () => {
  test('self-managed with an identity.roleArn that does not exist fails EnsureDbConnectRole with TrustPrincipalNotFoundError naming it', async () => {
    const missing = 'arn:aws:iam::861276079005:role/connect-cdc-typo';
    const raw = pgRequest('ghost', (r) => {
      r.identity = { mode: 'self-managed', roleArn: missing };
      delete r.redpanda.accountId;
    });
    const calls = twin.stepCalls.get('EnsureDbConnectRole') ?? 0;
    const result = await twin.provision(raw, { executionName: 'ghost-principal' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('TrustPrincipalNotFoundError');
    expect(result.cause).toContain(`EnsureDbConnectRole failed: [trust-principal-not-found] iam:CreateRole on rpcn-aurora-ghost-db-connect failed: IAM refused the trust policy because its principal ${missing} does not exist`);
    expect(result.cause).toContain('check identity.roleArn');
    expect(result.cause).toContain('diagnosis [trust-principal-not-found]');
    expect(twin.stepCalls.get('EnsureDbConnectRole')! - calls).toBe(1);
    expect(await twin.deps.iam.getRole('rpcn-aurora-ghost-db-connect')).toBeUndefined();
    expect((await twin.deps.registry.get('ghost'))?.failure).toMatchObject({ step: 'EnsureDbConnectRole', error: 'TrustPrincipalNotFoundError', diagnosis: { id: 'trust-principal-not-found' } });
  });
});

describe('Lambda timeouts: RunSetupSql stays inside its timeout and resumes', () => {
  test('with little time left it hands back a cursor and the ASL loops; a Sandbox.Timedout is retried; every statement runs exactly once', async () => {
    const raw = pgRequest('slowsql');
    const request = normalized(raw);
    const setup = setupStatements(request).map((s) => s.sql);
    expect(setup.length).toBeGreaterThan(3);
    // As if every setup statement took 20 s: an 80 s Lambda runs two (60 s left after the first, 40 s after the
    // second, under the 50 s margin), then keeps the rest of its time back.
    const setupRun = () => twin.aws.dataApi.statements().filter((st) => setup.includes(st.sql)).length;
    twin.stepRemainingTime.set('RunSetupSql', () => {
      const start = setupRun();
      return () => 80_000 - 20_000 * (setupRun() - start);
    });
    // The first invocation dies on the Lambda timeout, as if the function had hung.
    twin.stepFaults.set('RunSetupSql', { error: 'Sandbox.Timedout', message: 'Task timed out after 80.00 seconds', times: 1 });
    const before = twin.aws.dataApi.statements().length;
    const calls = twin.stepCalls.get('RunSetupSql') ?? 0;
    try {
      const result = await twin.provision(raw, { executionName: 'slowsql' });
      expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
      expect(retries(result, 'Sandbox.Timedout')).toEqual(['RunSetupSql']);
      // The timed-out invocation, then two statements per invocation.
      expect(twin.stepCalls.get('RunSetupSql')! - calls).toBe(1 + Math.ceil(setup.length / 2));
      const ran = twin.aws.dataApi.statements().slice(before).map((s) => s.sql).filter((sql) => setup.includes(sql));
      expect(ran).toEqual(setup);
    } finally {
      twin.stepRemainingTime.delete('RunSetupSql');
    }
  });
});

describe('tag-based authorization that has not propagated right after our own create', () => {
  test('the first writes on the new connector user and db-connect role are denied; retried as IamPropagationError, the provision succeeds', async () => {
    const raw = pgRequest('lagged');
    twin.aws.iam.lagTagAuthorization(2);
    try {
      const result = await twin.provision(raw, { executionName: 'lagged' });
      expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
      const retried = retries(result, 'IamPropagationError');
      expect(retried.filter((s) => s === 'EnsureConnectorUser')).toHaveLength(2);
      expect(retried.filter((s) => s === 'EnsureDbConnectRole')).toHaveLength(2);
      const role = await twin.deps.iam.getRole('rpcn-aurora-lagged-db-connect');
      expect(Object.keys(role!.inlinePolicies)).toHaveLength(1);
    } finally {
      twin.aws.iam.lagTagAuthorization(0);
    }
  });
});

describe('tag-based authorization that never comes', () => {
  test('the IamPropagationError retries are bounded; the failure is recorded with the access-denied-after-create diagnosis', async () => {
    const raw = pgRequest('denied');
    twin.aws.iam.lagTagAuthorization(1_000);
    try {
      const result = await twin.provision(raw, { executionName: 'denied' });
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('IamPropagationError');
      // Every attempt of the IamPropagationError retrier (MaxAttempts 10), then the Catch.
      expect(retries(result, 'IamPropagationError').filter((s) => s === 'EnsureConnectorUser')).toHaveLength(10);
      expect(result.cause).toMatch(/^EnsureConnectorUser failed: \[access-denied-after-create\] iam:\w+ on rpcn-aurora-denied-connector\S* failed: AccessDenied: User: .* is not authorized/);
      expect(result.cause).toContain('diagnosis [access-denied-after-create] Access still denied minutes after the resource was created');
      expect((await twin.deps.registry.get('denied'))?.failure).toMatchObject({ step: 'EnsureConnectorUser', error: 'IamPropagationError', diagnosis: { id: 'access-denied-after-create' } });
    } finally {
      twin.aws.iam.lagTagAuthorization(0);
    }
  });
});
