// The in-memory AWS side of the offline twin. See twin.ts for what is real and what is emulated.
export { AwsTwin, type AwsTwinOptions, type TwinPorts, type AccountRef } from './twin.js';
export { FaultInjector, type FaultSpec, type FaultTarget, type NamedErrorName } from './faults.js';
export { DENIAL_ENDINGS, INVALID_TOKEN, SIGNATURE_MISMATCH, StsOperationError, type AccessKeyAssumeRoleInput, type AssumeRoleOptions, type StsSession } from './sts.js';
export { ACCESS_KEYS_PER_USER, type AccessKeyStatus, type CreatedAccessKey, type UserState } from './iam.js';
export {
  AuthTokenEndpointError,
  DbConnectionRefusedError,
  DbLoginRefusedError,
  parseTokenEndpoint,
  TOKEN_LIFETIME_MS,
  type RdsIamLoginInput,
  type RdsIamLoginResult,
} from './rds-iam-auth.js';
export { type IamCloudTrailEvent, type IamEventListener, type UserIdentity } from './events.js';
export { HEALER_ROLE_NAME, INSPECTOR_ROLE_NAME, REDPANDA_ACCESS_STACK_NAME } from './iam-ports.js';
export { TwinAwsError } from './common.js';
export { type RdsOptions, type RegisterClusterInput } from './rds.js';
