// Writes schema/request.schema.json from the zod schema. Run: npm run schema
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { requestJsonSchemaText } from '../lambdas/core/request-json-schema.js';

const target = fileURLToPath(new URL('../schema/request.schema.json', import.meta.url));
writeFileSync(target, requestJsonSchemaText());
console.log(`wrote ${target}`);
