import { describe, expect, it } from 'vitest';
import { ShardRecorder, timelineSlotMs } from '../../../functions/core/shard-recorder.ts';
import { encodedSize } from '../../../functions/core/shard-result.ts';
import { simulatedSamples, simulatedShard } from '../../helpers/simulated-shard.ts';

describe('shard result size', () => {
  it('stays under 8 KB for a minute of a typical API (20 ms ± 2x, 1 % tail to 500 ms), timeline included', () => {
    const result = simulatedShard(60, 1.5, 500);
    // 20 slots of 3 s, plus one for the last responses completing after the 60th second.
    expect(result.timelineSlotSeconds).toBe(3);
    expect(result.timeline.length).toBeLessThanOrEqual(21);
    expect(encodedSize(result)).toBeLessThan(8 * 1024);
  });

  it('stays under 8.5 KB with its trace ids too, from requests of flow steps with the longest names', () => {
    const recorder = new ShardRecorder(0, timelineSlotMs(60_000));
    const step = `s${'x'.repeat(62)}`;
    let n = 0;
    for (const s of simulatedSamples(60, 1.5, 500)) {
      const traceparent = `00-${(n++).toString(16).padStart(32, '0')}-00f067aa0ba902b7-01`;
      recorder.record(s.atMs, s.latencyUs, s.failed ? 503 : 200, s.failed ? 'http_5xx' : undefined, 120);
      if (s.failed) recorder.traces.failed(traceparent, 'http_5xx', step);
      else recorder.traces.slow(traceparent, s.latencyUs / 1000, step);
    }

    const result = recorder.toResult({
      probeId: 'payments',
      shard: 0,
      kind: 'burst',
      startedAt: new Date(0).toISOString(),
      durationMs: 60_000,
      generator: {
        intendedRequests: undefined,
        sent: n,
        lateSends: 0,
        queuedSends: 0,
        unsent: 0,
        eventLoopDelayP99Ms: 1,
      },
    });

    expect(result.traces?.slowest).toHaveLength(5);
    expect(result.traces?.failed).toHaveLength(5);
    // The typical minute above (8 KB, its 164 failed responses' part included: 0.3 KB) plus ten trace ids
    // naming 63-character steps (1.4 KB): a shard's item is 9 write units at most, not 8.
    expect(encodedSize(result)).toBeLessThan(8.5 * 1024);
  });
});
