// RpcnAurora-IamWatch-<account>: in us-east-1 of D (and of R when the identity modes need roles there), a rule
// whose pattern (lib/iam-watch-pattern.ts) matches the IAM writes that can break a link and nothing else,
// forwarding to the DB account's bus through a role that may only put events there. The pattern is exercised with EventBridge's matching semantics
// (support/event-pattern.ts) on CloudTrail events shaped like the offline twin's (local/aws/events.ts).
import { makeIamEvent } from '../../local/aws/events.js';
import {
  WATCHED_POLICY_EVENTS as CORE_POLICY_EVENTS,
  WATCHED_ROLE_EVENTS as CORE_ROLE_EVENTS,
  WATCHED_USER_EVENTS as CORE_USER_EVENTS,
} from '../../lambdas/core/iam-events.js';
import { WATCHED_POLICY_EVENTS, WATCHED_ROLE_EVENTS, WATCHED_USER_EVENTS, iamWatchPattern, watchTargets } from '../../lib/iam-watch-pattern.js';
import { matchesPattern } from './support/event-pattern.js';
import { configWith, pipelineRoleConfig, resourcesOf, roleStatements, synthesize, type Synthesized } from './support/synth.js';

const R = '861276079005';
const D = '111111111111';
const PIPELINE_ROLE = 'redpanda-curl3eo533cmsnt23dv0-redpanda-connect-pipeline';
const DB_CONNECT_ROLE = 'rpcn-aurora-orders-db-connect';
const CONNECTOR_USER = 'rpcn-aurora-orders-connector';
const at = new Date('2026-11-24T10:00:00Z');

// A deployment serving pipeline-role links too: both accounts are watched.
let s: Synthesized;
beforeAll(() => {
  s = synthesize(pipelineRoleConfig());
});
afterAll(() => s.dispose());

const patternOf = (account: string) => {
  const rule = Object.values(resourcesOf(s.watchTemplates.get(account)!, 'AWS::Events::Rule'))[0]!;
  return rule.Properties!['EventPattern'] as Record<string, unknown>;
};

function event(account: string, eventName: string, requestParameters: Record<string, unknown>, callerArn = `arn:aws:iam::${account}:user/alice`) {
  return makeIamEvent({ account, eventName, callerArn, at, requestParameters });
}

