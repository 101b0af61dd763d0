import { describe, expect, it } from 'vitest';
import { watchGcPauses } from '../../../../functions/core/engines/gc-pauses.ts';

const collect = (globalThis as { gc?: () => void }).gc;

describe('watchGcPauses', () => {
  it('counts the collections made while it watched, their sum and the longest', async () => {
    if (collect === undefined) throw new Error('run with --expose-gc (vitest.config.ts sets it)');
    const watch = watchGcPauses();
    collect();
    collect();
    const pauses = await watch.stop();
    expect(pauses.count).toBeGreaterThanOrEqual(2);
    expect(pauses.maxMs).toBeGreaterThan(0);
    expect(pauses.totalMs).toBeGreaterThanOrEqual(pauses.maxMs);
  });
});
