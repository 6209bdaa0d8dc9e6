// The commands that drive a deployed link: provision, watch, validate, rotate, teardown. Each starts (or
// finds) an execution of the deployment's state machine and follows it live (run.ts); results on stdout,
// progress and errors on stderr.
import type { Command } from 'commander';
import { linkNames } from '../../lambdas/core/naming.js';
import { parseRequest } from '../../lambdas/core/request.js';
import type { LinkRecord } from '../../lambdas/ports/registry.js';
import { CliError } from '../aws/errors.js';
import { latestExecutionOf, parseExecutionArn } from '../aws/executions.js';
import { addAwsOptions, connect, type AwsFlags } from '../aws/session.js';
import { EXIT, printJson, readJsonFile, reportInvalidRequest, type Io } from '../cli-support.js';
import { startAndWatch, watchAndReport } from './run.js';

interface RunFlags extends AwsFlags {
  readonly json?: boolean;
  /** commander's `--no-watch`. */
  readonly watch?: boolean;
}

const LINK_NAME = /^[a-z][a-z0-9-]{2,30}$/;

function checkedLink(link: string): string {
  if (!LINK_NAME.test(link)) throw new CliError(`"${link}" is not a link name (3-31 characters of a-z, 0-9 and -, starting with a letter)`, EXIT.usage);
  return link;
}

const EXIT_HELP = '\nExit codes: 0 the workflow succeeded, 1 it failed (the step, its error and the diagnosis are printed) or watching was stopped, 2 bad input.';

