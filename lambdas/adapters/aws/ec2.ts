// NetworkPort over @aws-sdk/client-ec2: the link's security group and its ingress rules, and the read-only view
// of the network path a private link needs (VPC CIDRs, the DB subnets' route tables, peering and TGW state).
import {
  DescribeRouteTablesCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  type Route,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
  type IpPermission,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { ResourceBusyError, ResourceConflictError } from '../../core/errors.js';
import { LINK_TAG_KEY } from '../../core/naming.js';
import type { IngressRule, NetworkInterfaceView, NetworkPort, RouteTableView, RouteView, SecurityGroupDeletion } from '../../ports/aurora.js';
import { isAwsError, mapAwsError } from './errors.js';
import { fromAwsTags, toAwsTags } from './tags.js';

const GROUP_NOT_FOUND = ['InvalidGroup.NotFound', 'InvalidGroupId.NotFound'];

type SecurityGroupView = NonNullable<Awaited<ReturnType<NetworkPort['describeSecurityGroup']>>>;

export class Ec2NetworkAdapter implements NetworkPort {
  // Groups this adapter created, by id: EC2 reports no creation time, so only a create seen here counts.
  private readonly created = new Map<string, Date>();

  constructor(private readonly ec2: EC2Client) {}

  async ensureSecurityGroup(input: Parameters<NetworkPort['ensureSecurityGroup']>[0]): Promise<{ readonly groupId: string; readonly created: boolean }> {
    const link = input.tags[LINK_TAG_KEY];
    if (link === undefined) throw new Error(`ensureSecurityGroup(${input.name}): tags must include ${LINK_TAG_KEY}`);

    const existing = await this.findByName(input.name, input.vpcId);
    if (existing !== undefined) return { groupId: this.checkOwned(existing, input.name, link), created: false };

    try {
      const out = await this.ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: input.name,
          Description: input.description,
          VpcId: input.vpcId,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: toAwsTags(input.tags) }],
        }),
      );
      if (out.GroupId === undefined) throw new Error(`ec2:CreateSecurityGroup ${input.name} returned no GroupId`);
      this.created.set(out.GroupId, new Date());
      return { groupId: out.GroupId, created: true };
    } catch (e) {
      if (!isAwsError(e, 'InvalidGroup.Duplicate')) throw mapAwsError(e, { action: 'ec2:CreateSecurityGroup', resource: input.name });
    }
    // Lost a race with a parallel run of the same link: adopt what it created.
    const raced = await this.findByName(input.name, input.vpcId);
    if (raced === undefined) throw new ResourceBusyError(`security group ${input.name} exists in ${input.vpcId} but cannot be described yet`);
    return { groupId: this.checkOwned(raced, input.name, link), created: false };
  }

  // A group with our name that is not tagged for this link is somebody else's: never adopt it (docs/architecture.md#security-and-reliability-rules).
  private checkOwned(group: SecurityGroup, name: string, link: string): string {
    const tags = fromAwsTags(group.Tags);
    if (tags[LINK_TAG_KEY] !== link) {
      throw new ResourceConflictError(
        `security group ${name} (${group.GroupId ?? '?'}) exists in ${group.VpcId ?? 'the VPC'} but is not link "${link}"'s ` +
          `(expected tag ${LINK_TAG_KEY}=${link}); delete or rename it, or choose another link name`,
      );
    }
    if (group.GroupId === undefined) throw new Error(`security group ${name} has no GroupId`);
    return group.GroupId;
  }

  private async findByName(name: string, vpcId: string): Promise<SecurityGroup | undefined> {
    try {
      const out = await this.ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'group-name', Values: [name] },
            { Name: 'vpc-id', Values: [vpcId] },
          ],
        }),
      );
      return out.SecurityGroups?.[0];
    } catch (e) {
      throw mapAwsError(e, { action: 'ec2:DescribeSecurityGroups', resource: `${name} in ${vpcId}` });
    }
  }

  async describeSecurityGroup(groupId: string): Promise<SecurityGroupView | undefined> {
    let group: SecurityGroup | undefined;
    try {
      const out = await this.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
      group = out.SecurityGroups?.[0];
    } catch (e) {
      if (isAwsError(e, ...GROUP_NOT_FOUND)) return undefined;
      throw mapAwsError(e, { action: 'ec2:DescribeSecurityGroups', resource: groupId });
    }
    if (group === undefined) return undefined;
    return {
      groupId: group.GroupId ?? groupId,
      name: group.GroupName ?? '',
      ingress: (group.IpPermissions ?? []).flatMap(toIngressRules),
      tags: fromAwsTags(group.Tags),
    };
  }

  async authorizeIngress(groupId: string, rules: readonly IngressRule[]): Promise<{ readonly added: number }> {
    let added = 0;
    // One rule per call: the API rejects a whole batch when any one rule already exists.
    for (const rule of rules) {
      try {
        await this.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [toIpPermission(rule, true)] }));
        added++;
      } catch (e) {
        if (isAwsError(e, 'InvalidPermission.Duplicate')) continue;
        // Our grant allows ingress only on groups tagged for a link (aws:ResourceTag), which a new group may not show yet.
        throw mapAwsError(e, { action: 'ec2:AuthorizeSecurityGroupIngress', resource: `${groupId} ${rule.cidr}:${rule.port}`, ownCreatedAt: this.created.get(groupId) });
      }
    }
    return { added };
  }

  async revokeIngress(groupId: string, rules: readonly IngressRule[]): Promise<void> {
    for (const rule of rules) {
      try {
        // Revoke matches on protocol, ports and CIDR; a description would only risk a mismatch.
        await this.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [toIpPermission(rule, false)] }));
      } catch (e) {
        if (isAwsError(e, 'InvalidPermission.NotFound', ...GROUP_NOT_FOUND)) continue;
        throw mapAwsError(e, { action: 'ec2:RevokeSecurityGroupIngress', resource: `${groupId} ${rule.cidr}:${rule.port}` });
      }
    }
  }

  async deleteSecurityGroup(groupId: string): Promise<SecurityGroupDeletion> {
    try {
      await this.ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
      return { deleted: true };
    } catch (e) {
      if (isAwsError(e, ...GROUP_NOT_FOUND)) return { deleted: true };
      // A deleted cluster's network interfaces keep the group until RDS releases them, minutes later: the caller waits.
      if (isAwsError(e, 'DependencyViolation')) return { deleted: false, dependencyViolation: `DependencyViolation: ${e instanceof Error ? e.message : String(e)}` };
      throw mapAwsError(e, { action: 'ec2:DeleteSecurityGroup', resource: groupId });
    }
  }

  async describeNetworkInterfaces(groupId: string): Promise<readonly NetworkInterfaceView[]> {
    const views: NetworkInterfaceView[] = [];
    let nextToken: string | undefined;
    do {
      try {
        const out = await this.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }], NextToken: nextToken }));
        for (const eni of out.NetworkInterfaces ?? []) {
          if (eni.NetworkInterfaceId === undefined) continue;
          views.push({
            id: eni.NetworkInterfaceId,
            description: eni.Description ?? '',
            status: eni.Status ?? 'unknown',
            ...(eni.RequesterId !== undefined && { requesterId: eni.RequesterId }),
            ...(eni.Attachment?.Status !== undefined && { attachmentStatus: eni.Attachment.Status }),
          });
        }
        nextToken = out.NextToken;
      } catch (e) {
        throw mapAwsError(e, { action: 'ec2:DescribeNetworkInterfaces', resource: groupId });
      }
    } while (nextToken);
    return views;
  }

  async describeVpc(vpcId: string): Promise<{ readonly vpcId: string; readonly cidrBlocks: readonly string[] } | undefined> {
    try {
      const vpc = (await this.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0];
      if (vpc === undefined) return undefined;
      const blocks = (vpc.CidrBlockAssociationSet ?? []).filter((a) => a.CidrBlockState?.State === 'associated').flatMap((a) => (a.CidrBlock ? [a.CidrBlock] : []));
      return { vpcId, cidrBlocks: blocks.length > 0 ? blocks : vpc.CidrBlock ? [vpc.CidrBlock] : [] };
    } catch (e) {
      if (isAwsError(e, 'InvalidVpcID.NotFound')) return undefined;
      throw mapAwsError(e, { action: 'ec2:DescribeVpcs', resource: vpcId });
    }
  }

  async describeRouteTables(vpcId: string, subnetIds: readonly string[]): Promise<readonly RouteTableView[]> {
    let tables;
    try {
      tables = (await this.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).RouteTables ?? [];
    } catch (e) {
      throw mapAwsError(e, { action: 'ec2:DescribeRouteTables', resource: vpcId });
    }
    // A subnet without a table of its own uses the VPC's main table.
    const own = new Map<string, string>();
    for (const t of tables) for (const a of t.Associations ?? []) if (a.SubnetId && t.RouteTableId) own.set(a.SubnetId, t.RouteTableId);
    const main = tables.find((t) => (t.Associations ?? []).some((a) => a.Main === true));
    const views: RouteTableView[] = [];
    for (const t of tables) {
      if (t.RouteTableId === undefined) continue;
      const isMain = t === main;
      const users = subnetIds.filter((sn) => own.get(sn) === t.RouteTableId || (isMain && !own.has(sn)));
      if (users.length === 0) continue;
      views.push({ routeTableId: t.RouteTableId, subnetIds: users, main: isMain, routes: (t.Routes ?? []).flatMap(toRouteView) });
    }
    return views;
  }

  async describePeeringConnection(id: string): Promise<{ readonly id: string; readonly status: string } | undefined> {
    try {
      const pcx = (await this.ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }))).VpcPeeringConnections?.[0];
      return pcx === undefined ? undefined : { id, status: pcx.Status?.Code ?? 'unknown' };
    } catch (e) {
      if (isAwsError(e, 'InvalidVpcPeeringConnectionID.NotFound')) return undefined;
      throw mapAwsError(e, { action: 'ec2:DescribeVpcPeeringConnections', resource: id });
    }
  }

  async describeTransitGatewayAttachment(transitGatewayId: string, vpcId: string): Promise<{ readonly id: string; readonly state: string } | undefined> {
    let attachments;
    try {
      const filters = [
        { Name: 'transit-gateway-id', Values: [transitGatewayId] },
        { Name: 'vpc-id', Values: [vpcId] },
      ];
      attachments = (await this.ec2.send(new DescribeTransitGatewayVpcAttachmentsCommand({ Filters: filters }))).TransitGatewayVpcAttachments ?? [];
    } catch (e) {
      throw mapAwsError(e, { action: 'ec2:DescribeTransitGatewayVpcAttachments', resource: transitGatewayId });
    }
    const attachment = attachments.find((a) => a.State !== 'deleted') ?? attachments[0];
    return attachment?.TransitGatewayAttachmentId === undefined ? undefined : { id: attachment.TransitGatewayAttachmentId, state: attachment.State ?? 'unknown' };
  }
}

