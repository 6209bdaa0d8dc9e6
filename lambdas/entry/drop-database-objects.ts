// Lambda entry of the DropDatabaseObjects step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/drop-database-objects.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
