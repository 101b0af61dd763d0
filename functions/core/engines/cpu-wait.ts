import { readFileSync } from 'node:fs';

/** Where Linux keeps the calling thread's scheduler statistics: time on CPU, time waiting for one, slices (ns). */
const SCHEDSTAT = '/proc/thread-self/schedstat';

/**
 * Watches how long the generator's main thread was ready to run but waited for a CPU, until `stop()` (ms;
 * undefined where the kernel does not say, as on macOS). Every exchange in flight waits with it: on a one-vCPU
 * worker, V8's own compiler and GC threads or another process take the core in turns of several ms, which no
 * event-loop delay sample sees while the loop is idle. A hypervisor that takes the whole vCPU (steal) is not seen.
 */
export function watchCpuWait(path = SCHEDSTAT): { stop(): number | undefined } {
  const before = waitedNs(path);
  return {
    stop() {
      const after = waitedNs(path);
      if (before === undefined || after === undefined) return undefined;
      return Math.round(Math.max(0, after - before) / 1e4) / 100;
    },
  };
}

function waitedNs(path: string): number | undefined {
  try {
    const waited = Number(readFileSync(path, 'utf8').split(' ')[1]);
    return Number.isFinite(waited) ? waited : undefined;
  } catch {
    return undefined;
  }
}
