import { rawClient } from '../test/helpers/raw-client.ts';

// The tests' minimal raw-socket client as a process of its own (pinned like the other generators): closed model,
// `connections` sockets, `requests` in all. Prints its latency percentiles (nearest rank, ms) as JSON.
const [port, connections, requests] = process.argv.slice(2).map(Number);
if (!port || !connections || !requests)
  throw new Error('usage: raw-client-run.ts <port> <connections> <requests>');
const started = performance.now();
const latencies = (await rawClient(port, connections, requests)).sort((a, b) => a - b);
const at = (p: number) => latencies[Math.max(0, Math.ceil((p / 100) * latencies.length) - 1)] ?? Number.NaN;
process.stdout.write(
  `${JSON.stringify({ requests: latencies.length, seconds: (performance.now() - started) / 1000, p50: at(50), p90: at(90), p99: at(99) })}\n`,
);
