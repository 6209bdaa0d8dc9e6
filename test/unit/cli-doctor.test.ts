// `rpcn-aurora doctor` over a healthy deployment, then over a deployment missing each prerequisite in turn.
// AWS is aws-sdk-client-mock; Redpanda Cloud is the local server (local/redpanda-cloud, spec-checked), which the
// real Redpanda adapter reaches through the deployment config's authUrl and controlPlaneUrl.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { resetTokenCache } from '../../lambdas/adapters/redpanda/index.js';
import { PRODUCT_VERSION } from '../../lib/version.js';
import { startLocalRedpandaCloud, type LocalRedpandaCloud } from '../../local/redpanda-cloud/index.js';
import { CLUSTER_ID, DB, R, REGION, SECRET_ARN, awsError, cli, dbStack, sandbox, stackDescription, stackMissing, terminal, type Sandbox } from './support/cli-aws.js';

const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const sm = mockClient(SecretsManagerClient);
const ct = mockClient(CloudTrailClient);
const eb = mockClient(EventBridgeClient);
const rdsData = mockClient(RDSDataClient);
const mocks = [sts, cfn, sm, ct, eb, rdsData];

let redpanda: LocalRedpandaCloud;
let box: Sandbox;

beforeAll(async () => {
  redpanda = await startLocalRedpandaCloud({ clusters: [{ id: CLUSTER_ID, name: 'prod-byoc', nat_gateways: ['3.14.15.92', '18.220.1.7'], redpanda_connect_version: '4.63.0' }] });
});
afterAll(async () => {
  await redpanda.stop();
  for (const m of mocks) m.restore();
});

/** What each mocked service answers for a healthy deployment; the tests below break one thing each. */
interface World {
  identity: Record<string, string>;
  stacks: Record<string, ReturnType<typeof dbStack> | Error>;
  secretStages: Record<string, string[]>;
  secretValue: string;
  trails: { Name: string; TrailARN: string; HomeRegion: string; IsMultiRegionTrail: boolean; IncludeGlobalServiceEvents: boolean; IsOrganizationTrail?: boolean }[];
  logging: boolean;
  selectors: { EventSelectors?: { ReadWriteType: string; IncludeManagementEvents: boolean }[]; AdvancedEventSelectors?: unknown[] };
  rules: Record<string, string | Error>;
  dataApi: Error;
}

const watchD = `RpcnAurora-IamWatch-${DB}`;
const watchR = `RpcnAurora-IamWatch-${R}`;
const versioned = (name: string) => stackDescription(name, { Version: PRODUCT_VERSION });

function healthy(): World {
  return {
    identity: { db: `arn:aws:sts::${DB}:assumed-role/AWSReservedSSO_Operator_0a1b/alice`, redpanda: `arn:aws:sts::${R}:assumed-role/AWSReservedSSO_Operator_9f8e/alice` },
    stacks: {
      [`RpcnAurora-Db@${REGION}`]: dbStack(),
      [`${watchD}@us-east-1`]: versioned(watchD),
      [`${watchR}@us-east-1`]: versioned(watchR),
      'RpcnAurora-RedpandaAccess@us-east-1': versioned('RpcnAurora-RedpandaAccess'),
    },
    secretStages: { 'a1b2c3d4-0000-4000-8000-000000000001': ['AWSCURRENT'] },
    secretValue: JSON.stringify({ client_id: redpanda.clientId, client_secret: redpanda.clientSecret }),
    trails: [{ Name: 'org-management', TrailARN: `arn:aws:cloudtrail:us-east-1:${DB}:trail/org-management`, HomeRegion: 'us-east-1', IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true }],
    logging: true,
    selectors: { EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] },
    rules: {
      [`rpcn-aurora-validate-on-iam-change@${REGION}`]: 'ENABLED',
      [`rpcn-aurora-validate-on-schedule@${REGION}`]: 'ENABLED',
      [`rpcn-aurora-rotate-on-schedule@${REGION}`]: 'ENABLED',
      'rpcn-aurora-iam-watch@us-east-1': 'ENABLED',
    },
    dataApi: awsError('BadRequestException', `Database cluster arn:aws:rds:${REGION}:${DB}:cluster:rpcn-aurora-doctor-probe does not exist`),
  };
}

