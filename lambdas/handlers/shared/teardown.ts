// What every Teardown step reports: what it deleted, what it kept and why, and what needs a human.
import type { LinkRequest } from '../../core/request.js';
import type { OwnedResources } from '../../ports/registry.js';

export interface TeardownOptions {
  readonly keepTopic: boolean;
  readonly skipFinalSnapshot: boolean;
}

/** What BeginTeardown hands every later step. */
export interface TeardownContext {
  readonly link: string;
  readonly request: LinkRequest;
  readonly dbAccountId: string;
  readonly region: string;
  readonly owned: OwnedResources;
  readonly options: TeardownOptions;
  /** The Redpanda cluster's data plane URL, when the cluster still answers. */
  readonly dataplaneApiUrl?: string;
  /** True when the record said the link was already deleted: every step has nothing to do. */
  readonly alreadyDeleted: boolean;
}

export interface StepReport {
  readonly deleted: string[];
  readonly kept: { readonly what: string; readonly why: string }[];
  readonly needsHuman: string[];
}

export function emptyReport(): StepReport {
  return { deleted: [], kept: [], needsHuman: [] };
}
