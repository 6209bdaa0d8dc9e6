// How the pipeline reaches the database (docs/reference/redpanda-cloud.md §11), resolved from the request, the
// Redpanda cluster and the database's VPC: shared by ValidateRequest (which also refuses what cannot work before
// anything is created), the probe and Validate.
import { redpandaIngressCidrs } from '../../core/aurora-settings.js';
import { DEFAULT_PORT } from '../../core/context.js';
import { EgressAddressesUnknownError, NetworkConfigError } from '../../core/errors.js';
import { allowlistEntryFor, networkCidrProblem } from '../../core/network.js';
import type { LinkRequest } from '../../core/request.js';
import type { RedpandaCloud, RedpandaCluster } from '../../ports/redpanda.js';
import type { StepDeps } from './deps.js';
import type { LinkNetwork } from './state.js';

/** The public addresses the pipeline's traffic to the internet (STS, a public database) comes from. */
export function egressCidrsOf(request: Pick<LinkRequest, 'redpanda'>, cluster: Pick<RedpandaCluster, 'natGateways'>): readonly string[] {
  if (request.redpanda.egressCidrs !== undefined) return [...request.redpanda.egressCidrs];
  return cluster.natGateways.length > 0 ? redpandaIngressCidrs(cluster.natGateways) : [];
}

type NetworkDeps = Pick<StepDeps, 'aurora' | 'network' | 'deployment'>;

/**
 * The database's VPC and port: the cluster's own once it exists (its DB subnet group's VPC); before a cluster the
 * link creates exists, the deployment's VPC and the engine's port (what CreateDBCluster is given).
 */
async function databaseVpc(deps: NetworkDeps, request: LinkRequest): Promise<{ vpcId: string; cidr: string; port: number }> {
  const identifier = request.database.clusterIdentifier;
  const cluster = await deps.aurora.describeCluster(identifier);
  let vpcId: string | undefined;
  let port = DEFAULT_PORT[request.engine];
  if (cluster !== undefined) {
    port = cluster.port || port;
    const group = cluster.dbSubnetGroup ? await deps.aurora.describeDbSubnetGroup(cluster.dbSubnetGroup) : undefined;
    vpcId = group?.vpcId;
    if (vpcId === undefined) throw new NetworkConfigError(`[network-mode-mismatch] the VPC of cluster ${identifier} could not be found (DB subnet group ${cluster.dbSubnetGroup ?? 'none'})`);
  } else if (request.database.create) {
    vpcId = deps.deployment.vpcId;
    if (vpcId === undefined) {
      throw new NetworkConfigError(
        '[network-mode-mismatch] database.network "private" needs the VPC the cluster goes into, and this deployment has none (config network.mode "none"): deploy with network.mode "create" or "existing"',
      );
    }
  } else {
    throw new NetworkConfigError(`[cluster-missing] cluster ${identifier} to adopt was not found`);
  }
  const vpc = await deps.network.describeVpc(vpcId);
  const cidr = vpc?.cidrBlocks[0];
  if (cidr === undefined) throw new NetworkConfigError(`[network-mode-mismatch] VPC ${vpcId} of the database was not found, or has no IPv4 CIDR`);
  return { vpcId, cidr, port };
}

/**
 * The link's network: what its security group admits and, for a private link, the Redpanda network's CIDR (the
 * request's, else the Cloud API's network of the cluster) and the allowlist entry for the database's VPC.
 */
export async function resolveNetwork(deps: NetworkDeps, cloud: RedpandaCloud, request: LinkRequest, cluster: RedpandaCluster): Promise<LinkNetwork> {
  if (request.database.network === 'public') {
    const ingressCidrs = egressCidrsOf(request, cluster);
    if (ingressCidrs.length === 0) {
      throw new EgressAddressesUnknownError(
        `[egress-addresses-unknown] cluster ${cluster.id} reports no egress addresses (nat_gateways is empty: centralized egress?), so a public database cannot admit them: ` +
          'give them as redpanda.egressCidrs (your hub NAT addresses), or use database.network "private"',
      );
    }
    return { mode: 'public', ingressCidrs };
  }
  let networkCidr = request.redpanda.networkCidr;
  if (networkCidr === undefined && cluster.networkId !== undefined) {
    const reported = await cloud.getNetworkCidr(cluster.networkId);
    if (reported !== undefined && networkCidrProblem(reported) === undefined) networkCidr = reported;
  }
  if (networkCidr === undefined) {
    throw new NetworkConfigError(
      `[redpanda-network-cidr-unknown] the CIDR of cluster ${cluster.id}'s Redpanda network is not known (the Cloud API reports none${cluster.networkId ? ` for network ${cluster.networkId}` : ''}): ` +
        'give it as redpanda.networkCidr (the CIDR the Redpanda VPC was created with)',
    );
  }
  const vpc = await databaseVpc(deps, request);
  return { mode: 'private', ingressCidrs: [networkCidr], networkCidr, dbVpcId: vpc.vpcId, allowlistEntry: allowlistEntryFor(vpc.cidr, vpc.port) };
}
