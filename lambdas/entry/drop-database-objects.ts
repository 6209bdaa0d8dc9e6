// Lambda entry of the DropDatabaseObjects step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/drop-database-objects.js';
import { aurora, clock, deadlines, registry, sql } from './aws-deps.js';

export const handler = makeHandler({ aurora: aurora(), sql: sql(), registry: registry(), clock, deadlines });
