// RpcnAurora-RedpandaAccess, in the Redpanda account R (docs/architecture.md#deployment-topology), only when
// the deployment has roles there (config identityModes `pipeline-role`, or redpanda.selfManagedRoleNames):
// two roles the DB account's Lambdas assume to read and repair those first-hop roles (the Redpanda-managed
// pipeline roles of the configured clusters, the configured self-managed roles), and nothing else.
//
//   rpcn-aurora-inspector  read-only on those roles, plus the managed policies attached to them
//   rpcn-aurora-healer     PutRolePolicy / DeleteRolePolicy on those roles
//
// Both trust the DB account only for the Lambda roles that use them (lib/permissions.ts: the steps whose
// grants assume them), by `aws:PrincipalArn`: the trust does not depend on those roles existing yet, so this
// stack can be deployed before or after RpcnAurora-Db.
//
// IAM has no condition key for an inline policy's name, so "only policies named rpcn-aurora-*" cannot be an
// IAM condition on the healer: it is enforced by the only code that assumes the healer
// (lambdas/adapters/aws/pipeline-role-access.ts assertOurPolicyName), and every write it makes is visible to
// the IAM watch of R. The healer can touch nothing but the configured pipeline roles.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { redpandaAccountInUse, type DeploymentConfig } from '../config.js';
import { acknowledge } from '../nag.js';
import { HEALER_ROLE_NAME, INSPECTOR_ROLE_NAME, PARTITION, lambdaRoleName, redpandaRoleNames, roleArn } from '../names.js';
import { stepsAssuming, type StepName } from '../permissions.js';

export interface RedpandaAccessStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** Every step of the DB stack (the ones whose grants assume an access role are trusted). */
  readonly steps: readonly StepName[];
}

export class RedpandaAccessStack extends Stack {
  readonly inspector: iam.Role;
  readonly healer: iam.Role;

  constructor(scope: Construct, id: string, props: RedpandaAccessStackProps) {
    super(scope, id, props);
    const { config } = props;
    const r = redpandaAccountInUse(config);
    if (r === undefined) throw new Error(`${id}: the configuration has no roles in a Redpanda account (identityModes ${config.identityModes.join(', ')})`);
    const d = config.dbAccount.accountId;
    const pipelineRoles = redpandaRoleNames(config).map((name) => roleArn(r, name));

    const trusting = (role: 'inspector' | 'healer'): iam.IPrincipal => {
      const steps = stepsAssuming(role, props.steps);
      if (steps.length === 0) throw new Error(`no step of the DB stack assumes the ${role} role`);
      return new iam.AccountPrincipal(d).withConditions({ ArnEquals: { 'aws:PrincipalArn': steps.map((s) => roleArn(d, lambdaRoleName(s))) } });
    };

    this.inspector = new iam.Role(this, 'Inspector', {
      roleName: INSPECTOR_ROLE_NAME,
      description: `rpcn-aurora: read the Redpanda pipeline roles (for the DB account ${d})`,
      assumedBy: trusting('inspector'),
      maxSessionDuration: Duration.hours(1),
    });
    this.inspector.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies'],
        resources: pipelineRoles,
      }),
    );
    // iam:GetPolicy finds the default version of each attached managed policy and of the role's permissions
    // boundary, whose document iam:GetPolicyVersion then reads (the probe evaluates the role as IAM does).
    this.inspector.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:GetPolicy', 'iam:GetPolicyVersion'],
        resources: [`arn:${PARTITION}:iam::${r}:policy/*`, `arn:${PARTITION}:iam::aws:policy/*`],
      }),
    );
    const policyReason =
      'read-only: the managed policies attached to a pipeline role are chosen by Redpanda and change over time; their documents are needed to evaluate the role as IAM does';
    acknowledge(this.inspector, `IAM5[Resource::arn:${PARTITION}:iam::${r}:policy/*]`, policyReason);
    acknowledge(this.inspector, `IAM5[Resource::arn:${PARTITION}:iam::aws:policy/*]`, policyReason);

    this.healer = new iam.Role(this, 'Healer', {
      roleName: HEALER_ROLE_NAME,
      description: `rpcn-aurora: put back the rpcn-aurora-* inline policy on the Redpanda pipeline roles (for the DB account ${d})`,
      assumedBy: trusting('healer'),
      maxSessionDuration: Duration.hours(1),
    });
    this.healer.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'], resources: pipelineRoles }));
  }
}
