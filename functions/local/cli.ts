import { parseArgs } from 'node:util';
import { SecretResolutionError } from '../adapters/secrets.ts';
import { costCommand } from './commands/cost-command.ts';
import { demoCommand } from './commands/demo-command.ts';
import { probeCommand } from './commands/probe-command.ts';
import { runCommand } from './commands/run-command.ts';
import { validateCommand } from './commands/validate-command.ts';
import { startDemoApi } from './demo-api.ts';
import { UsageError } from './usage-error.ts';

export const HELP = `perfprobe: performance probes for HTTP APIs

Usage:
  perfprobe probe <url> [options]         one ad hoc run (burst by default, open model with --rate)
      --method M  --header 'k: v' (repeatable)  --body TEXT
      --connections N (default 10)  --rate R (requests/s)  --duration S (default 10)
      --requests N  --timeout S (default 10)  --json FILE
  perfprobe run <suite.ts> [--env NAME] [--probe ID]... [--shards N] [--json FILE] [--quiet]
                                          run a suite's probes once; exit 1 when a critical SLA breaches
  perfprobe validate <suite.ts>           check a suite without sending anything
  perfprobe cost <suite.ts> [--env NAME] [--json FILE]
                                          dollars per month of deploying the suite, itemized per probe
  perfprobe demo [--json FILE]            start the demo API and run probes/demo.ts against it
  perfprobe demo-api [--port N] [--latency MS] [--error-rate F]
                                          serve the demo API until Ctrl-C

Exit codes: 0 ok, 1 an SLA breached or a run was invalid, 2 bad usage or bad suite.
`;

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

function parse(args: string[], options: Options) {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1)
    throw new UsageError(`expected ${what}, got ${positionals.length ? positionals.join(' ') : 'nothing'}`);
  return positionals[0]!;
}

/** Runs the CLI; returns the exit code. Ctrl-C stops sending, lets in-flight requests finish, then reports. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: waiting for in-flight requests (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    switch (command) {
      case 'probe': {
        const { values, positionals } = parse(rest, {
          method: { type: 'string' },
          header: { type: 'string', short: 'H', multiple: true },
          body: { type: 'string' },
          connections: { type: 'string', short: 'c' },
          rate: { type: 'string', short: 'R' },
          duration: { type: 'string', short: 'd' },
          requests: { type: 'string', short: 'n' },
          timeout: { type: 'string', short: 't' },
          json: { type: 'string' },
        });
        const v = values as Record<string, string | undefined> & { header?: string[] };
        const { code } = await probeCommand({
          url: onePositional(positionals, 'one URL'),
          method: v.method,
          headers: v.header,
          body: v.body,
          connections: v.connections,
          rate: v.rate,
          duration: v.duration,
          requests: v.requests,
          timeout: v.timeout,
          json: v.json,
          signal: controller.signal,
        });
        return code;
      }
      case 'run': {
        const { values, positionals } = parse(rest, {
          env: { type: 'string', short: 'e' },
          probe: { type: 'string', short: 'p', multiple: true },
          json: { type: 'string' },
          shards: { type: 'string' },
          quiet: { type: 'boolean', short: 'q' },
        });
        const shards = values.shards === undefined ? undefined : Number(values.shards);
        if (shards !== undefined && !(Number.isInteger(shards) && shards >= 1 && shards <= 64)) {
          throw new UsageError(`--shards: expected a whole number between 1 and 64, got "${values.shards}"`);
        }
        const { code } = await runCommand({
          suitePath: onePositional(positionals, 'one suite file'),
          env: values.env as string | undefined,
          probes: values.probe as string[] | undefined,
          json: values.json as string | undefined,
          shards,
          quiet: Boolean(values.quiet),
          signal: controller.signal,
        });
        return code;
      }
      case 'validate': {
        const { positionals } = parse(rest, {});
        return await validateCommand(onePositional(positionals, 'one suite file'));
      }
      case 'cost': {
        const { values, positionals } = parse(rest, {
          env: { type: 'string', short: 'e' },
          json: { type: 'string' },
        });
        return await costCommand({
          suitePath: onePositional(positionals, 'one suite file'),
          env: values.env as string | undefined,
          json: values.json as string | undefined,
        });
      }
      case 'demo': {
        const { values } = parse(rest, { json: { type: 'string' } });
        return await demoCommand({ json: values.json as string | undefined, signal: controller.signal });
      }
      case 'demo-api': {
        const { values } = parse(rest, {
          port: { type: 'string' },
          latency: { type: 'string' },
          'error-rate': { type: 'string' },
        });
        const api = await startDemoApi({
          port: Number(values.port ?? 8080),
          extraLatencyMs: Number(values.latency ?? 0),
          errorRate: Number(values['error-rate'] ?? 0),
        });
        process.stdout.write(`demo API listening on ${api.url} (Ctrl-C to stop)\n`);
        await new Promise((resolve) => controller.signal.addEventListener('abort', resolve, { once: true }));
        await api.close();
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof SecretResolutionError) {
      process.stderr.write(`perfprobe: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`perfprobe: ${(error as Error).stack ?? String(error)}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
