// Lambda entry of the CheckPipeline step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/check-pipeline.js';
import { clock, redpanda } from './aws-deps.js';

export const handler = makeHandler({ redpanda: redpanda(), clock });
