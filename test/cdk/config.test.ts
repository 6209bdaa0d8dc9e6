// The deployment configuration (lib/config.ts): the committed example is valid, and every mistake is
// reported with the key that is wrong.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DATA_API_REGIONS, DeploymentConfigError, loadDeploymentConfig, parseDeploymentConfig, redpandaAccountInUse, watchedAccounts } from '../../lib/config.js';
import { redpandaRoleNames } from '../../lib/names.js';
import { EXAMPLE_CONFIG_PATH, exampleConfig, pipelineRoleConfig } from './support/synth.js';

const base = () => ({
  dbAccount: { accountId: '111111111111', region: 'us-east-2' },
  redpanda: { accountId: '222222222222', clusterIds: ['curl3eo533cmsnt23dv0'] },
});

function errorOf(value: unknown): string {
  try {
    parseDeploymentConfig(value, 'cfg.json');
  } catch (e) {
    expect(e).toBeInstanceOf(DeploymentConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('deployment configuration', () => {
  it('accepts the committed example and fills the documented defaults', () => {
    const config = exampleConfig();
    expect(config.dbAccount).toEqual({ accountId: '111111111111', region: 'us-east-2' });
    expect(config.redpanda.accessStackRegion).toBe('us-east-1');
    expect(config.identityModes).toEqual(['access-key']);
    expect(config.redpanda.accountId).toBeUndefined();
    expect(config.network).toEqual({ mode: 'create', cidr: '10.80.0.0/16', availabilityZones: ['us-east-2a', 'us-east-2b'], dbSubnets: 'public' });
    const minimal = parseDeploymentConfig(base());
    expect(minimal).toMatchObject({
      network: { mode: 'none' },
      adoptableClusters: [],
      identityModes: ['access-key'],
      redpanda: { selfManagedRoleNames: [] },
      validateSchedule: 'rate(6 hours)',
      rotateSchedule: 'rate(1 day)',
      logRetentionDays: 30,
      logLevel: 'INFO',
      alarmTopicArns: [],
    });
  });

  it.each([
    [{ ...base(), dbAccount: { region: 'us-east-2' } }, 'dbAccount.accountId'],
    [{ ...base(), dbAccount: { accountId: '1234', region: 'us-east-2' } }, 'dbAccount.accountId: must be a 12-digit AWS account id'],
    [{ ...base(), dbAccount: { accountId: '111111111111', region: 'cn-north-1' } }, 'dbAccount.region: must be an AWS region of the commercial partition'],
    [{ ...base(), dbAccount: { accountId: '111111111111', region: 'ap-south-2' } }, 'dbAccount.region: ap-south-2 has no RDS Data API for Aurora Serverless v2 and provisioned clusters'],
    [{ ...base(), dbAccount: { accountId: '111111111111', region: 'ap-southeast-4' } }, 'choose one of us-east-1, us-east-2, us-west-1, us-west-2, af-south-1'],
    [{ ...base(), dbAccount: { accountId: '111111111111', region: 'ap-southeast-6' } }, 'dbAccount.region: ap-southeast-6 has no RDS Data API'],
    [{ ...base(), redpanda: { accountId: '222222222222', clusterIds: [] } }, 'redpanda.clusterIds: must list at least one'],
    [{ ...base(), redpanda: { accountId: '222222222222', clusterIds: ['curl3eo533cmsnt23dv0', 'curl3eo533cmsnt23dv0'] } }, 'redpanda.clusterIds: must not list a cluster id twice'],
    [{ ...base(), redpanda: { accountId: '222222222222', clusterIds: ['NOT-A-CLUSTER'] } }, 'redpanda.clusterIds.0: must be a Redpanda Cloud cluster id'],
    [{ ...base(), network: { mode: 'create' } }, 'network.availabilityZones'],
    [{ ...base(), network: { mode: 'create', availabilityZones: ['us-west-2a', 'us-west-2b'] } }, 'network.availabilityZones.0: must be in dbAccount.region us-east-2'],
    [{ ...base(), network: { mode: 'existing', vpcId: 'vpc-0abc1234def567890' } }, 'network.dbSubnetGroupName'],
    [{ ...base(), network: { mode: 'peered' } }, 'network.mode: must be "none", "create" or "existing"'],
    [{ ...base(), logRetentionDays: 42 }, 'logRetentionDays: must be one of'],
    [{ ...base(), validateSchedule: 'every 6 hours' }, 'validateSchedule: must be an EventBridge schedule expression'],
    [{ ...base(), logLevel: 'TRACE' }, 'logLevel'],
    [{ ...base(), adoptableClusters: ['Prod_DB'] }, 'adoptableClusters.0'],
    [{ ...base(), alarmTopicArns: ['my-topic'] }, 'alarmTopicArns.0: must be an SNS topic ARN'],
    [{ ...base(), dbAcount: {} }, '(top level): unknown key(s) "dbAcount"'],
    [{ ...base(), redpanda: { ...base().redpanda, clusterId: 'x' } }, 'redpanda: unknown key(s) "clusterId"'],
    [{ ...base(), identityModes: [] }, 'identityModes: must list at least one identity mode'],
    [{ ...base(), identityModes: ['iam-user'] }, 'identityModes.0: must be one of "access-key", "pipeline-role", "self-managed"'],
    [{ ...base(), identityModes: ['access-key', 'access-key'] }, 'identityModes: must not list a mode twice'],
    [{ ...base(), identityModes: 'access-key' }, 'identityModes: must be a list of identity modes'],
    [{ ...base(), identityModes: ['pipeline-role'], redpanda: { clusterIds: ['curl3eo533cmsnt23dv0'] } }, 'redpanda.accountId: is required when identityModes contains "pipeline-role"'],
    [{ ...base(), identityModes: ['access-key'], redpanda: { ...base().redpanda, selfManagedRoleNames: ['connect-cdc'] } }, 'redpanda.selfManagedRoleNames: applies only when identityModes contains "self-managed"'],
    [{ ...base(), identityModes: ['self-managed'], redpanda: { clusterIds: ['curl3eo533cmsnt23dv0'], selfManagedRoleNames: ['connect-cdc'] } }, 'redpanda.accountId: is required when redpanda.selfManagedRoleNames is not empty'],
    [{ ...base(), identityModes: ['self-managed'], redpanda: { ...base().redpanda, selfManagedRoleNames: ['role/with/path'] } }, 'redpanda.selfManagedRoleNames.0: must be an IAM role name'],
    [{ ...base(), rotateSchedule: 'daily' }, 'rotateSchedule: must be an EventBridge schedule expression'],
  ])('names the key that is wrong (%#)', (value, expected) => {
    expect(errorOf(value)).toContain(expected);
  });

  it.each([...DATA_API_REGIONS])('accepts %s, a region with the RDS Data API', (region) => {
    expect(parseDeploymentConfig({ ...base(), dbAccount: { accountId: '111111111111', region } }).dbAccount.region).toBe(region);
  });

  it('lists every bad key at once, under the file name', () => {
    const message = errorOf({ dbAccount: { accountId: 'x', region: 'y' }, redpanda: { accountId: '222222222222', clusterIds: [] } });
    expect(message).toMatch(/^cfg\.json is invalid:/);
    expect(message).toContain('dbAccount.accountId');
    expect(message).toContain('dbAccount.region');
    expect(message).toContain('redpanda.clusterIds');
  });

  it('says when the file is missing or not JSON', () => {
    expect(() => loadDeploymentConfig('/nonexistent/deployment.json')).toThrow('cannot read the deployment config /nonexistent/deployment.json');
    const bad = join(tmpdir(), `rpcn-aurora-bad-${process.pid}.json`);
    writeFileSync(bad, '{ "dbAccount": ');
    try {
      expect(() => loadDeploymentConfig(bad)).toThrow(`${bad} is not valid JSON`);
    } finally {
      rmSync(bad, { force: true });
    }
    expect(() => loadDeploymentConfig(EXAMPLE_CONFIG_PATH)).not.toThrow();
  });

  it('needs no Redpanda account for access-key links (the default): the account id may be left out', () => {
    const minimal = parseDeploymentConfig({ dbAccount: base().dbAccount, redpanda: { clusterIds: ['curl3eo533cmsnt23dv0'] } });
    expect(minimal.identityModes).toEqual(['access-key']);
    expect(redpandaAccountInUse(minimal)).toBeUndefined();
    // Given but not needed: still nothing in R.
    expect(redpandaAccountInUse(parseDeploymentConfig(base()))).toBeUndefined();
    expect(redpandaRoleNames(parseDeploymentConfig(base()))).toEqual([]);
  });

  it('uses R for pipeline roles, and for self-managed roles named in it', () => {
    expect(redpandaAccountInUse(pipelineRoleConfig())).toBe('861276079005');
    expect(redpandaRoleNames(pipelineRoleConfig())).toEqual(['redpanda-curl3eo533cmsnt23dv0-redpanda-connect-pipeline']);
    const selfManaged = parseDeploymentConfig({ ...base(), identityModes: ['self-managed'], redpanda: { ...base().redpanda, selfManagedRoleNames: ['connect-cdc'] } });
    expect(redpandaAccountInUse(selfManaged)).toBe('222222222222');
    expect(redpandaRoleNames(selfManaged)).toEqual(['connect-cdc']);
    // self-managed roles elsewhere are artifacts: nothing in R.
    expect(redpandaAccountInUse(parseDeploymentConfig({ ...base(), identityModes: ['self-managed'] }))).toBeUndefined();
  });

  it('watches D, plus R when in use (once when they are the same account)', () => {
    expect(watchedAccounts(exampleConfig())).toEqual(['111111111111']);
    expect(watchedAccounts(pipelineRoleConfig())).toEqual(['861276079005', '111111111111']);
    expect(watchedAccounts(pipelineRoleConfig({ redpanda: { accountId: '111111111111' } }))).toEqual(['111111111111']);
  });
});
