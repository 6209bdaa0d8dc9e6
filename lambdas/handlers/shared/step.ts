// Every step handler is `defineStep(name, fn)`: a middy handler with the shared logger, the execution name
// as correlation id, and errors that keep their class name (the ASL Retry/Catch contract) while saying
// which step failed (RecordFailure reads it back from the message).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from './logger.js';

export interface StepEvent {
  /** `$$.Execution.Name`, passed by every Task state. */
  readonly executionName?: string;
  /** `$$.Execution.Id`, passed by the Task states that take or release the link lock. */
  readonly executionArn?: string;
}

export type StepHandler<I, O> = (event: I, context: Context) => Promise<O>;

const STEP_PREFIX = /^([A-Za-z]+): /;

/** The step a caught error came from, when its message carries the prefix defineStep adds. */
export function stepOfMessage(message: string): { step?: string; message: string } {
  const m = STEP_PREFIX.exec(message);
  return m ? { step: m[1]!, message: message.slice(m[0].length) } : { message };
}

export function defineStep<I extends StepEvent, O>(step: string, fn: (event: I, context: Context) => Promise<O>): StepHandler<I, O> {
  const handler = middy<I, O>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event: I, context: Context) => {
      if (event.executionName) logger.setCorrelationId(event.executionName);
      logger.appendKeys({ step });
      try {
        const result = await fn(event, context);
        logger.info('step done', { step });
        return result;
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        if (!STEP_PREFIX.test(err.message)) err.message = `${step}: ${err.message}`;
        logger.error('step failed', { step, errorName: err.name, errorMessage: err.message });
        throw err;
      }
    });
  return handler as unknown as StepHandler<I, O>;
}
