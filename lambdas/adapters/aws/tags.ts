// AWS `{ Key, Value }` tag lists <-> the `Record<string, string>` the ports use.

export interface AwsTag {
  Key: string;
  Value: string;
}

export function toAwsTags(tags: Readonly<Record<string, string>>): AwsTag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function fromAwsTags(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}
