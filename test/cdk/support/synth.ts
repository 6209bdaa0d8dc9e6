// Builds the app the way bin/app.ts does and hands the tests its templates. Synthesize once per test file
// (beforeAll): Template.fromStack synthesizes the whole app the first time and reuses the assembly after.
// Lambda bundling is skipped here (the `aws:cdk:bundling-stacks` context CDK's CLI uses for the same
// purpose) except where a test asks for it; test/cdk/bundling.test.ts bundles for real.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BuildAppOptions, type RpcnAuroraApp } from '../../../lib/app.js';
import { loadDeploymentConfig, parseDeploymentConfig, type DeploymentConfig } from '../../../lib/config.js';

// The built-in CloudFormation validation adds seconds per synth and checks nothing these tests rely on.
process.env['CDK_VALIDATION'] = 'false';
// cdk-nag's EventBusOpenAccess rule reads a deprecated property; the jsii warning is noise here.
process.env['JSII_DEPRECATED'] = 'quiet';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const EXAMPLE_CONFIG_PATH = join(ROOT, 'config/deployment.json');

/** The committed example configuration (config/deployment.json). */
export function exampleConfig(): DeploymentConfig {
  return loadDeploymentConfig(EXAMPLE_CONFIG_PATH);
}

/** The example configuration with some keys replaced (validated like a file). */
export function configWith(patch: Record<string, unknown>): DeploymentConfig {
  const raw = JSON.parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as Record<string, unknown>;
  return parseDeploymentConfig({ ...raw, ...patch }, 'test config');
}

/** The Redpanda account of the examples (examples/*.json). */
export const REDPANDA_ACCOUNT = '861276079005';

/**
 * The example serving `pipeline-role` links too: the configuration with stacks in the Redpanda account
 * (RpcnAurora-RedpandaAccess, the IAM watch of R). `redpanda` keys are merged into the example's.
 */
export function pipelineRoleConfig(patch: Record<string, unknown> = {}): DeploymentConfig {
  const { redpanda, ...rest } = patch as { redpanda?: Record<string, unknown> };
  return configWith({
    identityModes: ['access-key', 'pipeline-role'],
    redpanda: { accountId: REDPANDA_ACCOUNT, clusterIds: ['curl3eo533cmsnt23dv0'], ...redpanda },
    ...rest,
  });
}

export interface Synthesized extends RpcnAuroraApp {
  readonly outdir: string;
  readonly config: DeploymentConfig;
  readonly dbTemplate: Template;
  /** Undefined when the configuration has no stack in the Redpanda account. */
  readonly accessTemplate: Template | undefined;
  /** IAM-watch template by account. */
  readonly watchTemplates: ReadonlyMap<string, Template>;
  /** Removes the cloud assembly directory. */
  dispose(): void;
}

export function synthesize(config: DeploymentConfig = exampleConfig(), options: { bundle?: boolean } & Omit<BuildAppOptions, 'app' | 'appProps'> = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'rpcn-aurora-cdk-'));
  const built = buildApp(config, {
    ...(options.workflows ? { workflows: options.workflows } : {}),
    appProps: { outdir, context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] } },
  });
  const dbTemplate = Template.fromStack(built.db);
  return {
    ...built,
    outdir,
    config,
    dbTemplate,
    accessTemplate: built.redpandaAccess ? Template.fromStack(built.redpandaAccess) : undefined,
    watchTemplates: new Map(built.iamWatches.map((s) => [s.account, Template.fromStack(s)])),
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;

export function resourcesOf(template: Template, type?: string): Resources {
  const all = template.toJSON()['Resources'] as Resources;
  return type === undefined ? all : Object.fromEntries(Object.entries(all).filter(([, r]) => r.Type === type));
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every statement of the policies attached to the role with this logical id (AWS::IAM::Policy and inline). */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const resources = resourcesOf(template);
  const inline = asList((resources[roleLogicalId]?.Properties?.['Policies'] as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
  const attached = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && asList(r.Properties?.['Roles'] as unknown[]).some((ref) => (ref as { Ref?: string }).Ref === roleLogicalId))
    .flatMap((r) => (r.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

/** Logical id of the resource of a type whose property matches. */
export function logicalIdWhere(template: Template, type: string, predicate: (props: Record<string, unknown>) => boolean): string {
  const found = Object.entries(resourcesOf(template, type)).filter(([, r]) => predicate(r.Properties ?? {}));
  if (found.length !== 1) throw new Error(`expected one ${type} matching, found ${found.length}`);
  return found[0]![0];
}
