// Lambda entry of the EnsureRedpandaSecrets step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/ensure-redpanda-secrets.js';
import { rdsCaBundle, redpanda, registry, secrets } from './aws-deps.js';

export const handler = makeHandler({ redpanda: redpanda(), registry: registry(), secrets: secrets(), rdsCaBundle });
