// The errors a user of the AWS commands meets, each as one line that names the cause and the fix (no stack
// trace): missing or expired credentials, an unknown profile, access denied on a call, a stack that is not
// deployed, an unreachable endpoint. Exit 2 for what the user typed wrong, 1 for the rest.
import { awsErrorName } from '../../lambdas/adapters/aws/errors.js';
import { EXIT } from '../cli-support.js';

/** An error that ends a command with a one-line message (`<problem>: <fix>`) and its exit code. */
export class CliError extends Error {
  readonly problem: string;
  readonly fix: string | undefined;

  constructor(
    problem: string,
    readonly exitCode: number = EXIT.findings,
    fix?: string,
  ) {
    super(fix ? `${problem}: ${fix}` : problem);
    this.name = 'CliError';
    this.problem = problem;
    this.fix = fix;
  }
}

export interface CallContext {
  /** The AWS action, e.g. `states:StartExecution`. */
  readonly action: string;
  readonly resource?: string;
  readonly profile?: string;
  readonly region: string;
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'AuthorizationErrorException', 'UnauthorizedException']);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const INVALID = new Set(['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidSignatureException', 'IncompleteSignature']);
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);
const NETWORK = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
const profileFlag = (profile: string | undefined) => (profile ? ` --profile ${profile}` : '');

/** True for errors of the SDK's credential chain (no credentials, unknown profile, expired SSO session). */
function isCredentialsError(e: { name?: unknown; message?: unknown }): boolean {
  return e.name === 'CredentialsProviderError' || e.name === 'TokenProviderError' || e.name === 'ProviderError';
}

/** The one-line explanation of an error thrown by an AWS SDK call (or by its credential chain). */
export function explainAwsError(error: unknown, ctx: CallContext): CliError {
  if (error instanceof CliError) return error;
  // The Lambdas' adapters (the registry, the secrets) wrap the SDK's error in a named one for the state
  // machines; the operator needs the AWS error itself.
  const wrapped = (error as { cause?: unknown } | undefined)?.cause;
  if (awsErrorName(error) === undefined && awsErrorName(wrapped) !== undefined) return explainAwsError(wrapped, ctx);
  const e = (error ?? {}) as { name?: string; message?: string; code?: string; cause?: { code?: string }; $metadata?: unknown; hostname?: string };
  const message = oneLine(typeof e.message === 'string' ? e.message : String(error));
  const who = ctx.profile ? `profile ${ctx.profile}` : 'the default credentials';
  const login = `run \`aws sso login${profileFlag(ctx.profile)}\`, then try again`;

  if (isCredentialsError(e) || /Token is expired|SSO session associated with this profile/.test(message)) {
    if (/SSO session associated with this profile has expired|Token is expired|SSO Token refresh failed|session .* expired/i.test(message)) {
      return new CliError(`the AWS SSO session of ${who} has expired`, EXIT.findings, login);
    }
    if (/SSO session associated with this profile is invalid/.test(message)) return new CliError(`${who} has no valid AWS SSO session`, EXIT.findings, login);
    if (ctx.profile && /Could not resolve credentials using profile|could not be found|Profile .* not found/i.test(message)) {
      return new CliError(`AWS profile "${ctx.profile}" is not in ~/.aws/config or ~/.aws/credentials`, EXIT.usage, 'check --profile (aws configure list-profiles)');
    }
    return new CliError(
      `no AWS credentials found${ctx.profile ? ` for profile ${ctx.profile}` : ''} (${message})`,
      EXIT.findings,
      'pass --profile <name>, set AWS_PROFILE, or run `aws configure` / `aws sso login`',
    );
  }

  const code = e.code ?? e.cause?.code;
  if (code && NETWORK.has(code)) {
    return new CliError(`cannot reach AWS for ${ctx.action} in ${ctx.region} (${code}${e.hostname ? ` ${e.hostname}` : ''})`, EXIT.findings, 'check the network, a proxy, or --region');
  }
  if (e.name === 'TimeoutError') return new CliError(`${ctx.action} in ${ctx.region} timed out`, EXIT.findings, 'check the network, then try again');

  const name = awsErrorName(error);
  const on = ctx.resource ? ` on ${ctx.resource}` : '';
  if (name === undefined) return new CliError(`${ctx.action}${on} failed (${message})`);
  if (EXPIRED.has(name)) {
    return new CliError(`the AWS credentials of ${who} have expired (${name})`, EXIT.findings, `refresh them (\`aws sso login${profileFlag(ctx.profile)}\`, or assume the role again)`);
  }
  if (INVALID.has(name)) {
    return new CliError(`AWS rejected the credentials of ${who} (${name}: they are wrong or deleted)`, EXIT.findings, `configure them again (aws configure${profileFlag(ctx.profile)})`);
  }
  if (ACCESS_DENIED.has(name)) {
    return new CliError(
      `access denied: ${who} may not call ${ctx.action}${on} (${message})`,
      EXIT.findings,
      'grant it (docs/deploy.md, "The IAM the operator needs") or use a profile that has it',
    );
  }
  if (name === 'ValidationError' && /Stack with id .* does not exist/.test(message)) {
    const stack = /Stack with id (\S+) does not exist/.exec(message)?.[1] ?? ctx.resource ?? 'the stack';
    return new CliError(`stack ${stack} is not deployed in ${ctx.region} of this account`, EXIT.findings, `deploy it (npx cdk deploy ${stack}${profileFlag(ctx.profile)}), or check --region and --profile`);
  }
  if (THROTTLED.has(name)) return new CliError(`AWS throttled ${ctx.action} (${name})`, EXIT.findings, 'wait a moment and try again');
  return new CliError(`${ctx.action}${on} failed (${name}: ${message})`);
}
