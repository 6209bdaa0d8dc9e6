// Lambda entry of the RecordLink step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/record-link.js';
import { registry } from './aws-deps.js';

export const handler = makeHandler({ registry: registry() });
