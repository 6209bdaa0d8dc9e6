// Control plane v1: GET /v1/clusters/{id} (docs/reference/redpanda-cloud.md §2.1). The response is `{"cluster": Cluster}`.
import type { CloudOperation, RedpandaCluster, RedpandaLogger } from '../../ports/redpanda.js';
import { RedpandaClusterNotUsableError, RedpandaError, RedpandaNotFoundError } from './errors.js';
import { type HttpClient, expectObject } from './http.js';

export const DEFAULT_CONTROL_PLANE_URL = 'https://api.redpanda.com';

const CLUSTER_ID = /^[A-Za-z0-9-_]+$/;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Strict parse of `{"cluster": Cluster}` into the fields the link needs. */
export function parseCluster(body: unknown, request: string): RedpandaCluster {
  const outer = expectObject(body, request);
  const c = outer.cluster;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) {
    throw new RedpandaError(`${request}: response has no "cluster" object`, { request });
  }
  const cluster = c as Record<string, unknown>;
  if (typeof cluster.id !== 'string' || cluster.id.length === 0) throw new RedpandaError(`${request}: cluster has no id`, { request });
  const nat = Array.isArray(cluster.nat_gateways) ? cluster.nat_gateways.filter((x): x is string => typeof x === 'string') : [];
  const dataplane = cluster.dataplane_api as Record<string, unknown> | null | undefined;
  const connect = cluster.redpanda_connect as Record<string, unknown> | null | undefined;
  const managed = cluster.customer_managed_resources as { aws?: { permissions_boundary_policy?: { arn?: unknown } | null } | null } | null | undefined;
  const boundary = managed?.aws?.permissions_boundary_policy?.arn;
  const cidrs = Array.isArray(connect?.allowed_destination_cidr_ports) ? (connect.allowed_destination_cidr_ports as Record<string, unknown>[]) : [];
  return {
    id: cluster.id,
    name: str(cluster.name),
    type: str(cluster.type),
    state: str(cluster.state),
    region: str(cluster.region),
    cloudProvider: str(cluster.cloud_provider),
    natGateways: nat,
    dataplaneApiUrl: str(dataplane?.url),
    apiGatewayAccess: str(cluster.api_gateway_access),
    ...(typeof connect?.version === 'string' ? { redpandaConnectVersion: connect.version } : {}),
    ...(typeof boundary === 'string' && boundary !== '' ? { permissionsBoundaryPolicyArn: boundary } : {}),
    allowedDestinationCidrPorts: cidrs.map((e) => ({ cidr: str(e.cidr), portStart: Number(e.port_start ?? 0), portEnd: Number(e.port_end ?? 0) })),
    ...(typeof cluster.network_id === 'string' && cluster.network_id !== '' ? { networkId: cluster.network_id } : {}),
  };
}

/** `{"operation": v1.Operation}` into the fields a caller waits on. */
export function parseOperation(body: unknown, request: string): CloudOperation {
  const outer = expectObject(body, request);
  const op = outer.operation as Record<string, unknown> | null | undefined;
  if (typeof op !== 'object' || op === null || typeof op.id !== 'string') throw new RedpandaError(`${request}: response has no "operation" with an id`, { request });
  const error = op.error as { message?: unknown } | null | undefined;
  return { id: op.id, state: str(op.state), ...(typeof error?.message === 'string' && error.message !== '' ? { error: error.message } : {}) };
}

export interface ControlPlaneOptions {
  readonly http: HttpClient;
  readonly baseUrl: string;
  readonly authorization: () => Promise<string>;
  readonly onUnauthorized: () => void;
  readonly logger: RedpandaLogger;
  /** Checks that the data plane URL answers (used when the API gateway is private). */
  readonly probeDataPlane: (url: string) => Promise<string | undefined>;
}

export class ControlPlane {
  constructor(private readonly options: ControlPlaneOptions) {}

  async describeCluster(clusterId: string): Promise<RedpandaCluster> {
    if (!CLUSTER_ID.test(clusterId)) {
      throw new RedpandaNotFoundError(`Redpanda cluster id "${clusterId}" is not a valid id`, { request: 'GET /v1/clusters/{id}' });
    }
    const path = `/v1/clusters/${encodeURIComponent(clusterId)}`;
    try {
      const res = await this.options.http.request({
        method: 'GET',
        baseUrl: this.options.baseUrl,
        path,
        authorization: this.options.authorization,
        onUnauthorized: this.options.onUnauthorized,
      });
      return parseCluster(res.body, `GET ${path}`);
    } catch (err) {
      if (err instanceof RedpandaNotFoundError) {
        throw new RedpandaNotFoundError(
          `Redpanda cluster ${clusterId} was not found in the organization of these credentials (check redpanda.clusterId and the service account's organization)`,
          { status: 404, ...(err.code !== undefined ? { code: err.code } : {}), ...(err.reason !== undefined ? { reason: err.reason } : {}), request: `GET ${path}` },
        );
      }
      throw err;
    }
  }

