// The network half of the probe's static checks (no traffic): a public link's cluster has a public address and
// its security group admits the egress addresses; a private link's allowlist entry covers the database's VPC on
// its port, the database subnets route the Redpanda network through an active peering connection or Transit
// Gateway, and the security group admits the Redpanda network. Each failure names its catalogue entry and fix.
import type { Finding } from '../../core/cluster-checks.js';
import { allowlistEntryFor, cidrContains, describeEntry, entryCovers, parseCidr } from '../../core/network.js';
import type { LinkRequest } from '../../core/request.js';
import type { ClusterDescription, RouteTableView } from '../../ports/aurora.js';
import type { RedpandaCluster } from '../../ports/redpanda.js';
import type { StepDeps } from './deps.js';
import type { LinkNetwork } from './state.js';

type Deps = Pick<StepDeps, 'aurora' | 'network'>;

export async function networkChecks(
  deps: Deps,
  request: LinkRequest,
  cluster: ClusterDescription,
  network: LinkNetwork,
  redpandaCluster: RedpandaCluster | undefined,
): Promise<Finding[]> {
  if (network.mode === 'public') {
    if ((await clusterIsPublic(deps, cluster)) === false) {
      return [
        {
          id: 'network-mode-mismatch',
          severity: 'error',
          message: `the link is public, but cluster ${cluster.identifier} has no public address: a Redpanda Cloud pipeline cannot reach it over the internet`,
          fix: 'use database.network "private" with a peering or Transit Gateway route to the Redpanda network, or make the cluster publicly accessible',
        },
      ];
    }
    return [];
  }
  const findings: Finding[] = [];
  // The entry as EnsureEgressAllowlist added it: the database VPC on the port the cluster listens on.
  const entry = network.allowlistEntry && allowlistEntryFor(network.allowlistEntry.cidr, cluster.port || network.allowlistEntry.portStart);
  if (entry !== undefined) {
    if (redpandaCluster === undefined) {
      findings.push({ id: 'allowlist-entry-missing', severity: 'warning', message: `the egress allowlist of cluster ${request.redpanda.clusterId} could not be read` });
    } else if (!redpandaCluster.allowedDestinationCidrPorts.some((e) => entryCovers(e, entry.cidr, entry.portStart))) {
      findings.push({
        id: 'allowlist-entry-missing',
        severity: 'error',
        message: `no entry of cluster ${redpandaCluster.id}'s egress allowlist admits ${describeEntry(entry)} (the database's VPC): the data-plane firewall drops the pipeline's connections`,
        fix: 'run the provision again (it adds the entry), or add it in Redpanda Cloud (cluster settings, Redpanda Connect egress allowlist)',
      });
    }
  }
  if (network.networkCidr !== undefined) findings.push(...(await routeChecks(deps, cluster, network.networkCidr)));
  return findings;
}

/**
 * Whether the cluster's writer has a public address: Aurora keeps PubliclyAccessible on each instance (the
 * cluster-level field is for Multi-AZ DB clusters only); undefined when neither says.
 */
export async function clusterIsPublic(deps: Pick<Deps, 'aurora'>, cluster: ClusterDescription): Promise<boolean | undefined> {
  if (cluster.publiclyAccessible !== undefined) return cluster.publiclyAccessible;
  const writer = cluster.members.find((m) => m.isWriter);
  return writer === undefined ? undefined : (await deps.aurora.describeInstance(writer.instanceIdentifier))?.publiclyAccessible;
}

/** The database subnets' route tables must send the Redpanda network through an active peering connection or Transit Gateway. */
async function routeChecks(deps: Deps, cluster: ClusterDescription, networkCidr: string): Promise<Finding[]> {
  const group = cluster.dbSubnetGroup ? await deps.aurora.describeDbSubnetGroup(cluster.dbSubnetGroup) : undefined;
  if (group === undefined) {
    return [{ id: 'network-route-missing', severity: 'error', message: `the DB subnet group of cluster ${cluster.identifier} (${cluster.dbSubnetGroup ?? 'none'}) could not be read, so its routes cannot be checked` }];
  }
  const target = parseCidr(networkCidr);
  const tables = await deps.network.describeRouteTables(group.vpcId, group.subnetIds);
  const findings: Finding[] = [];
  const uncovered = group.subnetIds.filter((sn) => !tables.some((t) => t.subnetIds.includes(sn)));
  if (uncovered.length > 0) {
    findings.push({ id: 'network-route-missing', severity: 'error', message: `no route table was found for subnet${uncovered.length > 1 ? 's' : ''} ${uncovered.join(', ')} of VPC ${group.vpcId}` });
  }
  for (const table of tables) {
    const route = bestRoute(table, target);
    const where = `route table ${table.routeTableId} (subnet${table.subnetIds.length > 1 ? 's' : ''} ${table.subnetIds.join(', ')})`;
    if (route === undefined || (route.target.kind !== 'peering' && route.target.kind !== 'transit-gateway')) {
      findings.push({
        id: 'network-route-missing',
        severity: 'error',
        message: `${where} has no route to the Redpanda network ${networkCidr} through a peering connection or Transit Gateway${route ? ` (it goes to ${route.target.kind} ${route.target.id})` : ''}: replies to the pipeline go nowhere`,
        fix: `aws ec2 create-route --route-table-id ${table.routeTableId} --destination-cidr-block ${networkCidr} --vpc-peering-connection-id <pcx-…>   # or --transit-gateway-id <tgw-…>`,
      });
      continue;
    }
    if (route.state !== 'active') {
      findings.push({ id: 'network-peering-inactive', severity: 'error', message: `${where}: the route to ${networkCidr} through ${route.target.id} is ${route.state} (its target is gone)` });
      continue;
    }
    if (route.target.kind === 'peering') {
      const pcx = await deps.network.describePeeringConnection(route.target.id);
      if (pcx?.status !== 'active') {
        findings.push({
          id: 'network-peering-inactive',
          severity: 'error',
          message: `${where} routes ${networkCidr} through peering connection ${route.target.id}, which is ${pcx ? pcx.status : 'not found'}`,
          fix: `aws ec2 describe-vpc-peering-connections --vpc-peering-connection-ids ${route.target.id}   # accept it, or recreate it and its routes on both sides`,
        });
      }
    } else {
      const attachment = await deps.network.describeTransitGatewayAttachment(route.target.id, group.vpcId);
      if (attachment?.state !== 'available') {
        findings.push({
          id: 'network-peering-inactive',
          severity: 'error',
          message: `${where} routes ${networkCidr} through Transit Gateway ${route.target.id}, whose attachment of VPC ${group.vpcId} is ${attachment ? attachment.state : 'missing'}`,
          fix: `aws ec2 describe-transit-gateway-vpc-attachments --filters Name=transit-gateway-id,Values=${route.target.id} Name=vpc-id,Values=${group.vpcId}`,
        });
      }
    }
  }
  return findings;
}

/** The most specific route whose destination covers the whole Redpanda network (what the VPC router would use). */
function bestRoute(table: RouteTableView, target: ReturnType<typeof parseCidr>): RouteTableView['routes'][number] | undefined {
  if (target === undefined) return undefined;
  return table.routes
    .map((r) => ({ r, c: parseCidr(r.destination) }))
    .filter((x) => x.c !== undefined && cidrContains(x.c, target))
    .sort((a, b) => b.c!.bits - a.c!.bits)[0]?.r;
}
