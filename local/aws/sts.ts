// STS for the twin. AssumeRole is decided by iam-simulate (real policy evaluation) on what the twin's IAM
// holds: the caller's identity policies (inline + attached default versions) and permissions boundary, the
// target's trust policy as the resource policy, the target's tags as `aws:ResourceTag/*` context (the simulator
// does not read tags itself), and the request's `aws:SourceIp` / `aws:ViaAWSService`. A caller is a session the
// twin issued or an IAM user, by ARN or by access key. Sessions, expiry, key checks and the error texts are
// emulated; the denial text is the one the AWS SDK for Go v2 produces and Redpanda Connect logs
// (docs/reference/redpanda-connect.md §2a), with AWS's endings for explicit denies and boundaries (docs/reference/aws.md A8).
import { accountOfArn, parseRoleArn, parseSessionArn, roleArn as makeRoleArn, sessionArn as makeSessionArn, uuid, type Clock } from './common.js';
import type { IamEmulator } from './iam.js';
import { evaluate, type DenialCause, type NamedDocument } from './policy-sim.js';

export interface StsSession {
  /** `arn:aws:sts::<acct>:assumed-role/<role>/<session>` */
  readonly arn: string;
  readonly roleArn: string;
  readonly accountId: string;
  readonly roleName: string;
  readonly sessionName: string;
  /** Who assumed it: a session ARN, an IAM user, or `web-identity` (IRSA). */
  readonly assumedBy: string;
  readonly expiresAt: Date;
}

/**
 * An STS call failed; `message` is exactly what the AWS SDK for Go v2 prints (smithy OperationError wrapping
 * the HTTP response error), e.g. `operation error STS: AssumeRole, https response error StatusCode: 403,
 * RequestID: <uuid>, api error AccessDenied: User: <caller> is not authorized to perform: sts:AssumeRole on
 * resource: <role>`.
 */
export class StsOperationError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly requestId: string;
  readonly apiMessage: string;
  constructor(operation: string, statusCode: number, code: string, apiMessage: string) {
    const requestId = uuid();
    super(`operation error STS: ${operation}, https response error StatusCode: ${statusCode}, RequestID: ${requestId}, api error ${code}: ${apiMessage}`);
    this.name = 'StsOperationError';
    this.code = code;
    this.statusCode = statusCode;
    this.requestId = requestId;
    this.apiMessage = apiMessage;
  }
}

/** Role chaining caps a session at one hour (docs/reference/aws.md A4). */
const CHAINED_MAX_SECONDS = 3600;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** STS's answer to a key it does not know, a deleted key, an Inactive key and a session it did not issue. */
export const INVALID_TOKEN = 'The security token included in the request is invalid.';
/** STS's answer to a known key signed with the wrong secret. */
export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Endings AWS appends to `... is not authorized to perform: sts:AssumeRole on resource: <role>` (docs/reference/aws.md A8). */
export const DENIAL_ENDINGS: Readonly<Record<DenialCause, string>> = {
  'identity-explicit-deny': ' with an explicit deny in an identity-based policy',
  // ❓ AWS's wording for this case by analogy with the two documented ones; not in docs/reference.
  'boundary-explicit-deny': ' with an explicit deny in a permissions boundary',
  'boundary-implicit-deny': ' because no permissions boundary allows the sts:AssumeRole action',
};

export interface AssumeRoleOptions {
  readonly durationSeconds?: number;
  /** The caller's public address, for `aws:SourceIp`. */
  readonly sourceIp?: string;
}

export interface AccessKeyAssumeRoleInput extends AssumeRoleOptions {
  readonly accessKeyId: string;
  /** Compared with what IAM holds; never logged, stored or put in an error. */
  readonly secretAccessKey: string;
  readonly roleArn: string;
  readonly sessionName: string;
}

/** What the evaluation of one caller takes. */
interface CallerPolicies {
  /** As the denial names it: the session ARN, or the user ARN. */
  readonly callerArn: string;
  readonly policies: readonly NamedDocument[];
  readonly boundary: NamedDocument | undefined;
  readonly principalTags: Readonly<Record<string, string>>;
  /** The role (for a session) or the user. */
  readonly principalArn: string;
  readonly userName?: string;
  readonly chained: boolean;
}

