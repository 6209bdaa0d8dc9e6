import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { Ec2NetworkAdapter } from '../../lambdas/adapters/aws/ec2.js';
import { LINK_TAG_KEY } from '../../lambdas/core/naming.js';
import type { IngressRule } from '../../lambdas/ports/aurora.js';

const ec2Mock = mockClient(EC2Client);
const adapter = () => new Ec2NetworkAdapter(new EC2Client({ region: 'us-east-2' }));
// EC2 errors are not modelled by the SDK: they arrive as service exceptions named by their code.
const ec2Error = (name: string) => new EC2ServiceException({ name, $fault: 'client', message: `${name} happened`, $metadata: {} });

const TAGS = { [LINK_TAG_KEY]: 'orders' };
const sgInput = { name: 'rpcn-aurora-orders', vpcId: 'vpc-1', description: 'Redpanda NAT IPs to Aurora', tags: TAGS };
const rules: IngressRule[] = [
  { cidr: '203.0.113.10/32', port: 5432, description: 'Redpanda NAT 1' },
  { cidr: '203.0.113.11/32', port: 5432, description: 'Redpanda NAT 2' },
];

beforeEach(() => ec2Mock.reset());

describe('ensureSecurityGroup', () => {
  test('creates the group, tagged, in the VPC when none by that name exists', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2Mock.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-new' });
    await expect(adapter().ensureSecurityGroup(sgInput)).resolves.toEqual({ groupId: 'sg-new', created: true });
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]!.args[0].input).toEqual({
      Filters: [
        { Name: 'group-name', Values: ['rpcn-aurora-orders'] },
        { Name: 'vpc-id', Values: ['vpc-1'] },
      ],
    });
    expect(ec2Mock.commandCalls(CreateSecurityGroupCommand)[0]!.args[0].input).toEqual({
      GroupName: 'rpcn-aurora-orders',
      Description: 'Redpanda NAT IPs to Aurora',
      VpcId: 'vpc-1',
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: LINK_TAG_KEY, Value: 'orders' }] }],
    });
  });

  test('adopts the link’s existing group without creating one', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-old', VpcId: 'vpc-1', Tags: [{ Key: LINK_TAG_KEY, Value: 'orders' }] }] });
    await expect(adapter().ensureSecurityGroup(sgInput)).resolves.toEqual({ groupId: 'sg-old', created: false });
    expect(ec2Mock.commandCalls(CreateSecurityGroupCommand)).toHaveLength(0);
  });

  test('a group by that name that is not the link’s is a ResourceConflictError', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-theirs', Tags: [] }] });
    await expect(adapter().ensureSecurityGroup(sgInput)).rejects.toMatchObject({ name: 'ResourceConflictError' });
  });

  test('InvalidGroup.Duplicate (a parallel run won) adopts the group it made', async () => {
    ec2Mock
      .on(DescribeSecurityGroupsCommand)
      .resolvesOnce({ SecurityGroups: [] })
      .resolves({ SecurityGroups: [{ GroupId: 'sg-raced', Tags: [{ Key: LINK_TAG_KEY, Value: 'orders' }] }] });
    ec2Mock.on(CreateSecurityGroupCommand).rejects(ec2Error('InvalidGroup.Duplicate'));
    await expect(adapter().ensureSecurityGroup(sgInput)).resolves.toEqual({ groupId: 'sg-raced', created: false });
  });

  test('throttling and missing permissions map to named errors', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(ec2Error('RequestLimitExceeded'));
    await expect(adapter().ensureSecurityGroup(sgInput)).rejects.toMatchObject({ name: 'AwsThrottledError' });
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(ec2Error('UnauthorizedOperation'));
    await expect(adapter().ensureSecurityGroup(sgInput)).rejects.toMatchObject({ name: 'StepAccessDeniedError' });
  });
});

describe('describeSecurityGroup', () => {
  test('maps single-port TCP rules (IPv4 and IPv6) and tags; other permissions are left out', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand, { GroupIds: ['sg-1'] }).resolves({
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          GroupName: 'rpcn-aurora-orders',
          Tags: [{ Key: LINK_TAG_KEY, Value: 'orders' }],
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 5432,
              ToPort: 5432,
              IpRanges: [{ CidrIp: '203.0.113.10/32', Description: 'Redpanda NAT 1' }],
              Ipv6Ranges: [{ CidrIpv6: '2001:db8::1/128' }],
            },
            { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
            { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        },
      ],
    });
    await expect(adapter().describeSecurityGroup('sg-1')).resolves.toEqual({
      groupId: 'sg-1',
      name: 'rpcn-aurora-orders',
      ingress: [
        { cidr: '203.0.113.10/32', port: 5432, description: 'Redpanda NAT 1' },
        { cidr: '2001:db8::1/128', port: 5432, description: '' },
      ],
      tags: { [LINK_TAG_KEY]: 'orders' },
    });
  });

  test('InvalidGroup.NotFound is undefined', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(ec2Error('InvalidGroup.NotFound'));
    await expect(adapter().describeSecurityGroup('sg-gone')).resolves.toBeUndefined();
  });
});

