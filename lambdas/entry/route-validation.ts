// Lambda entry of the RouteValidation step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/route-validation.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
