// IAM as the steps see it. `IamPort` manages the roles this product owns in the DB account;
// `PipelineRoleAccess` reads (inspector) and edits (healer) the Redpanda pipeline role in the Redpanda
// account through the roles of the RpcnAurora-RedpandaAccess stack; `ChainSimulator` evaluates the
// chain as IAM would (iam:SimulateCustomPolicy in AWS, the policy evaluator of local/aws/policy-sim.ts in the offline twin).
import type { PolicyDocument } from '../core/iam.js';

export interface RoleDescription {
  readonly name: string;
  readonly arn: string;
  readonly trustPolicy: PolicyDocument;
  readonly tags: Readonly<Record<string, string>>;
  readonly inlinePolicies: Readonly<Record<string, PolicyDocument>>;
  readonly attachedPolicyArns: readonly string[];
}

export interface IamPort {
  getRole(name: string): Promise<RoleDescription | undefined>;
  createRole(input: {
    readonly name: string;
    readonly trustPolicy: PolicyDocument;
    readonly description: string;
    readonly tags: Readonly<Record<string, string>>;
  }): Promise<{ readonly arn: string }>;
  updateTrustPolicy(name: string, trustPolicy: PolicyDocument): Promise<void>;
  putRolePolicy(roleName: string, policyName: string, document: PolicyDocument): Promise<void>;
  deleteRolePolicy(roleName: string, policyName: string): Promise<void>;
  tagRole(name: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Deletes inline policies first, then the role; tolerates a role that is already gone. */
  deleteRole(name: string): Promise<void>;
}

export type AccessUnavailable = { readonly available: false; readonly reason: string };

export interface PipelineRoleView {
  readonly available: true;
  readonly exists: boolean;
  readonly arn: string;
  readonly inlinePolicies: Readonly<Record<string, PolicyDocument>>;
  /** Managed policies attached to the role, with their default version's document. */
  readonly attachedPolicies: readonly { readonly arn: string; readonly document: PolicyDocument }[];
}

export interface PipelineRoleAccess {
  /** Read the pipeline role through the inspector role; unavailable when the access stack is not deployed. */
  inspect(roleName: string): Promise<PipelineRoleView | AccessUnavailable>;
  /** Put our inline policy through the healer role. */
  putInlinePolicy(roleName: string, policyName: string, document: PolicyDocument): Promise<{ readonly applied: true } | AccessUnavailable>;
  deleteInlinePolicy(roleName: string, policyName: string): Promise<{ readonly removed: boolean } | AccessUnavailable>;
}

export type SimulationDecision = 'allowed' | 'implicitDeny' | 'explicitDeny';

export interface ChainSimulator {
  /** May the pipeline role (with these identity policies) assume the db-connect role (with this trust and these tags)? */
  simulateAssumeRole(input: {
    readonly pipelineRoleArn: string;
    readonly identityPolicies: readonly PolicyDocument[];
    readonly dbConnectRoleArn: string;
    readonly trustPolicy: PolicyDocument;
    readonly dbConnectRoleTags: Readonly<Record<string, string>>;
  }): Promise<{ readonly decision: SimulationDecision; readonly detail: string }>;
  /** May the db-connect role `rds-db:connect` as this database user? */
  simulateDbConnect(input: {
    readonly dbConnectRoleArn: string;
    readonly identityPolicies: readonly PolicyDocument[];
    readonly dbUserArn: string;
  }): Promise<{ readonly decision: SimulationDecision; readonly detail: string }>;
}
