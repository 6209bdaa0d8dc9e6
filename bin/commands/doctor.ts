// `rpcn-aurora doctor`: checks a deployment before its first link. One line per check, ok / warn / fail, and
// the fix for each that is not ok: the credentials and the account; the stacks deployed at the CLI's version;
// the Redpanda credentials secret has a value (read only in memory, never printed); a Redpanda Cloud token can
// be minted and every configured cluster is STATE_READY (its Connect version and egress addresses); a
// CloudTrail trail records the management write events IAM drift detection depends on; the rules that start
// Validate and Rotate are enabled; the RDS Data API answers in the region. The Redpanda account is checked only
// when the identity modes need stacks there.
import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type GetEventSelectorsCommandOutput,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand } from '@aws-sdk/client-eventbridge';
import { ExecuteStatementCommand } from '@aws-sdk/client-rds-data';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Command } from 'commander';
import { SecretsManagerAdapter } from '../../lambdas/adapters/aws/secrets.js';
import { TokenProvider, inMemoryTokenStore } from '../../lambdas/adapters/redpanda/auth.js';
import { createRedpandaCloud, usabilityProblems } from '../../lambdas/adapters/redpanda/index.js';
import { redpandaAccountInUse, watchedAccounts, type DeploymentConfig } from '../../lib/config.js';
import {
  DB_STACK_NAME,
  EVENT_BUS_NAME,
  IAM_EVENTS_REGION,
  IAM_WATCH_RULE_NAME,
  REDPANDA_ACCESS_STACK_NAME,
  iamWatchStackName,
} from '../../lib/names.js';
import { PRODUCT_VERSION } from '../../lib/version.js';
import { CliError, explainAwsError } from '../aws/errors.js';
import { AwsClients, assertProfile, callerIdentity, describeStack, loadConfig, addAwsOptions, type AwsFlags, type DeployedStack, type Identity } from '../aws/session.js';
import { EXIT, printJson, type Io } from '../cli-support.js';
import { SILENT_LOGGER } from './status.js';

export type CheckLevel = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  readonly check: string;
  readonly level: CheckLevel;
  readonly message: string;
  readonly fix?: string;
}

const ok = (check: string, message: string): CheckResult => ({ check, level: 'ok', message });
const warn = (check: string, message: string, fix?: string): CheckResult => ({ check, level: 'warn', message, ...(fix ? { fix } : {}) });
const fail = (check: string, message: string, fix?: string): CheckResult => ({ check, level: 'fail', message, ...(fix ? { fix } : {}) });

/** A failed call as a check: the CliError's problem, and its fix. */
function fromCliError(check: string, e: unknown): CheckResult {
  if (e instanceof CliError) return fail(check, e.problem, e.fix);
  return fail(check, e instanceof Error ? e.message.replace(/\s+/g, ' ') : String(e));
}

const flag = (profile: string | undefined) => (profile ? ` --profile ${profile}` : '');

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** Deployed, usable, and at this CLI's version. */
export function stackCheck(name: string, where: string, stack: DeployedStack | undefined, deploy: string, optional?: string): CheckResult {
  const check = `stack ${name}`;
  if (!stack) return optional ? warn(check, `not deployed in ${where}: ${optional}`, deploy) : fail(check, `not deployed in ${where}`, deploy);
  if (/_IN_PROGRESS$/.test(stack.status)) return warn(check, `${stack.status} in ${where}`, 'wait for the deployment to finish, then run doctor again');
  if (/(_FAILED|ROLLBACK_COMPLETE)$/.test(stack.status) && stack.status !== 'UPDATE_ROLLBACK_COMPLETE') return fail(check, `${stack.status} in ${where}`, `read its events (aws cloudformation describe-stack-events --stack-name ${name}), fix the cause, then ${deploy}`);
  if (!stack.version) return fail(check, `${stack.status} in ${where}, deployed by a version without a Version output (this CLI is ${PRODUCT_VERSION})`, deploy);
  if (stack.version !== PRODUCT_VERSION) {
    return compareVersions(stack.version, PRODUCT_VERSION) > 0
      ? fail(check, `version ${stack.version} in ${where}, newer than this CLI (${PRODUCT_VERSION})`, `update this checkout to ${stack.version} (git pull && npm ci)`)
      : fail(check, `version ${stack.version} in ${where}, this CLI is ${PRODUCT_VERSION}`, deploy);
  }
  return ok(check, `${stack.status} in ${where}, version ${stack.version}`);
}

