// Redpanda branch: the link's SASL user with a generated password, and exactly its ACLs. The password is
// generated once and kept in Secrets Manager, so a re-run sets the same one; it never leaves this Lambda
// except to Secrets Manager and the Redpanda API.
import { randomBytes } from 'node:crypto';
import { linkNames } from '../core/naming.js';
import { redpandaAcls } from '../core/redpanda-acls.js';
import type { LinkRequest } from '../core/request.js';
import type { StepDeps } from './shared/deps.js';
import { linkTags, type LinkRef, type RedpandaClusterRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface EnsureRedpandaUserInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
}

export interface EnsureRedpandaUserOutput {
  readonly user: string;
  readonly passwordSecretArn: string;
  readonly acls: number;
}

export const generatePassword = (): string => randomBytes(24).toString('base64url');

export function makeHandler(deps: Pick<StepDeps, 'redpanda' | 'registry' | 'secrets'>) {
  return defineStep<EnsureRedpandaUserInput, EnsureRedpandaUserOutput>('EnsureRedpandaUser', async ({ request, link, redpanda }) => {
    const names = linkNames(request, link.dbAccountId);
    const secret = await deps.secrets.ensureLinkSecret({
      name: names.saslPasswordSecret,
      description: `rpcn-aurora link ${request.name}: SASL password of Redpanda user ${names.redpandaUser}`,
      tags: linkTags(request),
      generate: generatePassword,
    });
    await deps.registry.update(request.name, { owned: { saslPasswordSecret: names.saslPasswordSecret } });
    const dataPlane = (await deps.redpanda()).dataPlane(redpanda.dataplaneApiUrl);
    await dataPlane.ensureUser(request.name, { name: names.redpandaUser, password: secret.value, mechanism: 'SASL_MECHANISM_SCRAM_SHA_256' });
    await deps.registry.update(request.name, { owned: { redpandaUser: names.redpandaUser } });
    const acls = redpandaAcls(request, link.dbAccountId);
    await dataPlane.ensureAcls(request.name, acls);
    await deps.registry.update(request.name, { owned: { acls: true } });
    return { user: names.redpandaUser, passwordSecretArn: secret.arn, acls: acls.length };
  });
}
