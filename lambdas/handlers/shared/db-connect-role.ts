// What Provision (EnsureDbConnectRole) and Validate (HealLink) share about creating the db-connect role.
import type { DbConnectRoleArtifacts } from '../../core/iam.js';
import type { IamPort } from '../../ports/iam.js';

/** CreateRole of the db-connect role: its trust, description, tags and the link boundary (Provision and HealLink). */
export function createRoleInput(wanted: DbConnectRoleArtifacts): Parameters<IamPort['createRole']>[0] {
  return {
    name: wanted.roleName,
    trustPolicy: wanted.trustPolicy,
    description: wanted.description,
    tags: Object.fromEntries(wanted.tags.map((t) => [t.Key, t.Value])),
    permissionsBoundaryArn: wanted.permissionsBoundaryArn,
  };
}
