// Step 1 of Provision: check the request, resolve the Redpanda cluster, and open the link record, before
// anything is created. A bad request, bad credentials or an unusable cluster fail here.
import { compareVersions, requiredConnectVersion } from '../core/connect-version.js';
import { AllowlistFullError, mergeAllowlistEntry } from '../core/network.js';
import {
  CapacityNotSupportedError,
  EgressAddressesUnknownError,
  EngineVersionNotOfferedError,
  IdentityModeUnsupportedError,
  LinkBusyError,
  NetworkConfigError,
  RedpandaConnectTooOldError,
  RequestConflictError,
} from '../core/errors.js';
import { assertRequest, type LinkRequest } from '../core/request.js';
import { BASE_CAPACITY_RANGE, capacityProblems, documentedCapacityRange, narrower } from '../core/serverless-capacity.js';
import type { RedpandaCluster } from '../ports/redpanda.js';
import type { StepDeps } from './shared/deps.js';
import { egressCidrsOf, resolveNetwork } from './shared/network.js';
import { clusterIsPublic } from './shared/network-checks.js';
import type { LinkNetwork, LinkRef, RedpandaClusterRef } from './shared/state.js';
import { takeLinkLock } from './shared/lock.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface ValidateRequestInput extends StepEvent {
  readonly request: unknown;
}

export interface ValidateRequestOutput {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
}

/** Fields that identify what a link is; changing them needs a new link (or teardown first). */
const IDENTITY: ReadonlyArray<[string, (r: LinkRequest) => unknown]> = [
  ['engine', (r) => r.engine],
  ['database.create', (r) => r.database.create],
  ['database.clusterIdentifier', (r) => r.database.clusterIdentifier],
  ['database.databaseName', (r) => r.database.databaseName],
  ['cdc.user', (r) => r.cdc.user],
  ['redpanda.clusterId', (r) => r.redpanda.clusterId],
  ['redpanda.accountId', (r) => r.redpanda.accountId],
  ['identity.mode', (r) => r.identity.mode],
  ['identity.roleArn', (r) => (r.identity.mode === 'self-managed' ? r.identity.roleArn : undefined)],
];


/**
 * What the identity mode needs of the Redpanda cluster, checked before anything is created. Each refusal
 * names its catalogue entry in brackets, so RecordFailure attaches the diagnosis.
 */
export function checkClusterForMode(request: LinkRequest, cluster: RedpandaCluster, redpandaAccountId: string | undefined): void {
  const mode = request.identity.mode;
  if (mode === 'pipeline-role') {
    if (redpandaAccountId !== undefined && request.redpanda.accountId !== redpandaAccountId) {
      throw new RequestConflictError(
        `redpanda.accountId ${request.redpanda.accountId} is not the Redpanda account this deployment was set up for ` +
          `(${redpandaAccountId}): its access and IAM-watch stacks cover only that account`,
      );
    }
    if (redpandaAccountId === undefined) {
      throw new IdentityModeUnsupportedError(
        '[pipeline-role-unsupported] this deployment serves no identity.mode "pipeline-role" links (config identityModes): use identity.mode "access-key", or add "pipeline-role" to the deployment and cdk deploy',
      );
    }
    if (cluster.type !== 'TYPE_BYOC') {
      throw new IdentityModeUnsupportedError(`[pipeline-role-unsupported] cluster ${cluster.id} is ${cluster.type}: the Redpanda-managed pipeline role exists only in BYOC clusters; use identity.mode "access-key"`);
    }
    if (cluster.permissionsBoundaryPolicyArn !== undefined) {
      throw new IdentityModeUnsupportedError(
        `[pipeline-role-unsupported] cluster ${cluster.id} is BYOVPC: Redpanda puts the permissions boundary ${cluster.permissionsBoundaryPolicyArn} on its pipeline role, ` +
          'which leaves no room for sts:AssumeRole, so an inline policy there can never take effect; use identity.mode "access-key" (the default)',
      );
    }
  }
  if (mode === 'self-managed') return;
  const need = requiredConnectVersion(request);
  const have = cluster.redpandaConnectVersion;
  if (have === undefined || have === '') {
    throw new RedpandaConnectTooOldError(
      `[redpanda-connect-too-old] cluster ${cluster.id} reports no Redpanda Connect version (redpanda_connect.version), so it cannot be confirmed to be ${need.version} or later (${need.because})`,
    );
  }
  const order = compareVersions(have, need.version);
  if (order === undefined || order < 0) {
    throw new RedpandaConnectTooOldError(
      `[redpanda-connect-too-old] cluster ${cluster.id} runs Redpanda Connect ${have}; this link's pipeline needs ${need.version} or later (${need.because}): upgrade the cluster`,
    );
  }
  if (mode === 'access-key' && request.identity.restrictToEgress && egressCidrsOf(request, cluster).length === 0) {
    throw new EgressAddressesUnknownError(
      `[egress-addresses-unknown] cluster ${cluster.id} reports no egress addresses (nat_gateways is empty: centralized egress?), so the connector user cannot be limited to them: ` +
        'give them as redpanda.egressCidrs, or set identity.restrictToEgress to false',
    );
  }
}

/** Whether the link's allowlist entry fits: refused before anything is created when the list is full. */
function checkAllowlistRoom(cluster: RedpandaCluster, network: LinkNetwork): void {
  if (network.allowlistEntry === undefined) return;
  try {
    mergeAllowlistEntry(cluster.allowedDestinationCidrPorts, network.allowlistEntry);
  } catch (e) {
    if (e instanceof AllowlistFullError) throw new AllowlistFullError(`[allowlist-full] cluster ${cluster.id}: ${e.message}`);
    throw e;
  }
}

