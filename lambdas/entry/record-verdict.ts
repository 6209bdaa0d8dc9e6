// Lambda entry of the RecordVerdict step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/record-verdict.js';
import { metrics, registry } from './aws-deps.js';

export const handler = makeHandler({ registry: registry(), metrics: metrics() });
