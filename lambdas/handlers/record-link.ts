// Provision's last step: write the link's outputs on its record and return the link summary. No secret is
// in it: the SASL password stays in Secrets Manager, the connector user's key only in Redpanda secrets (its id
// is shown, never its secret), and the database login is an IAM token.
import { buildPipelineYaml } from '../core/pipeline-yaml.js';
import { linkNames } from '../core/naming.js';
import type { LinkRequest } from '../core/request.js';
import type { PipelineState } from './create-pipeline.js';
import type { EnsureDbConnectRoleOutput } from './ensure-db-connect-role.js';
import type { ProbeResult } from './probe.js';
import type { StepDeps } from './shared/deps.js';
import type { AuroraState, FirstHopOutcome, LinkRef, RedpandaClusterRef } from './shared/state.js';
import { releaseLinkLock } from './shared/lock.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface RecordLinkInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
  readonly aurora: AuroraState;
  readonly role: EnsureDbConnectRoleOutput;
  readonly firstHop: FirstHopOutcome;
  readonly pipeline: PipelineState;
  readonly probe: ProbeResult;
}

export interface LinkSummary {
  readonly link: string;
  readonly status: 'ready' | 'action-required';
  readonly verdict: string;
  readonly engine: string;
  readonly identityMode: LinkRequest['identity']['mode'];
  readonly cluster: string;
  readonly endpoint: string;
  readonly port: number;
  readonly database: string;
  readonly dbUser: string;
  readonly dbConnectRoleArn: string;
  /** The principal the db-connect role trusts: the connector user, the pipeline role or your role. */
  readonly firstHopArn: string;
  /** `access-key`: the key in use (id only), when it was made, and when the schedule rotates it. */
  readonly accessKey?: { readonly accessKeyId: string; readonly createdAt: string; readonly rotateAfterDays: number; readonly rotationDueAt: string };
  /** Empty for a self-managed link: its pipeline is yours to run. */
  readonly pipelineId: string;
  readonly topic: string;
  readonly consumeCommand: string;
  /** Role modes: the inline policy on the first-hop role. */
  readonly firstHopPolicy?: {
    readonly applied: boolean;
    readonly roleName: string;
    readonly policyName: string;
    readonly attachCommand?: string;
    readonly reason?: string;
  };
  /** `self-managed`: the pipeline to run, and the environment variables it reads. */
  readonly selfManaged?: { readonly pipelineYaml: string; readonly environment: readonly string[] };
  readonly operatorActions: readonly string[];
  readonly warnings: readonly string[];
}

export function makeHandler(deps: Pick<StepDeps, 'registry'>) {
  return defineStep<RecordLinkInput, LinkSummary>('RecordLink', async (input) => {
    const { request, link, redpanda, aurora, role, firstHop, pipeline, probe } = input;
    const names = linkNames(request, link.dbAccountId);
    const mode = request.identity.mode;
    const operatorActions: string[] = [];
    if (mode !== 'access-key' && !firstHop.applied && probe.verdict !== 'healthy') {
      operatorActions.push(`In account ${firstHop.principalArn.split(':')[4]}, attach the first-hop policy to ${firstHop.roleName}: ${firstHop.attachCommand}`);
    }
    let selfManaged: LinkSummary['selfManaged'];
    if (mode === 'self-managed' && aurora.endpoint) {
      const { yaml } = buildPipelineYaml(request, {
        dbAccountId: link.dbAccountId,
        region: link.region,
        clusterResourceId: aurora.resourceId,
        endpoint: aurora.endpoint,
        port: aurora.port,
      });
      const environment = [
        'REDPANDA_BROKERS: the seed brokers of the Redpanda cluster (rpk cluster info)',
        `${names.redpandaSecrets.saslPassword}: aws secretsmanager get-secret-value --secret-id ${names.saslPasswordSecret} --query SecretString --output text`,
        `${names.redpandaSecrets.rdsCaBundle}: the RDS CA bundle of ${link.region} (https://truststore.pki.rds.amazonaws.com/${link.region}/${link.region}-bundle.pem)`,
      ];
      selfManaged = { pipelineYaml: yaml, environment };
      if (!probe.streaming) operatorActions.push(`Run pipeline.yaml (in the link outputs) in your Redpanda Connect as ${firstHop.principalArn}, with ${environment.map((e) => e.split(':')[0]).join(', ')} set.`);
    }
    const actionRequired = operatorActions.length > 0;
    const key = firstHop.accessKey;
    const rotateAfterDays = request.identity.mode === 'access-key' ? request.identity.rotateAfterDays : 0;
    const summary: LinkSummary = {
      link: request.name,
      status: actionRequired ? 'action-required' : 'ready',
      verdict: probe.verdict,
      engine: request.engine,
      identityMode: mode,
      cluster: aurora.clusterIdentifier,
      endpoint: aurora.endpoint ?? '',
      port: aurora.port,
      database: request.database.databaseName,
      dbUser: request.cdc.user,
      dbConnectRoleArn: role.roleArn,
      firstHopArn: firstHop.principalArn,
      ...(key
        ? {
            accessKey: {
              accessKeyId: key.accessKeyId,
              createdAt: key.createdAt,
              rotateAfterDays,
              rotationDueAt: new Date(Date.parse(key.createdAt) + rotateAfterDays * 86_400_000).toISOString(),
            },
          }
        : {}),
      pipelineId: pipeline.id,
      topic: request.redpanda.topic,
      consumeCommand: `rpk profile create ${names.pipelineDisplayName} --from-cloud ${redpanda.clusterId} && rpk topic consume ${request.redpanda.topic} --offset start`,
      ...(mode !== 'access-key'
        ? {
            firstHopPolicy: {
              applied: firstHop.applied,
              roleName: firstHop.roleName ?? '',
              policyName: firstHop.policyName ?? '',
              ...(firstHop.applied ? {} : { ...(firstHop.attachCommand ? { attachCommand: firstHop.attachCommand } : {}), ...(firstHop.reason ? { reason: firstHop.reason } : {}) }),
            },
          }
        : {}),
      ...(selfManaged ? { selfManaged } : {}),
      operatorActions,
      warnings: probe.findings.filter((f) => f.severity === 'warning').map((f) => `[${f.id}] ${f.message}`),
    };
    await deps.registry.update(request.name, { status: summary.status, outputs: { ...summary }, failure: undefined });
    await releaseLinkLock(deps, request.name, input.executionArn);
    return summary;
  });
}
