// Shared plumbing of the operator CLI: exit codes, JSON output, reading inputs, the terminal.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';

/** 0 success, 1 findings or failure, 2 bad input or usage. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** An error that ends a command with exit code 2 and a one-line explanation. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The process as the commands see it: results on `out` (stdout), progress and errors on `err` (stderr). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  /** stdin is a terminal (a person can answer a prompt). @default false */
  readonly stdinIsTTY?: boolean;
  /** stdout is a terminal (tables rather than plain lines). @default false */
  readonly stdoutIsTTY?: boolean;
  /** Ask one question on the terminal; the answer without its newline. */
  prompt?(question: string): Promise<string>;
  /** Call `handler` on Ctrl-C (instead of exiting) until the returned function is called. */
  onInterrupt?(handler: () => void): () => void;
  /** @default setTimeout */
  sleep?(ms: number): Promise<void>;
  /** @default the system clock */
  now?(): Date;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  get stdinIsTTY() {
    return process.stdin.isTTY === true;
  },
  get stdoutIsTTY() {
    return process.stdout.isTTY === true;
  },
  prompt: async (question) => {
    // The question goes to stderr: stdout carries only results.
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    try {
      return (await rl.question(question)).trim();
    } finally {
      rl.close();
    }
  },
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => new Date(),
};

export const sleepOf = (io: Io) => io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
export const nowOf = (io: Io) => io.now ?? (() => new Date());
export const onInterruptOf = (io: Io) => io.onInterrupt ?? (() => () => undefined);

export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${what} "${path}": ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

export function readJsonFile(path: string, what: string): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} "${path}" is not valid JSON: ${(e as Error).message}`);
  }
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** A request the schema refuses, as `plan` and `provision` report it (the ValidateRequest step's messages). */
export function reportInvalidRequest(io: Io, file: string, issues: readonly { readonly path: string; readonly message: string }[], json: boolean): void {
  if (json) printJson(io, { file, valid: false, issues });
  else {
    io.err(`${file}: invalid request`);
    for (const issue of issues) io.err(`  ${issue.path || '(request)'}: ${issue.message}`);
  }
}
