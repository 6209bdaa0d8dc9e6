// Lambda entry of the BeginRotation step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/begin-rotation.js';
import { aurora, clock, executions, redpanda, registry } from './aws-deps.js';

export const handler = makeHandler({ aurora: aurora(), clock, executions: executions(), redpanda: redpanda(), registry: registry() });
