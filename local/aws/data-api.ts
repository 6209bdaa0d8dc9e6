// SqlPort stand-in for the RDS Data API: emulated transport, real SQL (docs/architecture.md#the-offline-twin-local). Resolves the cluster ARN
// to its local server, reads the master credentials from `secretArn` through the twin's Secrets Manager, and
// runs exactly one statement per call over a direct connection as that user on `database`.
//
// Error texts: `HttpEndpoint isn't enabled for cluster <id>` is AWS's (docs/reference/aws.md A1). The exception
// names and the other texts (❓ approximate: BadRequestException / DatabaseErrorException with the engine's
// message) are the twin's guess at the Data API's; errors leave in the AWS adapter's pass-through format
// (`rds-data:ExecuteStatement on <arn> (<head> ...) failed: <code>: <message>`). A secret encrypted with a
// customer managed key is read only when the Data API grant allows kms:Decrypt on it (kms.ts); otherwise the call
// fails with SecretsErrorException (the documented "the secret couldn't be decrypted" case; the text carries Secrets
// Manager's `Access to KMS is not allowed`, ❓ the Data API's exact wording is not recorded).
import type { SqlPort, SqlRow, SqlTarget } from '../../lambdas/ports/sql.js';
import { DatabaseStatementError } from './backing.js';
import { TwinAwsError } from './common.js';
import { secretDecryption } from './kms.js';
import type { RdsEmulator } from './rds.js';
import type { SecretsEmulator } from './secrets.js';

const ACTION = 'rds-data:ExecuteStatement';

export class DataApiStandIn implements SqlPort {
  private readonly executed: { clusterArn: string; database: string; sql: string }[] = [];

  constructor(
    private readonly rds: RdsEmulator,
    private readonly secrets: SecretsEmulator,
  ) {}

  /** Every statement this stand-in ran (tests assert on the order and the one-statement rule). */
  statements(): readonly { clusterArn: string; database: string; sql: string }[] {
    return [...this.executed];
  }

  async execute(target: SqlTarget, sql: string, _options?: { readonly ddl?: boolean }): Promise<{ readonly rows: readonly SqlRow[] }> {
    // `ddl` (continueAfterTimeout) changes nothing here: a direct connection has no 45 s cut-off.
    const where = `${target.clusterArn} (${statementHead(sql)} ...)`;
    const fail = (code: string, message: string) => new TwinAwsError(code, ACTION, where, message);
    const found = this.rds.byArn(target.clusterArn);
    if (found === undefined) throw fail('BadRequestException', `Database cluster ${target.clusterArn} not found (twin wording)`);
    const { cluster, backing } = found;
    if (!cluster.httpEndpointEnabled) throw fail('BadRequestException', `HttpEndpoint isn't enabled for cluster ${cluster.identifier}`);
    if (backing === undefined || cluster.status !== 'available') {
      throw fail('BadRequestException', `DB cluster ${cluster.identifier} is ${cluster.status}, not available (twin wording)`);
    }
    const secret = this.secrets.find(target.secretArn);
    if (secret === undefined) throw fail('BadRequestException', `Secrets Manager can't find the specified secret ${target.secretArn} (twin wording)`);
    if (secret.kmsKeyId !== undefined) {
      const [, , , region = '', account = ''] = secret.arn.split(':');
      const decryption = await secretDecryption({ account, region, secretArn: secret.arn, keyArn: secret.kmsKeyId });
      if (decryption.decision !== 'allowed') {
        throw fail('SecretsErrorException', `The secret ${target.secretArn} couldn't be decrypted: Access to KMS is not allowed (kms:Decrypt on ${secret.kmsKeyId}: ${decryption.detail})`);
      }
    }
    let login: { username: string; password: string };
    try {
      const parsed = JSON.parse(secret.value) as { username?: unknown; password?: unknown };
      if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') throw new Error('shape');
      login = { username: parsed.username, password: parsed.password };
    } catch {
      throw fail('BadRequestException', `The secret ${target.secretArn} does not hold {"username", "password"} (twin wording)`);
    }
    this.executed.push({ clusterArn: target.clusterArn, database: target.database, sql });
    try {
      return { rows: await backing.execute(target.database, login, sql) };
    } catch (e) {
      if (e instanceof DatabaseStatementError) {
        throw Object.assign(fail('DatabaseErrorException', `${e.message}${e.sqlState !== undefined ? `; SQLState: ${e.sqlState}` : ''}`), { sqlState: e.sqlState });
      }
      throw e;
    }
  }
}

// As the adapter: enough of the statement to say which one failed, never its literals.
function statementHead(sql: string): string {
  return sql.trim().split(/\s+/).slice(0, 3).join(' ').replace(/'.*$/, '');
}
