// PipelineRoleAccess: reads (inspector) and edits (healer) the Redpanda-managed pipeline role in the
// Redpanda account R, through the roles of the RpcnAurora-RedpandaAccess stack (docs/architecture.md#deployment-topology). When that
// stack is not deployed the answer is `{ available: false, reason }`, never an error: the workflow then
// emits the policy as an artifact for the operator instead.
import { GetPolicyCommand, GetPolicyVersionCommand, IAMClient, PutRolePolicyCommand, DeleteRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { InlinePolicySizeExceededError } from '../../core/errors.js';
import type { PolicyDocument } from '../../core/iam.js';
import { NAME_PREFIX } from '../../core/naming.js';
import type { AccessUnavailable, PipelineRoleAccess, PipelineRoleView } from '../../ports/iam.js';
import { isAwsError, mapAwsError } from './errors.js';
import { NO_SUCH_ENTITY, decodePolicyDocument, getRoleOrUndefined, listAttachedPolicyArns, readInlinePolicies } from './iam.js';

/** Read-only role in R: GetRole, ListRolePolicies, GetRolePolicy, ListAttachedRolePolicies, GetPolicy(Version). */
export const INSPECTOR_ROLE_NAME = 'rpcn-aurora-inspector';
/** Role in R allowed PutRolePolicy/DeleteRolePolicy on the pipeline roles for policies named `rpcn-aurora-*`. */
export const HEALER_ROLE_NAME = 'rpcn-aurora-healer';
/** The stack that creates both roles. */
export const REDPANDA_ACCESS_STACK_NAME = 'RpcnAurora-RedpandaAccess';

const ACCESS_DENIED = ['AccessDenied', 'AccessDeniedException'];
// Short sessions: each step uses the credentials for a few calls.
const SESSION_SECONDS = 900;
// Renew cached credentials this long before they expire.
const EXPIRY_MARGIN_MS = 60_000;

export interface PipelineRoleAccessOptions {
  /** The Redpanda BYOC account R (12 digits). */
  readonly redpandaAccountId: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** Shows in R's CloudTrail as the session of the assumed role. @default 'rpcn-aurora' */
  readonly sessionName?: string;
  /** Builds the IAM client that uses the assumed role's credentials. @default an IAMClient in us-east-1 */
  readonly iamClientFor?: (credentials: TemporaryCredentials) => IAMClient;
}

/** Temporary credentials of an assumed access role (the shape IAMClient's `credentials` accepts). */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

type Access = { readonly iam: IAMClient } | AccessUnavailable;

export class StsPipelineRoleAccess implements PipelineRoleAccess {
  private readonly partition: string;
  private readonly sessionName: string;
  private readonly iamClientFor: (credentials: TemporaryCredentials) => IAMClient;
  private readonly cache = new Map<string, { iam: IAMClient; expiresAt: number }>();

  constructor(
    private readonly sts: STSClient,
    private readonly options: PipelineRoleAccessOptions,
  ) {
    this.partition = options.partition ?? 'aws';
    this.sessionName = options.sessionName ?? 'rpcn-aurora';
    // IAM is a global service; its endpoint is reached through us-east-1 in the aws partition.
    this.iamClientFor = options.iamClientFor ?? ((credentials) => new IAMClient({ region: 'us-east-1', credentials }));
  }

  roleArn(roleName: string): string {
    return `arn:${this.partition}:iam::${this.options.redpandaAccountId}:role/${roleName}`;
  }

  async inspect(roleName: string): Promise<PipelineRoleView | AccessUnavailable> {
    const access = await this.assume(INSPECTOR_ROLE_NAME);
    if (!('iam' in access)) return access;
    const { iam } = access;
    const arn = this.roleArn(roleName);
    const absent: PipelineRoleView = { available: true, exists: false, arn, inlinePolicies: {}, attachedPolicies: [] };

    let action = 'iam:GetRole';
    try {
      const role = await getRoleOrUndefined(iam, roleName);
      if (role === undefined) return absent;
      action = 'iam:ListRolePolicies/GetRolePolicy';
      const inlinePolicies = await readInlinePolicies(iam, roleName);
      action = 'iam:ListAttachedRolePolicies';
      const attachedArns = await listAttachedPolicyArns(iam, roleName);
      const attachedPolicies: { arn: string; document: PolicyDocument }[] = [];
      for (const policyArn of attachedArns) {
        action = 'iam:GetPolicy/GetPolicyVersion';
        const document = await this.defaultVersion(iam, policyArn);
        if (document !== undefined) attachedPolicies.push({ arn: policyArn, document });
      }
      const boundaryArn = role.PermissionsBoundary?.PermissionsBoundaryArn;
      action = 'iam:GetPolicy/GetPolicyVersion';
      const boundaryDocument = boundaryArn === undefined ? undefined : await this.defaultVersion(iam, boundaryArn);
      return {
        available: true,
        exists: true,
        arn: role.Arn ?? arn,
        inlinePolicies,
        attachedPolicies,
        ...(boundaryArn !== undefined && boundaryDocument !== undefined && { permissionsBoundary: { arn: boundaryArn, document: boundaryDocument } }),
      };
    } catch (e) {
      if (isAwsError(e, ...ACCESS_DENIED)) return this.deniedAfterAssume(INSPECTOR_ROLE_NAME, action, roleName);
      // Redpanda deleted the role while we read it.
      if (isAwsError(e, ...NO_SUCH_ENTITY)) return absent;
      throw mapAwsError(e, { action: `${action} (as ${INSPECTOR_ROLE_NAME})`, resource: arn });
    }
  }

  async putInlinePolicy(roleName: string, policyName: string, document: PolicyDocument): Promise<{ readonly applied: true } | AccessUnavailable> {
    assertOurPolicyName(policyName);
    const access = await this.assume(HEALER_ROLE_NAME);
    if (!('iam' in access)) return access;
    try {
      await access.iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: JSON.stringify(document) }));
      return { applied: true };
    } catch (e) {
      if (isAwsError(e, ...ACCESS_DENIED)) return this.deniedAfterAssume(HEALER_ROLE_NAME, 'iam:PutRolePolicy', roleName);
      // Another inline policy grew between our measure and the put: IAM's own refusal, named the same.
      if (isAwsError(e, 'LimitExceeded', 'LimitExceededException')) {
        throw new InlinePolicySizeExceededError(
          `[pipeline-role-policy-too-large] iam:PutRolePolicy of ${policyName} on ${this.roleArn(roleName)} refused: ${(e as Error).message}. ` +
            'Use identity.mode "access-key", or remove or merge other inline policies on the role',
          { cause: e },
        );
      }
      throw mapAwsError(e, { action: `iam:PutRolePolicy (as ${HEALER_ROLE_NAME})`, resource: `${this.roleArn(roleName)} policy ${policyName}` });
    }
  }

  async deleteInlinePolicy(roleName: string, policyName: string): Promise<{ readonly removed: boolean } | AccessUnavailable> {
    assertOurPolicyName(policyName);
    const access = await this.assume(HEALER_ROLE_NAME);
    if (!('iam' in access)) return access;
    try {
      await access.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
      return { removed: true };
    } catch (e) {
      if (isAwsError(e, ...NO_SUCH_ENTITY)) return { removed: false };
      if (isAwsError(e, ...ACCESS_DENIED)) return this.deniedAfterAssume(HEALER_ROLE_NAME, 'iam:DeleteRolePolicy', roleName);
      throw mapAwsError(e, { action: `iam:DeleteRolePolicy (as ${HEALER_ROLE_NAME})`, resource: `${this.roleArn(roleName)} policy ${policyName}` });
    }
  }

  /** The default version's document, or undefined when the policy vanished between list and read. */
  private async defaultVersion(iam: IAMClient, policyArn: string): Promise<PolicyDocument | undefined> {
    try {
      const policy = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
      const versionId = policy.Policy?.DefaultVersionId;
      if (versionId === undefined) return undefined;
      const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }));
      const text = version.PolicyVersion?.Document;
      return text === undefined ? undefined : decodePolicyDocument(text, policyArn);
    } catch (e) {
      if (isAwsError(e, ...NO_SUCH_ENTITY)) return undefined;
      throw e;
    }
  }

  private async assume(accessRoleName: string): Promise<Access> {
    const arn = this.roleArn(accessRoleName);
    const cached = this.cache.get(arn);
    if (cached !== undefined && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return { iam: cached.iam };

    let credentials;
    try {
      const out = await this.sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: this.sessionName, DurationSeconds: SESSION_SECONDS }));
      credentials = out.Credentials;
    } catch (e) {
      // STS answers AccessDenied both when the role does not exist and when its trust excludes us.
      if (isAwsError(e, ...ACCESS_DENIED, ...NO_SUCH_ENTITY)) {
        return accessStackMissing(arn, this.options.redpandaAccountId);
      }
      throw mapAwsError(e, { action: 'sts:AssumeRole', resource: arn });
    }
    if (credentials?.AccessKeyId === undefined || credentials.SecretAccessKey === undefined) {
      throw new Error(`sts:AssumeRole on ${arn} returned no credentials`);
    }
    const expiration = credentials.Expiration;
    const iam = this.iamClientFor({
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      ...(credentials.SessionToken !== undefined && { sessionToken: credentials.SessionToken }),
      ...(expiration !== undefined && { expiration }),
    });
    this.cache.set(arn, { iam, expiresAt: expiration?.getTime() ?? Date.now() + SESSION_SECONDS * 1000 });
    return { iam };
  }

  private deniedAfterAssume(accessRoleName: string, action: string, roleName: string): AccessUnavailable {
    return accessRoleDenied(accessRoleName, action, roleName, this.options.redpandaAccountId);
  }
}

