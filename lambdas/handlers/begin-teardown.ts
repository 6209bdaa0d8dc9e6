// Teardown, first step: read the link record (the ownership ledger), mark the link `deleting`, and find the
// Redpanda data plane. A link already deleted tears down to nothing, so a second teardown is harmless.
import { LinkNotFoundError } from '../core/errors.js';
import { InvalidRequestError } from '../core/request.js';
import type { StepDeps } from './shared/deps.js';
import type { TeardownContext } from './shared/teardown.js';
import { takeLinkLock } from './shared/lock.js';
import { defineStep, type StepEvent } from './shared/step.js';

/** The Teardown execution's input, as the user wrote it. */
export interface TeardownRequest {
  readonly link: string;
  readonly keepTopic?: boolean;
  readonly skipFinalSnapshot?: boolean;
  /** Added by Step Functions when Provision rolls back through Teardown: the parent execution, whose link lock passes to it. */
  readonly AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID?: string;
}

export interface BeginTeardownInput extends StepEvent {
  readonly input: TeardownRequest;
}

// Step Functions adds the parent execution's id when Provision rolls back through Teardown.
const ALLOWED_KEYS = new Set(['link', 'keepTopic', 'skipFinalSnapshot', 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID']);

export function makeHandler(deps: Pick<StepDeps, 'registry' | 'redpanda' | 'executions' | 'clock'>) {
  return defineStep<BeginTeardownInput, TeardownContext>('BeginTeardown', async ({ input, executionArn }) => {
    const unknown = Object.keys(input ?? {}).filter((k) => !ALLOWED_KEYS.has(k));
    if (unknown.length > 0) throw new InvalidRequestError([{ path: '', message: `unknown field(s) ${unknown.join(', ')}: teardown takes link, keepTopic, skipFinalSnapshot` }]);
    if (typeof input.link !== 'string' || !/^[a-z][a-z0-9-]{2,30}$/.test(input.link)) {
      throw new InvalidRequestError([{ path: 'link', message: 'is required: the name of the link to tear down' }]);
    }
    for (const key of ['keepTopic', 'skipFinalSnapshot'] as const) {
      if (input[key] !== undefined && typeof input[key] !== 'boolean') throw new InvalidRequestError([{ path: key, message: 'must be true or false' }]);
    }
    if (executionArn === undefined) throw new Error('no executionArn: the state machine passes $$.Execution.Id to take the link lock');
    if (!(await deps.registry.get(input.link))) throw new LinkNotFoundError(`no link named ${input.link} in the registry of this account and region`);
    const startedBy = input.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID;
    await takeLinkLock(deps, { link: input.link, workflow: 'teardown', executionArn, ...(typeof startedBy === 'string' && { startedBy }) });
    const record = await deps.registry.get(input.link);
    if (!record) throw new LinkNotFoundError(`no link named ${input.link} in the registry of this account and region`);
    const alreadyDeleted = record.status === 'deleted';
    if (!alreadyDeleted) await deps.registry.update(record.name, { status: 'deleting' });
    let dataplaneApiUrl: string | undefined;
    if (!alreadyDeleted) {
      try {
        dataplaneApiUrl = (await (await deps.redpanda()).describeCluster(record.request.redpanda.clusterId)).dataplaneApiUrl || undefined;
      } catch {
        dataplaneApiUrl = undefined; // a gone or unreachable cluster: its steps report what needs a human
      }
    }
    return {
      link: record.name,
      request: record.request,
      dbAccountId: record.dbAccountId,
      region: record.region,
      owned: record.owned,
      options: { keepTopic: input.keepTopic === true, skipFinalSnapshot: input.skipFinalSnapshot === true },
      ...(dataplaneApiUrl ? { dataplaneApiUrl } : {}),
      alreadyDeleted,
    };
  });
}
