// Lambda entry of the BeginTeardown step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/begin-teardown.js';
import { clock, executions, redpanda, registry } from './aws-deps.js';

export const handler = makeHandler({ registry: registry(), redpanda: redpanda(), executions: executions(), clock });
