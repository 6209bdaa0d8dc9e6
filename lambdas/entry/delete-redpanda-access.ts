// Lambda entry of the DeleteRedpandaAccess step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/delete-redpanda-access.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
