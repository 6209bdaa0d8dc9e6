// CloudTrail-shaped EventBridge events for IAM writes (emulated delivery). In AWS these need a trail and
// arrive best effort, only in us-east-1 (docs/reference/aws.md A5); the twin emits one per mutating IAM
// call, synchronously, to every subscriber: filtering by event pattern is the subscriber's job (the
// harness plays the IamWatch rule).
import { accountOfArn, isoSeconds, parseSessionArn, roleArn, uniqueId, uuid } from './common.js';

export interface UserIdentity {
  readonly type: 'IAMUser' | 'AssumedRole' | 'Root' | 'AWSService';
  readonly principalId: string;
  readonly arn: string;
  readonly accountId: string;
  readonly userName?: string;
  readonly invokedBy?: string;
  readonly sessionContext?: {
    readonly sessionIssuer: { readonly type: 'Role'; readonly principalId: string; readonly arn: string; readonly accountId: string; readonly userName: string };
    readonly attributes: { readonly creationDate: string; readonly mfaAuthenticated: 'false' };
  };
}

export interface IamCloudTrailEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'AWS API Call via CloudTrail';
  readonly source: 'aws.iam';
  /** The account the call was made in (the role's owner). */
  readonly account: string;
  readonly time: string;
  readonly region: 'us-east-1';
  readonly resources: readonly string[];
  readonly detail: {
    readonly eventVersion: '1.09';
    readonly userIdentity: UserIdentity;
    readonly eventTime: string;
    readonly eventSource: 'iam.amazonaws.com';
    readonly eventName: string;
    readonly awsRegion: 'us-east-1';
    readonly sourceIPAddress: string;
    readonly userAgent: string;
    readonly requestParameters: Readonly<Record<string, unknown>>;
    readonly responseElements: Readonly<Record<string, unknown>> | null;
    readonly requestID: string;
    readonly eventID: string;
    readonly readOnly: false;
    readonly eventType: 'AwsApiCall';
    readonly managementEvent: true;
    readonly recipientAccountId: string;
    readonly eventCategory: 'Management';
  };
}

export type IamEventListener = (event: IamCloudTrailEvent) => void;

/** CloudTrail's userIdentity for a caller ARN (IAM user, assumed-role session or account root). */
export function userIdentityFor(callerArn: string, at: Date): UserIdentity {
  const session = parseSessionArn(callerArn);
  if (session !== undefined) {
    const issuer = roleArn(session.account, session.roleName);
    const rolePrincipal = uniqueId('AROA', issuer);
    return {
      type: 'AssumedRole',
      principalId: `${rolePrincipal}:${session.sessionName}`,
      arn: callerArn,
      accountId: session.account,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: rolePrincipal, arn: issuer, accountId: session.account, userName: session.roleName },
        attributes: { creationDate: isoSeconds(at), mfaAuthenticated: 'false' },
      },
    };
  }
  const account = accountOfArn(callerArn);
  if (/:root$/.test(callerArn)) return { type: 'Root', principalId: account, arn: callerArn, accountId: account };
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(callerArn)?.[1];
  if (user !== undefined) return { type: 'IAMUser', principalId: uniqueId('AIDA', callerArn), arn: callerArn, accountId: account, userName: user };
  throw new Error(`not a caller ARN (IAM user, assumed-role session or root): ${callerArn}`);
}

export function makeIamEvent(input: {
  readonly account: string;
  readonly eventName: string;
  readonly callerArn: string;
  readonly at: Date;
  readonly requestParameters: Readonly<Record<string, unknown>>;
  readonly responseElements?: Readonly<Record<string, unknown>> | null;
}): IamCloudTrailEvent {
  const time = isoSeconds(input.at);
  const identity = userIdentityFor(input.callerArn, input.at);
  const viaService = identity.type === 'AssumedRole';
  return {
    version: '0',
    id: uuid(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.iam',
    account: input.account,
    time,
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: identity,
      eventTime: time,
      eventSource: 'iam.amazonaws.com',
      eventName: input.eventName,
      awsRegion: 'us-east-1',
      sourceIPAddress: viaService ? '127.0.0.1' : '198.51.100.10',
      userAgent: viaService ? 'aws-sdk-js/3 (rpcn-aurora twin)' : 'aws-cli/2 (rpcn-aurora twin operator)',
      requestParameters: input.requestParameters,
      responseElements: input.responseElements ?? null,
      requestID: uuid(),
      eventID: uuid(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: input.account,
      eventCategory: 'Management',
    },
  };
}
