import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The functions' structured logger: JSON lines carrying the Lambda request id (from the context, via
 * injectLambdaContext) and the run id as `correlation_id`, so one query follows a run through Plan, every
 * worker and Aggregate. Level from POWERTOOLS_LOG_LEVEL or LOG_LEVEL (default INFO).
 */
export const logger = new Logger({ serviceName: 'perfprobe' });

/** Tags every later line of this invocation with the run (cleared between invocations by resetKeys). */
export function correlate(
  log: Logger,
  run: { readonly runId: string; readonly probeId: string; readonly shard?: number | undefined },
): void {
  log.setCorrelationId(run.runId);
  log.appendKeys({ probe_id: run.probeId, ...(run.shard === undefined ? {} : { shard: run.shard }) });
}