export function registerOperate(program: Command, io: Io, setExit: (code: number) => void): void {
  addAwsOptions(
    program
      .command('provision')
      .description('Validate a request locally, start the deployed Provision state machine with it, and follow each step live.')
      .argument('<request.json>', 'the request (docs/request.md, examples/)')
      .option('--no-watch', 'start it and print the execution ARN and the watch command, without following it')
      .option('--json', 'print the result (execution ARN, status, link summary or failure) as JSON'),
  )
    .addHelpText('after', `\nExample:\n  rpcn-aurora provision examples/postgres.json --profile db\n${EXIT_HELP}`)
    .action(async (file: string, flags: RunFlags) => {
      const raw = readJsonFile(file, 'request');
      const parsed = parseRequest(raw);
      if (!parsed.ok) {
        // Nothing is started, and no AWS call made.
        reportInvalidRequest(io, file, parsed.issues, flags.json === true);
        setExit(EXIT.usage);
        return;
      }
      const d = await connect(flags);
      setExit(await startAndWatch(io, d, { workflow: 'Provision', link: parsed.request.name, input: raw, watch: flags.watch !== false, json: flags.json === true }));
    });

  addAwsOptions(
    program
      .command('watch')
      .description("Follow an execution live: a link's newest (running first) or one by its ARN. Ctrl-C stops watching, never the execution.")
      .argument('<link|execution-arn>', 'a link name, or the ARN of an execution')
      .option('--json', 'print the result as JSON'),
  )
    .addHelpText('after', `\nExamples:\n  rpcn-aurora watch orders --profile db\n  rpcn-aurora watch arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-provision:provision-orders-20260105T0930\n${EXIT_HELP}`)
    .action(async (target: string, flags: RunFlags) => {
      let arn: string | undefined;
      if (target.startsWith('arn:')) {
        const parsed = parseExecutionArn(target);
        if (!parsed) throw new CliError(`"${target}" is not a Step Functions execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>)`, EXIT.usage);
        arn = target;
        flags = { ...flags, region: flags.region ?? parsed.region };
      }
      const d = await connect(flags);
      if (!arn) {
        const link = checkedLink(target);
        await d.link(link);
        arn = await latestExecutionOf(d, link);
        if (!arn) throw new CliError(`link "${link}" has no execution of this deployment's state machines to watch (the newest 100 of each were searched)`);
        io.err(`Watching ${parseExecutionArn(arn)?.name ?? arn}`);
        io.err(`  ${arn}`);
      }
      setExit(await watchAndReport(io, d, arn, flags.json === true));
    });

  for (const workflow of ['Validate', 'Rotate'] as const) {
    const what =
      workflow === 'Validate'
        ? 'Validate a link now (its IAM chain, database and pipeline; heals what it may) and follow it live.'
        : "Rotate a link's credentials with the deployed Rotate workflow and follow it live.";
    addAwsOptions(
      program
        .command(workflow.toLowerCase())
        .description(what)
        .argument('<link>', 'the link name')
        .option('--no-watch', 'start it and print the execution ARN and the watch command, without following it')
        .option('--json', 'print the result as JSON'),
    )
      .addHelpText(
        'after',
        `\nExample:\n  rpcn-aurora ${workflow.toLowerCase()} orders --profile db\n${workflow === 'Validate' ? EXIT_HELP.replace('0 the workflow succeeded', '0 the link is healthy, 1 drifted or unknown, or the workflow failed') : EXIT_HELP}`,
      )
      .action(async (link: string, flags: RunFlags) => {
        checkedLink(link);
        const d = await connect(flags);
        // Before anything is started: the deployment has the workflow, and the link exists.
        d.stateMachineArn(workflow);
        await d.link(link);
        const input = workflow === 'Validate' ? { link, trigger: 'manual' } : { link };
        setExit(await startAndWatch(io, d, { workflow, link, input, watch: flags.watch !== false, json: flags.json === true }));
      });
  }

  addAwsOptions(
    program
      .command('teardown')
      .description('Delete what a link created (its ownership ledger in the registry says what), after showing it and asking to confirm.')
      .argument('<link>', 'the link name')
      .option('--keep-topic', "keep the link's topic (and its data)")
      .option('--skip-final-snapshot', 'delete the cluster without a final snapshot')
      .option('-y, --yes', 'do not ask (required when stdin is not a terminal)')
      .option('--no-watch', 'start it and print the execution ARN and the watch command, without following it')
      .option('--json', 'print the result as JSON'),
  )
    .addHelpText('after', `\nExamples:\n  rpcn-aurora teardown orders --profile db\n  rpcn-aurora teardown orders --keep-topic --yes --profile db\n${EXIT_HELP}`)
    .action(async (link: string, flags: RunFlags & { keepTopic?: boolean; skipFinalSnapshot?: boolean; yes?: boolean }) => {
      checkedLink(link);
      const d = await connect(flags);
      const record = await d.link(link);
      if (record.status === 'deleted') {
        io.err(`link "${link}" was torn down already (${record.updatedAt}): nothing to delete`);
        if (flags.json) printJson(io, { link, status: 'deleted', started: false });
        return;
      }
      const plan = teardownPlan(record, { keepTopic: flags.keepTopic === true, skipFinalSnapshot: flags.skipFinalSnapshot === true });
      io.err(`Teardown of link "${link}" (${record.status}) in account ${record.dbAccountId}, ${record.region}:`);
      io.err('  will delete (what the link created, as its registry record and tags say):');
      for (const item of plan.delete) io.err(`    - ${item}`);
      if (plan.delete.length === 0) io.err('    (nothing: the record owns no resources)');
      io.err('  will keep:');
      for (const item of plan.keep) io.err(`    - ${item}`);
      if (flags.yes !== true) {
        if (io.stdinIsTTY !== true || !io.prompt) {
          throw new CliError(`refusing to tear down link "${link}" without --yes: stdin is not a terminal, so nobody can confirm`, EXIT.usage);
        }
        const answer = await io.prompt(`Type the link name (${link}) to tear it down: `);
        if (answer !== link) {
          io.err('Not confirmed: nothing was started.');
          setExit(EXIT.findings);
          return;
        }
      }
      const input = { link, ...(flags.keepTopic ? { keepTopic: true } : {}), ...(flags.skipFinalSnapshot ? { skipFinalSnapshot: true } : {}) };
      setExit(await startAndWatch(io, d, { workflow: 'Teardown', link, input, watch: flags.watch !== false, json: flags.json === true }));
    });
}

