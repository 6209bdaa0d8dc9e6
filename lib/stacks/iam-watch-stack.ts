// RpcnAurora-IamWatch-<account>, in us-east-1 of each watched account (IAM's CloudTrail events reach
// EventBridge only there, docs/reference/aws.md A5): one rule on the default bus matching the IAM writes
// that can break a link (lib/iam-watch-pattern.ts), forwarding them to the `rpcn-aurora` bus in D through a
// role that may do nothing but events:PutEvents on that bus.
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { iamWatchPattern, type WatchTarget } from '../iam-watch-pattern.js';
import { IAM_WATCH_RULE_NAME, iamWatchRuleArn } from '../names.js';

export interface IamWatchStackProps extends StackProps {
  readonly target: WatchTarget;
  /** The `rpcn-aurora` event bus in D. */
  readonly busArn: string;
}

export class IamWatchStack extends Stack {
  readonly rule: events.Rule;
  readonly forwardRole: iam.Role;

  constructor(scope: Construct, id: string, props: IamWatchStackProps) {
    super(scope, id, props);
    const { target } = props;

    this.forwardRole = new iam.Role(this, 'ForwardRole', {
      description: 'rpcn-aurora: lets the IAM-watch rule put the events it matches on the rpcn-aurora bus of the DB account',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': target.account }, ArnEquals: { 'aws:SourceArn': iamWatchRuleArn(target.account) } },
      }),
    });
    this.forwardRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [props.busArn] }));

    this.rule = new events.Rule(this, 'Rule', {
      ruleName: IAM_WATCH_RULE_NAME,
      description: `rpcn-aurora: IAM changes to the roles and users links depend on in ${target.account}, forwarded to the DB account`,
      eventPattern: toCdkPattern(iamWatchPattern(target)),
    });
    this.rule.addTarget(
      new targets.EventBus(events.EventBus.fromEventBusArn(this, 'DbAccountBus', props.busArn), { role: this.forwardRole }),
    );
  }
}

/** CDK spells `detail-type` as `detailType` (and renders it back); everything else passes through as is. */
function toCdkPattern(pattern: Record<string, unknown>): events.EventPattern {
  const { 'detail-type': detailType, ...rest } = pattern;
  return { ...rest, ...(detailType !== undefined && { detailType: detailType as string[] }) } as events.EventPattern;
}
