import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { requestJsonSchemaText } from '../../lambdas/core/request-json-schema.js';

const committed = readFileSync(new URL('../../schema/request.schema.json', import.meta.url), 'utf8');

describe('schema/request.schema.json', () => {
  test('is exactly what the zod schema generates (run `npm run schema` after changing lambdas/core/request.ts)', () => {
    expect(committed).toBe(requestJsonSchemaText());
  });

  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(committed));

  test.each(['postgres', 'mysql', 'existing-cluster', 'private-network'])('accepts examples/%s.json', (name) => {
    const ok = validate(JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('rejects unknown fields and bad patterns like the zod schema does', () => {
    const base = JSON.parse(readFileSync(new URL('../../examples/postgres.json', import.meta.url), 'utf8'));
    expect(validate({ ...base, extra: true })).toBe(false);
    expect(validate({ ...base, name: 'Bad Name' })).toBe(false);
    expect(validate({ ...base, redpanda: { ...base.redpanda, accountId: '123' } })).toBe(false);
    expect(validate({ ...base, database: { ...base.database, maxCapacity: 2.3 } })).toBe(false);
  });
});
