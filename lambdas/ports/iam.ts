// IAM as the steps see it. `IamPort` manages the roles and connector users this product owns in the DB account;
// `PipelineRoleAccess` reads (inspector) and edits (healer) the Redpanda pipeline role in the Redpanda
// account through the roles of the RpcnAurora-RedpandaAccess stack; `ChainSimulator` evaluates the
// chain as IAM would (iam:SimulateCustomPolicy; in the offline twin the same adapter over local/aws/iam-simulator-api.ts).
import type { PolicyDocument } from '../core/iam.js';

export interface RoleDescription {
  readonly name: string;
  readonly arn: string;
  readonly trustPolicy: PolicyDocument;
  readonly tags: Readonly<Record<string, string>>;
  readonly inlinePolicies: Readonly<Record<string, PolicyDocument>>;
  readonly attachedPolicyArns: readonly string[];
}

export interface AccessKeyDescription {
  readonly accessKeyId: string;
  readonly status: 'Active' | 'Inactive';
  /** ISO time. */
  readonly createdAt: string;
}

export interface UserDescription {
  readonly name: string;
  readonly arn: string;
  readonly path: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly inlinePolicies: Readonly<Record<string, PolicyDocument>>;
  readonly attachedPolicyArns: readonly string[];
  readonly permissionsBoundaryArn?: string;
  readonly accessKeys: readonly AccessKeyDescription[];
}

/**
 * A new access key, as CreateAccessKey returns it: the only moment its secret exists outside IAM. The step
 * that creates it writes it to the Redpanda secrets in the same invocation and lets it go; it is never logged,
 * returned from a step, or stored anywhere else.
 */
export interface NewAccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly createdAt: string;
}

export interface IamPort {
  getRole(name: string): Promise<RoleDescription | undefined>;
  createRole(input: {
    readonly name: string;
    readonly trustPolicy: PolicyDocument;
    readonly description: string;
    readonly tags: Readonly<Record<string, string>>;
    readonly permissionsBoundaryArn: string;
  }): Promise<{ readonly arn: string }>;
  updateTrustPolicy(name: string, trustPolicy: PolicyDocument): Promise<void>;
  putRolePolicy(roleName: string, policyName: string, document: PolicyDocument): Promise<void>;
  deleteRolePolicy(roleName: string, policyName: string): Promise<void>;
  tagRole(name: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Deletes inline policies first, then the role; tolerates a role that is already gone. */
  deleteRole(name: string): Promise<void>;

  getUser(name: string): Promise<UserDescription | undefined>;
  /** Creates the user, or returns the existing one's ARN (the caller checks ownership and converges). */
  createUser(input: {
    readonly name: string;
    readonly path: string;
    readonly tags: Readonly<Record<string, string>>;
    readonly permissionsBoundaryArn: string;
  }): Promise<{ readonly arn: string }>;
  tagUser(name: string, tags: Readonly<Record<string, string>>): Promise<void>;
  putUserPermissionsBoundary(name: string, permissionsBoundaryArn: string): Promise<void>;
  putUserPolicy(userName: string, policyName: string, document: PolicyDocument): Promise<void>;
  /** IAM allows two keys per user; a third is refused (LimitExceeded) and must not be attempted. */
  createAccessKey(userName: string): Promise<NewAccessKey>;
  /** Tolerates a key that is already gone. */
  deleteAccessKey(userName: string, accessKeyId: string): Promise<void>;
  /** Deletes keys, inline policies and attached policies first, then the user; tolerates a user that is gone. */
  deleteUser(name: string): Promise<void>;
}

export type AccessUnavailable = { readonly available: false; readonly reason: string };

export interface PipelineRoleView {
  readonly available: true;
  readonly exists: boolean;
  readonly arn: string;
  readonly inlinePolicies: Readonly<Record<string, PolicyDocument>>;
  /** Managed policies attached to the role, with their default version's document. */
  readonly attachedPolicies: readonly { readonly arn: string; readonly document: PolicyDocument }[];
  /** The role's permissions boundary and its default version's document (a BYOVPC pipeline role has Redpanda's). */
  readonly permissionsBoundary?: { readonly arn: string; readonly document: PolicyDocument };
}

export interface PipelineRoleAccess {
  /** Read the pipeline role through the inspector role; unavailable when the access stack is not deployed. */
  inspect(roleName: string): Promise<PipelineRoleView | AccessUnavailable>;
  /** Put our inline policy through the healer role. */
  putInlinePolicy(roleName: string, policyName: string, document: PolicyDocument): Promise<{ readonly applied: true } | AccessUnavailable>;
  deleteInlinePolicy(roleName: string, policyName: string): Promise<{ readonly removed: boolean } | AccessUnavailable>;
}

export type SimulationDecision = 'allowed' | 'implicitDeny' | 'explicitDeny';

export interface Simulation {
  readonly decision: SimulationDecision;
  readonly detail: string;
  /** The permissions boundary sent with the request refused the action (IAM's AllowedByPermissionsBoundary false). */
  readonly deniedByBoundary?: boolean;
}

export interface ChainSimulator {
  /**
   * May the first hop (a role or the connector user, with these identity policies and boundary) assume the
   * db-connect role (with this trust and these tags), calling from `sourceIp`? IAM's simulator takes only an IAM
   * user as the caller of a resource policy, so for a role the trust is not part of the answer (the static
   * trust check covers it) and the detail says so.
   */
  simulateAssumeRole(input: {
    readonly principalArn: string;
    readonly identityPolicies: readonly PolicyDocument[];
    readonly permissionsBoundary?: PolicyDocument;
    /** The address the call comes from (an egress address of the Redpanda cluster), for `aws:SourceIp`. */
    readonly sourceIp?: string;
    readonly dbConnectRoleArn: string;
    readonly trustPolicy: PolicyDocument;
    readonly dbConnectRoleTags: Readonly<Record<string, string>>;
  }): Promise<Simulation>;
  /** May the db-connect role `rds-db:connect` as this database user? */
  simulateDbConnect(input: {
    readonly dbConnectRoleArn: string;
    readonly identityPolicies: readonly PolicyDocument[];
    readonly dbUserArn: string;
  }): Promise<Simulation>;
}
