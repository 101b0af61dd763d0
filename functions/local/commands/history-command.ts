import {
  type BucketSize,
  type HistoryBucket,
  type LocationTotal,
  locationTotals,
  type ProbeHistory,
  probeHistory,
} from '../../core/history.ts';
import { locatedStore, severalLocations } from '../../core/location-runs.ts';
import type { StoreFor } from '../history-flags.ts';
import { writeJson } from '../json-output.ts';
import { loadSuite } from '../load-suite.ts';
import { createStyle, type Style, table } from '../style.ts';
import { pickEnvironment, pickProbes } from './suite-selection.ts';

export interface HistoryCommandOptions {
  readonly suitePath: string;
  /** How long the suite may take to load; undefined: DEFAULT_LOAD_TIMEOUT_MS. */
  readonly loadTimeoutMs?: number | undefined;
  readonly env?: string | undefined;
  readonly probes?: readonly string[] | undefined;
  /** How far back, ms. */
  readonly sinceMs: number;
  /** @default 'hour' up to two days back, 'day' beyond */
  readonly by?: BucketSize | undefined;
  readonly json?: string | undefined;
  /** Only the runs sent from this location; undefined: all, side by side when there are several. */
  readonly location?: string | undefined;
  /** The local store or a deployed table, built once the suite (its retention) is known. */
  readonly store: StoreFor;
  readonly now?: Date;
  readonly out?: NodeJS.WriteStream;
}

/** A probe's history, with its window per location when it ran from several. */
export interface LocatedHistory extends ProbeHistory {
  readonly locations?: readonly LocationTotal[] | undefined;
}

export interface HistoryOutput {
  readonly environment: string;
  /** The one location shown (`--location`). */
  readonly location?: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly by: BucketSize;
  readonly probes: readonly LocatedHistory[];
}

const TWO_DAYS_MS = 2 * 86_400_000;

/** `perfprobe history`: per probe and bucket, the stored runs' histograms merged exactly. */
export async function historyCommand(options: HistoryCommandOptions): Promise<HistoryOutput> {
  const out = options.out ?? process.stdout;
  const suite = await loadSuite(options.suitePath, { timeoutMs: options.loadTimeoutMs });
  const environment = pickEnvironment(suite, options.env);
  const selected = pickProbes(suite, options.probes);
  const to = options.now ?? new Date();
  const from = new Date(to.getTime() - options.sinceMs);
  const by = options.by ?? (options.sinceMs <= TWO_DAYS_MS ? 'hour' : 'day');
  const store = locatedStore(options.store(suite, environment), options.location);
  const declared = suite.environments[environment]?.locations;
  const probes: LocatedHistory[] = [];
  for (const probeId of selected) {
    const runs = await store.runsBetween(environment, probeId, from, to, Number.POSITIVE_INFINITY);
    const history = probeHistory(probeId, runs, by, { from, to });
    const located = options.location === undefined && severalLocations(declared, runs);
    probes.push(located ? { ...history, locations: locationTotals(runs, { from, to }, declared) } : history);
  }
  const result: HistoryOutput = {
    environment,
    ...(options.location === undefined ? {} : { location: options.location }),
    from: from.toISOString(),
    to: to.toISOString(),
    by,
    probes,
  };
  if (options.json) await writeJson('--json', options.json, result);
  out.write(formatHistory(result, createStyle(out)));
  return result;
}

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const pct = (f: number) => `${(100 * f).toFixed(f > 0 && f < 0.001 ? 3 : 2)}%`;
const num = (n: number) => n.toLocaleString('en-US');

function bucketLabel(bucket: HistoryBucket, by: BucketSize): string {
  return by === 'day' ? bucket.from.slice(0, 10) : `${bucket.from.slice(0, 10)} ${bucket.from.slice(11, 16)}`;
}

function verdictCell(bucket: HistoryBucket, s: Style): string {
  const v = bucket.verdicts;
  const parts = [
    v.pass ? s.green(`${num(v.pass)} pass`) : '',
    v.warn ? s.yellow(`${num(v.warn)} warn`) : '',
    v.breach ? s.red(`${num(v.breach)} breach`) : '',
    v.invalid ? s.yellow(`${num(v.invalid)} invalid`) : '',
  ];
  return parts.filter(Boolean).join(', ');
}

function row(label: string, b: HistoryBucket, s: Style): string[] {
  const l = b.latencyMs;
  return [
    label,
    num(b.runs.total),
    num(b.runs.valid),
    num(b.runs.invalid),
    num(b.requests),
    l ? ms(l.p50) : '–',
    l ? ms(l.p95) : '–',
    l ? ms(l.p99) : '–',
    l ? ms(l.max) : '–',
    b.errorRate === null ? '–' : pct(b.errorRate),
    verdictCell(b, s),
  ];
}

const indented = (text: string) =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

/** Rows of summaries under one header, the first column named `first`, then the whole window, indented. */
function windowTable(first: string, rows: readonly string[][], all: string[]): string {
  const header = [
    first,
    'runs',
    'valid',
    'invalid',
    'requests',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'errors',
    'verdicts',
  ];
  return indented(table([header, ...rows, all], ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']));
}

/** The window per location side by side, and all of them merged exactly (the probe's whole-window row). */
function byLocation(p: LocatedHistory, s: Style): string {
  return `${windowTable(
    'location',
    (p.locations ?? []).map((l) => row(l.location, l.total, s)),
    row('all', p.total, s),
  )}\n`;
}

export function formatHistory(history: HistoryOutput, s: Style): string {
  const sections = history.probes.map((p) => {
    const where = history.location === undefined ? '' : `, location ${history.location}`;
    const head = `${s.bold(p.probeId)} ${s.dim(`(env ${history.environment}${where}, ${history.from} to ${history.to}, by ${history.by}, UTC)`)}`;
    if (p.total.runs.total === 0) return `${head}\n  no runs stored in this window\n`;
    const body = windowTable(
      history.by,
      p.buckets.map((b) => row(bucketLabel(b, history.by), b, s)),
      row('all', p.total, s),
    );
    return `${head}\n${body}\n${p.locations ? byLocation(p, s) : ''}`;
  });
  return `${sections.join('\n')}${s.dim("Percentiles merge the valid runs' histograms exactly; invalid runs are counted, not measured.")}\n`;
}
