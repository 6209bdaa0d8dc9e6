// Aurora branch, last step: the CDC setup SQL through the Data API, one idempotent statement per call.
// Records the database user and publication as the link's only when this link created them. It stops
// starting statements while the Lambda still has time for one more (a Data API call may take 45 s) and hands
// the state machine a cursor; the ASL loops until `done`, so no invocation runs into its timeout.
import { AdoptedClusterNotReadyError, DatabaseNotReadyError, TableOwnershipError } from '../core/errors.js';
import { linkNames } from '../core/naming.js';
import type { LinkRequest } from '../core/request.js';
import {
  evaluateMysqlTables,
  evaluatePgTableOwnership,
  evaluatePgTables,
  evaluatePgUser,
  evaluateMysqlUser,
  mysqlChecks,
  mysqlTablesCheck,
  postgresChecks,
  postgresTableOwnershipCheck,
  setupStatements,
  type SqlRow,
} from '../core/sql.js';
import type { SqlPort, SqlTarget } from '../ports/sql.js';
import type { StepDeps } from './shared/deps.js';
import type { AuroraState, LinkRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface RunSetupSqlInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly aurora: AuroraState;
  /** Index of the first setup statement not yet run (0 on the first invocation). */
  readonly from?: number;
}

export interface RunSetupSqlOutput {
  readonly statements: number;
  readonly createdUser: boolean;
  /** Index of the next statement to run; equals `statements` when done. */
  readonly next: number;
  readonly done: boolean;
}

/** Time kept back for one more statement: the Data API's own call timeout is about 45 s (docs/reference/aws.md A1). */
export const SETUP_SQL_MARGIN_MS = 50_000;

export function sqlTarget(request: LinkRequest, aurora: AuroraState): SqlTarget {
  if (!aurora.secretArn) throw new AdoptedClusterNotReadyError(`cluster ${aurora.clusterIdentifier} has no master user secret for the Data API`);
  return { clusterArn: aurora.clusterArn, secretArn: aurora.secretArn, database: request.database.databaseName };
}

async function userExists(sql: SqlPort, target: SqlTarget, request: LinkRequest): Promise<boolean> {
  if (request.engine === 'aurora-postgresql') {
    const check = postgresChecks(request).user;
    return evaluatePgUser((await sql.execute(target, check.sql)).rows as SqlRow[], request.cdc.user).exists;
  }
  const check = mysqlChecks(request).user;
  return evaluateMysqlUser((await sql.execute(target, check.sql)).rows as SqlRow[], { user: request.cdc.user, expectIamPlugin: false }).exists;
}

/** Grants and the publication need the tables to exist; say exactly which are missing and how to go on. */
async function assertTablesExist(sql: SqlPort, target: SqlTarget, request: LinkRequest, aurora: AuroraState): Promise<void> {
  const pg = request.engine === 'aurora-postgresql';
  const rows = (await sql.execute(target, pg ? postgresChecks(request).tables.sql : mysqlTablesCheck(request).sql)).rows as SqlRow[];
  const result = pg
    ? evaluatePgTables(rows, { schema: request.cdc.schema, tables: request.cdc.tables, snapshot: request.cdc.snapshot })
    : evaluateMysqlTables(rows, { database: request.database.databaseName, tables: request.cdc.tables, snapshot: request.cdc.snapshot });
  const problems = result.findings.filter((f) => f.severity === 'error');
  if (problems.length === 0) return;
  throw new DatabaseNotReadyError(
    `${problems.map((f) => f.message).join('; ')} in database ${request.database.databaseName} of cluster ${aurora.clusterIdentifier}` +
      (aurora.endpoint ? ` (${aurora.endpoint}:${aurora.port})` : '') +
      ': create them (with primary keys when cdc.snapshot is true), then start the provision again: every step already done is kept',
  );
}

/**
 * Publishing a table and granting SELECT on it need its ownership (PostgreSQL), which Aurora's master user lacks
 * for tables another role owns (docs/reference/aws.md A2). Runs after the connector role exists, so the owner's
 * GRANT can name it. MySQL has no table ownership: its master user holds every privilege WITH GRANT OPTION.
 */
async function assertTableOwnership(sql: SqlPort, target: SqlTarget, request: LinkRequest, aurora: AuroraState): Promise<void> {
  const report = evaluatePgTableOwnership((await sql.execute(target, postgresTableOwnershipCheck(request).sql)).rows as SqlRow[], request);
  if (report.blocked.length === 0) return;
  throw new TableOwnershipError(
    `[pg-table-not-owned] setup user ${report.setupUser} does not own ${report.blocked.map((b) => `${request.cdc.schema}.${b.table} (owner ${b.owner})`).join(', ')} ` +
      `in database ${request.database.databaseName} of cluster ${aurora.clusterIdentifier}, and is not a member of the owner role, so it cannot grant SELECT on them ` +
      `or add them to the publication (Aurora's master user is not a superuser). Either ` +
      (report.setupUserStatements.length > 0 ? `first, as ${report.setupUser}: ${report.setupUserStatements.join(' ')} then ` : '') +
      `each owner runs, connected to ${request.database.databaseName}: ` +
      report.ownerStatements.map((o) => `as ${o.owner}: ${o.statements.join(' ')}`).join('; ') +
      ` — or a role with ADMIN OPTION on the owner role (on Aurora, usually the master user that created it) runs: ${report.membershipStatements.join(' ')} ` +
      `Then start the provision again: every step already done is kept`,
  );
}

export function makeHandler(deps: Pick<StepDeps, 'sql' | 'registry'>) {
  return defineStep<RunSetupSqlInput, RunSetupSqlOutput>('RunSetupSql', async ({ request, link, aurora, from = 0 }, context) => {
    const target = sqlTarget(request, aurora);
    await assertTablesExist(deps.sql, target, request, aurora);
    const record = await deps.registry.get(request.name);
    // A user that existed before this link's first setup is not ours to drop at teardown.
    const createdUser = record?.owned.databaseUser !== undefined || !(await userExists(deps.sql, target, request));
    const names = linkNames(request, link.dbAccountId);
    // Recorded before running, so a setup that fails half-way still tears down what it made.
    await deps.registry.update(request.name, {
      owned: {
        ...(createdUser ? { databaseUser: request.cdc.user } : {}),
        ...(request.engine === 'aurora-postgresql' ? { publication: names.publication, slot: names.slot } : {}),
      },
    });
    const statements = setupStatements(request);
    if (!Number.isInteger(from) || from < 0 || from > statements.length) throw new RangeError(`RunSetupSql: cursor ${from} is outside 0..${statements.length}`);
    let next = from;
    let ownershipChecked = false;
    // At least one statement per invocation, so the loop always progresses.
    while (next < statements.length && (next === from || context.getRemainingTimeInMillis() > SETUP_SQL_MARGIN_MS)) {
      const statement = statements[next]!;
      // Checked in every invocation that reaches a table statement: a later invocation may resume past the first.
      if (statement.needsTableOwnership && !ownershipChecked) {
        await assertTableOwnership(deps.sql, target, request, aurora);
        ownershipChecked = true;
      }
      await deps.sql.execute(target, statement.sql, { ddl: statement.ddl ?? false });
      next++;
    }
    return { statements: statements.length, createdUser, next, done: next === statements.length };
  });
}
