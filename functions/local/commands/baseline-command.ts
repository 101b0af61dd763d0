import { decodeHistogram, percentileMs } from '../../core/histogram.ts';
import { baselineOf } from '../../core/regression.ts';
import type { BaselineFile } from '../baseline-file.ts';
import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import type { StoreFor } from '../history-flags.ts';
import { historyFlags } from '../history-flags.ts';
import { assertWritable, writeJson } from '../json-output.ts';
import { loadSuite } from '../load-suite.ts';
import { table } from '../style.ts';
import { UsageError } from '../usage-error.ts';
import { pickEnvironment, pickProbes } from './suite-selection.ts';

/** Three significant figures, as the run report prints latency. */
const latencyMs = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

export interface BaselineSaveOptions {
  readonly suitePath: string;
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
  const suite = await loadSuite(options.suitePath);
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

export const baselineCli = defineCommand({
  name: 'baseline',
  flags: {
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    since: { type: 'string' },
    out: { type: 'string', short: 'o' },
    store: { type: 'string' },
    deployed: { type: 'boolean' },
    table: { type: 'string' },
    region: { type: 'string' },
  },
  help: `Usage: perfprobe baseline save <suite.ts> --out FILE [options]

Merges each probe's valid stored runs of the window exactly and writes them as a baseline file, for
\`perfprobe run <suite.ts> --baseline FILE\` (a CI gate that exits 1 on a regression).

  -o, --out FILE          the baseline file to write (required)
  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          only this probe, repeatable
      --since T           how far back: 30m, 24h, 7d, 2w (default 7d)
      --store DIR         read the local run store there (default .perfprobe)
      --deployed          read the environment's deployed runs table instead (found in its stack's outputs)
      --table NAME        the same, naming the table; --region R the stack's region
  -h, --help
`,
  overview: {
    usage: ['baseline save <suite.ts> --out FILE [--env NAME] [--probe ID]... [--since 7d]'],
    summary: ['merge stored runs into a baseline for run --baseline FILE'],
  },
  async run({ flags, positionals }) {
    const [action, suitePath, ...extra] = positionals;
    if (action !== 'save') {
      throw new UsageError(
        `baseline: expected "save", got ${action === undefined ? 'nothing' : `"${action}"`}`,
      );
    }
    oneSuitePath(suitePath === undefined ? [] : [suitePath, ...extra]);
    const out = flags.out;
    if (out === undefined) throw new UsageError('--out: expected the baseline file to write, got nothing');
    const where = historyFlags({
      since: flags.since,
      store: flags.store,
      table: flags.table,
      deployed: flags.deployed === true,
      region: flags.region,
    });
    await assertWritable('--out', out);
    await baselineSaveCommand({
      suitePath: suitePath!,
      env: flags.env,
      probes: flags.probe,
      sinceMs: where.sinceMs,
      outFile: out,
      store: where.store,
    });
    return 0;
  },
});
