// SecretsPort over @aws-sdk/client-secrets-manager. Secret values stay in memory: no message, error or
// log line built here ever contains one.
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CredentialsSecretError, ResourceBusyError } from '../../core/errors.js';
import type { SharedApiToken, SharedTokenStore } from '../../ports/redpanda.js';
import type { RedpandaCredentials, SecretsPort } from '../../ports/secrets.js';
import { isAwsError, mapAwsError } from './errors.js';
import { fromAwsTags, toAwsTags } from './tags.js';

const CREDENTIALS_SHAPE = '{"client_id": "...", "client_secret": "..."}';

export class SecretsManagerAdapter implements SecretsPort {
  constructor(private readonly sm: SecretsManagerClient) {}

  async getRedpandaCredentials(secretArn: string): Promise<RedpandaCredentials> {
    let text: string | undefined;
    try {
      const out = await this.sm.send(new GetSecretValueCommand({ SecretId: secretArn }));
      text = out.SecretString;
    } catch (e) {
      if (isAwsError(e, 'ResourceNotFoundException')) {
        // Also what Secrets Manager answers when the secret exists but no value was ever set.
        throw new CredentialsSecretError(
          `Redpanda credentials secret ${secretArn} does not exist or has no value yet; set it to ${CREDENTIALS_SHAPE}`,
          { cause: e },
        );
      }
      if (isAwsError(e, 'InvalidRequestException')) {
        throw new CredentialsSecretError(`Redpanda credentials secret ${secretArn} cannot be read (${messageOf(e)}); restore it or set a new one`, {
          cause: e,
        });
      }
      throw mapAwsError(e, { action: 'secretsmanager:GetSecretValue', resource: secretArn });
    }
    return parseCredentials(secretArn, text);
  }

  async ensureLinkSecret(input: Parameters<SecretsPort['ensureLinkSecret']>[0]): Promise<{
    readonly arn: string;
    readonly value: string;
    readonly created: boolean;
  }> {
    const existing = await this.readValue(input.name);
    if (existing !== undefined) return { ...existing, created: false };

    const value = input.generate();
    try {
      const out = await this.sm.send(
        new CreateSecretCommand({ Name: input.name, Description: input.description, SecretString: value, Tags: toAwsTags(input.tags) }),
      );
      if (out.ARN === undefined) throw new Error(`secretsmanager:CreateSecret ${input.name} returned no ARN`);
      return { arn: out.ARN, value, created: true };
    } catch (e) {
      if (isAwsError(e, 'ResourceExistsException')) {
        // A parallel run created it first: keep its value, so both runs agree on one password.
        const raced = await this.readValue(input.name);
        if (raced !== undefined) return { ...raced, created: false };
        throw new ResourceBusyError(`secret ${input.name} exists but has no readable value yet`, { cause: e });
      }
      if (isScheduledForDeletion(e)) {
        // A teardown's forced delete finishes asynchronously; the name is free again shortly.
        throw new ResourceBusyError(`secret ${input.name} is still being deleted`, { cause: e });
      }
      throw mapAwsError(e, { action: 'secretsmanager:CreateSecret', resource: input.name });
    }
  }

  async getLinkSecret(name: string): Promise<{ readonly arn: string; readonly value: string; readonly tags: Readonly<Record<string, string>> } | undefined> {
    const secret = await this.readValue(name);
    if (secret === undefined) return undefined;
    try {
      const out = await this.sm.send(new DescribeSecretCommand({ SecretId: name }));
      return { ...secret, tags: fromAwsTags(out.Tags) };
    } catch (e) {
      if (isAwsError(e, 'ResourceNotFoundException')) return undefined;
      throw mapAwsError(e, { action: 'secretsmanager:DescribeSecret', resource: name });
    }
  }

  async deleteLinkSecret(name: string): Promise<void> {
    try {
      await this.sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    } catch (e) {
      if (isAwsError(e, 'ResourceNotFoundException')) return;
      // A second forced delete of a secret already scheduled for deletion: it is going away.
      if (isScheduledForDeletion(e)) return;
      throw mapAwsError(e, { action: 'secretsmanager:DeleteSecret', resource: name });
    }
  }

