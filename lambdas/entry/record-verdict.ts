// Lambda entry of the RecordVerdict step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/record-verdict.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