// ---- CloudTrail: a logging trail that covers us-east-1 (IAM's events) and records management write events.

function recordsManagementWrites(selectors: GetEventSelectorsCommandOutput): boolean {
  const basic = (selectors.EventSelectors ?? []).some((s) => s.IncludeManagementEvents !== false && (s.ReadWriteType ?? 'All') !== 'ReadOnly');
  const advanced = (selectors.AdvancedEventSelectors ?? []).some((s) => {
    const fields = s.FieldSelectors ?? [];
    const management = fields.some((f) => f.Field === 'eventCategory' && (f.Equals ?? []).includes('Management'));
    const readOnlyOnly = fields.some((f) => f.Field === 'readOnly' && (f.Equals ?? []).includes('true'));
    return management && !readOnlyOnly;
  });
  return basic || advanced;
}

export async function cloudTrailCheck(clients: AwsClients, account: string, label: string): Promise<CheckResult> {
  const check = `CloudTrail (${label} ${account})`;
  const ct = clients.cloudTrail(IAM_EVENTS_REGION);
  const fix = `create a multi-region trail that logs management events: aws cloudtrail create-trail --name rpcn-aurora-management --s3-bucket-name <bucket with the CloudTrail bucket policy> --is-multi-region-trail --region ${IAM_EVENTS_REGION}${flag(clients.profile)} && aws cloudtrail start-logging --name rpcn-aurora-management --region ${IAM_EVENTS_REGION}${flag(clients.profile)}`;
  let trails: Trail[];
  try {
    trails = (await clients.call('cloudtrail:DescribeTrails', () => ct.send(new DescribeTrailsCommand({ includeShadowTrails: true })), { region: IAM_EVENTS_REGION })).trailList ?? [];
  } catch (e) {
    return fromCliError(check, e);
  }
  const covering = trails.filter((t) => (t.IsMultiRegionTrail === true || t.HomeRegion === IAM_EVENTS_REGION) && t.IncludeGlobalServiceEvents !== false);
  const unreadable: string[] = [];
  const notLogging: string[] = [];
  for (const trail of covering) {
    const id = trail.TrailARN ?? trail.Name ?? '?';
    const region = trail.HomeRegion ?? IAM_EVENTS_REGION;
    try {
      const status = await clients.cloudTrail(region).send(new GetTrailStatusCommand({ Name: id }));
      if (status.IsLogging !== true) {
        notLogging.push(trail.Name ?? id);
        continue;
      }
      const selectors = await clients.cloudTrail(region).send(new GetEventSelectorsCommand({ TrailName: id }));
      if (recordsManagementWrites(selectors)) {
        return ok(check, `trail ${trail.Name ?? id} logs management write events${trail.IsMultiRegionTrail ? ' in every region' : ` in ${region}`}${trail.IsOrganizationTrail ? ' (organization trail)' : ''}`);
      }
    } catch (e) {
      // An organization trail seen from a member account: its status and selectors belong to the management account.
      if (trail.IsOrganizationTrail) unreadable.push(trail.Name ?? id);
      else return fromCliError(check, explainAwsError(e, { action: 'cloudtrail:GetEventSelectors', resource: id, region, ...(clients.profile ? { profile: clients.profile } : {}) }));
    }
  }
  if (unreadable.length > 0) {
    return warn(check, `organization trail ${unreadable.join(', ')} covers the account, but its settings cannot be read from it`, 'check in the management account that it is logging and records management write events');
  }
  if (notLogging.length > 0) {
    return fail(check, `trail ${notLogging.join(', ')} is not logging; IAM drift is detected only from CloudTrail's events`, `aws cloudtrail start-logging --name ${notLogging[0]}${flag(clients.profile)}`);
  }
  return fail(check, `no trail records management write events for ${IAM_EVENTS_REGION}, where IAM's events reach EventBridge; IAM drift would go unseen until the schedule`, fix);
}

