// The local database servers this process started, so that an exit or a signal never leaves one running or its
// temporary folder behind (a test run or a demo interrupted with Ctrl-C included).
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

interface Tracked {
  /** The server process now (a restarted server has a new one), if running. */
  readonly child: () => ChildProcess | undefined;
  /** Folder removed with the server (its data directory and whatever else it wrote). */
  readonly folder: string;
  /** Signal that stops the server at once. */
  readonly immediateStop: NodeJS.Signals;
}

const live = new Set<Tracked>();
let hooked = false;
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function stopAllNow(): void {
  for (const t of live) {
    const child = t.child();
    if (child && child.exitCode === null && child.signalCode === null) child.kill(t.immediateStop);
    rmSync(t.folder, { recursive: true, force: true, maxRetries: 3 });
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  stopAllNow();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // Die of the same signal, as the process would have without this hook.
  process.kill(process.pid, signal);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', stopAllNow);
  for (const s of SIGNALS) process.on(s, onSignal);
}

/** Track a server and its folder; returns the function that forgets it once it is stopped and its folder removed. */
export function trackServer(child: () => ChildProcess | undefined, folder: string, immediateStop: NodeJS.Signals): () => void {
  hook();
  const tracked: Tracked = { child, folder, immediateStop };
  live.add(tracked);
  return () => {
    live.delete(tracked);
  };
}

/** Wait until `child` has exited, sending `signal`; after `graceMs`, SIGKILL. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** The last lines of a server log, for an error message. */
export function tail(lines: readonly string[], count = 15): string {
  return lines.slice(-count).join('').trim();
}
