import type { JsHistogram } from 'hdr-histogram-js';
import { addEncodedCounts, createLatencyHistogram, decodeHistogram } from '../histogram.ts';

const LATENCY_FIELDS = ['min', 'mean', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max'] as const;
const KINDS = new Set(['latency', 'burst', 'rate']);
const VERDICTS = new Set(['pass', 'warn', 'breach', 'invalid']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Why a stored run cannot be used, or undefined when it can: what every reader of a run relies on (keys, times,
 * counts, the latency summary, validity, the verdict, a histogram that decodes). A record damaged on disk or
 * written by hand is then skipped with this reason instead of failing a whole history, report or baseline.
 */
export function storedRunProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  for (const field of ['runId', 'environment', 'probeId', 'sk'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '') return `${field}: expected a string`;
  }
  if (typeof value.startedAt !== 'string' || Number.isNaN(Date.parse(value.startedAt))) {
    return 'startedAt: expected an ISO time';
  }
  if (!KINDS.has(value.kind as string)) return 'kind: expected latency, burst or rate';
  for (const field of ['expiresAt', 'durationMs', 'throughputRps', 'errorRate'] as const) {
    if (!isNumber(value[field])) return `${field}: expected a number`;
  }
  const requests = value.requests;
  if (
    !isObject(requests) ||
    !isNumber(requests.total) ||
    !isNumber(requests.ok) ||
    !isNumber(requests.failed)
  ) {
    return 'requests: expected { total, ok, failed } numbers';
  }
  const latency = value.latencyMs;
  if (!isObject(latency)) return 'latencyMs: expected the latency summary';
  const missing = LATENCY_FIELDS.find((field) => !isNumber(latency[field]));
  if (missing) return `latencyMs.${missing}: expected a number`;
  for (const field of ['statusCodes', 'errors', 'coverage'] as const) {
    if (!isObject(value[field])) return `${field}: expected an object`;
  }
  if (!Array.isArray(value.timeline)) return 'timeline: expected a list';
  const validity = value.validity;
  if (!isObject(validity) || typeof validity.valid !== 'boolean' || !Array.isArray(validity.reasons)) {
    return 'validity: expected { valid, reasons }';
  }
  const sla = value.sla;
  if (!isObject(sla) || !VERDICTS.has(sla.verdict as string) || !Array.isArray(sla.checks)) {
    return 'sla: expected { verdict, checks }';
  }
  if (typeof value.histogram !== 'string') return 'histogram: expected an encoded histogram';
  if (value.histogram !== '') {
    try {
      // The readers' own decoding: a histogram it cannot read would fail every history and baseline it is in.
      if (!histogramDecodes(value.histogram)) decodeHistogram(value.histogram);
    } catch {
      return 'histogram: does not decode (damaged)';
    }
  }
  return undefined;
}

/** One scratch target for every check: a histogram per record would make reading a week of runs ~15× slower. */
let scratch: { readonly target: JsHistogram; readonly sums: Float64Array } | undefined;

/** Whether the merge's fast path reads it whole (false: another layout, for hdr-histogram-js's decoder). */
function histogramDecodes(encoded: string): boolean {
  if (!scratch) {
    const target = createLatencyHistogram() as JsHistogram;
    scratch = { target, sums: new Float64Array(target.countsArrayLength) };
  }
  // The counts land in a scratch array nobody reads: only whether the bytes decode matters here.
  return addEncodedCounts(encoded, scratch.target, scratch.sums);
}
