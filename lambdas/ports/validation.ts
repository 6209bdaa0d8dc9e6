// What the Validate side needs beyond the provisioning ports: starting Validate executions with
// deterministic names (Step Functions in AWS, the local engine in the twin), and a metric per verdict.

export interface ValidationStarter {
  /** `duplicate` when an execution of that name exists already (a burst collapsing), which is success. */
  startValidation(executionName: string, input: { readonly link: string; readonly trigger: string }): Promise<'started' | 'duplicate'>;
}

/** Starts Rotate executions (identity mode `access-key`): from the schedule, and from HealLink for a lost key. */
export interface RotationStarter {
  /** `duplicate` when an execution of that name exists already, which is success. */
  startRotation(executionName: string, input: { readonly link: string; readonly trigger: string }): Promise<'started' | 'duplicate'>;
}

export type VerdictName = 'healthy' | 'drifted' | 'unknown';

export interface MetricsPort {
  /** One data point of `RpcnAurora/LinkVerdicts` with dimension `Verdict` (an alarm watches `drifted`). */
  recordVerdict(link: string, verdict: VerdictName): Promise<void>;
}
