// Validate: judge one link with the probe's static checks (the chain as IAM evaluates it, the db-connect
// role's trust, tag and permission, the cluster settings). Verdict: healthy, drifted (with catalogue
// entries and fixes), or unknown (with why).
import type { LinkRequest } from '../core/request.js';
import type { RedpandaCluster } from '../ports/redpanda.js';
import type { LinkRecord } from '../ports/registry.js';
import { egressCidrsOf, resolveNetwork } from './shared/network.js';
import type { LinkNetwork } from './shared/state.js';
import type { VerdictName } from '../ports/validation.js';
import { staticChecks, type Finding } from './shared/checks.js';
import type { StepDeps } from './shared/deps.js';
import { defineStep, type StepEvent } from './shared/step.js';

/**
 * Findings Validate may repair: our inline policy on a first-hop role, the db-connect role and the connector
 * user we own, and a lost or deactivated key (by a rotation). Never a key or policy someone else added.
 */
export const HEALABLE = new Set([
  'assume-role-denied-missing-inline-policy',
  'assume-role-denied-wrong-trust',
  'assume-role-denied-missing-tag',
  'rds-db-connect-policy-mismatch',
  'db-connect-role-missing',
  'db-connect-role-untagged',
  'connector-user-missing',
  'connector-user-policy-mismatch',
  'connector-user-boundary-missing',
  'connector-user-untagged',
  'access-key-missing',
  'access-key-inactive',
  'egress-addresses-changed',
]);

export interface Judgement {
  readonly link: string;
  readonly verdict: VerdictName;
  readonly why?: string;
  readonly findings: readonly Finding[];
  readonly selfHeal: boolean;
  readonly healable: boolean;
  readonly at: string;
  /**
   * The Redpanda side as it is now, when the cluster could be read: what the link's security group should admit
   * and where the pipeline's STS calls come from (HealLink puts these in place of what the link recorded).
   */
  readonly current?: { readonly ingressCidrs: readonly string[]; readonly egressCidrs: readonly string[] };
}

export interface JudgeLinkInput extends StepEvent {
  readonly input: { readonly link?: unknown; readonly trigger?: unknown };
}

/**
 * The link's network as the Redpanda cluster reports it now; undefined when the cluster cannot be read (the
 * checks then use what the link recorded). Redpanda does not promise its NAT addresses stay the same.
 */
async function currentNetwork(
  deps: Pick<StepDeps, 'redpanda' | 'aurora' | 'network' | 'deployment'>,
  record: LinkRecord,
): Promise<{ network: LinkNetwork; egressCidrs: readonly string[]; cluster: RedpandaCluster } | undefined> {
  const request = record.request;
  if (request.identity.mode === 'self-managed') return undefined;
  try {
    const cloud = await deps.redpanda();
    const cluster = await cloud.describeCluster(request.redpanda.clusterId);
    return { network: await resolveNetwork(deps, cloud, request, cluster), egressCidrs: egressCidrsOf(request, cluster), cluster };
  } catch {
    return undefined;
  }
}

/** What the link recorded of its network, for a judgement without the Redpanda cluster. */
function recordedNetwork(record: LinkRecord): LinkNetwork {
  return {
    mode: record.request.database.network,
    ingressCidrs: record.owned.ingressCidrs ?? [],
    ...(record.owned.allowlistEntry ? { allowlistEntry: record.owned.allowlistEntry } : {}),
  };
}