// ---- EventBridge: the rules exist and are enabled.

export async function ruleCheck(clients: AwsClients, rule: string, region: string, bus: string | undefined, stack: string, starts = 'Validate'): Promise<CheckResult> {
  const check = `rule ${rule} (${region})`;
  try {
    const out = await clients.events(region).send(new DescribeRuleCommand({ Name: rule, ...(bus ? { EventBusName: bus } : {}) }));
    if (out.State === 'ENABLED') return ok(check, `enabled${bus ? ` on bus ${bus}` : ''}`);
    return fail(check, `${out.State ?? 'in an unknown state'}: ${starts} is not started by it`, `aws events enable-rule --name ${rule}${bus ? ` --event-bus-name ${bus}` : ''} --region ${region}${flag(clients.profile)}`);
  } catch (e) {
    if ((e as { name?: string }).name === 'ResourceNotFoundException') return fail(check, 'does not exist', `deploy ${stack} (npx cdk deploy -e ${stack}${flag(clients.profile)})`);
    return fromCliError(check, explainAwsError(e, { action: 'events:DescribeRule', resource: rule, region, ...(clients.profile ? { profile: clients.profile } : {}) }));
  }
}

// ---- RDS Data API: its endpoint answers in the region (a statement against a cluster that does not exist).

export async function dataApiCheck(clients: AwsClients, account: string): Promise<CheckResult> {
  const check = `RDS Data API (${clients.region})`;
  const probe = 'rpcn-aurora-doctor-probe';
  try {
    await clients.rdsData().send(
      new ExecuteStatementCommand({
        resourceArn: `arn:aws:rds:${clients.region}:${account}:cluster:${probe}`,
        secretArn: `arn:aws:secretsmanager:${clients.region}:${account}:secret:${probe}`,
        sql: 'SELECT 1',
      }),
    );
    return ok(check, 'answers');
  } catch (e) {
    const err = e as { name?: string; $metadata?: unknown; code?: string; cause?: { code?: string } };
    // Any answer of the service (no such cluster, not allowed) proves the API exists here.
    if (err.$metadata !== undefined) return ok(check, `answers (${err.name ?? 'an error'} for a cluster that does not exist, as expected)`);
    const code = err.code ?? err.cause?.code;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return fail(check, `no endpoint in ${clients.region} (${code}): the steps run the setup SQL through the Data API`, 'deploy in a region that has the RDS Data API for Aurora Serverless v2');
    }
    return fromCliError(check, explainAwsError(e, { action: 'rds-data:ExecuteStatement', region: clients.region }));
  }
}

// ---- Redpanda: the credentials secret has a value, a token can be minted, each cluster is ready.

