import { defineCommand } from '../cli-command.ts';
import { noPositionals } from '../command-line.ts';
import { assertWritable } from '../json-output.ts';

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
    const { demoCommand } = await import('./demo-command.ts');
    const { storeDirFlags } = await import('../store-dir.ts');
    noPositionals(positionals, 'demo');
    if (flags.json) await assertWritable('--json', flags.json);
    return await demoCommand({ json: flags.json, store: storeDirFlags(flags), signal });
  },
});
