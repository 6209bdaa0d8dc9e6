// IamPort over @aws-sdk/client-iam: the db-connect roles and connector users this product owns in the DB account. Plus the
// role-reading helpers PipelineRoleAccess shares (they throw raw SDK errors; each caller maps them).
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListUserPoliciesCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  TagUserCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  type IAMClient,
  type Role,
} from '@aws-sdk/client-iam';
import type { PolicyDocument } from '../../core/iam.js';
import type { AccessKeyDescription, IamPort, NewAccessKey, RoleDescription, UserDescription } from '../../ports/iam.js';
import { isAwsError, mapAwsError } from './errors.js';
import { fromAwsTags, toAwsTags } from './tags.js';

export const NO_SUCH_ENTITY = ['NoSuchEntityException', 'NoSuchEntity'];

/**
 * IAM returns policy documents URL-encoded (RFC 3986) JSON. Decoded and parsed as-is: a document a person
 * wrote may use shapes PolicyDocument does not model (a single Statement object, Action lists), which
 * comparePolicy() in core/iam.ts accepts.
 */
export function decodePolicyDocument(text: string, what: string): PolicyDocument {
  const trimmed = text.trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed.startsWith('{') ? trimmed : decodeURIComponent(trimmed));
  } catch {
    throw new Error(`${what}: policy document is neither JSON nor URL-encoded JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${what}: policy document is not a JSON object`);
  return parsed as PolicyDocument;
}

/** Every page of a Marker/IsTruncated IAM listing. */
async function listAll<T>(page: (marker: string | undefined) => Promise<{ items: T[]; marker: string | undefined; truncated: boolean }>): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  for (;;) {
    const out = await page(marker);
    all.push(...out.items);
    if (!out.truncated || out.marker === undefined) return all;
    marker = out.marker;
  }
}

export async function listInlinePolicyNames(iam: IAMClient, roleName: string): Promise<string[]> {
  return listAll(async (Marker) => {
    const out = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker }));
    return { items: out.PolicyNames ?? [], marker: out.Marker, truncated: out.IsTruncated === true };
  });
}

export async function listAttachedPolicyArns(iam: IAMClient, roleName: string): Promise<string[]> {
  const attached = await listAll(async (Marker) => {
    const out = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker }));
    return { items: out.AttachedPolicies ?? [], marker: out.Marker, truncated: out.IsTruncated === true };
  });
  return attached.flatMap((p) => (p.PolicyArn === undefined ? [] : [p.PolicyArn]));
}

async function listUserPolicyNames(iam: IAMClient, userName: string): Promise<string[]> {
  return listAll(async (Marker) => {
    const out = await iam.send(new ListUserPoliciesCommand({ UserName: userName, Marker }));
    return { items: out.PolicyNames ?? [], marker: out.Marker, truncated: out.IsTruncated === true };
  });
}

async function listAttachedUserPolicyArns(iam: IAMClient, userName: string): Promise<string[]> {
  const attached = await listAll(async (Marker) => {
    const out = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName, Marker }));
    return { items: out.AttachedPolicies ?? [], marker: out.Marker, truncated: out.IsTruncated === true };
  });
  return attached.flatMap((p) => (p.PolicyArn === undefined ? [] : [p.PolicyArn]));
}

/** Inline policies by name; a policy deleted between the list and the get is simply absent. */
export async function readInlinePolicies(iam: IAMClient, roleName: string): Promise<Record<string, PolicyDocument>> {
  const policies: Record<string, PolicyDocument> = {};
  for (const policyName of await listInlinePolicyNames(iam, roleName)) {
    try {
      const out = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
      if (out.PolicyDocument !== undefined) policies[policyName] = decodePolicyDocument(out.PolicyDocument, `${roleName}/${policyName}`);
    } catch (e) {
      if (!isAwsError(e, ...NO_SUCH_ENTITY)) throw e;
    }
  }
  return policies;
}

/** Run a delete; a target that is already gone is what the delete wanted. */
async function ignoreGone(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (e) {
    if (!isAwsError(e, ...NO_SUCH_ENTITY)) throw e;
  }
}

/** GetRole, or undefined when the role does not exist. */
export async function getRoleOrUndefined(iam: IAMClient, roleName: string): Promise<Role | undefined> {
  try {
    const out = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    return out.Role;
  } catch (e) {
    if (isAwsError(e, ...NO_SUCH_ENTITY)) return undefined;
    throw e;
  }
}

