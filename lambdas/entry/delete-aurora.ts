// Lambda entry of the DeleteAurora step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/delete-aurora.js';
import { aurora, clock, deadlines, network, registry } from './aws-deps.js';

export const handler = makeHandler({ aurora: aurora(), network: network(), registry: registry(), clock, deadlines });
