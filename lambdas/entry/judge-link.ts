// Lambda entry of the JudgeLink step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/judge-link.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
