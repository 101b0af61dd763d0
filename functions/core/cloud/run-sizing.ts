import { plannedDurationMs } from '../engines/run-shard.ts';
import { planRun, type ResolvedProbe, recoveryBudgetMs, unitTimeoutMs } from '../plan.ts';
import { staggerOffsetMs } from '../suite/locations.ts';

/** Express workflows end after 5 minutes; keep a margin for Plan, Aggregate and invocation overhead. */
export const EXPRESS_MAX_MS = 300_000;
const EXPRESS_RUN_BUDGET_MS = 240_000;
/** An inline Map state runs at most 40 iterations at once; more shards need a Distributed Map. */
export const INLINE_MAP_MAX_SHARDS = 40;
/**
 * Latency checks one worker invocation runs side by side. A check spends its time waiting on the target
 * (a few paced requests), so twenty share a worker without changing what each measures: `npm run bench`
 * (bench/batched-checks.ts) compares 20 at once against 1 alone on loopback, and the test of the state machine
 * compares a batched check with the same check alone.
 */
export const CHECKS_PER_WORKER = 20;
/**
 * Checks one execution runs: the inline Map's 40 workers at once, 20 checks each. A larger group of checks
 * with the same schedule is split over several schedules, each its own execution.
 */
export const CHECKS_PER_EXECUTION = INLINE_MAP_MAX_SHARDS * CHECKS_PER_WORKER;
/** A Lambda function runs at most 15 minutes. */
export const LAMBDA_MAX_MS = 900_000;
/** Time a shard may wait for the shared start (cold start of the last worker included). */
export const START_LEAD_MAX_MS = 5_000;

/**
 * Time from planning to the shared start: enough for the Map state to invoke every worker (a cold start
 * included), so shards overlap instead of trickling in. One shard needs no rendezvous.
 */
export function startLeadMs(shards: number): number {
  return shards > 1 ? START_LEAD_MAX_MS : 0;
}
/** After the load: the close grace of run-shard, merging and returning (see worker RETURN_MARGIN_MS). */
const FINISH_MARGIN_MS = 4_000;

export type WorkflowKind = 'express' | 'standard';

/** Shards the plan really makes (a burst never has more shards than connections). */
export function plannedShards(probe: ResolvedProbe): number {
  return planRun(probe, { runId: '', startAt: 0, shards: probe.shards }).shards.length;
}

/**
 * How long past its tick a `stagger` probe's run waits before it starts, at most: its last location's offset
 * (interval × (n − 1) / n). The worker waits for the run's start (Plan's startAt), so that wait is the worker's
 * time too; 0 without stagger.
 */
export function staggerWaitMs(probe: ResolvedProbe, locationIndex?: number): number {
  const located = probe.located;
  const intervalMs = probe.alert.intervalMs;
  if (!located?.stagger || intervalMs === undefined) return 0;
  const n = located.locations.length;
  return staggerOffsetMs(located, locationIndex ?? n - 1, n, intervalMs);
}

/**
 * Longest a worker needs: wait for the start (a staggered location's offset included), the load, one request
 * timeout for the last request, return.
 */
export function workerBudgetMs(probe: ResolvedProbe): number {
  return (
    staggerWaitMs(probe) +
    START_LEAD_MAX_MS +
    plannedDurationMs(probe.load, unitTimeoutMs(probe)) +
    unitTimeoutMs(probe) +
    recoveryBudgetMs(probe) +
    FINISH_MARGIN_MS
  );
}

/** How long after its schedule fires a run may still be sending: the shared start, the load, one timeout. */
export function runLoadMs(probe: ResolvedProbe): number {
  return (
    startLeadMs(plannedShards(probe)) +
    plannedDurationMs(probe.load, unitTimeoutMs(probe)) +
    unitTimeoutMs(probe) +
    recoveryBudgetMs(probe)
  );
}

/** Express (cheap, ≤ 5 min, inline Map) when the run fits; Standard with a Distributed Map beyond. */
export function workflowFor(probe: ResolvedProbe): WorkflowKind {
  return workerBudgetMs(probe) <= EXPRESS_RUN_BUDGET_MS && plannedShards(probe) <= INLINE_MAP_MAX_SHARDS
    ? 'express'
    : 'standard';
}

/**
 * How a probe's runs are executed: latency checks on a small worker (sequential requests need little CPU, and
 * the worker is billed while it waits between them), load on a full-vCPU worker, long or wide runs on Standard.
 */
export type RunnerKind = 'checks' | 'load' | 'long';