export class IamRoleAdapter implements IamPort {
  // When each role (`role:<name>`) and user (`user:<name>`) was created, from our create call or IAM's
  // CreateDate: AccessDenied soon after is tag-based authorization that has not propagated yet.
  private readonly created = new Map<string, Date>();

  constructor(private readonly iam: IAMClient) {}

  private noteCreated(key: string, at: Date | undefined): void {
    if (at !== undefined) this.created.set(key, at);
  }

  async getRole(name: string): Promise<RoleDescription | undefined> {
    let action = 'iam:GetRole';
    try {
      const role = await getRoleOrUndefined(this.iam, name);
      if (role === undefined) return undefined;
      this.noteCreated(`role:${name}`, role.CreateDate);
      action = 'iam:ListRolePolicies';
      const inlinePolicies = await readInlinePolicies(this.iam, name);
      action = 'iam:ListAttachedRolePolicies';
      const attachedPolicyArns = await listAttachedPolicyArns(this.iam, name);
      return {
        name: role.RoleName ?? name,
        arn: role.Arn ?? '',
        trustPolicy: decodePolicyDocument(role.AssumeRolePolicyDocument ?? '{}', `trust policy of ${name}`),
        tags: fromAwsTags(role.Tags),
        inlinePolicies,
        attachedPolicyArns,
      };
    } catch (e) {
      // Deleted half-way through the read: it is gone now.
      if (isAwsError(e, ...NO_SUCH_ENTITY)) return undefined;
      throw mapAwsError(e, { action, resource: name });
    }
  }

  async createRole(input: Parameters<IamPort['createRole']>[0]): Promise<{ readonly arn: string }> {
    try {
      const out = await this.iam.send(
        new CreateRoleCommand({
          RoleName: input.name,
          AssumeRolePolicyDocument: JSON.stringify(input.trustPolicy),
          Description: input.description,
          Tags: toAwsTags(input.tags),
          PermissionsBoundary: input.permissionsBoundaryArn,
        }),
      );
      if (out.Role?.Arn === undefined) throw new Error(`iam:CreateRole ${input.name} returned no ARN`);
      this.noteCreated(`role:${input.name}`, out.Role.CreateDate ?? new Date());
      return { arn: out.Role.Arn };
    } catch (e) {
      if (!isAwsError(e, 'EntityAlreadyExistsException', 'EntityAlreadyExists')) throw mapAwsError(e, { action: 'iam:CreateRole', resource: input.name });
    }
    // Re-run: the caller compares trust, tags and policies through getRole and fixes what differs.
    try {
      const role = await getRoleOrUndefined(this.iam, input.name);
      if (role?.Arn === undefined) throw new Error(`role ${input.name} already exists but GetRole found none`);
      this.noteCreated(`role:${input.name}`, role.CreateDate);
      return { arn: role.Arn };
    } catch (e) {
      throw mapAwsError(e, { action: 'iam:GetRole', resource: input.name, afterOwnCreate: true });
    }
  }

