import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import {
  CATALOGUE,
  HEALTHY_SIGNALS,
  TOKEN_DEFAULTS,
  catalogueEntry,
  classifyLine,
  describePrincipal,
  diagnose,
  innermost,
  parsePrincipalArn,
  redact,
  refineAssumeRoleDenied,
  refineIamLoginFailed,
  renderContextFromNames,
  renderText,
  type Diagnosis,
} from '../../lambdas/core/diagnosis.js';
import { linkNames } from '../../lambdas/core/naming.js';
import { assertRequest } from '../../lambdas/core/request.js';
import { registerDiagnose } from '../../bin/commands/diagnose.js';
import type { Io } from '../../bin/cli-support.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/logs/', import.meta.url));
const fixture = (name: string) => readFileSync(FIXTURES + name, 'utf8');
const fixtureLines = (name: string) => fixture(name).split('\n');

const HOST = 'rpcn-aurora-orders.cluster-c1a2b3c4d5e6.us-east-2.rds.amazonaws.com';
const DB_ROLE = 'arn:aws:iam::210987654321:role/rpcn-aurora-orders-db-connect';
const PIPELINE_SESSION = 'arn:aws:sts::861276079005:assumed-role/redpanda-curl3eo533cmsnt23dv0-redpanda-connect-pipeline/1768926426316';
const PG_CONN = `failed to connect to \`user=rpcn_orders database=demo_db\`: 10.0.1.12:5432 (${HOST})`;
const PG = 'Failed to connect to postgres_cdc: unable to create replication stream: ';
const IAM = 'Failed to connect to postgres_cdc: unable to generate IAM auth token: ';
const MY = 'error during MySQL CDC: ';
// Identity mode access-key (the default): the link's connector user in the DB account.
const CONNECTOR_USER = 'arn:aws:iam::111111111111:user/rpcn-aurora/rpcn-aurora-orders-connector';
const ORDERS_ROLE = 'arn:aws:iam::111111111111:role/rpcn-aurora-orders-db-connect';
const VERIFY = `unable to generate IAM auth token: assuming role based on configured roles: verifying role assumption for '${ORDERS_ROLE}': operation error STS: GetCallerIdentity, get identity: get credentials: failed to refresh cached credentials, `;
/** A Cloud pipeline with no identity: the SDK's default chain ends at a metadata service it cannot reach. */
const NO_IDENTITY = `${VERIFY}no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded`;
const STS_403 = 'operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: 5e0c7a1b-2d3f-4e5a-8b6c-7d8e9f0a1b2c, ';
const NOT_AUTHORIZED = (principal: string) => `User: ${principal} is not authorized to perform: sts:AssumeRole on resource: ${ORDERS_ROLE}`;
const SOURCE_IP_DENIED = `${VERIFY}${STS_403}api error AccessDenied: ${NOT_AUTHORIZED(CONNECTOR_USER)} with an explicit deny in an identity-based policy`;
const BYOVPC_PIPELINE_SESSION = 'arn:aws:sts::861276079005:assumed-role/redpanda-d1byovpc0cluster000000-redpanda-connect-pipeline/1768926426316';
const BOUNDARY_DENIED = `${VERIFY}${STS_403}api error AccessDenied: ${NOT_AUTHORIZED(BYOVPC_PIPELINE_SESSION)} because no permissions boundary allows the sts:AssumeRole action`;
const KEY_INVALID = 'api error InvalidClientTokenId: The security token included in the request is invalid.';
const SIGNATURE_MISMATCH =
  'api error SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const NODE_SESSION = 'arn:aws:sts::111111111111:assumed-role/eks-cdc-nodegroup-NodeInstanceRole-7QX2K9/i-0a1b2c3d4e5f60718';
const NODE_ROLE_DENIED = `${VERIFY}${STS_403}api error AccessDenied: ${NOT_AUTHORIZED(NODE_SESSION)}`;
const ASSUME_ROLE_DENIED =
  `${IAM}assuming role based on configured roles: verifying role assumption for '${DB_ROLE}': operation error STS: GetCallerIdentity, ` +
  'get identity: get credentials: failed to refresh cached credentials, operation error STS: AssumeRole, https response error StatusCode: 403, ' +
  `RequestID: 9c1d2e3f-4a5b-46c7-8d9e-0f1a2b3c4d50, api error AccessDenied: User: ${PIPELINE_SESSION} is not authorized to perform: sts:AssumeRole on resource: ${DB_ROLE}`;

