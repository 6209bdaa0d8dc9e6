// In-memory IAM for the twin (emulated): roles with trust policies, tags, inline policies and attached
// customer-managed policies with versions; IAM users with paths, policies and access keys; permissions
// boundaries on both; in any number of accounts. Every write takes the caller's ARN and emits a CloudTrail-shaped
// event (events.ts). Error names are the SDK v3 exception names the adapters see.
//
// Access key secrets exist outside this class only in CreateAccessKey's answer: the emulator keeps a SHA-256
// digest to check signatures with, so no read, event, snapshot or error can carry a secret.
import { createHash, timingSafeEqual } from 'node:crypto';
import { copy, roleArn as makeRoleArn, randomString, sortedRecord, TwinAwsError, uniqueId, isoSeconds, type Clock } from './common.js';
import { makeIamEvent, type IamCloudTrailEvent } from './events.js';
import { policyProblems, type NamedDocument } from './policy-sim.js';

/** IAM's aggregate size of one role's inline policies (docs/reference/aws.md A13). */
const ROLE_INLINE_POLICY_LIMIT = 10_240;

export interface RoleState {
  readonly account: string;
  readonly name: string;
  readonly arn: string;
  readonly roleId: string;
  readonly description: string;
  readonly maxSessionDuration: number;
  readonly createdAt: string;
  trustPolicy: unknown;
  tags: Record<string, string>;
  inline: Record<string, unknown>;
  attached: string[];
  /** ARN of the managed policy bounding the role's sessions, if any. */
  permissionsBoundary?: string;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

/** An access key as IAM lists it (ListAccessKeys): never its secret. */
export interface AccessKeyState {
  readonly accessKeyId: string;
  status: AccessKeyStatus;
  readonly createdAt: string;
}

export interface UserState {
  readonly account: string;
  readonly name: string;
  /** `/` or `/a/b/`. */
  readonly path: string;
  readonly arn: string;
  readonly userId: string;
  readonly createdAt: string;
  tags: Record<string, string>;
  inline: Record<string, unknown>;
  attached: string[];
  /** ARN of the managed policy bounding the user, if any. */
  permissionsBoundary?: string;
  accessKeys: AccessKeyState[];
}

export interface UserRef {
  readonly account: string;
  readonly userName: string;
}

/** CreateAccessKey's answer: the only place a secret access key ever appears. */
export interface CreatedAccessKey {
  readonly userName: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly status: 'Active';
  readonly createdAt: string;
}

/** Who owns an access key, for STS (no secret). */
export interface AccessKeyOwner {
  readonly account: string;
  readonly userName: string;
  readonly userArn: string;
  readonly accessKeyId: string;
  readonly status: AccessKeyStatus;
}

export interface PolicyVersionState {
  readonly versionId: string;
  readonly document: unknown;
  readonly createdAt: string;
}

export interface ManagedPolicyState {
  readonly account: string;
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  versions: PolicyVersionState[];
  defaultVersionId: string;
  nextVersion: number;
}

export interface RoleRef {
  readonly account: string;
  readonly roleName: string;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const USER_NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
/** IAM's path pattern: `/` or `/` + printable ASCII + `/`, at most 512 characters. */
const IAM_PATH = /^(\/|\/[\x21-\x7e]+\/)$/;
/** IAM keeps at most five versions of a managed policy. */
const MAX_POLICY_VERSIONS = 5;
/** IAM's AccessKeysPerUser quota (docs/reference/aws.md A8). */
export const ACCESS_KEYS_PER_USER = 2;
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const noSuchRole = (action: string, name: string) => new TwinAwsError('NoSuchEntityException', action, name, `The role with name ${name} cannot be found.`);
const noSuchUser = (action: string, name: string) => new TwinAwsError('NoSuchEntityException', action, name, `The user with name ${name} cannot be found.`);
const noSuchKey = (action: string, id: string) => new TwinAwsError('NoSuchEntityException', action, id, `The Access Key with id ${id} cannot be found.`);

export function userArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:user${path}${name}`;
}

const digest = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

export class IamEmulator {
  private readonly roles = new Map<string, RoleState>();
  private readonly policies = new Map<string, ManagedPolicyState>();
  /** By `<account>/<name>`: user names are unique per account whatever the path. */
  private readonly users = new Map<string, UserState>();
  /** Access key id → owner and the digest of its secret. */
  private readonly keySecrets = new Map<string, { readonly account: string; readonly userName: string; readonly digest: Buffer }>();

  constructor(
    private readonly clock: Clock,
    private readonly emit: (event: IamCloudTrailEvent) => void,
    /** The accounts this emulator stands for: a trust principal elsewhere cannot be looked up, so it is taken as given. */
    private readonly hostedAccounts?: readonly string[],
  ) {}

  /** Entity ARN → how many more tag-conditioned writes on it are denied (see lagTagAuthorization). */
  private readonly lagging = new Map<string, number>();
  private lagCalls = 0;

  /**
   * Emulate tag-based authorization that has not propagated: on every role or user created from now on, the
   * first `calls` writes a grant conditions on the entity's tags (put/tag/trust/boundary) are refused with
   * AccessDenied, as a real account may do for seconds after the create. 0 turns it off.
   */
  lagTagAuthorization(calls: number): void {
    this.lagCalls = calls;
  }

  private checkTagAuthorization(arn: string, action: string, callerArn: string): void {
    const left = this.lagging.get(arn) ?? 0;
    if (left <= 0) return;
    this.lagging.set(arn, left - 1);
    throw new TwinAwsError('AccessDenied', action, arn, `User: ${callerArn} is not authorized to perform: ${action} on resource: ${arn} because no identity-based policy allows the ${action} action`);
  }

  // ---------------------------------------------------------------------------------------------------
  // Reads (no events: CloudTrail read events are not forwarded to EventBridge by the IamWatch rule)

  getRole(ref: RoleRef): RoleState | undefined {
    const role = this.roles.get(makeRoleArn(ref.account, ref.roleName));
    return role === undefined ? undefined : copy(role);
  }

  getRoleByArn(arn: string): RoleState | undefined {
    const role = this.roles.get(arn);
    return role === undefined ? undefined : copy(role);
  }

  getPolicy(policyArn: string): ManagedPolicyState | undefined {
    const policy = this.policies.get(policyArn);
    return policy === undefined ? undefined : copy(policy);
  }

  /** The default version's document of a managed policy. */
  defaultDocument(policyArn: string): unknown {
    const policy = this.policies.get(policyArn);
    if (policy === undefined) return undefined;
    return copy(policy.versions.find((v) => v.versionId === policy.defaultVersionId)?.document);
  }

  /** What IAM evaluates for a role's sessions: its inline policies and the default versions of its attached ones. */
  identityPolicies(roleArn: string): NamedDocument[] {
    const role = this.roles.get(roleArn);
    return role === undefined ? [] : this.documentsOf(role);
  }

  /** The same for an IAM user (by its ARN, path included). */
  identityPoliciesOfUser(arn: string): NamedDocument[] {
    const user = this.userByArn(arn);
    return user === undefined ? [] : this.documentsOf(user);
  }

  /**
   * The permissions boundary of a user or role (by ARN), as the evaluator takes it: the default version of
   * the boundary policy; undefined when the principal has none.
   */
  boundaryOf(principalArn: string): NamedDocument | undefined {
    const boundary = (this.roles.get(principalArn) ?? this.userByArn(principalArn))?.permissionsBoundary;
    if (boundary === undefined) return undefined;
    const document = this.defaultDocument(boundary);
    // A boundary naming a policy the twin does not hold allows nothing, rather than everything.
    return { name: boundary, policy: document ?? { Version: '2012-10-17', Statement: [] } };
  }

  listRoles(account?: string): RoleState[] {
    return [...this.roles.values()].filter((r) => account === undefined || r.account === account).map((r) => copy(r));
  }

  getUser(ref: UserRef): UserState | undefined {
    const user = this.users.get(userKey(ref));
    return user === undefined ? undefined : copy(user);
  }

  getUserByArn(arn: string): UserState | undefined {
    const user = this.userByArn(arn);
    return user === undefined ? undefined : copy(user);
  }

  listUsers(account?: string): UserState[] {
    return [...this.users.values()].filter((u) => account === undefined || u.account === account).map((u) => copy(u));
  }

  /** The user and status of an access key; undefined for an unknown or deleted key. */
  accessKeyOwner(accessKeyId: string): AccessKeyOwner | undefined {
    const entry = this.keySecrets.get(accessKeyId);
    if (entry === undefined) return undefined;
    const user = this.users.get(userKey({ account: entry.account, userName: entry.userName }));
    const key = user?.accessKeys.find((k) => k.accessKeyId === accessKeyId);
    if (user === undefined || key === undefined) return undefined;
    return { account: user.account, userName: user.name, userArn: user.arn, accessKeyId, status: key.status };
  }

  /** Whether `secret` is the key's secret; compares digests in constant time (the secret itself is not kept). */
  secretMatches(accessKeyId: string, secret: string): boolean {
    const entry = this.keySecrets.get(accessKeyId);
    const candidate = digest(secret);
    // Compare against something of the same length even for an unknown key.
    return timingSafeEqual(candidate, entry?.digest ?? digest(`${secret}\u0000`)) && entry !== undefined;
  }

  listPolicies(account?: string): ManagedPolicyState[] {
    return [...this.policies.values()].filter((p) => account === undefined || p.account === account).map((p) => copy(p));
  }

  // ---------------------------------------------------------------------------------------------------
  // Writes: each takes the caller ARN (IAM user, assumed-role session) and emits one event.

  async createRole(
    input: RoleRef & {
      readonly trustPolicy: unknown;
      readonly description?: string;
      readonly tags?: Readonly<Record<string, string>>;
      readonly maxSessionDuration?: number;
      readonly permissionsBoundaryArn?: string;
    },
    callerArn: string,
  ): Promise<RoleState> {
    const action = 'iam:CreateRole';
    if (!ROLE_NAME.test(input.roleName)) throw new TwinAwsError('InvalidInputException', action, input.roleName, 'The specified value for roleName is invalid.');
    await this.checkDocument('trust', input.trustPolicy, action, input.roleName);
    const arn = makeRoleArn(input.account, input.roleName);
    if (this.roles.has(arn)) throw new TwinAwsError('EntityAlreadyExistsException', action, input.roleName, `Role with name ${input.roleName} already exists.`);
    if (input.permissionsBoundaryArn !== undefined) this.mustBoundary(input.permissionsBoundaryArn, action);
    const role: RoleState = {
      account: input.account,
      name: input.roleName,
      arn,
      roleId: uniqueId('AROA', arn),
      description: input.description ?? '',
      maxSessionDuration: input.maxSessionDuration ?? 3600,
      createdAt: isoSeconds(this.clock()),
      trustPolicy: copy(input.trustPolicy),
      tags: { ...(input.tags ?? {}) },
      inline: {},
      attached: [],
      ...(input.permissionsBoundaryArn !== undefined && { permissionsBoundary: input.permissionsBoundaryArn }),
    };
    this.roles.set(arn, role);
    if (this.lagCalls > 0) this.lagging.set(arn, this.lagCalls);
    this.record(input.account, 'CreateRole', callerArn, {
      roleName: input.roleName,
      assumeRolePolicyDocument: JSON.stringify(input.trustPolicy),
      description: role.description,
      maxSessionDuration: role.maxSessionDuration,
      tags: awsTags(role.tags),
      ...(role.permissionsBoundary !== undefined && { permissionsBoundary: role.permissionsBoundary }),
    }, { role: { path: '/', roleName: role.name, roleId: role.roleId, arn, createDate: role.createdAt, ...boundaryElement(role.permissionsBoundary) } });
    return copy(role);
  }

  putRolePermissionsBoundary(input: RoleRef & { readonly permissionsBoundary: string }, callerArn: string): void {
    const action = 'iam:PutRolePermissionsBoundary';
    const role = this.mustRole(input, action);
    this.mustBoundary(input.permissionsBoundary, action);
    role.permissionsBoundary = input.permissionsBoundary;
    this.record(input.account, 'PutRolePermissionsBoundary', callerArn, { roleName: input.roleName, permissionsBoundary: input.permissionsBoundary });
  }

  deleteRolePermissionsBoundary(input: RoleRef, callerArn: string): void {
    const role = this.mustRole(input, 'iam:DeleteRolePermissionsBoundary');
    delete role.permissionsBoundary;
    this.record(input.account, 'DeleteRolePermissionsBoundary', callerArn, { roleName: input.roleName });
  }

  async updateAssumeRolePolicy(input: RoleRef & { readonly document: unknown }, callerArn: string): Promise<void> {
    // Validate first, then look the role up: no await between the lookup and the change.
    await this.checkDocument('trust', input.document, 'iam:UpdateAssumeRolePolicy', input.roleName);
    const role = this.mustRole(input, 'iam:UpdateAssumeRolePolicy');
    this.checkTagAuthorization(role.arn, 'iam:UpdateAssumeRolePolicy', callerArn);
    role.trustPolicy = copy(input.document);
    this.record(input.account, 'UpdateAssumeRolePolicy', callerArn, { roleName: input.roleName, policyDocument: JSON.stringify(input.document) });
  }

  async putRolePolicy(input: RoleRef & { readonly policyName: string; readonly document: unknown }, callerArn: string): Promise<void> {
    const action = 'iam:PutRolePolicy';
    if (!POLICY_NAME.test(input.policyName)) throw new TwinAwsError('InvalidInputException', action, input.policyName, 'The specified value for policyName is invalid.');
    await this.checkDocument('identity', input.document, action, `${input.roleName}/${input.policyName}`);
    const role = this.mustRole(input, action);
    this.checkTagAuthorization(role.arn, action, callerArn);
    // IAM: a role's inline policies together may take 10,240 characters, whitespace not counted.
    const size = (doc: unknown) => JSON.stringify(doc).replace(/\s/g, '').length;
    const total = Object.entries(role.inline).reduce((sum, [name, doc]) => (name === input.policyName ? sum : sum + size(doc)), size(input.document));
    if (total > ROLE_INLINE_POLICY_LIMIT) {
      throw new TwinAwsError('LimitExceededException', action, `${input.roleName}/${input.policyName}`, `Maximum policy size of ${ROLE_INLINE_POLICY_LIMIT} bytes exceeded for role ${input.roleName}`);
    }
    role.inline[input.policyName] = copy(input.document);
    this.record(input.account, 'PutRolePolicy', callerArn, {
      roleName: input.roleName,
      policyName: input.policyName,
      policyDocument: JSON.stringify(input.document),
    });
  }

  deleteRolePolicy(input: RoleRef & { readonly policyName: string }, callerArn: string): void {
    const action = 'iam:DeleteRolePolicy';
    const role = this.mustRole(input, action);
    if (!(input.policyName in role.inline)) {
      throw new TwinAwsError('NoSuchEntityException', action, `${input.roleName}/${input.policyName}`, `The role policy with name ${input.policyName} cannot be found.`);
    }
    delete role.inline[input.policyName];
    this.record(input.account, 'DeleteRolePolicy', callerArn, { roleName: input.roleName, policyName: input.policyName });
  }

  tagRole(input: RoleRef & { readonly tags: Readonly<Record<string, string>> }, callerArn: string): void {
    const role = this.mustRole(input, 'iam:TagRole');
    this.checkTagAuthorization(role.arn, 'iam:TagRole', callerArn);
    Object.assign(role.tags, input.tags);
    this.record(input.account, 'TagRole', callerArn, { roleName: input.roleName, tags: awsTags(input.tags) });
  }

  untagRole(input: RoleRef & { readonly tagKeys: readonly string[] }, callerArn: string): void {
    const role = this.mustRole(input, 'iam:UntagRole');
    for (const key of input.tagKeys) delete role.tags[key];
    this.record(input.account, 'UntagRole', callerArn, { roleName: input.roleName, tagKeys: [...input.tagKeys] });
  }

  attachRolePolicy(input: RoleRef & { readonly policyArn: string }, callerArn: string): void {
    const action = 'iam:AttachRolePolicy';
    const role = this.mustRole(input, action);
    if (!this.policies.has(input.policyArn)) {
      throw new TwinAwsError('NoSuchEntityException', action, input.policyArn, `Policy ${input.policyArn} does not exist or is not attachable.`);
    }
    if (!role.attached.includes(input.policyArn)) role.attached.push(input.policyArn);
    this.record(input.account, 'AttachRolePolicy', callerArn, { roleName: input.roleName, policyArn: input.policyArn });
  }

  detachRolePolicy(input: RoleRef & { readonly policyArn: string }, callerArn: string): void {
    const action = 'iam:DetachRolePolicy';
    const role = this.mustRole(input, action);
    if (!role.attached.includes(input.policyArn)) {
      throw new TwinAwsError('NoSuchEntityException', action, input.policyArn, `Policy ${input.policyArn} was not found.`);
    }
    role.attached = role.attached.filter((a) => a !== input.policyArn);
    this.record(input.account, 'DetachRolePolicy', callerArn, { roleName: input.roleName, policyArn: input.policyArn });
  }

  /** Like IAM: refuses while inline or attached policies remain (DeleteConflict). */
  deleteRole(input: RoleRef, callerArn: string): void {
    const action = 'iam:DeleteRole';
    const role = this.mustRole(input, action);
    if (Object.keys(role.inline).length > 0) throw new TwinAwsError('DeleteConflictException', action, input.roleName, 'Cannot delete entity, must delete policies first.');
    if (role.attached.length > 0) throw new TwinAwsError('DeleteConflictException', action, input.roleName, 'Cannot delete entity, must detach all policies first.');
    this.roles.delete(role.arn);
    this.record(input.account, 'DeleteRole', callerArn, { roleName: input.roleName });
  }

  async createPolicy(
    input: { readonly account: string; readonly policyName: string; readonly document: unknown; readonly description?: string },
    callerArn: string,
  ): Promise<ManagedPolicyState> {
    const action = 'iam:CreatePolicy';
    await this.checkDocument('identity', input.document, action, input.policyName);
    const arn = `arn:aws:iam::${input.account}:policy/${input.policyName}`;
    if (this.policies.has(arn)) throw new TwinAwsError('EntityAlreadyExistsException', action, input.policyName, `A policy called ${input.policyName} already exists. Duplicate names are not allowed.`);
    const policy = this.newPolicy(input);
    this.policies.set(arn, policy);
    this.record(input.account, 'CreatePolicy', callerArn, { policyName: input.policyName, policyDocument: JSON.stringify(input.document) }, {
      policy: { policyName: input.policyName, arn, defaultVersionId: 'v1' },
    });
    return copy(policy);
  }

  async createPolicyVersion(input: { readonly policyArn: string; readonly document: unknown; readonly setAsDefault: boolean }, callerArn: string): Promise<string> {
    const action = 'iam:CreatePolicyVersion';
    await this.checkDocument('identity', input.document, action, input.policyArn);
    const policy = this.mustPolicy(input.policyArn, action);
    if (policy.versions.length >= MAX_POLICY_VERSIONS) {
      throw new TwinAwsError('LimitExceededException', action, input.policyArn, `A managed policy can have up to ${MAX_POLICY_VERSIONS} versions.`);
    }
    const versionId = `v${policy.nextVersion++}`;
    policy.versions.push({ versionId, document: copy(input.document), createdAt: isoSeconds(this.clock()) });
    if (input.setAsDefault) policy.defaultVersionId = versionId;
    this.record(policy.account, 'CreatePolicyVersion', callerArn, {
      policyArn: input.policyArn,
      policyDocument: JSON.stringify(input.document),
      setAsDefault: input.setAsDefault,
    }, { policyVersion: { versionId, isDefaultVersion: input.setAsDefault } });
    return versionId;
  }

  setDefaultPolicyVersion(input: { readonly policyArn: string; readonly versionId: string }, callerArn: string): void {
    const action = 'iam:SetDefaultPolicyVersion';
    const policy = this.mustPolicy(input.policyArn, action);
    if (!policy.versions.some((v) => v.versionId === input.versionId)) {
      throw new TwinAwsError('NoSuchEntityException', action, input.policyArn, `Policy ${input.policyArn} version ${input.versionId} does not exist.`);
    }
    policy.defaultVersionId = input.versionId;
    this.record(policy.account, 'SetDefaultPolicyVersion', callerArn, { policyArn: input.policyArn, versionId: input.versionId });
  }

  /** Like IAM: refuses while the policy is attached anywhere. */
  deletePolicy(input: { readonly policyArn: string }, callerArn: string): void {
    const action = 'iam:DeletePolicy';
    const policy = this.mustPolicy(input.policyArn, action);
    const principals = [...this.roles.values(), ...this.users.values()];
    if (principals.some((p) => p.attached.includes(input.policyArn))) {
      throw new TwinAwsError('DeleteConflictException', action, input.policyArn, 'Cannot delete a policy attached to entities.');
    }
    if (principals.some((p) => p.permissionsBoundary === input.policyArn)) {
      // ❓ IAM refuses too (PermissionsBoundaryUsageCount > 0); the wording is the twin's.
      throw new TwinAwsError('DeleteConflictException', action, input.policyArn, 'Cannot delete a policy used as a permissions boundary.');
    }
    this.policies.delete(policy.arn);
    this.record(policy.account, 'DeletePolicy', callerArn, { policyArn: input.policyArn });
  }

  // ---------------------------------------------------------------------------------------------------
  // Users and access keys: writes take the caller ARN and emit one event each, like the role writes.

  createUser(
    input: UserRef & { readonly path?: string; readonly tags?: Readonly<Record<string, string>>; readonly permissionsBoundaryArn?: string },
    callerArn: string,
  ): UserState {
    const action = 'iam:CreateUser';
    const path = input.path ?? '/';
    if (!USER_NAME.test(input.userName)) throw new TwinAwsError('InvalidInputException', action, input.userName, 'The specified value for userName is invalid.');
    if (path.length > 512 || !IAM_PATH.test(path)) throw new TwinAwsError('InvalidInputException', action, input.userName, 'The specified value for path is invalid.');
    if (this.users.has(userKey(input))) throw new TwinAwsError('EntityAlreadyExistsException', action, input.userName, `User with name ${input.userName} already exists.`);
    if (input.permissionsBoundaryArn !== undefined) this.mustBoundary(input.permissionsBoundaryArn, action);
    const arn = userArn(input.account, path, input.userName);
    const user: UserState = {
      account: input.account,
      name: input.userName,
      path,
      arn,
      userId: uniqueId('AIDA', arn),
      createdAt: isoSeconds(this.clock()),
      tags: { ...(input.tags ?? {}) },
      inline: {},
      attached: [],
      ...(input.permissionsBoundaryArn !== undefined && { permissionsBoundary: input.permissionsBoundaryArn }),
      accessKeys: [],
    };
    this.users.set(userKey(input), user);
    if (this.lagCalls > 0) this.lagging.set(user.arn, this.lagCalls);
    this.record(input.account, 'CreateUser', callerArn, {
      userName: input.userName,
      path,
      ...(user.permissionsBoundary !== undefined && { permissionsBoundary: user.permissionsBoundary }),
      ...(Object.keys(user.tags).length > 0 && { tags: awsTags(user.tags) }),
    }, { user: { path, userName: user.name, userId: user.userId, arn, createDate: user.createdAt, ...boundaryElement(user.permissionsBoundary) } });
    return copy(user);
  }

  tagUser(input: UserRef & { readonly tags: Readonly<Record<string, string>> }, callerArn: string): void {
    const user = this.mustUser(input, 'iam:TagUser');
    this.checkTagAuthorization(user.arn, 'iam:TagUser', callerArn);
    Object.assign(user.tags, input.tags);
    this.record(input.account, 'TagUser', callerArn, { userName: input.userName, tags: awsTags(input.tags) });
  }

  untagUser(input: UserRef & { readonly tagKeys: readonly string[] }, callerArn: string): void {
    const user = this.mustUser(input, 'iam:UntagUser');
    for (const key of input.tagKeys) delete user.tags[key];
    this.record(input.account, 'UntagUser', callerArn, { userName: input.userName, tagKeys: [...input.tagKeys] });
  }

  async putUserPolicy(input: UserRef & { readonly policyName: string; readonly document: unknown }, callerArn: string): Promise<void> {
    const action = 'iam:PutUserPolicy';
    if (!POLICY_NAME.test(input.policyName)) throw new TwinAwsError('InvalidInputException', action, input.policyName, 'The specified value for policyName is invalid.');
    await this.checkDocument('identity', input.document, action, `${input.userName}/${input.policyName}`);
    // Looked up after the await: the user may have gone meanwhile.
    const user = this.mustUser(input, action);
    this.checkTagAuthorization(user.arn, action, callerArn);
    user.inline[input.policyName] = copy(input.document);
    this.record(input.account, 'PutUserPolicy', callerArn, { userName: input.userName, policyName: input.policyName, policyDocument: JSON.stringify(input.document) });
  }

  deleteUserPolicy(input: UserRef & { readonly policyName: string }, callerArn: string): void {
    const action = 'iam:DeleteUserPolicy';
    const user = this.mustUser(input, action);
    if (!(input.policyName in user.inline)) {
      throw new TwinAwsError('NoSuchEntityException', action, `${input.userName}/${input.policyName}`, `The user policy with name ${input.policyName} cannot be found.`);
    }
    delete user.inline[input.policyName];
    this.record(input.account, 'DeleteUserPolicy', callerArn, { userName: input.userName, policyName: input.policyName });
  }

  attachUserPolicy(input: UserRef & { readonly policyArn: string }, callerArn: string): void {
    const action = 'iam:AttachUserPolicy';
    const user = this.mustUser(input, action);
    this.mustPolicy(input.policyArn, action);
    if (!user.attached.includes(input.policyArn)) user.attached.push(input.policyArn);
    this.record(input.account, 'AttachUserPolicy', callerArn, { userName: input.userName, policyArn: input.policyArn });
  }

  detachUserPolicy(input: UserRef & { readonly policyArn: string }, callerArn: string): void {
    const action = 'iam:DetachUserPolicy';
    const user = this.mustUser(input, action);
    if (!user.attached.includes(input.policyArn)) throw new TwinAwsError('NoSuchEntityException', action, input.policyArn, `Policy ${input.policyArn} was not found.`);
    user.attached = user.attached.filter((a) => a !== input.policyArn);
    this.record(input.account, 'DetachUserPolicy', callerArn, { userName: input.userName, policyArn: input.policyArn });
  }

  putUserPermissionsBoundary(input: UserRef & { readonly permissionsBoundary: string }, callerArn: string): void {
    const action = 'iam:PutUserPermissionsBoundary';
    const user = this.mustUser(input, action);
    this.checkTagAuthorization(user.arn, action, callerArn);
    this.mustBoundary(input.permissionsBoundary, action);
    user.permissionsBoundary = input.permissionsBoundary;
    this.record(input.account, 'PutUserPermissionsBoundary', callerArn, { userName: input.userName, permissionsBoundary: input.permissionsBoundary });
  }

  deleteUserPermissionsBoundary(input: UserRef, callerArn: string): void {
    const user = this.mustUser(input, 'iam:DeleteUserPermissionsBoundary');
    delete user.permissionsBoundary;
    this.record(input.account, 'DeleteUserPermissionsBoundary', callerArn, { userName: input.userName });
  }

  /**
   * A new Active key: `AKIA` + 16 upper-case letters/digits and a 40-character secret. The secret is returned
   * here and nowhere else; the event carries what CloudTrail records (id, status, user, date), not the secret.
   */
  createAccessKey(input: UserRef, callerArn: string): CreatedAccessKey {
    const action = 'iam:CreateAccessKey';
    const user = this.mustUser(input, action);
    if (user.accessKeys.length >= ACCESS_KEYS_PER_USER) {
      throw new TwinAwsError('LimitExceededException', action, input.userName, `Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`);
    }
    let accessKeyId: string;
    do accessKeyId = `AKIA${randomString(16)}`;
    while (this.keySecrets.has(accessKeyId));
    const secretAccessKey = randomString(40, SECRET_ALPHABET);
    const createdAt = isoSeconds(this.clock());
    user.accessKeys.push({ accessKeyId, status: 'Active', createdAt });
    this.keySecrets.set(accessKeyId, { account: user.account, userName: user.name, digest: digest(secretAccessKey) });
    this.record(input.account, 'CreateAccessKey', callerArn, { userName: input.userName }, {
      accessKey: { userName: user.name, accessKeyId, status: 'Active', createDate: createdAt },
    });
    return { userName: user.name, accessKeyId, secretAccessKey, status: 'Active', createdAt };
  }

  updateAccessKey(input: UserRef & { readonly accessKeyId: string; readonly status: AccessKeyStatus }, callerArn: string): void {
    const action = 'iam:UpdateAccessKey';
    if (input.status !== 'Active' && input.status !== 'Inactive') {
      throw new TwinAwsError('ValidationError', action, input.accessKeyId, `1 validation error detected: Value '${String(input.status)}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`);
    }
    const key = this.mustKey(input, action);
    key.status = input.status;
    this.record(input.account, 'UpdateAccessKey', callerArn, { userName: input.userName, accessKeyId: input.accessKeyId, status: input.status });
  }

  deleteAccessKey(input: UserRef & { readonly accessKeyId: string }, callerArn: string): void {
    const action = 'iam:DeleteAccessKey';
    this.mustKey(input, action);
    const user = this.mustUser(input, action);
    user.accessKeys = user.accessKeys.filter((k) => k.accessKeyId !== input.accessKeyId);
    this.keySecrets.delete(input.accessKeyId);
    this.record(input.account, 'DeleteAccessKey', callerArn, { userName: input.userName, accessKeyId: input.accessKeyId });
  }

  /** Like IAM: refuses while access keys, inline or attached policies remain (DeleteConflict). */
  deleteUser(input: UserRef, callerArn: string): void {
    const action = 'iam:DeleteUser';
    const user = this.mustUser(input, action);
    if (user.accessKeys.length > 0) throw new TwinAwsError('DeleteConflictException', action, input.userName, 'Cannot delete entity, must delete access keys first.');
    if (Object.keys(user.inline).length > 0) throw new TwinAwsError('DeleteConflictException', action, input.userName, 'Cannot delete entity, must delete policies first.');
    if (user.attached.length > 0) throw new TwinAwsError('DeleteConflictException', action, input.userName, 'Cannot delete entity, must detach all policies first.');
    this.users.delete(userKey(input));
    this.record(input.account, 'DeleteUser', callerArn, { userName: input.userName });
  }

  // ---------------------------------------------------------------------------------------------------
  // Seeding: state that exists before the twin starts (or comes from a CloudFormation deploy the twin does
  // not replay). No event, no validation: the documents are the twin's own.

  seedRole(input: RoleRef & {
    readonly trustPolicy: unknown;
    readonly description?: string;
    readonly tags?: Readonly<Record<string, string>>;
    readonly inline?: Readonly<Record<string, unknown>>;
    readonly attached?: readonly string[];
    readonly permissionsBoundary?: string;
  }): void {
    const arn = makeRoleArn(input.account, input.roleName);
    this.roles.set(arn, {
      account: input.account,
      name: input.roleName,
      arn,
      roleId: uniqueId('AROA', arn),
      description: input.description ?? '',
      maxSessionDuration: 3600,
      createdAt: isoSeconds(this.clock()),
      trustPolicy: copy(input.trustPolicy),
      tags: { ...(input.tags ?? {}) },
      inline: copy({ ...(input.inline ?? {}) }),
      attached: [...(input.attached ?? [])],
      ...(input.permissionsBoundary !== undefined && { permissionsBoundary: input.permissionsBoundary }),
    });
  }

  /** A customer-managed policy with its first version as the default. */
  private newPolicy(input: { readonly account: string; readonly policyName: string; readonly document: unknown; readonly description?: string }): ManagedPolicyState {
    return {
      account: input.account,
      name: input.policyName,
      arn: `arn:aws:iam::${input.account}:policy/${input.policyName}`,
      description: input.description ?? '',
      versions: [{ versionId: 'v1', document: copy(input.document), createdAt: isoSeconds(this.clock()) }],
      defaultVersionId: 'v1',
      nextVersion: 2,
    };
  }

  seedPolicy(input: { readonly account: string; readonly policyName: string; readonly document: unknown; readonly description?: string }): string {
    const policy = this.newPolicy(input);
    this.policies.set(policy.arn, policy);
    return policy.arn;
  }

  unseedRole(ref: RoleRef): void {
    this.roles.delete(makeRoleArn(ref.account, ref.roleName));
  }

  // ---------------------------------------------------------------------------------------------------

  /** Deterministic picture for inventories: everything that decides access, no timestamps or ids. */
  snapshot(account: string): { roles: unknown[]; users: unknown[]; policies: unknown[] } {
    const roles = this.listRoles(account)
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((r) => ({
        name: r.name,
        arn: r.arn,
        description: r.description,
        trustPolicy: r.trustPolicy,
        tags: sortedRecord(r.tags),
        inlinePolicies: sortedRecord(r.inline),
        attachedPolicyArns: [...r.attached].sort(),
        permissionsBoundaryArn: r.permissionsBoundary ?? null,
      }));
    // Keys by status only: ids change on every rotation and secrets are never shown.
    const users = this.listUsers(account)
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((u) => ({
        name: u.name,
        arn: u.arn,
        path: u.path,
        tags: sortedRecord(u.tags),
        inlinePolicies: sortedRecord(u.inline),
        attachedPolicyArns: [...u.attached].sort(),
        permissionsBoundaryArn: u.permissionsBoundary ?? null,
        accessKeys: { count: u.accessKeys.length, statuses: u.accessKeys.map((k) => k.status).sort() },
      }));
    const policies = this.listPolicies(account)
      .sort((a, b) => (a.arn < b.arn ? -1 : 1))
      .map((p) => ({
        arn: p.arn,
        defaultVersionId: p.defaultVersionId,
        versions: p.versions.map((v) => ({ versionId: v.versionId, document: v.document })),
      }));
    return { roles, users, policies };
  }

  private mustRole(ref: RoleRef, action: string): RoleState {
    const role = this.roles.get(makeRoleArn(ref.account, ref.roleName));
    if (role === undefined) throw noSuchRole(action, ref.roleName);
    return role;
  }

  private mustUser(ref: UserRef, action: string): UserState {
    const user = this.users.get(userKey(ref));
    if (user === undefined) throw noSuchUser(action, ref.userName);
    return user;
  }

  /** The key of this user; IAM answers a key of another user like an unknown one. */
  private mustKey(ref: UserRef & { readonly accessKeyId: string }, action: string): AccessKeyState {
    const user = this.mustUser(ref, action);
    const key = user.accessKeys.find((k) => k.accessKeyId === ref.accessKeyId);
    if (key === undefined) throw noSuchKey(action, ref.accessKeyId);
    return key;
  }

  /** A boundary must name an existing managed policy (the twin holds customer-managed ones only). */
  private mustBoundary(policyArn: string, action: string): void {
    if (!this.policies.has(policyArn)) throw new TwinAwsError('NoSuchEntityException', action, policyArn, `Policy ${policyArn} does not exist or is not attachable.`);
  }

  private userByArn(arn: string): UserState | undefined {
    const m = /^arn:aws:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/.exec(arn);
    const user = m ? this.users.get(userKey({ account: m[1]!, userName: m[2]! })) : undefined;
    // The path is part of the ARN: a user named in an ARN with another path is not this user.
    return user !== undefined && user.arn === arn ? user : undefined;
  }

  private documentsOf(principal: { readonly inline: Record<string, unknown>; readonly attached: readonly string[] }): NamedDocument[] {
    const inline = Object.keys(principal.inline)
      .sort()
      .map((name) => ({ name, policy: copy(principal.inline[name]) }));
    const attached = principal.attached.flatMap((arn) => {
      const document = this.defaultDocument(arn);
      return document === undefined ? [] : [{ name: arn, policy: document }];
    });
    return [...inline, ...attached];
  }

  private mustPolicy(policyArn: string, action: string): ManagedPolicyState {
    const policy = this.policies.get(policyArn);
    if (policy === undefined) throw new TwinAwsError('NoSuchEntityException', action, policyArn, `Policy ${policyArn} does not exist or is not attachable.`);
    return policy;
  }

  private async checkDocument(kind: 'identity' | 'trust', document: unknown, action: string, resource: string): Promise<void> {
    const problems = await policyProblems(kind, document);
    if (problems !== undefined) throw new TwinAwsError('MalformedPolicyDocumentException', action, resource, problems);
    if (kind !== 'trust') return;
    // IAM resolves a role or user ARN principal to its unique id when the policy is saved, so one that does
    // not exist is refused (docs/reference/aws.md A4b). Accounts and session ARNs are not looked up.
    const missing = awsPrincipals(document).find((arn) => !this.principalExists(arn));
    if (missing !== undefined) throw new TwinAwsError('MalformedPolicyDocumentException', action, resource, `Invalid principal in policy: "AWS":"${missing}"`);
  }

  private principalExists(arn: string): boolean {
    if (this.hostedAccounts !== undefined && !this.hostedAccounts.includes(arn.split(':')[4] ?? '')) return true;
    const role = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]{1,64})$/.exec(arn);
    if (role !== null) return this.roles.has(makeRoleArn(role[1]!, role[2]!));
    const user = /^arn:aws:iam::(\d{12}):user\/(?:.*\/)?([\w+=,.@-]{1,64})$/.exec(arn);
    if (user !== null) return this.users.has(userKey({ account: user[1]!, userName: user[2]! }));
    return true;
  }

  private record(account: string, eventName: string, callerArn: string, requestParameters: Record<string, unknown>, responseElements?: Record<string, unknown>): void {
    this.emit(makeIamEvent({ account, eventName, callerArn, at: this.clock(), requestParameters, responseElements: responseElements ?? null }));
  }
}

/** The `Principal.AWS` values of a policy's statements. */
function awsPrincipals(document: unknown): string[] {
  const statements = (document as { Statement?: unknown } | undefined)?.Statement;
  const list = Array.isArray(statements) ? statements : statements === undefined ? [] : [statements];
  return list.flatMap((st) => {
    const aws = (st as { Principal?: { AWS?: unknown } } | undefined)?.Principal?.AWS;
    return (Array.isArray(aws) ? aws : [aws]).filter((p): p is string => typeof p === 'string');
  });
}

function awsTags(tags: Readonly<Record<string, string>>): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

function userKey(ref: UserRef): string {
  return `${ref.account}/${ref.userName}`;
}

/** How CloudTrail's responseElements show a user's or role's boundary. */
function boundaryElement(arn: string | undefined): Record<string, unknown> {
  return arn === undefined ? {} : { permissionsBoundary: { permissionsBoundaryType: 'Policy', permissionsBoundaryArn: arn } };
}
