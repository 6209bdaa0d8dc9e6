// The in-memory AWS side of the offline twin (docs/architecture.md#the-offline-twin-local). Real where it can be: policy
// decisions (iam-simulate) and databases (embedded PostgreSQL, MariaDB). Emulated everywhere else: IAM/STS
// state, RDS/EC2/Secrets Manager/DynamoDB control planes, the Data API transport, IAM database login and
// CloudTrail event delivery. Every emulated behaviour says so where it is implemented.
//
// Accounts: D (dbAccountId) holds our step Lambda role, the link boundary policy, the db-connect roles, the
// connector users and the clusters; R (redpandaAccountId) holds the Redpanda-managed pipeline role and, when
// deployed, the RpcnAurora-RedpandaAccess roles (inspector, healer).
import type { AuroraPort, ClusterDescription, NetworkPort } from '../../lambdas/ports/aurora.js';
import type { ChainSimulator, IamPort, PipelineRoleAccess } from '../../lambdas/ports/iam.js';
import type { RegistryPort } from '../../lambdas/ports/registry.js';
import type { SecretsPort } from '../../lambdas/ports/secrets.js';
import type { SqlPort } from '../../lambdas/ports/sql.js';
import type { StepDeps } from '../../lambdas/handlers/shared/deps.js';
import { linkBoundaryPolicy } from '../../lambdas/core/iam.js';
import { LINK_BOUNDARY_POLICY, pipelineRoleName } from '../../lambdas/core/naming.js';
import { ipv4Range, isPrivateAddress, rangesOverlap } from '../ipv4.js';
import { roleArn as makeRoleArn, type Clock } from './common.js';
import { DataApiStandIn } from './data-api.js';
import { NetworkEmulator } from './ec2.js';
import type { IamCloudTrailEvent, IamEventListener } from './events.js';
import { FaultInjector, type FaultTarget } from './faults.js';
import { IamEmulator, type AccessKeyStatus, type CreatedAccessKey } from './iam.js';
import { IamChainSimulator } from '../../lambdas/adapters/aws/chain-simulator.js';
import { twinSimulatorClient } from './iam-simulator-api.js';
import { HEALER_ROLE_NAME, INSPECTOR_ROLE_NAME, REDPANDA_ACCESS_STACK_NAME, TwinIamPort, TwinPipelineRoleAccess } from './iam-ports.js';
import { RdsIamAuth, type RdsIamLoginInput, type RdsIamLoginResult } from './rds-iam-auth.js';
import { DEFAULT_DB_SUBNET_GROUP, RdsEmulator, type ClusterAddresses, type RdsOptions, type RegisterClusterInput } from './rds.js';
import { InMemoryRegistry } from './registry.js';
import { SecretsEmulator } from './secrets.js';
import { StsEmulator, type AccessKeyAssumeRoleInput, type AssumeRoleOptions, type StsSession } from './sts.js';

export interface AwsTwinOptions {
  readonly dbAccountId: string;
  readonly redpandaAccountId: string;
  /** Region of the clusters (and of rds-db ARNs and tokens). */
  readonly region: string;
  readonly redpandaClusterId: string;
  /** Whether the RpcnAurora-RedpandaAccess stack (inspector + healer roles) exists in account R. */
  readonly redpandaAccessDeployed: boolean;
  readonly clock?: Clock;
  readonly rds?: RdsOptions;
  /** Name of the step Lambdas' role in D (the twin uses one for all steps). @default 'rpcn-aurora-steps' */
  readonly stepRoleName?: string;
  /** The deployment VPC's network (see {@link TwinNetworkOptions}). */
  readonly network?: TwinNetworkOptions;
  /**
   * The Redpanda cluster's public egress (NAT) addresses. When set, a registered cluster given no
   * `vpcSecurityGroupIds` gets a group admitting them on its port, as a pre-existing public database that
   * Redpanda already reaches would have; unset, it gets no group (as before).
   */
  readonly redpandaEgressAddresses?: readonly string[];
}

/**
 * The seeded deployment VPC ({@link TWIN_VPC_ID}, 10.80.0.0/16, two subnets in two zones, the DB subnet groups
 * {@link TWIN_DB_SUBNET_GROUP} and `default`): its DB subnets' route table sends the Redpanda network's CIDR through
 * `privatePath`, so a private link works out of the box.
 */
export interface TwinNetworkOptions {
  /** @default DEFAULT_REDPANDA_NETWORK_CIDR ('10.100.0.0/16') */
  readonly redpandaNetworkCidr?: string;
  /**
   * `peering`: an `active` peering connection ({@link TWIN_PEERING_ID}) and a route through it; `transit-gateway`:
   * an `available` attachment to {@link TWIN_TRANSIT_GATEWAY_ID} and a route through it; `none`: no route to the
   * Redpanda network at all. @default 'peering'
   */
  readonly privatePath?: 'peering' | 'transit-gateway' | 'none';
}

