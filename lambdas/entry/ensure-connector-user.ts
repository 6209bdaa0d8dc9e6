// Lambda entry of the EnsureConnectorUser step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/ensure-connector-user.js';
import { iam, registry } from './aws-deps.js';

export const handler = makeHandler({ iam: iam(), registry: registry() });
