import { affectedLinks, isOwnChange, parseTrigger, validationExecutionName, type IamChange } from '../../lambdas/core/iam-events.js';

const R = '861276079005';
const D = '111111111111';
const link = (name: string, clusterId = 'curl3eo533cmsnt23dv0') => ({
  name,
  request: { name, redpanda: { clusterId, accountId: R, topic: `${name}.cdc`, partitions: 3, replicationFactor: 3 } },
  dbAccountId: D,
  dbConnectRole: `rpcn-aurora-${name}-db-connect`,
});
const event = (eventName: string, requestParameters: Record<string, string>, account = R, actor = `arn:aws:iam::${account}:user/operator`) => ({
  version: '0',
  source: 'aws.iam',
  'detail-type': 'AWS API Call via CloudTrail',
  account,
  time: '2026-11-24T10:00:00Z',
  detail: { eventSource: 'iam.amazonaws.com', eventName, requestParameters, userIdentity: { arn: actor }, recipientAccountId: account },
});

test('parseTrigger: direct, schedule, IAM change, and anything else', () => {
  expect(parseTrigger({ link: 'orders' })).toEqual({ kind: 'direct', link: 'orders' });
  expect(parseTrigger({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).toEqual({ kind: 'schedule' });
  expect(parseTrigger(event('DeleteRolePolicy', { roleName: 'x', policyName: 'y' }))).toMatchObject({ kind: 'iam-change', change: { account: R, eventName: 'DeleteRolePolicy', roleName: 'x' } });
  expect(parseTrigger({ source: 'aws.s3' })).toBeUndefined();
  expect(parseTrigger(null)).toBeUndefined();
});

test('affectedLinks: by pipeline role (Redpanda account) or db-connect role (DB account); policy versions by account', () => {
  const links = [link('orders'), link('billing'), link('other', 'aaaaaaaaaaaaaaaaaaaa')];
  const change = (e: ReturnType<typeof event>) => (parseTrigger(e) as { change: IamChange }).change;
  expect(affectedLinks(change(event('PutRolePolicy', { roleName: 'redpanda-curl3eo533cmsnt23dv0-redpanda-connect-pipeline' })), links)).toEqual(['billing', 'orders']);
  expect(affectedLinks(change(event('UntagRole', { roleName: 'rpcn-aurora-orders-db-connect' }, D)), links)).toEqual(['orders']);
  // The same role name in the wrong account is somebody else's role.
  expect(affectedLinks(change(event('UntagRole', { roleName: 'rpcn-aurora-orders-db-connect' }, R)), links)).toEqual([]);
  expect(affectedLinks(change(event('CreatePolicyVersion', { policyArn: `arn:aws:iam::${R}:policy/guard` })), links)).toEqual(['billing', 'orders', 'other']);
  expect(affectedLinks(change(event('CreatePolicyVersion', { policyArn: 'arn:aws:iam::999999999999:policy/guard' })), links)).toEqual([]);
  expect(affectedLinks(change(event('TagRole', { roleName: 'unrelated' })), links)).toEqual([]);
});

test('isOwnChange: the healer session and named roles, not an operator', () => {
  const guard = ['rpcn-aurora-healer', 'rpcn-aurora.heal-link'];
  const change = (actorArn: string): IamChange => ({ account: R, eventName: 'PutRolePolicy', actorArn });
  expect(isOwnChange(change(`arn:aws:sts::${R}:assumed-role/rpcn-aurora-healer/rpcn-aurora`), guard)).toBe(true);
  expect(isOwnChange(change(`arn:aws:sts::${D}:assumed-role/rpcn-aurora.heal-link/fn`), guard)).toBe(true);
  expect(isOwnChange(change(`arn:aws:iam::${R}:user/operator`), guard)).toBe(false);
  expect(isOwnChange(change(`arn:aws:sts::${R}:assumed-role/rpcn-aurora-healer-impostor/x`), guard)).toBe(false);
});

test('validationExecutionName: one name per link, trigger and minute, within Step Functions limits', () => {
  const a = validationExecutionName('orders', 'iam-change', new Date('2026-11-24T10:00:05Z'));
  expect(a).toBe('orders-iam-change-20261124T1000');
  expect(validationExecutionName('orders', 'iam-change', new Date('2026-11-24T10:00:59Z'))).toBe(a);
  expect(validationExecutionName('orders', 'iam-change', new Date('2026-11-24T10:01:00Z'))).not.toBe(a);
  expect(validationExecutionName('a'.repeat(31), 'iam-change', new Date())).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
});
