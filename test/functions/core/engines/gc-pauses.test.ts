import { describe, expect, it } from 'vitest';
import { watchGcPauses } from '../../../../functions/core/engines/gc-pauses.ts';
import { formatRun } from '../../../../functions/local/report.ts';
import { runProbeLocally } from '../../../../functions/local/run-probe.ts';
import { createStyle } from '../../../../functions/local/style.ts';
import { probeFor } from '../../../helpers/probes.ts';
import { httpServer } from '../../../helpers/servers.ts';

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

describe('a run', () => {
  it("carries the generator's GC pauses and its wait for a CPU in its validity, and the report shows them", async () => {
    const server = await httpServer((_, res) => res.end('ok'));
    try {
      const result = await runProbeLocally(
        probeFor(server.url, { load: { kind: 'burst', connections: 2, duration: '300ms' } }),
        { shards: 2 },
      );
      const gc = result.validity.gcPauseMs;
      expect(gc).toBeDefined();
      expect(gc!.total).toBeGreaterThanOrEqual(gc!.max);
      expect(gc!.max).toBeGreaterThanOrEqual(0);
      const report = formatRun(result, createStyle({ isTTY: false }));
      expect(report).toMatch(
        new RegExp(`loop delay p99 [\\d.]+ ms, GC pauses ${gc!.total} ms \\(longest ${gc!.max}\\)`),
      );
      // The main thread's wait for a CPU (Linux schedstat), with its share of the run.
      const waited = result.validity.cpuWaitMs;
      expect(waited).toBeGreaterThanOrEqual(0);
      const share = ((100 * waited!) / result.durationMs).toFixed(1);
      expect(report).toContain(`, CPU wait ${waited} ms (${share} % of the run))`);
      // The machine's steal time (Linux /proc/stat), in 10 ms ticks: present here, printed before the CPU wait.
      const steal = result.validity.stealMs;
      expect(steal).toBeGreaterThanOrEqual(0);
      expect(steal! % 10).toBe(0);
      expect(report).toContain(`, steal ${steal} ms, CPU wait ${waited} ms`);
    } finally {
      await server.close();
    }
  });
});
