import { readFileSync } from 'node:fs';

/** Where Linux keeps the machine's CPU time by state since boot, in clock ticks: the first line sums every CPU. */
const PROC_STAT = '/proc/stat';
/** USER_HZ: /proc/stat counts in hundredths of a second on every Linux architecture Node runs on. */
const TICK_MS = 10;
/** The column of steal on the `cpu` line: user nice system idle iowait irq softirq steal. */
const STEAL_COLUMN = 8;

/**
 * Watches the time the hypervisor ran something else while this (virtual) machine's CPUs wanted to run, until
 * `stop()` (ms, summed over its CPUs, in 10 ms ticks; undefined where /proc/stat cannot be read, as on macOS).
 * On Lambda a small function's share of a vCPU is enforced outside the guest: a starved worker's exchanges wait
 * without the guest's own scheduler seeing it (cpuWaitMs), and steal is where it may show.
 */
export function watchStealTime(path = PROC_STAT): { stop(): number | undefined } {
  const before = stealTicks(path);
  return {
    stop() {
      const after = stealTicks(path);
      if (before === undefined || after === undefined) return undefined;
      return Math.max(0, after - before) * TICK_MS;
    },
  };
}

function stealTicks(path: string): number | undefined {
  try {
    const [cpu] = readFileSync(path, 'utf8').split('\n', 1);
    const fields = cpu?.trim().split(/\s+/) ?? [];
    if (fields[0] !== 'cpu') return undefined;
    const steal = Number(fields[STEAL_COLUMN]);
    return Number.isFinite(steal) ? steal : undefined;
  } catch {
    return undefined;
  }
}