function checkSessionName(op: string, sessionName: string): void {
  if (!SESSION_NAME.test(sessionName)) {
    throw new StsOperationError(op, 400, 'ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
  }
}

export interface StsOptions {
  /**
   * Identity policies of IAM users (the operator). Default: full administrator (`*` on `*`), emulating an
   * operator with admin credentials.
   */
  readonly userPolicies?: (userArn: string) => readonly NamedDocument[];
}

const ADMIN: NamedDocument = { name: 'AdministratorAccess', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };

export class StsEmulator {
  private readonly sessions = new Map<string, StsSession>();
  private readonly userPolicies: (userArn: string) => readonly NamedDocument[];

  constructor(
    private readonly iam: IamEmulator,
    private readonly clock: Clock,
    options: StsOptions = {},
  ) {
    this.userPolicies = options.userPolicies ?? (() => [ADMIN]);
  }

  /**
   * sts:AssumeRole as `callerArn` (a session issued by this twin, or an IAM user ARN). Throws
   * {@link StsOperationError} with the SDK's text when STS would refuse. `sourceIp` is the caller's public
   * address (`aws:SourceIp`); without it the key is absent from the request, as for a call through a VPC endpoint.
   */
  async assumeRole(callerArn: string, targetRoleArn: string, sessionName: string, options: AssumeRoleOptions = {}): Promise<StsSession> {
    const op = 'AssumeRole';
    checkSessionName(op, sessionName);
    return this.decide(op, this.callerPolicies(callerArn, op), targetRoleArn, sessionName, options);
  }

  /**
   * sts:AssumeRole signed with an IAM user's access key (a pipeline's static `aws.id`/`aws.secret`). The key is
   * checked first, as STS authenticates before it authorizes: an unknown, deleted or Inactive key is
   * `InvalidClientTokenId`, a wrong secret `SignatureDoesNotMatch`; then the call is evaluated as the user
   * (identity policies and boundary). Not role chaining: the session may last up to the role's maximum.
   */
  async assumeRoleWithAccessKey(input: AccessKeyAssumeRoleInput): Promise<StsSession> {
    const op = 'AssumeRole';
    const owner = this.iam.accessKeyOwner(input.accessKeyId);
    // Always compare, so an unknown key takes as long as a known one.
    const secretOk = this.iam.secretMatches(input.accessKeyId, input.secretAccessKey);
    if (owner === undefined || owner.status !== 'Active') throw new StsOperationError(op, 403, 'InvalidClientTokenId', INVALID_TOKEN);
    if (!secretOk) throw new StsOperationError(op, 403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH);
    checkSessionName(op, input.sessionName);
    const user = this.iam.getUserByArn(owner.userArn);
    const caller: CallerPolicies = {
      callerArn: owner.userArn,
      policies: this.iam.identityPoliciesOfUser(owner.userArn),
      boundary: this.iam.boundaryOf(owner.userArn),
      principalTags: user?.tags ?? {},
      principalArn: owner.userArn,
      userName: owner.userName,
      chained: false,
    };
    // Only what the decision needs travels on: never the secret.
    const options = { ...(input.durationSeconds !== undefined && { durationSeconds: input.durationSeconds }), ...(input.sourceIp !== undefined && { sourceIp: input.sourceIp }) };
    return this.decide(op, caller, input.roleArn, input.sessionName, options);
  }

  private async decide(op: string, caller: CallerPolicies, targetRoleArn: string, sessionName: string, options: AssumeRoleOptions): Promise<StsSession> {
    const denied = (suffix = '') =>
      new StsOperationError(op, 403, 'AccessDenied', `User: ${caller.callerArn} is not authorized to perform: sts:AssumeRole on resource: ${targetRoleArn}${suffix}`);
    const parsed = parseRoleArn(targetRoleArn);
    // STS answers a missing role exactly like a refused one.
    const target = parsed === undefined ? undefined : this.iam.getRole({ account: parsed.account, roleName: parsed.name });
    if (target === undefined) throw denied();

    const duration = options.durationSeconds ?? CHAINED_MAX_SECONDS;
    if (caller.chained && duration > CHAINED_MAX_SECONDS) {
      throw new StsOperationError(op, 400, 'ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    if (duration > target.maxSessionDuration) {
      throw new StsOperationError(op, 400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }

    const context: Record<string, string> = { 'sts:RoleSessionName': sessionName };
    for (const [k, v] of Object.entries(target.tags)) {
      // Both spellings: Redpanda's documented policy uses aws:ResourceTag, AWS's example iam:ResourceTag.
      context[`aws:ResourceTag/${k}`] = v;
      context[`iam:ResourceTag/${k}`] = v;
    }
    for (const [k, v] of Object.entries(caller.principalTags)) context[`aws:PrincipalTag/${k}`] = v;
    context['aws:PrincipalArn'] = caller.principalArn;
    context['aws:PrincipalAccount'] = accountOfArn(caller.callerArn);
    if (caller.userName !== undefined) context['aws:username'] = caller.userName;
    if (options.sourceIp !== undefined) context['aws:SourceIp'] = options.sourceIp;
    // The caller's own request, not one a service makes on its behalf.
    context['aws:ViaAWSService'] = 'false';

    const result = await evaluate({
      principal: caller.callerArn,
      action: 'sts:AssumeRole',
      resourceArn: target.arn,
      resourceAccountId: target.account,
      identityPolicies: caller.policies,
      resourcePolicy: target.trustPolicy,
      ...(caller.boundary !== undefined && { permissionBoundaryPolicies: [caller.boundary] }),
      context,
    });
    if (result.decision !== 'allowed') throw denied(result.deniedBy === undefined ? '' : DENIAL_ENDINGS[result.deniedBy]);
    return this.issue(target.account, target.name, sessionName, caller.callerArn, duration);
  }

  /**
   * A base identity handed out by a service, not by sts:AssumeRole: a pod's IRSA session
   * (AssumeRoleWithWebIdentity) or a Lambda function's execution-role session. Emulated: the service trust
   * (OIDC provider, lambda.amazonaws.com) is not evaluated; the session is simply issued for the role.
   */
  serviceSession(roleArn: string, sessionName: string, issuedBy: 'web-identity' | 'lambda.amazonaws.com', durationSeconds = CHAINED_MAX_SECONDS): StsSession {
    const parsed = parseRoleArn(roleArn);
    if (parsed === undefined) throw new Error(`not a role ARN: ${roleArn}`);
    if (this.iam.getRole({ account: parsed.account, roleName: parsed.name }) === undefined) {
      throw new StsOperationError('AssumeRoleWithWebIdentity', 403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    }
    return this.issue(parsed.account, parsed.name, sessionName, issuedBy, durationSeconds);
  }

  /** Every session issued so far (tests: who assumed which role). */
  issued(): readonly StsSession[] {
    return [...this.sessions.values()];
  }

  /** A session this twin issued and that has not expired (by the twin's clock). */
  session(arn: string): StsSession | undefined {
    const s = this.sessions.get(arn);
    return s !== undefined && s.expiresAt.getTime() > this.clock().getTime() ? s : undefined;
  }

  private issue(account: string, roleName: string, sessionName: string, assumedBy: string, durationSeconds: number): StsSession {
    const session: StsSession = {
      arn: makeSessionArn(account, roleName, sessionName),
      roleArn: makeRoleArn(account, roleName),
      accountId: account,
      roleName,
      sessionName,
      assumedBy,
      expiresAt: new Date(this.clock().getTime() + durationSeconds * 1000),
    };
    this.sessions.set(session.arn, session);
    return session;
  }

  private callerPolicies(callerArn: string, op: string): CallerPolicies {
    const parsed = parseSessionArn(callerArn);
    if (parsed !== undefined) {
      const known = this.sessions.get(callerArn);
      if (known === undefined) throw new StsOperationError(op, 403, 'InvalidClientTokenId', INVALID_TOKEN);
      if (known.expiresAt.getTime() <= this.clock().getTime()) throw new StsOperationError(op, 400, 'ExpiredToken', 'The security token included in the request is expired');
      const roleArn = makeRoleArn(parsed.account, parsed.roleName);
      const role = this.iam.getRoleByArn(roleArn);
      return {
        callerArn,
        policies: this.iam.identityPolicies(roleArn),
        boundary: this.iam.boundaryOf(roleArn),
        principalTags: role?.tags ?? {},
        principalArn: roleArn,
        chained: true,
      };
    }
    const user = /^arn:aws:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(callerArn);
    if (user !== null) {
      // A user the twin's IAM holds is evaluated on what it holds; any other is an operator (StsOptions.userPolicies).
      const known = this.iam.getUserByArn(callerArn);
      if (known !== undefined) {
        return {
          callerArn,
          policies: this.iam.identityPoliciesOfUser(callerArn),
          boundary: this.iam.boundaryOf(callerArn),
          principalTags: known.tags,
          principalArn: callerArn,
          userName: known.name,
          chained: false,
        };
      }
      return { callerArn, policies: this.userPolicies(callerArn), boundary: undefined, principalTags: {}, principalArn: callerArn, userName: user[1]!, chained: false };
    }
    throw new Error(`assumeRole caller must be an assumed-role session ARN issued by the twin or an IAM user ARN, got ${callerArn}`);
  }
}
