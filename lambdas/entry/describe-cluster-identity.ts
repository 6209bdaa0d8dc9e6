// Lambda entry of the DescribeClusterIdentity step: the shared handler over the AWS adapters.
import { makeHandler } from '../handlers/describe-cluster-identity.js';
import { awsDeps } from './aws-deps.js';

export const handler = makeHandler(awsDeps());
