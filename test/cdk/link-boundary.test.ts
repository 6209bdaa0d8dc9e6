// The permissions boundary `rpcn-aurora-link-boundary` (docs/architecture.md, security rules): RpcnAurora-Db
// creates it with the document lambdas/core/iam.ts builds, and every grant that creates a link's user or role,
// or puts a policy or boundary on one, requires it (iam:PermissionsBoundary), so a compromised step cannot
// mint an administrator. Checked on the synthesized statements, and by evaluating the synthesized step
// policies with @cloud-copilot/iam-simulate (the evaluator the offline twin uses).
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { linkBoundaryArn, linkBoundaryPolicy } from '../../lambdas/core/iam.js';
import { LINK_BOUNDARY_POLICY, LINK_TAG_KEY } from '../../lambdas/core/naming.js';
import { lambdaRoleName } from '../../lib/names.js';
import type { StepName } from '../../lib/permissions.js';
import { functionSteps, WORKFLOWS } from '../../lib/workflows.js';
import { asList, logicalIdWhere, pipelineRoleConfig, resourcesOf, roleStatements, synthesize, type Statement, type Synthesized } from './support/synth.js';

const D = '111111111111';
const REGION = 'us-east-2';
const BOUNDARY = `arn:aws:iam::${D}:policy/${LINK_BOUNDARY_POLICY}`;
const CONNECTOR_USER = `arn:aws:iam::${D}:user/rpcn-aurora/rpcn-aurora-orders-connector`;
const DB_CONNECT_ROLE = `arn:aws:iam::${D}:role/rpcn-aurora-orders-db-connect`;

/** The IAM calls that create a link's user or role or change what it may do: each must require the boundary. */
const BOUNDED_ACTIONS = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:CreateUser', 'iam:PutUserPolicy', 'iam:PutUserPermissionsBoundary'];
/** Calls that would lift or widen a link identity's permissions outside the boundary: granted to no step. */
const NEVER_GRANTED = [
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
  'iam:PutRolePermissionsBoundary',
  'iam:CreatePolicy',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:AddUserToGroup',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
];

let s: Synthesized;
let withR: Synthesized;
beforeAll(() => {
  s = synthesize();
  withR = synthesize(pipelineRoleConfig());
});
afterAll(() => {
  s.dispose();
  withR.dispose();
});

const stepStatements = (x: Synthesized, step: StepName): Statement[] =>
  roleStatements(x.dbTemplate, logicalIdWhere(x.dbTemplate, 'AWS::IAM::Role', (p) => p['RoleName'] === lambdaRoleName(step)));

describe('the boundary policy', () => {
  it('is created by RpcnAurora-Db under its fixed name, with the document the Lambdas and the probe use', () => {
    expect(linkBoundaryArn({ dbAccountId: D })).toBe(BOUNDARY);
    for (const x of [s, withR]) {
      x.dbTemplate.resourcePropertiesCountIs('AWS::IAM::ManagedPolicy', { ManagedPolicyName: LINK_BOUNDARY_POLICY }, 1);
      x.dbTemplate.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        ManagedPolicyName: LINK_BOUNDARY_POLICY,
        Path: '/',
        PolicyDocument: linkBoundaryPolicy({ dbAccountId: D, region: REGION }),
      });
    }
  });

  it('allows only rds-db:connect in this account and region and assuming the links\' db-connect roles', () => {
    const [policy] = Object.values(resourcesOf(s.dbTemplate, 'AWS::IAM::ManagedPolicy')).filter((r) => r.Properties!['ManagedPolicyName'] === LINK_BOUNDARY_POLICY);
    const statements = (policy!.Properties!['PolicyDocument'] as { Statement: Statement[] }).Statement;
    expect(statements.map((st) => [st.Effect, asList(st.Action), st.Resource])).toEqual([
      ['Allow', ['rds-db:connect'], `arn:aws:rds-db:${REGION}:${D}:dbuser:*/*`],
      ['Allow', ['sts:AssumeRole'], `arn:aws:iam::${D}:role/rpcn-aurora-*-db-connect`],
    ]);
    // Attached to nothing by the stack: the links' users and roles get it when they are created.
    for (const key of ['Roles', 'Users', 'Groups']) expect(policy!.Properties![key]).toBeUndefined();
  });
});

describe('the create and put grants', () => {
  const allStatements = (x: Synthesized) => functionSteps(WORKFLOWS).flatMap((step) => stepStatements(x, step).map((st) => ({ step, st })));

  it.each([
    ['access-key only', () => s],
    ['with the Redpanda account', () => withR],
  ])('%s: every statement granting a create or put on a link identity requires iam:PermissionsBoundary = the link boundary', (_what, x) => {
    const granting = allStatements(x()).filter(({ st }) => asList(st.Action).some((a) => BOUNDED_ACTIONS.includes(a)));
    // Someone must be able to create them: EnsureConnectorUser, EnsureDbConnectRole, HealLink.
    expect([...new Set(granting.map((g) => g.step))].sort()).toEqual(['EnsureConnectorUser', 'EnsureDbConnectRole', 'HealLink']);
    for (const { step, st } of granting) {
      expect(`${step} ${asList(st.Action).join(',')}: ${JSON.stringify(st.Condition?.['StringEquals']?.['iam:PermissionsBoundary'])}`).toBe(
        `${step} ${asList(st.Action).join(',')}: ${JSON.stringify(BOUNDARY)}`,
      );
      expect(st.Effect).toBe('Allow');
    }
    // Each of the bounded actions is granted somewhere, so the check above is not vacuous.
    expect(BOUNDED_ACTIONS.filter((a) => !granting.some(({ st }) => asList(st.Action).includes(a)))).toEqual([]);
  });

  it('no step may attach policies, remove or replace a boundary, or edit managed policies', () => {
    const offending = allStatements(withR).flatMap(({ step, st }) => asList(st.Action).filter((a) => NEVER_GRANTED.includes(a)).map((a) => `${step}: ${a}`));
    expect(offending).toEqual([]);
  });
});

