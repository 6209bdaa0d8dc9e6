// Lambda entry of the JudgeLink step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/judge-link.js';
import { aurora, clock, deployment, iam, network, pipelineRole, redpanda, registry, simulator } from './aws-deps.js';

export const handler = makeHandler({ deployment: deployment(), registry: registry(), aurora: aurora(), network: network(), iam: iam(), pipelineRole: pipelineRole(), simulator: simulator(), redpanda: redpanda(), clock });
