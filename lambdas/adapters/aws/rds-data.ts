// SqlPort over the RDS Data API (@aws-sdk/client-rds-data): one statement per ExecuteStatement call
// (the Data API refuses multi-statements, docs/reference/aws.md A1), as the master user through the
// cluster's managed secret (an ARN, never a value), rows returned as JSON.
import { ExecuteStatementCommand, type RDSDataClient } from '@aws-sdk/client-rds-data';
import type { SqlPort, SqlRow, SqlTarget } from '../../ports/sql.js';
import { mapAwsError } from './errors.js';

export class RdsDataSqlAdapter implements SqlPort {
  constructor(private readonly rdsData: RDSDataClient) {}

  async execute(target: SqlTarget, sql: string, options?: { readonly ddl?: boolean }): Promise<{ readonly rows: readonly SqlRow[] }> {
    let formatted: string | undefined;
    try {
      const out = await this.rdsData.send(
        new ExecuteStatementCommand({
          resourceArn: target.clusterArn,
          secretArn: target.secretArn,
          database: target.database,
          sql,
          formatRecordsAs: 'JSON',
          // DDL must not be abandoned half-way when the call passes the Data API's own timeout.
          ...(options?.ddl === true && { continueAfterTimeout: true }),
        }),
      );
      formatted = out.formattedRecords;
    } catch (e) {
      throw mapAwsError(e, { action: 'rds-data:ExecuteStatement', resource: `${target.clusterArn} (${statementHead(sql)} ...)` });
    }
    return { rows: parseRecords(formatted) };
  }
}

// Enough of the statement to say which one failed (`CREATE PUBLICATION pglog_stream_x`), never its
// literals, in case a future statement carries one that must not reach a log.
function statementHead(sql: string): string {
  return sql.trim().split(/\s+/).slice(0, 3).join(' ').replace(/'.*$/, '');
}

/** `formattedRecords` is a JSON array of row objects; statements without a result set have none. */
export function parseRecords(formatted: string | undefined): SqlRow[] {
  if (formatted === undefined || formatted === '') return [];
  const parsed: unknown = JSON.parse(formatted);
  if (!Array.isArray(parsed)) throw new Error('rds-data:ExecuteStatement formattedRecords is not a JSON array');
  return parsed.map((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new Error(`rds-data:ExecuteStatement record ${i} is not an object`);
    const out: Record<string, string | number | boolean | null> = {};
    for (const [k, v] of Object.entries(row as Record<string, unknown>)) {
      // Arrays and structs (e.g. PostgreSQL arrays) stay JSON text: SqlRow holds scalars only.
      out[k] = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
    }
    return out;
  });
}
