// IAM branch, identity mode `access-key`: the link's connector user in the DB account, under the path and
// permissions boundary the deployed grants require, with its one inline policy (assume the db-connect role,
// from the Redpanda cluster's egress addresses only). A user of that name that is not the link's is a
// conflict and is never touched. Its key is made later, by EnsureAccessKey, once the role trusts the user.
import { ResourceConflictError } from '../core/errors.js';
import { comparePolicy, dbConnectRoleArtifacts, type ConnectorUserArtifacts } from '../core/iam.js';
import type { LinkRequest } from '../core/request.js';
import type { StepDeps } from './shared/deps.js';
import { isOwnedBy, linkTags, type LinkRef, type RedpandaClusterRef } from './shared/state.js';
import { defineStep, type StepEvent } from './shared/step.js';

export interface EnsureConnectorUserInput extends StepEvent {
  readonly request: LinkRequest;
  readonly link: LinkRef;
  readonly redpanda: RedpandaClusterRef;
  readonly identity: { readonly resourceId: string };
}

export interface EnsureConnectorUserOutput {
  readonly userName: string;
  readonly userArn: string;
  readonly outcome: 'created' | 'converged' | 'unchanged';
}

/** The connector user's artifacts for a link in `access-key` mode. */
export function connectorUserArtifacts(
  request: LinkRequest,
  link: LinkRef,
  resourceId: string,
  egressCidrs: readonly string[],
): ConnectorUserArtifacts {
  const hop = dbConnectRoleArtifacts(request, { dbAccountId: link.dbAccountId, region: link.region, clusterResourceId: resourceId }, { egressCidrs }).firstHop;
  if (hop.mode !== 'access-key') throw new Error(`link ${request.name} is in identity mode ${hop.mode}, not access-key`);
  return hop;
}

export function makeHandler(deps: Pick<StepDeps, 'iam' | 'registry'>) {
  return defineStep<EnsureConnectorUserInput, EnsureConnectorUserOutput>('EnsureConnectorUser', async ({ request, link, redpanda, identity }) => {
    const hop = connectorUserArtifacts(request, link, identity.resourceId, redpanda.egressCidrs);
    const tags = linkTags(request);
    let user = await deps.iam.getUser(hop.userName);
    if (user && !isOwnedBy(user.tags, request.name)) {
      throw new ResourceConflictError(`IAM user ${hop.userName} exists but is not tagged as link ${request.name}'s: remove it or choose another link name`);
    }
    let outcome: EnsureConnectorUserOutput['outcome'] = 'unchanged';
    if (!user) {
      await deps.iam.createUser({ name: hop.userName, path: hop.path, tags, permissionsBoundaryArn: hop.permissionsBoundaryArn });
      outcome = 'created';
      user = await deps.iam.getUser(hop.userName);
    } else if (user.permissionsBoundaryArn !== hop.permissionsBoundaryArn) {
      await deps.iam.putUserPermissionsBoundary(hop.userName, hop.permissionsBoundaryArn);
      outcome = 'converged';
    }
    // Recorded before the policy: a teardown after a crash here still finds (and deletes) the user.
    await deps.registry.update(request.name, { owned: { connectorUser: hop.userName, egressCidrs: [...redpanda.egressCidrs] } });
    if (comparePolicy(hop.policy.document, user?.inlinePolicies[hop.policy.policyName]).length > 0) {
      await deps.iam.putUserPolicy(hop.userName, hop.policy.policyName, hop.policy.document);
      if (outcome === 'unchanged') outcome = 'converged';
    }
    return { userName: hop.userName, userArn: hop.principalArn, outcome };
  });
}
