// Teardown: the db-connect role, only when it carries this link's tag (inline policies go first).
import { linkNames } from '../core/naming.js';
import type { StepDeps } from './shared/deps.js';
import type { TeardownStepInput } from './delete-pipeline.js';
import { isOwnedBy } from './shared/state.js';
import { emptyReport, type StepReport } from './shared/teardown.js';
import { defineStep } from './shared/step.js';

export function makeHandler(deps: Pick<StepDeps, 'iam' | 'registry'>) {
  return defineStep<TeardownStepInput, StepReport>('DeleteDbConnectRole', async ({ teardown }) => {
    const report = emptyReport();
    if (teardown.alreadyDeleted) return report;
    const name = linkNames(teardown.request, teardown.dbAccountId).dbConnectRole;
    const role = await deps.iam.getRole(name);
    if (role && !isOwnedBy(role.tags, teardown.link)) {
      report.kept.push({ what: `IAM role ${name}`, why: `it is not tagged as link ${teardown.link}'s` });
    } else if (role) {
      await deps.iam.deleteRole(name);
      report.deleted.push(`IAM role ${name}`);
    }
    await deps.registry.update(teardown.link, { owned: { dbConnectRole: undefined } });
    return report;
  });
}
