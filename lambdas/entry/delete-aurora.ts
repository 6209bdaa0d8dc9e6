// Lambda entry of the DeleteAurora step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/delete-aurora.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
