import { createFileRunStore } from '../../adapters/file-run-store.ts';
import type { RunRecord } from '../../core/cloud/run-record.ts';
import type { ResolvedProbe } from '../../core/plan.ts';
import type { RunStore } from '../../core/run-store.ts';
import { resolveProbe } from '../../core/suite/resolve-probe.ts';
import { boundedFlag, durationFlag, FlagProblems } from '../flag-values.ts';
import { renderHtmlReport } from '../html-report/render-html-report.ts';
import { storedReportProbes, withSloStatus } from '../html-report/stored-probes.ts';
import { loadSuite } from '../load-suite.ts';
import { portError } from '../port-flag.ts';
import { checkBeforeRun } from '../run-probe.ts';
import { assertStoreWritable } from '../store-dir.ts';
import { UsageError } from '../usage-error.ts';
import { renderStatusPage } from '../watch/status-page.ts';
import { startWatchServer, type WatchPages, type WatchServer } from '../watch/watch-server.ts';
import { startWatch, type Watch, type WatchOptions, type WatchSnapshot } from '../watch/watch-suite.ts';
import { postAlert } from '../watch/webhook.ts';
import { pickEnvironment, pickProbes } from './suite-selection.ts';

export interface WatchCommandOptions {
  readonly suitePath: string;
  /** How long the suite may take to load; undefined: DEFAULT_LOAD_TIMEOUT_MS. */
  readonly loadTimeoutMs?: number | undefined;
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

/** What the live page serves: the watch's status, the report of the last 24 h, the runs as JSON. */
function watchPages(
  suite: string,
  environment: string,
  probes: readonly ResolvedProbe[],
  store: RunStore,
  snapshot: () => WatchSnapshot,
): WatchPages {
  const window = () => {
    const to = new Date();
    return { from: new Date(to.getTime() - RUNS_WINDOW_MS), to };
  };
  return {
    html: () => renderStatusPage(snapshot()),
    // The same page `perfprobe report --html` writes, over the runs of the last 24 h, reloading itself.
    report: async () => {
      const { from, to } = window();
      return renderHtmlReport({
        suite,
        environment,
        generatedAt: to.toISOString(),
        window: { from: from.toISOString(), to: to.toISOString() },
        refreshSeconds: REPORT_REFRESH_S,
        probes: await withSloStatus(
          await storedReportProbes(
            store,
            environment,
            probes.map((p) => p.id),
            { from, to },
          ),
          Object.fromEntries(probes.map((p) => [p.id, p.slo])),
          store,
          environment,
          to,
        ),
      });
    },
    runs: async () => {
      const { from, to } = window();
      const runs: RunRecord[] = [];
      for (const probe of probes)
        runs.push(...(await store.runsBetween(environment, probe.id, from, to, 1_000)));
      runs.sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0));
      return { suite, environment, from: from.toISOString(), to: to.toISOString(), runs };
    },
  };
}

/** Alerts to --webhook, if given; one that cannot be delivered is said on stderr and the watch goes on. */
function webhookSender(webhook: string | undefined): WatchOptions['onAlert'] {
  if (webhook === undefined) return undefined;
  return (alert) =>
    postAlert(webhook, alert).catch((error: Error) => {
      process.stderr.write(`perfprobe: alert not delivered to --webhook: ${error.message}\n`);
    });
}

/** Stops the watch (runs in flight get STOP_GRACE_MS) and the page; says which runs it gave up on. */
async function stopWatching(watch: Watch, server: WatchServer): Promise<string[]> {
  const unfinished = await watch.stop(STOP_GRACE_MS);
  if (unfinished.length > 0) {
    process.stderr.write(
      `perfprobe watch: gave up waiting after ${STOP_GRACE_MS / 1000}s for ${unfinished.join(', ')}\n`,
    );
  }
  await server.close();
  process.stdout.write('stopped\n');
  return unfinished;
}

/**
 * `perfprobe watch`: each probe on its own schedule until Ctrl-C or SIGTERM, every run recorded in the local
 * store and judged by the deployed alarms' policy, alerts printed (and POSTed to --webhook), a live page on
 * 127.0.0.1. A stop aborts the runs in flight, waits for them at most STOP_GRACE_MS, and exits 0.
 */
export async function watchCommand(options: WatchCommandOptions): Promise<0> {
  const flags = watchFlags(options);
  const suite = await loadSuite(options.suitePath, { timeoutMs: options.loadTimeoutMs });
  const environment = pickEnvironment(suite, options.env);
  const selected = pickProbes(suite, options.probes);
  const probes = suite.probes
    .filter((p) => selected.includes(p.id))
    .map((p) => resolveProbe(suite, p, environment));
  await assertStoreWritable(options.store);
  await checkBeforeRun(probes, process.env);
  const store = createFileRunStore({
    dir: options.store,
    suite: suite.name,
    retentionDays: suite.retentionDays,
  });

  const stopping = new AbortController();
  const stop = () => stopping.abort();
  options.signal.addEventListener('abort', stop, { once: true });
  let watch: Watch | undefined;
  let server: WatchServer | undefined;
  try {
    const pages = watchPages(suite.name, environment, probes, store, () => watch!.snapshot());
    server = await startWatchServer(flags.port, pages).catch((error: unknown) => {
      throw portError(error, flags.port);
    });
    const out = process.stdout;
    out.write(
      `watching suite "${suite.name}" against environment "${environment}" (times UTC; Ctrl-C to stop)\n` +
        `runs recorded in ${options.store}; live page ${server.url} (charts at ${server.url}report, runs as JSON at ${server.url}runs.json)\n` +
        (flags.webhook ? `alerts POSTed to ${flags.webhook}\n` : ''),
    );
    watch = startWatch({
      suite: suite.name,
      environment,
      probes,
      store,
      everyMs: flags.everyMs,
      out,
      err: process.stderr,
      onAlert: webhookSender(flags.webhook),
    });
    for (const line of watch.snapshot().probes) out.write(`  ${line.id}: ${line.schedule}\n`);
    if (!stopping.signal.aborted) {
      await new Promise((resolve) => stopping.signal.addEventListener('abort', resolve, { once: true }));
    }
    const unfinished = await stopWatching(watch, server);
    server = undefined;
    // Requests still in flight past the grace would hold the process open until their timeout.
    if (unfinished.length > 0) process.exit(0);
    return 0;
  } finally {
    options.signal.removeEventListener('abort', stop);
    await server?.close().catch(() => undefined);
  }
}
