import { createFileRunStore } from '../../adapters/file-run-store.ts';
import type { ResolvedProbe } from '../../core/plan.ts';
import { type Baseline, baselineFromStore, DEFAULT_REGRESSION } from '../../core/regression.ts';
import type { RunResult } from '../../core/run-result.ts';
import type { RunStore } from '../../core/run-store.ts';
import { evaluateSla, type RegressionInput, slaRegression } from '../../core/sla.ts';
import { resolveProbe } from '../../core/suite/resolve-probe.ts';
import { readBaselineFile } from '../baseline-file.ts';
import { junitReport, markdownReport } from '../ci-reports.ts';
import { exitCodeOf } from '../exit-code.ts';
import { renderHtmlReport } from '../html-report/render-html-report.ts';
import { justMadeReportProbes } from '../html-report/stored-probes.ts';
import { assertWritable, writeJson, writeText } from '../json-output.ts';
import { loadSuite } from '../load-suite.ts';
import { startProgress } from '../progress.ts';
import { formatRun, formatSuiteTable, loopbackRefused, plannedRequests, unreachableHint } from '../report.ts';
import { checkBeforeRun, runProbeLocally } from '../run-probe.ts';
import { assertStoreWritable } from '../store-dir.ts';
import { createStyle } from '../style.ts';
import { UsageError } from '../usage-error.ts';
import { pickEnvironment, pickProbes } from './suite-selection.ts';

export interface RunCommandOptions {
  readonly suitePath: string;
  /** How long the suite may take to load; undefined: DEFAULT_LOAD_TIMEOUT_MS. */
  readonly loadTimeoutMs?: number | undefined;
  readonly env?: string | undefined;
  readonly probes?: readonly string[] | undefined;
  readonly json?: string | undefined;
  readonly shards?: number | undefined;
  readonly quiet?: boolean;
  /** The local run store's directory, where every RunResult is recorded; undefined records nothing. */
  readonly store?: string | undefined;
  /**
   * Judge regression against "store" (the probe's baseline window in the run store) or a baseline file; probes
   * without `sla.regression` get DEFAULT_REGRESSION. Without it, only probes with `sla.regression` are judged,
   * from the store.
   */
  readonly baseline?: string | undefined;
  /** Also write the results as Markdown (CI summaries, PR comments) and JUnit XML (one case per SLA check). */
  readonly md?: string | undefined;
  readonly junit?: string | undefined;
  /** Also write an HTML page of these runs, charted with the last 24 hours of stored runs of their probes. */
  readonly html?: string | undefined;
  /** Where the runs are sent from, recorded with each (see RunMeasurement.location); undefined: not said. */
  readonly location?: string | undefined;
  readonly signal?: AbortSignal;
  readonly out?: NodeJS.WriteStream;
}

