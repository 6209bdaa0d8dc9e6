// In-memory EC2 for the twin (emulated), with the semantics of the EC2 adapter (lambdas/adapters/aws/ec2.ts).
// Security groups: a group with our name but another link's tag is a conflict, duplicate ingress rules are not an
// error, deletes tolerate "already gone", and a group still used by a cluster cannot be deleted
// (DependencyViolation). The network a private link relies on (docs/reference/redpanda-cloud.md §11): VPCs with
// their CIDR blocks, subnets, route tables (the main one and subnet associations) with routes, VPC peering
// connections and Transit Gateway VPC attachments, each with the status EC2 reports; addresses for the database
// writers (a private one in its subnet, a public one from the documentation range 198.51.100.0/24); and the
// checks the pipeline emulator makes on each connect: is there a route back to a private source, and does a
// security group admit the source on the port. The Redpanda side of a peering (its route tables) is not emulated.
import { ResourceConflictError } from '../../lambdas/core/errors.js';
import { LINK_TAG_KEY } from '../../lambdas/core/naming.js';
import type { IngressRule, NetworkInterfaceView, NetworkPort, RouteTableView, RouteView, SecurityGroupDeletion } from '../../lambdas/ports/aurora.js';
import { ipv4, ipv4Range, ipv4Text, rangeContains, rangesOverlap, type Ipv4Range } from '../ipv4.js';
import { copy, randomString, sortedRecord, type Clock } from './common.js';

interface GroupState {
  readonly groupId: string;
  readonly name: string;
  readonly vpcId: string;
  readonly description: string;
  tags: Record<string, string>;
  ingress: IngressRule[];
}

type GroupView = NonNullable<Awaited<ReturnType<NetworkPort['describeSecurityGroup']>>>;

export type RouteTargetKind = RouteView['target']['kind'];

interface VpcState {
  readonly vpcId: string;
  readonly cidrBlocks: string[];
}

interface SubnetState {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly cidr: string;
  readonly availabilityZone: string;
  /** Addresses handed out in this subnet (EC2 keeps the first four and the last one for itself). */
  readonly used: Set<number>;
}

interface RouteState {
  readonly destination: string;
  readonly target: { readonly kind: RouteTargetKind; readonly id: string };
  state: 'active' | 'blackhole';
  /** Set by blackholeRoute: stays `blackhole` whatever happens to the target. */
  forced?: boolean;
}

interface RouteTableState {
  readonly routeTableId: string;
  readonly vpcId: string;
  main: boolean;
  /** Subnets explicitly associated with this table. */
  readonly subnetIds: Set<string>;
  routes: RouteState[];
}

interface PeeringState {
  readonly id: string;
  readonly vpcId: string;
  /** The other side's CIDR (the Redpanda network's, for the link's peering). */
  readonly peerCidrBlock: string;
  status: string;
}

interface AttachmentState {
  readonly id: string;
  readonly transitGatewayId: string;
  readonly vpcId: string;
  state: string;
}

/** The peering states in which EC2 has taken the connection down: routes through it turn `blackhole`. */
const PEERING_GONE = ['deleted', 'rejected', 'failed', 'expired'];
/** TEST-NET-2 (RFC 5737): public addresses of publicly accessible writers that can never be real ones. */
const PUBLIC_RANGE = ipv4Range('198.51.100.0/24')!;

const hex = (n: number) => randomString(n, '0123456789abcdef');

/** An EC2 error as the SDK names it (the adapter maps the NotFound codes of the describes to undefined). */
function ec2Error(code: string, action: string, message: string): Error {
  const e = new Error(`${action} failed: ${code}: ${message}`);
  e.name = code;
  return e;
}

export class NetworkEmulator implements NetworkPort {
  private readonly groups = new Map<string, GroupState>();
  private readonly vpcs = new Map<string, VpcState>();
  private readonly subnets = new Map<string, SubnetState>();
  private readonly tables = new Map<string, RouteTableState>();
  private readonly peerings = new Map<string, PeeringState>();
  private readonly attachments = new Map<string, AttachmentState>();
  private readonly publicUsed = new Set<number>();

  /** Interfaces RDS released with a deleted cluster: they keep their groups until `goneAtMs` (twin clock). */
  private readonly releasing: { readonly view: NetworkInterfaceView; readonly groupIds: readonly string[]; readonly goneAtMs: number }[] = [];

