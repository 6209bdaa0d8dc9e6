// Lambda entry of the CreatePipeline step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/create-pipeline.js';
import { clock, deadlines, redpanda, registry } from './aws-deps.js';

export const handler = makeHandler({ redpanda: redpanda(), registry: registry(), clock, deadlines });
