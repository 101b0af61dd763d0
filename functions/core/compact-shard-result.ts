import { createTimelineHistogram, encodeHistogram, mergeEncoded } from './histogram.ts';
import type { ShardResult, TimelineSlot } from './shard-result.ts';

/**
 * Step Functions caps a state's payload at 256 KiB; the shards' results shared what the plan left of it.
 * @deprecated Shard results no longer travel in the state (workers write them to the runs table), so nothing in
 * the pipeline compacts them any more; the widest shard item is ~18 KB against DynamoDB's 400 KB. Kept only
 * until test/functions/core/shard-size.test.ts drops its compaction tests; `encodedSize` stays (bench uses it).
 */
export const STATE_PAYLOAD_BUDGET_BYTES = 200 * 1024;

/**
 * What one shard may return when `shards` shards report into one Map state.
 * @deprecated See STATE_PAYLOAD_BUDGET_BYTES.
 */
export function shardResultBudget(shards: number): number {
  return Math.floor(STATE_PAYLOAD_BUDGET_BYTES / Math.max(1, shards));
}

export function encodedSize(result: ShardResult): number {
  return Buffer.byteLength(JSON.stringify(result));
}

/** Merges slots pairwise: twice the width, still aligned with other shards' slots (widths double). */
function halveTimeline(result: ShardResult): ShardResult {
  const width = result.timelineSlotSeconds * 2;
  const merged = new Map<number, { requests: number; errors: number; encoded: string[] }>();
  for (const slot of result.timeline) {
    const start = Math.floor(slot.second / width) * width;
    const into = merged.get(start) ?? { requests: 0, errors: 0, encoded: [] };
    into.requests += slot.requests;
    into.errors += slot.errors;
    if (slot.histogram) into.encoded.push(slot.histogram);
    merged.set(start, into);
  }
  const timeline: TimelineSlot[] = [...merged].map(([second, s]) => ({
    second,
    requests: s.requests,
    errors: s.errors,
    histogram:
      s.encoded.length > 0 ? encodeHistogram(mergeEncoded(s.encoded, createTimelineHistogram())) : '',
  }));
  return { ...result, timeline, timelineSlotSeconds: width };
}

/**
 * Fits a shard result into `maxBytes` by coarsening only its timeline (wider slots, then no per-slot
 * percentiles); the run histogram and every counter stay exact. Returns the result unchanged when it fits.
 * @deprecated See STATE_PAYLOAD_BUDGET_BYTES.
 */
export function compactShardResult(result: ShardResult, maxBytes: number): ShardResult {
  let compact = result;
  while (encodedSize(compact) > maxBytes && compact.timeline.length > 1) compact = halveTimeline(compact);
  if (encodedSize(compact) > maxBytes) {
    compact = { ...compact, timeline: compact.timeline.map((slot) => ({ ...slot, histogram: '' })) };
  }
  return compact;
}
