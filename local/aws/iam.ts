// In-memory IAM for the twin (emulated): roles with trust policies, tags, inline policies and attached
// customer-managed policies with versions, in any number of accounts. Every write takes the caller's ARN and
// emits a CloudTrail-shaped event (events.ts). Error names are the SDK v3 exception names the adapters see.
import { copy, roleArn as makeRoleArn, sortedRecord, TwinAwsError, uniqueId, isoSeconds, type Clock } from './common.js';
import { makeIamEvent, type IamCloudTrailEvent } from './events.js';
import { policyProblems, type NamedDocument } from './policy-sim.js';

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
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
/** IAM keeps at most five versions of a managed policy. */
const MAX_POLICY_VERSIONS = 5;

const noSuchRole = (action: string, name: string) => new TwinAwsError('NoSuchEntityException', action, name, `The role with name ${name} cannot be found.`);

export class IamEmulator {
  private readonly roles = new Map<string, RoleState>();
  private readonly policies = new Map<string, ManagedPolicyState>();

  constructor(
    private readonly clock: Clock,
    private readonly emit: (event: IamCloudTrailEvent) => void,
  ) {}

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
    if (role === undefined) return [];
    const inline = Object.keys(role.inline)
      .sort()
      .map((name) => ({ name, policy: copy(role.inline[name]) }));
    const attached = role.attached.flatMap((arn) => {
      const document = this.defaultDocument(arn);
      return document === undefined ? [] : [{ name: arn, policy: document }];
    });
    return [...inline, ...attached];
  }

  listRoles(account?: string): RoleState[] {
    return [...this.roles.values()].filter((r) => account === undefined || r.account === account).map((r) => copy(r));
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
    },
    callerArn: string,
  ): Promise<RoleState> {
    const action = 'iam:CreateRole';
    if (!ROLE_NAME.test(input.roleName)) throw new TwinAwsError('InvalidInputException', action, input.roleName, 'The specified value for roleName is invalid.');
    await this.checkDocument('trust', input.trustPolicy, action, input.roleName);
    const arn = makeRoleArn(input.account, input.roleName);
    if (this.roles.has(arn)) throw new TwinAwsError('EntityAlreadyExistsException', action, input.roleName, `Role with name ${input.roleName} already exists.`);
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
    };
    this.roles.set(arn, role);
    this.record(input.account, 'CreateRole', callerArn, {
      roleName: input.roleName,
      assumeRolePolicyDocument: JSON.stringify(input.trustPolicy),
      description: role.description,
      maxSessionDuration: role.maxSessionDuration,
      tags: awsTags(role.tags),
    }, { role: { path: '/', roleName: role.name, roleId: role.roleId, arn, createDate: role.createdAt } });
    return copy(role);
  }

  async updateAssumeRolePolicy(input: RoleRef & { readonly document: unknown }, callerArn: string): Promise<void> {
    // Validate first, then look the role up: no await between the lookup and the change.
    await this.checkDocument('trust', input.document, 'iam:UpdateAssumeRolePolicy', input.roleName);
    const role = this.mustRole(input, 'iam:UpdateAssumeRolePolicy');
    role.trustPolicy = copy(input.document);
    this.record(input.account, 'UpdateAssumeRolePolicy', callerArn, { roleName: input.roleName, policyDocument: JSON.stringify(input.document) });
  }

  async putRolePolicy(input: RoleRef & { readonly policyName: string; readonly document: unknown }, callerArn: string): Promise<void> {
    const action = 'iam:PutRolePolicy';
    if (!POLICY_NAME.test(input.policyName)) throw new TwinAwsError('InvalidInputException', action, input.policyName, 'The specified value for policyName is invalid.');
    await this.checkDocument('identity', input.document, action, `${input.roleName}/${input.policyName}`);
    const role = this.mustRole(input, action);
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
    if ([...this.roles.values()].some((r) => r.attached.includes(input.policyArn))) {
      throw new TwinAwsError('DeleteConflictException', action, input.policyArn, 'Cannot delete a policy attached to entities.');
    }
    this.policies.delete(policy.arn);
    this.record(policy.account, 'DeletePolicy', callerArn, { policyArn: input.policyArn });
  }

  // ---------------------------------------------------------------------------------------------------
  // Seeding: state that exists before the twin starts (or comes from a CloudFormation deploy the twin does
  // not replay). No event, no validation: the documents are the twin's own.

  seedRole(input: RoleRef & { readonly trustPolicy: unknown; readonly description?: string; readonly tags?: Readonly<Record<string, string>>; readonly inline?: Readonly<Record<string, unknown>>; readonly attached?: readonly string[] }): void {
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
  snapshot(account: string): { roles: unknown[]; policies: unknown[] } {
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
      }));
    const policies = this.listPolicies(account)
      .sort((a, b) => (a.arn < b.arn ? -1 : 1))
      .map((p) => ({
        arn: p.arn,
        defaultVersionId: p.defaultVersionId,
        versions: p.versions.map((v) => ({ versionId: v.versionId, document: v.document })),
      }));
    return { roles, policies };
  }

  private mustRole(ref: RoleRef, action: string): RoleState {
    const role = this.roles.get(makeRoleArn(ref.account, ref.roleName));
    if (role === undefined) throw noSuchRole(action, ref.roleName);
    return role;
  }

  private mustPolicy(policyArn: string, action: string): ManagedPolicyState {
    const policy = this.policies.get(policyArn);
    if (policy === undefined) throw new TwinAwsError('NoSuchEntityException', action, policyArn, `Policy ${policyArn} does not exist or is not attachable.`);
    return policy;
  }

  private async checkDocument(kind: 'identity' | 'trust', document: unknown, action: string, resource: string): Promise<void> {
    const problems = await policyProblems(kind, document);
    if (problems !== undefined) throw new TwinAwsError('MalformedPolicyDocumentException', action, resource, problems);
  }

  private record(account: string, eventName: string, callerArn: string, requestParameters: Record<string, unknown>, responseElements?: Record<string, unknown>): void {
    this.emit(makeIamEvent({ account, eventName, callerArn, at: this.clock(), requestParameters, responseElements: responseElements ?? null }));
  }
}

function awsTags(tags: Readonly<Record<string, string>>): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}
