// Lambda entry of the EnsureAurora step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/ensure-aurora.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