/** An access role cannot be assumed: the access stack is not deployed (or predates this deployment). */
export function accessStackMissing(accessRoleArn: string, redpandaAccountId: string): AccessUnavailable {
  return {
    available: false,
    reason:
      `cannot assume ${accessRoleArn}: deploy the ${REDPANDA_ACCESS_STACK_NAME} stack in the Redpanda account ${redpandaAccountId} ` +
      `(it creates ${INSPECTOR_ROLE_NAME} and ${HEALER_ROLE_NAME}, trusting this deployment's Lambda roles), or redeploy it if ` +
      `it predates this deployment`,
  };
}

/** An access role exists but may not do this to that role: the access stack does not cover the role. */
export function accessRoleDenied(accessRoleName: string, action: string, roleName: string, redpandaAccountId: string): AccessUnavailable {
  return {
    available: false,
    reason:
      `${accessRoleName} may not call ${action} on role ${roleName} in account ${redpandaAccountId}: redeploy the ` +
      `${REDPANDA_ACCESS_STACK_NAME} stack with this Redpanda cluster's pipeline role in its configuration`,
  };
}

/**
 * The healer may only touch policies we name. IAM has no condition key for an inline policy's name, so the
 * guard is here, in the caller, not in the healer role's policy.
 */
export function assertOurPolicyName(policyName: string): void {
  if (!policyName.startsWith(NAME_PREFIX)) {
    throw new Error(`refusing to change inline policy "${policyName}" on a Redpanda pipeline role: only policies named ${NAME_PREFIX}* are ours`);
  }
}

/** PipelineRoleAccess for a deployment with no Redpanda account: nothing can be read or changed there. */
export function noPipelineRoleAccess(reason: string): PipelineRoleAccess {
  const unavailable: AccessUnavailable = { available: false, reason };
  return {
    inspect: async () => unavailable,
    putInlinePolicy: async () => unavailable,
    deleteInlinePolicy: async () => unavailable,
  };
}
