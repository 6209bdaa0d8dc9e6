// OAuth2 client-credentials token for Redpanda Cloud (docs/reference/redpanda-cloud.md §1). The token endpoint has a
// per-organization daily quota, so one token serves every step: a client keeps it in memory (a warm Lambda reuses
// it) and, given a SharedTokenStore, reads the one the other steps minted before minting its own and stores what it
// mints. A token within `refreshMarginMs` of expiry is not used; one the API refused (401) is never read back.
// Concurrent callers of one client share one request. A 429 becomes RedpandaQuotaExceededError with the reset time
// from `Auth0-Organization-Quota-Limit`, and until then no further token request is sent (no tight loop). The
// request body holds the client secret and the response and the store the token: neither is ever logged.
import { createHash } from 'node:crypto';
import type { RedpandaLogger, SharedApiToken, SharedTokenStore } from '../../ports/redpanda.js';
import { RedpandaAuthError, RedpandaError, RedpandaQuotaExceededError, RedpandaTransientError } from './errors.js';
import { DEFAULT_RETRY_POLICY, backoffDelay, type RetryPolicy } from './http.js';

export const DEFAULT_AUTH_URL = 'https://auth.prd.cloud.redpanda.com/oauth/token';
export const DEFAULT_AUDIENCE = 'cloudv2-production.redpanda.cloud';

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface TokenProviderOptions {
  /** Credentials, or a function that loads them (e.g. from Secrets Manager) when first needed. */
  readonly credentials: ClientCredentials | (() => Promise<ClientCredentials>);
  /** @default DEFAULT_AUTH_URL */
  readonly authUrl?: string;
  /** @default DEFAULT_AUDIENCE */
  readonly audience?: string;
  readonly logger: RedpandaLogger;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** Refresh this long before expiry (capped at half the token's lifetime). @default 300000 */
  readonly refreshMarginMs?: number;
  /** Where the steps share one token; without it each client mints its own. */
  readonly shared?: SharedTokenStore;
  readonly retry?: Partial<RetryPolicy>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** Parse `Auth0-Organization-Quota-Limit: b=per_day;q=100;r=83;t=43200`. */
export function parseQuotaHeader(value: string | null | undefined): { bucket?: string; quota?: number; remaining?: number; resetSeconds?: number } | undefined {
  if (!value) return undefined;
  const out: { bucket?: string; quota?: number; remaining?: number; resetSeconds?: number } = {};
  for (const part of value.split(/[;,]/)) {
    const [rawKey, rawValue] = part.split('=').map((s) => s.trim());
    if (!rawKey || rawValue === undefined) continue;
    if (rawKey === 'b') out.bucket = rawValue;
    else if (rawKey === 'q' && /^\d+$/.test(rawValue)) out.quota = Number(rawValue);
    else if (rawKey === 'r' && /^\d+$/.test(rawValue)) out.remaining = Number(rawValue);
    else if (rawKey === 't' && /^\d+$/.test(rawValue)) out.resetSeconds = Number(rawValue);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

interface CachedToken {
  readonly accessToken: string;
  readonly expiresAt: number;
  readonly refreshAt: number;
}

/** Quota exhausted until this time, per organization key (auth URL, audience, client id). */
const quotaBlockedUntil = new Map<string, { until: number; quota?: number }>();

/** Test hook: forget every quota block (a cold start). Tokens live in their client. */
export function resetTokenCache(): void {
  quotaBlockedUntil.clear();
}

/** The shared store's key: a hash, so the store names no client id. */
export function sharedTokenKey(authUrl: string, audience: string, clientId: string): string {
  return createHash('sha256').update(`${authUrl}|${audience}|${clientId}`).digest('hex');
}

/** A store in this process only: lets two clients of one command (the CLI) share a token. */
export function inMemoryTokenStore(): SharedTokenStore {
  let entry: SharedApiToken | undefined;
  return {
    read: async () => entry,
    write: async (token) => {
      entry = token;
    },
  };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class TokenProvider {
  private readonly authUrl: string;
  private readonly audience: string;
  private readonly logger: RedpandaLogger;
  private readonly timeoutMs: number;
  private readonly refreshMarginMs: number;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private credentials: ClientCredentials | undefined;
  private readonly loadCredentials: () => Promise<ClientCredentials>;
  private readonly shared: SharedTokenStore | undefined;
  private cached: CachedToken | undefined;
  private pending: Promise<CachedToken> | undefined;
  /** The last token the API refused: the shared store may still hold it. */
  private refused: string | undefined;

  constructor(options: TokenProviderOptions) {
    this.authUrl = options.authUrl ?? DEFAULT_AUTH_URL;
    this.audience = options.audience ?? DEFAULT_AUDIENCE;
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.refreshMarginMs = options.refreshMarginMs ?? 300_000;
    this.shared = options.shared;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    const creds = options.credentials;
    this.loadCredentials = typeof creds === 'function' ? creds : async () => creds;
  }

  /** `Bearer <token>`, from the cache when still fresh. */
  async authorization(): Promise<string> {
    return `Bearer ${(await this.token()).accessToken}`;
  }

  /** Drop the cached token (after a 401) so the next call mints a new one rather than reading it back. */
  invalidate(): void {
    if (this.cached) this.refused = this.cached.accessToken;
    this.cached = undefined;
  }

  private cacheKey(c: ClientCredentials): string {
    return `${this.authUrl}|${this.audience}|${c.clientId}`;
  }

  private async token(): Promise<CachedToken> {
    this.credentials ??= await this.loadCredentials();
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached;
    this.pending ??= this.obtain(this.cacheKey(this.credentials), this.credentials)
      .then((token) => {
        this.cached = token;
        return token;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  private refreshAt(issuedAt: number, expiresAt: number): number {
    return expiresAt - Math.min(this.refreshMarginMs, (expiresAt - issuedAt) / 2);
  }

  /** The shared token when it is this client's and fresh, else a new one (then shared). */
  private async obtain(key: string, creds: ClientCredentials): Promise<CachedToken> {
    const sharedKey = sharedTokenKey(this.authUrl, this.audience, creds.clientId);
    if (this.shared) {
      try {
        const stored = await this.shared.read();
        const now = this.now();
        if (stored && stored.key === sharedKey && stored.accessToken !== this.refused && now < stored.expiresAt - this.refreshMarginMs) {
          this.logger.debug('redpanda token from the shared store', { expiresAt: new Date(stored.expiresAt).toISOString() });
          return { accessToken: stored.accessToken, expiresAt: stored.expiresAt, refreshAt: stored.expiresAt - this.refreshMarginMs };
        }
      } catch (err) {
        // Minting is the normal path: an unreadable store costs a token, not the step.
        this.logger.warn('redpanda shared token store unreadable; minting a token', { errorName: (err as Error).name });
      }
    }
    const token = await this.fetchToken(key, creds);
    if (this.shared) {
      try {
        await this.shared.write({ key: sharedKey, accessToken: token.accessToken, expiresAt: token.expiresAt });
      } catch (err) {
        this.logger.warn('redpanda shared token store not writable; the token is kept by this function only', { errorName: (err as Error).name });
      }
    }
    return token;
  }

  private async fetchToken(key: string, creds: ClientCredentials): Promise<CachedToken> {
    const blocked = quotaBlockedUntil.get(key);
    if (blocked && this.now() < blocked.until) {
      throw new RedpandaQuotaExceededError(
        `Redpanda Cloud token quota of the organization is exhausted; it resets at ${new Date(blocked.until).toISOString()} (not requesting again before then)`,
        { status: 429, code: 'too_many_requests', request: 'POST /oauth/token', resetAt: new Date(blocked.until), ...(blocked.quota !== undefined ? { quota: blocked.quota } : {}) },
      );
    }
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
      audience: this.audience,
    });
    const path = new URL(this.authUrl).pathname;
    const label = `POST ${path}`;
    for (let attempt = 1; ; attempt++) {
      const started = this.now();
      let response: Response;
      try {
        response = await fetch(this.authUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form.toString(),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
        const kind = timedOut ? `timed out after ${this.timeoutMs} ms` : `network error: ${(err as Error).message}`;
        const retry = attempt < this.policy.maxAttempts;
        this.logger.warn('redpanda token request failed', { path, attempt, durationMs: this.now() - started, error: kind, willRetry: retry });
        if (retry) {
          await this.sleep(backoffDelay(attempt, this.policy, this.random));
          continue;
        }
        throw new RedpandaTransientError(`${label} ${kind}`, { request: label, reason: timedOut ? 'CLIENT_TIMEOUT' : 'NETWORK_ERROR', cause: err });
      }
      const durationMs = this.now() - started;
      const quota = parseQuotaHeader(response.headers.get('auth0-organization-quota-limit'));
      const text = await response.text();
      let body: Record<string, unknown> = {};
      try {
        const parsed = JSON.parse(text) as unknown;
        if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
      } catch {
        // non-JSON error page; handled by status below
      }
      // Only status, timing and the quota counters are logged: never the form or the token.
      this.logger.debug('redpanda token request', {
        path,
        status: response.status,
        durationMs,
        attempt,
        ...(quota?.remaining !== undefined ? { quotaRemaining: quota.remaining } : {}),
      });
      if (response.ok) {
        const accessToken = body.access_token;
        const expiresIn = body.expires_in;
        if (typeof accessToken !== 'string' || accessToken.length === 0) {
          throw new RedpandaError(`${label}: response has no access_token`, { status: response.status, request: label });
        }
        const lifetimeMs = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn * 1000 : 3_600_000;
        const now = this.now();
        const token: CachedToken = { accessToken, expiresAt: now + lifetimeMs, refreshAt: this.refreshAt(now, now + lifetimeMs) };
        if (quota?.remaining !== undefined && quota.quota !== undefined && quota.remaining < quota.quota * 0.1) {
          this.logger.warn('redpanda token quota running low', { quotaRemaining: quota.remaining, quota: quota.quota });
        }
        return token;
      }
      const oauthError = typeof body.error === 'string' ? body.error : undefined;
      const description = typeof body.error_description === 'string' ? body.error_description : `HTTP ${response.status}`;
      const details = { status: response.status, ...(oauthError !== undefined ? { code: oauthError } : {}), request: label };
      if (response.status === 429) {
        const exhausted = quota?.remaining === 0 || /quota/i.test(description);
        if (exhausted || attempt >= this.policy.maxAttempts) {
          const resetAt = quota?.resetSeconds !== undefined ? new Date(this.now() + quota.resetSeconds * 1000) : undefined;
          if (resetAt) quotaBlockedUntil.set(key, { until: resetAt.getTime(), ...(quota?.quota !== undefined ? { quota: quota.quota } : {}) });
          throw new RedpandaQuotaExceededError(
            `Redpanda Cloud token request refused (429 ${oauthError ?? ''}: ${description})${resetAt ? `; the quota resets at ${resetAt.toISOString()}` : ''}`,
            { ...details, ...(resetAt ? { resetAt } : {}), ...(quota?.quota !== undefined ? { quota: quota.quota } : {}) },
          );
        }
        await this.sleep(backoffDelay(attempt, this.policy, this.random));
        continue;
      }
      if (response.status >= 500 && attempt < this.policy.maxAttempts) {
        await this.sleep(backoffDelay(attempt, this.policy, this.random));
        continue;
      }
      if (response.status >= 500) throw new RedpandaTransientError(`${label} failed with HTTP ${response.status}: ${description}`, details);
      throw new RedpandaAuthError(
        `Redpanda Cloud refused the service account credentials (HTTP ${response.status} ${oauthError ?? ''}: ${description}); check the client id and secret and the audience ${this.audience}`,
        details,
      );
    }
  }
}
