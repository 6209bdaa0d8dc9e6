// Lambda entry of the FinishTeardown step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/finish-teardown.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
