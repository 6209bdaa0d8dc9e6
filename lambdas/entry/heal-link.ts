// Lambda entry of the HealLink step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/heal-link.js';
import { aurora, clock, deployment, iam, network, pipelineRole, registry, rotations } from './aws-deps.js';

export const handler = makeHandler({ deployment: deployment(), registry: registry(), aurora: aurora(), network: network(), iam: iam(), pipelineRole: pipelineRole(), rotations: rotations(), clock });