  async updateTrustPolicy(name: string, trustPolicy: PolicyDocument): Promise<void> {
    try {
      await this.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: JSON.stringify(trustPolicy) }));
    } catch (e) {
      throw mapAwsError(e, { action: 'iam:UpdateAssumeRolePolicy', resource: name, afterOwnCreate: true, ownCreatedAt: this.created.get(`role:${name}`) });
    }
  }

  async putRolePolicy(roleName: string, policyName: string, document: PolicyDocument): Promise<void> {
    try {
      await this.iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: JSON.stringify(document) }));
    } catch (e) {
      throw mapAwsError(e, { action: 'iam:PutRolePolicy', resource: `${roleName}/${policyName}`, afterOwnCreate: true, ownCreatedAt: this.created.get(`role:${roleName}`) });
    }
  }

  async deleteRolePolicy(roleName: string, policyName: string): Promise<void> {
    try {
      await this.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
    } catch (e) {
      if (isAwsError(e, ...NO_SUCH_ENTITY)) return;
      throw mapAwsError(e, { action: 'iam:DeleteRolePolicy', resource: `${roleName}/${policyName}` });
    }
  }

  async tagRole(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    try {
      await this.iam.send(new TagRoleCommand({ RoleName: name, Tags: toAwsTags(tags) }));
    } catch (e) {
      throw mapAwsError(e, { action: 'iam:TagRole', resource: name, afterOwnCreate: true, ownCreatedAt: this.created.get(`role:${name}`) });
    }
  }

  async deleteRole(name: string): Promise<void> {
    // IAM refuses to delete a role that still has inline or attached policies (DeleteConflict).
    let action = 'iam:ListRolePolicies';
    try {
      for (const policyName of await listInlinePolicyNames(this.iam, name)) {
        action = 'iam:DeleteRolePolicy';
        await ignoreGone(() => this.iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName })));
      }
      action = 'iam:ListAttachedRolePolicies';
      for (const policyArn of await listAttachedPolicyArns(this.iam, name)) {
        action = 'iam:DetachRolePolicy';
        await ignoreGone(() => this.iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn })));
      }
      action = 'iam:DeleteRole';
      await this.iam.send(new DeleteRoleCommand({ RoleName: name }));
    } catch (e) {
      // Role already gone (before or during the clean-up): nothing left to delete.
      if (isAwsError(e, ...NO_SUCH_ENTITY)) return;
      throw mapAwsError(e, { action, resource: name });
    }
  }

  async getUser(name: string): Promise<UserDescription | undefined> {
    let action = 'iam:GetUser';
    try {
      let user;
      try {
        user = (await this.iam.send(new GetUserCommand({ UserName: name }))).User;
      } catch (e) {
        if (isAwsError(e, ...NO_SUCH_ENTITY)) return undefined;
        throw e;
      }
      if (user === undefined) return undefined;
      this.noteCreated(`user:${name}`, user.CreateDate);
      action = 'iam:ListUserPolicies';
      const inlinePolicies: Record<string, PolicyDocument> = {};
      const policyNames = await listUserPolicyNames(this.iam, name);
      action = 'iam:GetUserPolicy';
      for (const policyName of policyNames) {
        try {
          const out = await this.iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName: policyName }));
          if (out.PolicyDocument !== undefined) inlinePolicies[policyName] = decodePolicyDocument(out.PolicyDocument, `${name}/${policyName}`);
        } catch (e) {
          if (!isAwsError(e, ...NO_SUCH_ENTITY)) throw e;
        }
      }
      action = 'iam:ListAttachedUserPolicies';
      const attachedPolicyArns = await listAttachedUserPolicyArns(this.iam, name);
      action = 'iam:ListAccessKeys';
      const keys = await this.listAccessKeys(name);
      const boundary = user.PermissionsBoundary?.PermissionsBoundaryArn;
      return {
        name: user.UserName ?? name,
        arn: user.Arn ?? '',
        path: user.Path ?? '/',
        tags: fromAwsTags(user.Tags),
        inlinePolicies,
        attachedPolicyArns,
        ...(boundary !== undefined ? { permissionsBoundaryArn: boundary } : {}),
        accessKeys: keys,
      };
    } catch (e) {
      if (isAwsError(e, ...NO_SUCH_ENTITY)) return undefined;
      throw mapAwsError(e, { action, resource: name });
    }
  }

  private async listAccessKeys(userName: string): Promise<AccessKeyDescription[]> {
    const keys = await listAll(async (Marker) => {
      const out = await this.iam.send(new ListAccessKeysCommand({ UserName: userName, Marker }));
      return { items: out.AccessKeyMetadata ?? [], marker: out.Marker, truncated: out.IsTruncated === true };
    });
    return keys.flatMap((k) =>
      k.AccessKeyId === undefined
        ? []
        : [{ accessKeyId: k.AccessKeyId, status: k.Status === 'Active' ? 'Active' : 'Inactive', createdAt: (k.CreateDate ?? new Date(0)).toISOString() }],
    );
  }

  async createUser(input: Parameters<IamPort['createUser']>[0]): Promise<{ readonly arn: string }> {
    try {
      const out = await this.iam.send(
        new CreateUserCommand({ UserName: input.name, Path: input.path, Tags: toAwsTags(input.tags), PermissionsBoundary: input.permissionsBoundaryArn }),
      );
      if (out.User?.Arn === undefined) throw new Error(`iam:CreateUser ${input.name} returned no ARN`);
      this.noteCreated(`user:${input.name}`, out.User.CreateDate ?? new Date());
      return { arn: out.User.Arn };
    } catch (e) {
      if (!isAwsError(e, 'EntityAlreadyExistsException', 'EntityAlreadyExists')) throw mapAwsError(e, { action: 'iam:CreateUser', resource: input.name });
    }
    try {
      const user = (await this.iam.send(new GetUserCommand({ UserName: input.name }))).User;
      if (user?.Arn === undefined) throw new Error(`user ${input.name} already exists but GetUser found none`);
      this.noteCreated(`user:${input.name}`, user.CreateDate);
      return { arn: user.Arn };
    } catch (e) {
      throw mapAwsError(e, { action: 'iam:GetUser', resource: input.name, afterOwnCreate: true });
    }
  }

  async tagUser(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    try {
      await this.iam.send(new TagUserCommand({ UserName: name, Tags: toAwsTags(tags) }));
    } catch (e) {
      throw mapAwsError(e, { action: 'iam:TagUser', resource: name, afterOwnCreate: true, ownCreatedAt: this.created.get(`user:${name}`) });
    }
  }

  async putUserPermissionsBoundary(name: string, permissionsBoundaryArn: string): Promise<void> {
    try {
      await this.iam.send(new PutUserPermissionsBoundaryCommand({ UserName: name, PermissionsBoundary: permissionsBoundaryArn }));
    } catch (e) {
      throw mapAwsError(e, { action: 'iam:PutUserPermissionsBoundary', resource: name, afterOwnCreate: true, ownCreatedAt: this.created.get(`user:${name}`) });
    }
  }

  async putUserPolicy(userName: string, policyName: string, document: PolicyDocument): Promise<void> {
    try {
      await this.iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: policyName, PolicyDocument: JSON.stringify(document) }));
    } catch (e) {
      throw mapAwsError(e, { action: 'iam:PutUserPolicy', resource: `${userName}/${policyName}`, afterOwnCreate: true, ownCreatedAt: this.created.get(`user:${userName}`) });
    }
  }

  async createAccessKey(userName: string): Promise<NewAccessKey> {
    try {
      const out = await this.iam.send(new CreateAccessKeyCommand({ UserName: userName }));
      const key = out.AccessKey;
      if (key?.AccessKeyId === undefined || key.SecretAccessKey === undefined) throw new Error(`iam:CreateAccessKey for ${userName} returned no key`);
      return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey, createdAt: (key.CreateDate ?? new Date()).toISOString() };
    } catch (e) {
      throw mapAwsError(e, { action: 'iam:CreateAccessKey', resource: userName, afterOwnCreate: true, ownCreatedAt: this.created.get(`user:${userName}`) });
    }
  }

  async deleteAccessKey(userName: string, accessKeyId: string): Promise<void> {
    try {
      await this.iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId }));
    } catch (e) {
      if (isAwsError(e, ...NO_SUCH_ENTITY)) return;
      throw mapAwsError(e, { action: 'iam:DeleteAccessKey', resource: `${userName}/${accessKeyId}` });
    }
  }

  async deleteUser(name: string): Promise<void> {
    // IAM refuses to delete a user that still has keys, inline or attached policies (DeleteConflict).
    let action = 'iam:ListAccessKeys';
    try {
      for (const key of await this.listAccessKeys(name)) {
        action = 'iam:DeleteAccessKey';
        await this.deleteAccessKey(name, key.accessKeyId);
      }
      action = 'iam:ListUserPolicies';
      for (const policyName of await listUserPolicyNames(this.iam, name)) {
        action = 'iam:DeleteUserPolicy';
        await ignoreGone(() => this.iam.send(new DeleteUserPolicyCommand({ UserName: name, PolicyName: policyName })));
      }
      action = 'iam:ListAttachedUserPolicies';
      for (const policyArn of await listAttachedUserPolicyArns(this.iam, name)) {
        action = 'iam:DetachUserPolicy';
        await ignoreGone(() => this.iam.send(new DetachUserPolicyCommand({ UserName: name, PolicyArn: policyArn })));
      }
      action = 'iam:DeleteUser';
      await this.iam.send(new DeleteUserCommand({ UserName: name }));
    } catch (e) {
      if (isAwsError(e, ...NO_SUCH_ENTITY)) return;
      throw mapAwsError(e, { action, resource: name });
    }
  }
}
