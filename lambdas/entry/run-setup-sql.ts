// Lambda entry of the RunSetupSql step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/run-setup-sql.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
