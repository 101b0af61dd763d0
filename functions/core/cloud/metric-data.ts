import { decodeHistogram } from '../histogram.ts';
import type { RunResult } from '../run-result.ts';

export const METRIC_NAMESPACE = 'Perfprobe';

/** CloudWatch accepts at most this many distinct values in one datum's Values/Counts. */
export const MAX_VALUES_PER_DATUM = 150;

export const METRICS = {
  latency: 'Latency',
  requests: 'Requests',
  errors: 'Errors',
  throughput: 'Throughput',
  slaBreached: 'SlaBreached',
  invalidRun: 'InvalidRun',
  heartbeat: 'Heartbeat',
  /** 1 when Aggregate could not write the run to the table; published only then (no cost while healthy). */
  storeFailed: 'StoreFailed',
  /**
   * The days the target's certificate has left, as the run saw it; published only for probes that declare a
   * critical `sla.certDaysLeft` (certAlarmDays), whose cert-expiry alarm reads it.
   */
  certDaysLeft: 'CertDaysLeft',
} as const;

/**
 * The metrics a probe of this kind publishes every run (each one a custom metric at $0.30 a month). A latency
 * check's throughput only restates its pacing, so it is left out there; StoreFailed appears only on failure.
 */
export function publishedMetrics(kind: RunResult['kind'], options: { certAlarm?: boolean } = {}): string[] {
  const all = (Object.values(METRICS) as string[]).filter(
    (m) => m !== METRICS.storeFailed && (options.certAlarm === true || m !== METRICS.certDaysLeft),
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

/** Suite first: two suites with the same environment and probe ids never share a metric. */
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
 * - Latency and SlaBreached only for valid runs: a run the generator could not deliver never counts as a breach,
 *   and the latency alarms never see it.
 * - Heartbeat for every run the pipeline completed, measured or not: it means "running". A run no shard reported
 *   (a worker that failed, timed out or was throttled) still beats, and its InvalidRun (1) pages once, as
 *   "cannot measure" with the lost shards' errors; were it silent, the heartbeat would page the same cause again.
 * - StoreFailed (1) when the run could not be written to the table.
 * - CertDaysLeft, with `certAlarm`, for every run that saw a certificate, valid or not: a certificate's days are a
 *   fact about the target, not about the load delivered. Its cert-expiry alarm then pages that cause alone, so
 *   SlaBreached leaves out certDaysLeft's own failure (one cause, one page), unless no certificate was seen.
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
  }
  data.push(
    datum(METRICS.requests, 'Count', run.requests.total),
    datum(METRICS.errors, 'Count', run.requests.failed),
    datum(METRICS.invalidRun, 'Count', run.validity.valid ? 0 : 1),
  );
  data.push(datum(METRICS.heartbeat, 'Count', 1));
  if (run.kind !== 'latency') data.push(datum(METRICS.throughput, 'Count/Second', run.throughputRps));
  const certPublished = options.certAlarm === true && run.tls !== undefined;
  if (run.validity.valid) {
    data.push(datum(METRICS.slaBreached, 'Count', breached(run, certPublished) ? 1 : 0));
  }
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
function breached(run: RunResult, certPublished: boolean): boolean {
  if (!certPublished) return !run.sla.passed;
  return run.sla.checks.some((c) => c.severity === 'critical' && !c.passed && c.name !== 'certDaysLeft');
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
