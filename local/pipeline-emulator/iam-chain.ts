// The IAM half of a postgres_cdc / mysql_cdc connect (docs/reference/redpanda-connect.md §2), EMULATED over the
// AWS twin. The base credentials are what the SDK would find: the static `aws.id`/`aws.secret` when set, else the
// pod's identity. A Redpanda Cloud pipeline has none (docs/reference/redpanda-cloud.md §10); the emulator's
// `podIdentity: 'irsa'` gives the pod an IRSA session of the Redpanda-managed pipeline role (self-hosted Connect,
// or the walkthrough's chain). Each `aws.roles[]` hop is an sts:AssumeRole decided by the twin's policy evaluation,
// called from the Redpanda cluster's egress address with the previous hop's credentials; then the token is
// "built" for `aws.endpoint`, which must be host:port. Error texts are Connect's wrapping (✅) around the AWS SDK
// for Go v2's (the GetCallerIdentity/"failed to refresh cached credentials" wrapper is the SDK's, as seen in a
// real `__redpanda.connect.logs` record quoted by a community walkthrough; the no-identity text is in
// docs/reference/redpanda-cloud.md §10).
import { parseTokenEndpoint, type RdsIamLoginInput, type RdsIamLoginResult } from '../aws/rds-iam-auth.js';
import type { AccessKeyAssumeRoleInput, StsSession } from '../aws/sts.js';
import type { AwsAuthConfig } from './config.js';
import type { RunContext } from './context.js';

/** What the emulator needs from the AWS twin (AwsTwin implements it). */
export interface EmulatorAws {
  /** The pod's IRSA session of the Redpanda-managed pipeline role (used only with `podIdentity: 'irsa'`). */
  pipelineSession(sessionName?: string): StsSession;
  /** sts:AssumeRole as a session; throws with the AWS SDK's text when refused. */
  assumeRole(callerArn: string, roleArn: string, sessionName: string, options?: { readonly sourceIp?: string }): Promise<StsSession>;
  /** sts:AssumeRole signed with a static access key; throws with the AWS SDK's text when refused. */
  assumeRoleWithAccessKey(input: AccessKeyAssumeRoleInput): Promise<StsSession>;
  /** Emulated Aurora IAM login; returns the one-time password, or throws Aurora's refusal text. */
  rdsIamLogin(input: RdsIamLoginInput): Promise<RdsIamLoginResult>;
}

/** A failed Connect(): `message` is the error Connect logs after `Failed to connect to <input>: `. */
export class ConnectFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectFailure';
  }
}

/** The credentials the SDK starts from. */
export type BaseCredentials =
  | { readonly kind: 'static'; readonly accessKeyId: string; readonly secretAccessKey: string }
  | { readonly kind: 'session'; readonly session: StsSession }
  | { readonly kind: 'none' };

/** The default chain's last resort in a pod without identity: IMDS, which the data-plane firewall blocks. */
export const NO_IDENTITY = 'no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded';
/** ❓ aws-sdk-go-v2's StaticCredentialsEmptyError, for an `aws.id` without `aws.secret`. */
export const STATIC_CREDENTIALS_EMPTY = 'static credentials are empty';

/** A Go `time.Now().UnixNano()` as text: the SDK's default session names are made of it. */
export function unixNanos(now: Date): string {
  return `${BigInt(now.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))}`;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Static credentials when `aws.id` is set (the SDK is then given only them), else the pod's identity, if any. */
export function baseCredentials(config: AwsAuthConfig, podSession: () => StsSession | undefined): BaseCredentials {
  if (config.id !== undefined) return { kind: 'static', accessKeyId: config.id, secretAccessKey: config.secret ?? '' };
  const session = podSession();
  return session === undefined ? { kind: 'none' } : { kind: 'session', session };
}

/**
 * Run the role chain and the token builder's endpoint check. Returns the session the token is signed with and
 * its region; throws {@link ConnectFailure} with Connect's text.
 */
export async function signingSession(ctx: RunContext, config: AwsAuthConfig): Promise<{ readonly session: StsSession; readonly region: string }> {
  const base = baseCredentials(config, () => ctx.podSession());
  const sourceIp = ctx.egressAddress;
  let current: StsSession | undefined = base.kind === 'session' ? base.session : undefined;
  for (const [index, role] of config.roles.entries()) {
    const wrap = (inner: string) =>
      new ConnectFailure(
        `unable to generate IAM auth token: assuming role based on configured roles: verifying role assumption for '${role}': ` +
          `operation error STS: GetCallerIdentity, get identity: get credentials: failed to refresh cached credentials, ${inner}`,
      );
    // stscreds.NewAssumeRoleProvider's default RoleSessionName is aws-go-sdk-<UnixNano>.
    const sessionName = `aws-go-sdk-${unixNanos(ctx.now())}`;
    try {
      if (index === 0 && base.kind === 'none') throw wrap(NO_IDENTITY);
      if (index === 0 && base.kind === 'static') {
        if (base.secretAccessKey === '') throw wrap(STATIC_CREDENTIALS_EMPTY);
        current = await ctx.aws.assumeRoleWithAccessKey({ accessKeyId: base.accessKeyId, secretAccessKey: base.secretAccessKey, roleArn: role, sessionName, ...(sourceIp !== undefined && { sourceIp }) });
      } else {
        current = await ctx.aws.assumeRole(current!.arn, role, sessionName, { ...(sourceIp !== undefined && { sourceIp }) });
      }
    } catch (e) {
      if (e instanceof ConnectFailure) throw e;
      throw wrap(errorText(e));
    }
  }
  if (current === undefined) {
    if (base.kind === 'static') {
      throw new ConnectFailure(
        "rpcn-aurora pipeline emulator: signing the IAM auth token with aws.id/aws.secret themselves (no aws.roles) is not emulated: the twin's IAM login takes a role session; this is the emulator's limit, not a Redpanda Connect message",
      );
    }
    // ❓ BuildAuthToken retrieves the credentials itself; the wrapper is Connect's, the rest the SDK's.
    throw new ConnectFailure(`unable to generate IAM auth token: building IAM auth token: failed to refresh cached credentials, ${NO_IDENTITY}`);
  }
  try {
    parseTokenEndpoint(config.endpoint);
  } catch (e) {
    throw new ConnectFailure(`unable to generate IAM auth token: building IAM auth token: ${errorText(e)}`);
  }
  // Without aws.region the SDK's default chain gives the pod's region (the Redpanda cluster's).
  return { session: current, region: config.region ?? ctx.defaultRegion };
}
