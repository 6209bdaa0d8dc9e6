// Lambda entry of the CreateNewKey step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/create-new-key.js';
import { clock, iam, redpanda, registry } from './aws-deps.js';

export const handler = makeHandler({ clock, iam: iam(), redpanda: redpanda(), registry: registry() });
