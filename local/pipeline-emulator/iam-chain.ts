// The IAM half of a postgres_cdc / mysql_cdc connect (docs/reference/redpanda-connect.md §2), EMULATED over the
// AWS twin: each `aws.roles[]` hop is an sts:AssumeRole decided by the twin's policy evaluation, called with the
// previous hop's session (the first caller is the pipeline pod's IRSA session); then the token is "built" for
// `aws.endpoint`, which must be host:port. Error texts are Connect's wrapping (✅) around the AWS SDK for Go v2's
// (the GetCallerIdentity/"failed to refresh cached credentials" wrapper is the SDK's, as seen in a real
// `__redpanda.connect.logs` record quoted by a community walkthrough, docs/reference/redpanda-cloud.md §10).
import { parseTokenEndpoint, type RdsIamLoginInput, type RdsIamLoginResult } from '../aws/rds-iam-auth.js';
import type { StsSession } from '../aws/sts.js';
import type { AwsAuthConfig } from './config.js';

/** What the emulator needs from the AWS twin (AwsTwin implements it). */
export interface EmulatorAws {
  /** The pipeline pod's base identity: a session of the Redpanda-managed pipeline role (IRSA, emulated). */
  pipelineSession(sessionName?: string): StsSession;
  /** sts:AssumeRole; throws with the AWS SDK's text when refused. */
  assumeRole(callerArn: string, roleArn: string, sessionName: string): Promise<StsSession>;
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

/** A Go `time.Now().UnixNano()` as text: the SDK's default session names are made of it. */
export function unixNanos(now: Date): string {
  return `${BigInt(now.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))}`;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Run the role chain and the token builder's endpoint check. Returns the session the token is signed with and
 * its region; throws {@link ConnectFailure} with Connect's text.
 */
export async function signingSession(
  aws: EmulatorAws,
  config: AwsAuthConfig,
  base: StsSession,
  defaultRegion: string,
  now: () => Date,
): Promise<{ readonly session: StsSession; readonly region: string }> {
  let current = base;
  for (const role of config.roles) {
    try {
      // stscreds.NewAssumeRoleProvider's default RoleSessionName is aws-go-sdk-<UnixNano>.
      current = await aws.assumeRole(current.arn, role, `aws-go-sdk-${unixNanos(now())}`);
    } catch (e) {
      throw new ConnectFailure(
        `unable to generate IAM auth token: assuming role based on configured roles: verifying role assumption for '${role}': ` +
          `operation error STS: GetCallerIdentity, get identity: get credentials: failed to refresh cached credentials, ${errorText(e)}`,
      );
    }
  }
  try {
    parseTokenEndpoint(config.endpoint);
  } catch (e) {
    throw new ConnectFailure(`unable to generate IAM auth token: building IAM auth token: ${errorText(e)}`);
  }
  // Without aws.region the SDK's default chain gives the pod's region (the Redpanda cluster's).
  return { session: current, region: config.region ?? defaultRegion };
}
