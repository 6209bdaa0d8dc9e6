// Port: what the provisioning steps need from Redpanda Cloud (control plane v1 + per-cluster data plane v1).
// Implemented over HTTPS by `lambdas/adapters/redpanda/` and served offline by `local/redpanda-cloud/`.
// Facts: docs/reference/redpanda-cloud.md. Every `ensure*` is get-or-create and safe to re-run;
// every `delete*` tolerates "already gone"; nothing that is not the link's own is ever modified or deleted.
//
// Ownership, per kind (how a re-run recognises what the link already owns):
// - pipeline: tags `managed-by: rpcn-aurora` and `rpcn-aurora-link: <link>`; looked up by its display name.
// - secret:   labels `managed-by: rpcn-aurora` and `rpcn-aurora-link: <link>` (labels are immutable in Redpanda).
// - user:     users carry no labels, so the name is the mark: only `rpcn-aurora-<link>` belongs to the link.
// - ACL:      ACLs whose principal is the link's user `User:rpcn-aurora-<link>`; an identical ACL is the same ACL.
// - topic:    topics carry no labels or owner. An existing topic is adopted only when its partition count,
//             replication factor and every requested config match; otherwise it is a conflict. Adoption is
//             reported (`outcome: 'adopted'`) so the link record can remember that the link did NOT create it,
//             and teardown deletes a topic only when the record says the link created it.

/** Tag (pipelines) and label (secrets) whose value is the owning link's name; `managed-by` carries MANAGED_BY. */
export const REDPANDA_LINK_LABEL = 'rpcn-aurora-link';
export const REDPANDA_MANAGED_BY_LABEL = 'managed-by';

/** Narrow logger the adapter writes to (structurally compatible with the Powertools Logger). */
export interface RedpandaLogger {
  debug(message: string, attrs?: Record<string, unknown>): void;
  info(message: string, attrs?: Record<string, unknown>): void;
  warn(message: string, attrs?: Record<string, unknown>): void;
  error(message: string, attrs?: Record<string, unknown>): void;
}

/**
 * The Redpanda Cloud API token the steps share, held by reference in a store only the credential-reading steps
 * may read or write (Secrets Manager in AWS): never in Step Functions state, a log line or an error.
 */
export interface SharedApiToken {
  /** Hash of auth URL, audience and client id: a token minted for other credentials is not used. */
  readonly key: string;
  readonly accessToken: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}
export interface SharedTokenStore {
  /** Undefined when nothing is stored yet. */
  read(): Promise<SharedApiToken | undefined>;
  write(token: SharedApiToken): Promise<void>;
}

export type ClusterType = 'TYPE_DEDICATED' | 'TYPE_BYOC' | (string & {});
export type CloudProvider = 'CLOUD_PROVIDER_AWS' | 'CLOUD_PROVIDER_GCP' | 'CLOUD_PROVIDER_AZURE' | (string & {});
export type ClusterState =
  | 'STATE_CREATING_AGENT'
  | 'STATE_CREATING'
  | 'STATE_READY'
  | 'STATE_DELETING'
  | 'STATE_DELETING_AGENT'
  | 'STATE_UPGRADING'
  | 'STATE_FAILED'
  | 'STATE_SUSPENDED'
  | (string & {});

/** The facts about a Redpanda cluster the link needs. */
export interface RedpandaCluster {
  readonly id: string;
  readonly name: string;
  readonly type: ClusterType;
  readonly state: ClusterState;
  readonly region: string;
  readonly cloudProvider: CloudProvider;
  /** Public egress IPs of the cluster (what a public Aurora sees). */
  readonly natGateways: readonly string[];
  /** `cluster.dataplane_api.url`; empty when the cluster has none yet. */
  readonly dataplaneApiUrl: string;
  /** `NETWORK_ACCESS_MODE_PUBLIC` | `NETWORK_ACCESS_MODE_PRIVATE` (how the data plane API is exposed). */
  readonly apiGatewayAccess: string;
  readonly redpandaConnectVersion?: string;
  /**
   * `customer_managed_resources.aws.permissions_boundary_policy.arn` (BYOVPC): a boundary Redpanda puts on the
   * pipeline role that leaves no room for sts:AssumeRole, so identity mode `pipeline-role` cannot work there.
   */
  readonly permissionsBoundaryPolicyArn?: string;
  readonly allowedDestinationCidrPorts: readonly { cidr: string; portStart: number; portEnd: number }[];
  /** The Redpanda network the cluster runs in (`network_id`), for its CIDR. */
  readonly networkId?: string;
}

/** A control-plane long-running operation (`GET /v1/operations/{id}`). */
export interface CloudOperation {
  readonly id: string;
  readonly state: 'STATE_IN_PROGRESS' | 'STATE_COMPLETED' | 'STATE_FAILED' | (string & {});
  /** `error.message` of a failed operation. */
  readonly error?: string;
}

