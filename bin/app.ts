// The CDK app (cdk.json: `npx tsx bin/app.ts`). Reads the deployment configuration from
// config/deployment.json, or from the file named by `-c config=<path>` or RPCN_AURORA_CONFIG.
// Synthesizes offline, with no AWS credentials: every name and account is in the configuration.
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app.js';
import { DeploymentConfigError, loadDeploymentConfig } from '../lib/config.js';

const app = new App();
const fromContext: unknown = app.node.tryGetContext('config');
const path =
  typeof fromContext === 'string' ? fromContext : (process.env['RPCN_AURORA_CONFIG'] ?? fileURLToPath(new URL('../config/deployment.json', import.meta.url)));

try {
  buildApp(loadDeploymentConfig(path), { app });
} catch (e) {
  if (e instanceof DeploymentConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}
app.synth();
