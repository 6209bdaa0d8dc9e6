// Lambda entry of the RouteValidation step: its handler over exactly the AWS adapters it uses.
import { makeHandler } from '../handlers/route-validation.js';
import { clock, loopGuardRoleNames, registry, rotations, validations } from './aws-deps.js';

export const handler = makeHandler({ registry: registry(), validations: validations(), rotations: rotations(), loopGuardRoleNames: loopGuardRoleNames(), clock });