/** Result of a get-or-create. */
export type EnsureOutcome = 'created' | 'adopted' | 'updated';
export interface Ensured<T> {
  readonly outcome: EnsureOutcome;
  readonly resource: T;
}
export type DeleteOutcome = 'deleted' | 'absent';

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  readonly configs?: Readonly<Record<string, string>>;
}
export interface Topic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}

export type SaslMechanism = 'SASL_MECHANISM_SCRAM_SHA_256' | 'SASL_MECHANISM_SCRAM_SHA_512';
export interface UserSpec {
  /** Must be the link-derived name `rpcn-aurora-<link>` (see ownership above). */
  readonly name: string;
  readonly password: string;
  /** @default 'SASL_MECHANISM_SCRAM_SHA_256' */
  readonly mechanism?: SaslMechanism;
}
export interface User {
  readonly name: string;
  readonly mechanism: SaslMechanism;
}

export type AclResourceType =
  | 'RESOURCE_TYPE_TOPIC'
  | 'RESOURCE_TYPE_GROUP'
  | 'RESOURCE_TYPE_CLUSTER'
  | 'RESOURCE_TYPE_TRANSACTIONAL_ID'
  | 'RESOURCE_TYPE_DELEGATION_TOKEN'
  | 'RESOURCE_TYPE_USER'
  | 'RESOURCE_TYPE_REGISTRY'
  | 'RESOURCE_TYPE_SUBJECT';
export type AclPatternType = 'RESOURCE_PATTERN_TYPE_LITERAL' | 'RESOURCE_PATTERN_TYPE_PREFIXED';
export type AclOperation =
  | 'OPERATION_ALL'
  | 'OPERATION_READ'
  | 'OPERATION_WRITE'
  | 'OPERATION_CREATE'
  | 'OPERATION_DELETE'
  | 'OPERATION_ALTER'
  | 'OPERATION_DESCRIBE'
  | 'OPERATION_CLUSTER_ACTION'
  | 'OPERATION_DESCRIBE_CONFIGS'
  | 'OPERATION_ALTER_CONFIGS'
  | 'OPERATION_IDEMPOTENT_WRITE';
export type AclPermission = 'PERMISSION_TYPE_ALLOW' | 'PERMISSION_TYPE_DENY';

/** One fully specified ACL binding; no field is a wildcard filter, so a delete never matches more than it. */
export interface AclBinding {
  readonly resourceType: AclResourceType;
  /** `kafka-cluster` for RESOURCE_TYPE_CLUSTER. */
  readonly resourceName: string;
  readonly patternType: AclPatternType;
  /** `User:<name>`; must be the link's user. */
  readonly principal: string;
  /** Usually `*`. */
  readonly host: string;
  readonly operation: AclOperation;
  readonly permission: AclPermission;
}

export type SecretScope = 'SCOPE_REDPANDA_CONNECT' | 'SCOPE_REDPANDA_CLUSTER' | 'SCOPE_MCP_SERVER' | 'SCOPE_AI_AGENT' | 'SCOPE_AI_GATEWAY';
export interface SecretSpec {
  /** `^[A-Z][A-Z0-9_]*$`, at most 255 characters. */
  readonly id: string;
  /** The plain value; the adapter base64-encodes it. Never logged. */
  readonly value: string;
  /** @default ['SCOPE_REDPANDA_CONNECT'] */
  readonly scopes?: readonly SecretScope[];
}
export interface Secret {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly scopes: readonly SecretScope[];
}

export type PipelineState =
  | 'STATE_STARTING'
  | 'STATE_RUNNING'
  | 'STATE_STOPPING'
  | 'STATE_STOPPED'
  | 'STATE_ERROR'
  | 'STATE_COMPLETED'
  | 'STATE_UNSPECIFIED';
export interface PipelineResources {
  readonly memoryShares: string;
  readonly cpuShares: string;
}
export interface PipelineSpec {
  /** 3-128 characters `^[A-Za-z0-9-_ /]+$`; the link's pipeline is found by this name. */
  readonly displayName: string;
  readonly description?: string;
  readonly configYaml: string;
  readonly resources?: PipelineResources;
  /** Extra tags; the ownership tags are added by the adapter and cannot be overridden. */
  readonly tags?: Readonly<Record<string, string>>;
}
export interface Pipeline {
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
  readonly configYaml: string;
  readonly state: PipelineState;
  /** `status.error`; empty when none. */
  readonly statusError: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly resources?: PipelineResources;
  readonly url: string;
}
export interface LintHint {
  readonly line: number;
  readonly column: number;
  readonly hint: string;
  readonly lintType: string;
}
export interface WaitOptions {
  /** Give up after this long. @default 120000 */
  readonly timeoutMs?: number;
  /** First poll interval; doubles with jitter. @default 1000 */
  readonly initialDelayMs?: number;
  /** @default 15000 */
  readonly maxDelayMs?: number;
}
export interface UpdatePipelineOptions {
  /** Start the pipeline again after the update if it was running before. @default true */
  readonly restart?: boolean;
  readonly wait?: WaitOptions;
}

