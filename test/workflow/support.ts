// Shared set-up of the workflow tests: the offline twin with the demo application's table, the example
// requests, and helpers to read the twin's state.
import { readFileSync } from 'node:fs';
import { assertRequest, type LinkRequest } from '../../lambdas/core/request.js';
import { OfflineTwin, type OfflineTwinOptions } from '../../local/twin.js';

export { waitFor } from '../../local/wait.js';

export function example(name: 'postgres' | 'mysql' | 'existing-cluster'): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8'));
}

/** The postgres example in identity mode pipeline-role (the walkthrough's chain: run it on a twin with `pipelinePodIdentity: 'irsa'`). */
export function pipelineRoleRequest(name: string, edit?: (r: Record<string, any>) => void): Record<string, any> {
  return pgRequest(name, (r) => {
    r.identity = { mode: 'pipeline-role' };
    edit?.(r);
  });
}

/** The postgres example under another name (each test its own link, so tests do not share state). */
export function pgRequest(name: string, edit?: (r: Record<string, any>) => void): Record<string, any> {
  const r = example('postgres');
  r.name = name;
  r.redpanda.topic = `${name}.cdc`;
  edit?.(r);
  return r;
}

export function normalized(raw: unknown): LinkRequest {
  return assertRequest(raw);
}

/** The application's table, created by "its migrations" as soon as a new cluster's database is up. */
export async function startTwin(options: Partial<OfflineTwinOptions> = {}): Promise<OfflineTwin> {
  const base = example('postgres');
  return OfflineTwin.start({
    redpandaClusterId: base.redpanda.clusterId,
    redpandaAccountId: base.redpanda.accountId,
    deadlines: { probeMs: 8_000, pipelineRunningMs: 8_000, auroraAvailableMs: 30_000, clusterIdentityMs: 15_000 },
    ...options,
    rds: {
      onDatabaseCreated: async (cluster, backing) => {
        const sql =
          cluster.engine === 'aurora-postgresql'
            ? ['CREATE TABLE IF NOT EXISTS public.orders (id serial PRIMARY KEY, item text NOT NULL, qty integer NOT NULL)',
               'CREATE TABLE IF NOT EXISTS public.audit_log (id serial PRIMARY KEY, note text)']
            : ['CREATE TABLE IF NOT EXISTS `stock_levels` (id int AUTO_INCREMENT PRIMARY KEY, item varchar(100) NOT NULL, qty int NOT NULL)',
               'CREATE TABLE IF NOT EXISTS `warehouses` (id int AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL)',
               "INSERT INTO `stock_levels` (item, qty) VALUES ('bolt', 10), ('nut', 20)"];
        for (const statement of sql) await backing.execute(cluster.databaseName, backing.master, statement);
      },
      ...options.rds,
    },
  });
}

/** Run SQL on a link's cluster as the master user (the application's side). */
export async function appSql(twin: OfflineTwin, request: LinkRequest, sql: string): Promise<Record<string, unknown>[]> {
  const cluster = await twin.deps.aurora.describeCluster(request.database.clusterIdentifier);
  if (!cluster) throw new Error(`no cluster ${request.database.clusterIdentifier}`);
  const backing = twin.aws.rds.byArn(cluster.arn)?.backing;
  if (!backing) throw new Error(`cluster ${cluster.identifier} has no database`);
  return backing.execute(request.database.databaseName, backing.master, sql) as Promise<Record<string, unknown>[]>;
}


/** Inventory without the volatile fields (timestamps, counters) so two snapshots can be compared. */
export function stable(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v) =>
      /^(createdAt|updatedAt|at|createDate|createdAtMs|time|timestamp|lastUsed|expiresAt|describes|pid|activePid|active_pid|confirmedFlushLsn|confirmed_flush_lsn|restartLsn|restart_lsn)$/i.test(key) ? undefined : v,
    ),
  );
}
