// Teardown: the link's Redpanda Connect secrets (the connector user's key in both slots included), exactly its
// ACLs, its SASL user, its topics (unless kept, and only those it created), and the SASL password kept in
// Secrets Manager.
import { isOwnedBy } from './shared/state.js';
import { KEY_SLOTS, linkNames } from '../core/naming.js';
import { redpandaAcls } from '../core/redpanda-acls.js';
import type { StepDeps } from './shared/deps.js';
import type { TeardownStepInput } from './delete-pipeline.js';
import { emptyReport, type StepReport } from './shared/teardown.js';
import { defineStep } from './shared/step.js';

export function makeHandler(deps: Pick<StepDeps, 'redpanda' | 'registry' | 'secrets'>) {
  return defineStep<TeardownStepInput, StepReport>('DeleteRedpandaAccess', async ({ teardown }) => {
    const report = emptyReport();
    if (teardown.alreadyDeleted) return report;
    const { link, request, owned, options } = teardown;
    const names = linkNames(request, teardown.dbAccountId);
    if (!teardown.dataplaneApiUrl) {
      report.needsHuman.push(`the Redpanda cluster ${request.redpanda.clusterId} did not answer: delete user ${names.redpandaUser}, its ACLs and secrets ${names.redpandaSecrets.saslPassword}, ${names.redpandaSecrets.rdsCaBundle}`);
    } else {
      const dataPlane = (await deps.redpanda()).dataPlane(teardown.dataplaneApiUrl);
      // Key secrets of either slot: deleteSecret refuses any that is not labelled as the link's.
      const keySecrets =
        request.identity.mode === 'access-key'
          ? KEY_SLOTS.flatMap((slot) => [names.redpandaSecrets.accessKeyId[slot], names.redpandaSecrets.secretAccessKey[slot]])
          : [];
      for (const id of [...(owned.redpandaSecrets ?? [names.redpandaSecrets.saslPassword, names.redpandaSecrets.rdsCaBundle]), ...keySecrets]) {
        if ((await dataPlane.deleteSecret(link, id)) === 'deleted') report.deleted.push(`Redpanda secret ${id}`);
      }
      const { deleted } = await dataPlane.deleteAcls(link, redpandaAcls(request, teardown.dbAccountId));
      if (deleted > 0) report.deleted.push(`${deleted} ACLs of User:${names.redpandaUser}`);
      if ((await dataPlane.deleteUser(link, names.redpandaUser)) === 'deleted') report.deleted.push(`Redpanda user ${names.redpandaUser}`);
      for (const [topic, createdByLink] of [
        [request.redpanda.topic, owned.topic === request.redpanda.topic],
        ...(request.engine === 'aurora-mysql' ? [[names.checkpointTopic, owned.checkpointTopic === names.checkpointTopic] as const] : []),
      ] as const) {
        if (!createdByLink) report.kept.push({ what: `topic ${topic}`, why: 'it existed before the link (adopted), so it is not the link\'s to delete' });
        else if (options.keepTopic && topic === request.redpanda.topic) report.kept.push({ what: `topic ${topic}`, why: 'keepTopic was requested' });
        else if ((await dataPlane.deleteTopic(topic)) === 'deleted') report.deleted.push(`topic ${topic}`);
      }
      await deps.registry.update(link, { owned: { redpandaSecrets: undefined, acls: undefined, redpandaUser: undefined, topic: options.keepTopic ? owned.topic : undefined, checkpointTopic: undefined } });
    }
    const secret = await deps.secrets.getLinkSecret(names.saslPasswordSecret);
    if (secret && isOwnedBy(secret.tags, link)) {
      await deps.secrets.deleteLinkSecret(names.saslPasswordSecret);
      report.deleted.push(`Secrets Manager secret ${names.saslPasswordSecret}`);
    } else if (secret) {
      report.kept.push({ what: `Secrets Manager secret ${names.saslPasswordSecret}`, why: 'it is not tagged as this link\'s' });
    }
    await deps.registry.update(link, { owned: { saslPasswordSecret: undefined } });
    return report;
  });
}
