// IAM change events (CloudTrail "AWS API Call via CloudTrail", forwarded from us-east-1 of either account)
// → which links to validate. Pure: the router Lambda and the offline twin share it.
import { pipelineRoleName } from './naming.js';
import type { LinkRequest } from './request.js';

/** `detail-type` the rotation schedule's rule sends to the router (a plain EventBridge schedule has no input of its own). */
export const ROTATION_SCHEDULE_MARKER = 'rpcn-aurora.rotation-schedule';

/** The IAM calls that can change what a role of the chain allows (docs/reference/aws.md A5). */
export const WATCHED_ROLE_EVENTS = [
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'UpdateAssumeRolePolicy',
  'TagRole',
  'UntagRole',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'DeleteRole',
] as const;

/** The IAM calls that can change what a connector user (identity mode `access-key`) can do, or its key. */
export const WATCHED_USER_EVENTS = [
  'CreateAccessKey',
  'DeleteAccessKey',
  'UpdateAccessKey',
  'PutUserPolicy',
  'DeleteUserPolicy',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'PutUserPermissionsBoundary',
  'DeleteUserPermissionsBoundary',
  'DeleteUser',
] as const;

/** Customer-managed policy changes: they carry a policy ARN, not a role name. */
export const WATCHED_POLICY_EVENTS = ['CreatePolicyVersion', 'SetDefaultPolicyVersion'] as const;

export interface IamChange {
  readonly account: string;
  readonly eventName: string;
  readonly roleName?: string;
  readonly userName?: string;
  readonly policyArn?: string;
  /** Who made the change (`userIdentity.arn`). */
  readonly actorArn?: string;
  readonly time?: string;
}

export type Trigger =
  | { readonly kind: 'iam-change'; readonly change: IamChange }
  | { readonly kind: 'schedule' }
  | { readonly kind: 'rotation-schedule' }
  | { readonly kind: 'direct'; readonly link: string };

interface RawEvent {
  readonly source?: unknown;
  readonly 'detail-type'?: unknown;
  readonly account?: unknown;
  readonly time?: unknown;
  readonly detail?: {
    readonly eventName?: unknown;
    readonly eventSource?: unknown;
    readonly userIdentity?: { readonly arn?: unknown; readonly accountId?: unknown };
    readonly requestParameters?: { readonly roleName?: unknown; readonly userName?: unknown; readonly policyArn?: unknown } | null;
    readonly recipientAccountId?: unknown;
  };
  readonly link?: unknown;
  /** The rotation schedule's rule input. */
  readonly schedule?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** What started a validation: a direct `{ "link": name }`, the schedule, or an IAM change event; undefined if none of these. */
export function parseTrigger(input: unknown): Trigger | undefined {
  const event = (input ?? {}) as RawEvent;
  const link = str(event.link);
  if (link) return { kind: 'direct', link };
  if (event.schedule === ROTATION_SCHEDULE_MARKER) return { kind: 'rotation-schedule' };
  if (event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event') return { kind: 'schedule' };
  if (event.source === 'aws.iam' && event['detail-type'] === 'AWS API Call via CloudTrail' && event.detail?.eventSource === 'iam.amazonaws.com') {
    const eventName = str(event.detail.eventName);
    if (!eventName) return undefined;
    const roleName = str(event.detail.requestParameters?.roleName);
    const userName = str(event.detail.requestParameters?.userName);
    const policyArn = str(event.detail.requestParameters?.policyArn);
    const actorArn = str(event.detail.userIdentity?.arn);
    const account = str(event.detail.recipientAccountId) ?? str(event.account) ?? str(event.detail.userIdentity?.accountId) ?? '';
    const time = str(event.time);
    return {
      kind: 'iam-change',
      change: {
        account,
        eventName,
        ...(roleName ? { roleName } : {}),
        ...(userName ? { userName } : {}),
        ...(policyArn ? { policyArn } : {}),
        ...(actorArn ? { actorArn } : {}),
        ...(time ? { time } : {}),
      },
    };
  }
  return undefined;
}

/** Whether a change was made by one of our own healing principals (the loop guard). */
export function isOwnChange(change: IamChange, guardRoleNames: readonly string[]): boolean {
  const actor = change.actorArn ?? '';
  return guardRoleNames.some((name) => actor.includes(`:assumed-role/${name}/`) || actor.endsWith(`:role/${name}`));
}

export interface WatchedLink {
  readonly name: string;
  readonly request: Pick<LinkRequest, 'name' | 'redpanda'>;
  readonly dbAccountId: string;
  /** Role names of the link's chain in each account. */
  readonly dbConnectRole: string;
  /** The connector user of an `access-key` link. */
  readonly connectorUser?: string;
}

/**
 * The links a change can affect: those whose pipeline role (Redpanda account) or db-connect role (DB account)
 * it names; for a customer-managed policy version, every link whose chain has a role in that account
 * (attachments are not in the event, so a new version may matter to any of them).
 */
export function affectedLinks(change: IamChange, links: readonly WatchedLink[]): string[] {
  const affected = links.filter((link) => {
    const pipelineAccount = link.request.redpanda.accountId;
    if (change.userName) {
      return change.account === link.dbAccountId && link.connectorUser !== undefined && change.userName === link.connectorUser;
    }
    if (change.roleName) {
      return (
        (change.account === pipelineAccount && change.roleName === pipelineRoleName(link.request.redpanda.clusterId)) ||
        (change.account === link.dbAccountId && change.roleName === link.dbConnectRole)
      );
    }
    if (change.policyArn && (WATCHED_POLICY_EVENTS as readonly string[]).includes(change.eventName)) {
      const policyAccount = /^arn:aws[a-z-]*:iam::(\d{12}):policy\//.exec(change.policyArn)?.[1];
      return policyAccount === pipelineAccount || policyAccount === link.dbAccountId;
    }
    return false;
  });
  return [...new Set(affected.map((l) => l.name))].sort();
}

/**
 * Deterministic execution name: one validation per link, trigger kind and minute. Step Functions answers a
 * second start with the same name with the existing execution (or ExecutionAlreadyExists), which the router
 * counts as success, so a burst of events collapses to one validation.
 */
export function validationExecutionName(link: string, kind: Trigger['kind'], at: Date): string {
  const minute = at.toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `${link}-${kind}-${minute}`;
}

/**
 * Rotate executions: one per link and day from the schedule, one per link and minute for a heal or an
 * operator's start, so a repeated trigger finds the rotation already running.
 */
export function rotationExecutionName(link: string, trigger: 'schedule' | 'heal' | 'manual', at: Date): string {
  const stamp = trigger === 'schedule' ? at.toISOString().slice(0, 10).replace(/-/g, '') : at.toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `rotate-${link}-${trigger}-${stamp}`;
}

/** Whether an `access-key` link's key is due: older than its `rotateAfterDays`. */
export function rotationDue(keyCreatedAt: string | undefined, rotateAfterDays: number, now: Date): boolean {
  if (keyCreatedAt === undefined) return false;
  return now.getTime() - Date.parse(keyCreatedAt) >= rotateAfterDays * 86_400_000;
}
