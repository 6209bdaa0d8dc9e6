// Every finding the probe and Validate can report names a diagnosis catalogue entry (cause, how to
// confirm, fix), so a user always gets an explanation, never a bare code.
import { readFileSync } from 'node:fs';
import { CATALOGUE, catalogueEntry } from '../../lambdas/core/diagnosis.js';
import { SQL_FINDING_ENTRY } from '../../lambdas/handlers/shared/checks.js';

const SOURCES = ['lambdas/core/cluster-checks.ts', 'lambdas/handlers/shared/checks.ts', 'lambdas/handlers/probe.ts'];

/** The literal ids in `id: '…'` and `return '…'` positions of the files that build findings. */
function literalIds(): string[] {
  return SOURCES.flatMap((file) => {
    const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
    return [...text.matchAll(/\bid: '([a-z0-9-]+)'|return '([a-z0-9-]+)';/g)].map((m) => (m[1] ?? m[2])!);
  });
}

test('the finding sources do name ids (the scan is not empty)', () => {
  expect(literalIds().length).toBeGreaterThan(15);
});

test.each([...new Set([...literalIds(), ...Object.values(SQL_FINDING_ENTRY)])].sort())('%s is a catalogue entry', (id) => {
  const entry = catalogueEntry(id);
  expect(entry).toBeDefined();
  expect(entry!.fix.length).toBeGreaterThan(0);
  expect(entry!.confirm.length).toBeGreaterThan(0);
});

test('catalogue ids are unique', () => {
  expect(new Set(CATALOGUE.map((e) => e.id)).size).toBe(CATALOGUE.length);
});
