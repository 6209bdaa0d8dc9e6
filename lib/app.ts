// The whole app from one validated configuration: RpcnAurora-Db in D, RpcnAurora-IamWatch-<account> in
// us-east-1 of D (and of R), RpcnAurora-RedpandaAccess in R, every stack checked by cdk-nag AwsSolutions.
// Stacks in R exist only when the identity modes need roles there (lib/config.ts redpandaAccountInUse): an
// `access-key` deployment is one account.
// bin/app.ts calls this with config/deployment.json; the tests call it with their own configurations.
import { App, CfnOutput, LegacyStackSynthesizer, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { redpandaAccountInUse, type DeploymentConfig } from './config.js';
import { DB_STACK_NAME, IAM_EVENTS_REGION, REDPANDA_ACCESS_STACK_NAME, eventBusArn, iamWatchStackName } from './names.js';
import { watchTargets } from './iam-watch-pattern.js';
import { DbStack } from './stacks/db-stack.js';
import { IamWatchStack } from './stacks/iam-watch-stack.js';
import { RedpandaAccessStack } from './stacks/redpanda-access-stack.js';
import { PRODUCT_VERSION, VERSION_OUTPUT } from './version.js';
import { WORKFLOWS, functionSteps, type WorkflowSpec } from './workflows.js';

export interface RpcnAuroraApp {
  readonly app: App;
  readonly db: DbStack;
  readonly iamWatches: readonly IamWatchStack[];
  /** Undefined when the deployment needs nothing in the Redpanda account (identityModes without `pipeline-role`, no self-managed roles in R). */
  readonly redpandaAccess: RedpandaAccessStack | undefined;
}

export interface BuildAppOptions {
  /** The app to add the stacks to. @default a new App(appProps) */
  readonly app?: App;
  readonly appProps?: AppProps;
  /** @default WORKFLOWS (lib/workflows.ts) */
  readonly workflows?: readonly WorkflowSpec[];
}

export function buildApp(config: DeploymentConfig, options: BuildAppOptions = {}): RpcnAuroraApp {
  const app = options.app ?? new App(options.appProps);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  Tags.of(app).add('managed-by', 'rpcn-aurora');
  const workflows = options.workflows ?? WORKFLOWS;

  const db = new DbStack(app, DB_STACK_NAME, {
    env: { account: config.dbAccount.accountId, region: config.dbAccount.region },
    description: 'rpcn-aurora: Lambdas, state machines, registry, event bus and alarm of the DB account',
    config,
    workflows,
  });

  // The watch and access stacks have no assets and small templates: the legacy synthesizer deploys them with
  // the CLI's own credentials, so R (and us-east-1 of D) need no CDK bootstrap.
  const iamWatches = watchTargets(config).map(
    (target) =>
      new IamWatchStack(app, iamWatchStackName(target.account), {
        env: { account: target.account, region: IAM_EVENTS_REGION },
        description: `rpcn-aurora: forwards IAM changes of the watched roles and users in ${target.account} to the DB account`,
        synthesizer: new LegacyStackSynthesizer(),
        target,
        busArn: eventBusArn(config),
      }),
  );

  const r = redpandaAccountInUse(config);
  const redpandaAccess =
    r === undefined
      ? undefined
      : new RedpandaAccessStack(app, REDPANDA_ACCESS_STACK_NAME, {
          env: { account: r, region: config.redpanda.accessStackRegion },
          description: 'rpcn-aurora: inspector and healer roles on the first-hop roles in the Redpanda account, for the DB account Lambdas',
          synthesizer: new LegacyStackSynthesizer(),
          config,
          steps: functionSteps(workflows),
        });

  // `rpcn-aurora doctor` compares each deployed stack's version with the CLI's own.
  for (const stack of [db, ...iamWatches, ...(redpandaAccess ? [redpandaAccess] : [])]) {
    new CfnOutput(stack, VERSION_OUTPUT, { value: PRODUCT_VERSION, description: 'rpcn-aurora version that deployed this stack (rpcn-aurora doctor compares it with the CLI)' });
  }

  return { app, db, iamWatches, redpandaAccess };
}
