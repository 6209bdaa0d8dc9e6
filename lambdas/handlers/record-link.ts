// Provision's last step: write the link's outputs on its record and return the link summary. No secret is
// in it: the SASL password stays in Secrets Manager, the database login is an IAM token.
import { linkNames } from '../core/naming.js';
import type { LinkRequest } from '../core/request.js';
import type { PipelineRolePolicyOutcome } from './apply-pipeline-role-policy.js';
import type { PipelineState } from './create-pipeline.js';
import type { EnsureDbConnectRoleOutput } from './ensure-db-connect-role.js';
import type { ProbeResult } from './probe.js';
import type { StepDeps } from './shared/deps.js';
import type { AuroraState, LinkRef, RedpandaClusterRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface RecordLinkInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
  readonly aurora: AuroraState;
  readonly role: EnsureDbConnectRoleOutput;
  readonly pipelineRolePolicy: PipelineRolePolicyOutcome;
  readonly pipeline: PipelineState;
  readonly probe: ProbeResult;
}

export interface LinkSummary {
  readonly link: string;
  readonly status: 'ready' | 'action-required';
  readonly verdict: string;
  readonly engine: string;
  readonly cluster: string;
  readonly endpoint: string;
  readonly port: number;
  readonly database: string;
  readonly dbUser: string;
  readonly dbConnectRoleArn: string;
  readonly pipelineId: string;
  readonly topic: string;
  readonly consumeCommand: string;
  readonly pipelineRolePolicy: {
    readonly applied: boolean;
    readonly roleName: string;
    readonly policyName: string;
    readonly attachCommand?: string;
    readonly reason?: string;
  };
  readonly operatorActions: readonly string[];
  readonly warnings: readonly string[];
}

export function makeHandler(deps: Pick<StepDeps, 'registry'>) {
  return defineStep<RecordLinkInput, LinkSummary>('RecordLink', async (input) => {
    const { request, link, redpanda, aurora, role, pipelineRolePolicy: policy, pipeline, probe } = input;
    const names = linkNames(request, link.dbAccountId);
    const actionRequired = !policy.applied && probe.verdict !== 'healthy';
    const summary: LinkSummary = {
      link: request.name,
      status: actionRequired ? 'action-required' : 'ready',
      verdict: probe.verdict,
      engine: request.engine,
      cluster: aurora.clusterIdentifier,
      endpoint: aurora.endpoint ?? '',
      port: aurora.port,
      database: request.database.databaseName,
      dbUser: request.cdc.user,
      dbConnectRoleArn: role.roleArn,
      pipelineId: pipeline.id,
      topic: request.redpanda.topic,
      consumeCommand: `rpk profile create ${names.pipelineDisplayName} --from-cloud ${redpanda.clusterId} && rpk topic consume ${request.redpanda.topic} --offset start`,
      pipelineRolePolicy: {
        applied: policy.applied,
        roleName: policy.roleName,
        policyName: policy.policyName,
        ...(policy.applied ? {} : { attachCommand: policy.attachCommand, ...(policy.reason ? { reason: policy.reason } : {}) }),
      },
      operatorActions: actionRequired
        ? [`In the Redpanda account ${request.redpanda.accountId}, attach the pipeline-role policy: ${policy.attachCommand}`]
        : [],
      warnings: probe.findings.filter((f) => f.severity === 'warning').map((f) => `[${f.id}] ${f.message}`),
    };
    await deps.registry.update(request.name, { status: summary.status, outputs: { ...summary }, failure: undefined });
    return summary;
  });
}