  private async readValue(name: string): Promise<{ arn: string; value: string } | undefined> {
    try {
      const out = await this.sm.send(new GetSecretValueCommand({ SecretId: name }));
      if (out.ARN === undefined || out.SecretString === undefined) return undefined;
      return { arn: out.ARN, value: out.SecretString };
    } catch (e) {
      if (isAwsError(e, 'ResourceNotFoundException')) return undefined;
      if (isScheduledForDeletion(e)) throw new ResourceBusyError(`secret ${name} is still being deleted`, { cause: e });
      throw mapAwsError(e, { action: 'secretsmanager:GetSecretValue', resource: name });
    }
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isScheduledForDeletion(e: unknown): boolean {
  return isAwsError(e, 'InvalidRequestException') && /deletion/i.test(messageOf(e));
}

/** Checks the operator-set secret; every message names the problem and never echoes the value. */
export function parseCredentials(secretArn: string, text: string | undefined): RedpandaCredentials {
  const where = `Redpanda credentials secret ${secretArn}`;
  if (text === undefined) throw new CredentialsSecretError(`${where} has no string value (binary secrets are not supported); set it to ${CREDENTIALS_SHAPE}`);
  if (text.trim() === '') throw new CredentialsSecretError(`${where} is empty; set it to ${CREDENTIALS_SHAPE}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Deliberately no parser message: it quotes the offending text, which is the secret.
    throw new CredentialsSecretError(`${where} is not valid JSON; set it to ${CREDENTIALS_SHAPE}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CredentialsSecretError(`${where} is JSON but not an object; set it to ${CREDENTIALS_SHAPE}`);
  }
  const obj = parsed as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['client_id', 'client_secret'] as const) {
    const v = obj[key];
    if (v === undefined) problems.push(`"${key}" is missing`);
    else if (typeof v !== 'string') problems.push(`"${key}" is a ${v === null ? 'null' : typeof v}, not a string`);
    else if (v.trim() === '') problems.push(`"${key}" is empty`);
  }
  if (problems.length > 0) {
    // Other key names are counted, not listed: a mistaken `{"<id>": "<secret>"}` would put a secret in a key.
    const others = Object.keys(obj).filter((k) => k !== 'client_id' && k !== 'client_secret').length;
    const note = others === 0 ? '' : ` (and ${others} other key${others === 1 ? '' : 's'})`;
    throw new CredentialsSecretError(`${where}: ${problems.join('; ')}${note}; set it to ${CREDENTIALS_SHAPE}`);
  }
  return { clientId: obj['client_id'] as string, clientSecret: obj['client_secret'] as string };
}

/**
 * The shared Redpanda Cloud API token in its own secret (created empty by the stack), readable and writable only by
 * the roles that read the Redpanda credentials. Nothing here logs or reports the value; an error names the action.
 */
export class SecretsManagerTokenStore implements SharedTokenStore {
  constructor(
    private readonly sm: SecretsManagerClient,
    private readonly secretArn: string,
  ) {}

  async read(): Promise<SharedApiToken | undefined> {
    try {
      const out = await this.sm.send(new GetSecretValueCommand({ SecretId: this.secretArn }));
      return parseSharedToken(out.SecretString);
    } catch (e) {
      // Also the answer while the secret has no value yet (before the first token).
      if (isAwsError(e, 'ResourceNotFoundException')) return undefined;
      throw mapAwsError(e, { action: 'secretsmanager:GetSecretValue', resource: this.secretArn });
    }
  }

  async write(token: SharedApiToken): Promise<void> {
    try {
      await this.sm.send(new PutSecretValueCommand({ SecretId: this.secretArn, SecretString: formatSharedToken(token) }));
    } catch (e) {
      throw mapAwsError(e, { action: 'secretsmanager:PutSecretValue', resource: this.secretArn });
    }
  }
}

export function formatSharedToken(token: SharedApiToken): string {
  return JSON.stringify({ key: token.key, access_token: token.accessToken, expires_at: new Date(token.expiresAt).toISOString() });
}

/** Undefined for anything but a well-formed entry: a bad entry is replaced, never trusted. */
export function parseSharedToken(text: string | undefined): SharedApiToken | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { key, access_token: accessToken, expires_at: expiresAt } = parsed as Record<string, unknown>;
  const expires = typeof expiresAt === 'string' ? Date.parse(expiresAt) : NaN;
  if (typeof key !== 'string' || typeof accessToken !== 'string' || accessToken === '' || !Number.isFinite(expires)) return undefined;
  return { key, accessToken, expiresAt: expires };
}