const roleParameters = (eventName: string, roleName: string): Record<string, unknown> => {
  switch (eventName) {
    case 'PutRolePolicy':
      return { roleName, policyName: 'rpcn-aurora-111111111111-orders', policyDocument: '{}' };
    case 'DeleteRolePolicy':
      return { roleName, policyName: 'rpcn-aurora-111111111111-orders' };
    case 'AttachRolePolicy':
    case 'DetachRolePolicy':
      return { roleName, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' };
    case 'TagRole':
      return { roleName, tags: [{ key: 'k', value: 'v' }] };
    case 'UntagRole':
      return { roleName, tagKeys: ['redpanda_scope_redpanda_connect'] };
    case 'PutRolePermissionsBoundary':
      return { roleName, permissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' };
    default:
      return { roleName };
  }
};

const userParameters = (eventName: string, userName: string): Record<string, unknown> => {
  switch (eventName) {
    case 'DeleteAccessKey':
      return { userName, accessKeyId: 'AKIAEXAMPLEKEY000001' };
    case 'UpdateAccessKey':
      return { userName, accessKeyId: 'AKIAEXAMPLEKEY000001', status: 'Inactive' };
    case 'PutUserPolicy':
      return { userName, policyName: 'rpcn-aurora-orders-assume-db-connect', policyDocument: '{}' };
    case 'DeleteUserPolicy':
      return { userName, policyName: 'rpcn-aurora-orders-assume-db-connect' };
    case 'AttachUserPolicy':
    case 'DetachUserPolicy':
      return { userName, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' };
    case 'PutUserPermissionsBoundary':
      return { userName, permissionsBoundary: 'arn:aws:iam::aws:policy/AdministratorAccess' };
    default:
      return { userName };
  }
};

describe('the watched calls', () => {
  it('are the ones the validation router understands (lambdas/core/iam-events.ts)', () => {
    expect(WATCHED_ROLE_EVENTS).toBe(CORE_ROLE_EVENTS);
    expect(WATCHED_POLICY_EVENTS).toBe(CORE_POLICY_EVENTS);
    expect(WATCHED_USER_EVENTS).toBe(CORE_USER_EVENTS);
    expect(WATCHED_USER_EVENTS).toEqual(expect.arrayContaining(['CreateAccessKey', 'DeleteAccessKey', 'UpdateAccessKey', 'PutUserPolicy', 'DeleteUser']));
    expect(WATCHED_ROLE_EVENTS).toEqual(expect.arrayContaining(['PutRolePolicy', 'DeleteRolePolicy', 'UpdateAssumeRolePolicy', 'UntagRole', 'DeleteRole']));
  });
});

describe('the stacks', () => {
  it('one per watched account, in us-east-1, with a rule named rpcn-aurora-iam-watch built from the pattern', () => {
    expect([...s.watchTemplates.keys()].sort()).toEqual([D, R].sort());
    for (const stack of s.iamWatches) expect(stack.region).toBe('us-east-1');
    for (const target of watchTargets(s.config)) {
      const template = s.watchTemplates.get(target.account)!;
      template.hasResourceProperties('AWS::Events::Rule', { Name: 'rpcn-aurora-iam-watch', State: 'ENABLED', EventPattern: iamWatchPattern(target) });
    }
  });

  it.each([R, D])('in %s: forwards to the DB account bus through a role allowed only events:PutEvents on it', (account) => {
    const template = s.watchTemplates.get(account)!;
    const bus = 'arn:aws:events:us-east-2:111111111111:event-bus/rpcn-aurora';
    const [rule] = Object.values(resourcesOf(template, 'AWS::Events::Rule'));
    const targets = rule!.Properties!['Targets'] as { Arn: string; RoleArn: { 'Fn::GetAtt': string[] } }[];
    expect(targets).toHaveLength(1);
    expect(targets[0]!.Arn).toBe(bus);
    const roleId = targets[0]!.RoleArn['Fn::GetAtt'][0]!;
    expect(roleStatements(template, roleId)).toEqual([{ Action: 'events:PutEvents', Effect: 'Allow', Resource: bus }]);
    expect(resourcesOf(template)[roleId]!.Properties!['AssumeRolePolicyDocument']).toEqual({
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnEquals: { 'aws:SourceArn': `arn:aws:events:us-east-1:${account}:rule/rpcn-aurora-iam-watch` } },
        },
      ],
      Version: '2012-10-17',
    });
    expect(Object.keys(resourcesOf(template)).length).toBe(3);
  });
});

