// The EventBridge pattern of the IAM-watch rules (docs/reference/aws.md A5): successful CloudTrail IAM
// writes to the watched roles and connector users (their policies and access keys), or to the customer
// managed policies such a role may have attached (a new or newly default policy version changes the role's
// permissions without naming the role), except the writes rpcn-aurora makes itself (the loop guard: the
// healer in R, the DB stack's Lambdas in D).
import { WATCHED_POLICY_EVENTS, WATCHED_ROLE_EVENTS, WATCHED_USER_EVENTS } from '../lambdas/core/iam-events.js';
import { redpandaAccountInUse, type DeploymentConfig } from './config.js';
import { CONNECTOR_USER_PATTERN, DB_CONNECT_ROLE_PATTERN, HEALER_ROLE_NAME, PARTITION, lambdaSessionPrefix, redpandaRoleNames } from './names.js';

// The watched calls are the ones the validation router understands (one list for both).
export { WATCHED_POLICY_EVENTS, WATCHED_ROLE_EVENTS, WATCHED_USER_EVENTS };

export type EventPattern = Record<string, unknown>;

export interface WatchTarget {
  readonly account: string;
  /** Exact role names watched in this account. */
  readonly roleNames: readonly string[];
  /** Role name patterns (EventBridge `wildcard`) watched in this account. */
  readonly roleNamePatterns: readonly string[];
  /** User name patterns (EventBridge `wildcard`) watched in this account: the connector users in D. */
  readonly userNamePatterns: readonly string[];
  /** Callers whose session ARN starts with one of these are our own writes and are ignored. */
  readonly ignoredCallerPrefixes: readonly string[];
}

/**
 * What each watched account's rule covers: D the db-connect roles and connector users; R (only when the
 * deployment has roles there: pipeline roles, self-managed roles in R) those roles.
 */
export function watchTargets(config: DeploymentConfig): WatchTarget[] {
  const r = redpandaAccountInUse(config);
  const d = config.dbAccount.accountId;
  type Mutable = { roleNames: string[]; roleNamePatterns: string[]; userNamePatterns: string[]; ignoredCallerPrefixes: string[] };
  const targets = new Map<string, Mutable>();
  const of = (account: string): Mutable => {
    let t = targets.get(account);
    if (!t) targets.set(account, (t = { roleNames: [], roleNamePatterns: [], userNamePatterns: [], ignoredCallerPrefixes: [] }));
    return t;
  };
  if (r !== undefined) {
    of(r).roleNames.push(...redpandaRoleNames(config));
    of(r).ignoredCallerPrefixes.push(`arn:${PARTITION}:sts::${r}:assumed-role/${HEALER_ROLE_NAME}/`);
  }
  of(d).roleNamePatterns.push(DB_CONNECT_ROLE_PATTERN);
  of(d).userNamePatterns.push(CONNECTOR_USER_PATTERN);
  of(d).ignoredCallerPrefixes.push(lambdaSessionPrefix(d));
  return [...targets].map(([account, t]) => ({ account, ...t }));
}

/**
 * `anything-but` takes one prefix. With R = D both exclusions share `…:assumed-role/rpcn-aurora`, which then
 * ignores every rpcn-aurora role session of that account (the other ones, inspector and db-connect, never
 * write IAM).
 */
function ignoredPrefix(target: WatchTarget): string {
  const [first, ...rest] = target.ignoredCallerPrefixes;
  if (first === undefined) throw new Error(`IAM watch of ${target.account}: no caller to ignore`);
  if (rest.length === 0) return first;
  let common = first;
  for (const p of rest) while (!p.startsWith(common)) common = common.slice(0, -1);
  if (!common.endsWith(':assumed-role/rpcn-aurora')) throw new Error(`IAM watch of ${target.account}: cannot merge ${target.ignoredCallerPrefixes.join(', ')}`);
  return common;
}

export function iamWatchPattern(target: WatchTarget): EventPattern {
  const roleNameMatchers: unknown[] = [...target.roleNames, ...target.roleNamePatterns.map((wildcard) => ({ wildcard }))];
  return {
    source: ['aws.iam'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['iam.amazonaws.com'],
      // Failed calls (AccessDenied, NoSuchEntity, ...) changed nothing.
      errorCode: [{ exists: false }],
      userIdentity: { arn: [{ 'anything-but': { prefix: ignoredPrefix(target) } }] },
      $or: [
        // EventBridge refuses an empty matcher list: a branch only for what this account watches.
        ...(roleNameMatchers.length > 0 ? [{ eventName: [...WATCHED_ROLE_EVENTS], requestParameters: { roleName: roleNameMatchers } }] : []),
        // CloudTrail names the user of a user or access-key call in requestParameters.userName.
        ...(target.userNamePatterns.length > 0
          ? [{ eventName: [...WATCHED_USER_EVENTS], requestParameters: { userName: target.userNamePatterns.map((wildcard) => ({ wildcard })) } }]
          : []),
        {
          eventName: [...WATCHED_POLICY_EVENTS],
          requestParameters: { policyArn: [{ prefix: `arn:${PARTITION}:iam::${target.account}:policy/` }] },
        },
      ],
    },
  };
}
