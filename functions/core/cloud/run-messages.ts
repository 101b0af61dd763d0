/**
 * The messages that travel through the state machine. A schedule sends the probe id and its scheduled time;
 * everything else (URL, headers, body, secret references) is bundled into the functions at deploy time, so no
 * request detail and no secret ever appears in execution input or history. Shard results never travel here
 * either: workers write them to the runs table (see shard-record.ts) and the state carries only indexes.
 */
export interface RunRequest {
  readonly probeId: string;
  /** The schedule tick (Scheduler's `<aws.scheduler.scheduled-time>`); absent for a manual start. */
  readonly scheduledTime?: string | undefined;
}

/**
 * Plan's input as the state machine builds it: the probe id, plus the execution's context object, which holds
 * the execution input (with its scheduled time) and the execution id. The id lets a Plan retried inside the
 * same execution recognise its own lease.
 */
export interface PlanEvent {
  readonly probeId: string;
  readonly scheduledTime?: string | undefined;
  readonly execution?: {
    readonly Id?: string | undefined;
    /** The execution's input: Scheduler's `{probeId, scheduledTime}`, or whatever a manual start passed. */
    readonly Input?: { readonly probeId?: unknown; readonly scheduledTime?: unknown } | undefined;
  };
}

/** One Map item, as the Map's ItemSelector builds it from the plan and the item (a shard index). */
export interface ShardTask {
  readonly runId: string;
  readonly probeId: string;
  /** Epoch ms shared by every shard of the run. */
  readonly startAt: number;
  readonly shard: number;
  readonly shards: number;
}

/**
 * A shard whose Worker task failed, as the state machine's Catch hands it back to the worker function: Step
 * Functions' error name and cause. The worker writes them to the shard's item unless its own, more precise,
 * failure note is already there; nothing of it stays in the Map's result.
 */
export interface LostShard extends ShardTask {
  readonly failure: { readonly Error?: string; readonly Cause?: string };
}

export function isLostShard(event: ShardTask | LostShard): event is LostShard {
  return typeof (event as LostShard).failure === 'object' && (event as LostShard).failure !== null;
}

/** What a worker returns: where its result is, never the result. */
export interface ShardPointer {
  readonly runId: string;
  readonly shard: number;
}

/** Plan's output, which is also Aggregate's input (the Map adds nothing to the state). */
export interface PlannedRun {
  readonly runId: string;
  readonly probeId: string;
  readonly startAt: number;
  readonly shards: number;
  /**
   * One Map item per shard: its index. The Map's ItemSelector adds the run's fields, so the state holds a few
   * bytes per shard instead of a task object each.
   */
  readonly tasks: readonly number[];
  /**
   * Set when no load may be sent: the environment's kill switch is on, or it could not be read (then the run
   * also skips its heartbeat, so a kill switch nobody can read pages instead of silently pausing).
   */
  readonly paused?: 'kill switch on' | 'kill switch unreadable';
  /**
   * Set when another execution already holds this schedule tick's lease: the state machine stops before any
   * load, and Aggregate neither stores nor publishes anything for it.
   */
  readonly duplicate?: true;
}
