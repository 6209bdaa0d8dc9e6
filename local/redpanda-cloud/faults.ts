// Fault injection for the local Redpanda Cloud server: per-operation status codes, headers, latency, and
// "fail the next N calls". Operations are named by their OpenAPI operationId (e.g. `TopicService_CreateTopic`,
// `ClusterService_GetCluster`) or `OAuth_Token` for the token endpoint; `*` matches every operation.

export const TOKEN_OPERATION = 'OAuth_Token';

export interface FaultRule {
  /** HTTP status to answer with instead of handling the request. */
  readonly status?: number;
  /** Response body; default a google.rpc.Status matching the status (OAuth error body for the token endpoint). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Delay before answering (or before handling, when no status is set). Not time-scaled. */
  readonly latencyMs?: number;
  /** How many matching calls this rule applies to; undefined = until cleared. */
  readonly times?: number;
}

export interface FaultDecision {
  readonly latencyMs: number;
  readonly failure?: { status: number; body?: unknown; headers: Readonly<Record<string, string>> };
}

interface ActiveRule {
  readonly operation: string;
  readonly rule: FaultRule;
  remaining: number;
}

export class Faults {
  private rules: ActiveRule[] = [];

  /** Apply `rule` to `operation` (operationId, `OAuth_Token` or `*`); replaces earlier rules for it. */
  set(operation: string, rule: FaultRule): this {
    this.rules = this.rules.filter((r) => r.operation !== operation);
    this.rules.push({ operation, rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
    return this;
  }

  /** Fail the next `n` calls of `operation` (default: any operation) with `status` (default 503). */
  failNext(n: number, options: { operation?: string; status?: number; body?: unknown; headers?: Readonly<Record<string, string>> } = {}): this {
    this.rules.push({
      operation: options.operation ?? '*',
      rule: { status: options.status ?? 503, ...(options.body !== undefined ? { body: options.body } : {}), ...(options.headers ? { headers: options.headers } : {}) },
      remaining: n,
    });
    return this;
  }

  clear(): this {
    this.rules = [];
    return this;
  }

  /** Consume the first rule that applies to this call. */
  take(operation: string): FaultDecision {
    const active = this.rules.find((r) => r.remaining > 0 && (r.operation === operation || r.operation === '*'));
    if (!active) return { latencyMs: 0 };
    active.remaining--;
    if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
    const { status, body, headers, latencyMs } = active.rule;
    return {
      latencyMs: latencyMs ?? 0,
      ...(status !== undefined ? { failure: { status, ...(body !== undefined ? { body } : {}), headers: headers ?? {} } } : {}),
    };
  }
}
