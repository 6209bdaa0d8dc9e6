// MySQL-path tests run against the run's MariaDB (MYSQL_URL, or the private server of mysql-global-setup.mjs); where
// the machine has none they are reported as skipped, with the reason in the block's name, never passed silently.
import { describe } from '@jest/globals';
import { mysqlSkipReason } from '../../local/database/mysql.js';

const reason = mysqlSkipReason();

/** `describe`, or `describe.skip` naming why this run has no MySQL server. */
export const describeMysql = (name: string, body: () => void): void =>
  reason ? describe.skip(`${name} (skipped: ${reason})`, body) : describe(name, body);
