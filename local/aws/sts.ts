// STS for the twin. AssumeRole is decided by iam-simulate (real policy evaluation) on what the twin's IAM
// holds: the caller role's identity policies (inline + attached default versions), the target's trust policy
// as the resource policy, and the target's tags as `aws:ResourceTag/*` context (the simulator does not read
// tags itself). Sessions, expiry and the error texts are emulated; the denial text is the one the AWS SDK for
// Go v2 produces and Redpanda Connect logs (docs/reference/redpanda-connect.md §2a).
import { accountOfArn, parseRoleArn, parseSessionArn, roleArn as makeRoleArn, sessionArn as makeSessionArn, uuid, type Clock } from './common.js';
import type { IamEmulator } from './iam.js';
import { evaluate, type NamedDocument } from './policy-sim.js';

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
   * {@link StsOperationError} with the SDK's text when STS would refuse.
   */
  async assumeRole(callerArn: string, targetRoleArn: string, sessionName: string, options: { readonly durationSeconds?: number } = {}): Promise<StsSession> {
    const op = 'AssumeRole';
    if (!SESSION_NAME.test(sessionName)) {
      throw new StsOperationError(op, 400, 'ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    }
    const caller = this.callerPolicies(callerArn, op);
    const denied = () => new StsOperationError(op, 403, 'AccessDenied', `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${targetRoleArn}`);
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
    context['aws:PrincipalAccount'] = accountOfArn(callerArn);

    const result = await evaluate({
      principal: callerArn,
      action: 'sts:AssumeRole',
      resourceArn: target.arn,
      resourceAccountId: target.account,
      identityPolicies: caller.policies,
      resourcePolicy: target.trustPolicy,
      context,
    });
    if (result.decision !== 'allowed') throw denied();
    return this.issue(target.account, target.name, sessionName, callerArn, duration);
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

  private callerPolicies(callerArn: string, op: string): { policies: readonly NamedDocument[]; principalTags: Record<string, string>; principalArn: string; chained: boolean } {
    const parsed = parseSessionArn(callerArn);
    if (parsed !== undefined) {
      const known = this.sessions.get(callerArn);
      if (known === undefined) throw new StsOperationError(op, 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      if (known.expiresAt.getTime() <= this.clock().getTime()) throw new StsOperationError(op, 400, 'ExpiredToken', 'The security token included in the request is expired');
      const roleArn = makeRoleArn(parsed.account, parsed.roleName);
      const role = this.iam.getRoleByArn(roleArn);
      return { policies: this.iam.identityPolicies(roleArn), principalTags: role?.tags ?? {}, principalArn: roleArn, chained: true };
    }
    if (/^arn:aws:iam::\d{12}:user\//.test(callerArn)) return { policies: this.userPolicies(callerArn), principalTags: {}, principalArn: callerArn, chained: false };
    throw new Error(`assumeRole caller must be an assumed-role session ARN issued by the twin or an IAM user ARN, got ${callerArn}`);
  }
}
