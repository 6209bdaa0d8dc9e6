// Lambda entry of the CheckAurora step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/check-aurora.js';
import { aurora, clock } from './aws-deps.js';

export const handler = makeHandler({ aurora: aurora(), clock });