/** Where the seeded deployment network is (ids fixed so inventories and docs can name them). */
export const TWIN_VPC_ID = 'vpc-0a1b2c3d4e5f60718';
export const TWIN_VPC_CIDR = '10.80.0.0/16';
export const TWIN_SUBNETS: readonly { readonly subnetId: string; readonly cidr: string; readonly availabilityZone: string }[] = [
  { subnetId: 'subnet-0a1b2c3d4e5f60101', cidr: '10.80.1.0/24', availabilityZone: 'a' },
  { subnetId: 'subnet-0a1b2c3d4e5f60102', cidr: '10.80.2.0/24', availabilityZone: 'b' },
];
export const TWIN_DB_SUBNET_GROUP = 'rpcn-aurora-twin-subnets';
/** The VPC's main table (local routes and the internet gateway). */
export const TWIN_MAIN_ROUTE_TABLE_ID = 'rtb-0a1b2c3d4e5f60700';
/** The table both DB subnets use: local, internet gateway and the route to the Redpanda network. */
export const TWIN_DB_ROUTE_TABLE_ID = 'rtb-0a1b2c3d4e5f60701';
export const TWIN_INTERNET_GATEWAY_ID = 'igw-0a1b2c3d4e5f60702';
export const TWIN_PEERING_ID = 'pcx-0a1b2c3d4e5f60703';
export const TWIN_TRANSIT_GATEWAY_ID = 'tgw-0a1b2c3d4e5f60704';
export const TWIN_TRANSIT_GATEWAY_ATTACHMENT_ID = 'tgw-attach-0a1b2c3d4e5f60705';
export const DEFAULT_REDPANDA_NETWORK_CIDR = '10.100.0.0/16';

/** Where a dial of a database endpoint lands, seen from a Redpanda Cloud pipeline (outside the database's VPC). */
export interface DatabaseAddress {
  readonly clusterIdentifier: string;
  readonly address: string;
  /** `public` when the writer is publicly accessible (public DNS answers its public address), else `private`. */
  readonly scope: 'private' | 'public';
}

/** The AWS-side dependencies of the steps, as the twin implements them. */
export type TwinPorts = Pick<StepDeps, 'aurora' | 'network' | 'sql' | 'iam' | 'pipelineRole' | 'simulator' | 'secrets' | 'registry'>;

/** An account by label or id. */
export type AccountRef = 'db' | 'redpanda' | (string & {});

interface ActorInput {
  /** Caller ARN for the event (IAM user or assumed-role session); default the operator user of the account. */
  readonly actor?: string;
}

/** A user of the DB account unless `account` says otherwise (connector users live in D). */
interface UserInput extends ActorInput {
  readonly account?: AccountRef;
  readonly userName: string;
}

const STEP_SESSION_SECONDS = 12 * 3600;
const OIDC_ISSUER_ID = 'EXAMPLED539D4633E53DE1B71EXAMPLE';

export class AwsTwin {
  readonly accounts: { readonly db: string; readonly redpanda: string };
  readonly region: string;
  readonly redpandaClusterId: string;
  readonly clock: Clock;
  readonly faults = new FaultInjector();

  /** Emulated services, for operator-style changes and assertions (the ports go through `ports()`). */
  readonly iam: IamEmulator;
  readonly sts: StsEmulator;
  readonly rds: RdsEmulator;
  readonly network: NetworkEmulator;
  readonly secrets: SecretsEmulator;
  readonly registry: InMemoryRegistry;
  readonly dataApi: DataApiStandIn;

  readonly pipelineRoleName: string;
  readonly pipelineRoleArn: string;
  readonly pipelineManagedPolicyArn: string;
  readonly stepRoleArn: string;
  /** `rpcn-aurora-link-boundary` in D, as the RpcnAurora-Db stack creates it. */
  readonly linkBoundaryArn: string;
  /** The Redpanda network's CIDR the seeded route leads to. */
  readonly redpandaNetworkCidr: string;

  private readonly redpandaEgressAddresses: readonly string[];
  private readonly rdsAuth: RdsIamAuth;
  private readonly listeners = new Set<IamEventListener>();
  private readonly events: IamCloudTrailEvent[] = [];
  private readonly listenerErrors: unknown[] = [];
  private stepSessionCache: StsSession | undefined;
  private stopped = false;

