// Lambda entry of the FinishRotation step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/finish-rotation.js';
import { clock, iam, redpanda, registry } from './aws-deps.js';

export const handler = makeHandler({ clock, iam: iam(), redpanda: redpanda(), registry: registry() });
