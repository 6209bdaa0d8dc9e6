// Aurora settings a link needs (docs/architecture.md#workflows and docs/architecture.md#probe-and-diagnosis; docs/reference/aws.md A1-A3): cluster parameters per
// engine, the check of an adopted cluster's parameters (report only: we never modify or reboot a cluster the
// link did not create), security-group ingress from the Redpanda NAT addresses, and the creation settings of a
// new Serverless v2 cluster. Pure; the RDS/EC2 adapters, the probe and `rpcn-aurora plan` share these.
import { DEFAULT_PORT, placeholder, type ArtifactContext } from './context.js';
import { LINK_TAG_KEY, linkNames } from './naming.js';
import type { Engine, LinkRequest } from './request.js';

// ---------------------------------------------------------------------------------------------------------
// Cluster parameters

/** RDS only accepts `immediate` for dynamic parameters; `pending-reboot` is accepted for both kinds. */
export type ApplyMethod = 'immediate' | 'pending-reboot';
/** How the engine applies a parameter: static ones take effect only after the writer restarts. */
export type ApplyType = 'static' | 'dynamic';

/** One entry of `ModifyDBClusterParameterGroup` / `CreateDBCluster`-time `Parameters`, exactly as RDS takes it. */
export interface RdsParameter {
  readonly ParameterName: string;
  readonly ParameterValue: string;
  readonly ApplyMethod: ApplyMethod;
}

/** What an adopted cluster's value must satisfy. */
export type ParameterRule =
  | { readonly kind: 'on' }
  | { readonly kind: 'equals'; readonly value: string }
  | { readonly kind: 'atLeast'; readonly minimum: number };

export interface ClusterParameterSetting extends RdsParameter {
  readonly applyType: ApplyType;
  /** `required`: CDC fails without it. `recommended`: hardening; a finding, not a failure. */
  readonly requirement: 'required' | 'recommended';
  readonly rule: ParameterRule;
  /** Fix with a writer reboot even when RDS reports the parameter as dynamic. */
  readonly treatAsStatic: boolean;
  /** Value in effect when the group leaves the parameter unset; undefined when we do not know it. */
  readonly engineDefault: string | undefined;
  readonly reason: string;
}

// Replication capacity: one link holds one permanent slot and one walsender, and during the initial snapshot
// a second, temporary `<slot>_tmp` (docs/reference/redpanda-connect.md §3). 10 (PostgreSQL's own default) leaves
// room for a few links or other consumers (DMS, a debugging pg_recvlogical) on one cluster while staying far
// below max_connections on 0.5 ACU; an adopted cluster only needs room for our 2.
const PG_REPLICATION_CAPACITY = '10';
const PG_REPLICATION_MINIMUM = 2;

const POSTGRES: readonly ClusterParameterSetting[] = [
  {
    ParameterName: 'rds.logical_replication',
    ParameterValue: '1',
    ApplyMethod: 'pending-reboot',
    applyType: 'static',
    requirement: 'required',
    rule: { kind: 'on' },
    treatAsStatic: false,
    engineDefault: '0',
    reason: 'sets wal_level=logical so postgres_cdc can decode changes through a replication slot',
  },
  {
    ParameterName: 'rds.iam_auth_for_replication',
    ParameterValue: '1',
    ApplyMethod: 'immediate',
    applyType: 'dynamic',
    requirement: 'required',
    rule: { kind: 'on' },
    treatAsStatic: false,
    engineDefault: '0',
    reason: 'lets the replication connection of postgres_cdc log in with an IAM token (rds_iam + rds_replication)',
  },
  {
    // Documented default 0. Whether it is dynamic on every Aurora PostgreSQL version is unverified, so we ask
    // for pending-reboot, which RDS accepts either way; a new cluster boots with it.
    ParameterName: 'rds.force_ssl',
    ParameterValue: '1',
    ApplyMethod: 'pending-reboot',
    applyType: 'dynamic',
    requirement: 'recommended',
    rule: { kind: 'on' },
    treatAsStatic: false,
    engineDefault: '0',
    reason: 'refuses unencrypted connections, so neither IAM tokens nor row data cross the internet in clear text',
  },
  {
    ParameterName: 'max_replication_slots',
    ParameterValue: PG_REPLICATION_CAPACITY,
    ApplyMethod: 'pending-reboot',
    applyType: 'static',
    requirement: 'required',
    rule: { kind: 'atLeast', minimum: PG_REPLICATION_MINIMUM },
    treatAsStatic: false,
    // PostgreSQL's compiled-in default; Aurora's own default is not documented here (unverified).
    engineDefault: '10',
    reason: 'room for the link\'s slot plus the temporary snapshot slot and other consumers',
  },
  {
    ParameterName: 'max_wal_senders',
    ParameterValue: PG_REPLICATION_CAPACITY,
    ApplyMethod: 'pending-reboot',
    applyType: 'static',
    requirement: 'required',
    rule: { kind: 'atLeast', minimum: PG_REPLICATION_MINIMUM },
    treatAsStatic: false,
    engineDefault: '10',
    reason: 'one walsender per streaming replication connection, including the snapshot\'s',
  },
];

