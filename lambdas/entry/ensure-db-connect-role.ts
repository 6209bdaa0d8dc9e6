// Lambda entry of the EnsureDbConnectRole step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/ensure-db-connect-role.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
