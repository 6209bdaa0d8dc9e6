// Lambda entry of the RestoreKey step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/restore-key.js';
import { iam, redpanda, registry } from './aws-deps.js';

export const handler = makeHandler({ iam: iam(), redpanda: redpanda(), registry: registry() });
