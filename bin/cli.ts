// The operator CLI `rpcn-aurora` (bin/rpcn-aurora.js loads this file). Every command has --help and --json;
// exit codes: 0 success, 1 findings or failure, 2 bad input or usage.
import { Command, CommanderError } from 'commander';
import { CliError } from './aws/errors.js';
import { EXIT, processIo, UsageError, type Io } from './cli-support.js';
import { registerCommands } from './commands/index.js';

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('rpcn-aurora')
    .description('Wire a Redpanda Connect CDC pipeline (Redpanda BYOC) to Aurora PostgreSQL/MySQL in another AWS account with IAM database auth.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  registerCommands(program, io, setExit);
  return program;
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exitCode 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}`);
      return EXIT.usage;
    }
    if (e instanceof CliError) {
      io.err(`error: ${e.message}`);
      return e.exitCode;
    }
    io.err(`error: ${(e as Error).message ?? String(e)}`);
    return EXIT.findings;
  }
}
