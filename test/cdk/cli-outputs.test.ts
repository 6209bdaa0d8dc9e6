// The stack outputs the operator CLI reads (bin/aws/session.ts, bin/commands/doctor.ts): every stack carries
// the product version, and RpcnAurora-Db names its state machines, registry table and credentials secret.
import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { PRODUCT_VERSION, VERSION_OUTPUT } from '../../lib/version.js';
import { pipelineRoleConfig, synthesize, type Synthesized } from './support/synth.js';

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

test('the version is the package version', () => {
  expect(PRODUCT_VERSION).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
});

test('every stack publishes its version as the Version output', () => {
  for (const x of [s, withR]) {
    for (const template of [x.dbTemplate, ...(x.accessTemplate ? [x.accessTemplate] : []), ...x.watchTemplates.values()]) {
      template.hasOutput(VERSION_OUTPUT, { Value: PRODUCT_VERSION });
    }
  }
  expect(s.watchTemplates.size).toBe(1);
  expect(withR.watchTemplates.size).toBe(2);
  expect(withR.accessTemplate).toBeDefined();
});

test('RpcnAurora-Db names what the CLI starts and reads', () => {
  for (const workflow of ['Provision', 'Validate', 'Teardown', 'Rotate']) {
    s.dbTemplate.hasOutput(`${workflow}StateMachineArn`, { Value: { Ref: Match.stringLikeRegexp(`^${workflow}`) } });
  }
  s.dbTemplate.hasOutput('LinksTableName', { Value: { Ref: Match.stringLikeRegexp('^Links') } });
  s.dbTemplate.hasOutput('RedpandaCredentialsSecretArn', { Value: { Ref: Match.stringLikeRegexp('^RedpandaCredentials') } });
});
