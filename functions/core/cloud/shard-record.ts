import type { ShardResult } from '../shard-result.ts';

/**
 * Shard items in the runs table: one per shard of a run, written by its worker and read by Aggregate. Their
 * partition key has three `#`-separated parts (`shards#<environment>#<runId>`) while a run's has two
 * (`<environment>#<probeId>`, and neither name may contain `#`), so a query for a probe's runs can never return
 * a shard item, whatever its sort-key condition.
 */
export const SHARD_ITEM_PREFIX = 'shards';

/**
 * Shard items are read once, by Aggregate, minutes after they are written; a day keeps them for whoever
 * investigates a run, then DynamoDB's TTL removes them (1,000 wide shards of a run hold about 10 MB).
 */
export const SHARD_ITEM_TTL_SECONDS = 86_400;

/** Why a shard has no result, as its worker recorded it: an error name and a message without secret values. */
export interface ShardFailureNote {
  readonly error: string;
  readonly message: string;
}

export interface ShardRecord {
  readonly pk: string;
  readonly sk: string;
  readonly expiresAt: number;
  readonly shard: number;
  readonly result?: ShardResult;
  readonly failure?: ShardFailureNote;
}

export function shardPartitionKey(environment: string, runId: string): string {
  return `${SHARD_ITEM_PREFIX}#${environment}#${runId}`;
}

/** Zero-padded, so a run's shard items come back in shard order (the schema allows up to 1,000 shards). */
export function shardSortKey(shard: number): string {
  return `shard#${String(shard).padStart(4, '0')}`;
}

export function shardRecord(
  environment: string,
  runId: string,
  shard: number,
  outcome: { readonly result: ShardResult } | { readonly failure: ShardFailureNote },
  nowMs: number,
): ShardRecord {
  return {
    pk: shardPartitionKey(environment, runId),
    sk: shardSortKey(shard),
    expiresAt: Math.floor(nowMs / 1000) + SHARD_ITEM_TTL_SECONDS,
    shard,
    ...outcome,
  };
}

/**
 * The words for a shard its task lost, from Step Functions' error and cause. A function error's cause is
 * Lambda's JSON (`{"errorType","errorMessage","trace"}`): its message is kept, never the stack trace.
 */
export function lostShardNote(failure: {
  readonly Error?: string;
  readonly Cause?: string;
}): ShardFailureNote {
  const error = failure.Error || 'Error';
  let message = failure.Cause ?? '';
  try {
    const parsed = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // Not Lambda's JSON (a timeout, throttling): the cause is already words.
  }
  return { error, message: (message || 'no cause given').slice(0, 500) };
}