/** How far back `run --html` charts a probe's stored runs next to the run just made. */
const HTML_TREND_MS = 86_400_000;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `perfprobe run`: every selected probe once, one after the other, so probes do not skew each other. */
export async function runCommand(options: RunCommandOptions): Promise<{ code: 0 | 1; results: RunResult[] }> {
  const out = options.out ?? process.stdout;
  const style = createStyle(out);
  const suite = await loadSuite(options.suitePath, { timeoutMs: options.loadTimeoutMs });
  const env = pickEnvironment(suite, options.env);
  const selected = pickProbes(suite, options.probes);
  const probes = suite.probes.filter((p) => selected.includes(p.id)).map((p) => resolveProbe(suite, p, env));
  if (options.json) await assertWritable('--json', options.json);
  if (options.md) await assertWritable('--md', options.md);
  if (options.junit) await assertWritable('--junit', options.junit);
  if (options.html) await assertWritable('--html', options.html);
  if (options.store !== undefined) await assertStoreWritable(options.store);
  const store: RunStore | undefined =
    options.store === undefined
      ? undefined
      : createFileRunStore({ dir: options.store, suite: suite.name, retentionDays: suite.retentionDays });
  if (options.baseline === 'store' && store === undefined) {
    throw new UsageError('--baseline store: expected the run store to read, got --no-store');
  }
  const baselineFile =
    options.baseline !== undefined && options.baseline !== 'store'
      ? await readBaselineFile(options.baseline, env)
      : undefined;
  await checkBeforeRun(probes, process.env, options.shards);
  out.write(`${style.bold(suite.name)}: ${plural(probes.length, 'probe')} against environment "${env}"\n\n`);
  const results: RunResult[] = [];
  for (const probe of probes) {
    if (options.signal?.aborted) break;
    // Read before the run, so the baseline never includes the run it judges.
    const regression = await regressionInput(probe, options.baseline, baselineFile, store);
    const progress = startProgress(out, probe.id);
    const measured = await runProbeLocally(probe, {
      shards: options.shards,
      signal: options.signal,
      onStart: progress.attach,
    }).finally(progress.stop);
    const located = options.location === undefined ? measured : { ...measured, location: options.location };
    const result = regression ? { ...located, sla: evaluateSla(probe.sla, located, regression) } : located;
    results.push(result);
    // A run that could not be recorded is still reported and judged: say so, and go on.
    await store?.save(result).catch((error: Error) => {
      process.stderr.write(`perfprobe: ${probe.id}: run not recorded: ${error.message}\n`);
    });
    if (!options.quiet) {
      out.write(`${formatRun(result, style, { plannedRequests: plannedRequests(probe) })}\n\n`);
    }
  }
  out.write(`${formatSuiteTable(results, style)}\n`);
  // Every probe refused by a loopback address: a local service (the demo API) not started, said once.
  const refused = results.map((result, i) => loopbackRefused(probes[i]!, result));
  if (results.length > 0 && refused.every((address) => address !== undefined)) {
    out.write(style.yellow(`${unreachableHint([...new Set(refused)])}\n`));
  }
  // Ctrl-C between two probes leaves the finished ones valid: the skipped ones still prove nothing.
  const skipped = probes.length - results.length;
  if (skipped > 0) out.write(style.yellow(`interrupted: ${plural(skipped, 'probe')} not run\n`));
  if (options.json) await writeJson('--json', options.json, results);
  const report = { suite: suite.name, environment: env, runs: results };
  if (options.md) await writeText('--md', options.md, markdownReport(report));
  if (options.junit) await writeText('--junit', options.junit, junitReport(report));
  if (options.html) {
    const to = new Date();
    const window = { from: new Date(to.getTime() - HTML_TREND_MS), to };
    const page = renderHtmlReport({
      ...report,
      generatedAt: to.toISOString(),
      window: store ? { from: window.from.toISOString(), to: window.to.toISOString() } : undefined,
      probes: await justMadeReportProbes(results, store, window),
    });
    await writeText('--html', options.html, page);
  }
  return { code: skipped > 0 ? 1 : exitCodeOf(results), results };
}

/** The regression rule and baseline a probe is judged by, or undefined when it has none and none was asked. */
export async function regressionInput(
  probe: ResolvedProbe,
  baseline: string | undefined,
  file: ReadonlyMap<string, Baseline> | undefined,
  store: RunStore | undefined,
): Promise<RegressionInput | undefined> {
  const own = slaRegression(probe.sla);
  if (own === undefined && baseline === undefined) return undefined;
  // Asked for on the command line, a probe without its own rule is judged by the default one, from any number
  // of baseline runs (the file or the store is the baseline the user chose).
  const spec = own ?? { ...DEFAULT_REGRESSION, minRuns: 1 };
  if (file) return { spec, baseline: file.get(probe.id) };
  if (!store) return { spec, baseline: undefined };
  return { spec, baseline: await baselineFromStore(store, probe.environment, probe.id, spec, new Date()) };
}
