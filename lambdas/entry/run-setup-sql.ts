// Lambda entry of the RunSetupSql step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/run-setup-sql.js';
import { registry, sql } from './aws-deps.js';

export const handler = makeHandler({ sql: sql(), registry: registry() });
