// Lambda entry of the Probe step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/probe.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
