// Aurora branch, first step: create the link's parameter group, security group, cluster and writer, or
// adopt an existing cluster after checking it (never changing it). Returns as soon as the cluster exists;
// the wait for `available` is a Wait + Choice loop in the state machine (CheckAurora).
import { clusterCreationSettings } from '../core/aurora-settings.js';
import { linkIngressRules } from '../core/network.js';
import { checkCluster } from '../core/cluster-checks.js';
import { DEFAULT_PORT } from '../core/context.js';
import { AdoptedClusterNotReadyError, ResourceConflictError } from '../core/errors.js';
import { linkNames, LINK_TAG_KEY } from '../core/naming.js';
import type { LinkRequest } from '../core/request.js';
import type { IngressRule } from '../ports/aurora.js';
import type { StepDeps } from './shared/deps.js';
import { deadlineAfter, isOwnedBy, linkTags, type AuroraState, type LinkRef, type RedpandaClusterRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface EnsureAuroraInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
}

type Deps = Pick<StepDeps, 'aurora' | 'network' | 'registry' | 'deployment' | 'clock' | 'deadlines'>;

export function makeHandler(deps: Deps) {
  return defineStep<EnsureAuroraInput, AuroraState>('EnsureAurora', async ({ request, link, redpanda }) =>
    request.database.create ? createCluster(deps, request, link, redpanda) : adoptCluster(deps, request),
  );
}

function conflict(kind: string, name: string, link: string, tags: Readonly<Record<string, string>> | undefined): ResourceConflictError {
  const owner = tags?.[LINK_TAG_KEY];
  return new ResourceConflictError(
    `${kind} ${name} exists but ${owner ? `belongs to link ${owner}` : 'was not created by rpcn-aurora'}, not to link ${link}: ` +
      (kind === 'cluster' ? 'adopt it with "database": {"create": false, "clusterIdentifier": "…"} or choose another link name' : 'remove it or choose another link name'),
  );
}

async function createCluster(deps: Deps, request: LinkRequest, link: LinkRef, redpanda: RedpandaClusterRef): Promise<AuroraState> {
  const settings = clusterCreationSettings(request, link);
  const names = linkNames(request, link.dbAccountId);
  const tags = linkTags(request);
  const own = (owned: Parameters<Deps['registry']['update']>[1]['owned']) => deps.registry.update(request.name, { owned });

  const groupTags = await deps.aurora.describeClusterParameterGroupTags(names.clusterParameterGroup);
  if (groupTags && !isOwnedBy(groupTags, request.name)) throw conflict('cluster parameter group', names.clusterParameterGroup, request.name, groupTags);
  await deps.aurora.ensureClusterParameterGroup({
    name: names.clusterParameterGroup,
    family: names.parameterGroupFamily,
    description: `rpcn-aurora link ${request.name}: CDC settings`,
    parameters: settings.clusterParameters.map((p) => ({ name: p.ParameterName, value: p.ParameterValue, applyMethod: p.ApplyMethod })),
    tags,
  });
  await own({ parameterGroup: names.clusterParameterGroup });

  let cluster = await deps.aurora.describeCluster(settings.clusterIdentifier);
  if (cluster && !isOwnedBy(cluster.tags, request.name)) throw conflict('cluster', settings.clusterIdentifier, request.name, cluster.tags);

  // Only a security group this link created gets rules; without a configured VPC the cluster keeps the
  // VPC's default group, which is not ours to open (the probe reports the missing NAT ingress).
  const vpcId = deps.deployment.vpcId;
  let securityGroupId: string | undefined;
  if (vpcId) {
    const group = await deps.network.ensureSecurityGroup({
      name: names.securityGroup,
      vpcId,
      description: `rpcn-aurora link ${request.name}: Redpanda ${request.redpanda.clusterId} to Aurora`,
      tags,
    });
    securityGroupId = group.groupId;
    await own({ securityGroupId });
  }

  if (!cluster) {
    cluster = await deps.aurora.createCluster({
      identifier: settings.clusterIdentifier,
      engine: request.engine,
      engineVersion: settings.engineVersion,
      databaseName: settings.databaseName,
      port: settings.port,
      parameterGroup: settings.clusterParameterGroupName,
      minCapacity: settings.serverlessV2ScalingConfiguration.MinCapacity,
      maxCapacity: settings.serverlessV2ScalingConfiguration.MaxCapacity,
      ...(deps.deployment.dbSubnetGroup ? { dbSubnetGroup: deps.deployment.dbSubnetGroup } : {}),
      vpcSecurityGroupIds: securityGroupId ? [securityGroupId] : [],
      tags,
    });
  }
  await own({ cluster: cluster.identifier });

  if (securityGroupId) {
    // After the create: the rules open the port the cluster really listens on, to exactly the Redpanda side
    // of the link's network mode (its egress addresses, or the Redpanda network's CIDR).
    const rules: IngressRule[] = linkIngressRules(
      { link: request.name, redpandaClusterId: request.redpanda.clusterId, mode: redpanda.network.mode, cidrs: redpanda.network.ingressCidrs },
      cluster.port,
    );
    if (rules.length > 0) await deps.network.authorizeIngress(securityGroupId, rules);
    await own({ ingressCidrs: rules.map((r) => r.cidr) });
  }

  const writer = await deps.aurora.describeInstance(settings.writerInstanceIdentifier);
  if (writer && !isOwnedBy(writer.tags, request.name)) throw conflict('instance', settings.writerInstanceIdentifier, request.name, writer.tags);
  if (!writer) {
    await deps.aurora.createWriterInstance({
      identifier: settings.writerInstanceIdentifier,
      clusterIdentifier: cluster.identifier,
      engine: request.engine,
      publiclyAccessible: settings.publiclyAccessible,
      tags,
    });
  }
  await own({ writerInstance: settings.writerInstanceIdentifier });

  return {
    clusterIdentifier: cluster.identifier,
    clusterArn: cluster.arn,
    resourceId: cluster.resourceId,
    port: cluster.port,
    created: true,
    status: cluster.status,
    ready: false,
    ...(securityGroupId ? { securityGroupId } : {}),
    deadline: deadlineAfter(deps.clock(), deps.deadlines.auroraAvailableMs),
  };
}

// Ingress of an adopted cluster is its owner's business: the probe reports missing NAT rules.
async function adoptCluster(deps: Deps, request: LinkRequest): Promise<AuroraState> {
  const id = request.database.clusterIdentifier;
  const cluster = await deps.aurora.describeCluster(id);
  const where = `account ${deps.deployment.dbAccountId}, region ${deps.deployment.region}`;
  if (!cluster) throw new AdoptedClusterNotReadyError(`cluster ${id} to adopt was not found in ${where}`);
  const parameters = await deps.aurora.describeClusterParameters(cluster.parameterGroup);
  const findings = checkCluster(request, { cluster, parameters }).filter((f) => f.severity === 'error');
  if (findings.length > 0) {
    throw new AdoptedClusterNotReadyError(
      `cluster ${id} is not ready for CDC with IAM auth; it is never changed by rpcn-aurora, so its owner must: ` +
        findings.map((f, i) => `(${i + 1}) [${f.id}] ${f.message}: ${f.fix ?? 'see docs/troubleshooting.md'}`).join(' '),
    );
  }
  return {
    clusterIdentifier: cluster.identifier,
    clusterArn: cluster.arn,
    resourceId: cluster.resourceId,
    port: cluster.port || DEFAULT_PORT[request.engine],
    created: false,
    status: cluster.status,
    ready: false,
    deadline: deadlineAfter(deps.clock(), deps.deadlines.auroraAvailableMs),
  };
}
