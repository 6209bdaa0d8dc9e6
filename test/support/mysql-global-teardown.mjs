// Stops the private MariaDB of mysql-global-setup.mjs after the last project that used it.
import { runState } from './mysql-global-setup.mjs';

export default async function mysqlGlobalTeardown() {
  const state = runState();
  state.users--;
  if (state.users > 0 || !state.server) return;
  const server = state.server;
  delete state.server;
  delete process.env.MYSQL_URL;
  await server.stop();
}