/** Operations against one cluster's data plane. `link` is the link name that owns what is created. */
export interface RedpandaDataPlane {
  readonly url: string;

  ensureTopic(link: string, spec: TopicSpec): Promise<Ensured<Topic>>;
  /** Undefined when no topic has exactly this name. */
  getTopic(name: string): Promise<Topic | undefined>;
  /** Deletes by name. Callers decide ownership from the link record (topics carry no owner). */
  deleteTopic(name: string): Promise<DeleteOutcome>;

  /** Creates the link's SCRAM user, or adopts it and sets the given password (the API never returns one). */
  ensureUser(link: string, spec: UserSpec): Promise<Ensured<User>>;
  deleteUser(link: string, name: string): Promise<DeleteOutcome>;

  /** Creates the bindings that are missing; each binding's principal must be the link's user. */
  ensureAcls(link: string, bindings: readonly AclBinding[]): Promise<{ created: number; existing: number }>;
  listAcls(principal: string): Promise<AclBinding[]>;
  /** Deletes exactly these bindings (every filter field named). */
  deleteAcls(link: string, bindings: readonly AclBinding[]): Promise<{ deleted: number }>;

  /** The secret's id, labels and scopes (Redpanda never returns a value), or undefined when there is none. */
  getSecret(id: string): Promise<Secret | undefined>;
  /** Creates the secret or, when it is the link's, updates its value and scopes (`outcome: 'updated'`). */
  ensureSecret(link: string, spec: SecretSpec): Promise<Ensured<Secret>>;
  deleteSecret(link: string, id: string): Promise<DeleteOutcome>;

  /** Empty when the config is clean. */
  lintConfig(configYaml: string): Promise<LintHint[]>;
  /** Creates the link's pipeline, adopts it when it already matches, or updates it (stop first) when it differs. */
  ensurePipeline(link: string, spec: PipelineSpec, options?: UpdatePipelineOptions): Promise<Ensured<Pipeline>>;
  /** The link's pipeline by display name, or undefined. Throws RedpandaConflictError when the name is taken by another owner. */
  findPipeline(link: string, displayName: string): Promise<Pipeline | undefined>;
  getPipeline(id: string): Promise<Pipeline>;
  /** Stops the pipeline first when it runs, updates it, then restarts it (unless `restart: false`). */
  updatePipeline(link: string, id: string, spec: PipelineSpec, options?: UpdatePipelineOptions): Promise<Pipeline>;
  /** No call when already STARTING or RUNNING. */
  startPipeline(id: string): Promise<Pipeline>;
  /** No call when already STOPPING, STOPPED or COMPLETED. */
  stopPipeline(id: string): Promise<Pipeline>;
  /** Stops (and waits) when running, then deletes; refuses a pipeline that is not the link's. */
  deletePipeline(link: string, id: string, wait?: WaitOptions): Promise<DeleteOutcome>;
  /** Polls with backoff until `target`; STATE_ERROR fails at once (PipelineErrorStateError), the deadline with PipelineWaitTimeoutError. */
  waitForPipelineState(id: string, target: PipelineState, options?: WaitOptions): Promise<Pipeline>;
}

export interface RedpandaCloud {
  /**
   * The cluster, refused with RedpandaClusterNotUsableError unless it is BYOC on AWS, STATE_READY, and its
   * data plane API has a URL that this caller can reach.
   */
  getCluster(clusterId: string): Promise<RedpandaCluster>;
  /** The cluster as it is, without the usability checks (teardown, diagnosis). */
  describeCluster(clusterId: string): Promise<RedpandaCluster>;
  /** Data plane client for `cluster.dataplane_api.url`. */
  dataPlane(dataplaneApiUrl: string): RedpandaDataPlane;
  /**
   * Replace the cluster's egress allowlist (`redpanda_connect.allowed_destination_cidr_ports`, PATCH with an
   * update mask naming only that field). Callers read the cluster first and send the merged list.
   */
  updateAllowedDestinations(clusterId: string, entries: readonly { cidr: string; portStart: number; portEnd: number }[]): Promise<CloudOperation>;
  getOperation(operationId: string): Promise<CloudOperation>;
  /** Polls with backoff until the operation leaves STATE_IN_PROGRESS or the wait ends; returns it as last seen. */
  waitForOperation(operationId: string, options?: WaitOptions): Promise<CloudOperation>;
  /** The Redpanda network's `cidr_block`, undefined when the network reports none. */
  getNetworkCidr(networkId: string): Promise<string | undefined>;
}
