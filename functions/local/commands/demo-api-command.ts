import { HARD_LIMITS } from '../../core/suite/limits.ts';
import { type DemoApiOptions, startDemoApi } from '../demo-api.ts';
import { boundedFlag, FlagProblems } from '../flag-values.ts';
import { portError } from '../port-flag.ts';
import { UsageError } from '../usage-error.ts';

export interface DemoApiFlags {
  readonly port?: string | undefined;
  readonly latency?: string | undefined;
  readonly errorRate?: string | undefined;
}

/** `demo-api` flags → server options, or a UsageError naming each bad flag. */
export function demoApiOptions(flags: DemoApiFlags): DemoApiOptions {
  const problems = new FlagProblems();
  const port = boundedFlag(problems, '--port', flags.port, {
    min: 0,
    max: 65_535,
    integer: true,
    what: 'a whole TCP port number (0 for any free port)',
  });
  // A latency past the longest request timeout a probe may set would only ever measure timeouts.
  const extraLatencyMs = boundedFlag(problems, '--latency', flags.latency, {
    min: 0,
    max: HARD_LIMITS.timeoutMs,
    what: 'milliseconds',
  });
  const errorRate = boundedFlag(problems, '--error-rate', flags.errorRate, {
    min: 0,
    max: 1,
    what: 'a fraction of requests',
  });
  if (problems.messages.length > 0) throw new UsageError(problems.messages.join('\n'));
  return { port: port ?? 8080, extraLatencyMs: extraLatencyMs ?? 0, errorRate: errorRate ?? 0 };
}

/** `perfprobe demo-api`: serves the demo API until the signal aborts (Ctrl-C). */
export async function demoApiCommand(flags: DemoApiFlags, signal: AbortSignal): Promise<0> {
  const options = demoApiOptions(flags);
  let api: Awaited<ReturnType<typeof startDemoApi>>;
  try {
    api = await startDemoApi(options);
  } catch (error) {
    throw portError(error, options.port);
  }
  process.stdout.write(`demo API listening on ${api.url} (Ctrl-C to stop)\n`);
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  await api.close();
  return 0;
}
