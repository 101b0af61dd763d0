import { TransportSettingsError } from '../../adapters/transport-settings.ts';
import type { ResolvedProbe } from '../../core/plan.ts';
import type { RunResult } from '../../core/run-result.ts';
import { DEFAULT_CAPS, defaultRateConnections, HARD_LIMITS } from '../../core/suite/limits.ts';
import { resolveProbe } from '../../core/suite/resolve-probe.ts';
import { SuiteValidationError, validateSuite } from '../../core/suite/validate-suite.ts';
import { exitCodeOf } from '../exit-code.ts';
import { durationFlag, FlagProblems, numberFlag, slaFlags } from '../flag-values.ts';
import { assertWritable, writeJson } from '../json-output.ts';
import { startProgress } from '../progress.ts';
import { formatRun, plannedRequests } from '../report.ts';
import { checkBeforeRun, runProbeLocally } from '../run-probe.ts';
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
  /** `KEY=VALUE` each, e.g. `p99=250ms`, `errorRate=1%`. */
  readonly sla?: readonly string[] | undefined;
  readonly json?: string | undefined;
  /** curl's spelling: files for the CA, the client certificate and its key; `pass` names an environment variable. */
  readonly cacert?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly pass?: string | undefined;
  /** A proxy URL, or '' for none; undefined: HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  readonly proxy?: string | undefined;
  readonly http2?: boolean | undefined;
  readonly signal?: AbortSignal;
  readonly out?: NodeJS.WriteStream;
}

/** Suite field path → the flag that set it, so a schema problem reads as a problem with the command line. */
const FLAG_OF: [RegExp, (match: RegExpExecArray) => string][] = [
  [/load\.connections/, () => '--connections'],
  [/load\.rate/, () => '--rate'],
  [/load\.duration/, () => '--duration'],
  [/load\.requests/, () => '--requests'],
  [/request\.timeout/, () => '--timeout'],
  [/request\.method/, () => '--method'],
  [/request\.headers/, () => '--header'],
  [/request\.body/, () => '--body'],
  [/request\.url|baseUrl/, () => '<url>'],
  [/transport\.tls\.ca$/, () => '--cacert'],
  [/transport\.tls\.cert$/, () => '--cert'],
  [/transport\.tls\.key$/, () => '--key'],
  [/transport\.tls\.passphrase$/, () => '--pass'],
  [/transport\.proxy$/, () => '--proxy'],
  [/\.sla\.(.+)$/, (m) => `--sla ${m[1]}`],
  [/\.sla$/, () => '--sla'],
];

/** The flag that set a suite field, or undefined when no flag did. */
function flagFor(path: string): string | undefined {
  for (const [re, flag] of FLAG_OF) {
    const match = re.exec(path);
    if (match !== null) return flag(match);
  }
  return undefined;
}

function parseHeaders(problems: FlagProblems, lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) problems.add('--header', '"name: value"', line);
    else headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function parseUrl(
  problems: FlagProblems,
  raw: string,
): { origin: string; path: string; basic?: string } | undefined {
  const expected = 'an absolute http(s) URL like http://127.0.0.1:8080/health';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return problems.add('<url>', expected, displayUrl(raw));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return problems.add('<url>', expected, displayUrl(raw));
  return { origin: url.origin, path: `${url.pathname}${url.search}`, ...basicAuthorization(url) };
}

/**
 * `user:password@` in the URL becomes Basic authentication, as curl and browsers send it; the origin alone
 * would drop it without a word and the target would answer 401.
 */
