// The IAM documents, checked twice: as exact JSON, and by a real IAM policy evaluator
// (@cloud-copilot/iam-simulate; AGPL, so test-only, never imported from lambdas/).
import { describe, expect, it } from '@jest/globals';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { placeholder, placeholdersIn, type ArtifactContext } from '../../lambdas/core/context.js';
import {
  InvalidArtifactContextError,
  PolicyParseError,
  SCOPE_TAG_CONDITION_KEY,
  comparePolicy,
  dbConnectPermissionPolicy,
  dbConnectRoleArn,
  dbConnectRoleArtifacts,
  dbConnectRoleTags,
  dbConnectTrustPolicy,
  dbUserResourceArn,
  pipelineRoleArn,
  pipelineRoleInlinePolicy,
  rolePolicyFirstHop,
  connectorUserPolicy,
  connectorUserArn,
  linkBoundaryPolicy,
  FirstHopUndefinedError,
  type PolicyDocument,
} from '../../lambdas/core/iam.js';
import { linkNames } from '../../lambdas/core/naming.js';
import { assertRequest, type LinkRequest } from '../../lambdas/core/request.js';

const R = '861276079005';
const D = '111122223333';
const CLUSTER_ID = 'curl3eo533cmsnt23dv0';
const OTHER_CLUSTER_ID = 'd0vlpg7b1ke5c0k0a0a0';
const RESOURCE_ID = 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ';

// The pipeline-role chain (the walkthrough's); the access-key and self-managed documents are further down.
const request: LinkRequest = assertRequest({
  name: 'orders',
  engine: 'aurora-postgresql',
  cdc: { user: 'iam_demo_user', tables: ['orders'] },
  redpanda: { clusterId: CLUSTER_ID, accountId: R },
  identity: { mode: 'pipeline-role' },
});

const context: ArtifactContext = {
  dbAccountId: D,
  region: 'us-east-2',
  clusterResourceId: RESOURCE_ID,
  endpoint: 'rpcn-aurora-orders.cluster-abcdefghijkl.us-east-2.rds.amazonaws.com',
  port: 5432,
};

const PIPELINE_ROLE = `redpanda-${CLUSTER_ID}-redpanda-connect-pipeline`;
const PIPELINE_ROLE_ARN = `arn:aws:iam::${R}:role/${PIPELINE_ROLE}`;
const PIPELINE_SESSION = `arn:aws:sts::${R}:assumed-role/${PIPELINE_ROLE}/redpanda-connect`;
const DB_CONNECT_ROLE = 'rpcn-aurora-orders-db-connect';
const DB_CONNECT_ROLE_ARN = `arn:aws:iam::${D}:role/${DB_CONNECT_ROLE}`;
const DB_CONNECT_SESSION = `arn:aws:sts::${D}:assumed-role/${DB_CONNECT_ROLE}/redpanda-connect`;
const DB_USER_ARN = `arn:aws:rds-db:us-east-2:${D}:dbuser:${RESOURCE_ID}/iam_demo_user`;

function withRedpanda(overrides: Partial<LinkRequest['redpanda']>): LinkRequest {
  return { ...request, redpanda: { ...request.redpanda, ...overrides } };
}