  /** `liveInterfaces(groupId)`: the interfaces of clusters that still exist and use the group. */
  constructor(
    private readonly liveInterfaces: (groupId: string) => readonly NetworkInterfaceView[],
    private readonly clock: Clock = () => new Date(),
  ) {}

  // NetworkPort: security groups ----------------------------------------------------------------------

  async ensureSecurityGroup(input: Parameters<NetworkPort['ensureSecurityGroup']>[0]): Promise<{ readonly groupId: string; readonly created: boolean }> {
    const link = input.tags[LINK_TAG_KEY];
    if (link === undefined) throw new Error(`ensureSecurityGroup(${input.name}): tags must include ${LINK_TAG_KEY}`);
    const existing = [...this.groups.values()].find((g) => g.name === input.name && g.vpcId === input.vpcId);
    if (existing !== undefined) {
      if (existing.tags[LINK_TAG_KEY] !== link) {
        throw new ResourceConflictError(
          `security group ${input.name} (${existing.groupId}) exists in ${existing.vpcId} but is not link "${link}"'s ` +
            `(expected tag ${LINK_TAG_KEY}=${link}); delete or rename it, or choose another link name`,
        );
      }
      return { groupId: existing.groupId, created: false };
    }
    return { groupId: this.create(input).groupId, created: true };
  }

  /** Operator helper: create a group directly (e.g. someone else's group with our name). */
  create(input: { readonly name: string; readonly vpcId: string; readonly description: string; readonly tags: Readonly<Record<string, string>> }): GroupView {
    const groupId = `sg-${hex(17)}`;
    this.groups.set(groupId, { groupId, name: input.name, vpcId: input.vpcId, description: input.description, tags: { ...input.tags }, ingress: [] });
    return this.view(this.groups.get(groupId)!);
  }

  async describeSecurityGroup(groupId: string): Promise<GroupView | undefined> {
    const group = this.groups.get(groupId);
    return group === undefined ? undefined : this.view(group);
  }

  async authorizeIngress(groupId: string, rules: readonly IngressRule[]): Promise<{ readonly added: number }> {
    const group = this.mustGroup(groupId, 'ec2:AuthorizeSecurityGroupIngress');
    let added = 0;
    for (const rule of rules) {
      // EC2 identifies a rule by protocol, port range and CIDR; the description does not make it new.
      if (group.ingress.some((r) => r.cidr === rule.cidr && r.port === rule.port)) continue;
      group.ingress.push({ ...rule });
      added++;
    }
    return { added };
  }

  async revokeIngress(groupId: string, rules: readonly IngressRule[]): Promise<void> {
    const group = this.groups.get(groupId);
    if (group === undefined) return;
    group.ingress = group.ingress.filter((r) => !rules.some((x) => x.cidr === r.cidr && x.port === r.port));
  }

  async deleteSecurityGroup(groupId: string): Promise<SecurityGroupDeletion> {
    if (!this.groups.has(groupId)) return { deleted: true };
    // EC2's answer while an interface uses the group (the adapter keeps it as the reason).
    if ((await this.describeNetworkInterfaces(groupId)).length > 0) return { deleted: false, dependencyViolation: `DependencyViolation: resource ${groupId} has a dependent object` };
    this.groups.delete(groupId);
    return { deleted: true };
  }

  async describeNetworkInterfaces(groupId: string): Promise<readonly NetworkInterfaceView[]> {
    const now = this.clock().getTime();
    const lingering = this.releasing.filter((r) => r.goneAtMs > now && r.groupIds.includes(groupId)).map((r) => ({ ...r.view }));
    return [...this.liveInterfaces(groupId).map((v) => ({ ...v })), ...lingering];
  }

  /** RDS deleted the cluster behind this interface: it stays, using its groups, until `goneAtMs` (Infinity: never). */
  releaseInterfaceLater(view: NetworkInterfaceView, groupIds: readonly string[], goneAtMs: number): void {
    this.releasing.push({ view: { ...view }, groupIds: [...groupIds], goneAtMs });
  }

  /** A new interface id, as EC2 names them. */
  newInterfaceId(): string {
    return `eni-${hex(17)}`;
  }

  // NetworkPort: the network path ------------------------------------------------------------------------

