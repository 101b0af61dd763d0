/**
 * performance.now() + shift = process.hrtime in ms, taken from the tightest of many paired reads (warm). The timed
 * server stamps responses on hrtime; a client in another process converts its performance.now() stamps with this.
 */
export function clockShift() {
  let best = Number.POSITIVE_INFINITY;
  let shift = 0;
  for (let i = 0; i < 2000; i++) {
    const before = performance.now();
    const hr = Number(process.hrtime.bigint()) / 1e6;
    const after = performance.now();
    if (after - before < best) {
      best = after - before;
      shift = hr - (before + after) / 2;
    }
  }
  return shift;
}
