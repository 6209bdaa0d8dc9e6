// The end-to-end probe (docs/architecture.md#probe-and-diagnosis), the body of a Wait + Choice loop: static checks, database checks
// through the Data API, and the pipeline's state, until the replication slot is active (MySQL: a binlog
// dump thread of the CDC user), which proves the pipeline really logged in through the IAM chain.
import { LinkProbeFailedError } from '../core/errors.js';
import { catalogueEntry } from '../core/diagnosis.js';
import type { LinkRequest } from '../core/request.js';
import type { PipelineState } from './create-pipeline.js';
import { databaseChecks, staticChecks, type Finding } from './shared/checks.js';
import type { StepDeps } from './shared/deps.js';
import { sqlTarget } from './run-setup-sql.js';
import { deadlineAfter, type AuroraState, type LinkRef, type RedpandaClusterRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export type Verdict = 'healthy' | 'action-required' | 'unhealthy';

export interface ProbeResult {
  readonly complete: boolean;
  readonly verdict: Verdict | 'pending';
  readonly streaming: boolean;
  readonly findings: readonly Finding[];
  readonly attempts: number;
  readonly deadline: string;
  /** Findings of the static checks, judged on the first poll; the cluster and the roles do not change while waiting. */
  readonly staticFindings?: readonly Finding[];
}

export interface ProbeInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
  readonly aurora: AuroraState;
  readonly pipeline: PipelineState;
  /** Whether the first hop is in place (the key written, or the role policy applied). */
  readonly firstHopApplied: boolean;
  /**
   * Rotate: only whether the restarted pipeline streams again (the static checks are Validate's job, and a
   * finding unrelated to the key must not undo a rotation that worked).
   */
  readonly streamingOnly?: boolean;
  readonly probe?: ProbeResult;
}

/** Findings as one sentence each, with the catalogue's title and the fix. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const entry = catalogueEntry(f.id);
      return `[${f.id}] ${entry ? `${entry.title}: ` : ''}${f.message}${f.fix ? ` (fix: ${f.fix})` : ''}`;
    })
    .join('; ');
}

type Deps = Pick<StepDeps, 'deployment' | 'aurora' | 'network' | 'iam' | 'pipelineRole' | 'simulator' | 'sql' | 'redpanda' | 'registry' | 'clock' | 'deadlines'>;

export function makeHandler(deps: Deps) {
  return defineStep<ProbeInput, ProbeResult>('Probe', async (input) => {
    const { request, link, redpanda, aurora, pipeline, firstHopApplied } = input;
    const selfManaged = request.identity.mode === 'self-managed';
    const now = deps.clock();
    const deadline = input.probe?.deadline ?? deadlineAfter(now, deps.deadlines.probeMs);
    const attempts = (input.probe?.attempts ?? 0) + 1;

    // A later poll only waits for the slot: it re-reads the database and the pipeline, not IAM and RDS.
    let staticFindings = input.probe?.staticFindings;
    if (staticFindings === undefined) {
      if (input.streamingOnly === true) staticFindings = [];
      else {
        const record = await deps.registry.get(request.name);
        const redpandaCluster = await (await deps.redpanda()).describeCluster(redpanda.clusterId).catch(() => undefined);
        staticFindings = (
          await staticChecks(deps, request, link, {
            natGateways: redpanda.natGateways,
            egressCidrs: redpanda.egressCidrs,
            firstHopApplied,
            network: redpanda.network,
            ...(redpandaCluster ? { redpandaCluster } : {}),
            ...(record?.accessKey ? { accessKey: record.accessKey } : {}),
          })
        ).findings;
      }
    }
    const db = await databaseChecks(deps, request, sqlTarget(request, aurora), { requireStreaming: false });
    const findings: Finding[] = [...staticFindings, ...(input.streamingOnly === true ? [] : db.findings)];
    if (!selfManaged) {
      const current = await (await deps.redpanda()).dataPlane(redpanda.dataplaneApiUrl).getPipeline(pipeline.id);
      if (current.state !== 'STATE_RUNNING' && current.state !== 'STATE_STARTING') {
        findings.push({ id: 'pipeline-not-running', severity: 'error', message: `pipeline ${pipeline.id} is ${current.state}${current.statusError ? `: ${current.statusError}` : ''}` });
      }
    }

    const errors = findings.filter((f) => f.severity === 'error');
    if (selfManaged && !db.streaming && errors.every((f) => f.id === 'pipeline-not-streaming')) {
      // Nothing streams until the operator runs pipeline.yaml: the link is provisioned, the rest is theirs.
      const pending: Finding = {
        id: 'self-managed-pipeline-pending',
        severity: 'warning',
        message: 'deploy pipeline.yaml to your Redpanda Connect (its environment variables are in the link outputs); the replication slot becomes active when it logs in',
      };
      return { streaming: false, findings: [...findings.filter((f) => f.id !== 'pipeline-not-streaming'), pending], attempts, deadline, staticFindings, complete: true, verdict: 'action-required' };
    }
    const operatorAction = !firstHopApplied && errors.every((f) => f.id === 'assume-role-denied-missing-inline-policy');
    const base = { streaming: db.streaming, findings, attempts, deadline, staticFindings };
    if (db.streaming && errors.length === 0) return { ...base, complete: true, verdict: 'healthy' };
    if (operatorAction && !db.streaming) return { ...base, complete: true, verdict: 'action-required' };
    // Configuration errors will not heal by waiting; a slot that is not active yet may (IAM propagation, first connect).
    const waitingOnly = errors.every((f) => f.id === 'pipeline-not-streaming');
    if (!db.streaming && waitingOnly && now.getTime() <= Date.parse(deadline)) return { ...base, complete: false, verdict: 'pending' };
    const reasons = errors.length > 0 ? errors : [{ id: 'pipeline-not-streaming', severity: 'error' as const, message: `the pipeline did not start streaming before ${deadline}: read its logs (rpk topic consume __redpanda.connect.logs) and run rpcn-aurora diagnose` }];
    throw new LinkProbeFailedError(`link ${request.name} is not working: ${describeFindings(reasons)}`);
  });
}
