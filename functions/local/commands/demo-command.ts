import { fileURLToPath } from 'node:url';
import { defineCommand } from '../cli-command.ts';
import { noPositionals } from '../command-line.ts';
import { startDemoApi } from '../demo-api.ts';
import { assertWritable } from '../json-output.ts';
import { storeDirFlags } from '../store-dir.ts';
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

export const demoCli = defineCommand({
  name: 'demo',
  flags: { json: { type: 'string' }, store: { type: 'string' }, 'no-store': { type: 'boolean' } },
  help: `Usage: perfprobe demo [--json FILE] [--store DIR | --no-store]

Starts the demo API on a free loopback port and runs probes/demo.ts against it (what \`npm start\` runs).
Its runs are recorded in the local run store (default .perfprobe), as \`perfprobe run\` records them.
`,
  overview: {
    usage: ['demo [--json FILE]'],
    summary: ['start the demo API and run probes/demo.ts against it'],
  },
  async run({ flags, positionals, signal }) {
    noPositionals(positionals, 'demo');
    if (flags.json) await assertWritable('--json', flags.json);
    return await demoCommand({ json: flags.json, store: storeDirFlags(flags), signal });
  },
});
