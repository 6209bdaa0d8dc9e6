// JSON-over-HTTPS transport for the Redpanda Cloud APIs: Node 22 global fetch, per-attempt timeouts
// (AbortSignal.timeout), retries of 429 / 5xx / network errors with capped exponential backoff and full
// jitter, and the `ratelimit: limit=<n>, remaining=<n>, reset=<sec>` header (docs/reference/redpanda-cloud.md §4, inferred from
// the terraform provider). Logs method, path, status, duration and attempt only: never a body, never a
// header value (so never the bearer token).
import type { RedpandaLogger } from '../../ports/redpanda.js';
import { RedpandaError, RedpandaThrottledError, RedpandaTransientError, errorFromResponse } from './errors.js';

export interface RetryPolicy {
  /** Attempts in total, including the first. @default 4 */
  readonly maxAttempts: number;
  /** @default 200 */
  readonly baseDelayMs: number;
  /** Cap of one backoff delay. @default 5000 */
  readonly maxDelayMs: number;
  /**
   * The longest server-requested wait (ratelimit reset / Retry-After) the client sleeps in-process; a longer
   * one is thrown as RedpandaThrottledError so the state machine waits instead of the Lambda. @default 10000
   */
  readonly maxServerWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5000, maxServerWaitMs: 10_000 };

export interface HttpOptions {
  readonly logger: RedpandaLogger;
  /** Per-attempt timeout. @default 10000 */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Injected for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

export interface JsonRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Base URL (may have no path) and the API path, e.g. `/v1/topics`. */
  readonly baseUrl: string;
  readonly path: string;
  readonly query?: ReadonlyArray<readonly [string, string]>;
  readonly body?: unknown;
  /** Supplies the `Authorization` header value; called per attempt so a refreshed token is used. */
  readonly authorization?: () => Promise<string>;
  /** Called once when a request gets 401, before one retry with a fresh token. */
  readonly onUnauthorized?: () => void;
  /**
   * False for creates the server may have processed even though the answer was lost (a pipeline create
   * would then be duplicated): such requests are retried only on 429 and on connection refusal.
   * @default true
   */
  readonly idempotent?: boolean;
}

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

