import { decodeHistogram } from '../histogram.ts';
import type { RunResult } from '../run-result.ts';
import { successfulAtOrUnder } from '../slo/count-at-or-under.ts';

export const METRIC_NAMESPACE = 'Perfprobe';

/** CloudWatch accepts at most this many distinct values in one datum's Values/Counts. */
export const MAX_VALUES_PER_DATUM = 150;

export const METRICS = {
  latency: 'Latency',
  /** Every completed run publishes it, so its SampleCount is the heartbeat (a paused run publishes 0). */
  requests: 'Requests',
  errors: 'Errors',
  throughput: 'Throughput',
  /** The run's verdict, one of VERDICT: the SLA and cannot-measure alarms each read their part by metric math. */
  verdict: 'Verdict',
  /** 1 when Aggregate could not write the run to the table; published only then (no cost while healthy). */
  storeFailed: 'StoreFailed',
  /**
   * The days the target's certificate has left, as the run saw it; published only for probes that declare a
   * critical `sla.certDaysLeft` (certAlarmDays), whose cert-expiry alarm reads it.
   */
  certDaysLeft: 'CertDaysLeft',
  /**
   * A probe with an SLO: each request of a valid run as one SLO_OUTCOME value, as a distribution (Values and
   * Counts), so a burn alarm reads its bad fraction as one percentile rank. Invalid runs never publish it: a run
   * that could not deliver its load says nothing about the target and burns no budget.
   */
  sloOutcome: 'SloOutcome',
} as const;

/**
 * The values of SloOutcome: a request was good (successful, at or under the latency objective's threshold, or
 * any successful one without a latency objective), slow (successful, over it) or failed. PR(:1.5) is then the
 * latency SLI in percent and PR(:2.5) the availability SLI: whole numbers apart, so no percentile bucket of
 * CloudWatch's can straddle the ranks.
 */
export const SLO_OUTCOME = { good: 1, slow: 2, failed: 3 } as const;

/** The percentile-rank thresholds that split SloOutcome's values, per objective. */
export const SLO_GOOD_AT_OR_UNDER = { latency: 1.5, availability: 2.5 } as const;

/**
 * The values of the Verdict metric. One metric instead of two (SlaBreached and InvalidRun, $0.30 a month each):
 * invalid is the largest, so "IF(verdict < INVALID, verdict)" is the old SlaBreached (an invalid run's period
 * missing, as before) and "IF(verdict >= INVALID, 1, 0)" the old InvalidRun.
 */
export const VERDICT = { met: 0, breached: 1, invalid: 2 } as const;

/**
 * The metric-math expressions the probe alarms read the Verdict through (`verdict` is the metric's id): what
 * SlaBreached and InvalidRun were, datum for datum. An IF without a false value drops the datum (CloudWatch's
 * metric-math IF), so an invalid run's period is missing for the SLA alarm, exactly as before.
 */
export const VERDICT_EXPRESSIONS = {
  slaBreached: `IF(verdict < ${VERDICT.invalid}, verdict)`,
  invalidRun: `IF(verdict >= ${VERDICT.invalid}, 1, 0)`,
} as const;

/**
 * The metrics a probe of this kind publishes every run (each one a custom metric at $0.30 a month): a latency
 * check publishes four. A latency check's throughput only restates its pacing, so it is left out there; the
 * heartbeat is the Requests sample count; StoreFailed appears only on failure.
 */
export function publishedMetrics(
  kind: RunResult['kind'],
  options: { certAlarm?: boolean; slo?: boolean } = {},
): string[] {
  const all = (Object.values(METRICS) as string[]).filter(
    (m) =>
      m !== METRICS.storeFailed &&
      (options.certAlarm === true || m !== METRICS.certDaysLeft) &&
      (options.slo === true || m !== METRICS.sloOutcome),
  );
  return kind === 'latency' ? all.filter((m) => m !== METRICS.throughput) : all;
}

