// The IAM ports over the twin's IAM and STS, behaving like the AWS adapters (lambdas/adapters/aws/iam.ts,
// pipeline-role-access.ts, chain-simulator.ts; the twin runs that adapter itself over iam-simulator-api.ts): same idempotency, same "unavailable" answers, same error
// names. Calls are made as the twin's step Lambda session; the inspector/healer path really assumes the
// access roles (policy-evaluated) and each IAM call they make is policy-evaluated against their policies.
import { mapAwsError } from '../../lambdas/adapters/aws/errors.js';
import { IamPropagationError, InlinePolicySizeExceededError } from '../../lambdas/core/errors.js';
import type { PolicyDocument } from '../../lambdas/core/iam.js';
import type {
  AccessUnavailable,
  IamPort,
  NewAccessKey,
  PipelineRoleAccess,
  PipelineRoleView,
  RoleDescription,
  UserDescription,
} from '../../lambdas/ports/iam.js';
import {
  HEALER_ROLE_NAME,
  INSPECTOR_ROLE_NAME,
  REDPANDA_ACCESS_STACK_NAME,
  accessRoleDenied,
  accessStackMissing,
  assertOurPolicyName,
} from '../../lambdas/adapters/aws/pipeline-role-access.js';
import { accountOfArn, hasCode, roleArn as makeRoleArn, TwinAwsError } from './common.js';
import type { IamEmulator, RoleState, UserState } from './iam.js';
import { evaluate, type NamedDocument } from './policy-sim.js';
import { StsOperationError, type StsEmulator, type StsSession } from './sts.js';

export { HEALER_ROLE_NAME, INSPECTOR_ROLE_NAME, REDPANDA_ACCESS_STACK_NAME };

const NO_SUCH_ENTITY = 'NoSuchEntityException';

export function toRoleDescription(role: RoleState): RoleDescription {
  return {
    name: role.name,
    arn: role.arn,
    // Stored as written; a person may have used shapes PolicyDocument does not model (comparePolicy copes).
    trustPolicy: role.trustPolicy as PolicyDocument,
    tags: { ...role.tags },
    inlinePolicies: { ...(role.inline as Record<string, PolicyDocument>) },
    attachedPolicyArns: [...role.attached],
  };
}

export function toUserDescription(user: UserState): UserDescription {
  return {
    name: user.name,
    arn: user.arn,
    path: user.path,
    tags: { ...user.tags },
    inlinePolicies: { ...(user.inline as Record<string, PolicyDocument>) },
    attachedPolicyArns: [...user.attached],
    ...(user.permissionsBoundary !== undefined && { permissionsBoundaryArn: user.permissionsBoundary }),
    // GetUser + ListAccessKeys: ids, statuses and dates, never a secret.
    accessKeys: user.accessKeys.map((k) => ({ accessKeyId: k.accessKeyId, status: k.status, createdAt: new Date(k.createdAt).toISOString() })),
  };
}

/** IamPort for the DB account D, called as the step Lambda's session. */
export class TwinIamPort implements IamPort {
  constructor(
    private readonly iam: IamEmulator,
    private readonly account: string,
    private readonly caller: () => string,
  ) {}

  private roleCreatedAt(name: string): () => Date | undefined {
    return () => {
      const at = this.iam.getRole({ account: this.account, roleName: name })?.createdAt;
      return at === undefined ? undefined : new Date(at);
    };
  }

  private userCreatedAt(name: string): () => Date | undefined {
    return () => {
      const at = this.iam.getUser({ account: this.account, userName: name })?.createdAt;
      return at === undefined ? undefined : new Date(at);
    };
  }

  async getRole(name: string): Promise<RoleDescription | undefined> {
    const role = this.iam.getRole({ account: this.account, roleName: name });
    return role === undefined ? undefined : toRoleDescription(role);
  }

  async createRole(input: Parameters<IamPort['createRole']>[0]): Promise<{ readonly arn: string }> {
    const existing = this.iam.getRole({ account: this.account, roleName: input.name });
    // Re-run: like the adapter, return the existing role; the caller compares and fixes what differs.
    if (existing !== undefined) return { arn: existing.arn };
    const role = await asAdapter('iam:CreateRole', input.name, () =>
      this.iam.createRole(
        {
          account: this.account,
          roleName: input.name,
          trustPolicy: input.trustPolicy,
          description: input.description,
          tags: input.tags,
          permissionsBoundaryArn: input.permissionsBoundaryArn,
        },
        this.caller(),
      ),
    );
    return { arn: role.arn };
  }

