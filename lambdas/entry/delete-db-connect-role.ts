// Lambda entry of the DeleteDbConnectRole step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/delete-db-connect-role.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
