// RpcnAurora-RedpandaAccess: the inspector and healer roles in R, each trusting only the DB-account Lambda
// roles that use it, allowed exactly the actions docs/architecture.md#deployment-topology lists on the configured pipeline roles.
// It exists only for a deployment serving `pipeline-role` links (or self-managed roles in R).
import type { Template } from 'aws-cdk-lib/assertions';
import { HEALER_ROLE_NAME, INSPECTOR_ROLE_NAME } from '../../lib/names.js';
import { configWith, logicalIdWhere, pipelineRoleConfig, resourcesOf, roleStatements, synthesize, type Synthesized } from './support/synth.js';

const R = '861276079005';
const D = '111111111111';
const pipelineRole = (cluster: string) => `arn:aws:iam::${R}:role/redpanda-${cluster}-redpanda-connect-pipeline`;

let s: Synthesized;
beforeAll(() => {
  s = synthesize(pipelineRoleConfig({ redpanda: { clusterIds: ['curl3eo533cmsnt23dv0', 'd1jf5ihmvd5g0d8on1ng'] } }));
});
afterAll(() => s.dispose());

const access = (x: Synthesized = s): Template => {
  if (!x.accessTemplate) throw new Error('no RpcnAurora-RedpandaAccess stack');
  return x.accessTemplate;
};
const roleId = (name: string, t: Template = access()) => logicalIdWhere(t, 'AWS::IAM::Role', (p) => p['RoleName'] === name);
const trustOf = (name: string) => resourcesOf(access())[roleId(name)]!.Properties!['AssumeRolePolicyDocument'];
const lambdaRole = (step: string) => `arn:aws:iam::${D}:role/rpcn-aurora.${step}`;

describe('RpcnAurora-RedpandaAccess', () => {
  it('lives in R and holds the two roles only', () => {
    expect(s.redpandaAccess?.account).toBe(R);
    expect(s.redpandaAccess?.region).toBe('us-east-1');
    expect(Object.values(resourcesOf(access())).map((r) => r.Type).sort()).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::Role']);
  });

  it('the inspector trusts only the Lambda roles that read the pipeline role (Probe, JudgeLink, ApplyPipelineRolePolicy measuring its inline policies)', () => {
    expect(trustOf(INSPECTOR_ROLE_NAME)).toEqual({
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${D}:root`]] } },
          Condition: { ArnEquals: { 'aws:PrincipalArn': [lambdaRole('apply-pipeline-role-policy'), lambdaRole('probe'), lambdaRole('judge-link')] } },
        },
      ],
      Version: '2012-10-17',
    });
  });

  it('the inspector may only read the configured pipeline roles and the managed policies attached to them', () => {
    expect(roleStatements(access(), roleId(INSPECTOR_ROLE_NAME))).toEqual([
      {
        Action: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies'],
        Effect: 'Allow',
        Resource: [pipelineRole('curl3eo533cmsnt23dv0'), pipelineRole('d1jf5ihmvd5g0d8on1ng')],
      },
      { Action: ['iam:GetPolicy', 'iam:GetPolicyVersion'], Effect: 'Allow', Resource: [`arn:aws:iam::${R}:policy/*`, 'arn:aws:iam::aws:policy/*'] },
    ]);
  });

  it('the healer trusts only the Lambda roles that write the policy (apply, heal, remove)', () => {
    expect(trustOf(HEALER_ROLE_NAME)).toMatchObject({
      Statement: [
        {
          Condition: {
            ArnEquals: { 'aws:PrincipalArn': [lambdaRole('apply-pipeline-role-policy'), lambdaRole('heal-link'), lambdaRole('remove-pipeline-role-policy')] },
          },
        },
      ],
    });
  });

  it('the healer may only put and delete inline policies on the configured pipeline roles', () => {
    expect(roleStatements(access(), roleId(HEALER_ROLE_NAME))).toEqual([
      {
        Action: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
        Effect: 'Allow',
        Resource: [pipelineRole('curl3eo533cmsnt23dv0'), pipelineRole('d1jf5ihmvd5g0d8on1ng')],
      },
    ]);
  });

  it('both roles keep one-hour sessions and no managed policies', () => {
    for (const name of [INSPECTOR_ROLE_NAME, HEALER_ROLE_NAME]) {
      const props = resourcesOf(access())[roleId(name)]!.Properties!;
      expect(props['MaxSessionDuration']).toBe(3600);
      expect(props['ManagedPolicyArns']).toBeUndefined();
    }
  });

  it('needs no CDK bootstrap in R (no assets, legacy synthesizer, CLI credentials)', () => {
    const manifest = s.app.synth().getStackArtifact(s.redpandaAccess!.artifactId);
    expect(manifest.assumeRoleArn).toBeUndefined();
    expect(manifest.requiresBootstrapStackVersion).toBeUndefined();
  });
});

describe('per identity mode', () => {
  it('an access-key deployment has no stack in the Redpanda account, even with redpanda.accountId set', () => {
    for (const config of [configWith({}), configWith({ redpanda: { accountId: R, clusterIds: ['curl3eo533cmsnt23dv0'] } })]) {
      const none = synthesize(config);
      try {
        expect(none.redpandaAccess).toBeUndefined();
        expect(none.app.node.tryFindChild('RpcnAurora-RedpandaAccess')).toBeUndefined();
        expect(none.iamWatches.map((w) => w.account)).toEqual([D]);
      } finally {
        none.dispose();
      }
    }
  });

  it('self-managed roles in R bring the stack back for exactly those roles, without the pipeline roles', () => {
    const selfManaged = synthesize(configWith({ identityModes: ['access-key', 'self-managed'], redpanda: { accountId: R, clusterIds: ['curl3eo533cmsnt23dv0'], selfManagedRoleNames: ['connect-cdc'] } }));
    try {
      const t = access(selfManaged);
      expect(roleStatements(t, roleId(HEALER_ROLE_NAME, t))).toEqual([
        { Action: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'], Effect: 'Allow', Resource: `arn:aws:iam::${R}:role/connect-cdc` },
      ]);
      expect([...selfManaged.watchTemplates.keys()].sort()).toEqual([D, R].sort());
    } finally {
      selfManaged.dispose();
    }
  });
});
