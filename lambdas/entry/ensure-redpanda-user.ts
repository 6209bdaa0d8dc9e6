// Lambda entry of the EnsureRedpandaUser step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/ensure-redpanda-user.js';
import { redpanda, registry, secrets } from './aws-deps.js';

export const handler = makeHandler({ redpanda: redpanda(), registry: registry(), secrets: secrets() });
