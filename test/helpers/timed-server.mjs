// A target with known service times, in its own process so the load generator under test cannot disturb its
// timers. Usage: node timed-server.mjs '<json plan>'; prints the port. Plans:
//   { "fixedMs": 20 }                       every response after exactly 20 ms
//   { "cycle": [[120, 10], [66, 20], ...] } counts of delays (ms), repeated in order
//   { "stallAfterMs": 1000, "stallMs": 1000 } answers at once, except during a stall window after the first request
import { createServer } from 'node:http';
import { clockShift } from './clock-shift.mjs';

const plan = JSON.parse(process.argv[2] ?? '{}');
const cycle = (plan.cycle ?? []).flatMap(([count, ms]) => Array.from({ length: count }, () => ms));
let served = 0;
const shift = clockShift();
let stallFrom = 0;
// Actual service times (ms, arrival to response), the truth tests compare a measurement against.
let actual = [];

function percentiles() {
  const sorted = [...actual].sort((a, b) => a - b);
  // Nearest rank, as HdrHistogram reports a percentile.
  const at = (p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: at(100) };
}

/** A timer for most of the wait, then polling the monotonic clock: setTimeout alone fires up to ~2.5 ms late (p99). */
function precisely(ms, fn) {
  const due = performance.now() + ms;
  const poll = () => (performance.now() >= due ? fn() : setImmediate(poll));
  if (ms > 1) setTimeout(poll, ms - 1);
  else poll();
}

function delayFor(now) {
  if (plan.fixedMs !== undefined) return plan.fixedMs;
  if (cycle.length > 0) return cycle[served % cycle.length];
  if (plan.stallMs !== undefined) {
    stallFrom ||= now + plan.stallAfterMs;
    return now >= stallFrom && now < stallFrom + plan.stallMs ? stallFrom + plan.stallMs - now : 0;
  }
  return 0;
}

const server = createServer((req, res) => {
  if (req.url === '/__stats') {
    res.end(JSON.stringify(percentiles()));
    actual = [];
    return;
  }
  const arrived = performance.now();
  const delay = delayFor(arrived);
  served++;
  precisely(delay, () => {
    const ended = performance.now();
    // Arrival and end on the machine's monotonic clock (ms), which every process shares: a client on this host
    // can split its own latency into the way there, the service and the way back (bench/p99-breakdown.ts).
    res.setHeader('x-served', `${(arrived + shift).toFixed(3)},${(ended + shift).toFixed(3)}`);
    res.end('ok');
    // The truth ends once the response is handed to the kernel: a pause of this process while it builds and
    // writes the response (a collection, up to 12 ms at 10 connections) is the server's time, not the client's.
    actual.push(performance.now() - arrived);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
