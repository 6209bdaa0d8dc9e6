// Lambda entry of the ApplyPipelineRolePolicy step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/apply-pipeline-role-policy.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
