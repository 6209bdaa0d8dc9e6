// Redpanda Cloud adapter: implements the RedpandaCloud port over HTTPS. Base URLs are options so the
// local server (`local/redpanda-cloud/`) can be targeted; the defaults are production (docs/reference/redpanda-cloud.md §1, §2).
import type { CloudOperation, RedpandaCloud, RedpandaCluster, RedpandaDataPlane, RedpandaLogger, SharedTokenStore, WaitOptions } from '../../ports/redpanda.js';
import { DEFAULT_AUDIENCE, DEFAULT_AUTH_URL, TokenProvider, type ClientCredentials } from './auth.js';
import { ControlPlane, DEFAULT_CONTROL_PLANE_URL } from './control-plane.js';
import { DataPlane } from './data-plane.js';
import { HttpClient, buildUrl, type RetryPolicy } from './http.js';

export * from './errors.js';
export { resetTokenCache, sharedTokenKey, inMemoryTokenStore, parseQuotaHeader, DEFAULT_AUTH_URL, DEFAULT_AUDIENCE, type ClientCredentials } from './auth.js';
export { parseRateLimitHeader, parseRetryAfter, backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './http.js';
export { DEFAULT_CONTROL_PLANE_URL, usabilityProblems, parseCluster } from './control-plane.js';
export { parsePipeline, linkUserName, ownershipLabels } from './data-plane.js';

export interface RedpandaCloudClientOptions {
  readonly credentials: ClientCredentials | (() => Promise<ClientCredentials>);
  readonly logger: RedpandaLogger;
  /** Where the steps share one API token (by reference); without it this client mints its own. */
  readonly sharedToken?: SharedTokenStore;
  /** @default 'https://auth.prd.cloud.redpanda.com/oauth/token' */
  readonly authUrl?: string;
  /** @default 'cloudv2-production.redpanda.cloud' */
  readonly audience?: string;
  /** @default 'https://api.redpanda.com' */
  readonly controlPlaneUrl?: string;
  /** Per-request timeout. @default 10000 */
  readonly timeoutMs?: number;
  /** Timeout of the reachability probe of a private data plane. @default 3000 */
  readonly probeTimeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Defaults for pipeline state waits. */
  readonly wait?: WaitOptions;
  /** Injected for tests (time, jitter). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RedpandaCloudClient implements RedpandaCloud {
  private readonly http: HttpClient;
  private readonly tokens: TokenProvider;
  private readonly control: ControlPlane;
  private readonly dataPlanes = new Map<string, DataPlane>();
  private readonly authorization: () => Promise<string>;
  private readonly onUnauthorized: () => void;

  constructor(private readonly options: RedpandaCloudClientOptions) {
    const sleep = options.sleep ?? realSleep;
    const shared = {
      logger: options.logger,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      sleep,
      ...(options.now ? { now: options.now } : {}),
      ...(options.random ? { random: options.random } : {}),
    };
    this.http = new HttpClient(shared);
    this.tokens = new TokenProvider({
      ...shared,
      credentials: options.credentials,
      authUrl: options.authUrl ?? DEFAULT_AUTH_URL,
      audience: options.audience ?? DEFAULT_AUDIENCE,
      ...(options.sharedToken ? { shared: options.sharedToken } : {}),
    });
    this.authorization = () => this.tokens.authorization();
    this.onUnauthorized = () => this.tokens.invalidate();
    this.control = new ControlPlane({
      http: this.http,
      baseUrl: options.controlPlaneUrl ?? DEFAULT_CONTROL_PLANE_URL,
      authorization: this.authorization,
      onUnauthorized: this.onUnauthorized,
      logger: options.logger,
      probeDataPlane: (url) => this.probe(url),
    });
  }

  getCluster(clusterId: string): Promise<RedpandaCluster> {
    return this.control.getCluster(clusterId);
  }

  describeCluster(clusterId: string): Promise<RedpandaCluster> {
    return this.control.describeCluster(clusterId);
  }

  updateAllowedDestinations(clusterId: string, entries: readonly { cidr: string; portStart: number; portEnd: number }[]): Promise<CloudOperation> {
    return this.control.updateAllowedDestinations(clusterId, entries);
  }

  getOperation(operationId: string): Promise<CloudOperation> {
    return this.control.getOperation(operationId);
  }

  async waitForOperation(operationId: string, options: WaitOptions = {}): Promise<CloudOperation> {
    const sleep = this.options.sleep ?? realSleep;
    const now = this.options.now ?? Date.now;
    const deadline = now() + (options.timeoutMs ?? this.options.wait?.timeoutMs ?? 120_000);
    const maxDelayMs = options.maxDelayMs ?? this.options.wait?.maxDelayMs ?? 15_000;
    let delay = options.initialDelayMs ?? this.options.wait?.initialDelayMs ?? 1_000;
    for (;;) {
      const operation = await this.control.getOperation(operationId);
      const remaining = deadline - now();
      if (operation.state !== 'STATE_IN_PROGRESS' || remaining <= 0) return operation;
      await sleep(Math.min(delay, remaining));
      delay = Math.min(maxDelayMs, delay * 2);
    }
  }

  getNetworkCidr(networkId: string): Promise<string | undefined> {
    return this.control.getNetworkCidr(networkId);
  }

  dataPlane(dataplaneApiUrl: string): RedpandaDataPlane {
    const url = dataplaneApiUrl.replace(/\/+$/, '');
    let dp = this.dataPlanes.get(url);
    if (!dp) {
      dp = new DataPlane({
        url,
        http: this.http,
        authorization: this.authorization,
        onUnauthorized: this.onUnauthorized,
        logger: this.options.logger,
        sleep: this.options.sleep ?? realSleep,
        now: this.options.now ?? Date.now,
        random: this.options.random ?? Math.random,
        ...(this.options.wait ? { wait: this.options.wait } : {}),
      });
      this.dataPlanes.set(url, dp);
    }
    return dp;
  }

  /** Undefined when the data plane answers at all (any HTTP status); else why not. One try, short timeout. */
  private async probe(url: string): Promise<string | undefined> {
    const timeoutMs = this.options.probeTimeoutMs ?? 3000;
    try {
      await fetch(buildUrl(url, '/v1/topics', [['page_size', '1']]), {
        headers: { authorization: await this.authorization(), accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      return undefined;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
      return e.cause?.code ?? e.message;
    }
  }
}

export function createRedpandaCloud(options: RedpandaCloudClientOptions): RedpandaCloud {
  return new RedpandaCloudClient(options);
}
