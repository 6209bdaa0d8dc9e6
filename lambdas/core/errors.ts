// Named errors shared by the AWS steps. A class's `name` is the contract with the state machines: the ASL
// `Retry` blocks list the transient names, `Catch` handles the rest (statemachines/*.asl.json).

abstract class NamedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** AWS answered with throttling (`Throttling`, `TooManyRequestsException`, `RequestLimitExceeded`, …). Retried. */
export class AwsThrottledError extends NamedError {}

/** A just-created IAM role, policy or tag is not visible everywhere yet (eventual consistency). Retried. */
export class IamPropagationError extends NamedError {}

/** An Aurora Serverless v2 cluster is resuming from auto-pause (`DatabaseResumingException`). Retried. */
export class DatabaseResumingError extends NamedError {}

/**
 * The RDS Data API cannot run the statement right now: the database is unavailable or restarting, the HTTP
 * endpoint was enabled moments ago and is not serving yet, the statement timed out, or the service had an
 * internal error. Retried for a bounded time (a few minutes); every statement we send is idempotent.
 */
export class DataApiUnavailableError extends NamedError {}

/**
 * IAM refused a trust policy because its principal (the link's first hop: the pipeline role, the connector
 * user or identity.roleArn) does not exist (`MalformedPolicyDocument: Invalid principal in policy`). The
 * message names the principal. Not retried.
 */
export class TrustPrincipalNotFoundError extends NamedError {}

/**
 * Access is still denied on a resource this workflow created minutes ago: past the time tag-based
 * authorization takes to propagate, so the grant's `aws:ResourceTag` condition does not match or an SCP
 * denies it. Not retried.
 */
export class AccessStillDeniedError extends NamedError {}

/** The resource is busy with another operation (`InvalidDBClusterStateFault`, …). Retried. */
export class ResourceBusyError extends NamedError {}

/** A resource with our name exists but is not this link's (missing or different ownership tag). Not retried. */
export class ResourceConflictError extends NamedError {}

/** Our own Lambda role may not do what the step needs: a deployment problem. Not retried. */
export class StepAccessDeniedError extends NamedError {}

/** An adopted cluster lacks something CDC needs; the message says exactly what to change. Not retried. */
export class AdoptedClusterNotReadyError extends NamedError {}

/** A wait loop passed its deadline. Not retried. */
export class DeadlineExceededError extends NamedError {}

/** The operator-set Redpanda credentials secret is missing, empty or malformed. Not retried. */
export class CredentialsSecretError extends NamedError {}

/** A link record was needed and is not in the registry. Not retried. */
export class LinkNotFoundError extends NamedError {}

/** The names the state machines retry on (see statemachines/*.asl.json). */
export const TRANSIENT_AWS_ERRORS = ['AwsThrottledError', 'IamPropagationError', 'DatabaseResumingError', 'DataApiUnavailableError', 'ResourceBusyError'] as const;

/** A link of this name exists with different identity fields (engine, cluster, users, Redpanda cluster). Not retried. */
export class RequestConflictError extends NamedError {}

/** The link is being torn down; provisioning it now would race the teardown. Not retried. */
export class LinkBusyError extends NamedError {}

/**
 * Another execution (Provision, Teardown or Rotate) holds the link's lock and is still running; the message
 * names it. Not retried: start again when it has finished.
 */
export class LinkLockedError extends NamedError {}

/** The pipeline configuration was refused by our lint or the data plane's lint. Not retried. */
export class PipelineConfigError extends NamedError {}

/** The pipeline reached STATE_ERROR or STATE_COMPLETED instead of running. Not retried. */
export class PipelineNotRunningError extends NamedError {}

/** The probe found the link broken (the catalogue entries are in the message). Not retried. */
export class LinkProbeFailedError extends NamedError {}

/** The database lacks what the link's request names (e.g. its tables); the message says what to create. Not retried. */
export class DatabaseNotReadyError extends NamedError {}

/**
 * Configured tables belong to a role the setup user (Aurora's master user, not a superuser) is not a member of,
 * so it can neither grant SELECT on them nor publish them; the message names each table, its owner and the
 * statements to run. Not retried.
 */
export class TableOwnershipError extends NamedError {}

/**
 * The message of a caught error: Lambda wraps a step's error as JSON `{errorType, errorMessage, trace}` in the
 * Cause Step Functions hands on; the local engine (and a Fail state's cause) do not.
 */
export function causeMessage(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: the message itself
  }
  return cause;
}

/** The request's identity mode cannot work on this Redpanda cluster (e.g. `pipeline-role` on BYOVPC). Not retried. */
export class IdentityModeUnsupportedError extends NamedError {}

/** The cluster's Redpanda Connect is older than the generated pipeline needs. Not retried. */
export class RedpandaConnectTooOldError extends NamedError {}

/** The connector user is to be limited to the Redpanda cluster's egress addresses, but none are known. Not retried. */
export class EgressAddressesUnknownError extends NamedError {}

/** The link is not in identity mode `access-key`, or has no key to rotate from; the message says why. Not retried. */
export class RotationNotPossibleError extends NamedError {}

/** The request's network mode cannot be set up as asked (no Redpanda network CIDR, no VPC, a mode the cluster contradicts). Not retried. */
export class NetworkConfigError extends NamedError {}

/** A control-plane operation (the egress allowlist update) has not finished yet. Retried. */
export class RedpandaOperationPendingError extends NamedError {}

/** A control-plane operation ended in STATE_FAILED; its error is in the message. Not retried. */
export class RedpandaOperationFailedError extends NamedError {}

/** The requested Serverless v2 capacity (0 ACU auto-pause, above 128 ACU) is beyond what the engine version can do. Not retried. */
export class CapacityNotSupportedError extends NamedError {}

/** The region offers no such Aurora engine version (DescribeDBEngineVersions). Not retried. */
export class EngineVersionNotOfferedError extends NamedError {}

/** A role's inline policies would exceed IAM's 10,240-character aggregate with ours added. Not retried. */
export class InlinePolicySizeExceededError extends NamedError {}
