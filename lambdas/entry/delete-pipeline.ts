// Lambda entry of the DeletePipeline step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/delete-pipeline.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
