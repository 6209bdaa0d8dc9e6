// The AWS side of the operator commands: SDK clients for --profile and --region (credentials from the standard
// provider chain, as the AWS CLI resolves them), the caller's identity checked against the deployment's DB
// account, and the deployed RpcnAurora-Db stack's outputs (state machine ARNs, registry table, secret).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Option, type Command } from 'commander';
import { DynamoRegistryAdapter } from '../../lambdas/adapters/aws/registry.js';
import type { LinkRecord } from '../../lambdas/ports/registry.js';
import { DeploymentConfigError, loadDeploymentConfig, type DeploymentConfig } from '../../lib/config.js';
import { DB_STACK_NAME } from '../../lib/names.js';
import { VERSION_OUTPUT } from '../../lib/version.js';
import { EXIT } from '../cli-support.js';
import { CliError, explainAwsError } from './errors.js';

export interface AwsFlags {
  readonly profile?: string;
  readonly region?: string;
  readonly config?: string;
}

/** --profile, --region and --config, the same on every command that calls AWS. */
export function addAwsOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'AWS profile for the DB account (as the AWS CLI; default: the standard credential chain)')
    .addOption(new Option('--region <region>', 'region of RpcnAurora-Db (default: dbAccount.region of the deployment config)'))
    .option('-c, --config <path>', 'deployment configuration (default config/deployment.json)');
}

export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../../config/deployment.json', import.meta.url));

export function loadConfig(path: string | undefined): { config: DeploymentConfig; path: string } {
  const file = path ? resolve(path) : DEFAULT_CONFIG_PATH;
  if (!existsSync(file)) throw new CliError(`deployment config ${file} not found`, EXIT.usage, 'pass -c <path> (the file `cdk deploy` used)');
  try {
    return { config: loadDeploymentConfig(file), path: file };
  } catch (e) {
    if (e instanceof DeploymentConfigError) throw new CliError(e.message.split('\n').join(' '), EXIT.usage);
    throw e;
  }
}

/** Profiles named in the shared config and credentials files (where the AWS CLI and the SDK look). */
export function knownProfiles(env: NodeJS.ProcessEnv = process.env): Set<string> {
  const files = [env['AWS_CONFIG_FILE'] ?? join(homedir(), '.aws', 'config'), env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(homedir(), '.aws', 'credentials')];
  const names = new Set<string>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/^\s*\[\s*(?:profile\s+)?([^\]\s][^\]]*?)\s*\]/gm)) names.add(m[1]!);
  }
  return names;
}

/** A --profile the shared files do not name fails at once (the SDK would try every other provider first). */
export function assertProfile(profile: string | undefined): void {
  if (profile && !knownProfiles().has(profile)) {
    throw new CliError(`AWS profile "${profile}" is not in ~/.aws/config or ~/.aws/credentials`, EXIT.usage, 'check --profile (aws configure list-profiles)');
  }
}

/** One client per service and region, with the profile's credentials. */
export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  constructor(
    readonly region: string,
    readonly profile?: string,
  ) {}

  private get<T>(key: string, build: (config: { region: string; profile?: string }) => T, region = this.region): T {
    const id = `${key}@${region}`;
    let client = this.cache.get(id) as T | undefined;
    if (!client) {
      client = build({ region, ...(this.profile ? { profile: this.profile } : {}) });
      this.cache.set(id, client);
    }
    return client;
  }

  sts = () => this.get('sts', (c) => new STSClient(c));
  cloudFormation = (region?: string) => this.get('cfn', (c) => new CloudFormationClient(c), region);
  sfn = () => this.get('sfn', (c) => new SFNClient(c));
  dynamo = () => this.get('ddb', (c) => DynamoDBDocumentClient.from(new DynamoDBClient(c)));
  secrets = () => this.get('sm', (c) => new SecretsManagerClient(c));
  cloudTrail = (region?: string) => this.get('cloudtrail', (c) => new CloudTrailClient(c), region);
  events = (region?: string) => this.get('events', (c) => new EventBridgeClient(c), region);
  rdsData = () => this.get('rds-data', (c) => new RDSDataClient(c));

  /** Run one AWS call; any error becomes the one-line CliError that says what to do. */
  async call<T>(action: string, fn: () => Promise<T>, options: { resource?: string; region?: string } = {}): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw explainAwsError(e, {
        action,
        region: options.region ?? this.region,
        ...(options.resource ? { resource: options.resource } : {}),
        ...(this.profile ? { profile: this.profile } : {}),
      });
    }
  }
}

export interface Identity {
  readonly account: string;
  readonly arn: string;
}

export async function callerIdentity(clients: AwsClients): Promise<Identity> {
  const out = await clients.call('sts:GetCallerIdentity', () => clients.sts().send(new GetCallerIdentityCommand({})));
  return { account: out.Account ?? '', arn: out.Arn ?? '' };
}

export interface DeployedStack {
  readonly name: string;
  readonly status: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly version?: string;
}

