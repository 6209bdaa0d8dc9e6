// Lambda entry of the CheckAurora step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/check-aurora.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
