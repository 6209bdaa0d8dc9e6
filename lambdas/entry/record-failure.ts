// Lambda entry of the RecordFailure step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/record-failure.js';
import { clock, registry } from './aws-deps.js';

export const handler = makeHandler({ registry: registry(), clock });