/**
 * Plan and Aggregate: a few SDK calls and a merge, whatever the probe. Measured need: the real bundles (esbuild
 * as NodejsFunction builds them) loaded in Node 22 and invoked five times each peak at 87 MB RSS (Plan) and
 * 74 MB (Aggregate), SDK clients and their request path included; 256 MB keeps three times that.
 */
export const CONTROL_FUNCTIONS = {
  plan: { memoryMb: 256, timeoutMs: 30_000 },
  aggregate: { memoryMb: 256, timeoutMs: 60_000 },
} as const;

export const RUNNERS: Readonly<
  Record<RunnerKind, { workflow: WorkflowKind; workerMemoryMb: number; name: string }>
> = {
  checks: { workflow: 'express', workerMemoryMb: 512, name: 'Checks' },
  // 1,769 MB is one full vCPU: a load generator is CPU-bound.
  load: { workflow: 'express', workerMemoryMb: 1_769, name: 'Load' },
  long: { workflow: 'standard', workerMemoryMb: 1_769, name: 'LongLoad' },
};

export function runnerFor(probe: ResolvedProbe): RunnerKind {
  if (workflowFor(probe) === 'standard') return 'long';
  return probe.load.kind === 'latency' ? 'checks' : 'load';
}

const MINUTES_PER_HOUR = 60;

/**
 * Minutes of the hour (0-59) at which a schedule may fire. Only a cron minute field of numbers, lists,
 * ranges and steps is read; the hour and day fields are ignored and a rate() schedule may fire in any minute
 * (its phase is set when the schedule is created), so this over-approximates, never under.
 */
export function firingMinutes(expression: string): Set<number> {
  const all = new Set(Array.from({ length: MINUTES_PER_HOUR }, (_, m) => m));
  const cron = /^cron\((\S+) /.exec(expression);
  if (!cron) return all;
  const minutes = new Set<number>();
  for (const part of cron[1]!.split(',')) {
    const match = /^(\*|\d{1,2})(?:-(\d{1,2}))?(?:\/(\d{1,2}))?$/.exec(part);
    if (!match) return all;
    const start = match[1] === '*' ? 0 : Number(match[1]);
    const end = match[2] !== undefined ? Number(match[2]) : match[1] === '*' || match[3] ? 59 : start;
    const step = match[3] !== undefined ? Number(match[3]) : 1;
    if (step < 1) return all;
    for (let m = start; m <= Math.min(end, 59); m += step) minutes.add(m);
  }
  return minutes.size > 0 ? minutes : all;
}

/** Minutes of the hour in which a run of this probe may be sending load (it fires, then runs runLoadMs). */
export function busyMinutes(probe: ResolvedProbe): Set<number> {
  const length = Math.max(1, Math.ceil(runLoadMs(probe) / 60_000));
  const busy = new Set<number>();
  for (const start of firingMinutes(probe.schedule.expression)) {
    for (let k = 0; k < Math.min(length, MINUTES_PER_HOUR); k++) busy.add((start + k) % MINUTES_PER_HOUR);
  }
  return busy;
}

/**
 * The most a quantity summed over probes whose runs may overlap can reach in any minute of the hour, and the
 * probes that make it up: e.g. planned shards (Lambda concurrency) or peak arrival rate.
 */
export function peakTogether(
  probes: readonly ResolvedProbe[],
  weight: (probe: ResolvedProbe) => number,
): { total: number; minute: number; probes: string[] } {
  const busy = probes.map((p) => ({ id: p.id, minutes: busyMinutes(p), weight: weight(p) }));
  let peak = { total: 0, minute: 0, probes: [] as string[] };
  for (let minute = 0; minute < MINUTES_PER_HOUR; minute++) {
    const here = busy.filter((b) => b.minutes.has(minute) && b.weight > 0);
    const total = here.reduce((sum, b) => sum + b.weight, 0);
    if (total > peak.total) peak = { total, minute, probes: here.map((b) => b.id) };
  }
  return peak;
}

/** Peak requests per second a probe's plan sends (a closed-model burst has none planned). */
export function peakRateOf(probe: ResolvedProbe): number {
  const load = probe.load;
  switch (load.kind) {
    case 'latency':
      return load.intervalMs > 0 ? Math.min(load.requests, 1000 / load.intervalMs) : load.requests;
    case 'burst':
      return 0;
    case 'rate':
      return Math.max(...load.stages.map((s) => Math.max(s.fromRate, s.toRate)));
  }
}

/** Connections a probe holds open at its peak. */
export function peakConnectionsOf(probe: ResolvedProbe): number {
  const load = probe.load;
  return load.kind === 'latency' ? 1 : load.connections;
}

/** Lambda's default concurrency per account and region, and what must stay unreserved. */
export const ACCOUNT_CONCURRENCY = { default: 1_000, unreservedMinimum: 100 } as const;
