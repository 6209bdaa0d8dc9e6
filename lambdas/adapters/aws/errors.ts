// One place that turns AWS SDK v3 errors into the named errors of lambdas/core/errors.ts. The names are the
// contract with the state machines (Retry on the transient ones, Catch on the rest), so every adapter maps
// through here. Messages carry the action, the resource and AWS's own message, never a secret value.
import {
  AccessStillDeniedError,
  AwsThrottledError,
  DataApiUnavailableError,
  DatabaseResumingError,
  IamPropagationError,
  ResourceBusyError,
  StepAccessDeniedError,
  TrustPrincipalNotFoundError,
} from '../../core/errors.js';

export interface AwsErrorContext {
  /** The AWS action that failed, e.g. `rds:CreateDBCluster`. */
  readonly action: string;
  /** The resource it was called on (name, id or ARN; never a secret value). */
  readonly resource?: string;
  /**
   * The call targets an IAM entity this workflow has just created, so `NoSuchEntity` means "not visible
   * yet" (eventual consistency, docs/reference/aws.md A4) and is retried, not reported as missing.
   */
  readonly afterOwnCreate?: boolean;
  /**
   * When this workflow created the target (an IAM role or user, a security group), if the adapter knows.
   * AccessDenied within OWN_CREATE_PROPAGATION_MS of it is tag-based authorization not yet propagated
   * (IamPropagationError, retried); later it is AccessStillDeniedError.
   */
  readonly ownCreatedAt?: Date;
  /** The time to judge `ownCreatedAt` against; defaults to now. */
  readonly now?: Date;
}

/**
 * How long AccessDenied on a resource we created counts as propagation. Shorter than the ASL's
 * IamPropagationError retries (about 4 minutes), so the last attempts end with AccessStillDeniedError.
 */
export const OWN_CREATE_PROPAGATION_MS = 3 * 60_000;

/** Past this, a resource is not "just created" any more: AccessDenied on it is the step's own permissions. */
export const OWN_CREATE_RECENT_MS = 15 * 60_000;

// Throttling codes across the services we call (query, JSON and EC2 protocols). IAM's and Secrets
// Manager's `LimitExceeded*` are quotas, not rate limits, so they are deliberately absent.
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
  'SlowDown',
]);

const BUSY = new Set([
  'InvalidDBClusterStateFault',
  'InvalidDBInstanceStateFault',
  'InvalidDBInstanceState',
  'InvalidDBParameterGroupStateFault',
  'InvalidDBParameterGroupState',
  // RDS EnableHttpEndpoint and friends while another operation runs on the cluster.
  'InvalidResourceStateFault',
  // IAM refuses concurrent writes to the same entity; the next attempt succeeds.
  'ConcurrentModification',
  'ConcurrentModificationException',
]);

// RDS Data API answers that say "not now", not "never" (docs/reference/aws.md A1b): right after
// EnableHttpEndpoint the endpoint answers HttpEndpointNotEnabledException for a while, a Serverless v2
// cluster that is scaling or failing over answers DatabaseUnavailableException.
const DATA_API_TRANSIENT = new Set([
  'DatabaseUnavailableException',
  'HttpEndpointNotEnabledException',
  'StatementTimeoutException',
  'ServiceUnavailableError',
  'InternalServerErrorException',
]);

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'Forbidden',
  'ForbiddenException',
]);

const NO_SUCH_ENTITY = new Set(['NoSuchEntity', 'NoSuchEntityException']);

const MALFORMED_POLICY = new Set(['MalformedPolicyDocument', 'MalformedPolicyDocumentException']);

// The first hop a db-connect role trusts comes from the request: the pipeline role (named after the Redpanda
// cluster id), the connector user (created just before), or identity.roleArn.
function trustPrincipalNotFound(where: string, principal: string, options: ErrorOptions): TrustPrincipalNotFoundError {
  const check = /:role\/(?:.*\/)?redpanda-[^/]+-redpanda-connect-pipeline$/.test(principal)
    ? 'the Redpanda cluster id (redpanda.clusterId) and account (redpanda.accountId): the pipeline role is named after the cluster'
    : /:user\//.test(principal)
      ? 'that the connector user exists (EnsureConnectorUser creates it first; start the provision again)'
      : 'identity.roleArn: the role must exist before the link trusts it (account, path and name)';
  return new TrustPrincipalNotFoundError(
    `[trust-principal-not-found] ${where} failed: IAM refused the trust policy because its principal ${principal} does not exist (MalformedPolicyDocument: Invalid principal in policy); check ${check}`,
    options,
  );
}

