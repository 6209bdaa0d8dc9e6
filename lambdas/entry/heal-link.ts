// Lambda entry of the HealLink step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/heal-link.js';
import { aurora, iam, pipelineRole, registry } from './aws-deps.js';

export const handler = makeHandler({ registry: registry(), aurora: aurora(), iam: iam(), pipelineRole: pipelineRole() });
