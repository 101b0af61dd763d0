/**
 * One run per schedule tick. Scheduler may start an Express execution more than once for one tick (asynchronous
 * executions are at-least-once); the first Plan to write this item with `attribute_not_exists` runs the probe,
 * and any other execution for the same (environment, probe, scheduled time) stops before sending load.
 *
 * The partition key has three `#`-separated parts (`lease#<environment>#<probeId>`) while a run's has two, so a
 * query for a probe's runs can never return a lease.
 */
export const LEASE_PREFIX = 'lease';

/**
 * Duplicate deliveries arrive within seconds or minutes of the tick; a day is far beyond that, and short enough
 * that leases do not accumulate (DynamoDB's TTL removes them).
 */
export const LEASE_TTL_SECONDS = 86_400;

export interface RunLease {
  readonly pk: string;
  readonly sk: string;
  readonly expiresAt: number;
  readonly runId: string;
  /** The execution that holds the lease: a Plan retried within that execution finds its own lease. */
  readonly executionId: string;
}

export function leasePartitionKey(environment: string, probeId: string): string {
  return `${LEASE_PREFIX}#${environment}#${probeId}`;
}

export class InvalidScheduledTimeError extends Error {
  constructor(value: unknown) {
    super(
      `scheduledTime ${JSON.stringify(value)} is not an ISO 8601 time (expected Scheduler's scheduled-time)`,
    );
    this.name = 'InvalidScheduledTimeError';
  }
}

/** The lease for one tick; the scheduled time is normalised so equal instants make equal keys. */
export function runLease(
  environment: string,
  probeId: string,
  scheduledTime: string,
  holder: { readonly runId: string; readonly executionId: string },
): RunLease {
  const at = Date.parse(scheduledTime);
  if (Number.isNaN(at)) throw new InvalidScheduledTimeError(scheduledTime);
  return {
    pk: leasePartitionKey(environment, probeId),
    sk: new Date(at).toISOString(),
    expiresAt: Math.floor(at / 1000) + LEASE_TTL_SECONDS,
    ...holder,
  };
}
