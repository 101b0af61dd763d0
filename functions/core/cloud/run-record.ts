import type { RunResult } from '../run-result.ts';

/**
 * One DynamoDB item per run. Partition key `<environment>#<probeId>`, sort key `<startedAt ISO>#<runId>`: ISO
 * timestamps sort as strings, so "runs of probe P in environment E between two times, newest first" is one
 * Query (pk = E#P, sk BETWEEN from AND to, ScanIndexForward false); the runId suffix keeps two runs started in
 * the same millisecond apart.
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
  readonly pk: string;
  readonly sk: string;
  /** Epoch seconds after which DynamoDB's TTL deletes the item. */
  readonly expiresAt: number;
};

export function runRecord(run: RunResult, retentionDays: number): RunRecord {
  return {
    ...run,
    pk: runPartitionKey(run.environment, run.probeId),
    sk: runSortKey(run.startedAt, run.runId),
    expiresAt: Math.floor(Date.parse(run.startedAt) / 1000) + retentionDays * 86_400,
  };
}
