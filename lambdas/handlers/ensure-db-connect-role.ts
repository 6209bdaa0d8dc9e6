// IAM branch: the db-connect role in the DB account, trusting exactly the first hop of the link's identity
// mode (the connector user exists by now in `access-key` mode). We own this role, so a re-run converges its trust,
// tag and permission policy to exactly what the link needs; a role of that name that is not the link's is
// a conflict and is never touched.
import { ResourceConflictError } from '../core/errors.js';
import { comparePolicy, dbConnectRoleArtifacts } from '../core/iam.js';
import { createRoleInput } from './shared/db-connect-role.js';
import type { LinkRequest } from '../core/request.js';
import type { StepDeps } from './shared/deps.js';
import { isOwnedBy, type LinkRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface EnsureDbConnectRoleInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly identity: { readonly resourceId: string };
}

export interface EnsureDbConnectRoleOutput {
  readonly roleName: string;
  readonly roleArn: string;
  readonly outcome: 'created' | 'converged' | 'unchanged';
}

export function makeHandler(deps: Pick<StepDeps, 'iam' | 'registry'>) {
  return defineStep<EnsureDbConnectRoleInput, EnsureDbConnectRoleOutput>('EnsureDbConnectRole', async ({ request, link, identity }) => {
    const wanted = dbConnectRoleArtifacts(request, { dbAccountId: link.dbAccountId, region: link.region, clusterResourceId: identity.resourceId });
    const wantedTags = Object.fromEntries(wanted.tags.map((t) => [t.Key, t.Value]));
    const role = await deps.iam.getRole(wanted.roleName);
    let outcome: EnsureDbConnectRoleOutput['outcome'] = 'unchanged';
    if (role && !isOwnedBy(role.tags, request.name)) {
      throw new ResourceConflictError(`IAM role ${wanted.roleName} exists but is not tagged as link ${request.name}'s: remove it or choose another link name`);
    }
    if (!role) {
      await deps.iam.createRole(createRoleInput(wanted));
      outcome = 'created';
    } else {
      // Tags first: our Lambda role may change only roles that carry the link tag.
      if (Object.entries(wantedTags).some(([k, v]) => role.tags[k] !== v)) {
        await deps.iam.tagRole(wanted.roleName, wantedTags);
        outcome = 'converged';
      }
      if (comparePolicy(wanted.trustPolicy, role.trustPolicy).length > 0) {
        await deps.iam.updateTrustPolicy(wanted.roleName, wanted.trustPolicy);
        outcome = 'converged';
      }
    }
    const current = role?.inlinePolicies[wanted.permissionPolicy.policyName];
    if (!current || comparePolicy(wanted.permissionPolicy.document, current).length > 0) {
      await deps.iam.putRolePolicy(wanted.roleName, wanted.permissionPolicy.policyName, wanted.permissionPolicy.document);
      if (outcome === 'unchanged') outcome = 'converged';
    }
    await deps.registry.update(request.name, { owned: { dbConnectRole: wanted.roleName } });
    return { roleName: wanted.roleName, roleArn: wanted.roleArn, outcome };
  });
}
