// IAM database authentication, emulated for the pipeline emulator. Aurora accepts an IAM token when the
// cluster has IAM auth on, the token's signer may `rds-db:connect` as that user (policy-evaluated here by
// iam-simulate), the token was signed for this host:port and region, and the user has rds_iam (MySQL: the
// AWSAuthenticationPlugin). The twin cannot verify a SigV4 token inside PostgreSQL, so an accepted login is
// emulated as PAM would be: the user gets a fresh random password (valid for the token's 15 minutes) that the
// client then uses; a refused login rotates it away and fails with Aurora's text.
import { accountOfArn, parseSessionArn, randomString, type Clock } from './common.js';
import type { IamEmulator } from './iam.js';
import { evaluate } from './policy-sim.js';
import type { RdsEmulator } from './rds.js';
import type { StsEmulator } from './sts.js';

/** X-Amz-Expires of an RDS auth token (docs/reference/redpanda-connect.md §2). */
export const TOKEN_LIFETIME_MS = 15 * 60 * 1000;

/** What `auth.BuildAuthToken` (aws-sdk-go-v2 feature/rds/auth) answers for an endpoint without a port. */
export class AuthTokenEndpointError extends Error {
  constructor() {
    super('the provided endpoint is missing a port, or the provided port is invalid');
    this.name = 'AuthTokenEndpointError';
  }
}

/**
 * The token builder's endpoint check (Redpanda Connect's `aws.endpoint` must be `host:port`, docs/reference/redpanda-connect.md §0.1): returns
 * host and port, or throws {@link AuthTokenEndpointError} with the SDK's text.
 */
export function parseTokenEndpoint(endpoint: string): { readonly host: string; readonly port: number } {
  const m = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(endpoint.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new AuthTokenEndpointError();
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * Aurora's refusal of an IAM login. PostgreSQL: `FATAL: PAM authentication failed for user "<u>" (SQLSTATE
 * 28000)` (❓ approximate per docs/reference/redpanda-connect.md §2a). MySQL: `ERROR 1045 (28000): Access
 * denied for user '<u>'@'<ip>' (using password: YES)` (❓ approximate, docs/reference/redpanda-connect.md §2b). `reason` is the twin's own
 * explanation for tests and logs; Aurora says nothing more than the message.
 */
export class DbLoginRefusedError extends Error {
  readonly code = '28000';
  readonly reason: string;
  constructor(engine: 'aurora-postgresql' | 'aurora-mysql', user: string, reason: string) {
    super(engine === 'aurora-postgresql' ? `FATAL: PAM authentication failed for user "${user}" (SQLSTATE 28000)` : `ERROR 1045 (28000): Access denied for user '${user}'@'127.0.0.1' (using password: YES)`);
    this.name = 'DbLoginRefusedError';
    this.reason = reason;
  }
}

/** Nothing listens at host:port (wrong endpoint, or the cluster is not up). Text after pgx's (❓). */
export class DbConnectionRefusedError extends Error {
  constructor(host: string, port: number) {
    super(`failed to connect to \`host=${host} port=${port}\`: dial error (dial tcp ${host}:${port}: connect: connection refused)`);
    this.name = 'DbConnectionRefusedError';
  }
}

export interface RdsIamLoginInput {
  /** The session the token is signed with (from twin.sts.assumeRole). */
  readonly sessionArn: string;
  /** The region the token is signed for. */
  readonly region: string;
  /** Where the client connects (the DSN host and port). */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /**
   * The `aws.endpoint` the token was built for, when the caller wants it checked as BuildAuthToken and
   * Aurora would: it must carry a port, and a token signed for another host:port is refused.
   */
  readonly tokenEndpoint?: string;
  /** A replication connection (postgres_cdc streams over one): also needs rds.iam_auth_for_replication=1. */
  readonly replication?: boolean;
}

export interface RdsIamLoginResult {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The emulated token: a password valid until `expiresAt`. */
  readonly password: string;
  readonly expiresAt: Date;
  readonly clusterIdentifier: string;
  readonly dbUserArn: string;
}

const ON = ['1', 'on', 'true'];

export class RdsIamAuth {
  private readonly issued = new Map<string, { password: string; expiresAt: number }>();

  constructor(
    private readonly deps: {
      readonly sts: StsEmulator;
      readonly iam: IamEmulator;
      readonly rds: RdsEmulator;
      readonly region: string;
      readonly dbAccountId: string;
      readonly clock: Clock;
    },
  ) {}

