import type { ShardResult } from '../shard-result.ts';

/**
 * The messages that travel through the state machine. A schedule sends only the probe id; everything else
 * (URL, headers, body, secret references) is bundled into the functions at deploy time, so no request detail
 * and no secret ever appears in execution input or history.
 */
export interface RunRequest {
  readonly probeId: string;
}

/** One Map item: which shard of which run, and when all shards start. */
export interface ShardTask {
  readonly runId: string;
  readonly probeId: string;
  /** Epoch ms shared by every shard of the run. */
  readonly startAt: number;
  readonly shard: number;
  readonly shards: number;
}

/** Plan's output: the run, and one task per shard for the Map state to fan out. */
export interface PlannedRun {
  readonly runId: string;
  readonly probeId: string;
  readonly startAt: number;
  readonly shards: number;
  readonly tasks: readonly ShardTask[];
  /**
   * Set when no load may be sent: the environment's kill switch is on, or it could not be read (then the run
   * also skips its heartbeat, so a kill switch nobody can read pages instead of silently pausing).
   */
  readonly paused?: 'kill switch on' | 'kill switch unreadable';
}

/** What the state machine's Catch puts in place of a shard whose worker failed: the run goes on without it. */
export interface ShardFailure {
  readonly failed: true;
  readonly shard: number;
  readonly error: string;
  readonly cause: string;
}

export type ShardOutcome = ShardResult | ShardFailure;

/** Aggregate's input: the plan and whatever the Map collected. */
export interface CollectedRun extends PlannedRun {
  readonly outcomes: readonly ShardOutcome[];
}

export function isShardFailure(outcome: ShardOutcome): outcome is ShardFailure {
  return (outcome as ShardFailure).failed === true;
}
