// Runs one SQL statement at a time against a link's database. In AWS this is the RDS Data API (as the
// master user, through the cluster's managed secret); in the offline twin a direct connection to the
// local stand-in database runs the very same statements.

export interface SqlTarget {
  readonly clusterArn: string;
  /** Secrets Manager ARN of the master user secret (never the secret value). */
  readonly secretArn: string;
  readonly database: string;
}

export type SqlRow = Readonly<Record<string, string | number | boolean | null>>;

export interface SqlPort {
  /**
   * Execute exactly one statement. `ddl` asks the transport to keep going past its own timeout
   * (Data API `continueAfterTimeout`), since DDL must not be abandoned half-way.
   */
  execute(target: SqlTarget, sql: string, options?: { readonly ddl?: boolean }): Promise<{ readonly rows: readonly SqlRow[] }>;
}