/** A public link reaches the cluster over the internet: an adopted cluster without a public address cannot work. */
async function checkAdoptedClusterIsPublic(deps: Pick<StepDeps, 'aurora'>, identifier: string): Promise<void> {
  const cluster = await deps.aurora.describeCluster(identifier);
  if (cluster === undefined) return; // EnsureAurora names a missing cluster to adopt
  if ((await clusterIsPublic(deps, cluster)) === false) {
    throw new NetworkConfigError(
      `[network-mode-mismatch] database.network is "public", but the writer of cluster ${identifier} has no public address: a Redpanda Cloud pipeline cannot reach it over the internet; ` +
        'set database.network "private" (with redpanda.networkCidr and a peering or Transit Gateway route), or make the writer publicly accessible',
    );
  }
}

/**
 * The engine version and capacity of a cluster the link creates, as the region answers (DescribeDBEngineVersions),
 * narrowed by the documented table: refused here rather than by CreateDBCluster after the parameter group exists.
 */
async function checkEngineVersionOffer(deps: Pick<StepDeps, 'aurora' | 'deployment'>, request: LinkRequest): Promise<void> {
  if (!request.database.create) return;
  const { engine, engineVersion, minCapacity, maxCapacity } = { engine: request.engine, ...request.database };
  const offer = await deps.aurora.describeEngineVersion(engine, engineVersion);
  if (!offer.offered) {
    throw new EngineVersionNotOfferedError(
      `[engine-version-not-offered] ${engine} ${engineVersion} is not offered in ${deps.deployment.region} (DescribeDBEngineVersions has no such version): ` +
        `choose a version the region lists (aws rds describe-db-engine-versions --engine ${engine} --query "DBEngineVersions[].EngineVersion")`,
    );
  }
  const documented = documentedCapacityRange(engine, engineVersion);
  const reported = offer.serverlessV2;
  // Neither source knows: only the range every Serverless v2 version has is safe.
  const allowed = reported && documented ? narrower(reported, documented) : (reported ?? documented ?? BASE_CAPACITY_RANGE);
  const according = reported ? `RDS in ${deps.deployment.region} reports ServerlessV2FeaturesSupport MinCapacity ${reported.minCapacity}, MaxCapacity ${reported.maxCapacity}` : documented ? 'docs/reference/aws.md A12' : 'neither RDS nor the documented versions say more';
  const problems = capacityProblems(engine, engineVersion, { minCapacity, maxCapacity }, allowed, according);
  if (problems.length > 0) {
    throw new CapacityNotSupportedError(`[capacity-not-supported] ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

export function identityDifferences(before: LinkRequest, after: LinkRequest): string[] {
  return IDENTITY.filter(([, get]) => JSON.stringify(get(before)) !== JSON.stringify(get(after))).map(
    ([field, get]) => `${field} was ${JSON.stringify(get(before))}, now ${JSON.stringify(get(after))}`,
  );
}

export function makeHandler(deps: Pick<StepDeps, 'deployment' | 'redpanda' | 'registry' | 'executions' | 'aurora' | 'network' | 'clock'>) {
  return defineStep<ValidateRequestInput, ValidateRequestOutput>('ValidateRequest', async ({ request: input, executionArn }) => {
    const request = assertRequest(input);
    await checkEngineVersionOffer(deps, request);
    const cloud = await deps.redpanda();
    const cluster = await cloud.getCluster(request.redpanda.clusterId);
    checkClusterForMode(request, cluster, deps.deployment.redpandaAccountId);
    // Self-managed Connect runs wherever its operator runs it, not behind Redpanda's egress: nothing to admit for it.
    const network: LinkNetwork =
      request.identity.mode === 'self-managed' ? { mode: request.database.network, ingressCidrs: [] } : await resolveNetwork(deps, cloud, request, cluster);
    checkAllowlistRoom(cluster, network);
    if (network.mode === 'public' && !request.database.create) await checkAdoptedClusterIsPublic(deps, request.database.clusterIdentifier);

    if (executionArn === undefined) throw new Error('no executionArn: the state machine passes $$.Execution.Id to take the link lock');
    const now = deps.clock().toISOString();
    const { dbAccountId, region } = deps.deployment;
    const before = await deps.registry.get(request.name);
    // The record must exist to hold the lock; ensure leaves an existing one as it is.
    if (!before) {
      await deps.registry.ensure({ name: request.name, status: 'provisioning', request, dbAccountId, region, owned: {}, verdicts: [], createdAt: now, updatedAt: now });
    }
    await takeLinkLock(deps, { link: request.name, workflow: 'provision', executionArn });
    // Read again under the lock: what the last holder left is what counts.
    const existing = await deps.registry.get(request.name);
    if (existing && existing.status !== 'deleted') {
      if (existing.status === 'deleting') throw new LinkBusyError(`link ${request.name} is being torn down; start again when the teardown has finished`);
      const differences = identityDifferences(existing.request, request);
      if (differences.length > 0) {
        throw new RequestConflictError(
          `link ${request.name} already exists with other identity fields (${differences.join('; ')}): tear it down first or choose another name`,
        );
      }
    }
    await deps.registry.update(request.name, { status: 'provisioning', request, failure: undefined });
    return {
      request,
      link: { name: request.name, dbAccountId, region },
      redpanda: {
        clusterId: cluster.id,
        region: cluster.region,
        natGateways: [...cluster.natGateways],
        egressCidrs: [...egressCidrsOf(request, cluster)],
        dataplaneApiUrl: cluster.dataplaneApiUrl,
        ...(cluster.redpandaConnectVersion ? { connectVersion: cluster.redpandaConnectVersion } : {}),
        network,
      },
    };
  });
}
