import { ERROR_CLASSES, type ErrorCounts } from './error-classes.ts';
import {
  createTimelineHistogram,
  encodeHistogram,
  mergeEncoded,
  percentileMs,
  summarizeLatency,
} from './histogram.ts';
import { mergeSteps } from './merge-steps.ts';
import { judgeRateLimit } from './rate-limit/judge-rate-limit.ts';
import { mergeTraces } from './request-traces.ts';
import type { PhaseSummary, RunMeasurement, TimelinePoint, Validity } from './run-result.ts';
import { PHASE_NAMES, type PhaseName, type ShardResult } from './shard-result.ts';

/** A send later than this after its intended time, with a connection free, is the generator's fault. */
export const LATE_SEND_TOLERANCE_MS = 10;
/** More late sends than this share means the generator could not keep the schedule... */
const MAX_LATE_SHARE = 0.01;
/**
 * ...provided there are more than a few: one stall of the machine (a GC pause, a VM's stolen time) delays one
 * or two sends, which in a 40-request run is above 1 % yet changes nothing measured. Without this floor, such
 * a run was judged invalid, and an invalid run never counts as a breach: a real outage would have been hidden.
 */
const MIN_LATE_SENDS = 3;
/**
 * Arrivals that waited in the generator's queue (every connection busy at the pool's cap) beyond this share, and
 * more than MIN_LATE_SENDS of them, changed what the run measured; whose doing that was is judged by
 * POOL_BOUND_SHARE.
 */
const MAX_QUEUED_SHARE = 0.01;
/**
 * The queue is the generator's limit when the target's own typical answer, at the planned peak rate, keeps more
 * than this share of the cap busy (Little's law: connections ≈ rate × time each is held): with more connections
 * it would not have formed. Below it the queue formed because the target held connections far longer than it
 * usually answers (a stall, a hang): the target's doing, measured from the intended send times, and a breach.
 * The margin covers arrivals bunching above the average.
 */
const POOL_BOUND_SHARE = 0.8;
/** Event-loop delay above this inflates latencies enough to distrust them. */
const MAX_EVENT_LOOP_DELAY_MS = 100;

export interface RunIdentity {
  readonly runId: string;
  readonly environment: string;
  readonly probeId: string;
  readonly kind: RunMeasurement['kind'];
  readonly plannedShards: number;
  /** Planned arrival rate of the whole run (all shards), if it has one. */
  readonly intendedRps: number | undefined;
  /** Peak planned arrival rate of the whole run (a rate load's), for judging its connection pool. */
  readonly peakRps?: number | undefined;
}

function addCounts(into: Record<string, number>, from: Readonly<Record<string, number | undefined>>): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + (n ?? 0);
}

function mergeTimelines(shards: readonly ShardResult[], originMs: number): TimelinePoint[] {
  // Shards of one run share their plan, hence their slot width.
  const width = Math.max(1, ...shards.map((s) => s.timelineSlotSeconds));
  const slots: { requests: number; errors: number; encoded: string[] }[] = [];
  for (const shard of shards) {
    // Shards share a planned start, but a late one is shifted so slots line up in wall time.
    const offset = Math.max(0, Math.round((Date.parse(shard.startedAt) - originMs) / 1000));
    for (const slot of shard.timeline) {
      const at = Math.floor((slot.second + offset) / width);
      for (let i = slots.length; i <= at; i++) slots.push({ requests: 0, errors: 0, encoded: [] });
      const merged = slots[at]!;
      merged.requests += slot.requests;
      merged.errors += slot.errors;
      // Stryker disable next-line ConditionalExpression: mergeEncoded skips an empty encoding
      if (slot.histogram) merged.encoded.push(slot.histogram);
    }
  }
  return slots.map((slot, index) => {
    const histogram = mergeEncoded(slot.encoded, createTimelineHistogram());
    return {
      second: index * width,
      seconds: width,
      requests: slot.requests,
      errors: slot.errors,
      p50: percentileMs(histogram, 50),
      p99: percentileMs(histogram, 99),
    };
  });
}

/** An open model's connection pool over all shards: its size, its cap and the longest queue wait. */
interface PoolReading {
  readonly size: number;
  readonly cap: number;
  readonly longestWaitMs: number;
}