describe('the Redpanda account rule', () => {
  const matches = (e: unknown) => matchesPattern(patternOf(R), e);

  it.each([...WATCHED_ROLE_EVENTS])('matches %s on the pipeline role', (eventName) => {
    expect(matches(event(R, eventName, roleParameters(eventName, PIPELINE_ROLE)))).toBe(true);
  });

  it.each([...WATCHED_POLICY_EVENTS])('matches %s of a customer managed policy of the account', (eventName) => {
    expect(matches(event(R, eventName, { policyArn: `arn:aws:iam::${R}:policy/redpanda-agent`, versionId: 'v3' }))).toBe(true);
  });

  it('matches whoever makes the change: an IAM user, an assumed role (Redpanda itself), the root user', () => {
    for (const caller of [`arn:aws:iam::${R}:user/alice`, `arn:aws:sts::${R}:assumed-role/redpanda-agent/i-0abc`, `arn:aws:iam::${R}:root`]) {
      expect(matches(event(R, 'DeleteRolePolicy', roleParameters('DeleteRolePolicy', PIPELINE_ROLE), caller))).toBe(true);
    }
  });

  it.each([
    ['the healer putting the policy back (loop guard)', event(R, 'PutRolePolicy', roleParameters('PutRolePolicy', PIPELINE_ROLE), `arn:aws:sts::${R}:assumed-role/rpcn-aurora-healer/rpcn-aurora`)],
    ['another role', event(R, 'PutRolePolicy', roleParameters('PutRolePolicy', 'some-other-role'))],
    ['a pipeline role of a cluster not configured', event(R, 'DeleteRolePolicy', roleParameters('DeleteRolePolicy', 'redpanda-d0000000000000000000-redpanda-connect-pipeline'))],
    ['an unrelated IAM call', event(R, 'CreateUser', { userName: 'bob' })],
    ['a read', event(R, 'GetRole', { roleName: PIPELINE_ROLE })],
    ['an AWS managed policy version', event(R, 'SetDefaultPolicyVersion', { policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', versionId: 'v9' })],
    ['a policy version of another account', event(R, 'CreatePolicyVersion', { policyArn: `arn:aws:iam::${D}:policy/x` })],
    ['DeletePolicyVersion (cannot change the default version)', event(R, 'DeletePolicyVersion', { policyArn: `arn:aws:iam::${R}:policy/x`, versionId: 'v1' })],
    ['a failed call', { ...event(R, 'DeleteRolePolicy', roleParameters('DeleteRolePolicy', PIPELINE_ROLE)), detail: { ...event(R, 'DeleteRolePolicy', {}).detail, requestParameters: roleParameters('DeleteRolePolicy', PIPELINE_ROLE), errorCode: 'AccessDenied' } }],
    ['an event of another service', { ...event(R, 'PutRolePolicy', roleParameters('PutRolePolicy', PIPELINE_ROLE)), source: 'aws.sts' }],
    ['a user named like a connector user (connector users live in D)', event(R, 'CreateAccessKey', { userName: CONNECTOR_USER })],
  ])('ignores %s', (_what, e) => {
    expect(matches(e)).toBe(false);
  });
});

describe('the DB account rule', () => {
  const matches = (e: unknown) => matchesPattern(patternOf(D), e);

  it.each([...WATCHED_ROLE_EVENTS])('matches %s on a db-connect role', (eventName) => {
    expect(matches(event(D, eventName, roleParameters(eventName, DB_CONNECT_ROLE)))).toBe(true);
  });

  it.each([...WATCHED_POLICY_EVENTS])('matches %s of a customer managed policy of the account', (eventName) => {
    expect(matches(event(D, eventName, { policyArn: `arn:aws:iam::${D}:policy/boundary` }))).toBe(true);
  });

  it.each([...WATCHED_USER_EVENTS])('matches %s on a connector user', (eventName) => {
    expect(matches(event(D, eventName, userParameters(eventName, CONNECTOR_USER)))).toBe(true);
  });

  it.each([
    ['a key of another user', event(D, 'CreateAccessKey', userParameters('CreateAccessKey', 'alice'))],
    ['the policy of a user merely starting with the prefix', event(D, 'PutUserPolicy', userParameters('PutUserPolicy', 'rpcn-aurora-orders'))],
    ['a user named like a connector with a suffix', event(D, 'DeleteUser', userParameters('DeleteUser', 'rpcn-aurora-orders-connector-old'))],
    ['a user call not in the list (CreateUser: a new user has no key yet)', event(D, 'CreateUser', { userName: CONNECTOR_USER, path: '/rpcn-aurora/' })],
    ['a read of the connector user', event(D, 'ListAccessKeys', { userName: CONNECTOR_USER })],
    ['our own rotation deleting the old key', event(D, 'DeleteAccessKey', userParameters('DeleteAccessKey', CONNECTOR_USER), `arn:aws:sts::${D}:assumed-role/rpcn-aurora.finish-rotation/rpcn-aurora-rotate`)],
    ['a role event naming the connector user as a role', event(D, 'PutRolePolicy', roleParameters('PutRolePolicy', CONNECTOR_USER))],
    ['a user event naming a db-connect role as a user', event(D, 'PutUserPolicy', userParameters('PutUserPolicy', DB_CONNECT_ROLE))],
  ])('ignores %s', (_what, e) => {
    expect(matches(e)).toBe(false);
  });

  it.each([
    ['our own Lambdas (provisioning, healing, teardown)', event(D, 'PutRolePolicy', roleParameters('PutRolePolicy', DB_CONNECT_ROLE), `arn:aws:sts::${D}:assumed-role/rpcn-aurora.heal-link/rpcn-aurora-heal`)],
    ['a Lambda role of ours', event(D, 'PutRolePolicy', roleParameters('PutRolePolicy', 'rpcn-aurora.probe'))],
    ['a role merely starting with the prefix', event(D, 'UpdateAssumeRolePolicy', roleParameters('UpdateAssumeRolePolicy', 'rpcn-aurora-orders'))],
    ['the pipeline role name in the DB account', event(D, 'PutRolePolicy', roleParameters('PutRolePolicy', PIPELINE_ROLE))],
  ])('ignores %s', (_what, e) => {
    expect(matches(e)).toBe(false);
  });
});

describe('per identity mode', () => {
  it('access-key only (the default): one stack, in D, watching db-connect roles and connector users', () => {
    const only = synthesize(configWith({}));
    try {
      expect([...only.watchTemplates.keys()]).toEqual([D]);
      expect(watchTargets(only.config)).toEqual([
        expect.objectContaining({ account: D, roleNames: [], roleNamePatterns: ['rpcn-aurora-*-db-connect'], userNamePatterns: ['rpcn-aurora-*-connector'] }),
      ]);
      const rule = Object.values(resourcesOf(only.watchTemplates.get(D)!, 'AWS::Events::Rule'))[0]!;
      const pattern = rule.Properties!['EventPattern'] as Record<string, unknown>;
      expect(matchesPattern(pattern, event(D, 'DeleteAccessKey', userParameters('DeleteAccessKey', CONNECTOR_USER)))).toBe(true);
      expect(matchesPattern(pattern, event(D, 'UpdateAssumeRolePolicy', roleParameters('UpdateAssumeRolePolicy', DB_CONNECT_ROLE)))).toBe(true);
      expect(matchesPattern(pattern, event(D, 'DeleteRolePolicy', roleParameters('DeleteRolePolicy', PIPELINE_ROLE)))).toBe(false);
    } finally {
      only.dispose();
    }
  });
});

describe('R and D in one account', () => {
  it('one stack watches both kinds of role and ignores every rpcn-aurora session of the account', () => {
    const same = synthesize(pipelineRoleConfig({ redpanda: { accountId: D } }));
    try {
      expect([...same.watchTemplates.keys()]).toEqual([D]);
      const rule = Object.values(resourcesOf(same.watchTemplates.get(D)!, 'AWS::Events::Rule'))[0]!;
      const pattern = rule.Properties!['EventPattern'] as Record<string, unknown>;
      expect(matchesPattern(pattern, event(D, 'DeleteRolePolicy', roleParameters('DeleteRolePolicy', PIPELINE_ROLE)))).toBe(true);
      expect(matchesPattern(pattern, event(D, 'TagRole', roleParameters('TagRole', DB_CONNECT_ROLE)))).toBe(true);
      expect(matchesPattern(pattern, event(D, 'UpdateAccessKey', userParameters('UpdateAccessKey', CONNECTOR_USER)))).toBe(true);
      for (const ours of [`arn:aws:sts::${D}:assumed-role/rpcn-aurora-healer/rpcn-aurora`, `arn:aws:sts::${D}:assumed-role/rpcn-aurora.heal-link/session`]) {
        expect(matchesPattern(pattern, event(D, 'PutRolePolicy', roleParameters('PutRolePolicy', PIPELINE_ROLE), ours))).toBe(false);
      }
      const policies = Object.values(resourcesOf(same.dbTemplate, 'AWS::Events::EventBusPolicy'));
      expect(policies).toHaveLength(1);
    } finally {
      same.dispose();
    }
  });
});
