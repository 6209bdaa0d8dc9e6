// Lambda entry of the HealLink step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/heal-link.js';
import { aurora, clock, deployment, iam, pipelineRole, registry, rotations } from './aws-deps.js';

export const handler = makeHandler({ deployment: deployment(), registry: registry(), aurora: aurora(), iam: iam(), pipelineRole: pipelineRole(), rotations: rotations(), clock });
