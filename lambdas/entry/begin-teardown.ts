// Lambda entry of the BeginTeardown step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/begin-teardown.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