describe('IAM documents (exact JSON)', () => {
  it('trusts exactly the pipeline role: no account root, no wildcard, no ExternalId', () => {
    const trust = dbConnectTrustPolicy(request, context);
    expect(trust).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TrustRedpandaConnectPipelineRole',
          Effect: 'Allow',
          Principal: { AWS: PIPELINE_ROLE_ARN },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    const json = JSON.stringify(trust);
    expect(json).not.toContain('*');
    expect(json).not.toContain(':root');
    expect(json).not.toContain('Condition');
  });

  it('allows rds-db:connect on exactly the CDC user of this cluster resource id', () => {
    expect(dbConnectPermissionPolicy(request, context)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'AllowRdsIamConnectAsCdcUser', Effect: 'Allow', Action: 'rds-db:connect', Resource: DB_USER_ARN }],
    });
  });

  it('tags the role with the Redpanda scope tag and the link tag', () => {
    expect(dbConnectRoleTags(request)).toEqual([
      { Key: 'redpanda_scope_redpanda_connect', Value: 'true' },
      { Key: 'rpcn-aurora:link', Value: 'orders' },
    ]);
  });

  it('gives the pipeline role sts:AssumeRole on exactly the db-connect role, gated on the scope tag', () => {
    expect(pipelineRoleInlinePolicy(request, context)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AssumeTaggedDbConnectRole',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: DB_CONNECT_ROLE_ARN,
          Condition: { StringEquals: { 'aws:ResourceTag/redpanda_scope_redpanda_connect': 'true' } },
        },
      ],
    });
  });

  it('builds the ARNs', () => {
    expect(pipelineRoleArn(request)).toBe(PIPELINE_ROLE_ARN);
    expect(dbConnectRoleArn(request, context)).toBe(DB_CONNECT_ROLE_ARN);
    expect(dbUserResourceArn(request, context)).toBe(DB_USER_ARN);
  });

  it('puts the partition into every ARN', () => {
    const gov = { ...context, region: 'us-gov-west-1' };
    expect(pipelineRoleArn(request, 'aws-us-gov')).toBe(`arn:aws-us-gov:iam::${R}:role/${PIPELINE_ROLE}`);
    expect(dbConnectRoleArn(request, gov, 'aws-us-gov')).toBe(`arn:aws-us-gov:iam::${D}:role/${DB_CONNECT_ROLE}`);
    expect(dbUserResourceArn(request, gov, 'aws-us-gov')).toBe(
      `arn:aws-us-gov:rds-db:us-gov-west-1:${D}:dbuser:${RESOURCE_ID}/iam_demo_user`,
    );
  });

  it('bundles the role artifacts and the exact operator command for the pipeline role', () => {
    const a = dbConnectRoleArtifacts(request, context);
    const names = linkNames(request, D);
    expect(a.roleName).toBe(DB_CONNECT_ROLE);
    expect(a.roleArn).toBe(DB_CONNECT_ROLE_ARN);
    expect(a.maxSessionDuration).toBe(3600);
    expect(a.trustPolicy).toEqual(dbConnectTrustPolicy(request, context));
    expect(a.permissionPolicy).toEqual({ policyName: 'rpcn-aurora-orders-rds-db-connect', document: dbConnectPermissionPolicy(request, context) });
    expect(a.tags).toEqual(dbConnectRoleTags(request));
    expect(a.dbUserResourceArn).toBe(DB_USER_ARN);
    expect(a.description).toBe(
      `rpcn-aurora link orders: assumed by Redpanda Connect pipelines of cluster ${CLUSTER_ID} to log in to rpcn-aurora-orders as iam_demo_user`,
    );
    const hop = rolePolicyFirstHop(a)!;
    expect(hop.mode).toBe('pipeline-role');
    expect(hop.roleName).toBe(PIPELINE_ROLE);
    expect(hop.principalArn).toBe(PIPELINE_ROLE_ARN);
    expect(hop.accountId).toBe(R);
    expect(hop.policy.policyName).toBe(`rpcn-aurora-${D}-orders`);
    expect(hop.policy.policyName).toBe(names.pipelineRolePolicy);
    expect(hop.policy.document).toEqual(pipelineRoleInlinePolicy(request, context));
    expect(hop.policyFile).toBe('pipeline-role-policy.json');
    expect(hop.attachCommand).toBe(
      `aws iam put-role-policy --role-name ${PIPELINE_ROLE} --policy-name rpcn-aurora-${D}-orders --policy-document file://pipeline-role-policy.json`,
    );
    expect(hop.removeCommand).toBe(`aws iam delete-role-policy --role-name ${PIPELINE_ROLE} --policy-name rpcn-aurora-${D}-orders`);
    expect(a.permissionsBoundaryArn).toBe(`arn:aws:iam::${D}:policy/rpcn-aurora-link-boundary`);
  });

  it('passes placeholders through unchanged', () => {
    const planned = { ...context, clusterResourceId: placeholder('CLUSTER_RESOURCE_ID'), dbAccountId: placeholder('DB_ACCOUNT_ID') };
    const perm = dbConnectPermissionPolicy(request, planned);
    expect(perm.Statement[0]!.Resource).toBe('arn:aws:rds-db:us-east-2:{{DB_ACCOUNT_ID}}:dbuser:{{CLUSTER_RESOURCE_ID}}/iam_demo_user');
    const artifacts = dbConnectRoleArtifacts(request, planned);
    expect(placeholdersIn(JSON.stringify(artifacts))).toEqual(['DB_ACCOUNT_ID', 'CLUSTER_RESOURCE_ID']);
    expect(artifacts.firstHop.policy.document.Statement[0]!.Resource).toBe('arn:aws:iam::{{DB_ACCOUNT_ID}}:role/rpcn-aurora-orders-db-connect');
  });

  it('refuses the cluster identifier in place of the cluster resource id, and other malformed context', () => {
    expect(() => dbConnectPermissionPolicy(request, { ...context, clusterResourceId: 'rpcn-aurora-orders' })).toThrow(
      InvalidArtifactContextError,
    );
    expect(() => dbConnectPermissionPolicy(request, { ...context, clusterResourceId: 'rpcn-aurora-orders' })).toThrow(
      /DbClusterResourceId, not the cluster identifier/,
    );
    expect(() => dbConnectPermissionPolicy(request, { ...context, region: 'Ohio' })).toThrow(/context\.region/);
    expect(() => pipelineRoleInlinePolicy(request, { dbAccountId: '1234' })).toThrow(/context\.dbAccountId/);
    try {
      dbUserResourceArn(request, { ...context, clusterResourceId: 'cluster-*' });
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidArtifactContextError);
      expect((err as InvalidArtifactContextError).name).toBe('InvalidArtifactContextError');
      expect((err as InvalidArtifactContextError).field).toBe('clusterResourceId');
    }
  });
});