/** What Teardown will delete and keep for this record (mirrors the Teardown steps over the ownership ledger). */
export function teardownPlan(record: LinkRecord, options: { keepTopic: boolean; skipFinalSnapshot: boolean }): { delete: string[]; keep: string[] } {
  const { owned, request } = record;
  const names = linkNames(request, record.dbAccountId);
  const del: string[] = [];
  const keep: string[] = [];
  if (owned.pipelineId) del.push(`Redpanda Connect pipeline ${names.pipelineDisplayName} (${owned.pipelineId})`);
  if (owned.redpandaSecrets?.length) del.push(`Redpanda secrets ${owned.redpandaSecrets.join(', ')}`);
  if (request.identity.mode === 'access-key' && record.accessKey?.current) {
    const slot = record.accessKey.current.slot;
    del.push(`Redpanda secrets ${names.redpandaSecrets.accessKeyId[slot]}, ${names.redpandaSecrets.secretAccessKey[slot]} (the connector user's key)`);
  }
  if (owned.acls) del.push(`the ACLs of User:${names.redpandaUser}`);
  if (owned.redpandaUser) del.push(`Redpanda user ${owned.redpandaUser}`);
  const topics: [string, boolean][] = [[request.redpanda.topic, owned.topic === request.redpanda.topic]];
  if (request.engine === 'aurora-mysql') topics.push([names.checkpointTopic, owned.checkpointTopic === names.checkpointTopic]);
  for (const [topic, created] of topics) {
    if (!created) keep.push(`topic ${topic} (it existed before the link)`);
    else if (options.keepTopic && topic === request.redpanda.topic) keep.push(`topic ${topic} (--keep-topic)`);
    else del.push(`topic ${topic} and its data`);
  }
  if (owned.saslPasswordSecret) del.push(`Secrets Manager secret ${owned.saslPasswordSecret}`);
  if (owned.slot) del.push(`replication slot ${owned.slot}`);
  if (owned.publication) del.push(`publication ${owned.publication}`);
  if (owned.databaseUser) del.push(`database user ${owned.databaseUser}`);
  else keep.push(`database user ${request.cdc.user} (it existed before the link; only the link's grants go)`);
  if (owned.pipelineRolePolicy) {
    const role = request.identity.mode === 'self-managed' && request.identity.roleArn ? request.identity.roleArn : `${names.pipelineRole} (account ${request.redpanda.accountId})`;
    del.push(`inline policy ${owned.pipelineRolePolicy} on ${role}`);
  }
  if (owned.connectorUser) {
    const keys = [record.accessKey?.current?.accessKeyId, record.accessKey?.pending?.accessKeyId].filter(Boolean);
    del.push(`IAM user ${owned.connectorUser} with its policy and ${keys.length > 0 ? `access key ${keys.join(', ')}` : 'access keys'}`);
  }
  if (owned.dbConnectRole) del.push(`IAM role ${owned.dbConnectRole}`);
  if (owned.writerInstance) del.push(`writer instance ${owned.writerInstance}`);
  if (owned.cluster) {
    del.push(`cluster ${owned.cluster}${options.skipFinalSnapshot ? ' (no final snapshot: --skip-final-snapshot)' : ''}`);
    if (!options.skipFinalSnapshot) keep.push(`a final snapshot ${owned.cluster}-final-<timestamp> of the cluster`);
  } else {
    keep.push(`cluster ${request.database.clusterIdentifier} (adopted: the link did not create it)`);
  }
  if (owned.parameterGroup) del.push(`cluster parameter group ${owned.parameterGroup}`);
  if (owned.securityGroupId) del.push(`security group ${owned.securityGroupId}${owned.ingressCidrs?.length ? ` and its ${owned.ingressCidrs.length} ingress rules` : ''}`);
  keep.push('the link record in the registry (status deleted, with its history)');
  return { delete: del, keep };
}
