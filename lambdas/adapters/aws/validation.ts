// ValidationStarter and RotationStarter over Step Functions StartExecution and MetricsPort over CloudWatch PutMetricData.
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { MetricsPort, RotationStarter, ValidationStarter, VerdictName } from '../../ports/validation.js';
import { mapAwsError } from './errors.js';

export const METRIC_NAMESPACE = 'RpcnAurora';
export const VERDICT_METRIC = 'LinkVerdicts';

/** Starts executions of one state machine under deterministic names (Validate, Rotate). */
export class SfnExecutionStarter implements ValidationStarter, RotationStarter {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  startValidation(executionName: string, input: { readonly link: string; readonly trigger: string }): Promise<'started' | 'duplicate'> {
    return this.start(executionName, input);
  }

  startRotation(executionName: string, input: { readonly link: string; readonly trigger: string }): Promise<'started' | 'duplicate'> {
    return this.start(executionName, input);
  }

  private async start(executionName: string, input: { readonly link: string; readonly trigger: string }): Promise<'started' | 'duplicate'> {
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: executionName, input: JSON.stringify(input) }));
      return 'started';
    } catch (e) {
      // Same name within the 90-day window: the burst already has its execution.
      if ((e as { name?: string }).name === 'ExecutionAlreadyExists') return 'duplicate';
      throw mapAwsError(e, { action: 'states:StartExecution', resource: executionName });
    }
  }
}

export class CloudWatchMetrics implements MetricsPort {
  constructor(private readonly cloudWatch: CloudWatchClient) {}

  async recordVerdict(_link: string, verdict: VerdictName): Promise<void> {
    // One dimension only, so one alarm covers every link; the link is in the registry's verdict history.
    try {
      await this.cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: METRIC_NAMESPACE,
          MetricData: [{ MetricName: VERDICT_METRIC, Dimensions: [{ Name: 'Verdict', Value: verdict }], Value: 1, Unit: 'Count' }],
        }),
      );
    } catch (e) {
      throw mapAwsError(e, { action: 'cloudwatch:PutMetricData', resource: METRIC_NAMESPACE });
    }
  }
}