// ---------------------------------------------------------------------------------------------------------

interface Sim {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly identityPolicies: readonly PolicyDocument[];
  readonly resourcePolicy?: PolicyDocument;
  readonly boundary?: PolicyDocument;
  /** The target role's tags (the simulator does not read tags) and the request's keys (aws:SourceIp). */
  readonly context?: Record<string, string>;
}

async function evaluate(sim: Sim): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: sim.principal,
        action: sim.action,
        resource: { resource: sim.resource, accountId: sim.resourceAccount },
        contextVariables: sim.context ?? {},
      },
      identityPolicies: sim.identityPolicies.map((policy, i) => ({ name: `policy${i}`, policy })),
      resourcePolicy: sim.resourcePolicy,
      ...(sim.boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: sim.boundary }] } : {}),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType !== 'single') throw new Error(`simulation did not run as a single request: ${JSON.stringify(result)}`);
  expect(result.result.ignoredContextKeys ?? []).toEqual([]);
  return result.overallResult;
}

const TAGGED = { [SCOPE_TAG_CONDITION_KEY]: 'true' };

/** Step 1 of the chain: the pipeline role's session calls sts:AssumeRole on the db-connect role. */
function assumeDbConnect(overrides: Partial<Sim> = {}): Promise<string> {
  return evaluate({
    principal: PIPELINE_SESSION,
    action: 'sts:AssumeRole',
    resource: DB_CONNECT_ROLE_ARN,
    resourceAccount: D,
    identityPolicies: [pipelineRoleInlinePolicy(request, context)],
    resourcePolicy: dbConnectTrustPolicy(request, context),
    context: TAGGED,
    ...overrides,
  });
}

/** Step 2: the db-connect role's session asks for an RDS IAM auth token (rds-db:connect). */
function connect(overrides: Partial<Sim> = {}): Promise<string> {
  return evaluate({
    principal: DB_CONNECT_SESSION,
    action: 'rds-db:connect',
    resource: DB_USER_ARN,
    resourceAccount: D,
    identityPolicies: [dbConnectPermissionPolicy(request, context)],
    ...overrides,
  });
}

