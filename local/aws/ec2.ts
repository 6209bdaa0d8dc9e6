// In-memory EC2 security groups for the twin (emulated), with the semantics of the EC2 adapter: a group
// with our name but another link's tag is a conflict, duplicate ingress rules are not an error, deletes
// tolerate "already gone", and a group still used by a cluster cannot be deleted (DependencyViolation).
import { ResourceBusyError, ResourceConflictError } from '../../lambdas/core/errors.js';
import { LINK_TAG_KEY } from '../../lambdas/core/naming.js';
import type { IngressRule, NetworkPort } from '../../lambdas/ports/aurora.js';
import { copy, randomString, sortedRecord } from './common.js';

interface GroupState {
  readonly groupId: string;
  readonly name: string;
  readonly vpcId: string;
  readonly description: string;
  tags: Record<string, string>;
  ingress: IngressRule[];
}

type GroupView = NonNullable<Awaited<ReturnType<NetworkPort['describeSecurityGroup']>>>;

export class NetworkEmulator implements NetworkPort {
  private readonly groups = new Map<string, GroupState>();

  /** `inUse(groupId)` tells whether a live cluster still references the group. */
  constructor(private readonly inUse: (groupId: string) => boolean) {}

  async ensureSecurityGroup(input: Parameters<NetworkPort['ensureSecurityGroup']>[0]): Promise<{ readonly groupId: string; readonly created: boolean }> {
    const link = input.tags[LINK_TAG_KEY];
    if (link === undefined) throw new Error(`ensureSecurityGroup(${input.name}): tags must include ${LINK_TAG_KEY}`);
    const existing = [...this.groups.values()].find((g) => g.name === input.name && g.vpcId === input.vpcId);
    if (existing !== undefined) {
      if (existing.tags[LINK_TAG_KEY] !== link) {
        throw new ResourceConflictError(
          `security group ${input.name} (${existing.groupId}) exists in ${existing.vpcId} but is not link "${link}"'s ` +
            `(expected tag ${LINK_TAG_KEY}=${link}); delete or rename it, or choose another link name`,
        );
      }
      return { groupId: existing.groupId, created: false };
    }
    return { groupId: this.create(input).groupId, created: true };
  }

  /** Operator helper: create a group directly (e.g. someone else's group with our name). */
  create(input: { readonly name: string; readonly vpcId: string; readonly description: string; readonly tags: Readonly<Record<string, string>> }): GroupView {
    const groupId = `sg-${randomString(17, '0123456789abcdef')}`;
    this.groups.set(groupId, { groupId, name: input.name, vpcId: input.vpcId, description: input.description, tags: { ...input.tags }, ingress: [] });
    return this.view(this.groups.get(groupId)!);
  }

  async describeSecurityGroup(groupId: string): Promise<GroupView | undefined> {
    const group = this.groups.get(groupId);
    return group === undefined ? undefined : this.view(group);
  }

  async authorizeIngress(groupId: string, rules: readonly IngressRule[]): Promise<{ readonly added: number }> {
    const group = this.mustGroup(groupId, 'ec2:AuthorizeSecurityGroupIngress');
    let added = 0;
    for (const rule of rules) {
      // EC2 identifies a rule by protocol, port range and CIDR; the description does not make it new.
      if (group.ingress.some((r) => r.cidr === rule.cidr && r.port === rule.port)) continue;
      group.ingress.push({ ...rule });
      added++;
    }
    return { added };
  }

  async revokeIngress(groupId: string, rules: readonly IngressRule[]): Promise<void> {
    const group = this.groups.get(groupId);
    if (group === undefined) return;
    group.ingress = group.ingress.filter((r) => !rules.some((x) => x.cidr === r.cidr && x.port === r.port));
  }

  async deleteSecurityGroup(groupId: string): Promise<void> {
    if (!this.groups.has(groupId)) return;
    if (this.inUse(groupId)) throw new ResourceBusyError(`ec2:DeleteSecurityGroup on ${groupId}: still in use (DependencyViolation)`);
    this.groups.delete(groupId);
  }

  snapshot(): unknown[] {
    return [...this.groups.values()]
      .sort((a, b) => (a.name === b.name ? (a.groupId < b.groupId ? -1 : 1) : a.name < b.name ? -1 : 1))
      .map((g) => ({
        groupId: g.groupId,
        name: g.name,
        vpcId: g.vpcId,
        description: g.description,
        tags: sortedRecord(g.tags),
        ingress: [...g.ingress].sort((a, b) => (a.cidr === b.cidr ? a.port - b.port : a.cidr < b.cidr ? -1 : 1)),
      }));
  }

  private view(group: GroupState): GroupView {
    return { groupId: group.groupId, name: group.name, ingress: copy(group.ingress), tags: { ...group.tags } };
  }

  private mustGroup(groupId: string, action: string): GroupState {
    const group = this.groups.get(groupId);
    if (group === undefined) {
      const e = new Error(`${action} on ${groupId} failed: InvalidGroup.NotFound: The security group '${groupId}' does not exist`);
      e.name = 'InvalidGroup.NotFound';
      throw e;
    }
    return group;
  }
}
