import type { ShardStore } from '../../functions/adapters/dynamo-shard-store.ts';
import { shardRecord } from '../../functions/core/cloud/shard-record.ts';
import { ShardRecorder, timelineSlotMs } from '../../functions/core/shard-recorder.ts';
import type { ShardResult } from '../../functions/core/shard-result.ts';

export interface SimulatedSample {
  /** When the response ended, ms from the shard's start. */
  readonly atMs: number;
  readonly latencyUs: number;
  readonly failed: boolean;
}

/**
 * What a shard sees in `seconds` at 500 req/s from a typical API: log-normal latency around 20 ms (`spread` wide)
 * with a 1 % tail up to `tailMs`, and 0.5 % 503s. Deterministic for a seed, so a test or benchmark can record the
 * same samples twice (as shards, and into one histogram).
 */
export function* simulatedSamples(seconds: number, spread: number, tailMs: number, seed = 1) {
  let x = seed;
  const rand = () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
  for (let t = 0; t < seconds * 1000; t += 2) {
    const us = 20_000 * Math.exp((rand() - 0.5) * spread) + (rand() < 0.01 ? tailMs * 1000 * rand() : 0);
    yield {
      atMs: t + us / 1000,
      latencyUs: Math.round(us),
      failed: rand() < 0.005,
    } satisfies SimulatedSample;
  }
}

/** Records those samples into `recorder`, as the engines do. */
export function recordSimulated(
  recorder: ShardRecorder,
  seconds: number,
  spread: number,
  tailMs: number,
  seed = 1,
) {
  for (const s of simulatedSamples(seconds, spread, tailMs, seed)) {
    recorder.record(s.atMs, s.latencyUs, s.failed ? 503 : 200, s.failed ? 'http_5xx' : undefined, 120);
  }
}

/** A ShardResult of those samples, as a worker would return it. */
export function simulatedShard(
  seconds: number,
  spread: number,
  tailMs: number,
  seed = 1,
  shard = 0,
): ShardResult {
  const recorder = new ShardRecorder(0, timelineSlotMs(seconds * 1000));
  recordSimulated(recorder, seconds, spread, tailMs, seed);
  return recorder.toResult({
    probeId: 'payments',
    shard,
    kind: 'burst',
    startedAt: new Date(0).toISOString(),
    durationMs: seconds * 1000,
    generator: {
      intendedRequests: undefined,
      sent: 0,
      lateSends: 0,
      queuedSends: 0,
      unsent: 0,
      eventLoopDelayP99Ms: 0,
    },
  });
}

/**
 * The `health` latency check's one shard, three responses of `latencyUs` each, written to the table as its
 * worker writes it; returns the planned run Aggregate is invoked with.
 */
export function writeHealthShard(
  shards: ShardStore,
  runId: string,
  startedAt: string,
  latencyUs = 2_000,
  /** What else the worker saw (its TLS facts). */
  extra: Partial<ShardResult> = {},
) {
  const answers = Array.from({ length: 3 }, () => ({ latencyUs, status: 200 }));
  return writeHealthAnswers(shards, runId, startedAt, answers, extra);
}

/** The same with the responses given: a status of 500 or more is recorded as a failed (http_5xx) response. */
export async function writeHealthAnswers(
  shards: ShardStore,
  runId: string,
  startedAt: string,
  answers: readonly { readonly latencyUs: number; readonly status: number }[],
  extra: Partial<ShardResult> = {},
) {
  const recorder = new ShardRecorder(0);
  answers.forEach((a, i) => {
    recorder.record(i * 10, a.latencyUs, a.status, a.status >= 500 ? 'http_5xx' : undefined, 10);
  });
  const result = recorder.toResult({
    probeId: 'health',
    shard: 0,
    kind: 'latency',
    startedAt,
    durationMs: answers.length * 10,
    generator: {
      intendedRequests: answers.length,
      sent: answers.length,
      lateSends: 0,
      queuedSends: 0,
      unsent: 0,
      eventLoopDelayP99Ms: 0,
    },
  });
  await shards.write(shardRecord('prod', runId, 0, { result: { ...result, ...extra } }, Date.now()));
  return { runId, probeId: 'health', startAt: Date.parse(startedAt), shards: 1, tasks: [0] };
}
