// Lambda entry of the RecordLink step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/record-link.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