function isIpv6(cidr: string): boolean {
  return cidr.includes(':');
}

function toIpPermission(rule: IngressRule, withDescription: boolean): IpPermission {
  const description = withDescription ? { Description: rule.description } : {};
  return {
    IpProtocol: 'tcp',
    FromPort: rule.port,
    ToPort: rule.port,
    ...(isIpv6(rule.cidr) ? { Ipv6Ranges: [{ CidrIpv6: rule.cidr, ...description }] } : { IpRanges: [{ CidrIp: rule.cidr, ...description }] }),
  };
}

// IngressRule is one TCP port and one CIDR; other permissions (port ranges, other protocols, group
// references) cannot be expressed by the port and are not ours, so they are left out.
function toIngressRules(p: IpPermission): IngressRule[] {
  if (p.IpProtocol !== 'tcp' || p.FromPort === undefined || p.FromPort !== p.ToPort) return [];
  const port = p.FromPort;
  return [
    ...(p.IpRanges ?? []).flatMap((r) => (r.CidrIp === undefined ? [] : [{ cidr: r.CidrIp, port, description: r.Description ?? '' }])),
    ...(p.Ipv6Ranges ?? []).flatMap((r) => (r.CidrIpv6 === undefined ? [] : [{ cidr: r.CidrIpv6, port, description: r.Description ?? '' }])),
  ];
}

function toRouteView(r: Route): RouteView[] {
  if (r.DestinationCidrBlock === undefined) return [];
  const target: RouteView['target'] = r.VpcPeeringConnectionId
    ? { kind: 'peering', id: r.VpcPeeringConnectionId }
    : r.TransitGatewayId
      ? { kind: 'transit-gateway', id: r.TransitGatewayId }
      : r.NatGatewayId
        ? { kind: 'nat-gateway', id: r.NatGatewayId }
        : r.GatewayId === 'local'
          ? { kind: 'local', id: 'local' }
          : r.GatewayId?.startsWith('igw-')
            ? { kind: 'internet-gateway', id: r.GatewayId }
            : { kind: 'other', id: r.GatewayId ?? r.NetworkInterfaceId ?? r.InstanceId ?? '' };
  return [{ destination: r.DestinationCidrBlock, target, state: r.State ?? 'active' }];
}
