import { describe, expect, it } from 'vitest';
import { encodedSize } from '../../../functions/core/shard-result.ts';
import { simulatedShard } from '../../helpers/simulated-shard.ts';

describe('shard result size', () => {
  it('stays under 8 KB for a minute of a typical API (20 ms ± 2x, 1 % tail to 500 ms), timeline included', () => {
    const result = simulatedShard(60, 1.5, 500);
    // 20 slots of 3 s, plus one for the last responses completing after the 60th second.
    expect(result.timelineSlotSeconds).toBe(3);
    expect(result.timeline.length).toBeLessThanOrEqual(21);
    expect(encodedSize(result)).toBeLessThan(8 * 1024);
  });
});