let world: World;

function serve(): void {
  for (const m of mocks) m.reset();
  const profileOf = (getClient: () => { config: { profile?: string } }) => getClient().config.profile ?? 'default';
  const regionOf = async (getClient: () => { config: { region: () => Promise<string> } }) => getClient().config.region();
  sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => {
    const arn = world.identity[profileOf(getClient)];
    if (!arn) throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    return { Arn: arn, Account: arn.split(':')[4], UserId: 'AROA:alice' };
  });
  cfn.on(DescribeStacksCommand).callsFake(async (input: { StackName: string }, getClient) => {
    const answer = world.stacks[`${input.StackName}@${await regionOf(getClient)}`];
    if (answer instanceof Error) throw answer;
    if (!answer) throw stackMissing(input.StackName);
    return answer;
  });
  sm.on(DescribeSecretCommand).callsFake(async () => ({ ARN: SECRET_ARN, Name: 'rpcn-aurora/redpanda-cloud-credentials', VersionIdsToStages: world.secretStages }));
  sm.on(GetSecretValueCommand).callsFake(async () => ({ ARN: SECRET_ARN, SecretString: world.secretValue }));
  ct.on(DescribeTrailsCommand).callsFake(async () => ({ trailList: world.trails }));
  ct.on(GetTrailStatusCommand).callsFake(async () => ({ IsLogging: world.logging }));
  ct.on(GetEventSelectorsCommand).callsFake(async () => world.selectors);
  eb.on(DescribeRuleCommand).callsFake(async (input: { Name: string; EventBusName?: string }, getClient) => {
    const state = world.rules[`${input.Name}@${await regionOf(getClient)}`];
    if (state instanceof Error) throw state;
    if (!state) throw awsError('ResourceNotFoundException', `Rule ${input.Name} does not exist on EventBus ${input.EventBusName ?? 'default'}.`);
    return { Name: input.Name, State: state, EventBusName: input.EventBusName ?? 'default' };
  });
  rdsData.on(ExecuteStatementCommand).callsFake(async () => {
    throw world.dataApi;
  });
}

beforeEach(() => {
  box = sandbox();
  // A deployment serving pipeline-role links: it has stacks in the Redpanda account to check.
  box.writeConfig({ identityModes: ['access-key', 'pipeline-role'], redpanda: { authUrl: redpanda.authUrl, controlPlaneUrl: redpanda.url } });
  world = healthy();
  resetTokenCache();
  redpanda.clusters.get(CLUSTER_ID)!.state = 'STATE_READY';
  serve();
});
afterEach(() => box.dispose());

const doctor = (...extra: string[]) => cli(terminal(), 'doctor', '--profile', 'db', '-c', box.configPath, ...extra);

function line(out: string, check: string): string {
  const found = out.split('\n').find((l) => l.slice(6).startsWith(`${check}:`));
  if (!found) throw new Error(`no line for ${check} in:\n${out}`);
  return found;
}

