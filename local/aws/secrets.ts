// In-memory Secrets Manager for the twin (emulated): the operator's Redpanda credentials secret, link secrets,
// and the RDS-managed master secrets (`rds!cluster-…`) the Data API stand-in reads. Values never leave
// through an inventory or an error message.
import { CredentialsSecretError } from '../../lambdas/core/errors.js';
import type { SharedTokenStore } from '../../lambdas/ports/redpanda.js';
import type { RedpandaCredentials, SecretsPort } from '../../lambdas/ports/secrets.js';
import { formatSharedToken, parseCredentials, parseSharedToken } from '../../lambdas/adapters/aws/secrets.js';
import { copy, secretSuffix, sortedRecord } from './common.js';

export interface SecretState {
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  readonly tags: Record<string, string>;
  /** `rds` for the master secrets RDS manages (Secrets Manager's OwningService). */
  readonly owningService?: string;
  /** A customer managed KMS key encrypting it; undefined: Secrets Manager's AWS managed key `aws/secretsmanager`. */
  kmsKeyId?: string;
  value: string;
}

const CREDENTIALS_SHAPE = '{"client_id": "...", "client_secret": "..."}';

export class SecretsEmulator implements SecretsPort {
  private readonly byName = new Map<string, SecretState>();
  /** The account's AWS managed key `aws/secretsmanager`, which every caller allowed GetSecretValue may use. */
  get awsManagedKeyArn(): string {
    return `arn:aws:kms:${this.region}:${this.accountId}:key/0a1b2c3d-aws0-4sm0-8key-secretsmanagr`;
  }

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** Create a secret (operator or service); throws when the name is taken, like CreateSecret. */
  create(input: { readonly name: string; readonly value: string; readonly description?: string; readonly tags?: Readonly<Record<string, string>>; readonly owningService?: string }): SecretState {
    if (this.byName.has(input.name)) {
      const e = new Error(`secretsmanager:CreateSecret on ${input.name} failed: ResourceExistsException: The operation failed because the secret ${input.name} already exists.`);
      e.name = 'ResourceExistsException';
      throw e;
    }
    const secret: SecretState = {
      name: input.name,
      arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${input.name}-${secretSuffix()}`,
      description: input.description ?? '',
      tags: { ...(input.tags ?? {}) },
      ...(input.owningService !== undefined && { owningService: input.owningService }),
      value: input.value,
    };
    this.byName.set(input.name, secret);
    return copy(secret);
  }

  /** PutSecretValue by name or ARN (operator). */
  putValue(id: string, value: string): void {
    const secret = this.find(id);
    if (secret === undefined) throw new Error(`no secret ${id}`);
    secret.value = value;
  }

  /** GetSecretValue by name or ARN (full ARN, or the name-only partial ARN form is not supported). */
  find(id: string): SecretState | undefined {
    return this.byName.get(id) ?? [...this.byName.values()].find((s) => s.arn === id);
  }

  delete(id: string): void {
    const secret = this.find(id);
    if (secret !== undefined) this.byName.delete(secret.name);
  }

  /** Names, ARNs and tags only: never a value. */
  snapshot(): unknown[] {
    return [...this.byName.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((s) => ({ name: s.name, arn: s.arn, description: s.description, tags: sortedRecord(s.tags), ...(s.owningService !== undefined && { owningService: s.owningService }) }));
  }

  /** The shared API token's store over this secret, with the AWS adapter's format (an empty value: none yet). */
  tokenStore(secretArn: string): SharedTokenStore {
    return {
      read: async () => {
        const secret = this.find(secretArn);
        if (secret === undefined) {
          const e = new Error("Secrets Manager can't find the specified secret.");
          e.name = 'ResourceNotFoundException';
          throw e;
        }
        return parseSharedToken(secret.value);
      },
      write: async (token) => this.putValue(secretArn, formatSharedToken(token)),
    };
  }

  // SecretsPort ------------------------------------------------------------------------------------------

  async getRedpandaCredentials(secretArn: string): Promise<RedpandaCredentials> {
    const secret = this.find(secretArn);
    if (secret === undefined) {
      throw new CredentialsSecretError(`Redpanda credentials secret ${secretArn} does not exist or has no value yet; set it to ${CREDENTIALS_SHAPE}`);
    }
    // Same checks and messages as the AWS adapter.
    return parseCredentials(secretArn, secret.value);
  }

  async ensureLinkSecret(input: Parameters<SecretsPort['ensureLinkSecret']>[0]): Promise<{ readonly arn: string; readonly value: string; readonly created: boolean }> {
    const existing = this.byName.get(input.name);
    // A re-run keeps the stored value, so the SASL password does not change under a running pipeline.
    if (existing !== undefined) return { arn: existing.arn, value: existing.value, created: false };
    const value = input.generate();
    const secret = this.create({ name: input.name, value, description: input.description, tags: input.tags });
    return { arn: secret.arn, value, created: true };
  }

  async getLinkSecret(name: string): Promise<{ readonly arn: string; readonly value: string; readonly tags: Readonly<Record<string, string>> } | undefined> {
    // SecretId takes a name or an ARN.
    const secret = this.find(name);
    return secret === undefined ? undefined : { arn: secret.arn, value: secret.value, tags: { ...secret.tags } };
  }

  async deleteLinkSecret(name: string): Promise<void> {
    // ForceDeleteWithoutRecovery: gone at once; a missing secret is not an error.
    this.delete(name);
  }
}
