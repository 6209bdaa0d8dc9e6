import { inlinePolicyRoom, inlinePolicyTooLarge, policySize, ROLE_INLINE_POLICIES_MAX_CHARS } from '../../lambdas/core/policy-size.js';

/** A policy of exactly `size` characters without whitespace (a Sid padded to fit). */
function policyOf(size: number): unknown {
  const base = { Version: '2012-10-17', Statement: [{ Sid: '', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
  const pad = size - policySize(base);
  return { ...base, Statement: [{ ...base.Statement[0], Sid: 'S'.repeat(pad) }] };
}

test('a policy is measured as IAM counts it: whitespace excluded', () => {
  const doc = { Version: '2012-10-17', Statement: [] };
  expect(policySize(doc)).toBe(JSON.stringify(doc).length);
  expect(policySize(JSON.stringify(doc, null, 2))).toBe(JSON.stringify(doc).length);
  expect(policySize(policyOf(500))).toBe(500);
});

test('up to 10,240 together fits; one more character does not', () => {
  const ours = policyOf(300);
  expect(inlinePolicyRoom({ other: policyOf(ROLE_INLINE_POLICIES_MAX_CHARS - 300) }, 'rpcn-aurora-x', ours)).toEqual({ others: 9940, ours: 300, total: 10240, fits: true });
  expect(inlinePolicyRoom({ a: policyOf(5000), b: policyOf(4941) }, 'rpcn-aurora-x', ours)).toMatchObject({ others: 9941, total: 10241, fits: false });
});

test('our own policy already on the role is replaced, not counted twice', () => {
  expect(inlinePolicyRoom({ 'rpcn-aurora-x': policyOf(9000), other: policyOf(5000) }, 'rpcn-aurora-x', policyOf(300))).toMatchObject({ others: 5000, fits: true });
});

test('the refusal names the role, both sizes, the limit and the ways out', () => {
  const message = inlinePolicyTooLarge('redpanda-x-pipeline', 'rpcn-aurora-1-orders', { others: 10000, ours: 400, total: 10400, fits: false });
  expect(message).toMatch(/^\[pipeline-role-policy-too-large\] role redpanda-x-pipeline's other inline policies take 10000 characters .* needs 400 more: 10400 in all, above IAM's 10240/);
  expect(message).toContain('identity.mode "access-key"');
  expect(message).toContain('remove or merge other inline policies');
});
