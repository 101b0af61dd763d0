import { fileURLToPath } from 'node:url';
import { startDemoApi } from '../demo-api.ts';
import { runCommand } from './run-command.ts';

export const DEMO_SUITE = fileURLToPath(new URL('../../../probes/demo.ts', import.meta.url));

/** `npm start`: the demo API on a free loopback port, then the demo suite against it. */
export async function demoCommand(options: {
  json?: string | undefined;
  store?: string | undefined;
  signal?: AbortSignal;
}): Promise<0> {
  const api = await startDemoApi();
  process.env.PERFPROBE_DEMO_URL = api.url;
  process.stdout.write(`demo API listening on ${api.url}\n`);
  try {
    await runCommand({
      suitePath: DEMO_SUITE,
      json: options.json,
      store: options.store,
      signal: options.signal,
    });
  } finally {
    await api.close();
  }
  process.stdout.write(
    '\nfx-rates breaches on purpose (the demo API allows 20 requests/s, the probe sends 50/s);\n' +
      'monthly-report misses its p95 target but stays under its hard maximum (warn).\n' +
      'Next: edit probes/demo.ts, or try `npx perfprobe probe <url> --connections 50 --duration 10`.\n',
  );
  return 0;
}
