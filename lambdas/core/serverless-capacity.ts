// The Aurora Serverless v2 capacity an engine version can take (docs/reference/aws.md A12): a minimum of 0 ACU
// (auto-pause) and a maximum above 128 ACU (up to 256) came with later releases. The table holds the documented
// first releases; the region's own answer (DescribeDBEngineVersions ServerlessV2FeaturesSupport) is asked in
// ValidateRequest, and the stricter of the two wins.
import type { Engine } from './request.js';

/** The widest range a version allows: the lowest minimum and the highest maximum, in ACU. */
export interface CapacityRange {
  readonly minCapacity: number;
  readonly maxCapacity: number;
}

/** Without the features: what every Serverless v2 version allows. */
export const BASE_CAPACITY_RANGE: CapacityRange = { minCapacity: 0.5, maxCapacity: 128 };
export const FULL_CAPACITY_RANGE: CapacityRange = { minCapacity: 0, maxCapacity: 256 };

/** First PostgreSQL minor, per major, with a minimum of 0 ACU (auto-pause). */
export const POSTGRES_AUTO_PAUSE_MINOR: Readonly<Record<number, number>> = { 13: 15, 14: 12, 15: 7, 16: 3, 17: 0 };
/** First PostgreSQL minor, per major, with a maximum of 256 ACU. */
export const POSTGRES_MAX_256_MINOR: Readonly<Record<number, number>> = { 13: 13, 14: 10, 15: 5, 16: 1, 17: 0 };
/** First Aurora MySQL 3 releases (minor, patch) with auto-pause and with 256 ACU. */
export const MYSQL_AUTO_PAUSE: readonly [number, number] = [8, 0];
export const MYSQL_MAX_256: readonly [number, number] = [6, 0];

interface ParsedVersion {
  readonly engine: Engine;
  /** PostgreSQL [major, minor]; Aurora MySQL 3 [minor, patch] of `8.0.mysql_aurora.3.MM.P`. */
  readonly parts: readonly [number, number];
}

function parse(engine: Engine, version: string): ParsedVersion | undefined {
  const m = engine === 'aurora-postgresql' ? /^(\d{2})\.(\d{1,2})$/.exec(version) : /^8\.0\.mysql_aurora\.3\.(\d{2})\.(\d{1,2})$/.exec(version);
  return m ? { engine, parts: [Number(m[1]), Number(m[2])] } : undefined;
}

const atLeast = (have: readonly [number, number], need: readonly [number, number]): boolean => have[0] > need[0] || (have[0] === need[0] && have[1] >= need[1]);

/** The range the table documents for a version; undefined when the table does not know the version's line. */
export function documentedCapacityRange(engine: Engine, version: string): CapacityRange | undefined {
  const v = parse(engine, version);
  if (v === undefined) return undefined;
  if (engine === 'aurora-postgresql') {
    const [major, minor] = v.parts;
    const pause = POSTGRES_AUTO_PAUSE_MINOR[major];
    const max256 = POSTGRES_MAX_256_MINOR[major];
    if (pause === undefined || max256 === undefined) return undefined;
    return { minCapacity: minor >= pause ? 0 : 0.5, maxCapacity: minor >= max256 ? 256 : 128 };
  }
  return { minCapacity: atLeast(v.parts, MYSQL_AUTO_PAUSE) ? 0 : 0.5, maxCapacity: atLeast(v.parts, MYSQL_MAX_256) ? 256 : 128 };
}

/** The first release of the version's line with the feature, as a user writes it. */
export function firstVersionWith(engine: Engine, version: string, feature: 'auto-pause' | 'max-256'): string {
  if (engine === 'aurora-mysql') {
    const [minor, patch] = feature === 'auto-pause' ? MYSQL_AUTO_PAUSE : MYSQL_MAX_256;
    return `8.0.mysql_aurora.3.${String(minor).padStart(2, '0')}.${patch}`;
  }
  const major = parse(engine, version)?.parts[0];
  const table = feature === 'auto-pause' ? POSTGRES_AUTO_PAUSE_MINOR : POSTGRES_MAX_256_MINOR;
  const minor = major === undefined ? undefined : table[major];
  return major === undefined || minor === undefined ? 'a later version' : `${major}.${minor}`;
}

/** The stricter of two ranges (the table and the region's answer). */
export function narrower(a: CapacityRange, b: CapacityRange): CapacityRange {
  return { minCapacity: Math.max(a.minCapacity, b.minCapacity), maxCapacity: Math.min(a.maxCapacity, b.maxCapacity) };
}

export interface CapacityProblem {
  readonly path: 'database.minCapacity' | 'database.maxCapacity';
  readonly message: string;
}

/** Why the requested capacity does not fit what the version allows; empty when it fits. */
export function capacityProblems(
  engine: Engine,
  version: string,
  requested: CapacityRange,
  allowed: CapacityRange,
  according: string,
): CapacityProblem[] {
  const problems: CapacityProblem[] = [];
  const name = engine === 'aurora-postgresql' ? `Aurora PostgreSQL ${version}` : `Aurora MySQL ${version}`;
  if (requested.minCapacity < allowed.minCapacity) {
    problems.push({
      path: 'database.minCapacity',
      message:
        `${requested.minCapacity} ACU needs auto-pause, which ${name} does not support (${according}: its minimum is ${allowed.minCapacity} ACU): ` +
        `set minCapacity to ${allowed.minCapacity} or more, or use ${firstVersionWith(engine, version, 'auto-pause')} or later`,
    });
  }
  if (requested.maxCapacity > allowed.maxCapacity) {
    problems.push({
      path: 'database.maxCapacity',
      message:
        `${requested.maxCapacity} ACU is above what ${name} allows (${according}: at most ${allowed.maxCapacity} ACU): ` +
        `set maxCapacity to ${allowed.maxCapacity} or less, or use ${firstVersionWith(engine, version, 'max-256')} or later for up to 256 ACU`,
    });
  }
  return problems;
}