type Level = 'ERROR' | 'WARN' | 'INFO';
/** One realistic message per catalogue entry (and more where the entry has several texts). */
const CASES: ReadonlyArray<readonly [id: string, message: string, level?: Level]> = [
  // context that changes the meaning of an inner error
  ['pg-heartbeat-write-failed', `unable to write heartbeat message: ${PG_CONN}: server error: FATAL: PAM authentication failed for user "rpcn_orders" (SQLSTATE 28000)`, 'WARN'],
  ['pg-replication-lag-read-failed', `Error reading replication lag: ${PG_CONN}: server error: FATAL: PAM authentication failed for user "rpcn_orders" (SQLSTATE 28000)`, 'WARN'],
  ['pg-ack-after-shutdown', 'Failed to acknowledge message: unable to ack LSN to postgres: unable to ack LSN 0/1A2B3C8 stream shutting down'],
  ['pg-shutdown-unclean', 'unable to stop replication stream: unable to cleanly shutdown postgres logical replication stream'],
  ['connect-retries-exhausted', 'Maximum number of connection attempt retries has been met, gracefully terminating input postgres_cdc'],
  // build time
  ['pg-slot-name-required', 'slot_name is required'],
  ['pg-slot-name-invalid', 'invalid slot_name: invalid postgres identifier "rpcn-orders"'],
  ['pg-slot-name-invalid', `${PG}creating temporary replication slot for snapshot: ERROR: replication slot name "RPCN_Orders_tmp" contains invalid character (SQLSTATE 42602)`],
  ['aws-components-missing', 'unable to configure AWS authentication as this binary does not import components/aws'],
  ['aws-config-load-failed', 'unable to load AWS config: failed to get shared config profile, rpcn'],
  ['aws-roles-entry-empty', 'roles[0].role is required for IAM authentication'],
  ['tls-root-cas-conflict', 'only one field between root_cas and root_cas_file can be specified'],
  ['pg-signal-table-invalid', 'signal_table_name "rpcn_signal" must not also appear in tables - the signal table is implicitly added to the publication and excluded from snapshot scans'],
  ['pg-signal-table-invalid', `${PG}validating signal table: signal table "public"."rpcn_signal" is missing required column(s): type, data`],
  ['pg-dsn-invalid', `cannot parse \`postgres://rpcn_orders@${HOST}:54x32/demo_db\`: failed to parse as URL (parse "postgres://rpcn_orders@${HOST}:54x32/demo_db": invalid port ":54x32" after host)`],
  ['mysql-dsn-invalid', 'error parsing mysql DSN: invalid DSN: missing the slash separating the database name'],
  ['mysql-tls-config-failed', "registering TLS config: key 'custom-tls' is reserved"],
  ['mysql-checkpoint-cache-missing', 'unknown cache resource: rpcn_cdc_checkpoints'],
  ['mysql-table-name-invalid', 'invalid start char in mysql table name'],
  ['mysql-table-name-invalid', 'invalid table name'],
  ['mysql-table-name-invalid', "field 'tables' must contain at least one table"],
  ['redpanda-secret-missing', 'required environment variables were not set: [secrets.RPCN_AURORA_ORDERS_SASL_PASSWORD secrets.RPCN_AURORA_ORDERS_RDS_CA]'],
  ['pg-heartbeat-zero', `${PG}invalid monitoring interval: 3s`],
  ['pg-identifier-invalid', `${PG}invalid table name "Orders-2024": invalid character`],
  // AWS
  ['role-chaining-session-limit', 'operation error STS: AssumeRole, https response error StatusCode: 400, RequestID: 1b2c3d4e-0000-4000-8000-000000000001, api error ValidationError: The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'],
  ['assume-role-denied', ASSUME_ROLE_DENIED],
  ['assume-role-denied', `An error occurred (AccessDenied) when calling the AssumeRole operation: User: ${PIPELINE_SESSION} is not authorized to perform: sts:AssumeRole on resource: ${DB_ROLE}`],
  ['sts-unreachable', `${IAM}assuming role based on configured roles: verifying role assumption for '${DB_ROLE}': operation error STS: GetCallerIdentity, get identity: get credentials: failed to refresh cached credentials, operation error STS: AssumeRole, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post "https://sts.us-east-2.amazonaws.com/": dial tcp: lookup sts.us-east-2.amazonaws.com: i/o timeout`],
  ['sts-external-id-invalid', "operation error STS: AssumeRole, https response error StatusCode: 400, RequestID: 1b2c3d4e-0000-4000-8000-000000000002, api error ValidationError: 1 validation error detected: Value 'ext id!' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*"],
  ['pipeline-no-aws-identity', NO_IDENTITY],
  ['pipeline-no-aws-identity', `${IAM}building IAM auth token: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded`],
  ['assume-role-denied-source-ip', SOURCE_IP_DENIED],
  ['assume-role-denied-permissions-boundary', BOUNDARY_DENIED],
  ['access-key-invalid', KEY_INVALID],
  ['access-key-invalid', `${VERIFY}operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: 6f1d8b2c-3e4a-4f5b-9c7d-8e9f0a1b2c3d, ${KEY_INVALID}`],
  ['access-key-signature-mismatch', SIGNATURE_MISMATCH],
  ['access-key-signature-mismatch', `${VERIFY}operation error STS: AssumeRole, https response error StatusCode: 403, RequestID: 7a2e9c3d-4f5b-4a6c-8d8e-9f0a1b2c3d4e, ${SIGNATURE_MISMATCH}`],
  ['aws-credentials-unavailable', `${IAM}building IAM auth token: failed to retrieve credentials: NoCredentialProviders: no valid providers in chain`],
  ['aws-credentials-unavailable', 'operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 400, RequestID: 77, api error ExpiredTokenException: Token expired: current date/time 1768926426 must be before the expiration date/time 1768922826'],
  ['iam-propagation-delay', 'An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.'],
  ['aws-endpoint-missing-port', `${IAM}building IAM auth token: the provided endpoint is missing a port, or the provided port is invalid`],
  ['aws-throttled', 'operation error STS: AssumeRole, https response error StatusCode: 400, RequestID: 3f, api error Throttling: Rate exceeded'],
  ['data-api-not-enabled', 'BadRequestException: HttpEndpoint isn\'t enabled for cluster rpcn-aurora-orders'],
  ['data-api-not-enabled', 'BadRequestException: HttpEndpoint is not enabled for cluster arn:aws:rds:us-east-2:210987654321:cluster:rpcn-aurora-orders'],
  ['access-denied-after-create', 'EnsureDbConnectRole: [access-denied-after-create] iam:PutRolePolicy on rpcn-aurora-orders-db-connect/rpcn-aurora-db-connect failed: AccessDenied: User: arn:aws:sts::111111111111:assumed-role/rpcn-aurora-steps/x is not authorized to perform: iam:PutRolePolicy (access still denied 3 minutes after rpcn-aurora-orders-db-connect/rpcn-aurora-db-connect was created by this workflow: the grant\'s aws:ResourceTag condition does not match the resource\'s tags, or an SCP or permissions boundary denies it)'],
  ['trust-principal-not-found', 'An error occurred (MalformedPolicyDocument) when calling the CreateRole operation: Invalid principal in policy: "AWS":"arn:aws:iam::861276079005:role/redpanda-wrongcluster-redpanda-connect-pipeline"'],
  ['data-api-resuming', 'DatabaseResumingException: The database is resuming after being auto-paused. Please wait a few seconds and try again.'],
  // database
  ['tls-certificate-untrusted', `${PG}${PG_CONN}: tls error: tls: failed to verify certificate: x509: certificate signed by unknown authority`],
  ['tls-hostname-mismatch', `${PG}${PG_CONN}: tls error: tls: failed to verify certificate: x509: certificate is valid for *.cluster-c1a2b3c4d5e6.us-east-2.rds.amazonaws.com, *.cluster-ro-c1a2b3c4d5e6.us-east-2.rds.amazonaws.com, not 10.0.1.12`],
  ['pg-ssl-required', `${PG}${PG_CONN}: server error: FATAL: no pg_hba.conf entry for host "3.14.15.92", user "rpcn_orders", database "demo_db", no encryption (SQLSTATE 28000)`],
  ['pg-hba-no-entry', `${PG}${PG_CONN}: server error: FATAL: no pg_hba.conf entry for replication connection from host "3.14.15.92", user "rpcn_orders", SSL encryption (SQLSTATE 28000)`],
  ['pg-logical-replication-off', `${PG}creating temporary replication slot for snapshot: ERROR: logical decoding requires "wal_level" >= "logical" (SQLSTATE 55000)`],
  ['pg-logical-replication-off', `${PG}${PG}ERROR: logical decoding requires wal_level >= logical (SQLSTATE 55000)`],
  ['pg-replication-slots-exhausted', `${PG}creating temporary replication slot for snapshot: ERROR: all replication slots are in use (SQLSTATE 53400)`],
  ['pg-replication-privilege-missing', `${PG}creating temporary replication slot for snapshot: ERROR: permission denied to create replication slot (SQLSTATE 42501)`],
  ['pg-replication-privilege-missing', `${PG}${PG_CONN}: server error: FATAL: must be superuser or replication role to start walsender (SQLSTATE 42501)`],
  ['pg-slot-in-use', `${PG}ERROR: replication slot "rpcn_orders" is active for PID 28471 (SQLSTATE 55006)`],
  ['pg-publication-missing', `${PG}ERROR: publication "pglog_stream_rpcn_orders" does not exist (SQLSTATE 42704)`],
  ['db-read-only-endpoint', `${PG}creating publication: ERROR: cannot execute CREATE PUBLICATION in a read-only transaction (SQLSTATE 25006)`],
  ['db-read-only-endpoint', `${MY}unable to prepare snapshot: acquire table-level read locks: Error 1290 (HY000): The MySQL server is running with the --read-only option so it cannot execute this statement`],
  ['pg-publication-create-failed', `${PG}creating publication: ERROR: permission denied for database demo_db (SQLSTATE 42501)`],
  ['pg-object-permission-denied', 'logical replication stream error: processing snapshot: querying snapshot data for table public.orders: ERROR: permission denied for table orders (SQLSTATE 42501)', 'WARN'],
  ['pg-iam-login-failed', `${PG}${PG_CONN}: server error: FATAL: PAM authentication failed for user "rpcn_orders" (SQLSTATE 28000)`],
  ['pg-password-auth-failed', `${PG}${PG_CONN}: server error: FATAL: password authentication failed for user "rpcn_orders" (SQLSTATE 28P01)`],
  ['pg-role-missing', `${PG}${PG_CONN}: server error: FATAL: role "rpcn_orders" does not exist (SQLSTATE 28000)`],
  ['pg-database-missing', `${PG}${PG_CONN}: server error: FATAL: database "demo_db" does not exist (SQLSTATE 3D000)`],
  ['mysql-iam-plugin-not-loaded', `${MY}unable to prepare snapshot: create lock connection: Error 1524 (HY000): Plugin 'AWSAuthenticationPlugin' is not loaded`],
  ['mysql-iam-plugin-not-loaded', "ERROR 1524 (HY000): Plugin 'AWSAuthenticationPlugin' is not loaded"],
  ['mysql-cleartext-required', `${MY}unable to prepare snapshot: create lock connection: this user requires clear text authentication. If you still want to use it, please add 'allowCleartextPasswords=1' to your DSN`],
  ['mysql-access-denied', `${MY}starting streaming: ERROR 1045 (28000): Access denied for user 'rpcn_orders'@'10.0.3.7' (using password: YES)`],
  ['mysql-access-denied', "ERROR 1045 (28000): Access denied for user 'rpcn_orders'@'10.0.3.7' (using password: YES)"],
  ['mysql-binlog-not-row', 'Failed to connect to mysql_cdc: binlog must ROW format, but MIXED now'],
  ['mysql-binlog-disabled', `${MY}unable to prepare snapshot: get binlog position: ERROR 1381 (HY000): You are not using binary logging`],
  ['mysql-binlog-purged', `${MY}starting streaming: ERROR 1236 (HY000): Could not find first log file name in binary log index file`],
  ['mysql-privilege-missing', `${MY}starting streaming: ERROR 1227 (42000): Access denied; you need (at least one of) the REPLICATION SLAVE privilege(s) for this operation`],
  ['mysql-unknown-database', "Failed to connect to mysql_cdc: ERROR 1049 (42000): Unknown database 'demo_db'"],
  ['db-too-many-connections', `${PG}${PG_CONN}: server error: FATAL: remaining connection slots are reserved for roles with the SUPERUSER attribute (SQLSTATE 53300)`],
  // Redpanda and network
  ['redpanda-brokers-unreachable', 'Failed to connect to redpanda: unable to dial: dial tcp 10.20.30.40:9092: connect: connection refused'],
  ['db-network-unreachable', `${PG}failed to connect to \`user=rpcn_orders database=demo_db\`: 3.141.59.26:5432 (${HOST}): dial error: dial tcp 3.141.59.26:5432: i/o timeout`],
  // a private address: the data-plane firewall (no allowlist entry), the route or the security group
  ['private-destination-blocked', `${PG}${PG_CONN}: dial error: dial tcp 10.0.1.12:5432: i/o timeout`],
  ['private-destination-blocked', 'Failed to connect to mysql_cdc: dial tcp 172.31.4.7:3306: connect: connection refused'],
  ['private-destination-blocked', `${PG}failed to connect to \`user=rpcn_orders database=demo_db\`: 192.168.8.20:5432 (${HOST}): dial error: dial tcp 192.168.8.20:5432: connect: no route to host`],
  ['db-network-unreachable', "ERROR 2003 (HY000): Can't connect to MySQL server on 'rpcn-aurora-shop.cluster-c1a2b3c4d5e6.us-east-2.rds.amazonaws.com:3306' (110)"],
  ['redpanda-sasl-auth-failed', 'Failed to connect to redpanda: SASL_AUTHENTICATION_FAILED: SASL Authentication failed.'],
  ['redpanda-topic-authorization-failed', 'Failed to send message to redpanda: TOPIC_AUTHORIZATION_FAILED: Not authorized to access topics: [Topic authorization failed.]'],
  ['redpanda-group-authorization-failed', 'GROUP_AUTHORIZATION_FAILED: Not authorized to access group: Group authorization failed.'],
  ['redpanda-cluster-authorization-failed', 'Failed to send message to redpanda: CLUSTER_AUTHORIZATION_FAILED: Cluster authorization failed.'],
  ['redpanda-unknown-topic', 'Failed to send message to redpanda: UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition.'],
  // Connect wrapper families
  ['pg-snapshot-no-primary-key', 'logical replication stream error: processing snapshot: getting primary key column for table public.audit_log: no primary key found for table public.audit_log', 'WARN'],
  ['pg-publication-mismatch', `${PG}removing table from publication: ERROR: must be owner of publication pglog_stream_rpcn_orders (SQLSTATE 42501)`],
  ['pg-publication-mismatch', `${PG}adding table to publication: ERROR: must be owner of table orders (SQLSTATE 42501)`],
  ['pg-publication-check-failed', `${PG}checking publication existence: conn closed`],
  ['pg-slot-wrong-plugin', `${PG}replication slot rpcn_orders already exists with different output plugin: wal2json`],
  ['pg-lsn-decode-failed', `${PG}unable to decode LSN from postgres: failed to parse LSN: expected integer`],
  ['pg-snapshot-slot-failed', `${PG}dropping stale temporary replication slot: conn closed`],
  ['pg-snapshotter-failed', `${PG}unable to create snapshotter: context canceled`],
  ['pg-snapshot-txn-failed', 'logical replication stream error: processing snapshot: unable to prepare snapshot: unable to set txn snapshot to 00000003-00000002-1: ERROR: invalid snapshot identifier: "00000003-00000002-1" (SQLSTATE 22023)', 'WARN'],
  ['pg-slot-create-failed', 'logical replication stream error: creating streaming replication slot: ERROR: replication slot "rpcn_orders" already exists (SQLSTATE 42710)', 'WARN'],
  ['pg-monitor-count-rows-failed', `${PG}error counting rows in table orders: conn busy`],
  ['pg-version-query-failed', `${PG}executing query: conn closed`],
  ['pg-decoding-failed', 'logical replication stream error: receiving messages from Postgres: decoding postgres changes failed: unknown data type OID 16420', 'WARN'],
  ['pg-replication-stream-interrupted', 'logical replication stream error: logical replication stream error: receiving messages from Postgres: unexpected EOF', 'WARN'],
  ['mysql-snapshot-no-primary-key', `${MY}failed reading snapshot: unable to find primary key for table audit_log - does the table exist and does it have a primary key set?`],
  ['mysql-snapshot-lock-failed', `${MY}unable to prepare snapshot: acquire table-level read locks: Error 1205 (HY000): Lock wait timeout exceeded; try restarting transaction`],
  ['mysql-binlog-position-failed', `${MY}unable to prepare snapshot: get binlog position: sql: no rows in result set`],
  ['mysql-snapshot-connection-failed', `${MY}unable to prepare snapshot: open worker connection: driver: bad connection`],
  ['mysql-checkpoint-cache-failed', 'Failed to connect to mysql_cdc: unable to get cached binlog position: unable to access cache for reading: context deadline exceeded'],
  ['mysql-iam-refresh-failed', `${MY}recreating canal with refreshed IAM credentials: context canceled`],
  ['mysql-row-decode-failed', `${MY}extracting schema for table orders: unsupported MySQL column type: 245 (json)`],
  ['mysql-streaming-failed', `${MY}starting streaming: io.ReadFull(header) failed. err EOF: connection was bad`],
  ['iam-token-generation-failed', 'Failed to connect to mysql_cdc: unable to generate IAM auth token: building IAM auth token: credetials provider must not ne nil'],
  ['output-send-failed', 'Failed to send message to redpanda: context deadline exceeded'],
  ['aws-access-denied', 'operation error IAM: GetRolePolicy, https response error StatusCode: 403, RequestID: 0d1e, api error AccessDenied: User: arn:aws:sts::861276079005:assumed-role/rpcn-aurora-inspector/probe is not authorized to perform: iam:GetRolePolicy on resource: role redpanda-curl3eo533cmsnt23dv0-redpanda-connect-pipeline'],
];

