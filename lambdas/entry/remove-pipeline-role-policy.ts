// Lambda entry of the RemovePipelineRolePolicy step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/remove-pipeline-role-policy.js';
import { pipelineRole, registry } from './aws-deps.js';

export const handler = makeHandler({ pipelineRole: pipelineRole(), registry: registry() });
