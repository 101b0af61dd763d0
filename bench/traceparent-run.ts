import type { RunResult } from '../functions/core/run-result.ts';
import { runProbeLocally } from '../functions/local/run-probe.ts';
import { probeFor } from '../test/helpers/probes.ts';

// Paired runs of perfprobe against `url`, the W3C traceparent on and off, in one process of its own (pinned like
// the other generators): `rounds` rounds of both, who goes first alternating, so a noisy machine's drift hits both
// alike. Prints every trial as JSON lines.
const [url, kind, rounds] = process.argv.slice(2);
if (!url || (kind !== 'latency' && kind !== 'burst') || !Number(rounds))
  throw new Error('usage: traceparent-run.ts <url> latency|burst <rounds>');
const load =
  kind === 'latency'
    ? { kind: 'latency', requests: 500, interval: 0 }
    : { kind: 'burst', connections: 10, duration: '1s' };
const run = (traceparent: boolean) =>
  runProbeLocally(
    probeFor(url, { request: { url: '/', connection: 'reuse' }, load, transport: { traceparent } }),
  );
const line = (round: number, mode: string, r: RunResult) =>
  `${JSON.stringify({
    round,
    mode,
    requests: r.requests.total,
    rps: r.throughputRps,
    p50: r.latencyMs.p50,
    p99: r.latencyMs.p99,
    valid: r.validity.valid,
    traced: r.traces?.slowest.length ?? 0,
  })}\n`;

// One unmeasured run of each: the JIT and the connection warm before the first pair.
await run(true);
await run(false);
for (let round = 0; round < Number(rounds); round++) {
  for (const on of round % 2 === 0 ? [true, false] : [false, true]) {
    process.stdout.write(line(round, on ? 'on' : 'off', await run(on)));
  }
}
