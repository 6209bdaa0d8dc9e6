// The `redpanda` output, EMULATED against the local data plane (there is no Kafka API offline): connecting checks
// what the brokers would (TLS, SASL user/mechanism/password), writing checks what a Produce request would (topic
// ACLs, then topic existence) and appends to the topic's record list. Failures log the texts benthos wraps around
// franz-go's (kerr ✅ for the Kafka error codes; the dial/EOF texts are ❓ approximate) and are retried.
import type { AclRecord } from '../redpanda-cloud/state.js';
import { interpolateMessage, type RedpandaOutputConfig } from './config.js';
import { newBackoff, type OutgoingMessage, type RunContext } from './context.js';
import { sleep, Wake } from './timing.js';

// franz-go pkg/kerr texts ("<CODE>: <description>").
export const SASL_AUTHENTICATION_FAILED = 'SASL_AUTHENTICATION_FAILED: SASL Authentication failed.';
export const TOPIC_AUTHORIZATION_FAILED = 'TOPIC_AUTHORIZATION_FAILED: Not authorized to access topics: [Topic authorization failed.]';
export const UNKNOWN_TOPIC_OR_PARTITION = 'UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition.';
/** franz-go ErrFirstReadEOF (SASL kind) ✅. */
export const SASL_MISSING = 'broker closed the connection immediately after a request was issued, which happens when SASL is required but not provided: is SASL missing?';

const SCRAM = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** Kafka ACL semantics for one operation on a topic: a matching DENY wins, else a matching ALLOW is needed. */
export function topicAclAllows(acls: readonly AclRecord[], principal: string, topic: string, operation: string): boolean {
  const matching = acls.filter(
    (a) =>
      a.resource_type === 'RESOURCE_TYPE_TOPIC' &&
      (a.resource_pattern_type === 'RESOURCE_PATTERN_TYPE_PREFIXED'
        ? topic.startsWith(a.resource_name)
        : a.resource_pattern_type === 'RESOURCE_PATTERN_TYPE_LITERAL' && (a.resource_name === topic || a.resource_name === '*')) &&
      (a.principal === principal || a.principal === 'User:*') &&
      // The pipeline's client address is not known offline: only host `*` matches it.
      a.host === '*' &&
      (a.operation === operation || a.operation === 'OPERATION_ALL'),
  );
  if (matching.some((a) => a.permission_type === 'PERMISSION_TYPE_DENY')) return false;
  return matching.some((a) => a.permission_type === 'PERMISSION_TYPE_ALLOW');
}

export class RedpandaOutputEmulation {
  private connected = false;
  private readonly dropped = new Wake();
  private readonly ready = new Wake();

  constructor(
    private readonly config: RedpandaOutputConfig,
    private readonly ctx: RunContext,
    /** What `${REDPANDA_BROKERS}` resolves to: the only address that answers. */
    private readonly brokers: string,
  ) {}

  /** Connect loop of the run: connect, stay connected until dropped, reconnect; ends when the run stops. */
  async run(): Promise<void> {
    const backoff = newBackoff(this.ctx);
    while (!this.ctx.signal.aborted) {
      if (this.connected) {
        await this.dropped.wait(this.ctx.signal);
        continue;
      }
      const error = this.connectError();
      if (error === undefined) {
        this.connected = true;
        backoff.reset();
        this.ctx.log('INFO', 'Output type redpanda is now active', 'output');
        this.ready.fire();
        continue;
      }
      this.ctx.log('ERROR', `Failed to connect to redpanda: ${error}`, 'output');
      await sleep(backoff.next(), this.ctx.signal);
    }
  }

  /** A network blip: the next write waits for a fresh connect (which re-checks the credentials). */
  drop(): void {
    this.connected = false;
    this.dropped.fire();
  }

  /** Write one message; retried until it is in the topic (true) or the run stops (false). */
  async write(message: OutgoingMessage): Promise<boolean> {
    const backoff = newBackoff(this.ctx);
    while (!this.ctx.signal.aborted) {
      if (!this.connected) {
        await this.ready.wait(this.ctx.signal);
        continue;
      }
      const topic = interpolateMessage(this.config.topic, message.metadata, message.row);
      if (topic === undefined) {
        this.ctx.log('ERROR', `rpcn-aurora pipeline emulator: cannot evaluate topic "${this.config.topic}" offline (only @meta, meta("x") and this.field interpolations are emulated); this is the emulator's limit, not a Redpanda Connect message`, 'output');
        await sleep(backoff.next(), this.ctx.signal);
        continue;
      }
      const error = this.writeError(topic);
      if (error === undefined) {
        const key = this.config.key === undefined ? null : (interpolateMessage(this.config.key, message.metadata, message.row) ?? null);
        this.ctx.state.appendMessage(topic, { key, value: message.value, headers: this.headers(message.metadata), timestamp: this.ctx.now().getTime() });
        return true;
      }
      this.ctx.log('ERROR', `Failed to send message to redpanda: ${error}`, 'output');
      await sleep(backoff.next(), this.ctx.signal);
    }
    return false;
  }

  /** benthos' metadata filter: keys matching an include prefix or pattern become record headers. */
  private headers(metadata: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(metadata)) {
      if (this.config.includePrefixes.some((p) => k.startsWith(p)) || this.config.includePatterns.some((re) => re.test(k))) out[k] = v;
    }
    return out;
  }

  /** What the client's first requests would meet (undefined: connected). Redpanda Cloud listeners need TLS and SASL/SCRAM. */
  private connectError(): string | undefined {
    const reachable = this.config.seedBrokers.some((b) => b === this.brokers);
    if (!reachable) {
      const host = (this.config.seedBrokers[0] ?? '').replace(/:\d+$/, '');
      // ❓ franz-go dial error wording.
      return `failed to connect to cluster: unable to dial: dial tcp: lookup ${host}: no such host`;
    }
    const sasl = this.config.sasl[0];
    // ❓ A plaintext client on the TLS listener: the broker drops the connection at the first request.
    if (!this.config.tlsEnabled) return sasl === undefined ? `failed to connect to cluster: ${SASL_MISSING}` : 'failed to connect to cluster: EOF';
    if (sasl === undefined || sasl.mechanism === 'none') return `failed to connect to cluster: ${SASL_MISSING}`;
    const user = this.ctx.state.users.get(sasl.username);
    // The Data Plane API stores SASL_MECHANISM_SCRAM_SHA_256; the client names it SCRAM-SHA-256.
    const userMechanism = user?.mechanism.replace(/^SASL_MECHANISM_/, '').replace(/_/g, '-');
    const ok = user !== undefined && SCRAM.includes(sasl.mechanism) && userMechanism === sasl.mechanism && user.password === sasl.password;
    return ok ? undefined : `failed to connect to cluster: ${SASL_AUTHENTICATION_FAILED}`;
  }

  /** What a Produce to `topic` would meet: authorization first (Kafka does not reveal topics), then existence. */
  private writeError(topic: string): string | undefined {
    const principal = `User:${this.config.sasl[0]?.username ?? ''}`;
    if (!topicAclAllows(this.ctx.state.acls, principal, topic, 'OPERATION_WRITE')) return TOPIC_AUTHORIZATION_FAILED;
    if (!this.ctx.state.topics.has(topic)) return UNKNOWN_TOPIC_OR_PARTITION;
    return undefined;
  }
}
