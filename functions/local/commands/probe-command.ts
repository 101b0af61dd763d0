import { writeFile } from 'node:fs/promises';
import type { RunResult } from '../../core/run-result.ts';
import { HARD_LIMITS } from '../../core/suite/limits.ts';
import { resolveProbe } from '../../core/suite/resolve-probe.ts';
import { SuiteValidationError, validateSuite } from '../../core/suite/validate-suite.ts';
import { startProgress } from '../progress.ts';
import { formatRun } from '../report.ts';
import { runProbeLocally } from '../run-probe.ts';
import { createStyle } from '../style.ts';
import { UsageError } from '../usage-error.ts';

export interface ProbeCommandOptions {
  readonly url: string;
  readonly method?: string | undefined;
  readonly headers?: readonly string[] | undefined;
  readonly body?: string | undefined;
  readonly connections?: string | undefined;
  readonly rate?: string | undefined;
  readonly duration?: string | undefined;
  readonly requests?: string | undefined;
  readonly timeout?: string | undefined;
  readonly json?: string | undefined;
  readonly signal?: AbortSignal;
  readonly out?: NodeJS.WriteStream;
}

const FLAG_OF: [RegExp, string][] = [
  [/load\.connections/, '--connections'],
  [/load\.rate/, '--rate'],
  [/load\.duration/, '--duration'],
  [/load\.requests/, '--requests'],
  [/request\.timeout/, '--timeout'],
  [/request\.method/, '--method'],
  [/request\.headers/, '--header'],
  [/request\.url|baseUrl/, '<url>'],
];

/** Plain numbers on the command line are seconds, as in autocannon; "500ms" and "2m" work too. */
const seconds = (v: string | undefined) =>
  v === undefined ? undefined : /^\d+(\.\d+)?$/.test(v) ? `${v}s` : v;

function number(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`${flag}: expected a number, got "${v}"`);
  return n;
}

function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header: expected "name: value", got "${line}"`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** The ad hoc probe as a one-probe suite, so it goes through exactly the same validation and engines. */
export function adHocSuite(o: ProbeCommandOptions) {
  let origin: string;
  let path: string;
  try {
    const url = new URL(o.url);
    origin = url.origin;
    path = `${url.pathname}${url.search}`;
  } catch {
    throw new UsageError(
      `<url>: expected an absolute http(s) URL like http://127.0.0.1:8080/health, got "${o.url}"`,
    );
  }
  const connections = number('--connections', o.connections);
  const rate = number('--rate', o.rate);
  const requests = number('--requests', o.requests);
  const duration = seconds(o.duration);
  let load: Record<string, unknown>;
  if (rate !== undefined) {
    if (requests !== undefined)
      throw new UsageError('--requests: not with --rate (an open model runs for --duration)');
    load = {
      kind: 'rate',
      rate,
      duration: duration ?? '10s',
      ...(connections !== undefined && { connections }),
    };
  } else {
    load = {
      kind: 'burst',
      connections: connections ?? 10,
      ...(requests !== undefined && duration === undefined ? { requests } : { duration: duration ?? '10s' }),
    };
  }
  return {
    name: 'adhoc',
    environments: {
      adhoc: {
        baseUrl: origin,
        // An explicit command is its own authority; the hard limits still hold.
        caps: {
          maxRate: HARD_LIMITS.rate,
          maxConnections: HARD_LIMITS.connections,
          maxDuration: HARD_LIMITS.durationMs,
        },
      },
    },
    probes: [
      {
        id: 'adhoc',
        request: {
          method: o.method ?? 'GET',
          url: path,
          headers: parseHeaders(o.headers ?? []),
          ...(o.body !== undefined && { body: o.body }),
          ...(o.timeout !== undefined && { timeout: seconds(o.timeout) }),
        },
        load,
      },
    ],
  };
}

/** `perfprobe probe <url>`: one ad hoc run with a readable summary. */
export async function probeCommand(options: ProbeCommandOptions): Promise<{ code: 0; result: RunResult }> {
  const out = options.out ?? process.stdout;
  let suite: ReturnType<typeof validateSuite>;
  try {
    suite = validateSuite(adHocSuite(options));
  } catch (error) {
    if (!(error instanceof SuiteValidationError)) throw error;
    const lines = error.problems.map((p) => {
      const flag = FLAG_OF.find(([re]) => re.test(p.path))?.[1] ?? p.path;
      return `${flag}: ${p.message}`;
    });
    throw new UsageError(lines.join('\n'), { cause: error });
  }
  const probe = resolveProbe(suite, suite.probes[0]!, 'adhoc');
  const progress = startProgress(out, options.url);
  const result = await runProbeLocally(probe, { signal: options.signal, onStart: progress.attach }).finally(
    progress.stop,
  );
  out.write(`${formatRun(result, createStyle(out))}\n`);
  if (options.json) await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
  return { code: 0, result };
}
