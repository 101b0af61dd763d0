import { latestPerLocation, locatedStore } from '../../core/location-runs.ts';
import type { RunResult } from '../../core/run-result.ts';
import { junitReport, markdownReport } from '../ci-reports.ts';
import type { StoreFor } from '../history-flags.ts';
import { renderHtmlReport } from '../html-report/render-html-report.ts';
import { storedReportProbes, withSloStatus } from '../html-report/stored-probes.ts';
import { writeText } from '../json-output.ts';
import { loadSuite } from '../load-suite.ts';
import { UsageError } from '../usage-error.ts';
import { pickEnvironment, pickProbes } from './suite-selection.ts';

export interface ReportCommandOptions {
  readonly suitePath: string;
  /** How long the suite may take to load; undefined: DEFAULT_LOAD_TIMEOUT_MS. */
  readonly loadTimeoutMs?: number | undefined;
  readonly env?: string | undefined;
  readonly probes?: readonly string[] | undefined;
  readonly sinceMs: number;
  /** A self-contained HTML page: each probe's runs of the window charted, its latest run detailed. */
  readonly html?: string | undefined;
  readonly md?: string | undefined;
  readonly junit?: string | undefined;
  readonly store: StoreFor;
  /** Only the runs sent from this location. */
  readonly location?: string | undefined;
  readonly now?: Date;
  readonly out?: NodeJS.WriteStream;
}

/**
 * `perfprobe report`: each probe's latest stored run of the window as Markdown and/or JUnit XML, and as an HTML
 * page that also charts the window's runs, for a CI step that reports on runs made elsewhere (a deployed
 * environment, an earlier job). Probes with no run in the window are named, not invented.
 */
export async function reportCommand(options: ReportCommandOptions): Promise<RunResult[]> {
  if (!options.html && !options.md && !options.junit) {
    throw new UsageError('report: expected --html FILE, --md FILE or --junit FILE, got none');
  }
  const out = options.out ?? process.stdout;
  const suite = await loadSuite(options.suitePath, { timeoutMs: options.loadTimeoutMs });
  const environment = pickEnvironment(suite, options.env);
  const selected = pickProbes(suite, options.probes);
  const to = options.now ?? new Date();
  const from = new Date(to.getTime() - options.sinceMs);
  const store = locatedStore(options.store(suite, environment), options.location);
  const declared = suite.environments[environment]?.locations;
  // Several locations, none chosen: each location's latest run, side by side (a row, a test case each).
  const perLocation = options.location === undefined && (declared?.length ?? 0) > 1;
  // The page charts every run of the window; Markdown and JUnit need only each probe's latest.
  const limit = options.html || perLocation ? Number.POSITIVE_INFINITY : 1;
  const stored = await storedReportProbes(store, environment, selected, { from, to }, limit);
  const slos = Object.fromEntries(suite.probes.map((p) => [p.id, p.slo]));
  const probes = options.html ? await withSloStatus(stored, slos, store, environment, to) : stored;
  const runs = probes.flatMap((p) =>
    perLocation
      ? latestPerLocation(p.runs, declared).map((r) => ({
          ...r,
          probeId: `${r.probeId} @ ${r.location ?? '-'}`,
        }))
      : p.latest
        ? [p.latest]
        : [],
  );
  const missing = probes.filter((p) => !p.latest).map((p) => p.probeId);
  const report = { suite: suite.name, environment, runs };
  const note = missing.length
    ? `\n_No run stored since ${from.toISOString()} for: ${missing.join(', ')}._\n`
    : '';
  if (options.html) {
    const page = renderHtmlReport({
      suite: suite.name,
      environment,
      generatedAt: to.toISOString(),
      window: { from: from.toISOString(), to: to.toISOString() },
      probes,
    });
    await writeText('--html', options.html, page);
  }
  if (options.md) await writeText('--md', options.md, `${markdownReport(report)}${note}`);
  if (options.junit) await writeText('--junit', options.junit, junitReport(report));
  const written = [options.html, options.md, options.junit].filter((f): f is string => f !== undefined);
  out.write(
    `report of ${runs.length} ${perLocation ? 'probe location' : 'probe'}${runs.length === 1 ? '' : 's'} (latest run each, since ${from.toISOString()})${missing.length ? `; no run for ${missing.join(', ')}` : ''}, written to ${written.join(', ')}\n`,
  );
  return runs;
}
