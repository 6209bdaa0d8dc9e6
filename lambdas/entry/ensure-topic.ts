// Lambda entry of the EnsureTopic step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/ensure-topic.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
