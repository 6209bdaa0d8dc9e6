// Teardown, the body of a Wait + Choice loop: once the replication slot is inactive (the pipeline is
// gone), drop it, the publication and, only when the link created it, the CDC user, through the Data API.
// An active slot past the deadline fails: it pins WAL, and only a human can say who holds it.
import { DeadlineExceededError, TableOwnershipError } from '../core/errors.js';
import { linkNames } from '../core/naming.js';
import { evaluatePgTeardownOwnership, evaluateSlot, postgresSlotStatusQuery, postgresTeardownOwnershipCheck, teardownStatements, type SqlRow } from '../core/sql.js';
import type { StepDeps } from './shared/deps.js';
import type { TeardownStepInput } from './delete-pipeline.js';
import { deadlineAfter } from './shared/state.js';
import { emptyReport, type StepReport } from './shared/teardown.js';
import { defineStep } from './shared/step.js';

export interface DropDatabaseObjectsInput extends TeardownStepInput {
  readonly database?: { readonly deadline?: string };
}

export interface DropDatabaseObjectsOutput extends StepReport {
  readonly done: boolean;
  readonly deadline: string;
}

const USER_STATEMENTS = /^(pg\.role\.|mysql\.user\.)/;

export function makeHandler(deps: Pick<StepDeps, 'aurora' | 'sql' | 'registry' | 'clock' | 'deadlines'>) {
  return defineStep<DropDatabaseObjectsInput, DropDatabaseObjectsOutput>('DropDatabaseObjects', async ({ teardown, database }) => {
    const now = deps.clock();
    const deadline = database?.deadline ?? deadlineAfter(now, deps.deadlines.pipelineRunningMs);
    const report = emptyReport();
    const done = (): DropDatabaseObjectsOutput => ({ ...report, done: true, deadline });
    if (teardown.alreadyDeleted) return done();
    const { request, owned, link } = teardown;
    const names = linkNames(request, teardown.dbAccountId);
    const cluster = await deps.aurora.describeCluster(request.database.clusterIdentifier);
    const script = `rpcn-aurora plan <request.json> --out DIR, then run DIR/teardown.sql as the master user`;
    if (!cluster) return done();
    if (cluster.status !== 'available' || !cluster.masterUserSecretArn || !cluster.httpEndpointEnabled) {
      if (owned.cluster) return done(); // the cluster itself is deleted later, taking these objects with it
      report.needsHuman.push(`cluster ${cluster.identifier} is ${cluster.status} without a usable Data API: drop slot ${names.slot}, publication ${names.publication} and user ${request.cdc.user} yourself (${script})`);
      return done();
    }
    const target = { clusterArn: cluster.arn, secretArn: cluster.masterUserSecretArn, database: request.database.databaseName };
    if (request.engine === 'aurora-postgresql') {
      const slot = evaluateSlot((await deps.sql.execute(target, postgresSlotStatusQuery(request).sql)).rows as SqlRow[], {
        database: request.database.databaseName,
        requireActive: false,
      });
      if (slot.active) {
        if (now.getTime() > Date.parse(deadline)) {
          throw new DeadlineExceededError(
            `replication slot ${names.slot} is still active (pid ${slot.activePid}) after the pipeline was deleted: find who holds it with ` +
              `SELECT active_pid FROM pg_replication_slots WHERE slot_name = '${names.slot}', stop it, then run the teardown again`,
          );
        }
        return { ...report, done: false, deadline };
      }
      // What a table owner made for the link (TableOwnershipError's statements) only it can remove; say so before failing half-way.
      const foreign = evaluatePgTeardownOwnership((await deps.sql.execute(target, postgresTeardownOwnershipCheck(request).sql)).rows as SqlRow[], request);
      if (foreign.ownerStatements.length > 0) {
        throw new TableOwnershipError(
          `[pg-table-not-owned] the setup user ${foreign.setupUser} may not remove what table owners made for link ${link} in database ${request.database.databaseName}; ` +
            `each owner runs, connected to it: ${foreign.ownerStatements.map((o) => `as ${o.owner}: ${o.statements.join(' ')}`).join('; ')} — then run the teardown again`,
        );
      }
    }
    const keepUser = !owned.databaseUser;
    for (const statement of teardownStatements(request)) {
      if (keepUser && USER_STATEMENTS.test(statement.id)) continue;
      await deps.sql.execute(target, statement.sql, { ddl: statement.ddl ?? false });
    }
    if (request.engine === 'aurora-postgresql') report.deleted.push(`replication slot ${names.slot}`, `publication ${names.publication}`);
    if (keepUser) report.kept.push({ what: `database user ${request.cdc.user}`, why: 'it existed before the link, so only the link\'s grants and publication were removed' });
    else report.deleted.push(`database user ${request.cdc.user}`);
    await deps.registry.update(link, { owned: { databaseUser: undefined, publication: undefined, slot: undefined } });
    return done();
  });
}
