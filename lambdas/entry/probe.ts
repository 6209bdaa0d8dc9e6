// Lambda entry of the Probe step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/probe.js';
import { aurora, clock, deadlines, iam, network, pipelineRole, redpanda, simulator, sql } from './aws-deps.js';

export const handler = makeHandler({ aurora: aurora(), network: network(), iam: iam(), pipelineRole: pipelineRole(), simulator: simulator(), sql: sql(), redpanda: redpanda(), clock, deadlines });