describe('IAM evaluation of the generated documents (@cloud-copilot/iam-simulate)', () => {
  it('allows the pipeline role to assume the tagged db-connect role (session and role principal)', async () => {
    await expect(assumeDbConnect()).resolves.toBe('Allowed');
    await expect(assumeDbConnect({ principal: PIPELINE_ROLE_ARN })).resolves.toBe('Allowed');
  });

  it('allows the db-connect role to connect as the CDC user of this cluster', async () => {
    await expect(connect()).resolves.toBe('Allowed');
  });

  it('denies AssumeRole when the scope tag is missing or not "true"', async () => {
    await expect(assumeDbConnect({ context: {} })).resolves.toBe('ImplicitlyDenied');
    await expect(assumeDbConnect({ context: { [SCOPE_TAG_CONDITION_KEY]: 'false' } })).resolves.toBe('ImplicitlyDenied');
    await expect(assumeDbConnect({ context: { [SCOPE_TAG_CONDITION_KEY]: 'True' } })).resolves.toBe('ImplicitlyDenied');
  });

  it('denies AssumeRole when the trust names another pipeline role', async () => {
    const otherTrust = dbConnectTrustPolicy(withRedpanda({ clusterId: OTHER_CLUSTER_ID }), context);
    await expect(assumeDbConnect({ resourcePolicy: otherTrust })).resolves.toBe('ImplicitlyDenied');
  });

  it('denies AssumeRole to the pipeline role of another Redpanda cluster or account', async () => {
    const otherCluster = `arn:aws:sts::${R}:assumed-role/redpanda-${OTHER_CLUSTER_ID}-redpanda-connect-pipeline/redpanda-connect`;
    await expect(assumeDbConnect({ principal: otherCluster })).resolves.toBe('ImplicitlyDenied');
    const otherAccount = `arn:aws:sts::999988887777:assumed-role/${PIPELINE_ROLE}/redpanda-connect`;
    await expect(assumeDbConnect({ principal: otherAccount })).resolves.toBe('ImplicitlyDenied');
  });

  it('denies AssumeRole across accounts when the pipeline role lacks the inline policy', async () => {
    await expect(assumeDbConnect({ identityPolicies: [] })).resolves.toBe('ImplicitlyDenied');
  });

  it('does not let the inline policy reach other roles, even tagged and trusting', async () => {
    const otherLink = assertRequest({ ...requestInput(), name: 'payments' });
    // Trust and tag are right for the other role; only the pipeline role's policy is scoped to "orders".
    await expect(
      assumeDbConnect({ resource: dbConnectRoleArn(otherLink, context), resourcePolicy: dbConnectTrustPolicy(otherLink, context) }),
    ).resolves.toBe('ImplicitlyDenied');
    const otherAccount = '444455556666';
    await expect(
      assumeDbConnect({ resource: dbConnectRoleArn(request, { dbAccountId: otherAccount }), resourceAccount: otherAccount }),
    ).resolves.toBe('ImplicitlyDenied');
  });

  it('denies rds-db:connect for another cluster resource id, user, region or account', async () => {
    await expect(connect({ resource: DB_USER_ARN.replace(RESOURCE_ID, 'cluster-ZYXWVUTSRQPONMLKJIHGFEDCBA') })).resolves.toBe(
      'ImplicitlyDenied',
    );
    await expect(connect({ resource: DB_USER_ARN.replace('/iam_demo_user', '/postgres') })).resolves.toBe('ImplicitlyDenied');
    await expect(connect({ resource: DB_USER_ARN.replace('/iam_demo_user', '/IAM_DEMO_USER') })).resolves.toBe('ImplicitlyDenied');
    await expect(connect({ resource: DB_USER_ARN.replace('us-east-2', 'us-west-2') })).resolves.toBe('ImplicitlyDenied');
    const otherAccountArn = DB_USER_ARN.replace(`:${D}:`, ':444455556666:');
    await expect(connect({ resource: otherAccountArn, resourceAccount: '444455556666' })).resolves.toBe('ImplicitlyDenied');
  });

  it('denies rds-db:connect when the permission policy was built for another user', async () => {
    const other = { ...request, cdc: { ...request.cdc, user: 'someone_else' } };
    await expect(connect({ identityPolicies: [dbConnectPermissionPolicy(other, context)] })).resolves.toBe('ImplicitlyDenied');
  });

  it('grants the pipeline role nothing but the assume (no rds-db:connect straight from account R)', async () => {
    await expect(
      evaluate({
        principal: PIPELINE_SESSION,
        action: 'rds-db:connect',
        resource: DB_USER_ARN,
        resourceAccount: D,
        identityPolicies: [pipelineRoleInlinePolicy(request, context)],
      }),
    ).resolves.toBe('ImplicitlyDenied');
  });
});