describe('as IAM evaluates the synthesized step policies', () => {
  /** The step role's statements that name resources literally (the IAM ones all do), as one identity policy. */
  function identityPolicy(step: StepName): unknown {
    const statements = stepStatements(s, step).filter((st) => asList(st.Resource as string | string[]).every((r) => typeof r === 'string'));
    return { Version: '2012-10-17', Statement: statements };
  }

  async function decide(step: StepName, action: string, resource: string, context: Record<string, string | string[]>): Promise<string> {
    const result = await runSimulation(
      {
        request: { principal: `arn:aws:iam::${D}:role/${lambdaRoleName(step)}`, action, resource: { resource, accountId: D }, contextVariables: context },
        identityPolicies: [{ name: 'step', policy: identityPolicy(step) }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
    return result.overallResult;
  }

  const linkTag = { [`aws:RequestTag/${LINK_TAG_KEY}`]: 'orders', 'aws:TagKeys': [LINK_TAG_KEY] };
  const taggedUser = { [`aws:ResourceTag/${LINK_TAG_KEY}`]: 'orders' };

  it.each(['EnsureConnectorUser', 'HealLink'] as const)('%s: CreateUser without the boundary is denied, with it allowed', async (step) => {
    expect(await decide(step, 'iam:CreateUser', CONNECTOR_USER, linkTag)).toBe('ImplicitlyDenied');
    expect(await decide(step, 'iam:CreateUser', CONNECTOR_USER, { ...linkTag, 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' })).toBe('ImplicitlyDenied');
    expect(await decide(step, 'iam:CreateUser', CONNECTOR_USER, { ...linkTag, 'iam:PermissionsBoundary': BOUNDARY })).toBe('Allowed');
  });

  it('EnsureConnectorUser: not outside the connector path and name, not without the link tag', async () => {
    const bounded = { ...linkTag, 'iam:PermissionsBoundary': BOUNDARY };
    expect(await decide('EnsureConnectorUser', 'iam:CreateUser', `arn:aws:iam::${D}:user/rpcn-aurora-orders-connector`, bounded)).toBe('ImplicitlyDenied');
    expect(await decide('EnsureConnectorUser', 'iam:CreateUser', `arn:aws:iam::${D}:user/rpcn-aurora/admin`, bounded)).toBe('ImplicitlyDenied');
    expect(await decide('EnsureConnectorUser', 'iam:CreateUser', CONNECTOR_USER, { 'iam:PermissionsBoundary': BOUNDARY })).toBe('ImplicitlyDenied');
  });

  it('EnsureConnectorUser: PutUserPolicy and PutUserPermissionsBoundary only on a bounded, tagged connector user', async () => {
    for (const action of ['iam:PutUserPolicy', 'iam:PutUserPermissionsBoundary']) {
      expect(await decide('EnsureConnectorUser', action, CONNECTOR_USER, taggedUser)).toBe('ImplicitlyDenied');
      expect(await decide('EnsureConnectorUser', action, CONNECTOR_USER, { ...taggedUser, 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' })).toBe('ImplicitlyDenied');
      expect(await decide('EnsureConnectorUser', action, CONNECTOR_USER, { ...taggedUser, 'iam:PermissionsBoundary': BOUNDARY })).toBe('Allowed');
    }
  });

  it.each(['EnsureDbConnectRole', 'HealLink'] as const)('%s: CreateRole and PutRolePolicy on a db-connect role only with the boundary', async (step) => {
    expect(await decide(step, 'iam:CreateRole', DB_CONNECT_ROLE, linkTag)).toBe('ImplicitlyDenied');
    expect(await decide(step, 'iam:CreateRole', DB_CONNECT_ROLE, { ...linkTag, 'iam:PermissionsBoundary': BOUNDARY })).toBe('Allowed');
    expect(await decide(step, 'iam:PutRolePolicy', DB_CONNECT_ROLE, { [`aws:ResourceTag/${LINK_TAG_KEY}`]: 'orders' })).toBe('ImplicitlyDenied');
    expect(await decide(step, 'iam:PutRolePolicy', DB_CONNECT_ROLE, { [`aws:ResourceTag/${LINK_TAG_KEY}`]: 'orders', 'iam:PermissionsBoundary': BOUNDARY })).toBe('Allowed');
  });

  it('the key steps may not create users at all, bounded or not', async () => {
    for (const step of ['EnsureAccessKey', 'CreateNewKey'] as const) {
      expect(await decide(step, 'iam:CreateUser', CONNECTOR_USER, { ...linkTag, 'iam:PermissionsBoundary': BOUNDARY })).toBe('ImplicitlyDenied');
      expect(await decide(step, 'iam:CreateAccessKey', CONNECTOR_USER, taggedUser)).toBe('Allowed');
      expect(await decide(step, 'iam:CreateAccessKey', `arn:aws:iam::${D}:user/alice`, taggedUser)).toBe('ImplicitlyDenied');
    }
  });
});