  async login(input: RdsIamLoginInput): Promise<RdsIamLoginResult> {
    // Token building happens in the client before anything reaches the database.
    if (input.tokenEndpoint !== undefined) parseTokenEndpoint(input.tokenEndpoint);
    const found = this.deps.rds.byEndpoint(input.host, input.port);
    if (found === undefined || found.backing === undefined || found.cluster.status !== 'available') throw new DbConnectionRefusedError(input.host, input.port);
    const { cluster, backing } = found;
    const engine = cluster.engine;
    const refuse = async (reason: string): Promise<never> => {
      // A refused token also ends whatever password an earlier login handed out (its token would be checked anew).
      this.issued.delete(this.key(cluster.identifier, input.user));
      await backing.revokePassword(input.user).catch(() => undefined);
      throw new DbLoginRefusedError(engine, input.user, reason);
    };

    const session = this.deps.sts.session(input.sessionArn);
    if (session === undefined) return refuse(`the token's credentials are not a live session of this twin (${input.sessionArn})`);
    if (input.tokenEndpoint !== undefined) {
      const signed = parseTokenEndpoint(input.tokenEndpoint);
      if (signed.host !== input.host || signed.port !== input.port) {
        return refuse(`the token was signed for ${input.tokenEndpoint}, the connection goes to ${input.host}:${input.port}`);
      }
    }
    if (input.region !== this.deps.region) return refuse(`the token was signed for region ${input.region}, the cluster is in ${this.deps.region}`);
    if (!cluster.iamAuthEnabled) return refuse(`IAM database authentication is disabled on cluster ${cluster.identifier}`);

    const dbUserArn = `arn:aws:rds-db:${this.deps.region}:${this.deps.dbAccountId}:dbuser:${cluster.resourceId}/${input.user}`;
    const parsed = parseSessionArn(session.arn);
    const boundary = this.deps.iam.boundaryOf(session.roleArn);
    const decision = await evaluate({
      principal: session.arn,
      action: 'rds-db:connect',
      resourceArn: dbUserArn,
      resourceAccountId: this.deps.dbAccountId,
      identityPolicies: this.deps.iam.identityPolicies(session.roleArn),
      // The role's permissions boundary limits its sessions (the link boundary allows rds-db:connect in this account).
      permissionBoundaryPolicies: boundary === undefined ? [] : [boundary],
      context: { 'aws:PrincipalAccount': accountOfArn(session.arn), ...(parsed !== undefined && { 'aws:PrincipalArn': session.roleArn }) },
    });
    if (decision.decision !== 'allowed') return refuse(`${session.roleArn} may not rds-db:connect as ${dbUserArn}: ${decision.detail}`);

    const info = await backing.loginInfo(input.user);
    if (!info.exists || !info.canLogin) return refuse(`user ${input.user} does not exist or cannot log in`);
    if (!info.iamEnabled) {
      return refuse(engine === 'aurora-postgresql' ? `user ${input.user} is not a member of rds_iam` : `user ${input.user} is not IDENTIFIED WITH AWSAuthenticationPlugin`);
    }
    if (input.replication === true && engine === 'aurora-postgresql') {
      const value = this.deps.rds.parameterValue(cluster.identifier, 'rds.iam_auth_for_replication');
      if (!ON.includes((value ?? '0').toLowerCase())) return refuse('a replication connection with an IAM token needs rds.iam_auth_for_replication=1 in the cluster parameter group');
    }

    // A token is reusable for its lifetime; reuse the emulated password so concurrent logins agree.
    const key = this.key(cluster.identifier, input.user);
    const now = this.deps.clock().getTime();
    let grant = this.issued.get(key);
    if (grant === undefined || grant.expiresAt - now < 60_000) {
      grant = { password: `iam_${randomString(32, 'abcdefghijklmnopqrstuvwxyz0123456789')}`, expiresAt: now + TOKEN_LIFETIME_MS };
      this.issued.set(key, grant);
    }
    // Set it every time: the role may have been dropped and re-created since the last login.
    await backing.issuePassword(input.user, grant.password, grant.expiresAt - now);
    return {
      host: input.host,
      port: input.port,
      user: input.user,
      password: grant.password,
      expiresAt: new Date(grant.expiresAt),
      clusterIdentifier: cluster.identifier,
      dbUserArn,
    };
  }

  private key(cluster: string, user: string): string {
    return `${cluster}/${user}`;
  }
}
