// Row values as JSON the way Connect's messages carry them (pgx / go-sql-driver values through encoding/json):
// integers as numbers (int8 too, when exact), times as RFC 3339 text, bytes as base64, JSON columns as JSON.
import pg from 'pg';

const INT8_OID = 20;

export function jsonValue(v: unknown, typeOid?: number): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeOid === INT8_OID && typeof v === 'string' && /^-?\d+$/.test(v)) return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return v.map((x) => jsonValue(x));
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, jsonValue(x)]));
  return v;
}

/** A row (null-prototype objects from pg-logical-replication included) as a plain JSON object. */
export function jsonRow(row: Record<string, unknown>, typeOf: (column: string) => number | undefined = () => undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row)) out[key] = jsonValue(row[key], typeOf(key));
  return out;
}

/** pg type parsers with int8 as a number when it fits (pgx decodes int8 to int64). */
export const PG_TYPES = {
  getTypeParser: (oid: number, format?: string) => {
    if (oid === INT8_OID) return (text: string) => (Number.isSafeInteger(Number(text)) ? Number(text) : text);
    return (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

/** `0/16B3748` → `00000000/016B3748` (Connect's `%08X/%08X`). */
export function connectLsn(lsn: string): string {
  const [hi = '0', lo = '0'] = lsn.split('/');
  return `${hi.toUpperCase().padStart(8, '0')}/${lo.toUpperCase().padStart(8, '0')}`;
}

/** Compare two LSNs (`X/Y` hex); negative when a < b. */
export function compareLsn(a: string, b: string): number {
  const n = (lsn: string) => {
    const [hi = '0', lo = '0'] = lsn.split('/');
    return BigInt(`0x${hi}`) * 2n ** 32n + BigInt(`0x${lo}`);
  };
  const d = n(a) - n(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** The LSN one byte before `lsn` (so that pg-logical-replication's acknowledge(x), which reports x+1, reports `lsn`). */
export function lsnBefore(lsn: string): string {
  const [hi = '0', lo = '0'] = lsn.split('/');
  const n = BigInt(`0x${hi}`) * 2n ** 32n + BigInt(`0x${lo}`);
  const m = n > 0n ? n - 1n : 0n;
  return `${(m >> 32n).toString(16).toUpperCase()}/${(m & 0xffffffffn).toString(16).toUpperCase()}`;
}