  async describeVpc(vpcId: string): Promise<{ readonly vpcId: string; readonly cidrBlocks: readonly string[] } | undefined> {
    const vpc = this.vpcs.get(vpcId);
    return vpc === undefined ? undefined : { vpcId, cidrBlocks: [...vpc.cidrBlocks] };
  }

  async describeRouteTables(vpcId: string, subnetIds: readonly string[]): Promise<readonly RouteTableView[]> {
    // As the adapter derives it from DescribeRouteTables: a subnet without a table of its own uses the main table.
    const tables = [...this.tables.values()].filter((t) => t.vpcId === vpcId);
    const views: RouteTableView[] = [];
    for (const t of tables) {
      const users = subnetIds.filter((sn) => t.subnetIds.has(sn) || (t.main && !tables.some((o) => o.subnetIds.has(sn))));
      if (users.length === 0) continue;
      views.push({ routeTableId: t.routeTableId, subnetIds: users, main: t.main, routes: t.routes.map((r) => ({ destination: r.destination, target: { ...r.target }, state: r.state })) });
    }
    return views;
  }

  async describePeeringConnection(id: string): Promise<{ readonly id: string; readonly status: string } | undefined> {
    const pcx = this.peerings.get(id);
    return pcx === undefined ? undefined : { id, status: pcx.status };
  }

  async describeTransitGatewayAttachment(transitGatewayId: string, vpcId: string): Promise<{ readonly id: string; readonly state: string } | undefined> {
    const all = [...this.attachments.values()].filter((a) => a.transitGatewayId === transitGatewayId && a.vpcId === vpcId);
    // Deleted attachments stay visible for a while in EC2; a live one is the answer when there is one.
    const attachment = all.find((a) => a.state !== 'deleted') ?? all[0];
    return attachment === undefined ? undefined : { id: attachment.id, state: attachment.state };
  }

  // Operator helpers: the network --------------------------------------------------------------------------

  /** CreateVpc: the VPC with its CIDR blocks and a main route table holding the `local` routes. */
  createVpc(input: { readonly cidrBlocks: readonly string[]; readonly vpcId?: string; readonly mainRouteTableId?: string }): { readonly vpcId: string; readonly mainRouteTableId: string } {
    const vpcId = input.vpcId ?? `vpc-${hex(17)}`;
    if (this.vpcs.has(vpcId)) throw ec2Error('InvalidVpcID.Duplicate', 'ec2:CreateVpc', `The vpc ID '${vpcId}' already exists`);
    if (input.cidrBlocks.length === 0) throw ec2Error('InvalidParameterValue', 'ec2:CreateVpc', 'a VPC needs a CIDR block');
    for (const block of input.cidrBlocks) mustCidr(block, 'ec2:CreateVpc');
    this.vpcs.set(vpcId, { vpcId, cidrBlocks: [...input.cidrBlocks] });
    const mainRouteTableId = this.createRouteTable(vpcId, input.mainRouteTableId);
    this.tables.get(mainRouteTableId)!.main = true;
    return { vpcId, mainRouteTableId };
  }

  createSubnet(input: { readonly vpcId: string; readonly cidr: string; readonly availabilityZone: string; readonly subnetId?: string }): string {
    const vpc = this.mustVpc(input.vpcId, 'ec2:CreateSubnet');
    const cidr = mustCidr(input.cidr, 'ec2:CreateSubnet');
    if (!vpc.cidrBlocks.some((b) => rangeContains(ipv4Range(b)!, cidr))) {
      throw ec2Error('InvalidSubnet.Range', 'ec2:CreateSubnet', `The CIDR '${input.cidr}' is invalid for the VPC ${input.vpcId} (${vpc.cidrBlocks.join(', ')}).`);
    }
    if ([...this.subnets.values()].some((s) => s.vpcId === input.vpcId && rangesOverlap(ipv4Range(s.cidr)!, cidr))) {
      throw ec2Error('InvalidSubnet.Conflict', 'ec2:CreateSubnet', `The CIDR '${input.cidr}' conflicts with another subnet`);
    }
    const subnetId = input.subnetId ?? `subnet-${hex(17)}`;
    this.subnets.set(subnetId, { subnetId, vpcId: input.vpcId, cidr: input.cidr, availabilityZone: input.availabilityZone, used: new Set() });
    return subnetId;
  }

