import { capacityProblems, documentedCapacityRange, firstVersionWith, narrower } from '../../lambdas/core/serverless-capacity.js';

describe('the documented Serverless v2 range per engine version (docs/reference/aws.md A12)', () => {
  test.each([
    ['13.14', { minCapacity: 0.5, maxCapacity: 256 }],
    ['13.15', { minCapacity: 0, maxCapacity: 256 }],
    ['13.12', { minCapacity: 0.5, maxCapacity: 128 }],
    ['14.11', { minCapacity: 0.5, maxCapacity: 256 }],
    ['14.12', { minCapacity: 0, maxCapacity: 256 }],
    ['14.9', { minCapacity: 0.5, maxCapacity: 128 }],
    ['15.6', { minCapacity: 0.5, maxCapacity: 256 }],
    ['15.7', { minCapacity: 0, maxCapacity: 256 }],
    ['15.4', { minCapacity: 0.5, maxCapacity: 128 }],
    ['16.2', { minCapacity: 0.5, maxCapacity: 256 }],
    ['16.3', { minCapacity: 0, maxCapacity: 256 }],
    ['17.4', { minCapacity: 0, maxCapacity: 256 }],
  ])('Aurora PostgreSQL %s', (version, range) => {
    expect(documentedCapacityRange('aurora-postgresql', version)).toEqual(range);
  });
  test.each([
    ['8.0.mysql_aurora.3.05.2', { minCapacity: 0.5, maxCapacity: 128 }],
    ['8.0.mysql_aurora.3.06.0', { minCapacity: 0.5, maxCapacity: 256 }],
    ['8.0.mysql_aurora.3.07.1', { minCapacity: 0.5, maxCapacity: 256 }],
    ['8.0.mysql_aurora.3.08.0', { minCapacity: 0, maxCapacity: 256 }],
    ['8.0.mysql_aurora.3.10.0', { minCapacity: 0, maxCapacity: 256 }],
  ])('Aurora MySQL %s', (version, range) => {
    expect(documentedCapacityRange('aurora-mysql', version)).toEqual(range);
  });
  test('a line the table does not know has no documented range', () => {
    expect(documentedCapacityRange('aurora-postgresql', '18.1')).toBeUndefined();
    expect(documentedCapacityRange('aurora-postgresql', 'latest')).toBeUndefined();
  });
  test('the first version with a feature is of the same line', () => {
    expect(firstVersionWith('aurora-postgresql', '14.9', 'auto-pause')).toBe('14.12');
    expect(firstVersionWith('aurora-postgresql', '14.9', 'max-256')).toBe('14.10');
    expect(firstVersionWith('aurora-mysql', '8.0.mysql_aurora.3.07.1', 'auto-pause')).toBe('8.0.mysql_aurora.3.08.0');
  });
});

describe('capacityProblems', () => {
  const base = { minCapacity: 0.5, maxCapacity: 128 };
  test('within the range: none', () => {
    expect(capacityProblems('aurora-postgresql', '16.2', { minCapacity: 0.5, maxCapacity: 128 }, base, 'x')).toEqual([]);
  });
  test('0 ACU without auto-pause names the field, the version and the first version with it', () => {
    expect(capacityProblems('aurora-postgresql', '16.2', { minCapacity: 0, maxCapacity: 4 }, base, 'the table')).toEqual([
      { path: 'database.minCapacity', message: expect.stringMatching(/^0 ACU needs auto-pause, which Aurora PostgreSQL 16\.2 does not support \(the table: its minimum is 0\.5 ACU\).*use 16\.3 or later$/) },
    ]);
  });
  test('above the maximum names 256 and the first version with it', () => {
    expect(capacityProblems('aurora-postgresql', '14.9', { minCapacity: 0.5, maxCapacity: 192 }, base, 'the table')).toEqual([
      { path: 'database.maxCapacity', message: expect.stringMatching(/192 ACU is above what Aurora PostgreSQL 14\.9 allows .*at most 128 ACU.*use 14\.10 or later for up to 256 ACU/) },
    ]);
  });
  test('the stricter of two ranges', () => {
    expect(narrower({ minCapacity: 0, maxCapacity: 256 }, { minCapacity: 0.5, maxCapacity: 128 })).toEqual({ minCapacity: 0.5, maxCapacity: 128 });
  });
});
