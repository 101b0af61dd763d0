import { createHash } from 'node:crypto';
import type { ResolvedProbe } from '../plan.ts';
import { splitEvenly } from '../plan.ts';
import type { DeployedSuite } from './deployed-suite.ts';
import { CHECKS_PER_EXECUTION, CHECKS_PER_WORKER, runnerFor } from './run-sizing.ts';

/**
 * Latency checks of one environment that fire on the same schedule: one schedule starts one execution for all
 * of them per tick. The key is what the schedule sends; it holds a "." (no probe id does), so a group's lease
 * never shares a key with a probe's.
 */
export interface CheckGroup {
  readonly key: string;
  readonly expression: string;
  readonly timezone: string;
  readonly probeIds: readonly string[];
}

export function isBatchedCheck(probe: ResolvedProbe): boolean {
  return runnerFor(probe) === 'checks';
}

/**
 * The densest check that shares a worker with others: requests at least this far apart. Measured (bench:
 * batched, a 20 ms target): 20 checks a second apart in one worker kept p50 and p99 within two runs alone;
 * 100 ms apart, p99 went from 97-160 ms alone to 199-728 ms among 20, a false page. A denser check runs in a
 * group of its own: its own execution and worker, as before batching.
 */
export const SHARED_CHECK_MIN_INTERVAL_MS = 1_000;

export function sharesWorker(probe: ResolvedProbe): boolean {
  return probe.load.kind === 'latency' && probe.load.intervalMs >= SHARED_CHECK_MIN_INTERVAL_MS;
}

/**
 * The environment's checks by schedule (expression and time zone), in suite order, each schedule split into
 * near-equal parts of at most CHECKS_PER_EXECUTION; a check denser than SHARED_CHECK_MIN_INTERVAL_MS alone. Plan and the stack both derive the groups from the same
 * bundled suite, so a schedule's key always names the checks it was built for.
 */
export function checkGroups(deployed: Pick<DeployedSuite, 'probes'>): CheckGroup[] {
  const bySchedule = new Map<string, ResolvedProbe[]>();
  for (const probe of Object.values(deployed.probes)) {
    if (!isBatchedCheck(probe)) continue;
    const schedule = `${probe.schedule.expression}|${probe.schedule.timezone}${sharesWorker(probe) ? '' : `|alone:${probe.id}`}`;
    bySchedule.set(schedule, [...(bySchedule.get(schedule) ?? []), probe]);
  }
  const groups: CheckGroup[] = [];
  for (const [schedule, probes] of bySchedule) {
    const hash = createHash('sha256').update(schedule).digest('hex').slice(0, 8);
    const sizes = splitEvenly(probes.length, Math.ceil(probes.length / CHECKS_PER_EXECUTION));
    let from = 0;
    sizes.forEach((size, part) => {
      groups.push({
        key: `checks.${hash}.${part}`,
        expression: probes[0]!.schedule.expression,
        timezone: probes[0]!.schedule.timezone,
        probeIds: probes.slice(from, from + size).map((p) => p.id),
      });
      from += size;
    });
  }
  return groups;
}

/** A batch's checks start over this span, one after another, rather than all in the same millisecond. */
export const BATCH_START_SPREAD_MS = 1_000;

/** When the index-th check of a batch starts, after the batch's start. */
export function checkStartOffsetMs(index: number): number {
  return Math.round((index * BATCH_START_SPREAD_MS) / CHECKS_PER_WORKER);
}

/** Worker invocations a group of checks takes: near-equal batches of at most CHECKS_PER_WORKER. */
export function workerBatches<T>(items: readonly T[]): T[][] {
  const sizes = splitEvenly(items.length, Math.ceil(items.length / CHECKS_PER_WORKER));
  let from = 0;
  return sizes.map((size) => {
    const batch = items.slice(from, from + size);
    from += size;
    return batch;
  });
}

export class UnknownCheckGroupError extends Error {
  constructor(key: unknown, groups: readonly CheckGroup[]) {
    super(
      `unknown check group ${JSON.stringify(key)}; deployed: ${groups.map((g) => g.key).join(', ') || 'none'} (a schedule from an older deploy fires against a newer bundle: the next tick uses the new schedules)`,
    );
    this.name = 'UnknownCheckGroupError';
  }
}

export function checkGroup(deployed: Pick<DeployedSuite, 'probes'>, key: unknown): CheckGroup {
  const groups = checkGroups(deployed);
  const group = groups.find((g) => g.key === key);
  if (group === undefined) throw new UnknownCheckGroupError(key, groups);
  return group;
}
