// Named errors of the Redpanda Cloud adapter. `name` is part of the contract: the state machines
// `Retry` on RedpandaThrottledError / RedpandaTransientError and `Catch` the rest by these exact names.

/** What every error of this adapter carries (never a request or response body that may hold a secret). */
export interface RedpandaErrorDetails {
  /** HTTP status; undefined for network errors, timeouts and client-side checks. */
  readonly status?: number;
  /** google.rpc.Status `code` (e.g. `NOT_FOUND`), or the OAuth `error` for the token endpoint. */
  readonly code?: string;
  /** ErrorInfo `reason` (e.g. `REASON_RESOURCE_NOT_FOUND`). */
  readonly reason?: string;
  /** `METHOD /path` of the failed call. */
  readonly request?: string;
  /** BadRequest field violations, `field: description`. */
  readonly fieldViolations?: readonly string[];
  readonly cause?: unknown;
}

export class RedpandaError extends Error {
  override name = 'RedpandaError';
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly reason: string | undefined;
  readonly request: string | undefined;
  readonly fieldViolations: readonly string[];
  /** Whether the state machine should retry this error. */
  readonly retryable: boolean = false;

  constructor(message: string, details: RedpandaErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.code = details.code;
    this.reason = details.reason;
    this.request = details.request;
    this.fieldViolations = details.fieldViolations ?? [];
  }

  /** Safe, structured view for logs and Step Functions error causes. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      code: this.code,
      reason: this.reason,
      request: this.request,
      ...(this.fieldViolations.length > 0 ? { fieldViolations: this.fieldViolations } : {}),
    };
  }
}

/** HTTP 429 from the control or data plane (rate limit). Retry later. */
export class RedpandaThrottledError extends RedpandaError {
  override name = 'RedpandaThrottledError';
  override readonly retryable = true;
  /** Seconds the server asked to wait (from `ratelimit` / `Retry-After`), when known. */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, details: RedpandaErrorDetails & { retryAfterSeconds?: number } = {}) {
    super(message, details);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** 5xx, network failure or request timeout after the client's own retries. Retry later. */
export class RedpandaTransientError extends RedpandaError {
  override name = 'RedpandaTransientError';
  override readonly retryable = true;
}

/** The organization's daily quota of token requests is used up (token endpoint 429). Not retryable before `resetAt`. */
export class RedpandaQuotaExceededError extends RedpandaError {
  override name = 'RedpandaQuotaExceededError';
  /** When the quota resets (from `Auth0-Organization-Quota-Limit` `t=`); undefined when the header was missing. */
  readonly resetAt: Date | undefined;
  readonly quota: number | undefined;
  constructor(message: string, details: RedpandaErrorDetails & { resetAt?: Date; quota?: number } = {}) {
    super(message, details);
    this.resetAt = details.resetAt;
    this.quota = details.quota;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), resetAt: this.resetAt?.toISOString(), quota: this.quota };
  }
}

/** Bad client credentials, or 401/403 from the API. Fix the service account; do not retry. */
export class RedpandaAuthError extends RedpandaError {
  override name = 'RedpandaAuthError';
}

/** 404 where the resource must exist (deletes tolerate 404 instead of throwing this). */
export class RedpandaNotFoundError extends RedpandaError {
  override name = 'RedpandaNotFoundError';
}

/** A resource with the requested name exists but is not this link's (or differs in a way the link cannot adopt). */
export class RedpandaConflictError extends RedpandaError {
  override name = 'RedpandaConflictError';
}

/**
 * Raw HTTP 409 / ALREADY_EXISTS. Get-or-create handles it internally (it is not an error there); it only
 * escapes from calls that are not get-or-create.
 */
export class RedpandaAlreadyExistsError extends RedpandaError {
  override name = 'RedpandaAlreadyExistsError';
}

/** HTTP 400 (or a request the client refuses to send): the request is wrong; retrying will not help. */
export class RedpandaValidationError extends RedpandaError {
  override name = 'RedpandaValidationError';
}

/** The cluster exists but cannot host the link (not BYOC on AWS, not ready, data plane unreachable). */
export class RedpandaClusterNotUsableError extends RedpandaError {
  override name = 'RedpandaClusterNotUsableError';
}

/** The pipeline entered STATE_ERROR; `message` includes the pipeline's `status.error`. */
export class PipelineErrorStateError extends RedpandaError {
  override name = 'PipelineErrorStateError';
  readonly pipelineId: string;
  readonly statusError: string;
  constructor(pipelineId: string, statusError: string) {
    super(`pipeline ${pipelineId} entered STATE_ERROR: ${statusError || '(no status.error given)'}`, { code: 'STATE_ERROR' });
    this.pipelineId = pipelineId;
    this.statusError = statusError;
  }
}