  async updateTrustPolicy(name: string, trustPolicy: PolicyDocument): Promise<void> {
    await asAdapter(
      'iam:UpdateAssumeRolePolicy',
      name,
      () => propagation(() => this.iam.updateAssumeRolePolicy({ account: this.account, roleName: name, document: trustPolicy }, this.caller())),
      this.roleCreatedAt(name),
    );
  }

  async putRolePolicy(roleName: string, policyName: string, document: PolicyDocument): Promise<void> {
    await asAdapter(
      'iam:PutRolePolicy',
      `${roleName}/${policyName}`,
      () => propagation(() => this.iam.putRolePolicy({ account: this.account, roleName, policyName, document }, this.caller())),
      this.roleCreatedAt(roleName),
    );
  }

  async deleteRolePolicy(roleName: string, policyName: string): Promise<void> {
    try {
      this.iam.deleteRolePolicy({ account: this.account, roleName, policyName }, this.caller());
    } catch (e) {
      if (!hasCode(e, NO_SUCH_ENTITY)) throw e;
    }
  }

  async tagRole(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await asAdapter('iam:TagRole', name, () => propagation(async () => this.iam.tagRole({ account: this.account, roleName: name, tags }, this.caller())), this.roleCreatedAt(name));
  }

  async deleteRole(name: string): Promise<void> {
    const role = this.iam.getRole({ account: this.account, roleName: name });
    if (role === undefined) return;
    const ref = { account: this.account, roleName: name };
    // IAM refuses to delete a role that still has policies; the adapter removes them first, so do we.
    for (const policyName of Object.keys(role.inline)) this.iam.deleteRolePolicy({ ...ref, policyName }, this.caller());
    for (const policyArn of role.attached) this.iam.detachRolePolicy({ ...ref, policyArn }, this.caller());
    this.iam.deleteRole(ref, this.caller());
  }

  async getUser(name: string): Promise<UserDescription | undefined> {
    const user = this.iam.getUser({ account: this.account, userName: name });
    return user === undefined ? undefined : toUserDescription(user);
  }

  async createUser(input: Parameters<IamPort['createUser']>[0]): Promise<{ readonly arn: string }> {
    // Re-run: like the adapter (EntityAlreadyExists → GetUser), return the existing user's ARN.
    const existing = this.iam.getUser({ account: this.account, userName: input.name });
    if (existing !== undefined) return { arn: existing.arn };
    const user = this.iam.createUser(
      { account: this.account, userName: input.name, path: input.path, tags: input.tags, permissionsBoundaryArn: input.permissionsBoundaryArn },
      this.caller(),
    );
    return { arn: user.arn };
  }

  async tagUser(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await asAdapter('iam:TagUser', name, () => propagation(async () => this.iam.tagUser({ account: this.account, userName: name, tags }, this.caller())), this.userCreatedAt(name));
  }

  async putUserPermissionsBoundary(name: string, permissionsBoundaryArn: string): Promise<void> {
    await asAdapter(
      'iam:PutUserPermissionsBoundary',
      name,
      () => propagation(async () => this.iam.putUserPermissionsBoundary({ account: this.account, userName: name, permissionsBoundary: permissionsBoundaryArn }, this.caller())),
      this.userCreatedAt(name),
    );
  }

  async putUserPolicy(userName: string, policyName: string, document: PolicyDocument): Promise<void> {
    await asAdapter(
      'iam:PutUserPolicy',
      `${userName}/${policyName}`,
      () => propagation(() => this.iam.putUserPolicy({ account: this.account, userName, policyName, document }, this.caller())),
      this.userCreatedAt(userName),
    );
  }

  async createAccessKey(userName: string): Promise<NewAccessKey> {
    const created = await propagation(() => this.iam.createAccessKey({ account: this.account, userName }, this.caller()));
    return { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey, createdAt: new Date(created.createdAt).toISOString() };
  }

  async deleteAccessKey(userName: string, accessKeyId: string): Promise<void> {
    try {
      this.iam.deleteAccessKey({ account: this.account, userName, accessKeyId }, this.caller());
    } catch (e) {
      if (!hasCode(e, NO_SUCH_ENTITY)) throw e;
    }
  }

