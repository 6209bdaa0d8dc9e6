// Lambda entry of the EnsureTopic step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/ensure-topic.js';
import { redpanda, registry } from './aws-deps.js';

export const handler = makeHandler({ redpanda: redpanda(), registry: registry() });