  constructor(options: AwsTwinOptions) {
    for (const [field, value] of [['dbAccountId', options.dbAccountId], ['redpandaAccountId', options.redpandaAccountId]] as const) {
      if (!/^\d{12}$/.test(value)) throw new Error(`${field} must be a 12-digit AWS account id, got "${value}"`);
    }
    if (options.dbAccountId === options.redpandaAccountId) throw new Error('dbAccountId and redpandaAccountId must differ (the chain is cross-account)');
    this.accounts = { db: options.dbAccountId, redpanda: options.redpandaAccountId };
    this.region = options.region;
    this.redpandaClusterId = options.redpandaClusterId;
    this.clock = options.clock ?? (() => new Date());

    this.iam = new IamEmulator(this.clock, (event) => this.deliver(event), [this.accounts.db, this.accounts.redpanda]);
    this.sts = new StsEmulator(this.iam, this.clock);
    this.secrets = new SecretsEmulator(this.region, this.accounts.db);
    this.network = new NetworkEmulator((groupId) => this.rds.interfacesWithGroup(groupId), this.clock);
    this.rds = new RdsEmulator(this.region, this.accounts.db, this.clock, this.secrets, this.network, options.rds);
    this.redpandaNetworkCidr = options.network?.redpandaNetworkCidr ?? DEFAULT_REDPANDA_NETWORK_CIDR;
    this.redpandaEgressAddresses = [...(options.redpandaEgressAddresses ?? [])];
    this.seedDeploymentNetwork(options.network?.privatePath ?? 'peering');
    this.registry = new InMemoryRegistry(this.clock);
    this.dataApi = new DataApiStandIn(this.rds, this.secrets);
    this.rdsAuth = new RdsIamAuth({ sts: this.sts, iam: this.iam, rds: this.rds, region: this.region, dbAccountId: this.accounts.db, clock: this.clock });

    const R = this.accounts.redpanda;
    this.pipelineRoleName = pipelineRoleName(options.redpandaClusterId);
    this.pipelineRoleArn = makeRoleArn(R, this.pipelineRoleName);
    this.stepRoleArn = makeRoleArn(this.accounts.db, options.stepRoleName ?? 'rpcn-aurora-steps');
    this.pipelineManagedPolicyArn = this.seedPipelineRole();
    this.seedStepRole(options.stepRoleName ?? 'rpcn-aurora-steps');
    // Emulated CloudFormation (no IAM event): the RpcnAurora-Db stack's boundary policy.
    this.linkBoundaryArn = this.iam.seedPolicy({
      account: this.accounts.db,
      policyName: LINK_BOUNDARY_POLICY,
      description: 'rpcn-aurora: the most any user or role a link creates may do',
      document: linkBoundaryPolicy({ dbAccountId: this.accounts.db, region: this.region }),
    });
    if (options.redpandaAccessDeployed) this.deployRedpandaAccess();
  }

  // ---------------------------------------------------------------------------------------------------
  // Ports

  /** The port implementations the step handlers take, each call counted and open to fault injection. */
  ports(): TwinPorts {
    const caller = () => this.stepSession().arn;
    const iam = new TwinIamPort(this.iam, this.accounts.db, caller);
    const pipelineRole = new TwinPipelineRoleAccess(this.iam, this.sts, { redpandaAccountId: this.accounts.redpanda, caller });
    return {
      aurora: this.guard<AuroraPort>('aurora', this.rds, {
        ensureClusterParameterGroup: true, describeClusterParameterGroupTags: true, describeClusterParameters: true, describeCluster: true,
        createCluster: true, enableHttpEndpoint: true, describeInstance: true, createWriterInstance: true, rebootInstance: true, deleteInstance: true,
        deleteCluster: true, deleteClusterParameterGroup: true, describeDbSubnetGroup: true, describeEngineVersion: true,
      }),
      network: this.guard<NetworkPort>('network', this.network, {
        ensureSecurityGroup: true, describeSecurityGroup: true, authorizeIngress: true, revokeIngress: true, deleteSecurityGroup: true, describeNetworkInterfaces: true,
        describeVpc: true, describeRouteTables: true, describePeeringConnection: true, describeTransitGatewayAttachment: true,
      }),
      sql: this.guard<SqlPort>('sql', this.dataApi, { execute: true }),
      iam: this.guard<IamPort>('iam', iam, {
        getRole: true, createRole: true, updateTrustPolicy: true, putRolePolicy: true, deleteRolePolicy: true, tagRole: true, deleteRole: true,
        getUser: true, createUser: true, tagUser: true, putUserPermissionsBoundary: true, putUserPolicy: true, createAccessKey: true, deleteAccessKey: true, deleteUser: true,
      }),
      pipelineRole: this.guard<PipelineRoleAccess>('pipelineRole', pipelineRole, { inspect: true, putInlinePolicy: true, deleteInlinePolicy: true }),
      simulator: this.guard<ChainSimulator>('simulator', new IamChainSimulator(twinSimulatorClient()), { simulateAssumeRole: true, simulateDbConnect: true }),
      secrets: this.guard<SecretsPort>('secrets', this.secrets, { getRedpandaCredentials: true, ensureLinkSecret: true, getLinkSecret: true, deleteLinkSecret: true }),
      registry: this.guard<RegistryPort>('registry', this.registry, { get: true, ensure: true, update: true, appendVerdict: true, list: true, acquireLock: true, releaseLock: true }),
    };
  }

