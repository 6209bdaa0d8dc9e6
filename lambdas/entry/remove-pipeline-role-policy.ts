// Lambda entry of the RemovePipelineRolePolicy step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/remove-pipeline-role-policy.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
