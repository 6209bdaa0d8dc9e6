// Lambda entry of the RecordFailure step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/record-failure.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