test('a healthy deployment: every line ok, the secret value never printed, one token minted (exit 0)', async () => {
  const before = redpanda.tokensIssued();
  const r = await doctor('--redpanda-profile', 'redpanda');
  expect(r.code).toBe(0);
  const lines = r.out.split('\n').filter(Boolean);
  expect(lines.filter((l) => !l.startsWith('ok  '))).toEqual(['17 ok, 0 warnings, 0 failed']);
  expect(line(r.out, 'credentials (DB account)')).toBe(`ok    credentials (DB account): arn:aws:sts::${DB}:assumed-role/AWSReservedSSO_Operator_0a1b/alice`);
  expect(line(r.out, 'stack RpcnAurora-Db')).toBe(`ok    stack RpcnAurora-Db: UPDATE_COMPLETE in ${REGION} of ${DB}, version ${PRODUCT_VERSION}`);
  expect(line(r.out, `Redpanda cluster ${CLUSTER_ID}`)).toBe(
    `ok    Redpanda cluster ${CLUSTER_ID}: STATE_READY: prod-byoc, TYPE_BYOC on CLOUD_PROVIDER_AWS us-east-2, Redpanda Connect 4.63.0, egress 3.14.15.92, 18.220.1.7`,
  );
  expect(line(r.out, `CloudTrail (DB account ${DB})`)).toMatch(/trail org-management logs management write events in every region/);
  expect(line(r.out, `RDS Data API (${REGION})`)).toMatch(/answers \(BadRequestException for a cluster that does not exist, as expected\)/);
  expect(r.out).not.toContain(redpanda.clientSecret);
  expect(r.out).not.toContain(redpanda.issuedTokens()[0]!);
  expect(redpanda.tokensIssued() - before).toBe(1);
  expect(redpanda.requests.every((q) => q.violations.length === 0)).toBe(true);
  const json = await doctor('--redpanda-profile', 'redpanda', '--json');
  expect(JSON.parse(json.out)).toMatchObject({ ok: true, version: PRODUCT_VERSION, checks: expect.arrayContaining([{ check: 'Redpanda credentials secret', level: 'ok', message: 'has a value (not read into this output)' }]) });
});

test('without --redpanda-profile the Redpanda account is a warning that says how to check it', async () => {
  const r = await doctor();
  expect(r.code).toBe(0);
  expect(line(r.out, `Redpanda account ${R}`)).toBe(
    `warn  Redpanda account ${R}: not checked (${watchR}, RpcnAurora-RedpandaAccess, CloudTrail, rule rpcn-aurora-iam-watch) → fix: pass --redpanda-profile <a profile of that account>`,
  );
});

test('an access-key-only deployment needs nothing in the Redpanda account: one ok line says why it is skipped', async () => {
  box.writeConfig({ identityModes: ['access-key'], redpanda: { accountId: undefined, authUrl: redpanda.authUrl, controlPlaneUrl: redpanda.url } });
  delete world.stacks[`${watchR}@us-east-1`];
  delete world.stacks['RpcnAurora-RedpandaAccess@us-east-1'];
  for (const extra of [[], ['--redpanda-profile', 'redpanda']]) {
    const r = await doctor(...extra);
    expect(r.code).toBe(0);
    expect(line(r.out, 'Redpanda account')).toBe('ok    Redpanda account: skip: not needed for identity modes access-key (no stack in a Redpanda account)');
    expect(r.out).not.toContain(watchR);
    expect(r.out).not.toContain('RpcnAurora-RedpandaAccess');
    expect(r.out).not.toContain('credentials (Redpanda account)');
    expect(r.out.split('\n').filter((l) => l.startsWith('warn') || l.startsWith('fail'))).toEqual([]);
  }
});

