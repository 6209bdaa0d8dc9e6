// cdk-nag (AwsSolutions) acknowledgements. Every acknowledgement goes on the narrowest construct and carries
// a reason; IAM5 wildcard findings are derived from the reasons the grants declare (lib/permissions.ts), so
// a new wildcard without a reason fails at synth instead of being silently acknowledged.
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledge one AwsSolutions finding on a construct (and its children). */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 10) throw new Error(`acknowledgement ${id} on ${scope.node.path} needs a real reason`);
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${id}`, reason });
}

/**
 * Collects IAM5 wildcard findings per construct, so one finding id acknowledged for several statements gets
 * one acknowledgement whose reason lists every cause.
 */
export class WildcardAcknowledgements {
  private readonly reasons = new Map<string, Set<string>>();

  constructor(private readonly scope: IConstruct) {}

  /** Record the wildcards of `resources` (and of wildcard actions) with the reason they are needed. */
  add(resources: readonly string[], reason: string | undefined, actions: readonly string[] = []): void {
    const stack = Stack.of(this.scope);
    const findings = [
      ...resources.map((r) => `Resource::${flattenCfnReference(stack.resolve(r))}`).filter((f) => f.includes('*')),
      ...actions.filter((a) => a.includes('*')).map((a) => `Action::${a}`),
    ];
    if (findings.length === 0) return;
    if (reason === undefined || reason.trim() === '') {
      throw new Error(`${this.scope.node.path}: ${findings.join(', ')} contains "*" without a reason (give the statement a wildcardReason)`);
    }
    for (const finding of findings) {
      const set = this.reasons.get(finding) ?? new Set<string>();
      set.add(reason);
      this.reasons.set(finding, set);
    }
  }

  /** Turn what was collected into acknowledgements; call once, after the last add(). */
  apply(): void {
    for (const [finding, reasons] of this.reasons) acknowledge(this.scope, `IAM5[${finding}]`, [...reasons].join(' | '));
  }
}

/**
 * The string cdk-nag names a resource by in an IAM5 finding: a resolved CloudFormation value flattened
 * (`Fn::Join` joined, `Ref` → `<Name>`, `Fn::GetAtt` → `<Name.Attr>`), as cdk-nag's flattenCfnReference does.
 */
export function flattenCfnReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    if (Array.isArray(o['Fn::Join'])) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flattenCfnReference).join(delimiter);
    }
    if (o['Fn::Sub'] !== undefined) return flattenCfnReference(o['Fn::Sub']);
    if (Array.isArray(o['Fn::GetAtt'])) {
      const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
    }
    if (o['Fn::ImportValue'] !== undefined) return flattenCfnReference(o['Fn::ImportValue']);
    if (o['Ref'] !== undefined) return `<${flattenCfnReference(o['Ref'])}>`;
  }
  return JSON.stringify(node);
}