/** Parse `ratelimit: limit=500, remaining=0, reset=12` (IETF draft ratelimit headers). */
export function parseRateLimitHeader(value: string | null | undefined): { limit?: number; remaining?: number; resetSeconds?: number } | undefined {
  if (!value) return undefined;
  const out: { limit?: number; remaining?: number; resetSeconds?: number } = {};
  for (const part of value.split(/[,;]/)) {
    const m = /^\s*([a-z-]+)\s*=\s*"?(\d+(?:\.\d+)?)"?\s*$/i.exec(part);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const num = Number(m[2]);
    if (key === 'limit') out.limit = num;
    else if (key === 'remaining') out.remaining = num;
    else if (key === 'reset') out.resetSeconds = num;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Seconds from a `Retry-After` header (delta-seconds or HTTP date). */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Capped exponential backoff with full jitter: random in [0, min(cap, base * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Join a base URL (possibly with a path) and an API path, keeping both; add query pairs. */
export function buildUrl(baseUrl: string, path: string, query?: ReadonlyArray<readonly [string, string]>): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [k, v] of query ?? []) url.searchParams.append(k, v);
  return url.toString();
}

function isConnectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED';
}

export class HttpClient {
  private readonly logger: RedpandaLogger;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly fetchFn: typeof fetch;
  /** Per origin: do not send before this time (a `ratelimit` header said remaining=0). */
  private readonly blockedUntil = new Map<string, number>();

  constructor(options: HttpOptions) {
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async request(req: JsonRequest): Promise<JsonResponse> {
    const url = buildUrl(req.baseUrl, req.path, req.query);
    const origin = new URL(url).origin;
    const label = `${req.method} ${req.path}`;
    const idempotent = req.idempotent ?? true;
    let refreshedAuth = false;
    for (let attempt = 1; ; attempt++) {
      await this.waitForRateLimit(origin, label);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (req.body !== undefined) headers['content-type'] = 'application/json';
      if (req.authorization) headers.authorization = await req.authorization();
      const started = this.now();
      let response: Response;
      try {
        response = await this.fetchFn(url, {
          method: req.method,
          headers,
          ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        const durationMs = this.now() - started;
        const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
        const kind = timedOut ? `timed out after ${this.timeoutMs} ms` : `network error: ${(err as Error).message}`;
        const retry = attempt < this.policy.maxAttempts && (idempotent || isConnectionRefused(err));
        this.logger.warn('redpanda request failed', { method: req.method, path: req.path, attempt, durationMs, error: kind, willRetry: retry });
        if (retry) {
          await this.sleep(backoffDelay(attempt, this.policy, this.random));
          continue;
        }
        throw new RedpandaTransientError(`${label} ${kind}`, {
          request: label,
          code: timedOut ? 'DEADLINE_EXCEEDED' : 'UNAVAILABLE',
          reason: timedOut ? 'CLIENT_TIMEOUT' : 'NETWORK_ERROR',
          cause: err,
        });
      }
      const durationMs = this.now() - started;
      const rate = parseRateLimitHeader(response.headers.get('ratelimit'));
      if (rate?.remaining === 0 && rate.resetSeconds !== undefined) {
        this.blockedUntil.set(origin, this.now() + (rate.resetSeconds + 1) * 1000);
      }
      const body = await readBody(response);
      const attrs = { method: req.method, path: req.path, status: response.status, durationMs, attempt };
      if (response.ok) {
        this.logger.debug('redpanda request', attrs);
        return { status: response.status, body, headers: response.headers };
      }
      if (response.status === 401 && req.onUnauthorized && !refreshedAuth) {
        // A cached token may have been revoked or expired early: fetch a new one once.
        refreshedAuth = true;
        req.onUnauthorized();
        this.logger.info('redpanda request unauthorized; retrying with a fresh token', attrs);
        attempt--;
        continue;
      }
      const retryAfter = rate?.resetSeconds ?? parseRetryAfter(response.headers.get('retry-after'), this.now());
      const error = errorFromResponse(response.status, body, label, retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {});
      const transient = response.status === 429 || response.status >= 500;
      const retry = transient && attempt < this.policy.maxAttempts && (idempotent || response.status === 429);
      this.logger[transient ? 'warn' : 'info']('redpanda request rejected', { ...attrs, code: error.code, reason: error.reason, willRetry: retry });
      if (!retry) throw error;
      if (response.status === 429 && retryAfter !== undefined) {
        const waitMs = retryAfter * 1000;
        if (waitMs > this.policy.maxServerWaitMs) {
          throw new RedpandaThrottledError(`${error.message}; server asks to wait ${retryAfter} s`, {
            status: 429,
            ...(error.code !== undefined ? { code: error.code } : {}),
            ...(error.reason !== undefined ? { reason: error.reason } : {}),
            request: label,
            retryAfterSeconds: retryAfter,
          });
        }
        await this.sleep(Math.max(waitMs, backoffDelay(attempt, this.policy, this.random)));
      } else {
        await this.sleep(backoffDelay(attempt, this.policy, this.random));
      }
    }
  }

  private async waitForRateLimit(origin: string, label: string): Promise<void> {
    const until = this.blockedUntil.get(origin);
    if (until === undefined) return;
    const waitMs = until - this.now();
    if (waitMs <= 0) {
      this.blockedUntil.delete(origin);
      return;
    }
    if (waitMs > this.policy.maxServerWaitMs) {
      throw new RedpandaThrottledError(`${label} not sent: rate limit of ${origin} resets in ${Math.ceil(waitMs / 1000)} s`, {
        request: label,
        retryAfterSeconds: Math.ceil(waitMs / 1000),
      });
    }
    this.logger.info('redpanda rate limit reached; waiting for reset', { origin, waitMs });
    await this.sleep(waitMs);
    this.blockedUntil.delete(origin);
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Strictly require a JSON object body (used where the wire does not wrap). */
export function expectObject(body: unknown, request: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RedpandaError(`${request}: expected a JSON object in the response, got ${body === undefined ? 'no body' : typeof body}`, { request });
  }
  return body as Record<string, unknown>;
}
