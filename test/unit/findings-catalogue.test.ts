// Every finding the probe and Validate can report names a diagnosis catalogue entry (cause, how to
// confirm, fix), so a user always gets an explanation, never a bare code.
import { readFileSync } from 'node:fs';
import { CATALOGUE, IDENTITY_FINDING_IDS, NETWORK_FINDING_IDS, catalogueEntry } from '../../lambdas/core/diagnosis.js';
import { SQL_FINDING_ENTRY } from '../../lambdas/handlers/shared/checks.js';

const SOURCES = [
  'lambdas/core/cluster-checks.ts',
  'lambdas/handlers/shared/checks.ts',
  'lambdas/handlers/shared/network-checks.ts',
  'lambdas/handlers/judge-link.ts',
  'lambdas/handlers/probe.ts',
];

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

/** The findings of the identity modes other code emits (the contract; IDENTITY_FINDING_IDS is what it imports). */
const IDENTITY_FINDINGS = [
  'connector-user-missing',
  'connector-user-policy-mismatch',
  'connector-user-extra-permissions',
  'connector-user-boundary-missing',
  'connector-user-untagged',
  'access-key-missing',
  'access-key-inactive',
  'access-key-unknown',
  'access-key-rotation-due',
  'pipeline-role-unsupported',
  'redpanda-connect-too-old',
  'egress-addresses-unknown',
  'first-hop-unverified',
  'self-managed-pipeline-pending',
];

test('the exported identity finding ids are exactly the agreed ones', () => {
  expect([...IDENTITY_FINDING_IDS].sort()).toEqual([...IDENTITY_FINDINGS].sort());
});

test.each(IDENTITY_FINDINGS)('%s is a probe finding of the catalogue (no log text)', (id) => {
  expect(catalogueEntry(id)).toMatchObject({ source: 'probe', matches: [] });
});

/** The findings and refusals of database.network. */
const NETWORK_FINDINGS = [
  'network-mode-mismatch',
  'allowlist-entry-missing',
  'allowlist-full',
  'network-route-missing',
  'network-peering-inactive',
  'egress-addresses-changed',
  'redpanda-network-cidr-unknown',
];

test('the exported network finding ids are exactly the agreed ones', () => {
  expect([...NETWORK_FINDING_IDS].sort()).toEqual([...NETWORK_FINDINGS].sort());
});

test.each(NETWORK_FINDINGS)('%s is a probe finding of the catalogue (no log text)', (id) => {
  expect(catalogueEntry(id)).toMatchObject({ source: 'probe', matches: [] });
});

/** The `[entry-id]` a refusal's message starts its reason with (RecordFailure turns it into the diagnosis). */
function refusalIds(): string[] {
  const files = [
    'lambdas/handlers/shared/network.ts',
    'lambdas/handlers/ensure-egress-allowlist.ts',
    'lambdas/handlers/validate-request.ts',
    'lambdas/core/network.ts',
    'lambdas/handlers/check-aurora.ts',
    'lambdas/handlers/run-setup-sql.ts',
    'lambdas/core/policy-size.ts',
    'lambdas/adapters/aws/pipeline-role-access.ts',
  ];
  return files.flatMap((file) => [...readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8').matchAll(/[`'"]\[([a-z][a-z0-9-]+)\] /g)].map((m) => m[1]!));
}

test('the network refusals name ids (the scan is not empty)', () => {
  expect(refusalIds()).toEqual(
    expect.arrayContaining([
      'allowlist-full', 'network-mode-mismatch', 'redpanda-network-cidr-unknown', 'writer-reboot-pending', 'pg-table-not-owned',
      'capacity-not-supported', 'engine-version-not-offered', 'pipeline-role-policy-too-large',
    ]),
  );
});

test.each([...new Set([...literalIds(), ...Object.values(SQL_FINDING_ENTRY), ...IDENTITY_FINDINGS, ...NETWORK_FINDINGS, ...refusalIds()])].sort())('%s is a catalogue entry', (id) => {
  const entry = catalogueEntry(id);
  expect(entry).toBeDefined();
  expect(entry!.fix.length).toBeGreaterThan(0);
  expect(entry!.confirm.length).toBeGreaterThan(0);
});

test('catalogue ids are unique', () => {
  expect(new Set(CATALOGUE.map((e) => e.id)).size).toBe(CATALOGUE.length);
});
