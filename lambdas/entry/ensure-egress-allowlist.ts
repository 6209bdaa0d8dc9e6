// Lambda entry of the EnsureEgressAllowlist step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/ensure-egress-allowlist.js';
import { redpanda, registry } from './aws-deps.js';

export const handler = makeHandler({ redpanda: redpanda(), registry: registry() });
