import type { RunResult } from '../../core/run-result.ts';
import { junitReport, markdownReport } from '../ci-reports.ts';
import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import type { StoreFor } from '../history-flags.ts';
import { historyFlags } from '../history-flags.ts';
import { renderHtmlReport } from '../html-report/render-html-report.ts';
import { storedReportProbes, withSloStatus } from '../html-report/stored-probes.ts';
import { assertWritable, writeText } from '../json-output.ts';
import { loadSuite } from '../load-suite.ts';
import { LOAD_TIMEOUT_FLAG, LOAD_TIMEOUT_HELP, loadTimeoutFlag } from '../load-timeout-flag.ts';
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
  const store = options.store(suite, environment);
  // The page charts every run of the window; Markdown and JUnit need only each probe's latest.
  const limit = options.html ? Number.POSITIVE_INFINITY : 1;
  const stored = await storedReportProbes(store, environment, selected, { from, to }, limit);
  const slos = Object.fromEntries(suite.probes.map((p) => [p.id, p.slo]));
  const probes = options.html ? await withSloStatus(stored, slos, store, environment, to) : stored;
  const runs = probes.flatMap((p) => (p.latest ? [p.latest] : []));
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
    `report of ${runs.length} probe${runs.length === 1 ? '' : 's'} (latest run each, since ${from.toISOString()})${missing.length ? `; no run for ${missing.join(', ')}` : ''}, written to ${written.join(', ')}\n`,
  );
  return runs;
}

export const reportCli = defineCommand({
  name: 'report',
  flags: {
    ...LOAD_TIMEOUT_FLAG,
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    since: { type: 'string' },
    md: { type: 'string' },
    junit: { type: 'string' },
    html: { type: 'string' },
    store: { type: 'string' },
    deployed: { type: 'boolean' },
    table: { type: 'string' },
    region: { type: 'string' },
  },
  help: `Usage: perfprobe report <suite.ts> (--html FILE | --md FILE | --junit FILE)... [options]

Each probe's stored runs of the window as one self-contained HTML page (percentiles over time with the SLA
lines, the latency distribution, the latest run's timeline, errors, phases, validity and checks; opens with no
network), and each probe's latest run as Markdown (CI job summaries, pull-request comments) and/or JUnit XML
(one test case per SLA check; a critical miss is a failure, an invalid run fails "valid run").

      --html FILE         write the HTML page
      --md FILE           write Markdown
      --junit FILE        write JUnit XML
  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          only this probe, repeatable
      --since T           how far back to look for each probe's latest run: 30m, 24h, 7d (default 24h)
      --store DIR         read the local run store there (default .perfprobe)
      --deployed          read the environment's deployed runs table instead (found in its stack's outputs)
      --table NAME        the same, naming the table; --region R the stack's region
${LOAD_TIMEOUT_HELP}  -h, --help
`,
  overview: {
    usage: [
      'report <suite.ts> (--html FILE | --md FILE | --junit FILE) [--env NAME] [--probe ID]... [--since 24h]',
    ],
    summary: ['stored runs as an HTML page with charts, Markdown or JUnit XML'],
  },
  async run({ flags, positionals }) {
    const suitePath = oneSuitePath(positionals);
    const where = historyFlags({
      since: flags.since ?? '24h',
      store: flags.store,
      table: flags.table,
      deployed: flags.deployed === true,
      region: flags.region,
    });
    const { md, junit, html } = flags;
    if (md) await assertWritable('--md', md);
    if (junit) await assertWritable('--junit', junit);
    if (html) await assertWritable('--html', html);
    await reportCommand({
      suitePath,
      loadTimeoutMs: loadTimeoutFlag(flags['load-timeout']),
      env: flags.env,
      probes: flags.probe,
      sinceMs: where.sinceMs,
      md,
      junit,
      html,
      store: where.store,
    });
    return 0;
  },
});
