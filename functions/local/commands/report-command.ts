import type { RunResult } from '../../core/run-result.ts';
import type { RunStore } from '../../core/run-store.ts';
import { junitReport, markdownReport } from '../ci-reports.ts';
import { writeText } from '../json-output.ts';
import { loadSuite } from '../load-suite.ts';
import { UsageError } from '../usage-error.ts';
import { pickEnvironment, pickProbes } from './suite-selection.ts';

export interface ReportCommandOptions {
  readonly suitePath: string;
  readonly env?: string | undefined;
  readonly probes?: readonly string[] | undefined;
  readonly sinceMs: number;
  readonly md?: string | undefined;
  readonly junit?: string | undefined;
  readonly store: (suite: { readonly retentionDays: number }) => RunStore;
  readonly now?: Date;
  readonly out?: NodeJS.WriteStream;
}

/**
 * `perfprobe report`: each probe's latest stored run of the window as Markdown and/or JUnit XML, for a CI step
 * that reports on runs made elsewhere (a deployed environment, an earlier job). Probes with no run in the window
 * are named, not invented.
 */
export async function reportCommand(options: ReportCommandOptions): Promise<RunResult[]> {
  if (!options.md && !options.junit) {
    throw new UsageError('perfprobe report: expected --md FILE, --junit FILE or both, got neither');
  }
  const out = options.out ?? process.stdout;
  const suite = await loadSuite(options.suitePath);
  const environment = pickEnvironment(suite, options.env);
  const selected = pickProbes(suite, options.probes);
  const to = options.now ?? new Date();
  const from = new Date(to.getTime() - options.sinceMs);
  const store = options.store(suite);
  const runs: RunResult[] = [];
  const missing: string[] = [];
  for (const probeId of selected) {
    const [latest] = await store.runsBetween(environment, probeId, from, to, 1);
    if (latest) runs.push(latest);
    else missing.push(probeId);
  }
  const report = { suite: suite.name, environment, runs };
  const note = missing.length
    ? `\n_No run stored since ${from.toISOString()} for: ${missing.join(', ')}._\n`
    : '';
  if (options.md) await writeText('--md', options.md, `${markdownReport(report)}${note}`);
  if (options.junit) await writeText('--junit', options.junit, junitReport(report));
  out.write(
    `report of ${runs.length} probe${runs.length === 1 ? '' : 's'} (latest run each, since ${from.toISOString()})${missing.length ? `; no run for ${missing.join(', ')}` : ''}\n`,
  );
  return runs;
}