  /** CreateRouteTable: a table with the VPC's `local` routes, used by no subnet yet. */
  createRouteTable(vpcId: string, routeTableId = `rtb-${hex(17)}`): string {
    const vpc = this.mustVpc(vpcId, 'ec2:CreateRouteTable');
    const routes: RouteState[] = vpc.cidrBlocks.map((block) => ({ destination: block, target: { kind: 'local', id: 'local' }, state: 'active' }));
    this.tables.set(routeTableId, { routeTableId, vpcId, main: false, subnetIds: new Set(), routes });
    return routeTableId;
  }

  /** AssociateRouteTable: the subnet uses this table from now on (leaving whichever it had). */
  associateRouteTable(routeTableId: string, subnetId: string): void {
    const table = this.mustTable(routeTableId, 'ec2:AssociateRouteTable');
    const subnet = this.subnets.get(subnetId);
    if (subnet === undefined || subnet.vpcId !== table.vpcId) {
      throw ec2Error('InvalidSubnetID.NotFound', 'ec2:AssociateRouteTable', `The subnet ID '${subnetId}' does not exist in ${table.vpcId}`);
    }
    for (const t of this.tables.values()) t.subnetIds.delete(subnetId);
    table.subnetIds.add(subnetId);
  }

  /** DisassociateRouteTable: the subnet falls back to its VPC's main table. */
  disassociateRouteTable(subnetId: string): void {
    for (const t of this.tables.values()) t.subnetIds.delete(subnetId);
  }

  /** ReplaceRouteTableAssociation of the main association: another table becomes the VPC's main one. */
  setMainRouteTable(routeTableId: string): void {
    const table = this.mustTable(routeTableId, 'ec2:ReplaceRouteTableAssociation');
    for (const t of this.tables.values()) if (t.vpcId === table.vpcId) t.main = t === table;
  }

  /**
   * CreateRoute. A peering target must be a connection of this VPC, a transit gateway one this VPC is attached
   * to (EC2 refuses both otherwise); the route starts `active`, or `blackhole` if its target is already gone.
   */
  createRoute(routeTableId: string, route: { readonly destination: string; readonly target: { readonly kind: RouteTargetKind; readonly id: string } }): void {
    const table = this.mustTable(routeTableId, 'ec2:CreateRoute');
    mustCidr(route.destination, 'ec2:CreateRoute');
    if (table.routes.some((r) => r.destination === route.destination)) {
      throw ec2Error('RouteAlreadyExists', 'ec2:CreateRoute', `The route identified by ${route.destination} already exists.`);
    }
    if (route.target.kind === 'local') throw ec2Error('InvalidParameterValue', 'ec2:CreateRoute', 'local routes come with the VPC');
    if (route.target.kind === 'peering') {
      const pcx = this.peerings.get(route.target.id);
      if (pcx === undefined || pcx.vpcId !== table.vpcId) {
        throw ec2Error('InvalidVpcPeeringConnectionID.NotFound', 'ec2:CreateRoute', `The vpcPeeringConnection ID '${route.target.id}' does not exist`);
      }
    }
    if (route.target.kind === 'transit-gateway' && ![...this.attachments.values()].some((a) => a.transitGatewayId === route.target.id && a.vpcId === table.vpcId)) {
      throw ec2Error('InvalidTransitGatewayID.NotFound', 'ec2:CreateRoute', `The transitGateway ID '${route.target.id}' is not attached to ${table.vpcId}`);
    }
    table.routes.push({ destination: route.destination, target: { ...route.target }, state: this.targetGone(route.target, table.vpcId) ? 'blackhole' : 'active' });
  }

  deleteRoute(routeTableId: string, destination: string): void {
    const table = this.mustTable(routeTableId, 'ec2:DeleteRoute');
    const route = table.routes.find((r) => r.destination === destination);
    if (route === undefined) throw ec2Error('InvalidRoute.NotFound', 'ec2:DeleteRoute', `no route with destination-cidr-block ${destination} in the route table ${routeTableId}`);
    if (route.target.kind === 'local') throw ec2Error('InvalidParameterValue', 'ec2:DeleteRoute', 'cannot remove local route');
    table.routes = table.routes.filter((r) => r !== route);
  }

  /** What EC2 shows when a route's target disappeared underneath it (any target kind, for tests). */
  blackholeRoute(routeTableId: string, destination: string): void {
    const route = this.mustTable(routeTableId, 'twin:blackholeRoute').routes.find((r) => r.destination === destination);
    if (route === undefined) throw new Error(`route table ${routeTableId} has no route to ${destination}`);
    route.state = 'blackhole';
    route.forced = true;
  }

