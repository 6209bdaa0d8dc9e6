// Redpanda branch: the Redpanda Connect secrets the pipeline YAML references: the SASL password (read
// from Secrets Manager, never from state) and the RDS CA bundle for verified TLS.
import { linkNames } from '../core/naming.js';
import type { LinkRequest } from '../core/request.js';
import { CredentialsSecretError } from '../core/errors.js';
import type { StepDeps } from './shared/deps.js';
import type { LinkRef, RedpandaClusterRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface EnsureRedpandaSecretsInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
}

export interface EnsureRedpandaSecretsOutput {
  readonly secrets: readonly string[];
}

export function makeHandler(deps: Pick<StepDeps, 'redpanda' | 'registry' | 'secrets' | 'rdsCaBundle'>) {
  return defineStep<EnsureRedpandaSecretsInput, EnsureRedpandaSecretsOutput>('EnsureRedpandaSecrets', async ({ request, link, redpanda }) => {
    // A self-managed Redpanda Connect has no Redpanda secret store: it reads environment variables instead.
    if (request.identity.mode === 'self-managed') return { secrets: [] };
    const names = linkNames(request, link.dbAccountId);
    const password = await deps.secrets.getLinkSecret(names.saslPasswordSecret);
    if (!password) throw new CredentialsSecretError(`secret ${names.saslPasswordSecret} is missing: EnsureRedpandaUser creates it; run the provision again`);
    const dataPlane = (await deps.redpanda()).dataPlane(redpanda.dataplaneApiUrl);
    const ids = [names.redpandaSecrets.saslPassword, names.redpandaSecrets.rdsCaBundle];
    await dataPlane.ensureSecret(request.name, { id: names.redpandaSecrets.saslPassword, value: password.value });
    await dataPlane.ensureSecret(request.name, { id: names.redpandaSecrets.rdsCaBundle, value: deps.rdsCaBundle(link.region) });
    await deps.registry.update(request.name, { owned: { redpandaSecrets: ids } });
    return { secrets: ids };
  });
}