/** The shape of one PutMetricData datum (the SDK's MetricDatum, without importing the SDK into core). */
export interface MetricDatum {
  readonly MetricName: string;
  readonly Dimensions: { Name: string; Value: string }[];
  readonly Timestamp: Date;
  readonly Unit: 'Milliseconds' | 'Count' | 'Count/Second' | 'None';
  readonly Value?: number;
  readonly Values?: number[];
  readonly Counts?: number[];
}

/**
 * Suite first: two suites with the same environment and probe ids never share a metric. No Location dimension:
 * each location publishes in its own region (CloudWatch is regional, and so are the alarms that read them), so
 * the region is the location, and a single-region environment's metrics stay what they were.
 */
export function metricDimensions(
  suite: string,
  environment: string,
  probeId: string,
): { Name: string; Value: string }[] {
  return [
    { Name: 'Suite', Value: suite },
    { Name: 'Environment', Value: environment },
    { Name: 'Probe', Value: probeId },
  ];
}

/**
 * Everything one run of `suite` publishes, for one PutMetricData call. The latency goes as the distribution
 * itself (every distinct HDR bucket value with its count, at most 150 a datum), so CloudWatch's percentile
 * statistics and alarms see the real shape rather than a pre-computed percentile.
 * - Latency only for valid runs: a run the generator could not deliver never reaches the latency alarms.
 * - Requests and Verdict for every run the pipeline completed, measured or not: a datum of Requests means
 *   "running" (the heartbeat). A run no shard reported (a worker that failed, timed out or was throttled) still
 *   beats, and its Verdict (invalid) pages once, as "cannot measure" with the lost shards' errors; were it
 *   silent, the heartbeat would page the same cause again. An invalid run's verdict never counts as a breach.
 * - StoreFailed (1) when the run could not be written to the table.
 * - CertDaysLeft, with `certAlarm`, for every run that saw a certificate, valid or not: a certificate's days are a
 *   fact about the target, not about the load delivered. Its cert-expiry alarm then pages that cause alone, so
 *   the Verdict leaves out certDaysLeft's own failure (one cause, one page), unless no certificate was seen.
 */
export function runMetricData(
  suite: string,
  run: RunResult,
  options: {
    readonly storeFailed?: boolean;
    /** Flow steps with alarms of their own: their latency goes out with a `Step` dimension (valid runs only). */
    readonly alarmedSteps?: readonly string[];
    /** The probe has a cert-expiry alarm (certAlarmDays): publish CertDaysLeft. */
    readonly certAlarm?: boolean;
    /** The probe has an SLO: publish SloOutcome, against the latency objective's threshold when it has one. */
    readonly slo?: { readonly latencyThresholdMs?: number | undefined };
  } = {},
): MetricDatum[] {
  const Dimensions = metricDimensions(suite, run.environment, run.probeId);
  const Timestamp = new Date(run.startedAt);
  const datum = (MetricName: string, Unit: MetricDatum['Unit'], Value: number): MetricDatum => ({
    MetricName,
    Dimensions,
    Timestamp,
    Unit,
    Value,
  });
  const data: MetricDatum[] = [];
  if (run.validity.valid) {
    data.push(...latencyData(run.histogram, Dimensions, Timestamp));
    for (const name of options.alarmedSteps ?? []) {
      const step = run.steps?.find((s) => s.name === name);
      if (step === undefined) continue;
      const stepDimensions = [...Dimensions, { Name: 'Step', Value: name }];
      data.push(...latencyData(step.histogram, stepDimensions, Timestamp));
    }
    if (options.slo !== undefined) data.push(...sloOutcomeData(run, options.slo, Dimensions, Timestamp));
  }
  const certPublished = options.certAlarm === true && run.tls !== undefined;
  data.push(
    datum(METRICS.requests, 'Count', run.requests.total),
    datum(METRICS.errors, 'Count', run.requests.failed),
    datum(METRICS.verdict, 'None', runVerdict(run, certPublished)),
  );
  if (run.kind !== 'latency') data.push(datum(METRICS.throughput, 'Count/Second', run.throughputRps));
  if (options.storeFailed) data.push(datum(METRICS.storeFailed, 'Count', 1));
  if (certPublished && run.tls !== undefined) {
    data.push(datum(METRICS.certDaysLeft, 'None', run.tls.certificate.daysLeft));
  }
  return data;
}

