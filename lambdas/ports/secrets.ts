// Secrets Manager as the steps see it. Values pass through handlers in memory only; state machine
// input/output carries ARNs and names, never a value.

export interface RedpandaCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface SecretsPort {
  /** The operator-set secret `{ "client_id": …, "client_secret": … }`; a named error says what is wrong with it. */
  getRedpandaCredentials(secretArn: string): Promise<RedpandaCredentials>;
  /** Returns the existing value when the secret exists (so re-runs keep the same password), else stores `generate()`. */
  ensureLinkSecret(input: {
    readonly name: string;
    readonly description: string;
    readonly tags: Readonly<Record<string, string>>;
    readonly generate: () => string;
  }): Promise<{ readonly arn: string; readonly value: string; readonly created: boolean }>;
  getLinkSecret(name: string): Promise<{ readonly arn: string; readonly value: string; readonly tags: Readonly<Record<string, string>> } | undefined>;
  /** Deletes without a recovery window; tolerates a secret that is already gone. */
  deleteLinkSecret(name: string): Promise<void>;
}
