// Lambda entry of the ApplyPipelineRolePolicy step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/apply-pipeline-role-policy.js';
import { deployment, pipelineRole, registry } from './aws-deps.js';

export const handler = makeHandler({ deployment: deployment(), pipelineRole: pipelineRole(), registry: registry() });
