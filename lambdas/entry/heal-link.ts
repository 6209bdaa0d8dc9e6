// Lambda entry of the HealLink step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/heal-link.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
