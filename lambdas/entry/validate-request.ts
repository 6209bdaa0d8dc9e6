// Lambda entry of the ValidateRequest step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/validate-request.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