function basicAuthorization(url: URL): { basic?: string } {
  if (url.username === '' && url.password === '') return {};
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { basic: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** The URL as printed: never its credentials. */
export function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.username === '' && url.password === '') return raw;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return raw.replace(/\/\/[^/?#\s]*@/, '//');
  }
}

/**
 * The ad hoc probe as a one-probe suite, so it goes through exactly the same validation and engines. Flag values
 * the schema cannot judge (a CLI duration is seconds; -n with -d) are judged here, and left out of the suite
 * when wrong, so the schema still reports every other problem in the same run.
 */
export function adHocSuite(o: ProbeCommandOptions): { suite: unknown; problems: string[] } {
  const problems = new FlagProblems();
  const target = parseUrl(problems, o.url);
  const connections = numberFlag(problems, '--connections', o.connections);
  const rate = numberFlag(problems, '--rate', o.rate);
  const requests = numberFlag(problems, '--requests', o.requests);
  const durationMs = durationFlag(problems, '--duration', o.duration, HARD_LIMITS.durationMs);
  const timeoutMs = durationFlag(problems, '--timeout', o.timeout, HARD_LIMITS.timeoutMs);
  const headers = parseHeaders(problems, o.headers ?? []);
  // An explicit Authorization header wins over the URL's credentials, as in curl.
  if (target?.basic !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
    headers.authorization = target.basic;
  }
  const sla = slaFlags(problems, o.sla);
  if (requests !== undefined && rate !== undefined) {
    problems.add('--requests', 'no --requests with --rate (an open model runs for --duration)', o.requests);
  } else if (requests !== undefined && o.duration !== undefined) {
    problems.add(
      '--requests',
      'either --requests or --duration (a burst stops after N requests or after a duration)',
      `--requests ${o.requests} and --duration ${o.duration}`,
    );
  }
  const load =
    rate !== undefined
      ? {
          kind: 'rate',
          rate,
          duration: durationMs ?? 10_000,
          ...(connections !== undefined && { connections }),
        }
      : {
          kind: 'burst',
          connections: connections ?? 10,
          ...(requests !== undefined && o.duration === undefined
            ? { requests }
            : { duration: durationMs ?? 10_000 }),
        };
  const suite = {
    name: 'adhoc',
    environments: {
      adhoc: {
        // A URL already refused above stands in as a valid one, so it is reported once.
        baseUrl: target?.origin ?? 'http://localhost',
        // An explicit command is its own authority; the hard limits still hold. A rate run's pool grows up to
        // maxConnections while every connection is busy, so a hung target must not be offered the hard limit:
        // --connections is the most in flight, as its help says; without it, a suite's default cap (or the
        // rate's default pool, when larger).
        caps: {
          maxRate: HARD_LIMITS.rate,
          maxConnections: Math.min(
            HARD_LIMITS.connections,
            // A wrong --connections is reported once, by the load's own check.
            connections !== undefined && Number.isInteger(connections) && connections >= 1
              ? connections
              : Math.max(
                  DEFAULT_CAPS.maxConnections,
                  rate === undefined ? 0 : defaultRateConnections(rate, HARD_LIMITS.connections),
                ),
          ),
          maxDuration: HARD_LIMITS.durationMs,
        },
        ...transportFlags(o),
      },
    },
    probes: [
      {
        id: 'adhoc',
        request: {
          method: o.method ?? 'GET',
          url: target?.path ?? '/',
          headers,
          ...(o.body !== undefined && { body: o.body }),
          ...(timeoutMs !== undefined && { timeout: timeoutMs }),
        },
        load,
        ...(sla !== undefined && { sla }),
      },
    ],
  };
  return { suite, problems: problems.messages };
}

/** curl's TLS, proxy and HTTP/2 flags as the suite's transport: files and an environment variable, as references. */
function transportFlags(o: ProbeCommandOptions): { transport?: Record<string, unknown> } {
  const tls = {
    ...(o.cacert !== undefined && { ca: `file:${o.cacert}` }),
    ...(o.cert !== undefined && { cert: `file:${o.cert}` }),
    ...(o.key !== undefined && { key: `file:${o.key}` }),
    ...(o.pass !== undefined && { passphrase: `env:${o.pass}` }),
  };
  const transport = {
    ...(Object.keys(tls).length > 0 && { tls }),
    ...(o.proxy !== undefined && { proxy: o.proxy }),
    ...(o.http2 === true && { http2: true }),
  };
  return Object.keys(transport).length > 0 ? { transport } : {};
}

/** Flags → the probe to run, or one UsageError naming every flag that is wrong. Sends nothing. */
export function adHocProbe(options: ProbeCommandOptions): ResolvedProbe {
  const { suite, problems } = adHocSuite(options);
  try {
    const valid = validateSuite(suite);
    if (problems.length === 0) return resolveProbe(valid, valid.probes[0]!, 'adhoc');
  } catch (error) {
    if (!(error instanceof SuiteValidationError)) throw error;
    for (const p of error.problems) problems.push(`${flagFor(p.path) ?? p.path}: ${p.message}`);
  }
  throw new UsageError(problems.join('\n'));
}

/** `perfprobe probe <url>`: one ad hoc run with a readable summary; exit code as for `perfprobe run`. */
export async function probeCommand(
  options: ProbeCommandOptions,
): Promise<{ code: 0 | 1; result: RunResult }> {
  const out = options.out ?? process.stdout;
  // Every problem with the command line in one answer: the flags and the --json path.
  let probe: ResolvedProbe | undefined;
  const problems: string[] = [];
  try {
    probe = adHocProbe(options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(error.message);
  }
  if (options.json) {
    await assertWritable('--json', options.json).catch((error: Error) => problems.push(error.message));
  }
  if (probe === undefined || problems.length > 0) throw new UsageError(problems.join('\n'));
  // The certificate files read and checked (the key matches, not expired) before anything is sent: exit 2.
  await checkBeforeRun([probe]).catch((error: unknown) => {
    if (!(error instanceof TransportSettingsError)) throw error;
    throw new UsageError(`${flagFor(error.field) ?? error.field}: ${error.reason}`);
  });
  const progress = startProgress(out, displayUrl(options.url));
  const result = await runProbeLocally(probe, { signal: options.signal, onStart: progress.attach }).finally(
    progress.stop,
  );
  out.write(`${formatRun(result, createStyle(out), { plannedRequests: plannedRequests(probe) })}\n`);
  if (options.json) await writeJson('--json', options.json, result);
  return { code: exitCodeOf([result]), result };
}
