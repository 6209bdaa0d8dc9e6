// Teardown, identity mode `access-key`: the connector user, with its keys and policy. Only a user recorded in
// the ledger and tagged as the link's is deleted. A key on it that the link did not create goes with the user
// (IAM cannot delete a user that has keys), and the report says so, with the key's id.
import { linkNames } from '../core/naming.js';
import type { StepDeps } from './shared/deps.js';
import type { TeardownStepInput } from './delete-pipeline.js';
import { isOwnedBy } from './shared/state.js';
import { emptyReport, type StepReport } from './shared/teardown.js';
import { defineStep } from './shared/step.js';

export function makeHandler(deps: Pick<StepDeps, 'iam' | 'registry'>) {
  return defineStep<TeardownStepInput, StepReport>('DeleteConnectorUser', async ({ teardown }) => {
    const report = emptyReport();
    if (teardown.alreadyDeleted || teardown.request.identity.mode !== 'access-key') return report;
    const userName = linkNames(teardown.request, teardown.dbAccountId).connectorUser;
    const user = await deps.iam.getUser(userName);
    if (!user) {
      await deps.registry.update(teardown.link, { owned: { connectorUser: undefined }, accessKey: undefined });
      return report;
    }
    if (teardown.owned.connectorUser !== userName || !isOwnedBy(user.tags, teardown.link)) {
      report.kept.push({ what: `IAM user ${userName}`, why: "the link's record or tags do not say the link created it" });
      return report;
    }
    const record = await deps.registry.get(teardown.link);
    const known = new Set([record?.accessKey?.current?.accessKeyId, record?.accessKey?.pending?.accessKeyId]);
    for (const key of user.accessKeys) {
      report.deleted.push(
        known.has(key.accessKeyId)
          ? `access key ${key.accessKeyId} of ${userName}`
          : `access key ${key.accessKeyId} of ${userName}, which the link did not create (created ${key.createdAt}; a user with keys cannot be deleted)`,
      );
    }
    await deps.iam.deleteUser(userName);
    report.deleted.push(`IAM user ${userName} and its policy`);
    await deps.registry.update(teardown.link, { owned: { connectorUser: undefined, egressCidrs: undefined }, accessKey: undefined });
    return report;
  });
}
