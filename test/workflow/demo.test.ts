// `npm run demo` end to end (the same function the CLI runs): both engines, the drift scenario, and nothing
// left behind (no temporary data directory, no database server).
import { jest } from '@jest/globals';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runDemo } from '../../local/demo.js';
import { describeMysql } from '../support/mysql.js';

jest.setTimeout(120_000);

// This file's own temporary folder (os.tmpdir() follows TMPDIR): other test files run beside it and use theirs.
const privateTmp = mkdtempSync(path.join(tmpdir(), 'rpcn-demo-test-'));
// Traversable: as root the database servers run as other users and keep their data dirs here.
chmodSync(privateTmp, 0o755);
const outerTmp = process.env['TMPDIR'];
beforeAll(() => {
  process.env['TMPDIR'] = privateTmp;
});
afterAll(() => {
  if (outerTmp === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = outerTmp;
  rmSync(privateTmp, { recursive: true, force: true });
});
const leftovers = () => readdirSync(privateTmp).sort();

test('postgres, access-key (the default), --rotate and --drift: rows keep arriving, the deleted key is healed by a rotation, the link is torn down', async () => {
  const before = leftovers();
  const lines: string[] = [];
  const result = await runDemo({ engine: 'aurora-postgresql', drift: true, rotate: true, rows: 3, out: (l) => lines.push(l) });
  expect(result.ok).toBe(true);
  expect(result.summary).toMatchObject({ status: 'ready', verdict: 'healthy', identityMode: 'access-key' });
  expect(result.rotation).toMatchObject({ rowsLost: 0 });
  expect(result.rotation!.rowsDuring).toBeGreaterThan(0);
  // 3 rows, the rows inserted during the rotation and one after it, one after the healing
  expect(result.rowsReceived).toBe(3 + result.rotation!.rowsDuring + 1 + 1);
  const text = lines.join('\n');
  expect(text).toMatch(/real: {5}the state machines/);
  expect(text).toMatch(/identity: access-key \(the default\)/);
  expect(text).toMatch(/Rotate succeeded in .*: \d+ state transitions/);
  expect(text).toMatch(/api error InvalidClientTokenId: The security token included in the request is invalid/);
  expect(text).toMatch(/Validate: drifted → drifted/);
  expect(text).toMatch(/healed: started rotation rotate-orders-heal-/);
  expect(text).toMatch(/Rotate: SUCCEEDED/);
  expect(text).toMatch(/Teardown succeeded/);
  expect(leftovers()).toEqual(before);
});

test("postgres, --identity pipeline-role --drift: the walkthrough's chain; the deleted role policy is put back", async () => {
  const lines: string[] = [];
  const result = await runDemo({ engine: 'aurora-postgresql', identity: 'pipeline-role', drift: true, rows: 3, out: (l) => lines.push(l) });
  expect(result.ok).toBe(true);
  expect(result.rowsReceived).toBe(4);
  expect(result.summary).toMatchObject({ status: 'ready', verdict: 'healthy', identityMode: 'pipeline-role' });
  expect(result.drift?.validationTransitions).toBeGreaterThan(3);
  const text = lines.join('\n');
  expect(text).toMatch(/is not authorized to perform: sts:AssumeRole/);
  expect(text).toMatch(/Validate: drifted → healthy/);
});

test('postgres, --network private: the allowlist entry, the rule from the Redpanda network and the route the probe checked; the entry goes with the link', async () => {
  const lines: string[] = [];
  const result = await runDemo({ engine: 'aurora-postgresql', network: 'private', drift: false, rows: 2, out: (l) => lines.push(l) });
  expect(result.ok).toBe(true);
  expect(result.rowsReceived).toBe(2);
  const text = lines.join('\n');
  expect(text).toMatch(/network: {2}private: a cluster without a public address/);
  expect(text).toMatch(/egress allowlist of Redpanda cluster \w+: 10\.80\.0\.0\/16 port \d+ {3}\(added by the link\)/);
  expect(text).toMatch(/security group sg-\w+: port \d+ from 10\.100\.0\.0\/16/);
  expect(text).toMatch(/10\.100\.0\.0\/16 → peering pcx-\w+ \(active\)/);
  expect(text).toMatch(/writer rpcn-aurora-orders-writer: no public address/);
  expect(text).toMatch(/the network checks: allowlist entry on the port ✓/);
  expect(text).toMatch(/- egress allowlist entry 10\.80\.0\.0\/16 port \d+ of cluster/);
});

describeMysql('the MySQL example', () => {
  test('mysql: the snapshot arrives, the offline gap is explained, the link is torn down', async () => {
    const lines: string[] = [];
    const result = await runDemo({ engine: 'aurora-mysql', drift: false, rows: 3, out: (l) => lines.push(l) });
    expect(result.ok).toBe(true);
    expect(result.rowsReceived).toBe(4);
    expect(lines.join('\n')).toMatch(/as expected offline: AWSAuthenticationPlugin exists only on/);
    expect(result.teardown?.status).toBe('SUCCEEDED');
  });
});

