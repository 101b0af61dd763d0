import { PerformanceObserver } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Garbage-collection pauses while a load ran: each one stops the event loop, and every exchange in flight. */
export interface GcPauses {
  /** Sum of the pauses, ms. */
  readonly totalMs: number;
  /** The longest one, ms. */
  readonly maxMs: number;
  readonly count: number;
}

/**
 * Watches the process's GC pauses until `stop()`. Node reports each collection as a 'gc' performance entry (its
 * duration is the pause on the main thread), queued a turn after the collection: stop waits that turn.
 */
export function watchGcPauses(): { stop(): Promise<GcPauses> } {
  let totalMs = 0;
  let maxMs = 0;
  let count = 0;
  const add = (entries: readonly { duration: number }[]) => {
    for (const entry of entries) {
      totalMs += entry.duration;
      if (entry.duration > maxMs) maxMs = entry.duration;
      count++;
    }
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop() {
      await nextTurn();
      add(observer.takeRecords());
      observer.disconnect();
      return { totalMs: round2(totalMs), maxMs: round2(maxMs), count };
    },
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