describe('ingress', () => {
  test('authorizeIngress sends one rule per call and counts duplicates as present, not added', async () => {
    ec2Mock
      .on(AuthorizeSecurityGroupIngressCommand)
      .resolvesOnce({ Return: true })
      .rejectsOnce(ec2Error('InvalidPermission.Duplicate'));
    await expect(adapter().authorizeIngress('sg-1', rules)).resolves.toEqual({ added: 1 });
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '203.0.113.10/32', Description: 'Redpanda NAT 1' }] }] },
      { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '203.0.113.11/32', Description: 'Redpanda NAT 2' }] }] },
    ]);
  });

  test('an IPv6 CIDR goes into Ipv6Ranges', async () => {
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves({ Return: true });
    await adapter().authorizeIngress('sg-1', [{ cidr: '2001:db8::1/128', port: 3306, description: 'v6' }]);
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)[0]!.args[0].input.IpPermissions).toEqual([
      { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, Ipv6Ranges: [{ CidrIpv6: '2001:db8::1/128', Description: 'v6' }] },
    ]);
  });

  test('authorizeIngress surfaces other errors by name', async () => {
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).rejects(ec2Error('RulesPerSecurityGroupLimitExceeded'));
    await expect(adapter().authorizeIngress('sg-1', rules)).rejects.toMatchObject({ name: 'RulesPerSecurityGroupLimitExceeded' });
  });

  test('revokeIngress tolerates InvalidPermission.NotFound and sends no description', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejectsOnce(ec2Error('InvalidPermission.NotFound')).resolves({ Return: true });
    await expect(adapter().revokeIngress('sg-1', rules)).resolves.toBeUndefined();
    const sent = ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual({ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '203.0.113.11/32' }] }] });
  });
});

describe('deleteSecurityGroup', () => {
  test('tolerates InvalidGroup.NotFound', async () => {
    ec2Mock.on(DeleteSecurityGroupCommand).rejects(ec2Error('InvalidGroup.NotFound'));
    await expect(adapter().deleteSecurityGroup('sg-gone')).resolves.toEqual({ deleted: true });
  });

  test("DependencyViolation (cluster ENIs not released yet) is not deleted, with EC2's message, for the caller to wait on", async () => {
    ec2Mock.on(DeleteSecurityGroupCommand).rejects(
      new EC2ServiceException({ name: 'DependencyViolation', $fault: 'client', message: 'resource sg-1 has a dependent object', $metadata: {} }),
    );
    await expect(adapter().deleteSecurityGroup('sg-1')).resolves.toEqual({ deleted: false, dependencyViolation: 'DependencyViolation: resource sg-1 has a dependent object' });
  });

  test('deletes by id', async () => {
    ec2Mock.on(DeleteSecurityGroupCommand).resolves({});
    await expect(adapter().deleteSecurityGroup('sg-1')).resolves.toEqual({ deleted: true });
    expect(ec2Mock.commandCalls(DeleteSecurityGroupCommand)[0]!.args[0].input).toEqual({ GroupId: 'sg-1' });
  });
});

describe('describeNetworkInterfaces', () => {
  test('lists the interfaces using the group, across pages, with who holds them', async () => {
    ec2Mock
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({
        NetworkInterfaces: [
          { NetworkInterfaceId: 'eni-1', Description: 'RDSNetworkInterface', Status: 'in-use', RequesterId: 'amazon-rds', Attachment: { Status: 'attached' } },
        ],
        NextToken: 'p2',
      })
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-2', Description: 'RDSNetworkInterface', Status: 'available' }] });
    await expect(adapter().describeNetworkInterfaces('sg-1')).resolves.toEqual([
      { id: 'eni-1', description: 'RDSNetworkInterface', status: 'in-use', requesterId: 'amazon-rds', attachmentStatus: 'attached' },
      { id: 'eni-2', description: 'RDSNetworkInterface', status: 'available' },
    ]);
    const calls = ec2Mock.commandCalls(DescribeNetworkInterfacesCommand);
    expect(calls[0]!.args[0].input).toEqual({ Filters: [{ Name: 'group-id', Values: ['sg-1'] }], NextToken: undefined });
    expect(calls[1]!.args[0].input.NextToken).toBe('p2');
  });

  test('an access denial is the step role lacking ec2:DescribeNetworkInterfaces', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(ec2Error('UnauthorizedOperation'));
    await expect(adapter().describeNetworkInterfaces('sg-1')).rejects.toMatchObject({ name: 'StepAccessDeniedError', message: expect.stringContaining('ec2:DescribeNetworkInterfaces') });
  });
});

describe('AccessDenied right after our own CreateSecurityGroup', () => {
  test('UnauthorizedOperation on the ingress of a group this adapter just created is propagation (retried)', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2Mock.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-new' });
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).rejects(ec2Error('UnauthorizedOperation'));
    const a = adapter();
    const { groupId } = await a.ensureSecurityGroup(sgInput);
    const err = await a.authorizeIngress(groupId, rules).then(() => undefined, (e: Error) => e);
    expect(err?.name).toBe('IamPropagationError');
    expect(err?.message).toMatch(/^\[access-denied-after-create\] ec2:AuthorizeSecurityGroupIngress on sg-new .*s after sg-new .* was created by this workflow/);
  });

  test('UnauthorizedOperation on a group this adapter did not create stays StepAccessDeniedError', async () => {
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).rejects(ec2Error('UnauthorizedOperation'));
    await expect(adapter().authorizeIngress('sg-old', rules)).rejects.toMatchObject({ name: 'StepAccessDeniedError' });
  });
});
