import { DatabaseResumingException } from '@aws-sdk/client-rds-data';
import { InvalidDBClusterStateFault, RDSServiceException } from '@aws-sdk/client-rds';
import { NoSuchEntityException } from '@aws-sdk/client-iam';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { awsErrorName, isAwsError, mapAwsError } from '../../lambdas/adapters/aws/errors.js';
import { TRANSIENT_AWS_ERRORS } from '../../lambdas/core/errors.js';

const meta = { $metadata: {} };

/** An error as the SDK builds it for a code it did not model. */
function unmodelled(name: string, message = `${name} happened`): Error {
  return new EC2ServiceException({ name, $fault: 'client', message, ...meta });
}

describe('mapAwsError', () => {
  test.each(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException'])(
    '%s -> AwsThrottledError (retried)',
    (name) => {
      const mapped = mapAwsError(unmodelled(name), { action: 'x:Call' });
      expect(mapped.name).toBe('AwsThrottledError');
      expect(TRANSIENT_AWS_ERRORS).toContain(mapped.name);
    },
  );

  test('a modelled throttling exception keeps its cause', () => {
    const original = new ProvisionedThroughputExceededException({ message: 'slow down', ...meta });
    const mapped = mapAwsError(original, { action: 'dynamodb:UpdateItem', resource: 'Links/orders' });
    expect(mapped.name).toBe('AwsThrottledError');
    expect(mapped.cause).toBe(original);
    expect(mapped.message).toBe('dynamodb:UpdateItem on Links/orders failed: ProvisionedThroughputExceededException: slow down');
  });

  test('an error the SDK flags as throttling is throttling whatever its name', () => {
    const e = unmodelled('SomethingNew');
    (e as unknown as { $retryable: { throttling: boolean } }).$retryable = { throttling: true };
    expect(mapAwsError(e, { action: 'x:Call' }).name).toBe('AwsThrottledError');
  });

  test('quota errors are not throttling', () => {
    expect(mapAwsError(unmodelled('LimitExceededException'), { action: 'iam:CreateRole' }).name).toBe('LimitExceededException');
  });

  test('DatabaseResumingException -> DatabaseResumingError (retried)', () => {
    const mapped = mapAwsError(new DatabaseResumingException({ message: 'resuming', ...meta }), { action: 'rds-data:ExecuteStatement' });
    expect(mapped.name).toBe('DatabaseResumingError');
    expect(TRANSIENT_AWS_ERRORS).toContain(mapped.name);
  });

  test.each(['DatabaseUnavailableException', 'HttpEndpointNotEnabledException', 'StatementTimeoutException', 'ServiceUnavailableError', 'InternalServerErrorException'])(
    '%s -> DataApiUnavailableError (retried)',
    (name) => {
      const mapped = mapAwsError(unmodelled(name), { action: 'rds-data:ExecuteStatement' });
      expect(mapped.name).toBe('DataApiUnavailableError');
      expect(TRANSIENT_AWS_ERRORS).toContain(mapped.name);
    },
  );

  test('MalformedPolicyDocument: Invalid principal -> TrustPrincipalNotFoundError naming the principal (not retried)', () => {
    const principal = 'arn:aws:iam::861276079005:role/redpanda-wrongcluster-redpanda-connect-pipeline';
    const mapped = mapAwsError(unmodelled('MalformedPolicyDocumentException', `Invalid principal in policy: "AWS":"${principal}"`), { action: 'iam:CreateRole', resource: 'rpcn-aurora-x-db-connect' });
    expect(mapped.name).toBe('TrustPrincipalNotFoundError');
    expect(mapped.message).toContain(`its principal ${principal} does not exist`);
    expect(mapped.message).toContain('[trust-principal-not-found]');
    expect(mapped.message).toContain('redpanda.clusterId');
    expect(TRANSIENT_AWS_ERRORS).not.toContain(mapped.name);
    const user = mapAwsError(unmodelled('MalformedPolicyDocument', 'Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:user/rpcn-aurora/rpcn-aurora-x-connector"'), { action: 'iam:UpdateAssumeRolePolicy' });
    expect(user.message).toContain('connector user exists');
    const own = mapAwsError(unmodelled('MalformedPolicyDocument', 'Invalid principal in policy: "AWS":"arn:aws:iam::222222222222:role/eks/connect-cdc"'), { action: 'iam:CreateRole' });
    expect(own.message).toContain('identity.roleArn');
  });

  test('AccessDenied on a resource we created: propagation for 3 minutes, then AccessStillDeniedError; long after, StepAccessDeniedError', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    const at = (msAgo: number) => ({ action: 'iam:PutRolePolicy', resource: 'r/p', ownCreatedAt: new Date(now.getTime() - msAgo), now });
    const early = mapAwsError(unmodelled('AccessDenied'), at(20_000));
    expect(early.name).toBe('IamPropagationError');
    expect(early.message).toContain('20 s after r/p was created by this workflow');
    expect(TRANSIENT_AWS_ERRORS).toContain(early.name);
    const late = mapAwsError(unmodelled('UnauthorizedOperation'), at(3 * 60_000 + 5_000));
    expect(late.name).toBe('AccessStillDeniedError');
    expect(late.message).toContain('[access-denied-after-create]');
    expect(late.message).toContain('access still denied 3 minutes after r/p was created');
    expect(TRANSIENT_AWS_ERRORS).not.toContain(late.name);
    expect(mapAwsError(unmodelled('AccessDenied'), at(60 * 60_000)).name).toBe('StepAccessDeniedError');
    expect(mapAwsError(unmodelled('AccessDenied'), { action: 'iam:PutRolePolicy', afterOwnCreate: true }).name).toBe('StepAccessDeniedError');
  });

  test('another MalformedPolicyDocument keeps its AWS name', () => {
    expect(mapAwsError(unmodelled('MalformedPolicyDocument', 'Syntax errors in policy.'), { action: 'iam:PutRolePolicy' }).name).toBe('MalformedPolicyDocument');
  });

  test.each([
    ['InvalidDBClusterStateFault', new InvalidDBClusterStateFault({ message: 'busy', ...meta })],
    ['InvalidDBInstanceStateFault', unmodelled('InvalidDBInstanceStateFault')],
    ['InvalidDBParameterGroupState (wire code)', unmodelled('InvalidDBParameterGroupState')],
    ['ConcurrentModification', unmodelled('ConcurrentModificationException')],
  ])('%s -> ResourceBusyError (retried)', (_label, error) => {
    const mapped = mapAwsError(error, { action: 'rds:Call' });
    expect(mapped.name).toBe('ResourceBusyError');
    expect(TRANSIENT_AWS_ERRORS).toContain(mapped.name);
  });

  test('the wire code is checked as well as the modelled name', () => {
    const e = new RDSServiceException({ name: 'SomeModelledFault', $fault: 'client', message: 'busy', ...meta });
    (e as unknown as { Code: string }).Code = 'InvalidDBInstanceState';
    expect(mapAwsError(e, { action: 'rds:DeleteDBInstance' }).name).toBe('ResourceBusyError');
  });

  test.each(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'])('%s -> StepAccessDeniedError (not retried)', (name) => {
    const mapped = mapAwsError(unmodelled(name, 'not authorized to perform rds:CreateDBCluster'), { action: 'rds:CreateDBCluster', resource: 'c1' });
    expect(mapped.name).toBe('StepAccessDeniedError');
    expect(TRANSIENT_AWS_ERRORS).not.toContain(mapped.name);
    expect(mapped.message).toContain('rds:CreateDBCluster on c1');
    expect(mapped.message).toContain('deployment problem');
  });

  test('NoSuchEntity after our own create -> IamPropagationError; otherwise it keeps its name', () => {
    const e = new NoSuchEntityException({ message: 'role not found', ...meta });
    expect(mapAwsError(e, { action: 'iam:PutRolePolicy', afterOwnCreate: true }).name).toBe('IamPropagationError');
    expect(mapAwsError(e, { action: 'iam:PutRolePolicy' }).name).toBe('NoSuchEntityException');
  });

  test('an unmapped AWS error keeps its AWS name, names the action and keeps the cause', () => {
    const original = unmodelled('DBClusterQuotaExceededFault', 'too many clusters');
    const mapped = mapAwsError(original, { action: 'rds:CreateDBCluster', resource: 'rpcn-aurora-orders' });
    expect(mapped.name).toBe('DBClusterQuotaExceededFault');
    expect(mapped.message).toBe('rds:CreateDBCluster on rpcn-aurora-orders failed: DBClusterQuotaExceededFault: too many clusters');
    expect(mapped.cause).toBe(original);
  });

  test('a non-AWS error is returned unchanged', () => {
    const bug = new TypeError('x is undefined');
    expect(mapAwsError(bug, { action: 'x:Call' })).toBe(bug);
    expect(mapAwsError('weird', { action: 'x:Call' }).message).toBe('x:Call: weird');
  });
});

describe('awsErrorName / isAwsError', () => {
  test('only SDK service errors have an AWS name', () => {
    expect(awsErrorName(unmodelled('InvalidGroup.NotFound'))).toBe('InvalidGroup.NotFound');
    expect(awsErrorName(new Error('plain'))).toBeUndefined();
    expect(awsErrorName(undefined)).toBeUndefined();
  });

  test('isAwsError matches the name or the wire code', () => {
    const e = unmodelled('DBInstanceNotFoundFault');
    expect(isAwsError(e, 'DBInstanceNotFoundFault')).toBe(true);
    expect(isAwsError(e, 'Other')).toBe(false);
    (e as unknown as { Code: string }).Code = 'DBInstanceNotFound';
    expect(isAwsError(e, 'DBInstanceNotFound')).toBe(true);
  });
});