const HEALTHY_CASES: ReadonlyArray<readonly [id: string, message: string]> = [
  ['input-active', 'Input type postgres_cdc is now active'],
  ['input-active', 'postgres_cdc input go active'],
  ['output-active', 'Output type redpanda is now active'],
];

const asRecord = (message: string, level: Level, extra: Record<string, string> = {}) =>
  JSON.stringify({
    instance_id: 'd5nqpls9m4lc73ejlu80',
    label: 'postgres_cdc',
    level,
    message,
    path: 'root.input',
    pipeline_id: 'd5nfcb0objac738nhf90',
    time: '2026-01-20T16:27:06.316621814Z',
    ...extra,
  });
const asLogfmt = (message: string, level: Level) =>
  `time="2026-01-20T16:27:06Z" level=${level.toLowerCase()} msg="${message.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}" @service=redpanda-connect label=postgres_cdc path=root.input`;

describe('classifyLine: every catalogue text', () => {
  const rows = CASES.map(([id, message, level]) => ({ id, message, level: level ?? ('ERROR' as Level) }));
  test.each(rows)('$id ← $message', ({ id, message, level }) => {
    const plain = classifyLine(message);
    expect(plain).toMatchObject({ kind: 'problem', entryId: id });

    const record = classifyLine(asRecord(message, level));
    expect(record).toMatchObject({
      kind: 'problem',
      entryId: id,
      level,
      format: 'json',
      pipelineId: 'd5nfcb0objac738nhf90',
      label: 'postgres_cdc',
      path: 'root.input',
      time: '2026-01-20T16:27:06.316621814Z',
    });

    const logfmt = classifyLine(asLogfmt(message, level));
    expect(logfmt).toMatchObject({ kind: 'problem', entryId: id, level, format: 'logfmt', label: 'postgres_cdc' });
    expect(logfmt.message).toBe(plain.message);

    // Connect's text log format with a level prefix.
    expect(classifyLine(`${level === 'ERROR' ? 'ERRO' : level} ${message}`)).toMatchObject({ entryId: id });
    // Case must not matter (inside a record, where no level prefix is parsed from the text).
    expect(classifyLine(asRecord(message.toUpperCase(), level)).entryId).toBe(id);
  });

  test.each(HEALTHY_CASES.map(([id, message]) => ({ id, message })))('healthy $id ← $message', ({ id, message }) => {
    expect(classifyLine(message)).toMatchObject({ kind: 'healthy', entryId: id });
    expect(classifyLine(asRecord(message, 'INFO'))).toMatchObject({ kind: 'healthy', entryId: id, level: 'INFO' });
  });
});

describe('classifyLine: the private address ranges the data-plane firewall blocks', () => {
  it.each(['10.0.0.1', '10.255.255.254', '172.16.0.9', '172.31.255.1', '192.168.0.1', '100.64.0.1', '100.127.3.4'])('%s is private', (address) => {
    expect(classifyLine(`Failed to connect to postgres_cdc: dial tcp ${address}:5432: i/o timeout`).entryId).toBe('private-destination-blocked');
  });
  it.each(['172.15.0.9', '172.32.0.1', '192.169.0.1', '100.63.0.1', '100.128.0.1', '3.141.59.26', '110.0.0.1'])('%s is public: the security group or route of a public endpoint', (address) => {
    expect(classifyLine(`Failed to connect to postgres_cdc: dial tcp ${address}:5432: i/o timeout`).entryId).toBe('db-network-unreachable');
  });
});

