// Lambda entry of the DescribeClusterIdentity step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/describe-cluster-identity.js';
import { aurora, clock, deadlines } from './aws-deps.js';

export const handler = makeHandler({ aurora: aurora(), clock, deadlines });
