// Jest global setup of the projects with MySQL-path tests (workflow, integration): unless MYSQL_URL names a server,
// start one private MariaDB for the whole run (binary log on, ROW format) and hand its URL to the test workers as
// MYSQL_URL; where the machine has no server binary, record the reason so those tests are skipped with it. Jest runs
// a project's global setup only when one of its tests is selected, once per project: the second call reuses the first.
// Plain ESM: jest loads global setup outside its module mapper, so the TypeScript is loaded through tsx.
import { register } from 'tsx/esm/api';

const KEY = Symbol.for('rpcn-aurora.mysql-global');

/** @returns {{ server?: { url: string, stop(): Promise<void> }, prepared?: boolean, users: number }} */
export function runState() {
  return (globalThis[KEY] ??= { users: 0 });
}

export default async function mysqlGlobalSetup() {
  const state = runState();
  state.users++;
  if (state.prepared) return;
  state.prepared = true;
  if (process.env.MYSQL_URL) return;
  const unregister = register();
  try {
    const { startMariadbServer } = await import('../../local/database/mariadb-server.ts');
    const { MYSQL_SKIP_REASON_ENV } = await import('../../local/database/mysql.ts');
    try {
      state.server = await startMariadbServer();
      process.env.MYSQL_URL = state.server.url;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      process.env[MYSQL_SKIP_REASON_ENV] = reason;
      process.stderr.write(`\nMySQL-path tests skipped: ${reason}\n`);
    }
  } finally {
    await unregister();
  }
}