  /** A peering connection of `vpcId` with the network `peerCidrBlock` (status `active` unless given). */
  createPeeringConnection(input: { readonly vpcId: string; readonly peerCidrBlock: string; readonly status?: string; readonly id?: string }): string {
    this.mustVpc(input.vpcId, 'ec2:CreateVpcPeeringConnection');
    mustCidr(input.peerCidrBlock, 'ec2:CreateVpcPeeringConnection');
    const id = input.id ?? `pcx-${hex(17)}`;
    this.peerings.set(id, { id, vpcId: input.vpcId, peerCidrBlock: input.peerCidrBlock, status: input.status ?? 'active' });
    return id;
  }

  /** `deleted` (and the other terminal states) turn every route through the connection into `blackhole`, as in EC2. */
  setPeeringStatus(id: string, status: string): void {
    const pcx = this.peerings.get(id);
    if (pcx === undefined) throw ec2Error('InvalidVpcPeeringConnectionID.NotFound', 'twin:setPeeringStatus', `The vpcPeeringConnection ID '${id}' does not exist`);
    pcx.status = status;
    this.refreshRouteStates();
  }

  /** A Transit Gateway VPC attachment (state `available` unless given); a new gateway id unless one is given. */
  createTransitGatewayAttachment(input: { readonly vpcId: string; readonly transitGatewayId?: string; readonly state?: string; readonly id?: string }): { readonly transitGatewayId: string; readonly attachmentId: string } {
    this.mustVpc(input.vpcId, 'ec2:CreateTransitGatewayVpcAttachment');
    const transitGatewayId = input.transitGatewayId ?? `tgw-${hex(17)}`;
    const attachmentId = input.id ?? `tgw-attach-${hex(17)}`;
    this.attachments.set(attachmentId, { id: attachmentId, transitGatewayId, vpcId: input.vpcId, state: input.state ?? 'available' });
    this.refreshRouteStates();
    return { transitGatewayId, attachmentId };
  }

  /** `deleted` turns the routes through the gateway into `blackhole`. */
  setTransitGatewayAttachmentState(attachmentId: string, state: string): void {
    const attachment = this.attachments.get(attachmentId);
    if (attachment === undefined) throw ec2Error('InvalidTransitGatewayAttachmentID.NotFound', 'twin:setTransitGatewayAttachmentState', `The transitGatewayAttachment ID '${attachmentId}' does not exist`);
    attachment.state = state;
    this.refreshRouteStates();
  }

  /** The table a subnet uses: its own association, else its VPC's main table. */
  routeTableOf(subnetId: string): string | undefined {
    const subnet = this.subnets.get(subnetId);
    if (subnet === undefined) return undefined;
    const tables = [...this.tables.values()].filter((t) => t.vpcId === subnet.vpcId);
    return (tables.find((t) => t.subnetIds.has(subnetId)) ?? tables.find((t) => t.main))?.routeTableId;
  }

  subnet(subnetId: string): { readonly subnetId: string; readonly vpcId: string; readonly cidr: string; readonly availabilityZone: string } | undefined {
    const s = this.subnets.get(subnetId);
    return s === undefined ? undefined : { subnetId: s.subnetId, vpcId: s.vpcId, cidr: s.cidr, availabilityZone: s.availabilityZone };
  }

  // Addresses (what an instance's network interface gets) ---------------------------------------------------

  /** The lowest free address of the subnet (EC2 reserves the first four and the last). */
  allocatePrivateAddress(subnetId: string): string {
    const subnet = this.subnets.get(subnetId);
    if (subnet === undefined) throw ec2Error('InvalidSubnetID.NotFound', 'ec2:CreateNetworkInterface', `The subnet ID '${subnetId}' does not exist`);
    const { base, bits } = ipv4Range(subnet.cidr)!;
    const size = 2 ** (32 - bits);
    for (let offset = 4; offset < size - 1; offset++) {
      if (subnet.used.has(base + offset)) continue;
      subnet.used.add(base + offset);
      return ipv4Text(base + offset);
    }
    throw ec2Error('InsufficientFreeAddressesInSubnet', 'ec2:CreateNetworkInterface', `The specified subnet ${subnetId} does not have enough free addresses to satisfy the request.`);
  }

