import { defineCommand } from '../cli-command.ts';
import { noPositionals } from '../command-line.ts';

export const demoApiCli = defineCommand({
  name: 'demo-api',
  flags: { port: { type: 'string' }, latency: { type: 'string' }, 'error-rate': { type: 'string' } },
  help: `Usage: perfprobe demo-api [--port N] [--latency MS] [--error-rate F]

Serves the demo API until Ctrl-C.

      --port N            TCP port, 0 for any free one (default 8080)
      --latency MS        milliseconds added to every response (default 0)
      --error-rate F      share of requests answered 503 on purpose, 0 to 1 (default 0)
`,
  overview: {
    usage: ['demo-api [--port N] [--latency MS] [--error-rate F]'],
    summary: ['serve the demo API until Ctrl-C'],
  },
  async run({ flags, positionals, signal }) {
    const { demoApiCommand } = await import('./demo-api-command.ts');
    noPositionals(positionals, 'demo-api');
    return await demoApiCommand(
      { port: flags.port, latency: flags.latency, errorRate: flags['error-rate'] },
      signal,
    );
  },
});
