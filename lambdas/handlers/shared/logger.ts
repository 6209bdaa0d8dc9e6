// The one Powertools Logger of every step. Level from POWERTOOLS_LOG_LEVEL; the execution name is the
// correlation id, so one provision's lines can be found across all step functions.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'rpcn-aurora' });

/** The narrow logger shape core code and adapters accept. */
export interface StepLogger {
  debug(message: string, attrs?: Record<string, unknown>): void;
  info(message: string, attrs?: Record<string, unknown>): void;
  warn(message: string, attrs?: Record<string, unknown>): void;
  error(message: string, attrs?: Record<string, unknown>): void;
}

export const stepLogger: StepLogger = {
  debug: (message, attrs) => logger.debug(message, attrs ?? {}),
  info: (message, attrs) => logger.info(message, attrs ?? {}),
  warn: (message, attrs) => logger.warn(message, attrs ?? {}),
  error: (message, attrs) => logger.error(message, attrs ?? {}),
};