  /** A public address from 198.51.100.0/24 (documentation range, so never a real host). */
  allocatePublicAddress(): string {
    for (let offset = 10; offset < 255; offset++) {
      if (this.publicUsed.has(PUBLIC_RANGE.base + offset)) continue;
      this.publicUsed.add(PUBLIC_RANGE.base + offset);
      return ipv4Text(PUBLIC_RANGE.base + offset);
    }
    throw ec2Error('AddressLimitExceeded', 'ec2:AllocateAddress', 'The maximum number of addresses has been reached.');
  }

  releaseAddress(address: string): void {
    const ip = ipv4(address);
    if (ip === undefined) return;
    this.publicUsed.delete(ip);
    for (const s of this.subnets.values()) s.used.delete(ip);
  }

  /** The subnet an address of `vpcId` lies in. */
  subnetOfAddress(vpcId: string, address: string): string | undefined {
    const ip = ipv4Range(address, { bareAddress: true });
    if (ip === undefined) return undefined;
    return [...this.subnets.values()].find((s) => s.vpcId === vpcId && rangeContains(ipv4Range(s.cidr)!, ip))?.subnetId;
  }

  // The checks the pipeline emulator makes on each connect (in memory and synchronous: they must stay cheap) --

  /**
   * Why answers from `subnetId` to a private `source` (the Redpanda network's CIDR) get nowhere: the subnet's route
   * table must send that CIDR, by its most specific route, through an `active` peering connection leading there or
   * a transit gateway this VPC has an `available` attachment to, and the route itself must be `active`.
   */
  privateRouteProblem(subnetId: string, source: string): string | undefined {
    const subnet = this.subnets.get(subnetId);
    const sourceCidr = ipv4Range(source, { bareAddress: true });
    if (subnet === undefined || sourceCidr === undefined) return `subnet ${subnetId} or source ${source} is unknown to the twin`;
    const tableId = this.routeTableOf(subnetId);
    const table = tableId === undefined ? undefined : this.tables.get(tableId);
    if (table === undefined) return `subnet ${subnetId} has no route table`;
    const which = `route table ${table.routeTableId}${table.main ? ' (main)' : ''} of subnet ${subnetId}`;
    let best: RouteState | undefined;
    let bestBits = -1;
    for (const r of table.routes) {
      const dest = ipv4Range(r.destination);
      if (dest !== undefined && rangeContains(dest, sourceCidr) && dest.bits > bestBits) {
        best = r;
        bestBits = dest.bits;
      }
    }
    if (best === undefined) return `${which} has no route to ${source}`;
    const through = `${best.destination} → ${best.target.id}`;
    if (best.target.kind !== 'peering' && best.target.kind !== 'transit-gateway') {
      return `${which} sends ${source} by ${through} (${best.target.kind}), not through a peering connection or transit gateway`;
    }
    if (best.state !== 'active') return `${which}: the route ${through} is ${best.state}`;
    if (best.target.kind === 'peering') {
      const pcx = this.peerings.get(best.target.id);
      if (pcx === undefined) return `${which}: peering connection ${best.target.id} does not exist`;
      if (pcx.status !== 'active') return `${which}: peering connection ${pcx.id} is ${pcx.status}, not active`;
      if (!rangeContains(ipv4Range(pcx.peerCidrBlock)!, sourceCidr)) return `${which}: peering connection ${pcx.id} leads to ${pcx.peerCidrBlock}, which does not hold ${source}`;
      return undefined;
    }
    const attachment = [...this.attachments.values()].find((a) => a.transitGatewayId === best.target.id && a.vpcId === subnet.vpcId && a.state !== 'deleted');
    if (attachment === undefined) return `${which}: ${subnet.vpcId} has no attachment to transit gateway ${best.target.id}`;
    if (attachment.state !== 'available') return `${which}: transit gateway attachment ${attachment.id} is ${attachment.state}, not available`;
    return undefined;
  }

  /** Why no group of `groupIds` admits `source` (a CIDR or address) on `port`; undefined when one does. */
  ingressProblem(groupIds: readonly string[], source: string, port: number): string | undefined {
    const sourceCidr = ipv4Range(source, { bareAddress: true });
    if (sourceCidr === undefined) return `source ${source} is not an IPv4 address or CIDR`;
    for (const id of groupIds) {
      for (const rule of this.groups.get(id)?.ingress ?? []) {
        const allowed = ipv4Range(rule.cidr);
        if (rule.port === port && allowed !== undefined && rangeContains(allowed, sourceCidr)) return undefined;
      }
    }
    return groupIds.length === 0 ? `the cluster has no security group: nothing admits ${source} on port ${port}` : `no rule of ${groupIds.join(', ')} admits ${source} on port ${port}`;
  }