/** The pipeline did not reach the awaited state before the deadline. */
export class PipelineWaitTimeoutError extends RedpandaError {
  override name = 'PipelineWaitTimeoutError';
  override readonly retryable = true;
  readonly pipelineId: string;
  readonly target: string;
  readonly lastState: string;
  constructor(pipelineId: string, target: string, lastState: string, waitedMs: number) {
    super(`pipeline ${pipelineId} did not reach ${target} within ${waitedMs} ms (last state ${lastState})`);
    this.pipelineId = pipelineId;
    this.target = target;
    this.lastState = lastState;
  }
}

/** Every error name the adapter throws, for ASL `ErrorEquals` lists and tests. */
export const REDPANDA_ERROR_NAMES = [
  'RedpandaError',
  'RedpandaThrottledError',
  'RedpandaTransientError',
  'RedpandaQuotaExceededError',
  'RedpandaAuthError',
  'RedpandaNotFoundError',
  'RedpandaConflictError',
  'RedpandaAlreadyExistsError',
  'RedpandaValidationError',
  'RedpandaClusterNotUsableError',
  'PipelineErrorStateError',
  'PipelineWaitTimeoutError',
] as const;

/** Errors a state machine should `Retry` (with its own backoff). */
export const REDPANDA_RETRYABLE_ERROR_NAMES = ['RedpandaThrottledError', 'RedpandaTransientError', 'PipelineWaitTimeoutError'] as const;

interface RpcStatusBody {
  code?: unknown;
  message?: unknown;
  details?: unknown;
}

/** Pull code, message, ErrorInfo reason and BadRequest violations out of a google.rpc.Status body. */
export function parseRpcStatus(body: unknown): { code?: string; message?: string; reason?: string; fieldViolations: string[] } {
  const out: { code?: string; message?: string; reason?: string; fieldViolations: string[] } = { fieldViolations: [] };
  if (typeof body !== 'object' || body === null) return out;
  const b = body as RpcStatusBody;
  if (typeof b.code === 'string') out.code = b.code;
  else if (typeof b.code === 'number') out.code = String(b.code);
  if (typeof b.message === 'string') out.message = b.message;
  if (Array.isArray(b.details)) {
    for (const d of b.details as unknown[]) {
      if (typeof d !== 'object' || d === null) continue;
      const detail = d as Record<string, unknown>;
      if (typeof detail.reason === 'string' && out.reason === undefined) out.reason = detail.reason;
      if (Array.isArray(detail.field_violations)) {
        for (const v of detail.field_violations as Record<string, unknown>[]) {
          out.fieldViolations.push(`${String(v.field ?? '?')}: ${String(v.description ?? '')}`);
        }
      }
    }
  }
  return out;
}

/** Map a non-2xx response of the control or data plane to a named error. */
export function errorFromResponse(
  status: number,
  body: unknown,
  request: string,
  extra: { retryAfterSeconds?: number } = {},
): RedpandaError {
  const parsed = parseRpcStatus(body);
  const what = parsed.message ?? (typeof body === 'string' && body.length > 0 ? body.slice(0, 200) : `HTTP ${status}`);
  const details: RedpandaErrorDetails = {
    status,
    ...(parsed.code !== undefined ? { code: parsed.code } : {}),
    ...(parsed.reason !== undefined ? { reason: parsed.reason } : {}),
    request,
    fieldViolations: parsed.fieldViolations,
  };
  const message = `${request} failed with HTTP ${status}${parsed.code ? ` ${parsed.code}` : ''}${parsed.reason ? ` (${parsed.reason})` : ''}: ${what}${
    parsed.fieldViolations.length > 0 ? ` [${parsed.fieldViolations.join('; ')}]` : ''
  }`;
  if (status === 429) return new RedpandaThrottledError(message, { ...details, ...(extra.retryAfterSeconds !== undefined ? { retryAfterSeconds: extra.retryAfterSeconds } : {}) });
  if (status === 401 || status === 403) return new RedpandaAuthError(message, details);
  if (status === 404) return new RedpandaNotFoundError(message, details);
  if (status === 409) return new RedpandaAlreadyExistsError(message, details);
  if (status === 400 || status === 422) return new RedpandaValidationError(message, details);
  if (status >= 500 || status === 408) return new RedpandaTransientError(message, details);
  return new RedpandaError(message, details);
}

