// Where new Aurora clusters go (config `network`): a VPC created here (public and isolated subnets, no NAT
// gateway, flow logs, a DB subnet group), an existing VPC and DB subnet group, or none (RDS's default VPC).
// The Lambdas do not run in it: they reach AWS and Redpanda Cloud APIs over the public endpoints.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import type { NetworkConfig } from '../config.js';
import { CREATED_DB_SUBNET_GROUP_NAME } from '../names.js';

export interface LinkNetworkProps {
  readonly network: NetworkConfig;
  readonly logRetention: RetentionDays;
}

export class LinkNetwork extends Construct {
  /** VPC of the links' security groups (VPC_ID); undefined in mode `none`. */
  readonly vpcId?: string;
  /** DB subnet group of new clusters (DB_SUBNET_GROUP); undefined in mode `none`. */
  readonly dbSubnetGroupName?: string;
  readonly vpc?: ec2.Vpc;

  constructor(scope: Construct, id: string, props: LinkNetworkProps) {
    super(scope, id);
    const { network } = props;
    if (network.mode === 'none') return;
    if (network.mode === 'existing') {
      this.vpcId = network.vpcId;
      this.dbSubnetGroupName = network.dbSubnetGroupName;
      return;
    }

    const flowLogs = new LogGroup(this, 'FlowLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(network.cidr),
      // Named zones: synth needs no availability-zone lookup (and so no credentials).
      availabilityZones: [...network.availabilityZones],
      natGateways: 0,
      subnetConfiguration: [
        // RDS gives a publicly accessible instance its address; nothing else launched here gets one.
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      // Every link gets its own security group; the default group is unused. Restricting it would add a
      // custom-resource Lambda to the stack for no gain here.
      restrictDefaultSecurityGroup: false,
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL } },
    });
    // The zones are named in the configuration on purpose: an env-specific stack would otherwise look them up.
    Validations.of(this.vpc).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason: 'The availability zones come from config network.availabilityZones, so synth needs no lookup and no credentials.',
    });
    const subnetGroup = new rds.SubnetGroup(this, 'DbSubnetGroup', {
      subnetGroupName: CREATED_DB_SUBNET_GROUP_NAME,
      description: `rpcn-aurora: ${network.dbSubnets} subnets of the rpcn-aurora VPC, for the links' Aurora clusters`,
      vpc: this.vpc,
      vpcSubnets: { subnetType: network.dbSubnets === 'public' ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_ISOLATED },
    });
    this.vpcId = this.vpc.vpcId;
    this.dbSubnetGroupName = subnetGroup.subnetGroupName;
  }
}
