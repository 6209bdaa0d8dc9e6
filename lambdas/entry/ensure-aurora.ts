// Lambda entry of the EnsureAurora step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/ensure-aurora.js';
import { aurora, clock, deadlines, deployment, network, registry } from './aws-deps.js';

export const handler = makeHandler({ aurora: aurora(), network: network(), registry: registry(), deployment: deployment(), clock, deadlines });
