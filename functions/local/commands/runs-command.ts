import { existsSync } from 'node:fs';
import { createRunStore } from '../../adapters/dynamo-run-store.ts';
import { createFileRunStore, DEFAULT_STORE_DIR, warnOnStderr } from '../../adapters/file-run-store.ts';
import { RunsReadError } from '../../adapters/runs-read-error.ts';
import type { RunRecord } from '../../core/cloud/run-record.ts';
import { locatedStore, locationsStore, severalLocations } from '../../core/location-runs.ts';
import type { RunStore } from '../../core/run-store.ts';
import { FlagProblems } from '../flag-values.ts';
import { sinceFlag } from '../history-flags.ts';
import { writeJson } from '../json-output.ts';
import { loadSuite } from '../load-suite.ts';
import { formatRun } from '../report.ts';
import { createStyle, table } from '../style.ts';
import { UsageError } from '../usage-error.ts';
import { type DeployedTableOptions, deployedTable, locationTables } from './deployed-table.ts';
import { pickEnvironment, pickProbes } from './suite-selection.ts';

export interface RunsCommandOptions extends DeployedTableOptions {
  readonly suitePath: string;
  /** How long the suite may take to load; undefined: DEFAULT_LOAD_TIMEOUT_MS. */
  readonly loadTimeoutMs?: number | undefined;
  readonly env?: string | undefined;
  readonly probes?: readonly string[] | undefined;
  /** How far back: "24h", "7d"... @default 24h */
  readonly since?: string | undefined;
  /** One run, printed as `perfprobe run` prints it. */
  readonly run?: string | undefined;
  readonly json?: string | undefined;
  /** The local store's directory (`perfprobe run`, `watch`). @default .perfprobe, unless the table is asked for */
  readonly store?: string | undefined;
  /** Read the environment's deployed runs table (found in its stack's outputs) instead of the local store. */
  readonly deployed?: boolean | undefined;
  /** Only the runs sent from this location. */
  readonly location?: string | undefined;
  readonly out?: NodeJS.WriteStream;
}

/** Runs read per probe, newest first (one Query page). */
const RUNS_LISTED_MAX = 100;

const ms = (value: number) => (value > 0 ? `${+value.toFixed(value >= 100 ? 0 : 1)} ms` : '–');

/**
 * `perfprobe runs`: a probe's stored runs, newest first: from the local store (`--store DIR`, default .perfprobe)
 * as history and report read it, or with `--deployed`/`--table` from the deployed table with the user's own AWS
 * credentials (found in the stack's outputs).
 */
export async function runsCommand(options: RunsCommandOptions): Promise<0> {
  const out = options.out ?? process.stdout;
  const suite = await loadSuite(options.suitePath, { timeoutMs: options.loadTimeoutMs });
  const env = pickEnvironment(suite, options.env);
  const selected = pickProbes(suite, options.probes);
  // The same `--since` as history, report and baseline save: 30m, 24h, 7d, 2w.
  const problems = new FlagProblems();
  const sinceMs = sinceFlag(problems, options.since, '24h');
  const deployed = options.deployed === true || options.table !== undefined;
  if (!deployed && options.region !== undefined)
    problems.add('--region', 'only with --deployed or --table', options.region);
  if (!deployed && options.endpoint !== undefined) {
    problems.add('--endpoint', 'only with --deployed or --table', options.endpoint);
  }
  if (problems.messages.length > 0) throw new UsageError(problems.messages.join('\n'));
  if (options.store !== undefined && deployed) {
    throw new UsageError('--store: expected either --store DIR (local runs) or the deployed table, not both');
  }
  const to = new Date();
  const from = new Date(to.getTime() - sinceMs);
  const runs: RunRecord[] = [];
  const readAll = async (all: RunStore) => {
    const store = locatedStore(all, options.location);
    for (const probeId of selected) {
      runs.push(...(await store.runsBetween(env, probeId, from, to, RUNS_LISTED_MAX)));
    }
  };
  if (!deployed) {
    // A store named on the command line that does not exist is a typo; the default one, no run yet.
    if (options.store !== undefined && !existsSync(options.store)) {
      throw new UsageError(
        `--store: expected an existing run store directory (perfprobe run --store DIR writes one), got "${options.store}"`,
      );
    }
    const dir = options.store ?? DEFAULT_STORE_DIR;
    await readAll(createFileRunStore({ dir, suite: suite.name, retentionDays: suite.retentionDays }));
  } else {
    const locations = options.table === undefined ? suite.environments[env]?.locations : undefined;
    const tables =
      locations !== undefined && locations.length > 1
        ? await locationTables(suite.name, env, locations, options.endpoint)
        : [await deployedTable(suite.name, env, options)];
    // Several locations: each keeps its runs in its own region's table, read as one.
    const stores = Object.fromEntries(
      tables.map((t) => {
        const store = createRunStore(t.client, t.table, suite.retentionDays, suite.name, {
          warn: warnOnStderr,
        });
        const read: RunStore = {
          save: (run) => store.save(run),
          runsBetween: (...args) =>
            store.runsBetween(...args).catch((error: unknown) => {
              throw new RunsReadError(t.table, t.region, error);
            }),
        };
        return [t.region, read];
      }),
    );
    try {
      await readAll(tables.length === 1 ? Object.values(stores)[0]! : locationsStore(stores));
    } finally {
      for (const t of tables) t.client.destroy();
    }
  }
  runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  if (options.run !== undefined) {
    const one = runs.find((r) => r.runId === options.run);
    if (!one) {
      throw new UsageError(
        `--run ${options.run}: no such run of ${selected.join(', ')} in ${env} in the last ${options.since ?? '24h'}`,
      );
    }
    out.write(`${formatRun(one, createStyle(out))}\n`);
    if (options.json) await writeJson('--json', options.json, one);
    return 0;
  }
  // Runs of several locations side by side: each row says where it was sent from.
  const located = severalLocations(suite.environments[env]?.locations, runs);
  const rows = runs.map((r) => [
    r.startedAt.slice(0, 19).replace('T', ' '),
    r.probeId,
    ...(located ? [r.location ?? '-'] : []),
    r.sla.verdict,
    ms(r.latencyMs.p50),
    ms(r.latencyMs.p95),
    ms(r.latencyMs.p99),
    `${+(r.errorRate * 100).toFixed(2)} %`,
    r.validity.valid ? 'valid' : 'invalid',
    r.runId,
  ]);
  out.write(
    runs.length === 0
      ? `no runs of ${selected.join(', ')} in ${env}${options.location === undefined ? '' : ` from ${options.location}`} in the last ${options.since ?? '24h'}\n`
      : `${table([['started (UTC)', 'probe', ...(located ? ['location'] : []), 'verdict', 'p50', 'p95', 'p99', 'errors', 'validity', 'run'], ...rows])}\n`,
  );
  if (options.json) await writeJson('--json', options.json, runs);
  return 0;
}