function readPool(shards: readonly ShardResult[]): PoolReading | undefined {
  let pool: { size: number; cap: number; longestWaitMs: number } | undefined;
  for (const s of shards) {
    const g = s.generator;
    if (g.poolSize === undefined || g.poolCap === undefined) continue;
    pool ??= { size: 0, cap: 0, longestWaitMs: 0 };
    pool.size += g.poolSize;
    pool.cap += g.poolCap;
    pool.longestWaitMs = Math.max(pool.longestWaitMs, g.longestQueueWaitMs ?? 0);
  }
  return pool;
}

/**
 * Why a rate run's queue makes it invalid, or undefined when there was little queue or it was the target's
 * doing (see POOL_BOUND_SHARE). The target's typical time per unit of load is the median ttfb plus download, times
 * the requests each unit sent that were answered: a flow holds its connection for every step, and a target that
 * mostly did not answer (a hang) shows no typical time to blame the pool for.
 */
function queueProblem(
  identity: RunIdentity,
  pool: PoolReading | undefined,
  counts: { readonly sent: number; readonly waited: number; readonly arrivals: number },
  phases: Partial<Record<PhaseName, PhaseSummary>> | undefined,
): string | undefined {
  const { sent, waited, arrivals } = counts;
  const ttfb = phases?.ttfb;
  if (pool === undefined || identity.peakRps === undefined || ttfb === undefined || sent === 0)
    return undefined;
  if (waited <= MIN_LATE_SENDS || waited / arrivals <= MAX_QUEUED_SHARE) return undefined;
  const answerMs = ttfb.p50 + (phases?.download?.p50 ?? 0);
  const unitMs = (ttfb.count / sent) * answerMs;
  const needed = (identity.peakRps * unitMs) / 1000;
  if (needed <= pool.cap * POOL_BOUND_SHARE) return undefined;
  return (
    `${waited} of ${arrivals} arrivals (${(100 * (waited / arrivals)).toFixed(1)} %) waited in perfprobe's queue ` +
    `(longest ${Math.round(pool.longestWaitMs)} ms) with all ${pool.cap} connections of caps.maxConnections busy: ` +
    `at ${identity.peakRps} req/s the target's median answer of ${answerMs < 10 ? round2(answerMs) : Math.round(answerMs)} ms keeps about ` +
    `${Math.ceil(needed)} busy; raise caps.maxConnections to at least ${Math.ceil(needed / POOL_BOUND_SHARE)}`
  );
}