export async function redpandaChecks(clients: AwsClients, secretArn: string | undefined, config: DeploymentConfig): Promise<CheckResult[]> {
  const secretCheck = 'Redpanda credentials secret';
  if (!secretArn) return [fail(secretCheck, `${DB_STACK_NAME} has no output RedpandaCredentialsSecretArn`, `redeploy it (npx cdk deploy ${DB_STACK_NAME}${flag(clients.profile)})`)];
  const put = `put {"client_id","client_secret"} into it (docs/deploy.md, "Set the Redpanda Cloud credentials"): aws secretsmanager put-secret-value --secret-id ${secretArn} --secret-string file://credentials.json${flag(clients.profile)}`;
  try {
    // DescribeSecret tells whether a current value exists without reading it.
    const described = await clients.secrets().send(new DescribeSecretCommand({ SecretId: secretArn }));
    if (described.DeletedDate) return [fail(secretCheck, `is scheduled for deletion (${described.DeletedDate.toISOString()})`, `aws secretsmanager restore-secret --secret-id ${secretArn}${flag(clients.profile)}`)];
    const current = Object.values(described.VersionIdsToStages ?? {}).some((stages) => stages.includes('AWSCURRENT'));
    if (!current) {
      return [fail(secretCheck, 'has no value yet: the steps fail with CredentialsSecretError', put), warn('Redpanda Cloud token and clusters', 'not checked: they need the secret\'s value')];
    }
  } catch (e) {
    if ((e as { name?: string }).name === 'ResourceNotFoundException') return [fail(secretCheck, `${secretArn} does not exist`, `redeploy ${DB_STACK_NAME}`)];
    return [fromCliError(secretCheck, explainAwsError(e, { action: 'secretsmanager:DescribeSecret', resource: secretArn, region: clients.region, ...(clients.profile ? { profile: clients.profile } : {}) }))];
  }
  const results: CheckResult[] = [ok(secretCheck, 'has a value (not read into this output)')];

  const tokenCheck = 'Redpanda Cloud token';
  const secrets = new SecretsManagerAdapter(clients.secrets());
  const credentials = () => clients.call('secretsmanager:GetSecretValue', () => secrets.getRedpandaCredentials(secretArn), { resource: secretArn });
  const urls = { ...(config.redpanda.authUrl ? { authUrl: config.redpanda.authUrl } : {}), ...(config.redpanda.controlPlaneUrl ? { controlPlaneUrl: config.redpanda.controlPlaneUrl } : {}) };
  // The cluster checks below reuse the token minted here: one token request per doctor run.
  const sharedToken = inMemoryTokenStore();
  try {
    await new TokenProvider({ credentials, logger: SILENT_LOGGER, retry: { maxAttempts: 2 }, shared: sharedToken, ...(urls.authUrl ? { authUrl: urls.authUrl } : {}) }).authorization();
    results.push(ok(tokenCheck, `minted with the secret's service account${urls.authUrl ? ` at ${urls.authUrl}` : ''}`));
  } catch (e) {
    const err = e as Error;
    const fix =
      err.name === 'RedpandaQuotaExceededError'
        ? 'wait until the quota resets, or ask Redpanda to raise it'
        : err.name === 'RedpandaAuthError' || err.name === 'CredentialsSecretError'
          ? `put the service account's client id and secret into the secret: ${put}`
          : 'check the network to Redpanda Cloud (and redpanda.authUrl), then run doctor again';
    results.push(e instanceof CliError ? fromCliError(tokenCheck, e) : fail(tokenCheck, err.message.replace(/\s+/g, ' '), fix));
    return results;
  }
  const cloud = createRedpandaCloud({ credentials, logger: SILENT_LOGGER, retry: { maxAttempts: 2 }, sharedToken, ...urls });
  for (const id of config.redpanda.clusterIds) {
    const check = `Redpanda cluster ${id}`;
    try {
      const cluster = await cloud.describeCluster(id);
      const facts = `${cluster.name}, ${cluster.type} on ${cluster.cloudProvider} ${cluster.region}, Redpanda Connect ${cluster.redpandaConnectVersion ?? 'version unknown'}, egress ${cluster.natGateways.join(', ') || 'none listed'}`;
      const problems = usabilityProblems(cluster);
      if (problems.length === 0) results.push(ok(check, `${cluster.state}: ${facts}`));
      else if (cluster.state === 'STATE_UPGRADING' && problems.length === 1) results.push(warn(check, `${cluster.state}: ${facts}`, 'wait for the upgrade to finish before provisioning'));
      else results.push(fail(check, `${problems.join('; ')} (${facts})`, 'use a ready BYOC cluster on AWS in redpanda.clusterIds'));
    } catch (e) {
      const err = e as Error;
      results.push(
        err.name === 'RedpandaNotFoundError'
          ? fail(check, 'not found in the service account\'s organization', 'check redpanda.clusterIds in the deployment config, and that the service account belongs to the cluster\'s organization')
          : fail(check, err.message.replace(/\s+/g, ' ')),
      );
    }
  }
  return results;
}

