import { decodeHistogram, percentileMs } from '../../core/histogram.ts';
import { baselineOf } from '../../core/regression.ts';
import type { BaselineFile } from '../baseline-file.ts';
import type { StoreFor } from '../history-flags.ts';
import { writeJson } from '../json-output.ts';
import { loadSuite } from '../load-suite.ts';
import { table } from '../style.ts';
import { pickEnvironment, pickProbes } from './suite-selection.ts';

/** Three significant figures, as the run report prints latency. */
const latencyMs = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

export interface BaselineSaveOptions {
  readonly suitePath: string;
  /** How long the suite may take to load; undefined: DEFAULT_LOAD_TIMEOUT_MS. */
  readonly loadTimeoutMs?: number | undefined;
  readonly env?: string | undefined;
  readonly probes?: readonly string[] | undefined;
  readonly sinceMs: number;
  readonly outFile: string;
  readonly store: StoreFor;
  readonly now?: Date;
  readonly out?: NodeJS.WriteStream;
}

/** `perfprobe baseline save`: each probe's valid runs of the window, merged exactly, written for `run --baseline`. */
export async function baselineSaveCommand(options: BaselineSaveOptions): Promise<BaselineFile> {
  const out = options.out ?? process.stdout;
  const suite = await loadSuite(options.suitePath, { timeoutMs: options.loadTimeoutMs });
  const environment = pickEnvironment(suite, options.env);
  const selected = pickProbes(suite, options.probes);
  const to = options.now ?? new Date();
  const from = new Date(to.getTime() - options.sinceMs);
  const store = options.store(suite, environment);
  const probes: Record<string, { runs: number; histogram: string }> = {};
  const rows = [['probe', 'valid runs', 'p50 ms', 'p95 ms', 'p99 ms']];
  const empty: string[] = [];
  for (const probeId of selected) {
    const runs = await store.runsBetween(environment, probeId, from, to, Number.POSITIVE_INFINITY);
    const { runs: count, histogram } = baselineOf(runs, 'store');
    const h = decodeHistogram(histogram);
    // A baseline of nothing would only hide that there is none: the probe is left out, and said so.
    if (h.totalCount === 0) {
      empty.push(probeId);
      continue;
    }
    probes[probeId] = { runs: count, histogram };
    const at = (p: number) => latencyMs(percentileMs(h, p));
    rows.push([probeId, String(count), at(50), at(95), at(99)]);
  }
  const file: BaselineFile = {
    kind: 'perfprobe-baseline',
    version: 1,
    suite: suite.name,
    environment,
    createdAt: new Date().toISOString(),
    from: from.toISOString(),
    to: to.toISOString(),
    probes,
  };
  await writeJson('--out', options.outFile, file);
  out.write(
    `baseline of environment "${environment}", ${file.from} to ${file.to}, written to ${options.outFile}\n${table(rows, ['l', 'r', 'r', 'r', 'r'])}\n` +
      (empty.length > 0
        ? `no valid run with a response in the window, so not in the baseline (run --baseline says so for them): ${empty.join(', ')}\n`
        : ''),
  );
  return file;
}