function judgeValidity(
  identity: RunIdentity,
  shards: readonly ShardResult[],
  durationMs: number,
  stoppedEarly: string | undefined,
  phases: Partial<Record<PhaseName, PhaseSummary>> | undefined,
): Validity {
  let sent = 0;
  let late = 0;
  let queued = 0;
  let unsent = 0;
  let loopDelay = 0;
  let gcTotal: number | undefined;
  let gcMax = 0;
  let cpuWait: number | undefined;
  let steal: number | undefined;
  for (const s of shards) {
    if (s.generator.gcPauseMs !== undefined) {
      gcTotal = Math.max(gcTotal ?? 0, s.generator.gcPauseMs);
      gcMax = Math.max(gcMax, s.generator.gcPauseMaxMs ?? 0);
    }
    if (s.generator.cpuWaitMs !== undefined) cpuWait = Math.max(cpuWait ?? 0, s.generator.cpuWaitMs);
    if (s.generator.stealMs !== undefined) steal = Math.max(steal ?? 0, s.generator.stealMs);
    sent += s.generator.sent;
    late += s.generator.lateSends;
    queued += s.generator.queuedSends;
    unsent += s.generator.unsent;
    loopDelay = Math.max(loopDelay, s.generator.eventLoopDelayP99Ms);
  }
  const reasons: string[] = [];
  if (shards.length < identity.plannedShards) {
    reasons.push(`only ${shards.length} of ${identity.plannedShards} shards reported`);
  }
  if (late > MIN_LATE_SENDS && late / sent > MAX_LATE_SHARE) {
    reasons.push(
      `${late} of ${sent} sends left more than ${LATE_SEND_TOLERANCE_MS} ms late with a connection free: the generator could not keep up`,
    );
  }
  const pool = readPool(shards);
  // Every arrival not sent waited in the queue (the rate engine drops only from there).
  const queue = queueProblem(
    identity,
    pool,
    { sent, waited: queued + unsent, arrivals: sent + unsent },
    phases,
  );
  if (queue !== undefined) reasons.push(queue);
  if (loopDelay > MAX_EVENT_LOOP_DELAY_MS) {
    reasons.push(`generator event loop delayed ${loopDelay} ms (p99): latencies would be inflated`);
  }
  if (stoppedEarly?.startsWith('interrupted')) reasons.push(stoppedEarly);
  const stale = shards.find((s) => s.staleSecrets)?.staleSecrets;
  if (stale) reasons.push(stale);
  if (shards.length === 0) reasons.push('no shard reported');
  return {
    valid: reasons.length === 0,
    intendedRps: identity.intendedRps,
    achievedRps: durationMs > 0 ? round2((sent * 1000) / durationMs) : 0,
    lateSends: late,
    queuedSends: queued,
    ...(pool === undefined
      ? {}
      : { longestQueueWaitMs: pool.longestWaitMs, pool: { size: pool.size, cap: pool.cap } }),
    unsent,
    eventLoopDelayP99Ms: loopDelay,
    ...(gcTotal === undefined ? {} : { gcPauseMs: { total: gcTotal, max: gcMax } }),
    ...(cpuWait === undefined ? {} : { cpuWaitMs: cpuWait }),
    ...(steal === undefined ? {} : { stealMs: steal }),
    sendLatenessMs: mergeLateness(shards),
    reasons,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function mergeLateness(shards: readonly ShardResult[]): Validity['sendLatenessMs'] {
  const encoded = shards.flatMap((s) => (s.generator.sendLateness ? [s.generator.sendLateness] : []));
  if (encoded.length === 0) return undefined;
  const histogram = mergeEncoded(encoded);
  return {
    p50: round3(percentileMs(histogram, 50)),
    p99: round3(percentileMs(histogram, 99)),
    max: round3(histogram.maxValue / 1000),
  };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function mergePhases(shards: readonly ShardResult[]): Partial<Record<PhaseName, PhaseSummary>> | undefined {
  const merged: Partial<Record<PhaseName, PhaseSummary>> = {};
  for (const phase of PHASE_NAMES) {
    const encoded = shards.flatMap((s) => (s.phases?.[phase] ? [s.phases[phase]] : []));
    // Stryker disable next-line ConditionalExpression: merging nothing gives a count of 0, skipped below
    if (encoded.length === 0) continue;
    const histogram = mergeEncoded(encoded);
    const count = histogram.totalCount;
    if (count === 0) continue;
    merged[phase] = {
      count,
      p50: round2(percentileMs(histogram, 50)),
      p95: round2(percentileMs(histogram, 95)),
      p99: round2(percentileMs(histogram, 99)),
    };
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}

function stepsOf(shards: readonly ShardResult[]): {
  steps?: RunMeasurement['steps'];
  rateLimit?: RunMeasurement['rateLimit'];
} {
  const steps = mergeSteps(shards);
  const rateLimit = judgeRateLimit(shards);
  return { ...(steps === undefined ? {} : { steps }), ...(rateLimit === undefined ? {} : { rateLimit }) };
}

/**
 * Merges the shards of one run exactly: histograms and counters are added, percentiles are read from the sum
 * and never averaged. Pure: the local runner and the Aggregate Lambda both call it.
 */
export function mergeShards(identity: RunIdentity, shards: readonly ShardResult[]): RunMeasurement {
  const histogram = mergeEncoded(shards.map((s) => s.histogram));
  const statusCodes: Record<string, number> = {};
  const errorTotals: Record<string, number> = {};
  const requests = { total: 0, ok: 0, failed: 0 };
  let bytesReceived = 0;
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = 0;
  const samples = new Set<string>();
  let stoppedEarly: string | undefined;
  let connectAttempts = 0;
  let staleRetries = 0;
  for (const shard of shards) {
    connectAttempts += shard.generator.connectAttempts ?? 0;
    staleRetries += shard.generator.staleRetries ?? 0;
    requests.total += shard.requests.total;
    requests.ok += shard.requests.ok;
    requests.failed += shard.requests.failed;
    bytesReceived += shard.bytesReceived;
    addCounts(statusCodes, shard.statusCodes);
    addCounts(errorTotals, shard.errors);
    const start = Date.parse(shard.startedAt);
    startMs = Math.min(startMs, start);
    endMs = Math.max(endMs, start + shard.durationMs);
    for (const e of shard.sampleErrors) if (samples.size < 5) samples.add(e);
    stoppedEarly ??= shard.stoppedEarly;
  }
  if (shards.length === 0) startMs = endMs = Date.now();
  const durationMs = Math.max(0, Math.round(endMs - startMs));
  const phasesMs = mergePhases(shards);
  const errors: ErrorCounts = {};
  for (const cls of ERROR_CLASSES) if (errorTotals[cls]) errors[cls] = errorTotals[cls];
  return {
    version: 1,
    runId: identity.runId,
    environment: identity.environment,
    probeId: identity.probeId,
    kind: identity.kind,
    startedAt: new Date(startMs).toISOString(),
    durationMs,
    requests,
    throughputRps: durationMs > 0 ? round2((requests.total * 1000) / durationMs) : 0,
    errorRate: requests.total > 0 ? requests.failed / requests.total : 0,
    latencyMs: summarizeLatency(histogram),
    statusCodes,
    errors,
    bytesReceived,
    histogram: encodeHistogram(histogram),
    ...failedOf(shards),
    timeline: mergeTimelines(shards, startMs),
    coverage: { planned: identity.plannedShards, reported: shards.length },
    partial: shards.length < identity.plannedShards,
    validity: judgeValidity(identity, shards, durationMs, stoppedEarly, phasesMs),
    stoppedEarly,
    sampleErrors: [...samples],
    phasesMs,
    ...stepsOf(shards),
    connectAttempts,
    staleRetries,
    ...tlsOf(shards),
    traces: mergeTraces(shards),
    ...streamsOf(shards),
  };
}

/** The failed responses' histograms, merged exactly; nothing when no shard timed a failed response. */
function failedOf(shards: readonly ShardResult[]): Pick<RunMeasurement, 'failedHistogram'> {
  const encoded = shards.flatMap((s) => (s.failedHistogram === undefined ? [] : [s.failedHistogram]));
  return encoded.length === 0 ? {} : { failedHistogram: encodeHistogram(mergeEncoded(encoded)) };
}

/** HTTP/2's most streams on one connection, across shards; nothing when no shard spoke h2. */
function streamsOf(shards: readonly ShardResult[]): Pick<RunMeasurement, 'maxStreamsPerConnection'> {
  const most = Math.max(0, ...shards.map((s) => s.maxStreamsPerConnection ?? 0));
  return most === 0 ? {} : { maxStreamsPerConnection: most };
}

/**
 * The TLS facts of the run: the certificate with the fewest days left across shards (the one to renew first),
 * flagged when shards saw different certificates.
 */
function tlsOf(shards: readonly ShardResult[]): Pick<RunMeasurement, 'tls' | 'httpVersion'> {
  const seen = shards.filter((s) => s.tls !== undefined);
  if (seen.length === 0) {
    const version = shards.find((s) => s.httpVersion !== undefined)?.httpVersion;
    return version === undefined ? {} : { httpVersion: version };
  }
  const first = seen.reduce((a, b) => (b.tls!.certificate.daysLeft < a.tls!.certificate.daysLeft ? b : a));
  const id = (s: ShardResult) =>
    `${s.tls!.certificate.subject}|${s.tls!.certificate.issuer}|${s.tls!.certificate.validTo}`;
  const differ = seen.some((s) => id(s) !== id(first));
  return {
    tls: { ...first.tls!, ...(differ ? { shardsDiffer: true as const } : {}) },
    ...(first.httpVersion === undefined ? {} : { httpVersion: first.httpVersion }),
  };
}