  snapshot(): unknown[] {
    return [...this.groups.values()]
      .sort((a, b) => (a.name === b.name ? (a.groupId < b.groupId ? -1 : 1) : a.name < b.name ? -1 : 1))
      .map((g) => ({
        groupId: g.groupId,
        name: g.name,
        vpcId: g.vpcId,
        description: g.description,
        tags: sortedRecord(g.tags),
        ingress: [...g.ingress].sort((a, b) => (a.cidr === b.cidr ? a.port - b.port : a.cidr < b.cidr ? -1 : 1)),
      }));
  }

  /** VPCs, subnets, route tables, peering connections and TGW attachments (addresses show with their clusters). */
  networkSnapshot(): Record<string, unknown[]> {
    const byId = <T>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : 1);
    return {
      vpcs: [...this.vpcs.values()].sort(byId((v) => v.vpcId)).map((v) => copy(v)),
      subnets: [...this.subnets.values()]
        .sort(byId((s) => s.subnetId))
        .map((s) => ({ subnetId: s.subnetId, vpcId: s.vpcId, cidr: s.cidr, availabilityZone: s.availabilityZone })),
      routeTables: [...this.tables.values()]
        .sort(byId((t) => t.routeTableId))
        .map((t) => ({
          routeTableId: t.routeTableId,
          vpcId: t.vpcId,
          main: t.main,
          subnetIds: [...t.subnetIds].sort(),
          routes: t.routes.map((r) => ({ destination: r.destination, target: { ...r.target }, state: r.state })),
        })),
      peeringConnections: [...this.peerings.values()].sort(byId((p) => p.id)).map((p) => copy(p)),
      transitGatewayAttachments: [...this.attachments.values()].sort(byId((a) => a.id)).map((a) => copy(a)),
    };
  }

  private targetGone(target: { readonly kind: RouteTargetKind; readonly id: string }, vpcId: string): boolean {
    if (target.kind === 'peering') {
      const pcx = this.peerings.get(target.id);
      return pcx === undefined || PEERING_GONE.includes(pcx.status);
    }
    if (target.kind === 'transit-gateway') {
      return ![...this.attachments.values()].some((a) => a.transitGatewayId === target.id && a.vpcId === vpcId && a.state !== 'deleted');
    }
    return false;
  }

  /** EC2 turns a route `blackhole` when its target goes, and `active` again when it comes back (a TGW re-attached). */
  private refreshRouteStates(): void {
    for (const t of this.tables.values()) {
      for (const r of t.routes) {
        if (!r.forced && (r.target.kind === 'peering' || r.target.kind === 'transit-gateway')) r.state = this.targetGone(r.target, t.vpcId) ? 'blackhole' : 'active';
      }
    }
  }

  private view(group: GroupState): GroupView {
    return { groupId: group.groupId, name: group.name, ingress: copy(group.ingress), tags: { ...group.tags } };
  }

  private mustGroup(groupId: string, action: string): GroupState {
    const group = this.groups.get(groupId);
    if (group === undefined) {
      const e = new Error(`${action} on ${groupId} failed: InvalidGroup.NotFound: The security group '${groupId}' does not exist`);
      e.name = 'InvalidGroup.NotFound';
      throw e;
    }
    return group;
  }

  private mustVpc(vpcId: string, action: string): VpcState {
    const vpc = this.vpcs.get(vpcId);
    if (vpc === undefined) throw ec2Error('InvalidVpcID.NotFound', action, `The vpc ID '${vpcId}' does not exist`);
    return vpc;
  }

  private mustTable(routeTableId: string, action: string): RouteTableState {
    const table = this.tables.get(routeTableId);
    if (table === undefined) throw ec2Error('InvalidRouteTableID.NotFound', action, `The routeTable ID '${routeTableId}' does not exist`);
    return table;
  }
}

function mustCidr(text: string, action: string): Ipv4Range {
  const cidr = ipv4Range(text);
  if (cidr === undefined) throw ec2Error('InvalidParameterValue', action, `Value (${text}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  return cidr;
}
