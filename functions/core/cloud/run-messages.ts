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
  /** A load's probe; absent for a checks tick, whose group is in the execution's input. */
  readonly probeId?: string;
  readonly scheduledTime?: string | undefined;
  readonly execution?: {
    readonly Id?: string | undefined;
    /** The execution's input: Scheduler's `{probeId, scheduledTime}`, or whatever a manual start passed. */
    readonly Input?:
      | { readonly probeId?: unknown; readonly checks?: unknown; readonly scheduledTime?: unknown }
      | undefined;
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

/**
 * What a checks schedule sends: its group of checks (see checkGroups) and the tick. Plan expands the group
 * into the checks' runs; nothing of a check's request travels.
 */
export interface ChecksRequest {
  readonly checks: string;
  readonly scheduledTime?: string | undefined;
}

/** One check's run in a batch: its own run id, so it is stored, judged and published as if it ran alone. */
export interface CheckRun {
  readonly runId: string;
  readonly probeId: string;
}

/** One worker invocation's checks (at most CHECKS_PER_WORKER), each a one-shard run starting at `startAt`. */
export interface CheckBatch {
  readonly startAt: number;
  readonly runs: readonly CheckRun[];
}

/** A batch whose Worker task failed, handed back to the worker function with Step Functions' error. */
export interface LostBatch extends CheckBatch {
  readonly failure: { readonly Error?: string; readonly Cause?: string };
}

/**
 * Plan's output for a checks tick, and Aggregate's input: the Map's items are the batches (the ItemSelector adds
 * `startAt`). `paused` and `duplicate` as in PlannedRun: paused, the Map is skipped and Aggregate beats for each
 * check; duplicate, the execution stops.
 */
export interface PlannedChecks {
  readonly group: string;
  readonly startAt: number;
  readonly batches: readonly (readonly CheckRun[])[];
  readonly paused?: PlannedRun['paused'];
  readonly duplicate?: true;
}

export function isCheckBatch(event: object): event is CheckBatch {
  return Array.isArray((event as CheckBatch).runs);
}

export function isPlannedChecks(event: object): event is PlannedChecks {
  return Array.isArray((event as PlannedChecks).batches);
}

export function isLostBatch(batch: CheckBatch | LostBatch): batch is LostBatch {
  return typeof (batch as LostBatch).failure === 'object' && (batch as LostBatch).failure !== null;
}

/** The run of one check of a batch, as Aggregate and the worker treat a one-shard run. */
export function checkRunOf(
  tick: { readonly startAt: number; readonly paused?: PlannedRun['paused'] },
  run: CheckRun,
): PlannedRun {
  return {
    runId: run.runId,
    probeId: run.probeId,
    startAt: tick.startAt,
    shards: 1,
    tasks: [0],
    ...(tick.paused ? { paused: tick.paused } : {}),
  };
}
