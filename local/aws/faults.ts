// Fault injection for the AWS twin: make the next N calls of a port method throw a named error, before the
// real call (the default) or after it (the call took effect but its answer was lost, which tests that a
// re-run adopts what the first attempt created). Every call is counted per target, faulted or not.
// An AWS error code leaves as the adapters would hand it on (mapAwsError): the twin's ports stand in for them.
import { mapAwsError } from '../../lambdas/adapters/aws/errors.js';
import * as namedErrors from '../../lambdas/core/errors.js';
import type { AuroraPort, NetworkPort } from '../../lambdas/ports/aurora.js';
import type { ChainSimulator, IamPort, PipelineRoleAccess } from '../../lambdas/ports/iam.js';
import type { RegistryPort } from '../../lambdas/ports/registry.js';
import type { SecretsPort } from '../../lambdas/ports/secrets.js';
import type { SqlPort } from '../../lambdas/ports/sql.js';

/** `<port>.<method>` for every port method, plus the twin's own STS and RDS-auth entry points. */
export type FaultTarget =
  | `aurora.${keyof AuroraPort & string}`
  | `network.${keyof NetworkPort & string}`
  | `sql.${keyof SqlPort & string}`
  | `iam.${keyof IamPort & string}`
  | `pipelineRole.${keyof PipelineRoleAccess & string}`
  | `simulator.${keyof ChainSimulator & string}`
  | `secrets.${keyof SecretsPort & string}`
  | `registry.${keyof RegistryPort & string}`
  | 'sts.assumeRole'
  | 'sts.assumeRoleWithAccessKey'
  | 'rds.iamLogin';

/** Names of lambdas/core/errors.ts classes; any other name gives a plain Error carrying that name. */
export type NamedErrorName =
  | 'AwsThrottledError'
  | 'IamPropagationError'
  | 'DatabaseResumingError'
  | 'DataApiUnavailableError'
  | 'ResourceBusyError'
  | 'ResourceConflictError'
  | 'StepAccessDeniedError'
  | 'AdoptedClusterNotReadyError'
  | 'DeadlineExceededError'
  | 'CredentialsSecretError'
  | 'LinkNotFoundError';

export interface FaultSpec {
  readonly target: FaultTarget;
  /**
   * A named error of lambdas/core/errors.ts, or an AWS error code (e.g. `DBClusterNotFoundFault`,
   * `DatabaseUnavailableException`), which leaves mapped as the AWS adapters map it.
   */
  readonly error: NamedErrorName | (string & {});
  /** How many matching calls fail; default 1. */
  readonly times?: number;
  readonly message?: string;
  /** `before` (default): the call does not happen. `after`: it happens, then the error is thrown. */
  readonly when?: 'before' | 'after';
}

interface ActiveFault {
  readonly spec: FaultSpec;
  remaining: number;
}

const ERROR_CLASSES: Readonly<Record<string, new (message: string) => Error>> = {
  AwsThrottledError: namedErrors.AwsThrottledError,
  IamPropagationError: namedErrors.IamPropagationError,
  DatabaseResumingError: namedErrors.DatabaseResumingError,
  DataApiUnavailableError: namedErrors.DataApiUnavailableError,
  ResourceBusyError: namedErrors.ResourceBusyError,
  ResourceConflictError: namedErrors.ResourceConflictError,
  StepAccessDeniedError: namedErrors.StepAccessDeniedError,
  AdoptedClusterNotReadyError: namedErrors.AdoptedClusterNotReadyError,
  DeadlineExceededError: namedErrors.DeadlineExceededError,
  CredentialsSecretError: namedErrors.CredentialsSecretError,
  LinkNotFoundError: namedErrors.LinkNotFoundError,
};

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private readonly counts = new Map<string, number>();

  /** Queue a fault; several faults on one target apply in the order they were injected. */
  inject(spec: FaultSpec): this {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`fault times must be a positive integer, got ${times}`);
    this.faults.push({ spec, remaining: times });
    return this;
  }

  /** Remove every pending fault (call counts are kept; see resetCounts). */
  clear(): this {
    this.faults = [];
    return this;
  }

  resetCounts(): this {
    this.counts.clear();
    return this;
  }

  /** How many times `target` was called (including calls that a fault made fail). */
  calls(target: FaultTarget): number {
    return this.counts.get(target) ?? 0;
  }

  /** Every target called so far with its count, sorted by name. */
  callCounts(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** Faults not yet consumed. */
  pending(): readonly FaultSpec[] {
    return this.faults.map((f) => ({ ...f.spec, times: f.remaining }));
  }

  /** Count the call, apply a matching fault, run `call`. */
  async run<T>(target: FaultTarget, call: () => Promise<T>): Promise<T> {
    const n = (this.counts.get(target) ?? 0) + 1;
    this.counts.set(target, n);
    const fault = this.faults.find((f) => f.spec.target === target && f.remaining > 0);
    if (fault === undefined) return call();
    fault.remaining--;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    const error = makeError(fault.spec, n);
    if ((fault.spec.when ?? 'before') === 'before') throw error;
    await call();
    throw error;
  }
}

function makeError(spec: FaultSpec, callNumber: number): Error {
  const message = spec.message ?? `injected fault on ${spec.target} (call #${callNumber}): ${spec.error}`;
  const Known = ERROR_CLASSES[spec.error];
  if (Known !== undefined) return new Known(message);
  // Shaped like an SDK v3 service error, so the real mapping decides what the step sees.
  const answer = Object.assign(new Error(message), { name: spec.error, $metadata: {} });
  return mapAwsError(answer, { action: spec.target });
}