// ---- the whole check list

export interface DoctorFlags extends AwsFlags {
  readonly redpandaProfile?: string;
  readonly json?: boolean;
}

async function identityCheck(clients: AwsClients, expected: string, label: string, configPath: string, key: string): Promise<{ result: CheckResult; identity?: Identity }> {
  const check = `credentials (${label})`;
  let identity: Identity;
  try {
    identity = await callerIdentity(clients);
  } catch (e) {
    return { result: fromCliError(check, e) };
  }
  if (identity.account !== expected) {
    return {
      result: fail(check, `${identity.arn} is in account ${identity.account}, the deployment's ${label} is ${expected} (${configPath}, ${key})`, `use a profile of account ${expected}`),
    };
  }
  return { result: ok(check, `${identity.arn}`), identity };
}

export async function runDoctor(flags: DoctorFlags): Promise<CheckResult[]> {
  const { config, path } = loadConfig(flags.config);
  assertProfile(flags.profile);
  assertProfile(flags.redpandaProfile);
  const d = config.dbAccount.accountId;
  const r = redpandaAccountInUse(config);
  const db = new AwsClients(flags.region ?? config.dbAccount.region, flags.profile);
  const results: CheckResult[] = [];
  const notChecked = (what: string, why: string) => results.push(warn(what, `not checked: ${why}`));

  const dbIdentity = await identityCheck(db, d, 'DB account', path, 'dbAccount.accountId');
  results.push(dbIdentity.result);
  if (!dbIdentity.identity) {
    notChecked('everything in the DB account', 'needs working credentials of the DB account');
  } else {
    const dbStack = await describeStack(db, DB_STACK_NAME).catch((e: unknown) => e as Error);
    if (dbStack instanceof Error) results.push(fromCliError(`stack ${DB_STACK_NAME}`, dbStack));
    else results.push(stackCheck(DB_STACK_NAME, `${db.region} of ${d}`, dbStack, `npx cdk deploy ${DB_STACK_NAME}${flag(flags.profile)}`));
    const dbWatch = iamWatchStackName(d);
    const watch = await describeStack(db, dbWatch, IAM_EVENTS_REGION).catch((e: unknown) => e as Error);
    results.push(watch instanceof Error ? fromCliError(`stack ${dbWatch}`, watch) : stackCheck(dbWatch, `${IAM_EVENTS_REGION} of ${d}`, watch, `npx cdk deploy -e ${dbWatch}${flag(flags.profile)}`));

    const outputs = dbStack instanceof Error ? {} : (dbStack?.outputs ?? {});
    if (dbStack && !(dbStack instanceof Error)) results.push(...(await redpandaChecks(db, outputs['RedpandaCredentialsSecretArn'], config)));
    else notChecked('Redpanda credentials and clusters', `needs ${DB_STACK_NAME} (its credentials secret)`);

    results.push(await cloudTrailCheck(db, d, 'DB account'));
    results.push(await ruleCheck(db, 'rpcn-aurora-validate-on-iam-change', db.region, EVENT_BUS_NAME, DB_STACK_NAME));
    results.push(await ruleCheck(db, 'rpcn-aurora-validate-on-schedule', db.region, undefined, DB_STACK_NAME));
    results.push(await ruleCheck(db, 'rpcn-aurora-rotate-on-schedule', db.region, undefined, DB_STACK_NAME, 'Rotate'));
    results.push(await ruleCheck(db, IAM_WATCH_RULE_NAME, IAM_EVENTS_REGION, undefined, dbWatch));
    results.push(await dataApiCheck(db, d));
  }

  if (r === undefined) {
    // access-key links (and self-managed roles outside R) need no stack in the Redpanda account.
    results.push(ok('Redpanda account', `skip: not needed for identity modes ${config.identityModes.join(', ')} (no stack in a Redpanda account)`));
    return results;
  }
  const inR = watchedAccounts(config).includes(r) && r !== d;
  if (!flags.redpandaProfile) {
    results.push(
      warn(
        `Redpanda account ${r}`,
        `not checked (${[...(inR ? [iamWatchStackName(r)] : []), REDPANDA_ACCESS_STACK_NAME, 'CloudTrail', `rule ${IAM_WATCH_RULE_NAME}`].join(', ')})`,
        'pass --redpanda-profile <a profile of that account>',
      ),
    );
    return results;
  }
  const rp = new AwsClients(IAM_EVENTS_REGION, flags.redpandaProfile);
  const rIdentity = await identityCheck(rp, r, 'Redpanda account', path, 'redpanda.accountId');
  results.push(rIdentity.result);
  if (!rIdentity.identity) {
    notChecked(`the Redpanda account ${r}`, 'needs working credentials of that account (--redpanda-profile)');
    return results;
  }
  const rWatch = iamWatchStackName(r);
  if (r !== d) {
    const watch = await describeStack(rp, rWatch, IAM_EVENTS_REGION).catch((e: unknown) => e as Error);
    results.push(watch instanceof Error ? fromCliError(`stack ${rWatch}`, watch) : stackCheck(rWatch, `${IAM_EVENTS_REGION} of ${r}`, watch, `npx cdk deploy -e ${rWatch}${flag(flags.redpandaProfile)}`));
  }
  const accessRegion = config.redpanda.accessStackRegion;
  const access = await describeStack(rp, REDPANDA_ACCESS_STACK_NAME, accessRegion).catch((e: unknown) => e as Error);
  results.push(
    access instanceof Error
      ? fromCliError(`stack ${REDPANDA_ACCESS_STACK_NAME}`, access)
      : stackCheck(
          REDPANDA_ACCESS_STACK_NAME,
          `${accessRegion} of ${r}`,
          access,
          `npx cdk deploy -e ${REDPANDA_ACCESS_STACK_NAME}${flag(flags.redpandaProfile)}`,
          'Validate cannot read or heal the pipeline roles, and Provision hands you the pipeline-role policy as a command',
        ),
  );
  if (r !== d) {
    results.push(await cloudTrailCheck(rp, r, 'Redpanda account'));
    results.push(await ruleCheck(rp, IAM_WATCH_RULE_NAME, IAM_EVENTS_REGION, undefined, rWatch));
  }
  return results;
}

