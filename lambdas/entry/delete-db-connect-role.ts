// Lambda entry of the DeleteDbConnectRole step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/delete-db-connect-role.js';
import { iam, registry } from './aws-deps.js';

export const handler = makeHandler({ iam: iam(), registry: registry() });