const MYSQL: readonly ClusterParameterSetting[] = [
  {
    // Aurora MySQL's default is OFF (no binary log). Whether turning it on needs a writer restart is
    // unverified (docs/reference/aws.md A2), so we always restart: sessions already open keep their old format anyway.
    ParameterName: 'binlog_format',
    ParameterValue: 'ROW',
    ApplyMethod: 'pending-reboot',
    applyType: 'static',
    requirement: 'required',
    rule: { kind: 'equals', value: 'ROW' },
    treatAsStatic: true,
    engineDefault: 'OFF',
    reason: 'mysql_cdc reads row events from the binary log; MIXED or STATEMENT logs SQL text it cannot decode',
  },
  {
    ParameterName: 'binlog_row_image',
    ParameterValue: 'FULL',
    ApplyMethod: 'immediate',
    applyType: 'dynamic',
    requirement: 'required',
    rule: { kind: 'equals', value: 'FULL' },
    treatAsStatic: false,
    engineDefault: 'FULL',
    reason: 'row events carry every column, so each CDC message is a complete row, not only the changed columns',
  },
  {
    ParameterName: 'require_secure_transport',
    ParameterValue: 'ON',
    ApplyMethod: 'immediate',
    applyType: 'dynamic',
    requirement: 'recommended',
    rule: { kind: 'on' },
    treatAsStatic: false,
    engineDefault: 'OFF',
    reason: 'refuses unencrypted connections; IAM auth sends the token as a cleartext password inside TLS',
  },
];

/** Parameters of a link's cluster parameter group, with why each is there. */
export function clusterParameterSettings(engine: Engine): readonly ClusterParameterSetting[] {
  return engine === 'aurora-postgresql' ? POSTGRES : MYSQL;
}

