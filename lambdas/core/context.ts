// Facts about where a link lives that are not in the request: the DB account and region (from the
// deployment) and the cluster's resource id, endpoint and port (known only once the cluster exists).
// Builders take an ArtifactContext; `rpcn-aurora plan` fills unknown values with marked placeholders.
import type { Engine } from './request.js';

export interface ArtifactContext {
  /** AWS account that holds the Aurora cluster (12 digits). */
  readonly dbAccountId: string;
  /** AWS region of the Aurora cluster, e.g. `us-east-2`. */
  readonly region: string;
  /** `DbClusterResourceId`, e.g. `cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ`. */
  readonly clusterResourceId: string;
  /** Writer (cluster) endpoint host name, without port. */
  readonly endpoint: string;
  /** Database port. */
  readonly port: number;
}

export const DEFAULT_PORT: Readonly<Record<Engine, number>> = { 'aurora-postgresql': 5432, 'aurora-mysql': 3306 };

/** A value known only after creation, written so it can never be mistaken for (or applied as) a real one. */
export function placeholder(key: string): string {
  return `{{${key}}}`;
}

export const PLACEHOLDER_PATTERN = /\{\{([A-Z0-9_]+)\}\}/g;

/** Every placeholder key that occurs in a text, in order of first appearance. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER_PATTERN)].map((m) => m[1]!))];
}

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
export const CLUSTER_RESOURCE_ID_PATTERN = /^cluster-[A-Z0-9]{26}$/;
export const ENDPOINT_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
