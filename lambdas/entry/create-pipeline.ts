// Lambda entry of the CreatePipeline step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/create-pipeline.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