/**
 * A critical check failed; when CertDaysLeft goes out (a cert-expiry alarm, a certificate seen), one other than
 * certDaysLeft: that alarm pages it. A run that saw no certificate keeps its failed certDaysLeft here, so that
 * nothing seen is never silence.
 */
function breached(run: Pick<RunResult, 'sla'>, certPublished: boolean): boolean {
  if (!certPublished) return !run.sla.passed;
  return run.sla.checks.some((c) => c.severity === 'critical' && !c.passed && c.name !== 'certDaysLeft');
}

/**
 * The run's Verdict value: invalid whatever its SLA said, else breached or met. With CertDaysLeft published
 * (`certPublished`), a failed certDaysLeft alone is that alarm's to page, not the Verdict's.
 */
export function runVerdict(run: Pick<RunResult, 'validity' | 'sla'>, certPublished = false): number {
  if (!run.validity.valid) return VERDICT.invalid;
  return breached(run, certPublished) ? VERDICT.breached : VERDICT.met;
}

/**
 * What a run paused by the kill switch publishes: Requests 0, a beat and nothing else (no verdict: pausing is
 * deliberate, neither a breach nor an inability to measure).
 */
export function pausedRunData(suite: string, environment: string, probeId: string, at: Date): MetricDatum[] {
  return [
    {
      MetricName: METRICS.requests,
      Dimensions: metricDimensions(suite, environment, probeId),
      Timestamp: at,
      Unit: 'Count',
      Value: 0,
    },
  ];
}

/**
 * A valid run's requests as SloOutcome values: good, slow and failed counts, the same split `perfprobe slo`
 * makes from the stored run (successfulAtOrUnder), so the deployed burn and the local SLI count alike.
 */
function sloOutcomeData(
  run: RunResult,
  slo: { readonly latencyThresholdMs?: number | undefined },
  Dimensions: MetricDatum['Dimensions'],
  Timestamp: Date,
): MetricDatum[] {
  const { ok, failed } = run.requests;
  const good =
    slo.latencyThresholdMs === undefined
      ? ok
      : successfulAtOrUnder([run], Math.round(slo.latencyThresholdMs * 1000));
  const outcomes: [number, number][] = [
    [SLO_OUTCOME.good, good],
    [SLO_OUTCOME.slow, ok - good],
    [SLO_OUTCOME.failed, failed],
  ];
  const counted = outcomes.filter(([, count]) => count > 0);
  if (counted.length === 0) return [];
  return [
    {
      MetricName: METRICS.sloOutcome,
      Dimensions,
      Timestamp,
      Unit: 'None',
      Values: counted.map(([value]) => value),
      Counts: counted.map(([, count]) => count),
    },
  ];
}

/** A latency distribution as datums: every distinct HDR bucket value with its count, 150 values a datum. */
function latencyData(
  encoded: string | undefined,
  Dimensions: MetricDatum['Dimensions'],
  Timestamp: Date,
): MetricDatum[] {
  if (!encoded) return [];
  const values: number[] = [];
  const counts: number[] = [];
  const histogram = decodeHistogram(encoded) as unknown as RecordedValues;
  const iterator = histogram.recordedValuesIterator;
  iterator.reset();
  while (iterator.hasNext()) {
    const bucket = iterator.next();
    values.push(bucket.valueIteratedTo / 1000);
    counts.push(bucket.countAtValueIteratedTo);
  }
  const data: MetricDatum[] = [];
  for (let i = 0; i < values.length; i += MAX_VALUES_PER_DATUM) {
    data.push({
      MetricName: METRICS.latency,
      Dimensions,
      Timestamp,
      Unit: 'Milliseconds',
      Values: values.slice(i, i + MAX_VALUES_PER_DATUM),
      Counts: counts.slice(i, i + MAX_VALUES_PER_DATUM),
    });
  }
  return data;
}

/** The part of hdr-histogram-js's JsHistogram this needs; decoded histograms are JsHistograms. */
interface RecordedValues {
  readonly recordedValuesIterator: {
    reset(): void;
    hasNext(): boolean;
    next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
  };
}
