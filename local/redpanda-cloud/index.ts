// Local Redpanda Cloud (emulated, spec-checked): see server.ts.
export { startLocalRedpandaCloud, type LocalRedpandaCloud, type LocalRedpandaCloudOptions, type RecordedRequest, type ServerLogger } from './server.js';
export { Faults, TOKEN_OPERATION, type FaultRule } from './faults.js';
export { DataPlaneState, lintPipelineYaml, type ClusterConfig, type PipelineRecord, type TopicRecord, type UserRecord, type SecretRecord, type AclRecord } from './state.js';
export {
  OpenApiValidator,
  sharedValidator,
  convertSchema,
  SPEC_REQUIRED_WITHOUT_PROPERTY,
  WIRE_BODY_NOT_REQUIRED,
  WIRE_QUERY_PARAMETERS,
  WIRE_RESPONSE_SCHEMAS,
  WIRE_WRAPPED_RESPONSES,
  type Violation,
} from './openapi-validator.js';
