// Teardown: the link's Redpanda Connect secrets (the connector user's key in both slots included), exactly its
// ACLs, its SASL user, its topics (unless kept, and only those it created), and the SASL password kept in
// Secrets Manager.
import { isOwnedBy } from './shared/state.js';
import { KEY_SLOTS, linkNames } from '../core/naming.js';
import { redpandaAcls } from '../core/redpanda-acls.js';
import type { StepDeps } from './shared/deps.js';
import type { TeardownStepInput } from './delete-pipeline.js';
import { emptyReport, type StepReport, type TeardownContext } from './shared/teardown.js';
import { describeEntry, removeAllowlistEntry, sameEntry, type AllowlistEntry } from '../core/network.js';
import { defineStep } from './shared/step.js';

/**
 * The link's egress allowlist entry goes only with the last live link that relies on it (two links of one VPC
 * share one entry); every other entry stays as it is. The cluster update is requested, not awaited: nothing
 * of the link waits on it, and the next read of the cluster shows it done.
 */
async function removeAllowlistEntryIfLast(deps: Pick<StepDeps, 'redpanda' | 'registry'>, teardown: TeardownContext, entry: AllowlistEntry, report: StepReport): Promise<void> {
  const others = (await deps.registry.list()).filter(
    (r) => r.name !== teardown.link && r.status !== 'deleted' && r.request.redpanda.clusterId === teardown.request.redpanda.clusterId && r.owned.allowlistEntry && sameEntry(r.owned.allowlistEntry, entry),
  );
  if (others.length > 0) {
    report.kept.push({ what: `egress allowlist entry ${describeEntry(entry)}`, why: `link${others.length > 1 ? 's' : ''} ${others.map((r) => r.name).join(', ')} rel${others.length > 1 ? 'y' : 'ies'} on it too` });
  } else {
    const cloud = await deps.redpanda();
    const cluster = await cloud.describeCluster(teardown.request.redpanda.clusterId).catch(() => undefined);
    if (!cluster) {
      report.needsHuman.push(`the Redpanda cluster ${teardown.request.redpanda.clusterId} did not answer: remove the egress allowlist entry ${describeEntry(entry)} yourself if nothing else needs it`);
      return;
    }
    const { entries, removed } = removeAllowlistEntry(cluster.allowedDestinationCidrPorts, entry);
    if (removed) {
      await cloud.updateAllowedDestinations(cluster.id, entries);
      report.deleted.push(`egress allowlist entry ${describeEntry(entry)} of cluster ${cluster.id}`);
    }
  }
  await deps.registry.update(teardown.link, { owned: { allowlistEntry: undefined } });
}

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
    if (owned.allowlistEntry) await removeAllowlistEntryIfLast(deps, teardown, owned.allowlistEntry, report);
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
