import { percentileMs } from '../core/histogram.ts';
import type { ShardRecorder } from '../core/shard-recorder.ts';

/** A live one-line progress display on a TTY (nothing at all otherwise), refreshed once a second. */
export function startProgress(stream: NodeJS.WriteStream, label: string) {
  if (!stream.isTTY) return { attach: (_: ShardRecorder[]) => {}, stop: () => {} };
  let recorders: ShardRecorder[] = [];
  const started = performance.now();
  let last = 0;
  let lastAt = started;
  const render = () => {
    const now = performance.now();
    let total = 0;
    let failed = 0;
    let p99 = 0;
    let measured = 0;
    for (const r of recorders) {
      total += r.total;
      failed += r.failed;
      measured += r.histogram.totalCount;
      p99 = Math.max(p99, percentileMs(r.histogram, 99));
    }
    const rps = ((total - last) * 1000) / Math.max(1, now - lastAt);
    last = total;
    lastAt = now;
    const line = `  ${label}  ${((now - started) / 1000).toFixed(0)}s  ${total.toLocaleString('en-US')} req  ${rps.toFixed(0)} req/s  p99 ${measured > 0 ? `${p99.toFixed(1)} ms` : '–'}  errors ${failed}`;
    stream.write(`\r\x1b[2K${line}`);
  };
  const timer = setInterval(render, 1000);
  timer.unref();
  return {
    attach(r: ShardRecorder[]) {
      recorders = r;
    },
    stop() {
      clearInterval(timer);
      stream.write('\r\x1b[2K');
    },
  };
}
