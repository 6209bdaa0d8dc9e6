// Lambda entry of the Probe step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/probe.js';
import { aurora, clock, deadlines, deployment, iam, network, pipelineRole, redpanda, registry, simulator, sql } from './aws-deps.js';

export const handler = makeHandler({ deployment: deployment(), aurora: aurora(), network: network(), iam: iam(), pipelineRole: pipelineRole(), simulator: simulator(), sql: sql(), redpanda: redpanda(), registry: registry(), clock, deadlines });
