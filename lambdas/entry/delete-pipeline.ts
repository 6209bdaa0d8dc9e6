// Lambda entry of the DeletePipeline step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/delete-pipeline.js';
import { redpanda, registry } from './aws-deps.js';

export const handler = makeHandler({ redpanda: redpanda(), registry: registry() });
