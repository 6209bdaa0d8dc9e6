// cdk-nag AwsSolutions runs on every stack (lib/app.ts) and finds nothing unacknowledged; every
// acknowledgement carries a reason, is written to the template (audit trail), and is of a rule we expect
// to acknowledge. Every other synth in these tests would fail too if a finding were left unacknowledged.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { buildApp } from '../../lib/app.js';
import { exampleConfig, pipelineRoleConfig, resourcesOf, synthesize, type Synthesized } from './support/synth.js';

// The default (access-key only: D alone) and a deployment with stacks in R too.
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

interface Suppression {
  readonly id: string;
  readonly reason: string;
}

function suppressions(x: Synthesized = withR): { stack: string; resource: string; rule: Suppression }[] {
  const templates = [
    ['RpcnAurora-Db', x.dbTemplate] as const,
    ...(x.accessTemplate ? [['RpcnAurora-RedpandaAccess', x.accessTemplate] as const] : []),
    ...[...x.watchTemplates].map(([a, t]) => [`RpcnAurora-IamWatch-${a}`, t] as const),
  ];
  return templates.flatMap(([stack, t]) =>
    Object.entries(resourcesOf(t)).flatMap(([resource, r]) =>
      ((r.Metadata?.['cdk_nag'] as { rules_to_suppress?: Suppression[] } | undefined)?.rules_to_suppress ?? [])
        .filter((rule) => rule.id.startsWith('AwsSolutions-'))
        .map((rule) => ({ stack, resource, rule })),
    ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['access-key only', () => s],
    ['with the Redpanda account', () => withR],
  ])('reports no unacknowledged finding on any stack (%s)', (_what, x) => {
    const reportPath = join(x().outdir, 'validation-report.json');
    expect(existsSync(reportPath)).toBe(true);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { pluginReports: { pluginName: string; violations: { ruleName: string }[] }[] };
    const nag = report.pluginReports.filter((p) => p.pluginName === 'AwsSolutions');
    expect(nag.flatMap((p) => p.violations.map((v) => v.ruleName))).toEqual([]);
  });

  it('is wired into the app: a non-compliant resource fails synth with the rule named', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'rpcn-aurora-nag-'));
    try {
      const { app, db } = buildApp(exampleConfig(), { appProps: { outdir, context: { 'aws:cdk:bundling-stacks': [] } } });
      new sqs.Queue(db, 'PlainQueue');
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('acknowledges only expected rules, each with a reason', () => {
    const all = suppressions();
    expect(all.length).toBeGreaterThan(30);
    const rules = new Set(all.map((x) => x.rule.id.replace(/\[.*$/, '')));
    expect([...rules].sort()).toEqual(['AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-SMG4']);
    for (const { stack, resource, rule } of all) {
      expect(`${stack}/${resource} ${rule.id}: ${rule.reason}`).toMatch(/: .{25,}/);
    }
  });

  it('acknowledges no wildcard action, and "*" resources only for X-Ray, log delivery or documented read-only and conditioned calls', () => {
    const all = suppressions().map((x) => x.rule);
    expect(all.filter((r) => r.id.includes('[Action::'))).toEqual([]);
    for (const r of all.filter((x) => x.id === 'AwsSolutions-IAM5[Resource::*]')) {
      for (const cause of r.reason.split(' | ')) {
        expect(cause).toMatch(/^(X-Ray|Log delivery and X-Ray|network\.readSecurityGroups|network\.describeInterfaces|network\.ensureSecurityGroup|network\.describeRoutes|aurora\.describeAnyInstance|aurora\.describeEngineVersions|network\.updateIngress|iam\.simulate|metrics\.verdict):/);
      }
    }
  });

  it('acknowledges the runtime finding on every function and the rotation finding on the credentials and token secrets only', () => {
    const all = suppressions();
    const functions = Object.keys(resourcesOf(withR.dbTemplate, 'AWS::Lambda::Function')).sort();
    expect(all.filter((x) => x.rule.id === 'AwsSolutions-L1').map((x) => x.resource).sort()).toEqual(functions);
    expect(all.filter((x) => x.rule.id === 'AwsSolutions-SMG4').map((x) => x.resource).sort()).toEqual(['RedpandaCredentials', 'RedpandaTokenCache']);
  });
});
