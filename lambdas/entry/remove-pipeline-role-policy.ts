// Lambda entry of the RemovePipelineRolePolicy step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/remove-pipeline-role-policy.js';
import { deployment, pipelineRole, registry } from './aws-deps.js';

export const handler = makeHandler({ deployment: deployment(), pipelineRole: pipelineRole(), registry: registry() });
