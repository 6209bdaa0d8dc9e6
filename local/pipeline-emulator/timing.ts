// Small timing helpers: sleeps a stop can cut short, and benthos' reconnect backoff scaled down.

/** Sleep `ms`; resolves early (false) when `signal` aborts, true when the full time passed. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * benthos retries a failed Connect forever with exponential backoff from 100 ms up to 1 s
 * (docs/reference/redpanda-connect.md §2); here the same 1:10 curve is scaled so its maximum is `maxMs`.
 */
export class Backoff {
  private attempt = 0;
  constructor(private readonly maxMs: number) {}

  next(): number {
    const base = Math.max(1, this.maxMs / 10);
    const delay = Math.min(this.maxMs, base * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 16);
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** A one-shot wake-up that can be re-armed: `wait()` resolves at the next `fire()`. */
export class Wake {
  private waiters: (() => void)[] = [];

  wait(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      this.waiters.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  fire(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