function requestInput() {
  return {
    name: 'orders',
    engine: 'aurora-postgresql' as const,
    cdc: { user: 'iam_demo_user', tables: ['orders'] },
    redpanda: { clusterId: CLUSTER_ID, accountId: R },
    identity: { mode: 'pipeline-role' as const },
  };
}

// ---------------------------------------------------------------------------------------------------------

describe('comparePolicy', () => {
  const expected = pipelineRoleInlinePolicy(request, context);
  const trust = dbConnectTrustPolicy(request, context);
  const two: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [...dbConnectPermissionPolicy(request, context).Statement, ...expected.Statement],
  };

  it('finds no difference between a document and itself', () => {
    expect(comparePolicy(expected, expected)).toEqual([]);
    expect(comparePolicy(two, JSON.parse(JSON.stringify(two)))).toEqual([]);
  });

  it('ignores equivalent spellings: arrays vs strings, statement order, case of actions and condition keys, Sid', () => {
    const respelled = {
      Statement: [
        {
          Resource: [DB_CONNECT_ROLE_ARN],
          Condition: { StringEquals: { 'AWS:RESOURCETAG/redpanda_scope_redpanda_connect': ['true'] } },
          Action: ['STS:assumerole', 'sts:AssumeRole'],
          Effect: 'Allow',
        },
        { Effect: 'Allow', Action: ['rds-db:connect'], Resource: DB_USER_ARN, Sid: 'Renamed' },
      ],
      Version: '2012-10-17',
    };
    expect(comparePolicy(two, respelled)).toEqual([]);
  });

  it('reads the URL-encoded JSON that IAM GetRolePolicy returns, and plain JSON text', () => {
    expect(comparePolicy(expected, encodeURIComponent(JSON.stringify(expected)))).toEqual([]);
    expect(comparePolicy(expected, JSON.stringify(expected, null, 2))).toEqual([]);
    const encodedTrust = encodeURIComponent(JSON.stringify({ ...trust, Statement: trust.Statement[0] }));
    expect(comparePolicy(trust, encodedTrust)).toEqual([]);
  });

  it('treats an account id principal as its root ARN, as IAM stores it', () => {
    const rootTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${R}:root` }, Action: 'sts:AssumeRole' }] };
    expect(comparePolicy(rootTrust, { ...rootTrust, Statement: [{ ...rootTrust.Statement[0], Principal: { AWS: R } }] })).toEqual([]);
  });

  it('names a changed resource with both values', () => {
    const changed = JSON.parse(JSON.stringify(expected).replace('rpcn-aurora-orders-db-connect', 'rpcn-aurora-orders-db-connect-old'));
    expect(comparePolicy(expected, changed)).toEqual([
      `statement "AssumeTaggedDbConnectRole": Resource: expected "${DB_CONNECT_ROLE_ARN}" but found "${DB_CONNECT_ROLE_ARN}-old"`,
    ]);
  });

  it('names a changed or removed condition', () => {
    const weakened = JSON.parse(JSON.stringify(expected).replace('"true"', '"false"'));
    expect(comparePolicy(expected, weakened)).toEqual([
      'statement "AssumeTaggedDbConnectRole": Condition StringEquals aws:resourcetag/redpanda_scope_redpanda_connect: expected "true" but found "false"',
    ]);
    const { Condition: _dropped, ...unconditioned } = expected.Statement[0]!;
    expect(comparePolicy(expected, { ...expected, Statement: [unconditioned] })).toEqual([
      'statement "AssumeTaggedDbConnectRole": Condition StringEquals aws:resourcetag/redpanda_scope_redpanda_connect: expected "true" but found (none)',
    ]);
  });

  it('pairs a lone changed statement without Sid, and reports a widened action', () => {
    const { Sid: _sid, ...noSid } = expected.Statement[0]!;
    const widened = { Version: '2012-10-17', Statement: [{ ...noSid, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };
    expect(comparePolicy(expected, widened)).toEqual([
      'statement "AssumeTaggedDbConnectRole" (found as statement #1): Action: expected "sts:assumerole" but found ["sts:assumerole","sts:tagsession"]',
    ]);
  });

  it('reports a trust principal IAM replaced by a unique id (role deleted and re-created)', () => {
    const replaced = { ...trust, Statement: [{ ...trust.Statement[0]!, Principal: { AWS: 'AROAEXAMPLEID1234567' } }] };
    expect(comparePolicy(trust, replaced)).toEqual([
      `statement "TrustRedpandaConnectPipelineRole": Principal AWS: expected "${PIPELINE_ROLE_ARN}" but found "AROAEXAMPLEID1234567"`,
    ]);
  });

  it('reports missing and unexpected statements', () => {
    expect(comparePolicy(two, expected)).toEqual([
      `statement "AllowRdsIamConnectAsCdcUser" is missing: "Allow" Action="rds-db:connect" Resource="${DB_USER_ARN}"`,
    ]);
    const extra = { ...expected, Statement: [...expected.Statement, { Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' }] };
    expect(comparePolicy(expected, extra)).toEqual(['statement "Everything" is not expected: "Allow" Action="*" Resource="*"']);
  });

  it('reports a different Version', () => {
    expect(comparePolicy(expected, { ...expected, Version: '2008-10-17' })).toEqual([
      'Version: expected "2012-10-17" but found "2008-10-17"',
    ]);
    const { Version: _v, ...noVersion } = expected;
    expect(comparePolicy(expected, noVersion)).toEqual(['Version: expected "2012-10-17" but found (none)']);
  });

  it('reports an absent or unreadable actual policy instead of throwing', () => {
    expect(comparePolicy(expected, undefined)).toEqual(['policy is missing (expected 1 statement)']);
    expect(comparePolicy(two, null)).toEqual(['policy is missing (expected 2 statements)']);
    expect(comparePolicy(expected, '%7Bnot json')).toEqual(['actual policy is neither JSON nor URL-encoded JSON: "%7Bnot json"']);
    expect(comparePolicy(expected, { Version: '2012-10-17' })).toEqual(['actual policy has no Statement']);
    expect(comparePolicy(expected, [expected])).toEqual(['actual policy is not a JSON object']);
  });

  it('throws a named error when the expected side is not a policy', () => {
    expect(() => comparePolicy('nope', expected)).toThrow(PolicyParseError);
    expect(() => comparePolicy('nope', expected)).toThrow(/expected policy/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Identity mode access-key: the connector user, its policy and the permissions boundary.

describe('access-key documents', () => {
  const keyLink = assertRequest({ ...requestInput(), identity: { mode: 'access-key' } });
  const EGRESS = ['203.0.113.10/32', '203.0.113.11/32'];
  const USER_ARN = `arn:aws:iam::${D}:user/rpcn-aurora/rpcn-aurora-orders-connector`;
  const userPolicy = connectorUserPolicy(keyLink, context, EGRESS);
  const boundary = linkBoundaryPolicy(context);
  const fromEgress = { ...TAGGED, 'aws:SourceIp': '203.0.113.10', 'aws:ViaAWSService': 'false' };
  const assumeAsUser = (overrides: Partial<Sim> = {}) =>
    evaluate({
      principal: USER_ARN,
      action: 'sts:AssumeRole',
      resource: DB_CONNECT_ROLE_ARN,
      resourceAccount: D,
      identityPolicies: [userPolicy],
      resourcePolicy: dbConnectTrustPolicy(keyLink, context),
      boundary,
      context: fromEgress,
      ...overrides,
    });

  it('the trust names exactly the connector user, with its path', () => {
    expect(connectorUserArn(keyLink, context)).toBe(USER_ARN);
    expect(dbConnectTrustPolicy(keyLink, context)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'TrustLinkConnectorUser', Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }],
    });
  });

  it('the user may assume the db-connect role, and nothing but from the egress addresses', () => {
    expect(userPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'AssumeTaggedDbConnectRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: DB_CONNECT_ROLE_ARN },
        {
          Sid: 'DenyOutsideRedpandaEgress',
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { NotIpAddress: { 'aws:SourceIp': EGRESS }, Bool: { 'aws:ViaAWSService': 'false' } },
        },
      ],
    });
    expect(connectorUserPolicy({ ...keyLink, identity: { mode: 'access-key', rotateAfterDays: 30, restrictToEgress: false } }, context, []).Statement).toHaveLength(1);
    expect(() => connectorUserPolicy(keyLink, context, [])).toThrow(FirstHopUndefinedError);
  });

  it('the artifacts carry the user, its path, its policy and the boundary', () => {
    const a = dbConnectRoleArtifacts(keyLink, context, { egressCidrs: EGRESS });
    expect(a.firstHop).toEqual({
      mode: 'access-key',
      principalArn: USER_ARN,
      userName: 'rpcn-aurora-orders-connector',
      path: '/rpcn-aurora/',
      policy: { policyName: 'rpcn-aurora-orders-assume-db-connect', document: userPolicy },
      permissionsBoundaryArn: `arn:aws:iam::${D}:policy/rpcn-aurora-link-boundary`,
      restrictToEgress: true,
      rotateAfterDays: 30,
    });
    expect(rolePolicyFirstHop(a)).toBeUndefined();
  });

  it('IAM allows the assume from an egress address, within the boundary', async () => {
    await expect(assumeAsUser()).resolves.toBe('Allowed');
    await expect(assumeAsUser({ context: { ...fromEgress, 'aws:SourceIp': '203.0.113.11' } })).resolves.toBe('Allowed');
  });

  it('IAM explicitly denies it from anywhere else (a leaked key is useless)', async () => {
    await expect(assumeAsUser({ context: { ...fromEgress, 'aws:SourceIp': '198.51.100.7' } })).resolves.toBe('ExplicitlyDenied');
  });

  it('the boundary caps what any policy on the user could allow', async () => {
    const admin: PolicyDocument = { Version: '2012-10-17', Statement: [{ Sid: 'Admin', Effect: 'Allow', Action: '*', Resource: '*' }] };
    for (const action of ['iam:CreateUser', 's3:GetObject', 'sts:AssumeRole']) {
      const resource = action === 'sts:AssumeRole' ? `arn:aws:iam::${D}:role/Administrator` : action === 'iam:CreateUser' ? `arn:aws:iam::${D}:user/x` : 'arn:aws:s3:::bucket/key';
      await expect(
        evaluate({ principal: USER_ARN, action, resource, resourceAccount: D, identityPolicies: [admin], boundary, context: { 'aws:SourceIp': '203.0.113.10', 'aws:ViaAWSService': 'false' } }),
      ).resolves.toBe('ImplicitlyDenied');
    }
  });

  it('within the account the trust naming the user grants the assume by itself: the egress Deny is what guards the key', async () => {
    // AWS: a resource-based policy (here the trust) that names an IAM user of the same account is not limited by
    // the user's identity policies or boundary; only an explicit deny stops it. Hence the Deny on aws:SourceIp,
    // and Validate restoring the user's policy whenever it changes.
    const connectOnly: PolicyDocument = { Version: '2012-10-17', Statement: [boundary.Statement[0]!] };
    await expect(assumeAsUser({ boundary: connectOnly, identityPolicies: [] })).resolves.toBe('Allowed');
    await expect(assumeAsUser({ boundary: connectOnly, context: { ...fromEgress, 'aws:SourceIp': '198.51.100.7' } })).resolves.toBe('ExplicitlyDenied');
  });

  it('the db-connect role keeps rds-db:connect under the boundary', async () => {
    await expect(connect({ boundary })).resolves.toBe('Allowed');
  });

  it('self-managed: the trust names exactly the given role', () => {
    const own = assertRequest({ ...requestInput(), redpanda: { clusterId: CLUSTER_ID }, identity: { mode: 'self-managed', roleArn: 'arn:aws:iam::333333333333:role/eks/connect' } });
    expect(dbConnectTrustPolicy(own, context).Statement[0]).toMatchObject({ Sid: 'TrustSelfManagedConnectRole', Principal: { AWS: 'arn:aws:iam::333333333333:role/eks/connect' } });
    const hop = rolePolicyFirstHop(dbConnectRoleArtifacts(own, context))!;
    expect(hop).toMatchObject({ mode: 'self-managed', roleName: 'connect', accountId: '333333333333', policyFile: 'consumer-role-policy.json' });
  });
});