  private guard<T extends object>(prefix: string, impl: T, methods: { readonly [K in keyof T]-?: true }): T {
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(methods)) {
      const fn = (impl as Record<string, unknown>)[name];
      if (typeof fn !== 'function') throw new Error(`${prefix}.${name} is not implemented`);
      out[name] = (...args: unknown[]) => this.faults.run(`${prefix}.${name}` as FaultTarget, () => (fn as (...a: unknown[]) => Promise<unknown>).apply(impl, args));
    }
    return out as T;
  }

  // ---------------------------------------------------------------------------------------------------
  // STS and IAM database auth (what the pipeline emulator uses)

  /** The pipeline pod's base identity (IRSA, emulated): a session of the Redpanda-managed pipeline role. */
  pipelineSession(sessionName = 'redpanda-connect'): StsSession {
    return this.sts.serviceSession(this.pipelineRoleArn, sessionName, 'web-identity');
  }

  /** The step Lambdas' execution-role session (emulated; re-issued when it expires by the twin's clock). */
  stepSession(): StsSession {
    if (this.stepSessionCache === undefined || this.sts.session(this.stepSessionCache.arn) === undefined) {
      this.stepSessionCache = this.sts.serviceSession(this.stepRoleArn, 'rpcn-aurora-steps', 'lambda.amazonaws.com', STEP_SESSION_SECONDS);
    }
    return this.stepSessionCache;
  }

  /** sts:AssumeRole, policy-evaluated; throws StsOperationError with the SDK's text when refused. */
  assumeRole(callerArn: string, roleArn: string, sessionName: string, options: AssumeRoleOptions = {}): Promise<StsSession> {
    return this.faults.run('sts.assumeRole', () => this.sts.assumeRole(callerArn, roleArn, sessionName, options));
  }

  /** sts:AssumeRole signed with an IAM user's access key, from `sourceIp`; throws StsOperationError when refused. */
  assumeRoleWithAccessKey(input: AccessKeyAssumeRoleInput): Promise<StsSession> {
    return this.faults.run('sts.assumeRoleWithAccessKey', () => this.sts.assumeRoleWithAccessKey(input));
  }

  /** Log in to a cluster with an IAM token, as Aurora would decide (emulated PAM; see rds-iam-auth.ts). */
  rdsIamLogin(input: RdsIamLoginInput): Promise<RdsIamLoginResult> {
    return this.faults.run('rds.iamLogin', () => this.rdsAuth.login(input));
  }

  // ---------------------------------------------------------------------------------------------------
  // IAM events

  /** Subscribe to the CloudTrail-shaped event of every IAM write; returns the unsubscribe function. */
  onIamEvent(listener: IamEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every IAM event emitted so far, oldest first. */
  iamEvents(): readonly IamCloudTrailEvent[] {
    return [...this.events];
  }

  /** Errors thrown by listeners (a listener failing does not fail the IAM call, as EventBridge is decoupled). */
  listenerFailures(): readonly unknown[] {
    return [...this.listenerErrors];
  }

  private deliver(event: IamCloudTrailEvent): void {
    this.events.push(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (e) {
        this.listenerErrors.push(e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Operator-style IAM changes (drift demo, tests). Each emits an event with `actor` as the caller.

  accountId(ref: AccountRef): string {
    if (ref === 'db') return this.accounts.db;
    if (ref === 'redpanda') return this.accounts.redpanda;
    if (ref !== this.accounts.db && ref !== this.accounts.redpanda) throw new Error(`account ${ref} is neither the DB account nor the Redpanda account`);
    return ref;
  }

  /** An IAM user with administrator rights in the account (emulated), the default actor of operator changes. */
  operatorArn(ref: AccountRef, userName = 'operator'): string {
    return `arn:aws:iam::${this.accountId(ref)}:user/${userName}`;
  }

  async createRole(input: ActorInput & {
    readonly account: AccountRef;
    readonly roleName: string;
    readonly trustPolicy: unknown;
    readonly description?: string;
    readonly tags?: Readonly<Record<string, string>>;
    readonly permissionsBoundaryArn?: string;
  }): Promise<string> {
    const account = this.accountId(input.account);
    const role = await this.iam.createRole({ ...input, account }, input.actor ?? this.operatorArn(account));
    return role.arn;
  }

  async putRolePolicy(input: ActorInput & { readonly account: AccountRef; readonly roleName: string; readonly policyName: string; readonly document: unknown }): Promise<void> {
    const account = this.accountId(input.account);
    await this.iam.putRolePolicy({ ...input, account }, input.actor ?? this.operatorArn(account));
  }

  deleteRolePolicy(input: ActorInput & { readonly account: AccountRef; readonly roleName: string; readonly policyName: string }): void {
    const account = this.accountId(input.account);
    this.iam.deleteRolePolicy({ ...input, account }, input.actor ?? this.operatorArn(account));
  }

  tagRole(input: ActorInput & { readonly account: AccountRef; readonly roleName: string; readonly tags: Readonly<Record<string, string>> }): void {
    const account = this.accountId(input.account);
    this.iam.tagRole({ ...input, account }, input.actor ?? this.operatorArn(account));
  }

  untagRole(input: ActorInput & { readonly account: AccountRef; readonly roleName: string; readonly tagKeys: readonly string[] }): void {
    const account = this.accountId(input.account);
    this.iam.untagRole({ ...input, account }, input.actor ?? this.operatorArn(account));
  }

  async updateAssumeRolePolicy(input: ActorInput & { readonly account: AccountRef; readonly roleName: string; readonly document: unknown }): Promise<void> {
    const account = this.accountId(input.account);
    await this.iam.updateAssumeRolePolicy({ ...input, account }, input.actor ?? this.operatorArn(account));
  }

  attachRolePolicy(input: ActorInput & { readonly account: AccountRef; readonly roleName: string; readonly policyArn: string }): void {
    const account = this.accountId(input.account);
    this.iam.attachRolePolicy({ ...input, account }, input.actor ?? this.operatorArn(account));
  }

  detachRolePolicy(input: ActorInput & { readonly account: AccountRef; readonly roleName: string; readonly policyArn: string }): void {
    const account = this.accountId(input.account);
    this.iam.detachRolePolicy({ ...input, account }, input.actor ?? this.operatorArn(account));
  }

  /** DeleteRole as IAM does it: refused (DeleteConflictException) while the role still has policies. */
  deleteRole(input: ActorInput & { readonly account: AccountRef; readonly roleName: string }): void {
    const account = this.accountId(input.account);
    this.iam.deleteRole({ ...input, account }, input.actor ?? this.operatorArn(account));
  }

  async createPolicy(input: ActorInput & { readonly account: AccountRef; readonly policyName: string; readonly document: unknown }): Promise<string> {
    const account = this.accountId(input.account);
    return (await this.iam.createPolicy({ ...input, account }, input.actor ?? this.operatorArn(account))).arn;
  }

  async createPolicyVersion(input: ActorInput & { readonly policyArn: string; readonly document: unknown; readonly setAsDefault: boolean }): Promise<string> {
    return this.iam.createPolicyVersion(input, input.actor ?? this.operatorArn(this.accountOfPolicy(input.policyArn)));
  }

  setDefaultPolicyVersion(input: ActorInput & { readonly policyArn: string; readonly versionId: string }): void {
    this.iam.setDefaultPolicyVersion(input, input.actor ?? this.operatorArn(this.accountOfPolicy(input.policyArn)));
  }

  /** A role gets (or, with `permissionsBoundary` undefined, loses) a permissions boundary. */
  setRolePermissionsBoundary(input: ActorInput & { readonly account: AccountRef; readonly roleName: string; readonly permissionsBoundary: string | undefined }): void {
    const account = this.accountId(input.account);
    const actor = input.actor ?? this.operatorArn(account);
    if (input.permissionsBoundary === undefined) this.iam.deleteRolePermissionsBoundary({ account, roleName: input.roleName }, actor);
    else this.iam.putRolePermissionsBoundary({ account, roleName: input.roleName, permissionsBoundary: input.permissionsBoundary }, actor);
  }

  // Users and access keys (an operator, or someone with a leaked key, acting outside the workflow).

  createUser(input: UserInput & { readonly path?: string; readonly tags?: Readonly<Record<string, string>>; readonly permissionsBoundaryArn?: string }): string {
    const { account, actor } = this.userCall(input);
    return this.iam.createUser({ ...input, account }, actor).arn;
  }

  /** A key only the caller of this method knows (e.g. a second key an operator made by hand). */
  createAccessKey(input: UserInput): CreatedAccessKey {
    const { account, actor } = this.userCall(input);
    return this.iam.createAccessKey({ account, userName: input.userName }, actor);
  }

  updateAccessKey(input: UserInput & { readonly accessKeyId: string; readonly status: AccessKeyStatus }): void {
    const { account, actor } = this.userCall(input);
    this.iam.updateAccessKey({ account, userName: input.userName, accessKeyId: input.accessKeyId, status: input.status }, actor);
  }

  deleteAccessKey(input: UserInput & { readonly accessKeyId: string }): void {
    const { account, actor } = this.userCall(input);
    this.iam.deleteAccessKey({ account, userName: input.userName, accessKeyId: input.accessKeyId }, actor);
  }

  async putUserPolicy(input: UserInput & { readonly policyName: string; readonly document: unknown }): Promise<void> {
    const { account, actor } = this.userCall(input);
    await this.iam.putUserPolicy({ account, userName: input.userName, policyName: input.policyName, document: input.document }, actor);
  }

  deleteUserPolicy(input: UserInput & { readonly policyName: string }): void {
    const { account, actor } = this.userCall(input);
    this.iam.deleteUserPolicy({ account, userName: input.userName, policyName: input.policyName }, actor);
  }

  attachUserPolicy(input: UserInput & { readonly policyArn: string }): void {
    const { account, actor } = this.userCall(input);
    this.iam.attachUserPolicy({ account, userName: input.userName, policyArn: input.policyArn }, actor);
  }

  detachUserPolicy(input: UserInput & { readonly policyArn: string }): void {
    const { account, actor } = this.userCall(input);
    this.iam.detachUserPolicy({ account, userName: input.userName, policyArn: input.policyArn }, actor);
  }

  /** A user gets (or, with `permissionsBoundary` undefined, loses) a permissions boundary. */
  setUserPermissionsBoundary(input: UserInput & { readonly permissionsBoundary: string | undefined }): void {
    const { account, actor } = this.userCall(input);
    if (input.permissionsBoundary === undefined) this.iam.deleteUserPermissionsBoundary({ account, userName: input.userName }, actor);
    else this.iam.putUserPermissionsBoundary({ account, userName: input.userName, permissionsBoundary: input.permissionsBoundary }, actor);
  }

  /** DeleteUser as IAM does it: refused (DeleteConflictException) while the user still has keys or policies. */
  deleteUser(input: UserInput): void {
    const { account, actor } = this.userCall(input);
    this.iam.deleteUser({ account, userName: input.userName }, actor);
  }

  private userCall(input: UserInput): { readonly account: string; readonly actor: string } {
    const account = this.accountId(input.account ?? 'db');
    return { account, actor: input.actor ?? this.operatorArn(account) };
  }

  private accountOfPolicy(policyArn: string): string {
    return policyArn.split(':')[4] ?? '';
  }

  /**
   * Deploy the RpcnAurora-RedpandaAccess stack in R (emulated CloudFormation: the roles appear without IAM
   * events). The inspector reads the pipeline role and its policies; the healer may put/delete inline
   * policies on it; both trust only the step Lambda role in D.
   */
  deployRedpandaAccess(): void {
    const R = this.accounts.redpanda;
    const trust = { Version: '2012-10-17', Statement: [{ Sid: 'TrustRpcnAuroraSteps', Effect: 'Allow', Principal: { AWS: this.stepRoleArn }, Action: 'sts:AssumeRole' }] };
    const tags = { 'rpcn-aurora:stack': REDPANDA_ACCESS_STACK_NAME };
    this.iam.seedRole({
      account: R,
      roleName: INSPECTOR_ROLE_NAME,
      trustPolicy: trust,
      description: 'rpcn-aurora: read the Redpanda Connect pipeline roles (drift checks)',
      tags,
      inline: {
        [INSPECTOR_ROLE_NAME]: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'ReadPipelineRoles', Effect: 'Allow', Action: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies'], Resource: this.pipelineRoleArn },
            { Sid: 'ReadAttachedPolicies', Effect: 'Allow', Action: ['iam:GetPolicy', 'iam:GetPolicyVersion'], Resource: `arn:aws:iam::${R}:policy/*` },
          ],
        },
      },
    });
    this.iam.seedRole({
      account: R,
      roleName: HEALER_ROLE_NAME,
      trustPolicy: trust,
      description: 'rpcn-aurora: put back the rpcn-aurora-* inline policies of the pipeline roles',
      tags,
      inline: {
        [HEALER_ROLE_NAME]: {
          Version: '2012-10-17',
          // IAM cannot restrict the inline policy's name; the rpcn-aurora- prefix is enforced by the caller.
          Statement: [{ Sid: 'EditPipelineRoleInlinePolicies', Effect: 'Allow', Action: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'], Resource: this.pipelineRoleArn }],
        },
      },
    });
  }

  /** Remove the RpcnAurora-RedpandaAccess roles (emulated stack deletion, no IAM events). */
  removeRedpandaAccess(): void {
    for (const roleName of [INSPECTOR_ROLE_NAME, HEALER_ROLE_NAME]) this.iam.unseedRole({ account: this.accounts.redpanda, roleName });
  }

  // ---------------------------------------------------------------------------------------------------
  // RDS helpers

  /**
   * A pre-existing cluster for the adopt path, with chosen settings; resolves once its database is up. Without
   * `vpcSecurityGroupIds`, and when the twin knows the Redpanda egress addresses, it gets a group of its own
   * (`<identifier>-access`, no link tag) admitting them on its port.
   */
  async registerExistingCluster(input: RegisterClusterInput): Promise<ClusterDescription & { readonly masterSecretArn: string }> {
    if (input.vpcSecurityGroupIds !== undefined || this.redpandaEgressAddresses.length === 0) return this.rds.registerExistingCluster(input);
    const vpcId = (await this.rds.describeDbSubnetGroup(input.dbSubnetGroup ?? DEFAULT_DB_SUBNET_GROUP))?.vpcId ?? TWIN_VPC_ID;
    const group = this.network.create({ name: `${input.identifier}-access`, vpcId, description: `access to ${input.identifier} (pre-existing, twin)`, tags: {} });
    const cluster = await this.rds.registerExistingCluster({ ...input, vpcSecurityGroupIds: [group.groupId] });
    await this.network.authorizeIngress(
      group.groupId,
      this.redpandaEgressAddresses.map((ip) => ({ cidr: ip.includes('/') ? ip : `${ip}/32`, port: cluster.port, description: 'Redpanda egress (twin default)' })),
    );
    return cluster;
  }

  /** Resolves once the cluster's database server is up. */
  waitForCluster(identifier: string): Promise<void> {
    return this.rds.waitUntilReady(identifier);
  }

  // ---------------------------------------------------------------------------------------------------
  // The network path of a pipeline's dial (what the pipeline emulator asks on each connect; in memory, cheap)

  /**
   * Where a dial of host:port lands from outside the VPC: the cluster listening there (by its local port; for
   * MySQL clusters, which share one server, by `database` too), at its public address while its writer is publicly
   * accessible, else at its private one. Undefined when no cluster is there or it has no emulated address.
   */
  resolveDatabase(target: { readonly host: string; readonly port: number; readonly database?: string }): DatabaseAddress | undefined {
    const found = this.rds.byEndpoint(target.host, target.port, target.database);
    const addresses = found === undefined ? undefined : this.rds.addressesOf(found.cluster.identifier);
    if (addresses === undefined) return undefined;
    if (addresses.publicAddress !== undefined) return { clusterIdentifier: addresses.identifier, address: addresses.publicAddress, scope: 'public' };
    if (addresses.privateAddress !== undefined) return { clusterIdentifier: addresses.identifier, address: addresses.privateAddress, scope: 'private' };
    return undefined;
  }

  /**
   * Why the cluster's VPC does not let `source` in on `port`, undefined when it does. A private source (the
   * Redpanda network's CIDR) needs a route back from the writer's subnet through an active peering connection or an
   * available TGW attachment, then a security-group rule; a public one (a NAT address) needs the rule only.
   */
  inboundProblem(clusterIdentifier: string, source: { readonly scope: 'private' | 'public'; readonly cidr: string }, port: number): string | undefined {
    const addresses: ClusterAddresses | undefined = this.rds.addressesOf(clusterIdentifier);
    if (addresses === undefined) return `cluster ${clusterIdentifier} does not exist`;
    if (source.scope === 'private') {
      if (addresses.subnetId === undefined) return `cluster ${clusterIdentifier} has no subnet the twin knows`;
      const problem = this.network.privateRouteProblem(addresses.subnetId, source.cidr);
      if (problem !== undefined) return problem;
    }
    return this.network.ingressProblem(addresses.vpcSecurityGroupIds, source.cidr, port);
  }

  // ---------------------------------------------------------------------------------------------------
  // Inventory and shutdown

  /**
   * Everything the twin holds, deterministic and JSON-serializable: IAM of both accounts, RDS (with each
   * cluster's database: roles, grants, publications, slots), security groups, secrets (no values), links.
   */
  async inventory(): Promise<Record<string, unknown>> {
    return {
      iam: {
        db: { accountId: this.accounts.db, ...this.iam.snapshot(this.accounts.db) },
        redpanda: { accountId: this.accounts.redpanda, ...this.iam.snapshot(this.accounts.redpanda) },
      },
      rds: await this.rds.snapshot(),
      ec2: { securityGroups: this.network.snapshot(), ...this.network.networkSnapshot() },
      secretsManager: { secrets: this.secrets.snapshot() },
      registry: { links: this.registry.snapshot() },
    };
  }

  /** Stop every database server, drop the MySQL scratch databases, remove temp dirs. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.listeners.clear();
    await this.rds.stopAll();
  }

  // ---------------------------------------------------------------------------------------------------
  // Seeds

  /** The deployment VPC the twin's links use (emulated: no CloudFormation, no events). */
  private seedDeploymentNetwork(privatePath: 'peering' | 'transit-gateway' | 'none'): void {
    const rpNetwork = ipv4Range(this.redpandaNetworkCidr);
    if (rpNetwork === undefined || !isPrivateAddress(this.redpandaNetworkCidr.split('/')[0]!)) {
      throw new Error(`network.redpandaNetworkCidr "${this.redpandaNetworkCidr}" is not a private IPv4 CIDR such as "10.100.0.0/16"`);
    }
    if (rangesOverlap(ipv4Range(TWIN_VPC_CIDR)!, rpNetwork)) {
      throw new Error(`network.redpandaNetworkCidr ${this.redpandaNetworkCidr} overlaps the twin's VPC ${TWIN_VPC_CIDR}: peering needs distinct ranges`);
    }
    const net = this.network;
    net.createVpc({ vpcId: TWIN_VPC_ID, cidrBlocks: [TWIN_VPC_CIDR], mainRouteTableId: TWIN_MAIN_ROUTE_TABLE_ID });
    for (const s of TWIN_SUBNETS) net.createSubnet({ vpcId: TWIN_VPC_ID, subnetId: s.subnetId, cidr: s.cidr, availabilityZone: `${this.region}${s.availabilityZone}` });
    const internet = { destination: '0.0.0.0/0', target: { kind: 'internet-gateway' as const, id: TWIN_INTERNET_GATEWAY_ID } };
    net.createRoute(TWIN_MAIN_ROUTE_TABLE_ID, internet);
    net.createRouteTable(TWIN_VPC_ID, TWIN_DB_ROUTE_TABLE_ID);
    net.createRoute(TWIN_DB_ROUTE_TABLE_ID, internet);
    for (const s of TWIN_SUBNETS) net.associateRouteTable(TWIN_DB_ROUTE_TABLE_ID, s.subnetId);
    if (privatePath === 'peering') {
      net.createPeeringConnection({ id: TWIN_PEERING_ID, vpcId: TWIN_VPC_ID, peerCidrBlock: this.redpandaNetworkCidr });
      net.createRoute(TWIN_DB_ROUTE_TABLE_ID, { destination: this.redpandaNetworkCidr, target: { kind: 'peering', id: TWIN_PEERING_ID } });
    } else if (privatePath === 'transit-gateway') {
      net.createTransitGatewayAttachment({ id: TWIN_TRANSIT_GATEWAY_ATTACHMENT_ID, transitGatewayId: TWIN_TRANSIT_GATEWAY_ID, vpcId: TWIN_VPC_ID });
      net.createRoute(TWIN_DB_ROUTE_TABLE_ID, { destination: this.redpandaNetworkCidr, target: { kind: 'transit-gateway', id: TWIN_TRANSIT_GATEWAY_ID } });
    }
    const subnetIds = TWIN_SUBNETS.map((s) => s.subnetId);
    this.rds.createDbSubnetGroup({ name: TWIN_DB_SUBNET_GROUP, subnetIds, description: 'rpcn-aurora twin: the deployment VPC' });
    // RDS's fallback when a create names no group: here the same VPC (the twin has one).
    this.rds.createDbSubnetGroup({ name: DEFAULT_DB_SUBNET_GROUP, subnetIds, description: 'default' });
  }

  /** The Redpanda-managed pipeline role (emulated content): IRSA trust and a Redpanda-managed policy that does not grant sts:AssumeRole. */
  private seedPipelineRole(): string {
    const R = this.accounts.redpanda;
    const clusterId = this.redpandaClusterId;
    const provider = `oidc.eks.${this.region}.amazonaws.com/id/${OIDC_ISSUER_ID}`;
    const policyArn = this.iam.seedPolicy({
      account: R,
      policyName: `redpanda-${clusterId}-redpanda-connect-pipeline`,
      description: 'Managed by Redpanda (twin emulation of its content)',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ReadConnectSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: `arn:aws:secretsmanager:${this.region}:${R}:secret:redpanda/${clusterId}/connect/*` },
          { Sid: 'PutConnectMetrics', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'redpanda-connect' } } },
        ],
      },
    });
    this.iam.seedRole({
      account: R,
      roleName: this.pipelineRoleName,
      description: `Redpanda Connect pipelines of cluster ${clusterId} (managed by Redpanda)`,
      tags: { 'redpanda-id': clusterId, 'redpanda-managed': 'true' },
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::${R}:oidc-provider/${provider}` },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringLike: { [`${provider}:sub`]: 'system:serviceaccount:redpanda-connect:*' } },
          },
        ],
      },
      attached: [policyArn],
    });
    return policyArn;
  }

  /** Our step Lambdas' role in D (emulated: holds only what the twin evaluates, assuming the access roles in R). */
  private seedStepRole(roleName: string): void {
    const R = this.accounts.redpanda;
    this.iam.seedRole({
      account: this.accounts.db,
      roleName,
      description: 'rpcn-aurora step Lambdas (twin)',
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      inline: {
        'rpcn-aurora-assume-redpanda-access': {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'AssumeRedpandaAccessRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [makeRoleArn(R, INSPECTOR_ROLE_NAME), makeRoleArn(R, HEALER_ROLE_NAME)] },
          ],
        },
      },
    });
  }
}
