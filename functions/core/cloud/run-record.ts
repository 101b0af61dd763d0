import type { RunResult } from '../run-result.ts';

/**
 * One DynamoDB item per run. Partition key `<environment>#<probeId>`, sort key `<startedAt ISO>#<runId>`: ISO
 * timestamps sort as strings, so "runs of probe P in environment E between two times, newest first" is one
 * Query (pk = E#P, sk BETWEEN from AND to, ScanIndexForward false); the runId suffix keeps two runs started in
 * the same millisecond apart. The suite is the key's outer part: deployed, each suite and environment has its
 * own stack and runs table; locally, each suite its own directory of the store (functions/adapters/file-run-store.ts).
 * Every record also names its suite, so a record read on its own says whose it is.
 */
export const RUN_KEYS = { partition: 'pk', sort: 'sk', expiry: 'expiresAt' } as const;

export function runPartitionKey(environment: string, probeId: string): string {
  return `${environment}#${probeId}`;
}

export function runSortKey(startedAt: string, runId: string): string {
  return `${startedAt}#${runId}`;
}

/** Sort-key bounds for a time window, inclusive at both ends whatever the runId. */
export function runSortRange(from: Date, to: Date): { low: string; high: string } {
  return { low: from.toISOString(), high: `${to.toISOString()}#\uffff` };
}

export type RunRecord = RunResult & {
  /** The suite's name. Records written before it was kept get their store's suite when read. */
  readonly suite: string;
  readonly pk: string;
  readonly sk: string;
  /** Epoch seconds after which DynamoDB's TTL deletes the item. */
  readonly expiresAt: number;
};

export function runRecord(run: RunResult, suite: string, retentionDays: number): RunRecord {
  return {
    ...run,
    suite,
    pk: runPartitionKey(run.environment, run.probeId),
    sk: runSortKey(run.startedAt, run.runId),
    expiresAt: Math.floor(Date.parse(run.startedAt) / 1000) + retentionDays * 86_400,
  };
}
