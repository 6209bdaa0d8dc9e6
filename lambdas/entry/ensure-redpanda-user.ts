// Lambda entry of the EnsureRedpandaUser step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/ensure-redpanda-user.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