  async deleteUser(name: string): Promise<void> {
    const user = this.iam.getUser({ account: this.account, userName: name });
    if (user === undefined) return;
    const ref = { account: this.account, userName: name };
    // IAM refuses to delete a user that still has keys or policies; the adapter removes them first, so do we.
    for (const key of user.accessKeys) this.iam.deleteAccessKey({ ...ref, accessKeyId: key.accessKeyId }, this.caller());
    for (const policyName of Object.keys(user.inline)) this.iam.deleteUserPolicy({ ...ref, policyName }, this.caller());
    for (const policyArn of user.attached) this.iam.detachUserPolicy({ ...ref, policyArn }, this.caller());
    this.iam.deleteUser(ref, this.caller());
  }
}

/**
 * Errors the adapter maps leave as it maps them: an invalid trust principal becomes TrustPrincipalNotFoundError,
 * AccessDenied on an entity created minutes ago IamPropagationError or AccessStillDeniedError (`ownCreatedAt`:
 * the entity's CreateDate, which the adapter reads too).
 */
async function asAdapter<T>(action: string, resource: string, call: () => Promise<T>, ownCreatedAt?: () => Date | undefined): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (!(e instanceof TwinAwsError) || !['MalformedPolicyDocumentException', 'AccessDenied'].includes(e.code)) throw e;
    const createdAt = ownCreatedAt?.();
    const mapped = mapAwsError(Object.assign(new Error(e.awsMessage), { name: e.code, $metadata: {} }), {
      action,
      resource,
      ...(createdAt !== undefined && { ownCreatedAt: createdAt }),
    });
    throw mapped.name === e.code ? e : mapped;
  }
}

/** NoSuchEntity right after our own create means "not visible yet" to the adapter (mapAwsError afterOwnCreate). */
async function propagation<T>(call: () => Promise<T> | T): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof TwinAwsError && e.code === NO_SUCH_ENTITY) {
      throw new IamPropagationError(`${e.message} (just created; IAM is eventually consistent)`, { cause: e });
    }
    throw e;
  }
}

export interface PipelineRoleAccessOptions {
  readonly redpandaAccountId: string;
  /** The step Lambda's session ARN (the access roles trust the DB-account Lambda roles). */
  readonly caller: () => string;
  /** As the adapter: shows in account R's CloudTrail as the session of the assumed role. */
  readonly sessionName?: string;
}

/** PipelineRoleAccess through rpcn-aurora-inspector / rpcn-aurora-healer in account R. */
export class TwinPipelineRoleAccess implements PipelineRoleAccess {
  private readonly sessionName: string;

  constructor(
    private readonly iam: IamEmulator,
    private readonly sts: StsEmulator,
    private readonly options: PipelineRoleAccessOptions,
  ) {
    this.sessionName = options.sessionName ?? 'rpcn-aurora';
  }

  private arn(roleName: string): string {
    return makeRoleArn(this.options.redpandaAccountId, roleName);
  }

  async inspect(roleName: string): Promise<PipelineRoleView | AccessUnavailable> {
    const session = await this.assume(INSPECTOR_ROLE_NAME);
    if ('available' in session) return session;
    const arn = this.arn(roleName);
    const absent: PipelineRoleView = { available: true, exists: false, arn, inlinePolicies: {}, attachedPolicies: [] };

    if (!(await this.allowed(session, 'iam:GetRole', arn))) return this.denied(INSPECTOR_ROLE_NAME, 'iam:GetRole', roleName);
    const role = this.iam.getRole({ account: this.options.redpandaAccountId, roleName });
    if (role === undefined) return absent;
    // The calls the adapter makes: GetRolePolicy only when there is an inline policy to read.
    const actions = ['iam:ListRolePolicies', ...(Object.keys(role.inline).length > 0 ? ['iam:GetRolePolicy'] : []), 'iam:ListAttachedRolePolicies'];
    for (const action of actions) {
      if (!(await this.allowed(session, action, arn))) return this.denied(INSPECTOR_ROLE_NAME, action === 'iam:GetRolePolicy' ? 'iam:ListRolePolicies/GetRolePolicy' : action, roleName);
    }
    const attachedPolicies: { arn: string; document: PolicyDocument }[] = [];
    for (const policyArn of role.attached) {
      for (const action of ['iam:GetPolicy', 'iam:GetPolicyVersion']) {
        if (!(await this.allowed(session, action, policyArn))) return this.denied(INSPECTOR_ROLE_NAME, 'iam:GetPolicy/GetPolicyVersion', roleName);
      }
      const document = this.iam.defaultDocument(policyArn);
      if (document !== undefined) attachedPolicies.push({ arn: policyArn, document: document as PolicyDocument });
    }
    let permissionsBoundary: { arn: string; document: PolicyDocument } | undefined;
    if (role.permissionsBoundary !== undefined) {
      for (const action of ['iam:GetPolicy', 'iam:GetPolicyVersion']) {
        if (!(await this.allowed(session, action, role.permissionsBoundary))) return this.denied(INSPECTOR_ROLE_NAME, 'iam:GetPolicy/GetPolicyVersion', roleName);
      }
      const document = this.iam.defaultDocument(role.permissionsBoundary);
      if (document !== undefined) permissionsBoundary = { arn: role.permissionsBoundary, document: document as PolicyDocument };
    }
    return {
      available: true,
      exists: true,
      arn,
      inlinePolicies: { ...(role.inline as Record<string, PolicyDocument>) },
      attachedPolicies,
      ...(permissionsBoundary !== undefined && { permissionsBoundary }),
    };
  }