// Each prerequisite missing in turn: the check that fails, and what its line says (message → fix).
describe.each<[string, (w: World) => void, string, RegExp]>([
  ['RpcnAurora-Db not deployed', (w) => delete w.stacks[`RpcnAurora-Db@${REGION}`], 'stack RpcnAurora-Db', /^fail .*not deployed in us-east-2 of 111111111111 → fix: npx cdk deploy RpcnAurora-Db --profile db$/],
  ['RpcnAurora-Db at another version', (w) => (w.stacks[`RpcnAurora-Db@${REGION}`] = dbStack({ Version: '0.0.9' })), 'stack RpcnAurora-Db', /^fail .*version 0\.0\.9 in us-east-2 of 111111111111, this CLI is .* → fix: npx cdk deploy RpcnAurora-Db --profile db$/],
  ['RpcnAurora-Db without a Version output', (w) => (w.stacks[`RpcnAurora-Db@${REGION}`] = dbStack({ Version: undefined })), 'stack RpcnAurora-Db', /deployed by a version without a Version output/],
  ['RpcnAurora-Db newer than the CLI', (w) => (w.stacks[`RpcnAurora-Db@${REGION}`] = dbStack({ Version: '99.0.0' })), 'stack RpcnAurora-Db', /newer than this CLI .* → fix: update this checkout to 99\.0\.0/],
  ['the IAM watch of D not deployed', (w) => delete w.stacks[`${watchD}@us-east-1`], `stack ${watchD}`, new RegExp(`^fail .*not deployed in us-east-1 of ${DB} → fix: npx cdk deploy -e ${watchD} --profile db$`)],
  ['the credentials secret empty', (w) => (w.secretStages = {}), 'Redpanda credentials secret', /^fail .*has no value yet: the steps fail with CredentialsSecretError → fix: put \{"client_id","client_secret"\} into it .*put-secret-value --secret-id arn:aws:secretsmanager/],
  ['the credentials wrong', (w) => (w.secretValue = JSON.stringify({ client_id: 'someone-else', client_secret: 'not-it' })), 'Redpanda Cloud token', /^fail .*refused the service account credentials .* → fix: put the service account's client id and secret into the secret/],
  ['the credentials not JSON', (w) => (w.secretValue = 'client_id=abc'), 'Redpanda Cloud token', /^fail /],
  ['the cluster not ready', () => (redpanda.clusters.get(CLUSTER_ID)!.state = 'STATE_CREATING'), `Redpanda cluster ${CLUSTER_ID}`, /^fail .*its state is STATE_CREATING, not STATE_READY.*Redpanda Connect 4\.63\.0/],
  ['no trail', (w) => (w.trails = []), `CloudTrail (DB account ${DB})`, /^fail .*no trail records management write events for us-east-1.* → fix: create a multi-region trail .*aws cloudtrail create-trail/],
  ['a trail not logging', (w) => (w.logging = false), `CloudTrail (DB account ${DB})`, /^fail .*trail org-management is not logging.* → fix: aws cloudtrail start-logging --name org-management --profile db$/],
  ['a trail of read events only', (w) => (w.selectors = { EventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }] }), `CloudTrail (DB account ${DB})`, /^fail .*no trail records management write events/],
  ['a trail in another region only', (w) => (w.trails = [{ ...w.trails[0]!, HomeRegion: 'eu-west-1', IsMultiRegionTrail: false }]), `CloudTrail (DB account ${DB})`, /^fail .*no trail records/],
  ['a rule disabled', (w) => (w.rules[`rpcn-aurora-validate-on-iam-change@${REGION}`] = 'DISABLED'), `rule rpcn-aurora-validate-on-iam-change (${REGION})`, /^fail .*DISABLED: Validate is not started by it → fix: aws events enable-rule --name rpcn-aurora-validate-on-iam-change --event-bus-name rpcn-aurora --region us-east-2 --profile db$/],
  ['the rotation schedule disabled', (w) => (w.rules[`rpcn-aurora-rotate-on-schedule@${REGION}`] = 'DISABLED'), `rule rpcn-aurora-rotate-on-schedule (${REGION})`, /^fail .*DISABLED: Rotate is not started by it → fix: aws events enable-rule --name rpcn-aurora-rotate-on-schedule --region us-east-2 --profile db$/],
  ['the IAM-watch rule missing', (w) => delete w.rules['rpcn-aurora-iam-watch@us-east-1'], 'rule rpcn-aurora-iam-watch (us-east-1)', new RegExp(`^fail .*does not exist → fix: deploy ${watchD}`)],
  ['no Data API in the region', (w) => (w.dataApi = Object.assign(new Error(`getaddrinfo ENOTFOUND rds-data.${REGION}.amazonaws.com`), { code: 'ENOTFOUND' })), `RDS Data API (${REGION})`, /^fail .*no endpoint in us-east-2 \(ENOTFOUND\).* → fix: deploy in a region that has the RDS Data API/],
  ['the DB profile in another account', (w) => (w.identity['db'] = 'arn:aws:sts::222222222222:assumed-role/Dev/alice'), 'credentials (DB account)', /^fail .*is in account 222222222222, the deployment's DB account is 111111111111 .* → fix: use a profile of account 111111111111$/],
  ['access denied describing the stacks', (w) => (w.stacks[`RpcnAurora-Db@${REGION}`] = awsError('AccessDenied', `User: arn:aws:sts::${DB}:assumed-role/ReadOnly/alice is not authorized to perform: cloudformation:DescribeStacks`, 403)), 'stack RpcnAurora-Db', /^fail .*access denied: profile db may not call cloudformation:DescribeStacks on RpcnAurora-Db .* → fix: grant it/],
  ['the access stack in R not deployed', (w) => delete w.stacks['RpcnAurora-RedpandaAccess@us-east-1'], 'stack RpcnAurora-RedpandaAccess', /^warn .*not deployed in us-east-1 of 861276079005: Validate cannot read or heal the pipeline roles.* → fix: npx cdk deploy -e RpcnAurora-RedpandaAccess --profile redpanda$/],
  ['the IAM watch of R not deployed', (w) => delete w.stacks[`${watchR}@us-east-1`], `stack ${watchR}`, /^fail .*not deployed in us-east-1 of 861276079005/],
  ['the Redpanda profile in another account', (w) => (w.identity['redpanda'] = `arn:aws:sts::${DB}:assumed-role/Operator/alice`), 'credentials (Redpanda account)', /^fail .*the deployment's Redpanda account is 861276079005/],
])('%s', (_what, breakIt, check, expected) => {
  test('that check says what is wrong and the fix; the exit code says whether it failed', async () => {
    breakIt(world);
    const r = await doctor('--redpanda-profile', 'redpanda');
    const l = line(r.out, check);
    expect(l).toMatch(expected);
    expect(r.code).toBe(l.startsWith('fail') ? 1 : 0);
    // Everything else still ran (or says why it did not).
    expect(r.out.split('\n').at(-1)).toMatch(/^\d+ ok, \d+ warnings?, \d+ failed$/);
  });
});

test('no credentials at all: one fail, the rest marked not checked', async () => {
  world.identity = {};
  const r = await doctor();
  expect(r.code).toBe(1);
  expect(line(r.out, 'credentials (DB account)')).toMatch(/^fail .*no AWS credentials found for profile db/);
  expect(line(r.out, 'everything in the DB account')).toBe('warn  everything in the DB account: not checked: needs working credentials of the DB account');
});

test('an unknown --redpanda-profile is bad input (exit 2)', async () => {
  const r = await doctor('--redpanda-profile', 'nosuch');
  expect(r.code).toBe(2);
  expect(r.err).toBe('error: AWS profile "nosuch" is not in ~/.aws/config or ~/.aws/credentials: check --profile (aws configure list-profiles)');
});

test('status --live reads each pipeline\'s state from Redpanda Cloud with one token', async () => {
  // (status is here because this file runs the local Redpanda Cloud.)
  const { DynamoDBDocumentClient, ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const { linkRecord } = await import('./support/cli-aws.js');
  const ddb = mockClient(DynamoDBDocumentClient);
  try {
    const state = redpanda.stateOf(CLUSTER_ID);
    state.pipelines.set('d5ghjk1lr0pf6mpr1mdg', {
      id: 'd5ghjk1lr0pf6mpr1mdg', display_name: 'rpcn-aurora-orders', description: '', config_yaml: 'input: {}', tags: { 'managed-by': 'rpcn-aurora', 'rpcn-aurora-link': 'orders' },
      state: 'STATE_RUNNING', status: { error: '' }, url: '',
    });
    ddb.on(ScanCommand).resolves({ Items: [linkRecord('orders'), linkRecord('billing', { outputs: { pipelineId: 'd5ghjk1lr0pf6mpr1zzz' } })] });
    const before = redpanda.tokensIssued();
    const r = await cli(terminal({ tty: true }), 'status', '--live', '--profile', 'db', '-c', box.configPath);
    expect(r.out.split('\n')[2]).toMatch(/^orders .* d5ghjk1lr0pf6mpr1mdg RUNNING /);
    // A pipeline the cluster does not have: unknown, with the reason on stderr.
    expect(r.out.split('\n')[1]).toMatch(/^billing .* d5ghjk1lr0pf6mpr1zzz \? /);
    expect(r.err).toMatch(/^warning: pipeline state of billing unknown: /);
    expect(redpanda.tokensIssued() - before).toBe(1);
    state.pipelines.delete('d5ghjk1lr0pf6mpr1mdg');
  } finally {
    ddb.restore();
  }
});
