// Lambda entry of the FinishTeardown step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/finish-teardown.js';
import { registry } from './aws-deps.js';

export const handler = makeHandler({ registry: registry() });
