// The naming rules of every service a link names something in, as pure checks: each answers why a value is
// not acceptable there, or undefined. ValidateRequest runs them over every name derived from a request, so a
// name the service would refuse is refused before anything is created (docs/reference/aws.md A11).

export type NameProblem = string | undefined;

const within = (value: string, min: number, max: number): NameProblem =>
  value.length < min ? `is shorter than ${min} characters` : value.length > max ? `is ${value.length} characters, longer than ${max}` : undefined;

/**
 * RDS DB cluster, DB instance and final snapshot identifiers: 1-63 letters, digits and hyphens, a letter
 * first, no trailing hyphen and no "--" (RDS stores them lower-case).
 */
export function rdsIdentifierProblem(value: string): NameProblem {
  return (
    within(value, 1, 63) ??
    (!/^[A-Za-z]/.test(value) ? 'must begin with a letter' : undefined) ??
    (!/^[A-Za-z0-9-]*$/.test(value) ? 'must contain only ASCII letters, digits and hyphens' : undefined) ??
    (value.endsWith('-') ? 'must not end with a hyphen' : undefined) ??
    (value.includes('--') ? 'must not contain two consecutive hyphens' : undefined)
  );
}

/**
 * DB cluster parameter group names: RDS documents 1-255 characters with the identifier rules otherwise; we
 * hold them to the identifier's 63 as well, the length every RDS console and tool accepts.
 */
export function rdsParameterGroupNameProblem(value: string): NameProblem {
  return rdsIdentifierProblem(value);
}

/** IAM role, user and policy names: letters, digits and `+=,.@_-`; roles and users ≤ 64, policies ≤ 128. */
export function iamNameProblem(value: string, kind: 'role' | 'user' | 'policy'): NameProblem {
  const max = kind === 'policy' ? 128 : 64;
  return within(value, 1, max) ?? (!/^[\w+=,.@-]+$/.test(value) ? 'must contain only ASCII letters, digits and +=,.@_-' : undefined);
}

/** IAM paths: `/`, or `/…/` of printable ASCII without spaces, ≤ 512. */
export function iamPathProblem(value: string): NameProblem {
  return within(value, 1, 512) ?? (!/^\/(?:[\x21-\x7e]*\/)?$/.test(value) ? 'must be "/" or begin and end with "/" and hold only printable ASCII without spaces' : undefined);
}

/** EC2 security group names: ≤ 255 of a-z A-Z 0-9, spaces and `._-:/()#,@[]+=&;{}!$*`, not starting with `sg-`. */
export function securityGroupNameProblem(value: string): NameProblem {
  return (
    within(value, 1, 255) ??
    (!/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/.test(value) ? 'must contain only letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*' : undefined) ??
    (/^sg-/i.test(value) ? 'must not begin with "sg-"' : undefined)
  );
}

/**
 * Secrets Manager secret names: 1-512 of letters, digits and `/_+=.@-`. A name ending in a hyphen and six
 * characters is refused too: it reads like the random suffix of a secret ARN, so a partial ARN could match it.
 */
export function secretsManagerNameProblem(value: string): NameProblem {
  return (
    within(value, 1, 512) ??
    (!/^[A-Za-z0-9/_+=.@-]+$/.test(value) ? 'must contain only ASCII letters, digits and /_+=.@-' : undefined) ??
    (/-[^-/]{6}$/.test(value) ? 'must not end with a hyphen and six characters (the form of the random suffix of a secret ARN)' : undefined)
  );
}

/** Redpanda Cloud secret ids on create: 1-255 of `^[A-Z][A-Z0-9_]*$` (docs/reference/redpanda-cloud.md). */
export function redpandaSecretIdProblem(value: string): NameProblem {
  return within(value, 1, 255) ?? (!/^[A-Z][A-Z0-9_]*$/.test(value) ? 'must be an upper-case letter, then upper-case letters, digits and "_"' : undefined);
}

/** Redpanda Connect pipeline display names: 3-128 of `^[A-Za-z0-9-_ /]+$`. */
export function pipelineDisplayNameProblem(value: string): NameProblem {
  return within(value, 3, 128) ?? (!/^[A-Za-z0-9\-_ /]+$/.test(value) ? 'must contain only letters, digits, spaces and -_/' : undefined);
}

/**
 * Step Functions execution names: 1-80 characters, no whitespace, none of `< > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /`
 * and no control characters; we keep them ASCII too, as non-ASCII names break CloudWatch logging.
 */
export function executionNameProblem(value: string): NameProblem {
  return (
    within(value, 1, 80) ??
    (/[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(value) ? 'must not contain whitespace or any of <>{}[]?*"#%\\^|~`$&,;:/' : undefined) ??
    (/[^\x21-\x7e]/.test(value) ? 'must contain only printable ASCII' : undefined)
  );
}

/** MySQL 8.0 account user names: at most 32 characters. */
export function mysqlUserNameProblem(value: string): NameProblem {
  return within(value, 1, 32);
}

/** PostgreSQL identifiers (users, slots, publications): at most 63 bytes (NAMEDATALEN - 1); longer ones are silently cut. */
export function postgresIdentifierProblem(value: string): NameProblem {
  return within(value, 1, 63) ?? (Buffer.byteLength(value, 'utf8') > 63 ? 'is longer than 63 bytes' : undefined);
}

/** Replication slot names: 1-63 of lower-case letters, digits and "_" (PostgreSQL); ours stay ≤ 50 for Redpanda Connect's slot rule. */
export function replicationSlotProblem(value: string): NameProblem {
  return !/^[a-z0-9_]{1,50}$/.test(value) ? 'must be 1-50 lower-case letters, digits and "_"' : undefined;
}

/** Kafka topic names: 1-249 of `a-zA-Z0-9._-`, not `.` or `..`. */
export function topicNameProblem(value: string): NameProblem {
  return !/^[a-zA-Z0-9._-]{1,249}$/.test(value) || value === '.' || value === '..' ? 'must be 1-249 of a-z, A-Z, 0-9, ".", "_" and "-", not "." or ".."' : undefined;
}

/** A short deterministic tag of `value` (FNV-1a, base 36), so two names cut to the same prefix stay apart. */
export function shortHash(value: string, length = 6): string {
  let h = 0x811c9dc5;
  for (const c of value) {
    h ^= c.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(7, '0').slice(-length);
}

/**
 * `value` cut to at most `max` characters, deterministically: when it is too long, its head plus `sep` and a
 * hash of the whole, so distinct long values stay distinct. `sep` must be allowed where the name is used.
 */
export function fitName(value: string, max: number, sep: '-' | '_'): string {
  if (value.length <= max) return value;
  const tag = `${sep}${shortHash(value)}`;
  let head = value.slice(0, max - tag.length);
  while (head.endsWith(sep)) head = head.slice(0, -1);
  return `${head}${tag}`;
}
