// KMS as Secrets Manager meets it in the twin (emulated; the decision is iam-simulate's): reading a secret
// encrypted with a customer managed key needs kms:Decrypt for the caller, through Secrets Manager, with the
// secret's ARN as encryption context (docs/reference/aws.md A15). The caller is a step Lambda reading an
// adopted cluster's master secret through the Data API; its permission is the deployment's Data API grant
// (lib/permissions.ts GRANTS.dataApi) as the stacks deploy it, so the twin refuses what AWS would refuse when
// that grant lacks the statement. The key policy is KMS's default one (the account may grant through IAM).
import type { DeploymentConfig } from '../../lib/config.js';
import { GRANTS, type GrantStatement } from '../../lib/permissions.js';
import { evaluate, type Evaluation } from './policy-sim.js';

const STEP_ROLE = 'rpcn-aurora-steps';

/** Whether the Data API steps may decrypt `secretArn` with `keyArn` through Secrets Manager. */
export async function secretDecryption(input: { readonly account: string; readonly region: string; readonly secretArn: string; readonly keyArn: string }): Promise<Evaluation> {
  // The adoptable-cluster list shapes only the rds-data and secretsmanager statements, not the KMS one.
  const ctx = { config: { adoptableClusters: [] } as unknown as DeploymentConfig, account: input.account, region: input.region, tableArn: '', credentialsSecretArn: '', tokenCacheSecretArn: '' };
  const statements = GRANTS.dataApi
    .statements(ctx)
    .filter((s) => s.actions.some((a) => a.startsWith('kms:')))
    .flatMap((s) => withEncryptionContext(s, input.secretArn));
  const keyAccount = input.keyArn.split(':')[4] ?? input.account;
  return evaluate({
    principal: `arn:aws:iam::${input.account}:role/${STEP_ROLE}`,
    action: 'kms:Decrypt',
    resourceArn: input.keyArn,
    resourceAccountId: keyAccount,
    identityPolicies: [{ name: 'dataApi', policy: { Version: '2012-10-17', Statement: statements.map(toPolicyStatement) } }],
    resourcePolicy: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${keyAccount}:root` }, Action: 'kms:*', Resource: '*' }],
    },
    context: { 'kms:ViaService': `secretsmanager.${input.region}.amazonaws.com`, 'kms:CallerAccount': input.account },
  });
}

const SECRET_CONTEXT = 'kms:EncryptionContext:SecretARN';

/**
 * iam-simulate takes only `/`-templated context keys, not `kms:EncryptionContext:<key>`: the twin applies that
 * one condition itself (StringEquals or StringLike on the secret's ARN) and hands iam-simulate the rest.
 */
function withEncryptionContext(s: GrantStatement, secretArn: string): GrantStatement[] {
  if (s.conditions === undefined) return [s];
  const conditions: Record<string, Record<string, unknown>> = {};
  for (const [operator, block] of Object.entries(s.conditions)) {
    if (block === undefined) continue;
    const { [SECRET_CONTEXT]: wanted, ...rest } = block as Record<string, unknown>;
    if (wanted !== undefined) {
      const patterns = [wanted].flat().map(String);
      const like = operator === 'StringLike';
      if (!patterns.some((p) => (like ? glob(p).test(secretArn) : p === secretArn))) return [];
      if (operator !== 'StringLike' && operator !== 'StringEquals') throw new Error(`the twin does not evaluate ${operator} on ${SECRET_CONTEXT}`);
    }
    if (Object.keys(rest).length > 0) conditions[operator] = rest;
  }
  const { conditions: _all, ...statement } = s;
  return [Object.keys(conditions).length > 0 ? { ...statement, conditions } : statement];
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

function toPolicyStatement(s: GrantStatement): Record<string, unknown> {
  return { Effect: 'Allow', Action: [...s.actions], Resource: [...s.resources], ...(s.conditions !== undefined && { Condition: s.conditions }) };
}
