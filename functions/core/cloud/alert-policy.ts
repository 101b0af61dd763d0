import { ArrivalSchedule } from '../pacing.ts';
import { type ResolvedProbe, unitTimeoutMs } from '../plan.ts';

/** CloudWatch alarm periods are whole minutes here (10/20/30 s would need high-resolution metrics). */
const MINUTE_S = 60;
const DAY_S = 86_400;

/** Samples a percentile needs in one period to mean anything: ten observations above it (p99 → 1,000). */
export function samplesNeeded(percentile: number): number {
  return Math.ceil(10 / (1 - percentile / 100) - 1e-9);
}

/**
 * Latency samples one run is sure to produce. A latency probe, a request-count burst and a rate probe know
 * theirs; a timed burst is bounded below by each connection taking its whole timeout per request.
 */
export function guaranteedSamples(probe: ResolvedProbe): number {
  const load = probe.load;
  switch (load.kind) {
    case 'latency':
      return load.requests;
    case 'burst':
      return (
        load.requests ??
        Math.floor((load.connections * (load.durationMs ?? load.maxDurationMs)) / unitTimeoutMs(probe))
      );
    case 'rate':
      return Math.floor(new ArrivalSchedule(load.stages).total);
  }
}

/** The alarm period for a probe: one schedule interval, rounded up to whole minutes. */
export function alarmPeriodSeconds(intervalMs: number): number {
  return Math.max(MINUTE_S, Math.ceil(intervalMs / 1000 / MINUTE_S) * MINUTE_S);
}

/** CloudWatch's limit on period × evaluation periods: one day below hourly periods, seven days above. */
export function maxEvaluationSeconds(periodSeconds: number): number {
  return periodSeconds < 3_600 ? DAY_S : 7 * DAY_S;
}

/**
 * Consecutive intervals of invalid runs before "cannot measure" pages. By design the same K as the
 * heartbeat's `alert.missedRuns` (default 3): both mean "nothing was measured for K intervals", one because
 * no run happened, one because every run was invalid. `alert.invalidRuns` in the suite takes precedence.
 */
export function invalidRunsToAlarm(probe: Pick<ResolvedProbe, 'alert'>): number {
  return probe.alert.invalidRuns ?? probe.alert.missedRuns;
}

/**
 * The heartbeat needs at least two intervals: the newest period may hold a run still in flight (its datum
 * arrives when it ends), so one empty period is no missed run. (Periods before a new alarm existed count as
 * missing too: a new probe's heartbeat may fire once at creation; see README, Alarms per probe.)
 */
export const MIN_MISSED_RUNS = 2;

/** The alarms every probe gets (lib/probe-alarms.ts), besides one per `alert.latency` percentile. */
export const PROBE_ALARM_KINDS = ['sla', 'heartbeat', 'cannot-measure', 'store-failed'] as const;

/**
 * The critical days of a probe's own `sla.certDaysLeft`, which gets a CertDaysLeft metric and a cert-expiry
 * alarm; undefined for every other probe (the default 14-day warn is judged from the result and costs nothing).
 * A warn-only certDaysLeft pages nobody, as no warning does, so it gets neither.
 */
export function certAlarmDays(probe: Pick<ResolvedProbe, 'sla'>): number | undefined {
  const threshold = probe.sla?.certDaysLeft as { critical?: number } | undefined;
  return threshold?.critical;
}

/** Alarms one probe deploys: what the cost model prices and the stack estimate counts. */
export function probeAlarmCount(probe: ResolvedProbe): number {
  const stepAlarms = Object.values(probe.alert.steps).reduce((n, keys) => n + Object.keys(keys).length, 0);
  const certAlarm = certAlarmDays(probe) === undefined ? 0 : 1;
  return PROBE_ALARM_KINDS.length + Object.keys(probe.alert.latency).length + stepAlarms + certAlarm;
}