/** The same, reduced to exactly what `ModifyDBClusterParameterGroup` takes. */
export function rdsClusterParameters(engine: Engine): readonly RdsParameter[] {
  return clusterParameterSettings(engine).map(({ ParameterName, ParameterValue, ApplyMethod }) => ({
    ParameterName,
    ParameterValue,
    ApplyMethod,
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Checking an adopted cluster (database.create: false)

/** A parameter as DescribeDBClusterParameters reports it; `value` is absent when the group leaves it unset. */
export interface ActualClusterParameter {
  readonly name: string;
  readonly value?: string | null | undefined;
  readonly applyType?: string | undefined;
  readonly isModifiable?: boolean | undefined;
}

/** Where the adopted cluster's parameters live; unknown parts appear as placeholders in the fix text. */
export interface AdoptedClusterParameterState {
  readonly clusterIdentifier?: string | undefined;
  /** DBClusterParameterGroup of the cluster, e.g. `default.aurora-postgresql17` or a custom group. */
  readonly parameterGroupName?: string | undefined;
  readonly writerInstanceIdentifier?: string | undefined;
  /** The writer's `DBClusterMembers[].DBClusterParameterGroupStatus`: `in-sync`, `pending-reboot`, `applying`. */
  readonly writerParameterGroupStatus?: string | undefined;
}

export type ParameterStatus = 'ok' | 'wrong' | 'not-set' | 'pending-reboot';

export interface ParameterFinding {
  readonly parameter: string;
  readonly requirement: 'required' | 'recommended';
  readonly status: ParameterStatus;
  /** The rule as text: `1`, `ROW`, `at least 2`. */
  readonly expected: string;
  /** Value set in the parameter group; undefined when unset (the engine default applies). */
  readonly actual: string | undefined;
  /** The writer has a pending reboot, so a static parameter's running value may differ from the group's. */
  readonly rebootPending: boolean;
  /** Fixing this needs a writer reboot before it takes effect. */
  readonly rebootNeeded: boolean;
  readonly reason: string;
  readonly message: string;
  /** What the operator runs; empty when ok. */
  readonly commands: readonly string[];
  /** The commands in a sentence; undefined when ok. */
  readonly fix: string | undefined;
}

export interface ClusterParameterReport {
  /** Every required parameter is set and in effect; recommended ones may still have findings. */
  readonly ok: boolean;
  readonly findings: readonly ParameterFinding[];
  /** One combined fix for every finding that is not ok, in the order to run it. */
  readonly commands: readonly string[];
}

/**
 * Compare an adopted cluster's parameters with what CDC needs. Reports only: this link never changes or
 * reboots a cluster it did not create, so every fix is a command for the cluster's owner.
 */
export function checkClusterParameters(
  engine: Engine,
  actual: readonly ActualClusterParameter[],
  state: AdoptedClusterParameterState = {},
): ClusterParameterReport {
  const byName = new Map(actual.map((p) => [p.name, p]));
  const rebootPending = state.writerParameterGroupStatus === 'pending-reboot';
  const where = fixTarget(state);

  const findings = clusterParameterSettings(engine).map((setting): ParameterFinding => {
    const found = byName.get(setting.ParameterName);
    const configured = found?.value ?? undefined;
    const effective = configured ?? setting.engineDefault;
    const reported = reportedApplyType(found);
    const applyType: ApplyType = setting.treatAsStatic ? 'static' : (reported ?? setting.applyType);
    const satisfied = effective !== undefined && satisfies(setting.rule, effective);

    let status: ParameterStatus;
    if (!satisfied) status = configured === undefined ? 'not-set' : 'wrong';
    else if (rebootPending && applyType === 'static') status = 'pending-reboot';
    else status = 'ok';

    const expected = describeRule(setting);
    const base = { parameter: setting.ParameterName, requirement: setting.requirement, status, expected, actual: configured, rebootPending, reason: setting.reason };
    if (status === 'ok') {
      return { ...base, rebootNeeded: false, message: `${setting.ParameterName} = ${effective} (${expected}): ok`, commands: [], fix: undefined };
    }
    if (status === 'pending-reboot') {
      const commands = [rebootCommand(where)];
      return {
        ...base,
        rebootNeeded: true,
        message:
          `${setting.ParameterName} is ${configured ?? effective} in the parameter group, but the writer has a pending reboot, ` +
          `so the running value may still be the old one (check with SHOW ${setting.ParameterName})`,
        commands,
        fix: `Reboot the writer so the parameter group takes effect (brief downtime; pick a quiet moment): ${commands[0]}`,
      };
    }

    const unmodifiable = found?.isModifiable === false;
    const now =
      configured === undefined
        ? `not set (the engine default${setting.engineDefault === undefined ? '' : `, ${setting.engineDefault},`} applies)`
        : configured;
    const message = `${setting.ParameterName} is ${now}; ${setting.requirement === 'required' ? 'CDC needs' : 'we recommend'} ${expected}: ${setting.reason}`;
    if (unmodifiable) {
      return {
        ...base,
        rebootNeeded: false,
        message,
        commands: [],
        fix: `${setting.ParameterName} cannot be modified for this engine version; use a version where it can`,
      };
    }
    const parameter = fixParameter(setting, reported);
    // Attaching a new group to the cluster also takes a writer reboot to apply.
    const rebootNeeded = parameter.ApplyMethod === 'pending-reboot' || where.defaultGroup !== undefined;
    const commands = fixCommands(where, [parameter], rebootNeeded);
    return { ...base, rebootNeeded, message, commands, fix: describeFix(where, commands, rebootNeeded) };
  });

  const toChange = findings.filter((f) => (f.status === 'wrong' || f.status === 'not-set') && f.commands.length > 0);
  const rebootOnly = findings.some((f) => f.status === 'pending-reboot');
  let commands: string[] = [];
  if (toChange.length > 0) {
    const parameters = toChange.map((f) => {
      const setting = clusterParameterSettings(engine).find((s) => s.ParameterName === f.parameter)!;
      return fixParameter(setting, reportedApplyType(byName.get(f.parameter)));
    });
    commands = fixCommands(where, parameters, rebootOnly || toChange.some((f) => f.rebootNeeded));
  } else if (rebootOnly) {
    commands = [rebootCommand(where)];
  }

  return {
    ok: findings.every((f) => f.requirement !== 'required' || f.status === 'ok'),
    findings,
    commands,
  };
}

function satisfies(rule: ParameterRule, value: string): boolean {
  const v = value.trim();
  switch (rule.kind) {
    case 'on':
      return ['1', 'on', 'true'].includes(v.toLowerCase());
    case 'equals':
      return v.toUpperCase() === rule.value.toUpperCase();
    case 'atLeast':
      // A formula such as `{DBInstanceClassMemory/...}` cannot be judged offline: reported, shown as is.
      return /^\d+$/.test(v) && Number(v) >= rule.minimum;
  }
}

function describeRule(setting: ClusterParameterSetting): string {
  return setting.rule.kind === 'atLeast' ? `at least ${setting.rule.minimum}` : setting.ParameterValue;
}

interface FixTarget {
  readonly clusterIdentifier: string;
  readonly parameterGroupName: string;
  readonly writerInstanceIdentifier: string;
  /** Set when the cluster uses an engine default group, which RDS does not let anyone modify. */
  readonly defaultGroup: { readonly family: string; readonly newGroupName: string } | undefined;
}

function fixTarget(state: AdoptedClusterParameterState): FixTarget {
  const clusterIdentifier = state.clusterIdentifier ?? placeholder('CLUSTER_IDENTIFIER');
  const parameterGroupName = state.parameterGroupName ?? placeholder('CLUSTER_PARAMETER_GROUP');
  const writerInstanceIdentifier = state.writerInstanceIdentifier ?? placeholder('WRITER_INSTANCE_IDENTIFIER');
  const defaultGroup = parameterGroupName.startsWith('default.')
    ? {
        family: parameterGroupName.slice('default.'.length) || placeholder('PARAMETER_GROUP_FAMILY'),
        newGroupName: `${clusterIdentifier}-cdc`,
      }
    : undefined;
  return { clusterIdentifier, parameterGroupName, writerInstanceIdentifier, defaultGroup };
}

function reportedApplyType(found: ActualClusterParameter | undefined): ApplyType | undefined {
  return found?.applyType === 'static' || found?.applyType === 'dynamic' ? found.applyType : undefined;
}

/** What RDS reports decides the apply method; without a report we keep our own, which RDS always accepts. */
function fixParameter(setting: ClusterParameterSetting, reported: ApplyType | undefined): RdsParameter {
  let ApplyMethod: ApplyMethod = setting.ApplyMethod;
  if (setting.treatAsStatic || reported === 'static') ApplyMethod = 'pending-reboot';
  else if (reported === 'dynamic') ApplyMethod = 'immediate';
  return { ParameterName: setting.ParameterName, ParameterValue: setting.ParameterValue, ApplyMethod };
}

function rebootCommand(where: FixTarget): string {
  return `aws rds reboot-db-instance --db-instance-identifier ${where.writerInstanceIdentifier}`;
}

function fixCommands(where: FixTarget, parameters: readonly RdsParameter[], reboot: boolean): string[] {
  const list = parameters
    .map((p) => `"ParameterName=${p.ParameterName},ParameterValue=${p.ParameterValue},ApplyMethod=${p.ApplyMethod}"`)
    .join(' ');
  const commands: string[] = [];
  const group = where.defaultGroup?.newGroupName ?? where.parameterGroupName;
  if (where.defaultGroup) {
    commands.push(
      `aws rds create-db-cluster-parameter-group --db-cluster-parameter-group-name ${group} ` +
        `--db-parameter-group-family ${where.defaultGroup.family} --description "CDC settings for ${where.clusterIdentifier}"`,
    );
  }
  commands.push(`aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name ${group} --parameters ${list}`);
  if (where.defaultGroup) {
    commands.push(
      `aws rds modify-db-cluster --db-cluster-identifier ${where.clusterIdentifier} --db-cluster-parameter-group-name ${group} --apply-immediately`,
    );
  }
  if (reboot) commands.push(rebootCommand(where));
  return commands;
}

function describeFix(where: FixTarget, commands: readonly string[], reboot: boolean): string {
  const steps = commands.map((c) => `\`${c}\``);
  const intro = where.defaultGroup
    ? `The cluster uses the engine default group ${where.parameterGroupName}, which cannot be modified: create a custom ` +
      `cluster parameter group, set the parameter, attach the group`
    : `Set the parameter in ${where.parameterGroupName}`;
  const last = reboot ? `${intro}, then reboot the writer (brief downtime; pick a quiet moment)` : intro;
  return `${last}: ${steps.join(', then ')}`;
}

// ---------------------------------------------------------------------------------------------------------
// Security-group ingress from the Redpanda NAT gateways

export interface IpRange {
  readonly CidrIp: string;
  readonly Description: string;
}

/** One entry of EC2 `AuthorizeSecurityGroupIngress` `IpPermissions`. */
export interface IpPermission {
  readonly IpProtocol: 'tcp';
  readonly FromPort: number;
  readonly ToPort: number;
  readonly IpRanges: readonly IpRange[];
}

export interface RejectedAddress {
  readonly value: string;
  readonly reason: string;
}

/** Some NAT addresses cannot become an ingress rule; `rejected` says which and why. Nothing is opened. */
export class InvalidIngressAddressError extends Error {
  readonly rejected: readonly RejectedAddress[];
  constructor(rejected: readonly RejectedAddress[]) {
    super(
      rejected.length === 0
        ? 'no Redpanda NAT address to allow: the cluster reported none'
        : `cannot allow ingress from ${rejected.map((r) => `"${r.value}" (${r.reason})`).join(', ')}`,
    );
    this.name = 'InvalidIngressAddressError';
    this.rejected = rejected;
  }
}

// A public Aurora is reached from the BYOC cluster's NAT gateways, which have public addresses; anything
// else here means wrong data (or an attempt to open the database to a network we do not mean).
const NON_PUBLIC: ReadonlyArray<readonly [cidr: string, reason: string]> = [
  ['0.0.0.0/8', '"this network" (0.0.0.0/8) is not a NAT gateway address'],
  ['10.0.0.0/8', 'a private address (10.0.0.0/8)'],
  ['100.64.0.0/10', 'a carrier-grade NAT address (100.64.0.0/10)'],
  ['127.0.0.0/8', 'a loopback address (127.0.0.0/8)'],
  ['169.254.0.0/16', 'a link-local address (169.254.0.0/16)'],
  ['172.16.0.0/12', 'a private address (172.16.0.0/12)'],
  ['192.168.0.0/16', 'a private address (192.168.0.0/16)'],
  ['224.0.0.0/4', 'a multicast address (224.0.0.0/4)'],
  ['240.0.0.0/4', 'a reserved address (240.0.0.0/4)'],
];

const EC2_DESCRIPTION = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{0,255}$/;

/** The NAT addresses as sorted, de-duplicated `/32` CIDRs; throws {@link InvalidIngressAddressError}. */
export function redpandaIngressCidrs(natAddresses: readonly string[]): readonly string[] {
  const rejected: RejectedAddress[] = [];
  const accepted = new Map<number, string>();
  for (const raw of natAddresses) {
    const reason = addressProblem(raw);
    if (reason !== undefined) {
      rejected.push({ value: raw, reason });
      continue;
    }
    const ip = parseIpv4(raw.trim().replace(/\/32$/, ''))!;
    accepted.set(ip, `${formatIpv4(ip)}/32`);
  }
  if (rejected.length > 0 || accepted.size === 0) throw new InvalidIngressAddressError(rejected);
  return [...accepted.entries()].sort(([a], [b]) => a - b).map(([, cidr]) => cidr);
}

/**
 * Ingress rules letting the Redpanda cluster's NAT gateways reach the database port: one rule per address, so an
 * adapter can authorize just the missing ones (EC2 rejects a whole call if any rule already exists).
 */
export function redpandaIngressPermissions(input: {
  readonly link: string;
  readonly redpandaClusterId: string;
  readonly natAddresses: readonly string[];
  readonly port: number;
}): readonly IpPermission[] {
  const { link, redpandaClusterId, natAddresses, port } = input;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`port ${port} is not a TCP port (1-65535)`);
  const Description = ingressDescription(link, redpandaClusterId);
  return redpandaIngressCidrs(natAddresses).map((CidrIp) => ({
    IpProtocol: 'tcp',
    FromPort: port,
    ToPort: port,
    IpRanges: [{ CidrIp, Description }],
  }));
}

/** The description on each rule; the probe and teardown find the link's rules by it. */
export function ingressDescription(link: string, redpandaClusterId: string): string {
  const description = `rpcn-aurora ${link}: Redpanda ${redpandaClusterId} NAT`;
  if (!EC2_DESCRIPTION.test(description)) {
    throw new RangeError(`security group rule description "${description}" has characters EC2 does not accept`);
  }
  return description;
}

function addressProblem(raw: string): string | undefined {
  const value = raw.trim();
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const prefix = slash < 0 ? '32' : value.slice(slash + 1);
  const ip = parseIpv4(address);
  if (ip === undefined) return value.includes(':') ? 'IPv6 is not supported; Redpanda NAT gateways are IPv4' : 'not an IPv4 address';
  if (!/^\d{1,2}$/.test(prefix) || Number(prefix) > 32) return 'not a valid CIDR prefix';
  if (Number(prefix) === 0) return 'would open the database to the whole internet';
  if (prefix !== '32') return `a /${prefix} range, but a NAT gateway is a single address (/32)`;
  for (const [cidr, reason] of NON_PUBLIC) if (inCidr(ip, cidr)) return reason;
  return undefined;
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  // Leading zeros are refused: some parsers read them as octal, so "010.1.1.1" is ambiguous.
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function formatIpv4(ip: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(ip / 2 ** shift) % 256).join('.');
}

function inCidr(ip: number, cidr: string): boolean {
  const [base, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  const start = parseIpv4(base)!;
  return ip >= start && ip < start + size;
}

// ---------------------------------------------------------------------------------------------------------
// Creation settings of a new cluster

/** Creation settings were asked for a cluster the link adopts; adopted clusters are never created or changed. */
export class AdoptedClusterError extends Error {
  constructor(clusterIdentifier: string) {
    super(`cluster ${clusterIdentifier} is adopted (database.create is false): the link never creates or modifies it`);
    this.name = 'AdoptedClusterError';
  }
}

export interface ClusterCreationSettings {
  readonly engine: Engine;
  readonly engineVersion: string;
  readonly parameterGroupFamily: string;
  readonly clusterIdentifier: string;
  readonly clusterParameterGroupName: string;
  readonly clusterParameters: readonly RdsParameter[];
  readonly writerInstanceIdentifier: string;
  /** Serverless v2 runs as a provisioned cluster with `db.serverless` instances. */
  readonly instanceClass: 'db.serverless';
  readonly databaseName: string;
  readonly port: number;
  readonly masterUsername: string;
  /** RDS keeps the master password in Secrets Manager; the Data API reads it from there (by ARN). */
  readonly manageMasterUserPassword: true;
  readonly enableIAMDatabaseAuthentication: true;
  /** The RDS Data API; on Serverless v2 enable it with `EnableHttpEndpoint` once the cluster is available. */
  readonly enableHttpEndpoint: true;
  readonly storageEncrypted: true;
  readonly publiclyAccessible: boolean;
  readonly serverlessV2ScalingConfiguration: { readonly MinCapacity: number; readonly MaxCapacity: number };
  readonly copyTagsToSnapshot: true;
  readonly tags: readonly { readonly Key: string; readonly Value: string }[];
  /** Consequences of the chosen settings worth showing in `plan`. */
  readonly notes: readonly string[];
}

const MASTER_USERNAME: Readonly<Record<Engine, string>> = { 'aurora-postgresql': 'postgres', 'aurora-mysql': 'admin' };

/** What the Aurora branch creates for `database.create: true`. */
export function clusterCreationSettings(
  request: Pick<LinkRequest, 'name' | 'engine' | 'database' | 'redpanda'>,
  context: Pick<ArtifactContext, 'dbAccountId'>,
): ClusterCreationSettings {
  if (!request.database.create) throw new AdoptedClusterError(request.database.clusterIdentifier);
  const names = linkNames(request, context.dbAccountId);
  const { minCapacity, maxCapacity } = request.database;
  const notes: string[] = [];
  if (minCapacity === 0) {
    notes.push(
      'minCapacity 0 turns on auto-pause: while the pipeline streams the writer never pauses; after a pause the ' +
        'first connection waits about 15 s for it to resume',
    );
  }
  return {
    engine: request.engine,
    engineVersion: request.database.engineVersion,
    parameterGroupFamily: names.parameterGroupFamily,
    clusterIdentifier: names.clusterIdentifier,
    clusterParameterGroupName: names.clusterParameterGroup,
    clusterParameters: rdsClusterParameters(request.engine),
    writerInstanceIdentifier: names.writerInstanceIdentifier,
    instanceClass: 'db.serverless',
    databaseName: request.database.databaseName,
    port: DEFAULT_PORT[request.engine],
    masterUsername: MASTER_USERNAME[request.engine],
    manageMasterUserPassword: true,
    enableIAMDatabaseAuthentication: true,
    enableHttpEndpoint: true,
    storageEncrypted: true,
    publiclyAccessible: request.database.publiclyAccessible,
    serverlessV2ScalingConfiguration: { MinCapacity: minCapacity, MaxCapacity: maxCapacity },
    copyTagsToSnapshot: true,
    tags: [{ Key: LINK_TAG_KEY, Value: request.name }],
    notes,
  };
}
