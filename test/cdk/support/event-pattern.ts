// EventBridge event-pattern matching, for the operators lib/ uses and a few more (exact values, prefix,
// suffix, wildcard, equals-ignore-case, anything-but with a value, a list, prefix, suffix or wildcard,
// exists, numeric, $or), with EventBridge's semantics as documented in "Comparison operators for use in event
// patterns" (EventBridge user guide):
// - a pattern's keys are ANDed; `$or` holds alternative sub-patterns at that level;
// - a leaf is a list of matchers, ORed;
// - an array value in the event matches when any of its elements matches;
// - every matcher except `{"exists": false}` needs the field to be present, `anything-but` included;
// - an unknown operator is an error (never silently "no match").
// The offline twin could use the same function to play the IAM-watch rule.

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function matchesPattern(pattern: Record<string, Json>, event: Json): boolean {
  return matchObject(pattern, isObject(event) ? event : undefined);
}

function matchObject(pattern: Record<string, Json>, value: Record<string, Json> | undefined): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length < 2) throw new Error('$or needs a list of at least two sub-patterns');
      if (!sub.some((alt) => isObject(alt) && matchObject(alt, value))) return false;
      continue;
    }
    const field = value?.[key];
    if (Array.isArray(sub)) {
      if (!matchLeaf(sub, field)) return false;
    } else if (isObject(sub)) {
      if (!matchObject(sub, isObject(field) ? field : undefined)) return false;
    } else {
      throw new Error(`pattern value of "${key}" must be a list or an object, not ${JSON.stringify(sub)}`);
    }
  }
  return true;
}

function matchLeaf(matchers: readonly Json[], field: Json): boolean {
  const present = field !== undefined;
  const values = !present ? [] : Array.isArray(field) ? field : [field];
  return matchers.some((m) => {
    if (isObject(m) && 'exists' in m) return m['exists'] === present;
    return values.some((v) => matchOne(m, v));
  });
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

function matchOne(m: Json, v: Json): boolean {
  if (!isObject(m)) return m === v;
  const [op, arg, ...extra] = Object.entries(m).flat();
  if (extra.length > 0) throw new Error(`one operator per matcher: ${JSON.stringify(m)}`);
  const s = typeof v === 'string' ? v : undefined;
  switch (op) {
    case 'prefix':
      return s !== undefined && (isObject(arg) ? s.toLowerCase().startsWith(String(arg['equals-ignore-case']).toLowerCase()) : s.startsWith(String(arg)));
    case 'suffix':
      return s !== undefined && (isObject(arg) ? s.toLowerCase().endsWith(String(arg['equals-ignore-case']).toLowerCase()) : s.endsWith(String(arg)));
    case 'wildcard':
      return s !== undefined && wildcard(String(arg)).test(s);
    case 'equals-ignore-case':
      return s !== undefined && s.toLowerCase() === String(arg).toLowerCase();
    case 'numeric':
      return typeof v === 'number' && numeric(arg as Json[], v);
    case 'anything-but':
      return anythingBut(arg, v);
    default:
      throw new Error(`unsupported EventBridge operator ${JSON.stringify(m)}`);
  }
}

function anythingBut(arg: Json, v: Json): boolean {
  if (Array.isArray(arg)) return !arg.includes(v);
  if (!isObject(arg)) return v !== arg;
  const s = typeof v === 'string' ? v : undefined;
  const [op, operand] = Object.entries(arg)[0] ?? [];
  const list = (x: Json): string[] => (Array.isArray(x) ? x.map(String) : [String(x)]);
  switch (op) {
    case 'prefix':
      return s === undefined || !s.startsWith(String(operand));
    case 'suffix':
      return s === undefined || !s.endsWith(String(operand));
    case 'wildcard':
      return s === undefined || !list(operand).some((w) => wildcard(w).test(s));
    case 'equals-ignore-case':
      return s === undefined || !list(operand).some((x) => x.toLowerCase() === s.toLowerCase());
    default:
      throw new Error(`unsupported anything-but operator ${JSON.stringify(arg)}`);
  }
}

function numeric(spec: readonly Json[], v: number): boolean {
  for (let i = 0; i < spec.length; i += 2) {
    const op = spec[i];
    const n = Number(spec[i + 1]);
    const ok = op === '=' ? v === n : op === '<' ? v < n : op === '<=' ? v <= n : op === '>' ? v > n : op === '>=' ? v >= n : undefined;
    if (ok === undefined) throw new Error(`unsupported numeric operator ${String(op)}`);
    if (!ok) return false;
  }
  return true;
}
