// The Kafka ACLs of a link's SASL user: exactly what the pipeline's `redpanda` output (and, for MySQL, the
// `redpanda` checkpoint cache) needs, every field named so a delete with the same bindings never matches
// another principal's ACLs.
import type { AclBinding } from '../ports/redpanda.js';
import { linkNames } from './naming.js';
import type { LinkRequest } from './request.js';

export function redpandaAcls(request: Pick<LinkRequest, 'name' | 'engine' | 'database' | 'redpanda'>, dbAccountId: string): AclBinding[] {
  const names = linkNames(request, dbAccountId);
  const principal = `User:${names.redpandaUser}`;
  const allow = (resourceType: AclBinding['resourceType'], resourceName: string, operation: AclBinding['operation']): AclBinding => ({
    resourceType,
    resourceName,
    patternType: 'RESOURCE_PATTERN_TYPE_LITERAL',
    principal,
    host: '*',
    operation,
    permission: 'PERMISSION_TYPE_ALLOW',
  });
  const acls = [
    allow('RESOURCE_TYPE_TOPIC', request.redpanda.topic, 'OPERATION_WRITE'),
    allow('RESOURCE_TYPE_TOPIC', request.redpanda.topic, 'OPERATION_DESCRIBE'),
    // The redpanda output is an idempotent producer by default (idempotent_write: true).
    allow('RESOURCE_TYPE_CLUSTER', 'kafka-cluster', 'OPERATION_IDEMPOTENT_WRITE'),
  ];
  if (request.engine === 'aurora-mysql') {
    // mysql_cdc keeps its binlog position in a `redpanda` cache on the compacted checkpoint topic.
    for (const op of ['OPERATION_READ', 'OPERATION_WRITE', 'OPERATION_DESCRIBE'] as const) {
      acls.push(allow('RESOURCE_TYPE_TOPIC', names.checkpointTopic, op));
    }
  }
  return acls;
}

/** The rpk command equivalent of one binding, for plan summaries and runbooks. */
export function describeAcl(acl: AclBinding): string {
  const resource = acl.resourceType.replace('RESOURCE_TYPE_', '').toLowerCase();
  const op = acl.operation.replace('OPERATION_', '').toLowerCase().replace('_', '-');
  const target = acl.resourceType === 'RESOURCE_TYPE_CLUSTER' ? '--cluster' : `--${resource} ${acl.resourceName}`;
  return `rpk security acl create --allow-principal ${acl.principal} --operation ${op} ${target}`;
}