  /**
   * PATCH the cluster's egress allowlist. The update mask names that one field, so nothing else of the cluster
   * can change whatever else the body holds (docs/reference/redpanda-cloud.md §11).
   */
  async updateAllowedDestinations(clusterId: string, entries: readonly { cidr: string; portStart: number; portEnd: number }[]): Promise<CloudOperation> {
    if (!CLUSTER_ID.test(clusterId)) throw new RedpandaNotFoundError(`Redpanda cluster id "${clusterId}" is not a valid id`, { request: 'PATCH /v1/clusters/{cluster.id}' });
    const path = `/v1/clusters/${encodeURIComponent(clusterId)}`;
    const res = await this.options.http.request({
      method: 'PATCH',
      baseUrl: this.options.baseUrl,
      path,
      query: [['update_mask', 'redpanda_connect.allowed_destination_cidr_ports']],
      body: {
        redpanda_connect: {
          allowed_destination_cidr_ports: entries.map((e) => ({ cidr: e.cidr, port_start: e.portStart, ...(e.portEnd ? { port_end: e.portEnd } : {}) })),
        },
      },
      authorization: this.options.authorization,
      onUnauthorized: this.options.onUnauthorized,
    });
    const operation = parseOperation(res.body, `PATCH ${path}`);
    this.options.logger.info('redpanda cluster egress allowlist update requested', { clusterId, entries: entries.length, operationId: operation.id });
    return operation;
  }

  async getOperation(operationId: string): Promise<CloudOperation> {
    const path = `/v1/operations/${encodeURIComponent(operationId)}`;
    const res = await this.options.http.request({ method: 'GET', baseUrl: this.options.baseUrl, path, authorization: this.options.authorization, onUnauthorized: this.options.onUnauthorized });
    return parseOperation(res.body, `GET ${path}`);
  }

  async getNetworkCidr(networkId: string): Promise<string | undefined> {
    const path = `/v1/networks/${encodeURIComponent(networkId)}`;
    const res = await this.options.http.request({ method: 'GET', baseUrl: this.options.baseUrl, path, authorization: this.options.authorization, onUnauthorized: this.options.onUnauthorized });
    const network = expectObject(res.body, `GET ${path}`).network as Record<string, unknown> | null | undefined;
    const cidr = network?.cidr_block;
    return typeof cidr === 'string' && cidr !== '' ? cidr : undefined;
  }

  async getCluster(clusterId: string): Promise<RedpandaCluster> {
    const cluster = await this.describeCluster(clusterId);
    const problems = usabilityProblems(cluster);
    if (problems.length === 0 && cluster.apiGatewayAccess === 'NETWORK_ACCESS_MODE_PRIVATE') {
      const failure = await this.options.probeDataPlane(cluster.dataplaneApiUrl);
      if (failure !== undefined) {
        problems.push(
          `its data plane API is private (api_gateway_access NETWORK_ACCESS_MODE_PRIVATE) and ${cluster.dataplaneApiUrl} is not reachable from here (${failure}); run the Lambdas in a VPC with a network path to the cluster, or make the API gateway public`,
        );
      }
    }
    if (problems.length > 0) {
      throw new RedpandaClusterNotUsableError(`Redpanda cluster ${cluster.id} (${cluster.name}) cannot host a link: ${problems.join('; ')}`, {
        code: 'FAILED_PRECONDITION',
        request: `GET /v1/clusters/${cluster.id}`,
      });
    }
    this.options.logger.info('redpanda cluster resolved', { clusterId: cluster.id, region: cluster.region, natGateways: cluster.natGateways.length });
    return cluster;
  }
}

/** Why a cluster cannot host a link, one sentence each; empty when it can (before the reachability probe). */
export function usabilityProblems(cluster: RedpandaCluster): string[] {
  const problems: string[] = [];
  if (cluster.type !== 'TYPE_BYOC' && cluster.type !== 'TYPE_DEDICATED') {
    problems.push(`it is ${cluster.type || 'of unknown type'}, not TYPE_BYOC or TYPE_DEDICATED (Redpanda Connect pipelines with egress to AWS run only there)`);
  }
  if (cluster.cloudProvider !== 'CLOUD_PROVIDER_AWS') problems.push(`it runs on ${cluster.cloudProvider || 'an unknown cloud'}, not CLOUD_PROVIDER_AWS`);
  if (cluster.state !== 'STATE_READY') problems.push(`its state is ${cluster.state || 'unknown'}, not STATE_READY; retry when the cluster is ready`);
  if (cluster.dataplaneApiUrl === '') problems.push('it has no data plane API URL (dataplane_api.url is empty)');
  else if (!/^https?:\/\//.test(cluster.dataplaneApiUrl)) problems.push(`its data plane API URL "${cluster.dataplaneApiUrl}" is not an http(s) URL`);
  return problems;
}
