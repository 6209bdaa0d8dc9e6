// The offline twin's pipeline emulator (EMULATED Redpanda Connect; see emulator.ts for what it is and is not).
export { PipelineEmulator, type PipelineEmulatorOptions } from './emulator.js';
export { NO_IDENTITY, type BaseCredentials, type EmulatorAws } from './iam-chain.js';
export { LOGS_TOPIC, type ConnectLogRecord, type LogLevel } from './logs.js';
export { allowlistAdmits, dialTimeoutText, type DialTarget, type EmulatorNetwork, type NetworkDrop } from './network.js';
export { MYSQL_BINLOG_NOT_EMULATED } from './mysql.js';
export { pgDialTimeoutText } from './postgres.js';
export { SASL_AUTHENTICATION_FAILED, TOPIC_AUTHORIZATION_FAILED, UNKNOWN_TOPIC_OR_PARTITION, topicAclAllows } from './output.js';
export { interpolateEnv, loadPipelineConfig, ConfigError } from './config.js';
export type { TopicMessage } from '../redpanda-cloud/state.js';
