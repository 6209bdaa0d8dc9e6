// The in-memory AWS side of the offline twin. See twin.ts for what is real and what is emulated.
export {
  AwsTwin,
  DEFAULT_REDPANDA_NETWORK_CIDR,
  TWIN_DB_ROUTE_TABLE_ID,
  TWIN_DB_SUBNET_GROUP,
  TWIN_INTERNET_GATEWAY_ID,
  TWIN_MAIN_ROUTE_TABLE_ID,
  TWIN_PEERING_ID,
  TWIN_SUBNETS,
  TWIN_TRANSIT_GATEWAY_ATTACHMENT_ID,
  TWIN_TRANSIT_GATEWAY_ID,
  TWIN_VPC_CIDR,
  TWIN_VPC_ID,
  type AccountRef,
  type AwsTwinOptions,
  type DatabaseAddress,
  type TwinNetworkOptions,
  type TwinPorts,
} from './twin.js';
export { NetworkEmulator, type RouteTargetKind } from './ec2.js';
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
export { DEFAULT_DB_SUBNET_GROUP, RdsEmulator, type ClusterAddresses, type RdsNetwork, type RdsOptions, type RegisterClusterInput } from './rds.js';
