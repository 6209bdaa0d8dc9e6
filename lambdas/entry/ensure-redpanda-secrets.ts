// Lambda entry of the EnsureRedpandaSecrets step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/ensure-redpanda-secrets.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