describe('classifyLine: details', () => {
  test('AssumeRole denial: family entry with candidates and the ARNs as evidence', () => {
    const c = classifyLine(asRecord(ASSUME_ROLE_DENIED, 'ERROR'));
    expect(c.entryId).toBe('assume-role-denied');
    expect(c.candidates).toEqual([
      'assume-role-denied-missing-inline-policy',
      'assume-role-denied-missing-tag',
      'assume-role-denied-wrong-trust',
      'assume-role-denied-external-id-mismatch',
      'assume-role-denied-unexpected-principal',
    ]);
    expect(c.evidence).toMatchObject({
      roleArn: DB_ROLE,
      principalArn: PIPELINE_SESSION,
      action: 'sts:AssumeRole',
      awsErrorCode: 'AccessDenied',
      statusCode: '403',
      requestId: '9c1d2e3f-4a5b-46c7-8d9e-0f1a2b3c4d50',
      component: 'postgres_cdc',
    });
    // Connect's own wrapper is read in source; the bare SDK text alone is only approximate.
    expect(c.provenance).toBe('literal');
    expect(classifyLine(`User: ${PIPELINE_SESSION} is not authorized to perform: sts:AssumeRole on resource: ${DB_ROLE}`).provenance).toBe('approximate');
    // the generic "credentials" entry also matches this text; order makes the denial win
    expect(c.alsoMatched).toContain('aws-credentials-unavailable');
    expect(c.detail.startsWith('operation error STS: GetCallerIdentity')).toBe(true);
  });

  test('a deny reason naming the resource-based policy puts the trust causes first', () => {
    const c = classifyLine(
      `User: ${PIPELINE_SESSION} is not authorized to perform: sts:AssumeRole on resource: ${DB_ROLE} because no resource-based policy allows the sts:AssumeRole action`,
    );
    expect(c.evidence.denyReason).toBe('no resource-based policy allows');
    expect(c.candidates?.slice(0, 3)).toEqual(['assume-role-denied-wrong-trust', 'assume-role-denied-external-id-mismatch', 'assume-role-denied-unexpected-principal']);
    expect(c.candidates).toHaveLength(5);
  });

  test('AssumeRoleWithWebIdentity is not the cross-account AssumeRole denial', () => {
    const c = classifyLine(`User: arn:aws:sts::861276079005:assumed-role/x/y is not authorized to perform: sts:AssumeRoleWithWebIdentity`);
    expect(c.entryId).toBe('aws-credentials-unavailable');
  });

  test('a PAM failure inside a heartbeat is the stale-token heartbeat problem, not a login setup problem', () => {
    const c = classifyLine(`unable to write heartbeat message: ${PG_CONN}: server error: FATAL: PAM authentication failed for user "rpcn_orders" (SQLSTATE 28000)`);
    expect(c.entryId).toBe('pg-heartbeat-write-failed');
    expect(c.alsoMatched).toContain('pg-iam-login-failed');
  });

  test('evidence: user, host, address, slot, PID, publication, table, SQLSTATE, MySQL code, binlog format, secrets', () => {
    expect(classifyLine(`${PG}${PG_CONN}: server error: FATAL: PAM authentication failed for user "rpcn_orders" (SQLSTATE 28000)`).evidence).toMatchObject({
      user: 'rpcn_orders',
      database: 'demo_db',
      address: '10.0.1.12:5432',
      host: HOST,
      sqlstate: '28000',
    });
    expect(classifyLine(`${PG}ERROR: replication slot "rpcn_orders" is active for PID 28471 (SQLSTATE 55006)`).evidence).toMatchObject({ slot: 'rpcn_orders', pid: '28471', sqlstate: '55006' });
    expect(classifyLine(`${PG}ERROR: publication "pglog_stream_rpcn_orders" does not exist (SQLSTATE 42704)`).evidence).toMatchObject({ publication: 'pglog_stream_rpcn_orders' });
    expect(classifyLine('logical replication stream error: processing snapshot: no primary key found for table public.audit_log').evidence.table).toBe('public.audit_log');
    expect(classifyLine("ERROR 1045 (28000): Access denied for user 'rpcn_orders'@'10.0.3.7' (using password: YES)").evidence).toMatchObject({
      user: 'rpcn_orders',
      clientHost: '10.0.3.7',
      mysqlError: '1045',
    });
    expect(classifyLine('binlog must ROW format, but STATEMENT now').evidence.binlogFormat).toBe('STATEMENT');
    expect(classifyLine('required environment variables were not set: [secrets.A secrets.B]').evidence.missingVariables).toBe('secrets.A secrets.B');
  });

  test('a MySQL "ERROR 1045 (...)" text line keeps its code and counts as an error', () => {
    const c = classifyLine("ERROR 1045 (28000): Access denied for user 'u'@'h' (using password: YES)");
    expect(c.level).toBe('ERROR');
    expect(c.message.startsWith('ERROR 1045')).toBe(true);
  });

  test('postgres table names are not mistaken for the mysql "invalid table name" error', () => {
    expect(classifyLine('invalid table name "Orders-2024": invalid character').entryId).toBe('pg-identifier-invalid');
    expect(classifyLine('invalid table name').entryId).toBe('mysql-table-name-invalid');
  });

  test('wrappers repeated by Connect are stripped from detail', () => {
    expect(innermost(`${PG}${PG}ERROR: logical decoding requires wal_level >= logical (SQLSTATE 55000)`)).toBe('ERROR: logical decoding requires wal_level >= logical (SQLSTATE 55000)');
    expect(innermost(`${MY}starting streaming: x`)).toBe('starting streaming: x');
  });

  test('rpk topic consume envelopes are unwrapped, the key standing in for the pipeline id', () => {
    const [first, second, third] = fixtureLines('rpk-consume.jsonl').map(classifyLine);
    expect(first).toMatchObject({ kind: 'problem', entryId: 'assume-role-denied', format: 'rpk', pipelineId: 'd5nfcb0objac738nhf90', level: 'ERROR' });
    expect(second).toMatchObject({ entryId: 'redpanda-sasl-auth-failed', path: 'root.output' });
    expect(third).toMatchObject({ kind: 'healthy', entryId: 'input-active', evidence: { component: 'postgres_cdc' } });
    const bare = classifyLine(JSON.stringify({ topic: '__redpanda.connect.logs', key: 'd5x', value: 'slot_name is required' }));
    expect(bare).toMatchObject({ entryId: 'pg-slot-name-required', pipelineId: 'd5x', format: 'rpk' });
  });

  test('Lambda and Step Functions error JSON is read', () => {
    expect(classifyLine(JSON.stringify({ errorType: 'BadRequestException', errorMessage: "HttpEndpoint isn't enabled for cluster rpcn-aurora-orders" }))).toMatchObject({
      entryId: 'data-api-not-enabled',
      level: 'ERROR',
    });
    expect(classifyLine(JSON.stringify({ Error: 'Rds.DatabaseResumingException', Cause: 'The database is resuming' })).entryId).toBe('data-api-resuming');
  });
});

describe('classifyLine: pipeline identity (docs/reference/redpanda-cloud.md §10)', () => {
  test('a pipeline with no identity is not an unreachable STS, although the metadata call timed out', () => {
    const c = classifyLine(asRecord(NO_IDENTITY, 'ERROR'));
    expect(c.entryId).toBe('pipeline-no-aws-identity');
    // the later, more generic entries also match this text: only the order makes it this entry
    expect(c.alsoMatched).toEqual(expect.arrayContaining(['sts-unreachable', 'aws-credentials-unavailable']));
    expect(c.evidence.roleArn).toBe(ORDERS_ROLE);
  });

  test('a plain STS transport failure is still sts-unreachable, wrapped in the credentials text or not', () => {
    const dial = 'operation error STS: AssumeRole, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post "https://sts.us-east-2.amazonaws.com/": dial tcp 52.94.236.248:443: i/o timeout';
    expect(classifyLine(dial).entryId).toBe('sts-unreachable');
    expect(classifyLine(`${VERIFY}${dial}`).entryId).toBe('sts-unreachable');
    expect(classifyLine(`${VERIFY}operation error STS: AssumeRole, https response error StatusCode: 0, RequestID: , request send failed, context deadline exceeded`).entryId).toBe('sts-unreachable');
  });

  test.each([
    ['an AccessDenied', `${VERIFY}${STS_403}api error AccessDenied: ${NOT_AUTHORIZED(CONNECTOR_USER)}`, 'assume-role-denied'],
    ['an InvalidClientTokenId', `${VERIFY}${STS_403}${KEY_INVALID}`, 'access-key-invalid'],
    ['a SignatureDoesNotMatch', `${VERIFY}${STS_403}${SIGNATURE_MISMATCH}`, 'access-key-signature-mismatch'],
    ['an ExpiredToken', `${VERIFY}operation error STS: AssumeRole, https response error StatusCode: 400, RequestID: 1, api error ExpiredToken: The security token included in the request is expired`, 'aws-credentials-unavailable'],
    ['a refused web identity', `${VERIFY}operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 400, RequestID: 2, api error InvalidIdentityToken: No OpenIDConnect provider found`, 'aws-credentials-unavailable'],
  ])('"failed to refresh cached credentials" around %s is not a missing identity', (_what, line, id) => {
    const c = classifyLine(line);
    expect(c.entryId).toBe(id);
    expect(c.alsoMatched ?? []).not.toContain('pipeline-no-aws-identity');
  });

  test('a bare "failed to refresh cached credentials" with nothing more specific is a missing identity', () => {
    expect(classifyLine(`${VERIFY}no valid providers in chain`).entryId).toBe('pipeline-no-aws-identity');
  });

  test('a denial with the boundary or explicit-deny ending is first of all that cause; the plain text stays the family', () => {
    const ip = classifyLine(SOURCE_IP_DENIED);
    expect(ip).toMatchObject({ entryId: 'assume-role-denied-source-ip', evidence: { principalArn: CONNECTOR_USER, roleArn: ORDERS_ROLE, denyReason: 'an explicit deny in an identity-based policy' } });
    expect(ip.alsoMatched).toContain('assume-role-denied');
    const boundary = classifyLine(BOUNDARY_DENIED);
    expect(boundary).toMatchObject({ entryId: 'assume-role-denied-permissions-boundary', evidence: { principalArn: BYOVPC_PIPELINE_SESSION, denyReason: 'no permissions boundary allows' } });
    expect(boundary.alsoMatched).toContain('assume-role-denied');
    expect(classifyLine(`${VERIFY}${STS_403}api error AccessDenied: ${NOT_AUTHORIZED(CONNECTOR_USER)}`).entryId).toBe('assume-role-denied');
    // an explicit deny from a service control policy is not the connector user's address restriction
    expect(classifyLine(`${NOT_AUTHORIZED(CONNECTOR_USER)} with an explicit deny in a service control policy`).entryId).toBe('assume-role-denied');
    // the explicit-deny entry is about sts:AssumeRole only
    expect(classifyLine(`User: ${CONNECTOR_USER} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k with an explicit deny in an identity-based policy`).entryId).toBe('aws-access-denied');
  });

  test('the key texts of the JS SDK and the AWS CLI stay IAM propagation (the Lambdas), the Go SDK ones are the pipeline key', () => {
    expect(classifyLine('InvalidClientTokenId: The security token included in the request is invalid.').entryId).toBe('iam-propagation-delay');
    expect(classifyLine(KEY_INVALID).entryId).toBe('access-key-invalid');
  });
});

