// The repository's copies of the specs (specs/) must be the team's shared ones (../shared/specs) when those
// are present beside the repository: a spec update lands in both, or this fails.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../specs/', import.meta.url));
const shared = fileURLToPath(new URL('../../../shared/specs/', import.meta.url));

const specFiles = (dir: string) =>
  ['redpanda-cloud', 'redpanda-connect'].flatMap((sub) => readdirSync(`${dir}${sub}`).filter((f) => f.endsWith('.yaml')).map((f) => `${sub}/${f}`)).sort();

describe('specs/', () => {
  test('holds the Redpanda Cloud specs and the Redpanda Connect field lists', () => {
    expect(specFiles(repo)).toEqual([
      'redpanda-cloud/cloud-controlplane.yaml',
      'redpanda-cloud/cloud-dataplane.yaml',
      'redpanda-connect/caches-redpanda.yaml',
      'redpanda-connect/inputs-mysql_cdc.yaml',
      'redpanda-connect/inputs-postgres_cdc.yaml',
      'redpanda-connect/outputs-redpanda.yaml',
    ]);
  });

  const sharedPresent = existsSync(`${shared}redpanda-cloud`);
  (sharedPresent ? test : test.skip)('equals ../shared/specs byte for byte', () => {
    expect(specFiles(shared)).toEqual(specFiles(repo));
    for (const file of specFiles(repo)) expect(readFileSync(`${repo}${file}`, 'utf8')).toBe(readFileSync(`${shared}${file}`, 'utf8'));
  });
});