export function makeHandler(deps: Pick<StepDeps, 'deployment' | 'registry' | 'aurora' | 'network' | 'iam' | 'pipelineRole' | 'simulator' | 'redpanda' | 'clock'>) {
  return defineStep<JudgeLinkInput, Judgement>('JudgeLink', async ({ input }) => {
    const at = deps.clock().toISOString();
    const name = typeof input.link === 'string' ? input.link : '';
    const record = name ? await deps.registry.get(name) : undefined;
    const none = { findings: [], healable: false, at };
    if (!record) return { link: name, verdict: 'unknown', why: `no link named ${JSON.stringify(name)} in the registry`, selfHeal: false, ...none };
    if (record.status !== 'ready' && record.status !== 'action-required') {
      return { link: name, verdict: 'unknown', why: `the link is ${record.status}, not provisioned`, selfHeal: record.request.selfHeal, ...none };
    }
    const request: LinkRequest = record.request;
    const now = await currentNetwork(deps, record);
    const network = now?.network ?? recordedNetwork(record);
    const egressCidrs = now?.egressCidrs ?? record.owned.egressCidrs;
    const checked = await staticChecks(deps, request, { name, dbAccountId: record.dbAccountId, region: record.region }, {
      ...(egressCidrs ? { egressCidrs } : {}),
      network,
      ...(now ? { redpandaCluster: now.cluster } : {}),
      ...(record.accessKey ? { accessKey: record.accessKey } : {}),
      ...(record.status === 'ready' ? { firstHopApplied: true } : {}),
    });
    const { facts } = checked;
    const findings = [
      ...checked.findings,
      ...egressChanges(record, network, now?.egressCidrs, { port: facts.port ?? 0, ...(facts.securityGroupIds?.[0] ? { groupId: facts.securityGroupIds[0] } : {}) }),
    ];
    const current = now ? { current: { ingressCidrs: [...now.network.ingressCidrs], egressCidrs: [...now.egressCidrs] } } : {};
    const errors = findings.filter((f) => f.severity === 'error');
    const healable = errors.length > 0 && errors.some((f) => HEALABLE.has(f.id));
    if (errors.length > 0) return { link: name, verdict: 'drifted', findings, selfHeal: request.selfHeal, healable, at, ...current };
    if (!facts.firstHopVerified && request.identity.mode === 'pipeline-role') {
      return {
        link: name,
        verdict: 'unknown',
        why: 'the pipeline role in the Redpanda account could not be read: deploy the RpcnAurora-RedpandaAccess stack there so Validate can judge it',
        findings,
        selfHeal: request.selfHeal,
        healable: false,
        at,
        ...current,
      };
    }
    return { link: name, verdict: 'healthy', findings, selfHeal: request.selfHeal, healable: false, at, ...current };
  });
}

/**
 * The Redpanda side moved (new NAT addresses). A security group the link created is compared with the rules it
 * recorded (HealLink replaces them); otherwise the addresses recorded for the connector user's aws:SourceIp list
 * are, and the rules to change in the adopted cluster's own group are listed (the link never touches it).
 */
function egressChanges(record: LinkRecord, network: LinkNetwork, egressCidrs: readonly string[] | undefined, cluster: { port: number; groupId?: string }): Finding[] {
  if (network.mode !== 'public') return [];
  const ownGroup = record.owned.securityGroupId;
  const recorded = ownGroup !== undefined ? record.owned.ingressCidrs : record.owned.egressCidrs;
  const current = ownGroup !== undefined ? network.ingressCidrs : egressCidrs;
  if (recorded === undefined || current === undefined || current.length === 0) return [];
  const gone = recorded.filter((c) => !current.includes(c));
  const added = current.filter((c) => !recorded.includes(c));
  if (gone.length === 0 && added.length === 0) return [];
  const what = `${added.length ? `now also ${added.join(', ')}` : ''}${added.length && gone.length ? '; ' : ''}${gone.length ? `no longer ${gone.join(', ')}` : ''}`;
  if (ownGroup !== undefined) {
    return [
      {
        id: 'egress-addresses-changed',
        severity: 'error',
        message: `the Redpanda cluster's egress addresses changed: ${what} (the link's security group ${ownGroup} admits the old ones)`,
        fix: "Validate replaces the link's rules (and the connector user's aws:SourceIp list) when selfHeal is on; else run the provision again",
      },
    ];
  }
  const group = cluster.groupId ?? '<the cluster security group>';
  const commands = [
    ...added.map((c) => `aws ec2 authorize-security-group-ingress --group-id ${group} --protocol tcp --port ${cluster.port} --cidr ${c}`),
    ...gone.map((c) => `aws ec2 revoke-security-group-ingress --group-id ${group} --protocol tcp --port ${cluster.port} --cidr ${c}`),
  ];
  return [
    {
      id: 'egress-addresses-changed',
      severity: 'error',
      message: `the Redpanda cluster's egress addresses changed: ${what}; the adopted cluster's security group is not the link's, so its rules are yours to change`,
      fix: `${commands.join('; ')}. Validate updates the connector user's aws:SourceIp list when selfHeal is on.`,
    },
  ];
}
