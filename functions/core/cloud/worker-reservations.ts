import type { ResolvedProbe } from '../plan.ts';
import { checkGroups, workerBatches } from './check-groups.ts';
import { peakTogether, plannedShards, type RunnerKind, runLoadMs, runnerFor } from './run-sizing.ts';

/**
 * Reserved concurrency per worker: the most shards its probes may run at once (runs that overlap in a minute
 * of the hour), so one environment's probes cannot take the account's Lambda concurrency, and a probe that
 * asks for more than planned is throttled (recorded as lost shards) instead of starving other functions.
 */
export function workerReservations(deployed: {
  readonly probes: Readonly<Record<string, ResolvedProbe>>;
}): Partial<Record<RunnerKind, number>> {
  const byRunner: Partial<Record<RunnerKind, ResolvedProbe[]>> = {};
  for (const probe of Object.values(deployed.probes)) {
    const kind = runnerFor(probe);
    byRunner[kind] = [...(byRunner[kind] ?? []), probe];
  }
  const reservations: Partial<Record<RunnerKind, number>> = {};
  for (const [kind, probes] of Object.entries(byRunner) as [RunnerKind, ResolvedProbe[]][]) {
    reservations[kind] = Math.max(1, peakTogether(probes, plannedShards).total);
  }
  if (reservations.checks !== undefined) reservations.checks = checkWorkersAtOnce(deployed);
  return reservations;
}

/**
 * The checks' workers at once: a group's execution takes one worker per batch of CHECKS_PER_WORKER, and runs as
 * long as its longest check (which stands for the group in peakTogether).
 */
function checkWorkersAtOnce(deployed: { readonly probes: Readonly<Record<string, ResolvedProbe>> }): number {
  const groups = checkGroups(deployed).map((group) => {
    const members = group.probeIds.map((id) => deployed.probes[id]!);
    const longest = members.reduce((a, b) => (runLoadMs(b) > runLoadMs(a) ? b : a));
    return { longest, workers: workerBatches(members).length };
  });
  const byProbe = new Map(groups.map((g) => [g.longest, g.workers]));
  return Math.max(1, peakTogether([...byProbe.keys()], (p) => byProbe.get(p) ?? 0).total);
}
