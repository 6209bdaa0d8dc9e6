// `rpcn-aurora demo`: provision the example link in the offline twin, stream CDC rows, optionally break and
// heal the IAM chain (--drift), and tear everything down (local/demo.ts).
import { Option, type Command } from 'commander';
import { EXIT, printJson, type Io } from '../cli-support.js';

export function registerDemo(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('Run the real Provision and Teardown state machines offline against the twin, and watch CDC rows arrive.')
    .addOption(new Option('--engine <engine>', 'which example to provision').choices(['aurora-postgresql', 'aurora-mysql']).default('aurora-postgresql'))
    .addOption(
      new Option('--identity <mode>', "the link's identity mode: access-key (a key in Redpanda secrets), or pipeline-role (the walkthrough's IRSA chain, on a cluster that still gives pipelines a pod identity)")
        .choices(['access-key', 'pipeline-role'])
        .default('access-key'),
    )
    .addOption(
      new Option('--network <mode>', "how the pipeline reaches the database: public (the cluster's security group admits the Redpanda egress addresses) or private (VPC peering, through the cluster's egress allowlist)")
        .choices(['public', 'private'])
        .default('public'),
    )
    .option('--drift', "after provisioning, break the chain behind the link's back (access-key: delete its key; pipeline-role: delete the role policy) and watch Validate detect and heal it")
    .option('--rotate', 'after provisioning, rotate the access key while rows keep arriving (access-key only)')
    .option('--rows <n>', 'rows the demo application inserts', (v) => Number.parseInt(v, 10), 3)
    .option('--json', 'print the result (timings, transitions, summary) as JSON instead of the live view')
    .addHelpText('after', '\nExit codes: 0 the demo ran end to end, 1 a workflow failed (the output says which step and why).')
    .action(async (flags: { engine: 'aurora-postgresql' | 'aurora-mysql'; identity: 'access-key' | 'pipeline-role'; network: 'public' | 'private'; drift?: boolean; rotate?: boolean; rows: number; json?: boolean }) => {
      if (flags.rotate && flags.identity !== 'access-key') {
        io.err('error: --rotate needs --identity access-key: only an access key is rotated');
        setExit(EXIT.usage);
        return;
      }
      // The steps' Powertools JSON logs would drown the live view; POWERTOOLS_LOG_LEVEL=INFO shows them.
      process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
      // Loaded lazily (and after the line above): the twin pulls in the databases, the engine and the logger.
      const { runDemo } = await import('../../local/demo.js');
      const lines: string[] = [];
      const result = await runDemo({
        engine: flags.engine,
        identity: flags.identity,
        network: flags.network,
        drift: flags.drift === true,
        rotate: flags.rotate === true,
        rows: Number.isInteger(flags.rows) && flags.rows > 0 ? flags.rows : 3,
        out: flags.json ? (line) => lines.push(line) : (line) => io.out(line),
      });
      if (flags.json) {
        printJson(io, {
          ok: result.ok,
          wallMs: result.wallMs,
          rowsReceived: result.rowsReceived,
          provision: result.provision && { status: result.provision.status, transitions: result.provision.transitions, durationMs: result.provision.durationMs },
          teardown: result.teardown && { status: result.teardown.status, transitions: result.teardown.transitions, durationMs: result.teardown.durationMs },
          summary: result.summary,
          drift: result.drift,
          rotation: result.rotation,
          failure: result.failure,
        });
      }
      if (!result.ok) setExit(EXIT.findings);
    });
}
