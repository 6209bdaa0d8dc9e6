// Lambda entry of the DeleteRedpandaAccess step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/delete-redpanda-access.js';
import { redpanda, registry, secrets } from './aws-deps.js';

export const handler = makeHandler({ redpanda: redpanda(), registry: registry(), secrets: secrets() });