const MARK: Readonly<Record<CheckLevel, string>> = { ok: 'ok  ', warn: 'warn', fail: 'fail' };

export function formatChecks(results: readonly CheckResult[]): string[] {
  const lines = results.map((c) => `${MARK[c.level]}  ${c.check}: ${c.message}${c.fix ? ` → fix: ${c.fix}` : ''}`);
  const count = (level: CheckLevel) => results.filter((c) => c.level === level).length;
  const warnings = count('warn');
  lines.push('', `${count('ok')} ok, ${warnings} warning${warnings === 1 ? '' : 's'}, ${count('fail')} failed`);
  return lines;
}

export function registerDoctor(program: Command, io: Io, setExit: (code: number) => void): void {
  addAwsOptions(
    program
      .command('doctor')
      .description('Check a deployment before the first link: stacks and versions, credentials secret, Redpanda token and clusters, CloudTrail, rules, Data API.')
      .option('--redpanda-profile <name>', 'AWS profile of the Redpanda account, to check its stacks, trail and rule too')
      .option('--json', 'print {ok, checks: [{check, level, message, fix}]} as JSON'),
  )
    .addHelpText('after', '\nExample:\n  rpcn-aurora doctor --profile db --redpanda-profile redpanda\n\nExit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 bad input (config, profile name).')
    .action(async (flags: DoctorFlags) => {
      const results = await runDoctor(flags);
      const failed = results.some((c) => c.level === 'fail');
      if (flags.json) printJson(io, { ok: !failed, version: PRODUCT_VERSION, checks: results });
      else for (const line of formatChecks(results)) io.out(line);
      setExit(failed ? EXIT.findings : EXIT.ok);
    });
}