describe('classifyLine: unknown lines are never guessed', () => {
  test.each([
    ['Failed to connect to postgres_cdc: flux capacitor misaligned', 'NONE'],
    [asRecord('Failed to connect to postgres_cdc: flux capacitor misaligned', 'ERROR'), 'ERROR'],
    [asRecord('Running main config from specified file', 'INFO'), 'INFO'],
    ['level=info msg="Listening for HTTP requests at: http://0.0.0.0:4195" @service=redpanda-connect', 'INFO'],
    ['WARN received unexpected message: *pgproto3.NoticeResponse', 'WARN'],
    ['the weather is nice', 'NONE'],
    ['{"not":"a log record"}', 'NONE'],
    ['{ broken json', 'NONE'],
    ['', 'NONE'],
  ])('%s', (line, level) => {
    const c = classifyLine(line);
    expect(c).toMatchObject({ kind: 'unknown', entryId: 'unknown', level });
    expect(c.candidates).toBeUndefined();
  });
});

describe('redaction', () => {
  const SECRETS = ['s3cr3tPW', 'hunter2', 'IQoJb3JpZ2luX2VjEJr', '8f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c', 'c2VjcmV0LXZhbHVl', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig', 'QWERTYUIOPASDFGH'];
  const TOKEN =
    `${HOST}:5432/?Action=connect&DBUser=rpcn_orders&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAQWERTYUIOPASDFGH%2F20260120%2Fus-east-2%2Frds-db%2Faws4_request` +
    '&X-Amz-Date=20260120T162706Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F%2F' +
    '&X-Amz-Signature=8f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c';
  const LINES = [
    `cannot parse \`postgres://rpcn_orders:s3cr3tPW@${HOST}:5432/demo_db\`: failed to parse as URL (invalid port)`,
    `${PG}${PG_CONN}: server error: FATAL: PAM authentication failed for user "rpcn_orders" (SQLSTATE 28000) dsn=postgres://rpcn_orders:${TOKEN}@${HOST}:5432/demo_db`,
    `error parsing mysql DSN: rpcn_orders:hunter2@tcp(${HOST}:3306)/demo_db?allowCleartextPasswords=true`,
    `cannot parse \`host=${HOST} user=rpcn_orders password=hunter2 dbname=demo_db\`: invalid`,
    `https://${HOST}:5432/?Action=connect&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr&X-Amz-Signature=8f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c`,
    'POST /v1/secrets {"id":"RPCN_SASL_PASSWORD","secret_data":"c2VjcmV0LXZhbHVl"} failed: 403',
    'GET https://api.redpanda.com/v1/clusters Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig failed: 401',
    'callback https://example.com/cb?code=1&token=hunter2 failed: 500',
  ];

  test.each(LINES)('no secret survives in message, detail or evidence: %s', (line) => {
    for (const form of [line, asRecord(line, 'ERROR'), asLogfmt(line, 'ERROR')]) {
      const c = classifyLine(form);
      const out = JSON.stringify(c);
      for (const s of SECRETS) expect(out).not.toContain(s);
      expect(out).toContain('[REDACTED]');
    }
  });

  test('diagnose output carries no secret either', () => {
    const out = JSON.stringify(diagnose(LINES));
    for (const s of SECRETS) expect(out).not.toContain(s);
  });

  test('ordinary text is left alone', () => {
    const texts = [
      ASSUME_ROLE_DENIED,
      'unable to generate IAM auth token: building IAM auth token: the provided endpoint is missing a port, or the provided port is invalid',
      "this user requires clear text authentication. If you still want to use it, please add 'allowCleartextPasswords=1' to your DSN",
      `postgres://rpcn_orders@${HOST}:5432/demo_db?sslmode=require`,
      "ERROR 1045 (28000): Access denied for user 'rpcn_orders'@'10.0.3.7' (using password: YES)",
    ];
    for (const t of texts) expect(redact(t)).toBe(t);
  });
});

describe('refinement of entries that share one log text', () => {
  test('AssumeRole denied: each fact points at its own cause', () => {
    const inline = refineAssumeRoleDenied({ inlinePolicyPresent: false, tagPresent: true, trustNamesPipelineRole: true });
    expect(inline).toMatchObject({
      family: 'assume-role-denied',
      confirmed: ['assume-role-denied-missing-inline-policy'],
      ruledOut: ['assume-role-denied-missing-tag', 'assume-role-denied-wrong-trust'],
      possible: ['assume-role-denied-external-id-mismatch', 'assume-role-denied-unexpected-principal'],
      unexplained: false,
      also: [],
    });
    expect(refineAssumeRoleDenied({ inlinePolicyPresent: true, tagPresent: false, trustNamesPipelineRole: true, externalIdMatches: true }).confirmed).toEqual([
      'assume-role-denied-missing-tag',
    ]);
    expect(refineAssumeRoleDenied({ inlinePolicyPresent: true, tagPresent: true, trustNamesPipelineRole: false, externalIdMatches: true }).confirmed).toEqual([
      'assume-role-denied-wrong-trust',
    ]);
    expect(refineAssumeRoleDenied({ externalIdMatches: false }).confirmed).toEqual(['assume-role-denied-external-id-mismatch']);
    expect(refineAssumeRoleDenied({ tagPresent: false, inlinePolicyPresent: false }).confirmed).toEqual([
      'assume-role-denied-missing-inline-policy',
      'assume-role-denied-missing-tag',
    ]);
  });

  test('AssumeRole denied with every fact fine: unexplained, IAM propagation suggested only after a recent change', () => {
    const all = { inlinePolicyPresent: true, tagPresent: true, trustNamesPipelineRole: true, externalIdMatches: true, deniedPrincipal: CONNECTOR_USER, expectedFirstHop: CONNECTOR_USER };
    expect(refineAssumeRoleDenied(all)).toMatchObject({ confirmed: [], possible: [], unexplained: true, also: [] });
    expect(refineAssumeRoleDenied({ ...all, recentIamChange: true }).also).toEqual(['iam-propagation-delay']);
    expect(refineAssumeRoleDenied({ recentIamChange: true })).toMatchObject({ unexplained: false, also: [] });
  });

  test('AssumeRole denied by another principal than the first hop: the entry names the identity the pod really had', () => {
    const r = refineAssumeRoleDenied({ deniedPrincipal: NODE_SESSION, expectedFirstHop: [CONNECTOR_USER] });
    expect(r.confirmed).toEqual(['assume-role-denied-unexpected-principal']);
    expect(r.context?.['<first-hop>']).toBe(CONNECTOR_USER);
    const cause = renderText(catalogueEntry('assume-role-denied-unexpected-principal')!.cause, r.context);
    expect(cause).toContain('The pipeline asked as arn:aws:iam::111111111111:role/eks-cdc-nodegroup-NodeInstanceRole-7QX2K9 (session i-0a1b2c3d4e5f60718), a node role');
    expect(cause).toContain("fell back to the node's instance profile");
    expect(cause).toContain(`is ${CONNECTOR_USER}.`);
    expect(renderText(catalogueEntry('assume-role-denied-unexpected-principal')!.cause, { ...r.context, '<link>': 'orders' })).not.toMatch(/<[a-z-]+>/);
  });

  test('the first hop itself, as a session of its role or with a role path, is not unexpected', () => {
    const pipelineRole = 'arn:aws:iam::861276079005:role/redpanda-curl3eo533cmsnt23dv0-redpanda-connect-pipeline';
    expect(refineAssumeRoleDenied({ deniedPrincipal: PIPELINE_SESSION, expectedFirstHop: pipelineRole }).ruledOut).toEqual(['assume-role-denied-unexpected-principal']);
    expect(refineAssumeRoleDenied({ deniedPrincipal: CONNECTOR_USER, expectedFirstHop: [CONNECTOR_USER] }).ruledOut).toEqual(['assume-role-denied-unexpected-principal']);
    const withPath = 'arn:aws:iam::222222222222:role/service/connect-cdc';
    expect(refineAssumeRoleDenied({ deniedPrincipal: 'arn:aws:sts::222222222222:assumed-role/connect-cdc/pod-1', expectedFirstHop: withPath }).ruledOut).toEqual([
      'assume-role-denied-unexpected-principal',
    ]);
    // any of several expected principals will do; the same name in another account will not
    expect(refineAssumeRoleDenied({ deniedPrincipal: CONNECTOR_USER, expectedFirstHop: [pipelineRole, CONNECTOR_USER] }).confirmed).toEqual([]);
    expect(refineAssumeRoleDenied({ deniedPrincipal: CONNECTOR_USER.replace('111111111111', '333333333333'), expectedFirstHop: CONNECTOR_USER }).confirmed).toEqual([
      'assume-role-denied-unexpected-principal',
    ]);
  });

  test('without both the principal and the first hop, or with an ARN that is not one, nothing is decided about the principal', () => {
    expect(refineAssumeRoleDenied({ deniedPrincipal: NODE_SESSION }).possible).toContain('assume-role-denied-unexpected-principal');
    expect(refineAssumeRoleDenied({ expectedFirstHop: CONNECTOR_USER }).possible).toContain('assume-role-denied-unexpected-principal');
    expect(refineAssumeRoleDenied({ deniedPrincipal: 'not-an-arn', expectedFirstHop: CONNECTOR_USER }).possible).toContain('assume-role-denied-unexpected-principal');
  });

  test('principals are described by what they are', () => {
    expect(describePrincipal(PIPELINE_SESSION)).toMatch(/Redpanda-managed pipeline role .*no aws\.id\/aws\.secret/);
    expect(describePrincipal('arn:aws:iam::111111111111:user/rpcn-aurora/rpcn-aurora-billing-connector')).toContain("the connector user of link billing: the input reads another link's key");
    expect(describePrincipal('arn:aws:sts::111111111111:assumed-role/worker/i-0123456789abcdef0')).toContain('a node role');
    expect(describePrincipal('arn:aws:sts::111111111111:assumed-role/app-role/session')).toContain('a role the db-connect role does not trust');
    expect(parsePrincipalArn('arn:aws:sts::111111111111:assumed-role/app-role/s')).toMatchObject({ kind: 'role', name: 'app-role', session: 's', arn: 'arn:aws:iam::111111111111:role/app-role' });
    expect(parsePrincipalArn('arn:aws:iam::111111111111:policy/x')).toBeUndefined();
  });

  test('IAM login failures: facts per family', () => {
    const pam = refineIamLoginFailed('pg-iam-login-failed', {
      clusterIamAuthEnabled: false,
      userHasIamGrant: false,
      connectPolicyMatchesUser: false,
      tokenEndpointMatchesDsn: false,
      rolesListUsed: false,
      iamAuthForReplication: false, // not a candidate of this family: ignored
    });
    expect(pam.confirmed).toEqual(['iam-db-auth-disabled', 'db-user-missing-iam-grant', 'rds-db-connect-policy-mismatch', 'iam-token-endpoint-mismatch', 'aws-role-not-assumed']);
    expect(refineIamLoginFailed('pg-iam-login-failed', { clusterIamAuthEnabled: true, userHasIamGrant: true, connectPolicyMatchesUser: false }).confirmed).toEqual([
      'rds-db-connect-policy-mismatch',
    ]);

    const pw = refineIamLoginFailed('pg-password-auth-failed', { iamAuthForReplication: false, userHasIamGrant: true, clusterIamAuthEnabled: false });
    expect(pw).toMatchObject({ confirmed: ['pg-iam-auth-for-replication-off'], ruledOut: ['db-user-missing-iam-grant'], possible: [] });

    const my = refineIamLoginFailed('mysql-access-denied', { userHasIamGrant: true, tokenEndpointMatchesDsn: false, iamAuthForReplication: false });
    expect(my).toMatchObject({ confirmed: ['iam-token-endpoint-mismatch'], ruledOut: ['db-user-missing-iam-grant'] });
    expect(my.possible).toEqual(['rds-db-connect-policy-mismatch', 'aws-role-not-assumed']);

  });
});

describe('the catalogue', () => {
  test('ids are unique, kebab-case and stable in shape', () => {
    const ids = [...CATALOGUE.map((e) => e.id), ...HEALTHY_SIGNALS.map((s) => s.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(40);
  });

  test('every entry has a title, cause, confirm and fix; families and refinements point at each other', () => {
    for (const e of CATALOGUE) {
      expect(e.title.length).toBeGreaterThan(10);
      expect(e.cause.length).toBeGreaterThan(20);
      expect(e.confirm.length).toBeGreaterThan(0);
      expect(e.fix.length).toBeGreaterThan(0);
      if (e.refines) {
        expect(e.matches).toHaveLength(0);
        for (const fam of e.refines) expect(catalogueEntry(fam)?.candidates).toContain(e.id);
      } else if (e.source !== 'probe') {
        // Probe findings are reached from the checks instead (test/unit/findings-catalogue.test.ts).
        expect(e.matches.length).toBeGreaterThan(0);
      }
      for (const c of e.candidates ?? []) expect(catalogueEntry(c)?.refines).toContain(e.id);
    }
  });

  test('every <token> in a text is a known token', () => {
    for (const e of CATALOGUE) {
      for (const text of [e.title, e.cause, ...e.confirm, ...e.fix]) {
        for (const [tok] of text.matchAll(/<[a-z][a-z-]*>/g)) expect(Object.keys(TOKEN_DEFAULTS)).toContain(tok);
      }
    }
  });

  // Adding an entry without a test line (or, for a refined entry, a fact that selects it) fails here.
  test('every catalogue entry and healthy signal is reached by a test line or a refinement', () => {
    const reached = new Set<string>([...CASES, ...HEALTHY_CASES].map(([, message]) => classifyLine(message).entryId));
    const allFalse = { inlinePolicyPresent: false, tagPresent: false, trustNamesPipelineRole: false, externalIdMatches: false, deniedPrincipal: NODE_SESSION, expectedFirstHop: CONNECTOR_USER };
    const loginFalse = { clusterIamAuthEnabled: false, userHasIamGrant: false, connectPolicyMatchesUser: false, tokenEndpointMatchesDsn: false, rolesListUsed: false, iamAuthForReplication: false };
    const refinements = [
      refineAssumeRoleDenied(allFalse),
      refineIamLoginFailed('pg-iam-login-failed', loginFalse),
      refineIamLoginFailed('pg-password-auth-failed', loginFalse),
      refineIamLoginFailed('mysql-access-denied', loginFalse),
    ];
    for (const r of refinements) for (const id of r.confirmed) reached.add(id);
    const all = [...CATALOGUE.filter((e) => e.source !== 'probe').map((e) => e.id), ...HEALTHY_SIGNALS.map((s) => s.id)];
    expect(all.filter((id) => !reached.has(id))).toEqual([]);
  });
});

describe('renderText', () => {
  test('defaults spell the naming rule; link names from naming.ts fill them in', () => {
    expect(renderText('aws iam get-role-policy --role-name <pipeline-role> --policy-name <pipeline-role-policy>')).toBe(
      'aws iam get-role-policy --role-name redpanda-<redpanda-cluster-id>-redpanda-connect-pipeline --policy-name rpcn-aurora-<db-account>-<link>',
    );
    const request = assertRequest({
      name: 'orders',
      engine: 'aurora-postgresql',
      cdc: { tables: ['orders'] },
      redpanda: { clusterId: 'curl3eo533cmsnt23dv0', accountId: '861276079005' },
    });
    const names = linkNames(request, '210987654321');
    const ctx = renderContextFromNames(names, { region: 'us-east-2', dbAccountId: '210987654321' });
    expect(renderText('<pipeline-role> <pipeline-role-policy> <db-connect-role> <publication> <cluster-arn> <sasl-secret>', ctx)).toBe(
      [
        'redpanda-curl3eo533cmsnt23dv0-redpanda-connect-pipeline',
        'rpcn-aurora-210987654321-orders',
        'rpcn-aurora-orders-db-connect',
        'pglog_stream_rpcn_orders',
        'arn:aws:rds:us-east-2:210987654321:cluster:rpcn-aurora-orders',
        'RPCN_AURORA_ORDERS_SASL_PASSWORD',
      ].join(' '),
    );
    // the defaults agree with naming.ts for the same link
    expect(TOKEN_DEFAULTS['<db-connect-role>']!.replace('<link>', 'orders')).toBe(names.dbConnectRole);
    expect(TOKEN_DEFAULTS['<pipeline-role-policy>']!.replace('<db-account>', '210987654321').replace('<link>', 'orders')).toBe(names.pipelineRolePolicy);
  });
});

describe('renderText: identity mode access-key', () => {
  test('connector user, its policy, its secrets and the link boundary come from naming.ts', () => {
    const request = assertRequest({ name: 'orders', engine: 'aurora-postgresql', cdc: { tables: ['orders'] }, redpanda: { clusterId: 'curl3eo533cmsnt23dv0' } });
    const names = linkNames(request, '111111111111');
    const ctx = renderContextFromNames(names, { dbAccountId: '111111111111', firstHop: CONNECTOR_USER });
    expect(renderText('<connector-user> <connector-user-policy> <connector-user-arn> <link-boundary-arn> <first-hop>', ctx)).toBe(
      [names.connectorUser, names.connectorUserPolicy, CONNECTOR_USER, 'arn:aws:iam::111111111111:policy/rpcn-aurora-link-boundary', CONNECTOR_USER].join(' '),
    );
    const secrets = renderText('<access-key-secret-ids>', ctx);
    for (const id of [...Object.values(names.redpandaSecrets.accessKeyId), ...Object.values(names.redpandaSecrets.secretAccessKey)]) expect(secrets).toContain(id);
    // defaults spell the same rule, nested defaults included
    expect(renderText('<connector-user-arn>', { '<link>': 'orders', '<db-account>': '111111111111' })).toBe(CONNECTOR_USER);
    expect(TOKEN_DEFAULTS['<connector-user-policy>']!.replace('<link>', 'orders')).toBe(names.connectorUserPolicy);
    // the secret ids read from a log line's link agree with naming.ts
    const d = diagnose([SOURCE_IP_DENIED]);
    const fromLog = d.problems[0]!.confirm.concat(d.problems[0]!.fix).join('\n');
    expect(fromLog).toContain(names.connectorUserPolicy);
    expect(renderText('<access-key-secret-ids>', ctx)).toBe(
      diagnose([NODE_ROLE_DENIED], { firstHop: [CONNECTOR_USER] }).problems[0]!.fix[0]!.match(/references of (.*) \(provision/)![1],
    );
  });
});

describe('diagnose', () => {
  test('groups, counts, orders by severity then first occurrence, and keeps unknown errors apart', () => {
    const d = diagnose(fixtureLines('mixed-problems.jsonl'));
    expect(d.linesRead).toBe(11);
    expect(d.problems.map((p) => [p.id, p.count])).toEqual([
      ['pg-iam-login-failed', 3],
      ['pg-slot-in-use', 1],
      ['mysql-binlog-not-row', 1],
      ['pg-snapshot-no-primary-key', 1],
      ['pg-heartbeat-write-failed', 1],
      ['pg-ack-after-shutdown', 1],
    ]);
    const pam = d.problems[0]!;
    expect(pam.first).toEqual({ line: 3, time: '2026-02-03T10:00:10.220000000Z' });
    expect(pam.last).toEqual({ line: 11, time: '2026-02-03T10:00:31.100000000Z' });
    expect(pam.pipelineIds).toEqual(['d5nfcb0objac738nhf90']);
    expect(pam.labels).toEqual(['postgres_cdc']);
    expect(pam.evidence.user).toEqual(['rpcn_orders']);
    expect(pam.candidates?.map((c) => c.id)).toContain('db-user-missing-iam-grant');
    // evidence fills the commands
    expect(pam.confirm.join('\n')).toContain("u.rolname = 'rpcn_orders'");
    const slot = d.problems[1]!;
    expect(slot.fix.join('\n')).toContain('pg_terminate_backend(28471)');
    expect(slot.confirm.join('\n')).toContain("slot_name = 'rpcn_orders'");

    expect(d.unknown).toEqual([
      { level: 'ERROR', message: 'Failed to connect to postgres_cdc: flux capacitor misaligned', count: 1, first: { line: 4, time: '2026-02-03T10:00:11.330000000Z' }, last: { line: 4, time: '2026-02-03T10:00:11.330000000Z' }, pipelineIds: ['d5nfcb0objac738nhf90'] },
      { level: 'WARN', message: 'received unexpected message: *pgproto3.NoticeResponse', count: 1, first: { line: 6, time: '2026-02-03T10:00:13.550000000Z' }, last: { line: 6, time: '2026-02-03T10:00:13.550000000Z' }, pipelineIds: ['d5nfcb0objac738nhf90'] },
    ]);
    expect(d.ignored).toBe(1);
    expect(d.healthy).toEqual([]);
    expect(d.verdict).toBe('problems');
  });

  test('time orders problems of equal severity even when lines are out of order', () => {
    const late = asRecord(`${PG}ERROR: replication slot "rpcn_orders" is active for PID 1 (SQLSTATE 55006)`, 'ERROR', { time: '2026-02-03T10:00:01Z' });
    const early = asRecord('Failed to connect to mysql_cdc: binlog must ROW format, but MIXED now', 'ERROR', { time: '2026-02-03T09:00:00Z' });
    expect(diagnose([late, early]).problems.map((p) => p.id)).toEqual(['mysql-binlog-not-row', 'pg-slot-in-use']);
    // without times, the line order decides
    expect(diagnose(['slot_name is required', 'binlog must ROW format, but MIXED now']).problems.map((p) => p.id)).toEqual(['pg-slot-name-required', 'mysql-binlog-not-row']);
  });

  test('a later "is now active" line marks the problem recovered; the AssumeRole family is rendered with the ARNs from the log', () => {
    const d = diagnose(fixtureLines('pg-assume-role-denied-then-recovered.jsonl'));
    expect(d.problems).toHaveLength(1);
    const p = d.problems[0]!;
    expect(p).toMatchObject({
      id: 'assume-role-denied',
      severity: 'critical',
      side: 'input',
      count: 4,
      first: { line: 3, time: '2026-01-20T16:27:06.316621814Z' },
      last: { line: 6, time: '2026-01-20T16:27:09.640277291Z' },
      recoveredAt: { line: 7, time: '2026-01-20T16:31:12.008812345Z' },
    });
    expect(p.evidence.requestId).toHaveLength(4);
    expect(p.cause).toContain('redpanda-curl3eo533cmsnt23dv0-redpanda-connect-pipeline (account 861276079005)');
    expect(p.cause).toContain('rpcn-aurora-orders-db-connect (account 210987654321)');
    expect(p.confirm.join('\n')).toContain('aws iam list-role-tags --role-name rpcn-aurora-orders-db-connect');
    expect(p.candidates?.map((c) => c.id)).toEqual([
      'assume-role-denied-missing-inline-policy',
      'assume-role-denied-missing-tag',
      'assume-role-denied-wrong-trust',
      'assume-role-denied-external-id-mismatch',
      'assume-role-denied-unexpected-principal',
    ]);
    expect(d.healthy.map((h) => [h.id, h.count, h.components])).toEqual([
      ['output-active', 1, ['redpanda']],
      ['input-active', 1, ['postgres_cdc']],
    ]);
    expect(d.verdict).toBe('problems');
  });

  test('recovery is per pipeline: another pipeline connecting does not clear a problem', () => {
    const d = diagnose(fixtureLines('mysql-iam-setup.jsonl'));
    expect(d.problems.map((p) => p.id)).toEqual(['aws-endpoint-missing-port', 'mysql-cleartext-required', 'mysql-access-denied', 'mysql-binlog-not-row']);
    expect(d.problems[0]!.recoveredAt).toEqual({ line: 2, time: '2026-02-05T09:05:00.000000000Z' });
    expect(d.problems.slice(1).every((p) => p.recoveredAt === undefined)).toBe(true);
    const other = diagnose([
      asRecord('slot_name is required', 'ERROR', { pipeline_id: 'aaaaaaaaaaaaaaaaaaaa' }),
      asRecord('Input type postgres_cdc is now active', 'INFO', { pipeline_id: 'bbbbbbbbbbbbbbbbbbbb' }),
    ]);
    expect(other.problems[0]!.recoveredAt).toBeUndefined();
  });

  test('context from naming.ts fills what the logs do not say', () => {
    const request = assertRequest({ name: 'orders', engine: 'aurora-postgresql', cdc: { tables: ['orders'] }, redpanda: { clusterId: 'curl3eo533cmsnt23dv0', accountId: '861276079005' } });
    const context = renderContextFromNames(linkNames(request, '210987654321'), { region: 'us-east-2' });
    const d = diagnose([ASSUME_ROLE_DENIED], { context });
    expect(d.problems[0]!.confirm.join('\n')).toContain('--policy-name rpcn-aurora-210987654321-orders');
  });

  test('healthy and empty inputs', () => {
    const healthy = diagnose(fixtureLines('healthy.jsonl'));
    expect(healthy).toMatchObject({ linesRead: 4, problems: [], unknown: [], ignored: 2, verdict: 'healthy' });
    expect(diagnose(['', '  ']).verdict).toBe('no-signal');
    // a notice never fails a run; an unknown WARN is listed but not an error
    const quiet = diagnose(['Failed to acknowledge message: unable to ack LSN to postgres: unable to ack LSN 0/1 stream shutting down', 'WARN something odd']);
    expect(quiet.problems.map((p) => p.severity)).toEqual(['notice']);
    expect(quiet.unknown.map((u) => u.level)).toEqual(['WARN']);
    expect(quiet.verdict).toBe('no-signal');
    expect(diagnose(['ERRO something never seen']).verdict).toBe('unknown-errors');
    // a bare text line reading like an error counts as one
    expect(diagnose(['could not frobnicate the widget']).unknown[0]?.level).toBe('ERROR');
  });

  test('an access-key link: no identity, then a denial from outside the egress addresses, then a dead key; each its own problem', () => {
    const d = diagnose(fixtureLines('pg-access-key-link.jsonl'));
    expect(d.problems.map((p) => [p.id, p.count])).toEqual([
      ['pipeline-no-aws-identity', 2],
      ['assume-role-denied-source-ip', 1],
      ['access-key-invalid', 1],
    ]);
    expect(d.problems.every((p) => p.recoveredAt?.line === 7)).toBe(true);
    const ip = d.problems[1]!;
    expect(ip.cause).toContain('The connector user rpcn-aurora-orders-connector may call AWS only from');
    expect(ip.confirm.join('\n')).toContain('aws iam get-user-policy --user-name rpcn-aurora-orders-connector --policy-name rpcn-aurora-orders-assume-db-connect');
    expect(d.problems[2]!.fix.join('\n')).toContain('rpcn-aurora rotate orders');
    expect(d.problems[0]!.fix.join('\n')).toContain('identity.mode "access-key"');
  });

  test('with the first hop known, a denial naming another principal is reported as such, with the identity the pod had', () => {
    const d = diagnose([NODE_ROLE_DENIED, SOURCE_IP_DENIED], { firstHop: [CONNECTOR_USER] });
    expect(d.problems.map((p) => p.id)).toEqual(['assume-role-denied-unexpected-principal', 'assume-role-denied-source-ip']);
    const p = d.problems[0]!;
    expect(p.family).toBe('assume-role-denied');
    expect(p.candidates).toBeUndefined();
    expect(p.cause).toContain('arn:aws:iam::111111111111:role/eks-cdc-nodegroup-NodeInstanceRole-7QX2K9 (session i-0a1b2c3d4e5f60718), a node role');
    expect(p.cause).toContain(`the one principal rpcn-aurora-orders-db-connect trusts, is ${CONNECTOR_USER}`);
    // the first hop itself being denied stays the family, without the cause the facts rule out
    const own = diagnose([`${VERIFY}${STS_403}api error AccessDenied: ${NOT_AUTHORIZED(CONNECTOR_USER)}`], { firstHop: [CONNECTOR_USER] }).problems[0]!;
    expect(own.id).toBe('assume-role-denied');
    expect(own.family).toBeUndefined();
    expect(own.candidates?.map((c) => c.id)).not.toContain('assume-role-denied-unexpected-principal');
    // without the first hop nothing is refined
    expect(diagnose([NODE_ROLE_DENIED]).problems[0]!.id).toBe('assume-role-denied');
  });

  test('--pipeline filter keeps lines of that pipeline and lines without a pipeline id', () => {
    const d = diagnose([...fixtureLines('mixed-problems.jsonl'), 'slot_name is required'], { pipelineId: 'd5ogq1k0jo8s73bn3e7g' });
    expect(d.problems.map((p) => p.id)).toEqual(['mysql-binlog-not-row', 'pg-slot-name-required']);
  });
});

describe('rpcn-aurora diagnose', () => {
  async function run(args: string[], stdin = '') {
    const out: string[] = [];
    const err: string[] = [];
    let code: number | undefined;
    let stdinReads = 0;
    const io: Io = {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      readStdin: async () => {
        stdinReads += 1;
        return stdin;
      },
    };
    const program = new Command('rpcn-aurora').exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
    registerDiagnose(program, io, (c) => {
      code = c;
    });
    await program.parseAsync(['diagnose', ...args], { from: 'user' });
    return { out: out.join('\n'), err: err.join('\n'), code, stdinReads };
  }

  test('a file with problems: text report and exit 1', async () => {
    const r = await run([FIXTURES + 'pg-assume-role-denied-then-recovered.jsonl']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Read 7 lines: 1 problem, 0 unrecognized error lines, 2 healthy signals.');
    expect(r.out).toContain("1. [CRITICAL] AssumeRole denied: the pipeline's first AWS identity cannot assume the db-connect role   (assume-role-denied)");
    expect(r.out).toContain('seen 4 times, 2026-01-20T16:27:06.316621814Z .. 2026-01-20T16:27:09.640277291Z (lines 3-6); pipeline d5nfcb0objac738nhf90; label postgres_cdc');
    expect(r.out).toContain('recovered: the input connected afterwards');
    expect(r.out).toContain('cause: STS refused sts:AssumeRole');
    expect(r.out).toContain('$ aws iam get-role-policy --role-name redpanda-curl3eo533cmsnt23dv0-redpanda-connect-pipeline');
    expect(r.out).toContain('(assume-role-denied-missing-tag)');
    expect(r.out).toMatch(/fix:\n {5}- /);
  });

  test('unknown error lines are listed and fail the run', async () => {
    const r = await run([FIXTURES + 'mixed-problems.jsonl']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Unrecognized error/warning lines');
    expect(r.out).toContain('[ERROR] ×1 2026-02-03T10:00:11.330000000Z (line 4): Failed to connect to postgres_cdc: flux capacitor misaligned');
    const onlyUnknown = await run(['-'], 'ERRO something never seen\n');
    expect(onlyUnknown.code).toBe(1);
  });

  test('healthy logs: exit 0', async () => {
    const r = await run([FIXTURES + 'healthy.jsonl']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('No problem found.');
    expect(r.out).toContain('Input connected (postgres_cdc) ×1');
  });

  test('--json prints the structured result', async () => {
    const r = await run([FIXTURES + 'mysql-iam-setup.jsonl', '--json']);
    expect(r.code).toBe(1);
    const d = JSON.parse(r.out) as Diagnosis;
    expect(d.verdict).toBe('problems');
    expect(d.problems.map((p) => p.id)).toEqual(['aws-endpoint-missing-port', 'mysql-cleartext-required', 'mysql-access-denied', 'mysql-binlog-not-row']);
  });

  test('reads stdin with "-" and with no argument', async () => {
    const text = fixture('rpk-consume.jsonl');
    const dash = await run(['-', '--json'], text);
    const none = await run(['--json'], text);
    expect(dash.stdinReads).toBe(1);
    expect(none.stdinReads).toBe(1);
    expect(JSON.parse(dash.out)).toEqual(JSON.parse(none.out));
    expect((JSON.parse(none.out) as Diagnosis).problems.map((p) => p.id)).toEqual(['assume-role-denied', 'redpanda-sasl-auth-failed']);
  });

  test('--pipeline filters', async () => {
    const r = await run([FIXTURES + 'mixed-problems.jsonl', '--json', '--pipeline', 'd5ogq1k0jo8s73bn3e7g']);
    expect((JSON.parse(r.out) as Diagnosis).problems.map((p) => p.id)).toEqual(['mysql-binlog-not-row']);
  });

  test('an unreadable file: exit 2 and a one-line error', async () => {
    const r = await run([FIXTURES + 'does-not-exist.jsonl']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^error: cannot read log file ".*does-not-exist\.jsonl": no such file$/);
  });

  test('a failing stdin: exit 2', async () => {
    const out: string[] = [];
    const err: string[] = [];
    let code: number | undefined;
    const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => Promise.reject(new Error('EIO: stdin closed')) };
    const program = new Command('rpcn-aurora').exitOverride();
    registerDiagnose(program, io, (c) => {
      code = c;
    });
    await program.parseAsync(['diagnose', '-'], { from: 'user' });
    expect(code).toBe(2);
    expect(err.join('')).toContain('EIO: stdin closed');
  });

  test('--first-hop names the expected principal; a denial of another one is explained', async () => {
    const r = await run(['-', '--first-hop', CONNECTOR_USER], `${NODE_ROLE_DENIED}\n`);
    expect(r.code).toBe(1);
    expect(r.out).toContain("(assume-role-denied-unexpected-principal, a cause of assume-role-denied)");
    expect(r.out).toContain('eks-cdc-nodegroup-NodeInstanceRole-7QX2K9');
    const json = await run(['-', '--json', '--first-hop', 'arn:aws:iam::111111111111:role/other', '--first-hop', 'arn:aws:iam::111111111111:role/eks-cdc-nodegroup-NodeInstanceRole-7QX2K9'], `${NODE_ROLE_DENIED}\n`);
    expect((JSON.parse(json.out) as Diagnosis).problems.map((p) => p.id)).toEqual(['assume-role-denied']);
  });

  test('--first-hop that is not a user or role ARN: exit 2 with one line', async () => {
    const r = await run(['-', '--first-hop', 'rpcn-aurora-orders-connector'], `${NODE_ROLE_DENIED}\n`);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('error: --first-hop "rpcn-aurora-orders-connector" is not an IAM user or role ARN (arn:aws:iam::<account>:user/<name> or :role/<name>)');
    expect(r.stdinReads).toBe(0);
  });

  test('only a notice: listed, exit 0', async () => {
    const r = await run(['-'], 'Failed to acknowledge message: unable to ack LSN to postgres: unable to ack LSN 0/1 stream shutting down\n');
    expect(r.code).toBe(0);
    expect(r.out).toContain('[NOTICE]');
  });
});
