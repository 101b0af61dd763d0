import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { watchCpuWait } from '../../functions/core/engines/cpu-wait.ts';

/**
 * Run pinned to one core (taskset): this thread works for 300 ms of wall time in 1 ms turns, first alone, then
 * while a worker thread spins on the same core (as V8's compiler and GC threads do on a one-vCPU worker, or
 * another process). Prints how long this thread waited for the core each time: {"alone": ms, "contended": ms}.
 */
async function waited(): Promise<number> {
  const watch = watchCpuWait();
  const end = performance.now() + 300;
  while (performance.now() < end) {
    const turn = performance.now() + 1;
    while (performance.now() < turn) {
      // Busy, as a loop parsing responses is.
    }
    await sleep(0);
  }
  const ms = watch.stop();
  if (ms === undefined) throw new Error('no /proc/thread-self/schedstat on this machine');
  return ms;
}

const alone = await waited();
const spinner = new Worker('for (;;) {}', { eval: true });
await new Promise((resolve) => spinner.once('online', resolve));
const contended = await waited();
await spinner.terminate();
process.stdout.write(`${JSON.stringify({ alone, contended })}\n`);
