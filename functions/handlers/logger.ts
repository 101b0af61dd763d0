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

/** Where one run's lines go: the invocation's logger, or one naming a batch's check on every line. */
export interface RunLog {
  info(message: string, extra: object): void;
  warn(message: string, extra: object): void;
  error(message: string, extra: object): void;
}

/**
 * The lines of one run inside an invocation that serves several (a batch of checks): each names its run and
 * probe as `correlation_id` and `probe_id`, as correlate does for a run alone. Without a run: the logger as is.
 */
export function runLog(
  log: Logger,
  run?: { readonly runId: string; readonly probeId: string; readonly shard?: number },
): RunLog {
  const keys = run && { correlation_id: run.runId, probe_id: run.probeId, shard: run.shard };
  return {
    info: (message, extra) => log.info(message, { ...keys, ...extra }),
    warn: (message, extra) => log.warn(message, { ...keys, ...extra }),
    error: (message, extra) => log.error(message, { ...keys, ...extra }),
  };
}