/**
 * The AWS error name of an SDK error (the modelled exception name, or the wire code for errors the SDK did
 * not model), or undefined when `error` is not an AWS service error at all.
 */
export function awsErrorName(error: unknown): string | undefined {
  // Every SDK v3 service error carries `$metadata`; anything else (a bug, a network error) is not ours to map.
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const e = error as { name?: unknown; Code?: unknown };
  if (typeof e.name === 'string' && e.name !== '' && e.name !== 'Error') return e.name;
  if (typeof e.Code === 'string' && e.Code !== '') return e.Code;
  return 'UnknownAwsError';
}

/** True when `error` carries one of these AWS error codes (checks both the modelled name and the wire code). */
export function isAwsError(error: unknown, ...names: readonly string[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; Code?: unknown };
  return names.some((n) => e.name === n || e.Code === n);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'unknown error';
}

/**
 * Map an error thrown by an AWS SDK call to the named error the state machines expect. Unmapped AWS errors
 * come back as an Error whose `name` is the AWS error code (so an ASL `Catch` can still match on it) and
 * whose message names the action; non-AWS errors are returned unchanged. The original is always `cause`.
 */
export function mapAwsError(error: unknown, context: AwsErrorContext): Error {
  const name = awsErrorName(error);
  if (name === undefined) return error instanceof Error ? error : new Error(`${context.action}: ${describe(error)}`);

  const where = context.resource === undefined ? context.action : `${context.action} on ${context.resource}`;
  const text = `${where} failed: ${name}: ${describe(error)}`;
  const options = { cause: error };
  const e = error as { Code?: unknown; $retryable?: { throttling?: boolean } };
  // The modelled name and the wire code can differ (`DBInstanceNotFoundFault` vs `DBInstanceNotFound`).
  const codes = typeof e.Code === 'string' ? [name, e.Code] : [name];
  const has = (set: ReadonlySet<string>) => codes.some((c) => set.has(c));

  if (has(THROTTLING) || e.$retryable?.throttling === true) return new AwsThrottledError(text, options);
  if (codes.includes('DatabaseResumingException')) return new DatabaseResumingError(text, options);
  if (has(DATA_API_TRANSIENT)) return new DataApiUnavailableError(`${text} (the Data API cannot run it right now; retried)`, options);
  if (has(BUSY)) return new ResourceBusyError(text, options);
  const sinceCreate = context.ownCreatedAt === undefined ? undefined : (context.now ?? new Date()).getTime() - context.ownCreatedAt.getTime();
  if (has(ACCESS_DENIED) && sinceCreate !== undefined && sinceCreate < OWN_CREATE_RECENT_MS) {
    const seconds = Math.max(0, Math.round(sinceCreate / 1000));
    if (sinceCreate < OWN_CREATE_PROPAGATION_MS) {
      return new IamPropagationError(
        `[access-denied-after-create] ${text} (${seconds} s after ${context.resource ?? 'the resource'} was created by this workflow: a grant conditioned on its tags may not have propagated yet)`,
        options,
      );
    }
    return new AccessStillDeniedError(
      `[access-denied-after-create] ${text} (access still denied ${Math.floor(seconds / 60)} minutes after ${context.resource ?? 'the resource'} was created by this workflow: the grant's aws:ResourceTag condition does not match the resource's tags, or an SCP or permissions boundary denies it)`,
      options,
    );
  }
  if (has(ACCESS_DENIED)) {
    return new StepAccessDeniedError(`${text} (the step's own role lacks this permission: a deployment problem)`, options);
  }
  const principal = /Invalid principal in policy: "AWS":"([^"]+)"/.exec(describe(error))?.[1];
  if (principal !== undefined && has(MALFORMED_POLICY)) return trustPrincipalNotFound(where, principal, options);
  if (context.afterOwnCreate === true && has(NO_SUCH_ENTITY)) {
    return new IamPropagationError(`${text} (just created; IAM is eventually consistent)`, options);
  }

  const passthrough = new Error(text, options);
  passthrough.name = name;
  return passthrough;
}
