import { createFileRunStore } from '../../adapters/file-run-store.ts';
import type { RunRecord } from '../../core/cloud/run-record.ts';
import { resolveProbe } from '../../core/suite/resolve-probe.ts';
import { boundedFlag, durationFlag, FlagProblems } from '../flag-values.ts';
import { renderHtmlReport } from '../html-report/render-html-report.ts';
import { storedReportProbes } from '../html-report/stored-probes.ts';
import { loadSuite } from '../load-suite.ts';
import { checkBeforeRun } from '../run-probe.ts';
import { assertStoreWritable } from '../store-dir.ts';
import { UsageError } from '../usage-error.ts';
import { renderStatusPage } from '../watch/status-page.ts';
import { startWatchServer, type WatchServer } from '../watch/watch-server.ts';
import { startWatch } from '../watch/watch-suite.ts';
import { postAlert } from '../watch/webhook.ts';
import { pickEnvironment, pickProbes } from './suite-selection.ts';

export interface WatchCommandOptions {
  readonly suitePath: string;
  readonly env?: string | undefined;
  readonly probes?: readonly string[] | undefined;
  readonly port?: string | undefined;
  readonly webhook?: string | undefined;
  readonly every?: string | undefined;
  readonly store: string;
  readonly signal: AbortSignal;
}

/** The live page's port: not 8080, where `perfprobe demo-api` (the demo suite's target) listens. */
export const DEFAULT_PORT = 8090;
/** At least a second between runs of a probe; at most a day (a slower trial is a deployment). */
const EVERY_MIN_MS = 1_000;
const EVERY_MAX_MS = 86_400_000;
/** How long a stop waits for runs in flight (they stop sending at once; sent requests finish or time out). */
export const STOP_GRACE_MS = 10_000;
/** What /runs.json and the page cover. */
const RUNS_WINDOW_MS = 86_400_000;
/** The chart page reloads itself this often (its CSP allows no fetch, so it reloads rather than polls). */
const REPORT_REFRESH_S = 30;

function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}

interface WatchFlags {
  readonly port: number;
  readonly webhook: string | undefined;
  readonly everyMs: number | undefined;
}

function watchFlags(options: WatchCommandOptions): WatchFlags {
  const problems = new FlagProblems();
  const port = boundedFlag(problems, '--port', options.port, {
    min: 0,
    max: 65_535,
    integer: true,
    what: 'a whole TCP port number (0 for any free port)',
  });
  let everyMs = durationFlag(problems, '--every', options.every, EVERY_MAX_MS);
  if (everyMs !== undefined && everyMs < EVERY_MIN_MS) {
    everyMs = problems.add('--every', 'a duration of at least 1s, like "1s" or "30s"', options.every);
  }
  const webhook = options.webhook;
  if (webhook !== undefined && !isHttpUrl(webhook)) {
    problems.add('--webhook', 'an http(s) URL to POST alerts to', webhook);
  }
  if (problems.messages.length > 0) throw new UsageError(problems.messages.join('\n'));
  return { port: port ?? DEFAULT_PORT, webhook, everyMs };
}

/**
 * `perfprobe watch`: each probe on its own schedule until Ctrl-C or SIGTERM, every run recorded in the local
 * store and judged by the deployed alarms' policy, alerts printed (and POSTed to --webhook), a live page on
 * 127.0.0.1. A stop aborts the runs in flight, waits for them at most STOP_GRACE_MS, and exits 0.
 */
export async function watchCommand(options: WatchCommandOptions): Promise<0> {
  const flags = watchFlags(options);
  const suite = await loadSuite(options.suitePath);
  const environment = pickEnvironment(suite, options.env);
  const selected = pickProbes(suite, options.probes);
  const probes = suite.probes
    .filter((p) => selected.includes(p.id))
    .map((p) => resolveProbe(suite, p, environment));
  await assertStoreWritable(options.store);
  await checkBeforeRun(probes, process.env);
  const store = createFileRunStore({ dir: options.store, retentionDays: suite.retentionDays });

  const stopping = new AbortController();
  const stop = () => stopping.abort();
  options.signal.addEventListener('abort', stop, { once: true });
  process.once('SIGTERM', stop);
  let watch: ReturnType<typeof startWatch> | undefined;
  let server: WatchServer | undefined;
  try {
    try {
      server = await startWatchServer(flags.port, {
        html: () => renderStatusPage(watch!.snapshot()),
        // The same page `perfprobe report --html` writes, over the runs of the last 24 h, reloading itself.
        report: async () => {
          const to = new Date();
          const window = { from: new Date(to.getTime() - RUNS_WINDOW_MS), to };
          return renderHtmlReport({
            suite: suite.name,
            environment,
            generatedAt: to.toISOString(),
            window: { from: window.from.toISOString(), to: to.toISOString() },
            refreshSeconds: REPORT_REFRESH_S,
            probes: await storedReportProbes(
              store,
              environment,
              probes.map((p) => p.id),
              window,
            ),
          });
        },
        runs: async () => {
          const to = new Date();
          const from = new Date(to.getTime() - RUNS_WINDOW_MS);
          const runs: RunRecord[] = [];
          for (const probe of probes)
            runs.push(...(await store.runsBetween(environment, probe.id, from, to, 1_000)));
          runs.sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0));
          return { suite: suite.name, environment, from: from.toISOString(), to: to.toISOString(), runs };
        },
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES') {
        throw new UsageError(
          `--port: expected a free port this user may listen on, got ${flags.port} (${code === 'EADDRINUSE' ? 'already in use' : 'permission denied'})`,
          { cause: error },
        );
      }
      throw error;
    }
    const out = process.stdout;
    out.write(
      `watching suite "${suite.name}" against environment "${environment}" (times UTC; Ctrl-C to stop)\n` +
        `runs recorded in ${options.store}; live page ${server.url} (charts at ${server.url}report, runs as JSON at ${server.url}runs.json)\n` +
        (flags.webhook ? `alerts POSTed to ${flags.webhook}\n` : ''),
    );
    const webhook = flags.webhook;
    watch = startWatch({
      suite: suite.name,
      environment,
      probes,
      store,
      everyMs: flags.everyMs,
      out,
      err: process.stderr,
      onAlert: webhook
        ? (alert) =>
            postAlert(webhook, alert).catch((error: Error) => {
              process.stderr.write(`perfprobe: alert not delivered to --webhook: ${error.message}\n`);
            })
        : undefined,
    });
    for (const line of watch.snapshot().probes) out.write(`  ${line.id}: ${line.schedule}\n`);
    if (!stopping.signal.aborted) {
      await new Promise((resolve) => stopping.signal.addEventListener('abort', resolve, { once: true }));
    }
    const unfinished = await watch.stop(STOP_GRACE_MS);
    if (unfinished.length > 0) {
      process.stderr.write(
        `perfprobe watch: gave up waiting after ${STOP_GRACE_MS / 1000}s for ${unfinished.join(', ')}\n`,
      );
    }
    await server.close();
    server = undefined;
    process.stdout.write('stopped\n');
    // Requests still in flight past the grace would hold the process open until their timeout.
    if (unfinished.length > 0) process.exit(0);
    return 0;
  } finally {
    options.signal.removeEventListener('abort', stop);
    process.off('SIGTERM', stop);
    await server?.close().catch(() => undefined);
  }
}
