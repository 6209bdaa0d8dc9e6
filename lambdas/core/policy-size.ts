// IAM's aggregate limit on a role's inline policies (docs/reference/aws.md A13): 10,240 characters over all of
// them, whitespace not counted. Measured before we add ours to a role we do not own, so a role already near the
// limit is refused with the sizes and the fix instead of IAM's bare LimitExceeded mid-way.

/** IAM's limit on the inline policies of one role, together. */
export const ROLE_INLINE_POLICIES_MAX_CHARS = 10_240;

/** A policy's size as IAM counts it: its JSON without whitespace. */
export function policySize(document: unknown): number {
  return (typeof document === 'string' ? document : JSON.stringify(document)).replace(/\s/g, '').length;
}

export interface InlinePolicyRoom {
  /** The role's other inline policies (ours, if there already, is replaced, so not counted). */
  readonly others: number;
  readonly ours: number;
  readonly total: number;
  readonly fits: boolean;
}

export function inlinePolicyRoom(existing: Readonly<Record<string, unknown>>, policyName: string, document: unknown): InlinePolicyRoom {
  const others = Object.entries(existing)
    .filter(([name]) => name !== policyName)
    .reduce((sum, [, doc]) => sum + policySize(doc), 0);
  const ours = policySize(document);
  return { others, ours, total: others + ours, fits: others + ours <= ROLE_INLINE_POLICIES_MAX_CHARS };
}

/** The refusal, with the sizes and the ways out. */
export function inlinePolicyTooLarge(roleName: string, policyName: string, room: InlinePolicyRoom): string {
  return (
    `[pipeline-role-policy-too-large] role ${roleName}'s other inline policies take ${room.others} characters (whitespace excluded); ` +
    `ours, ${policyName}, needs ${room.ours} more: ${room.total} in all, above IAM's ${ROLE_INLINE_POLICIES_MAX_CHARS} for one role's inline policies. ` +
    'Use identity.mode "access-key" (the default, no policy on this role), or remove or merge other inline policies on the role (on a Redpanda-managed pipeline role, ask Redpanda), then start again'
  );
}