  async putInlinePolicy(roleName: string, policyName: string, document: PolicyDocument): Promise<{ readonly applied: true } | AccessUnavailable> {
    assertOurPolicyName(policyName);
    const session = await this.assume(HEALER_ROLE_NAME);
    if ('available' in session) return session;
    const arn = this.arn(roleName);
    if (!(await this.allowed(session, 'iam:PutRolePolicy', arn))) return this.denied(HEALER_ROLE_NAME, 'iam:PutRolePolicy', roleName);
    try {
      await this.iam.putRolePolicy({ account: this.options.redpandaAccountId, roleName, policyName, document }, session.arn);
    } catch (e) {
      // As the adapter: IAM's size refusal under its named error.
      if (hasCode(e, 'LimitExceededException')) {
        throw new InlinePolicySizeExceededError(
          `[pipeline-role-policy-too-large] iam:PutRolePolicy of ${policyName} on ${arn} refused: ${(e as Error).message}. ` +
            'Use identity.mode "access-key", or remove or merge other inline policies on the role',
          { cause: e },
        );
      }
      throw asHealerError(e, 'iam:PutRolePolicy', `${arn} policy ${policyName}`);
    }
    return { applied: true };
  }

  async deleteInlinePolicy(roleName: string, policyName: string): Promise<{ readonly removed: boolean } | AccessUnavailable> {
    assertOurPolicyName(policyName);
    const session = await this.assume(HEALER_ROLE_NAME);
    if ('available' in session) return session;
    const arn = this.arn(roleName);
    if (!(await this.allowed(session, 'iam:DeleteRolePolicy', arn))) return this.denied(HEALER_ROLE_NAME, 'iam:DeleteRolePolicy', roleName);
    try {
      this.iam.deleteRolePolicy({ account: this.options.redpandaAccountId, roleName, policyName }, session.arn);
      return { removed: true };
    } catch (e) {
      if (hasCode(e, NO_SUCH_ENTITY)) return { removed: false };
      throw asHealerError(e, 'iam:DeleteRolePolicy', `${arn} policy ${policyName}`);
    }
  }

  private async assume(accessRoleName: string): Promise<StsSession | AccessUnavailable> {
    const arn = this.arn(accessRoleName);
    try {
      return await this.sts.assumeRole(this.options.caller(), arn, this.sessionName, { durationSeconds: 900 });
    } catch (e) {
      if (!(e instanceof StsOperationError) || e.code !== 'AccessDenied') throw e;
      return accessStackMissing(arn, this.options.redpandaAccountId);
    }
  }

  /** Authorize one IAM call of an access-role session (policy-evaluated; IAM roles have no resource policy for these). */
  private async allowed(session: StsSession, action: string, resourceArn: string): Promise<boolean> {
    const result = await evaluate({
      principal: session.arn,
      action,
      resourceArn,
      resourceAccountId: accountOfArn(resourceArn),
      identityPolicies: this.iam.identityPolicies(session.roleArn),
      permissionBoundaryPolicies: boundaryList(this.iam.boundaryOf(session.roleArn)),
    });
    return result.decision === 'allowed';
  }

  private denied(accessRoleName: string, action: string, roleName: string): AccessUnavailable {
    return accessRoleDenied(accessRoleName, action, roleName, this.options.redpandaAccountId);
  }
}

function asHealerError(e: unknown, action: string, resource: string): unknown {
  if (!(e instanceof TwinAwsError)) return e;
  return new TwinAwsError(e.code, `${action} (as ${HEALER_ROLE_NAME})`, resource, e.awsMessage);
}

function boundaryList(boundary: NamedDocument | undefined): NamedDocument[] {
  return boundary === undefined ? [] : [boundary];
}

