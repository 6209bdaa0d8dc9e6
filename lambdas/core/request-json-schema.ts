// The published JSON Schema of request v1, derived from the zod schema (the source of truth).
import { z } from 'zod';
import { requestSchema } from './request.js';

export const REQUEST_SCHEMA_ID = 'https://github.com/rpcn-aurora-iam/rpcn-aurora-iam/schema/request.schema.json';

export function requestJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(requestSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $schema: generated.$schema,
    $id: REQUEST_SCHEMA_ID,
    title: 'rpcn-aurora-iam request v1',
    description:
      'Start-execution input of the Provision state machine. Generated from lambdas/core/request.ts by `npm run schema`; do not edit. ' +
      'Semantic rules beyond this schema (capacity min <= max, table names per engine, reserved users, engine versions) are checked by `rpcn-aurora plan`.',
    ...Object.fromEntries(Object.entries(generated).filter(([k]) => k !== '$schema')),
  };
}

export function requestJsonSchemaText(): string {
  return `${JSON.stringify(requestJsonSchema(), null, 2)}\n`;
}
