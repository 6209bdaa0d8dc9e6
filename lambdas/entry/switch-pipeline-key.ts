// Lambda entry of the SwitchPipelineKey step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/switch-pipeline-key.js';
import { clock, deadlines, redpanda } from './aws-deps.js';

export const handler = makeHandler({ clock, deadlines, redpanda: redpanda() });
