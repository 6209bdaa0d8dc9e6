// Lambda entry of the ValidateRequest step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/validate-request.js';
import { aurora, clock, deployment, executions, network, redpanda, registry } from './aws-deps.js';

export const handler = makeHandler({ deployment: deployment(), redpanda: redpanda(), registry: registry(), executions: executions(), aurora: aurora(), network: network(), clock });