/** The stack as CloudFormation describes it, or undefined when it is not deployed (in that region and account). */
export async function describeStack(clients: AwsClients, name: string, region?: string): Promise<DeployedStack | undefined> {
  let stack: Stack | undefined;
  try {
    const out = await clients.cloudFormation(region).send(new DescribeStacksCommand({ StackName: name }));
    stack = out.Stacks?.[0];
  } catch (e) {
    const err = e as { name?: string; message?: string };
    if (err.name === 'ValidationError' && /does not exist/.test(err.message ?? '')) return undefined;
    throw explainAwsError(e, { action: 'cloudformation:DescribeStacks', resource: name, region: region ?? clients.region, ...(clients.profile ? { profile: clients.profile } : {}) });
  }
  // A change set that was never executed leaves a stack in REVIEW_IN_PROGRESS: nothing is deployed.
  if (!stack || stack.StackStatus === 'REVIEW_IN_PROGRESS') return undefined;
  const outputs = Object.fromEntries((stack.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue !== undefined ? [[o.OutputKey, o.OutputValue]] : [])));
  const version = outputs[VERSION_OUTPUT];
  return { name, status: stack.StackStatus ?? 'UNKNOWN', outputs, ...(version ? { version } : {}) };
}

export type Workflow = 'Provision' | 'Validate' | 'Teardown' | 'Rotate';

/** A deployment the operator commands work on: the config, the caller in the DB account, RpcnAurora-Db's outputs. */
export class Deployment {
  private registryAdapter: DynamoRegistryAdapter | undefined;

  constructor(
    readonly config: DeploymentConfig,
    readonly configPath: string,
    readonly clients: AwsClients,
    readonly identity: Identity,
    readonly stack: DeployedStack,
  ) {}

  get region(): string {
    return this.clients.region;
  }

  /** `--profile p --region r` as the user gave them, for the commands the CLI suggests. */
  get flags(): string {
    return `${this.clients.profile ? ` --profile ${this.clients.profile}` : ''}${this.clients.region !== this.config.dbAccount.region ? ` --region ${this.clients.region}` : ''}`;
  }

  stateMachineArn(workflow: Workflow): string {
    const arn = this.stack.outputs[`${workflow}StateMachineArn`];
    if (arn) return arn;
    if (workflow === 'Rotate') {
      throw new CliError('this deployment has no Rotate workflow (RpcnAurora-Db has no output RotateStateMachineArn)', EXIT.findings, `upgrade the stack (npx cdk deploy ${DB_STACK_NAME}${this.flags})`);
    }
    throw new CliError(`RpcnAurora-Db has no output ${workflow}StateMachineArn`, EXIT.findings, `redeploy it with this version (npx cdk deploy ${DB_STACK_NAME}${this.flags})`);
  }

  output(key: string): string {
    const value = this.stack.outputs[key];
    if (!value) throw new CliError(`RpcnAurora-Db has no output ${key}`, EXIT.findings, `redeploy it with this version (npx cdk deploy ${DB_STACK_NAME}${this.flags})`);
    return value;
  }

  /** The link registry, read through the adapter the Lambdas use. */
  registry(): DynamoRegistryAdapter {
    this.registryAdapter ??= new DynamoRegistryAdapter(this.clients.dynamo(), this.output('LinksTableName'));
    return this.registryAdapter;
  }

  async link(name: string): Promise<LinkRecord> {
    const table = this.output('LinksTableName');
    const record = await this.clients.call('dynamodb:GetItem', () => this.registry().get(name), { resource: `${table}/${name}` });
    if (!record) throw new CliError(`link "${name}" is not in the registry (table ${table})`, EXIT.usage, `\`rpcn-aurora status${this.flags}\` lists the links`);
    return record;
  }

  async links(): Promise<readonly LinkRecord[]> {
    return this.clients.call('dynamodb:Scan', () => this.registry().list(), { resource: this.output('LinksTableName') });
  }
}

/**
 * Credentials, account and stack, in that order, each failing with its one-line fix: the caller must be in
 * the configured DB account, and RpcnAurora-Db must be deployed (and not failed) in the region.
 */
export async function connect(flags: AwsFlags): Promise<Deployment> {
  const { config, path } = loadConfig(flags.config);
  assertProfile(flags.profile);
  const clients = new AwsClients(flags.region ?? config.dbAccount.region, flags.profile);
  const identity = await callerIdentity(clients);
  const expected = config.dbAccount.accountId;
  const profile = flags.profile ? ` --profile ${flags.profile}` : '';
  if (identity.account !== expected) {
    throw new CliError(
      `the credentials${flags.profile ? ` of profile ${flags.profile}` : ''} are for account ${identity.account} (${identity.arn}), but the deployment's DB account is ${expected} (${path}, dbAccount.accountId)`,
      EXIT.findings,
      `use a profile of account ${expected}`,
    );
  }
  const stack = await describeStack(clients, DB_STACK_NAME);
  if (!stack) {
    throw new CliError(
      `stack ${DB_STACK_NAME} is not deployed in ${clients.region} of account ${expected}`,
      EXIT.findings,
      `deploy it (npx cdk deploy ${DB_STACK_NAME}${profile})${clients.region !== config.dbAccount.region ? `, or use --region ${config.dbAccount.region}` : ''}`,
    );
  }
  if (/(ROLLBACK_COMPLETE|_FAILED)$/.test(stack.status) && !/^UPDATE_ROLLBACK_COMPLETE$/.test(stack.status)) {
    throw new CliError(`stack ${DB_STACK_NAME} is ${stack.status}`, EXIT.findings, `read its events (aws cloudformation describe-stack-events --stack-name ${DB_STACK_NAME}${profile}), fix the cause and deploy again`);
  }
  return new Deployment(config, path, clients, identity, stack);
}
