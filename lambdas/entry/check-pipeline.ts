// Lambda entry of the CheckPipeline step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/check-pipeline.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
