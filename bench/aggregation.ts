import { performance } from 'node:perf_hooks';
import {
  decodeHistogram,
  encodeHistogram,
  mergeEncoded,
  summarizeLatency,
} from '../functions/core/histogram.ts';
import { mergeShards } from '../functions/core/merge-shards.ts';
import { ShardRecorder } from '../functions/core/shard-recorder.ts';
import { encodedSize } from '../functions/core/shard-result.ts';
import { recordSimulated, simulatedShard } from '../test/helpers/simulated-shard.ts';
import { fixed, markdownTable, median, type Section } from './tools.ts';

/**
 * Aggregation: what Aggregate does with N shard results (mergeShards: histograms, timelines, counters), timed;
 * the merged histogram's encoded size; and exactness against one histogram that recorded every sample itself.
 */
const SHARD_SECONDS = 10;

export async function aggregationSection(): Promise<Section> {
  const counts = [10, 100, 1_000];
  const shards = Array.from({ length: Math.max(...counts) }, (_, i) =>
    simulatedShard(SHARD_SECONDS, 1.5, 500, i + 1, i),
  );
  const sizes = shards.map(encodedSize);
  const rows: string[][] = [];
  const json: Record<string, unknown>[] = [];
  for (const n of counts) {
    const part = shards.slice(0, n);
    const identity = {
      runId: 'r',
      environment: 'prod',
      probeId: 'payments',
      kind: 'burst',
      plannedShards: n,
      intendedRps: undefined,
    } as const;
    const times: number[] = [];
    const histogramTimes: number[] = [];
    let merged = mergeShards(identity, part);
    for (let i = 0; i < 5; i++) {
      let t0 = performance.now();
      mergeEncoded(part.map((s) => s.histogram));
      histogramTimes.push(performance.now() - t0);
      t0 = performance.now();
      merged = mergeShards(identity, part);
      times.push(performance.now() - t0);
    }
    // The same samples recorded straight into one histogram.
    // The same samples, recorded by one recorder straight into one histogram.
    const all = new ShardRecorder(0, SHARD_SECONDS * 1000);
    for (let i = 0; i < n; i++) recordSimulated(all, SHARD_SECONDS, 1.5, 500, i + 1);
    const single = all.histogram;
    // As stored: an encoding keeps bucket counts, so a histogram's max reads back as its bucket's top.
    const truth = summarizeLatency(decodeHistogram(encodeHistogram(single)));
    const keys = ['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const;
    const maxDelta = Math.max(...keys.map((k) => Math.abs(merged.latencyMs[k] - truth[k])));
    const exact =
      maxDelta === 0 &&
      merged.requests.total === single.totalCount &&
      encodeHistogram(single) === merged.histogram;
    rows.push([
      String(n),
      merged.requests.total.toLocaleString('en-US'),
      fixed(median(histogramTimes), 1),
      fixed(median(times), 1),
      (Buffer.byteLength(merged.histogram) / 1024).toFixed(1),
      exact ? 'identical' : `max |Δ| ${maxDelta} ms`,
    ]);
    json.push({
      shards: n,
      samples: merged.requests.total,
      histogramMergeMs: histogramTimes,
      mergeMsMedian: median(times),
      mergeMs: times,
      mergedHistogramBytes: Buffer.byteLength(merged.histogram),
      exact,
      maxDeltaMs: maxDelta,
    });
    process.stdout.write(
      `aggregation ${n} shards: histograms ${fixed(median(histogramTimes), 1)} ms, whole results ${fixed(median(times), 1)} ms, exact ${exact}\n`,
    );
  }
  const markdown = [
    `Shards are ${SHARD_SECONDS} s at 500 req/s of a typical API (log-normal around 20 ms, 1 % tail to 500 ms, 0.5 % errors), as a worker writes them to the runs table: exact run histogram, timeline, counters. Histograms = mergeEncoded over the run histograms; whole results = mergeShards, what Aggregate runs (histograms, per-slot timelines, counters); medians of 5. Exact = the merged histogram encodes byte for byte like one histogram that recorded every sample, and every summary value (min, mean, p50 … p99.9, max) is equal.`,
    '',
    markdownTable(
      [
        'shards',
        'samples',
        'histograms ms',
        'whole results ms',
        'merged histogram KB (base64)',
        'against one histogram',
      ],
      rows,
    ),
    '',
    `One shard result, JSON as a worker writes it to the runs table (one item each, 400 KB allowed): median ${(median(sizes) / 1024).toFixed(1)} KB, max ${(Math.max(...sizes) / 1024).toFixed(1)} KB (goal < 8 KB).`,
  ].join('\n');
  return {
    title: 'Aggregation',
    markdown,
    json: { rows: json, shardResultBytes: { median: median(sizes), max: Math.max(...sizes) } },
  };
}
