import { existsSync } from 'node:fs';
import { createFileRunStore, DEFAULT_STORE_DIR, warnOnStderr } from '../adapters/file-run-store.ts';
import { locationRunsTableName } from '../core/cloud/deployed-locations.ts';
import { deployedNames } from '../core/cloud/deployed-suite.ts';
import type { BucketSize } from '../core/history.ts';
import { locationsStore } from '../core/location-runs.ts';
import { type RunStore, RunStoreError } from '../core/run-store.ts';
import { FlagProblems } from './flag-values.ts';
import { UsageError } from './usage-error.ts';

const SINCE = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)$/;
const SINCE_UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** The longest retention a suite may declare (retentionDays ≤ 3,650): nothing older can be stored. */
const MAX_SINCE_MS = 3_650 * 86_400_000;

export interface StoreFlags {
  readonly store?: string | undefined;
  readonly table?: string | undefined;
  /** The environment's deployed runs table, found in its stack's outputs. */
  readonly deployed?: boolean | undefined;
  readonly region?: string | undefined;
}

/** The store a command reads, once it knows the suite and the environment (a deployed table is per environment). */
export type StoreFor = (
  suite: {
    readonly name: string;
    readonly retentionDays: number;
    /** An environment with several locations keeps its runs in each location's own table. */
    readonly environments?: Readonly<Record<string, { readonly locations?: readonly string[] | undefined }>>;
  },
  environment: string,
) => RunStore;

export interface HistoryFlags extends StoreFlags {
  readonly since?: string | undefined;
  readonly by?: string | undefined;
}

/** `--since 7d`: minutes, hours, days or weeks back from now. */
export function sinceFlag(problems: FlagProblems, value: string | undefined, fallback: string): number {
  const text = (value ?? fallback).trim();
  const match = SINCE.exec(text);
  const msBack = match ? Number(match[1]) * SINCE_UNIT_MS[match[2]!]! : Number.NaN;
  if (!(msBack > 0 && msBack <= MAX_SINCE_MS)) {
    problems.add('--since', 'a time back like 30m, 24h, 7d or 2w, above 0 and at most 3650d', value);
    return 0;
  }
  return msBack;
}

/**
 * The store history-like commands read: the local store (`--store DIR`, default .perfprobe) or a deployed
 * environment's runs table (`--deployed`, found in the stack's outputs, or `--table NAME`; credentials and
 * region from the usual AWS chain, `--region` to override). SDK failures become RunStoreError naming the table.
 */
export function storeFromFlags(problems: FlagProblems, flags: StoreFlags): StoreFor {
  const deployed = flags.table !== undefined || flags.deployed === true;
  if (deployed && flags.store !== undefined) {
    problems.add(
      '--store',
      'either --store DIR (local) or the deployed table (--deployed, --table NAME)',
      'both',
    );
  }
  if (flags.region !== undefined && !deployed) {
    problems.add('--region', 'only with --deployed or --table', flags.region);
  }
  if (deployed) {
    return (suite, environment) => {
      const locations = flags.table === undefined ? suite.environments?.[environment]?.locations : undefined;
      if (locations !== undefined && locations.length > 1) {
        // Each location's table in its own region, named from the suite (no stack output to read): one view.
        const names = deployedNames(suite.name, environment);
        return locationsStore(
          Object.fromEntries(
            locations.map((location) => {
              const table = Promise.resolve(locationRunsTableName(names, location));
              return [location, describedTableErrors(table, tableStore(table, location, suite))];
            }),
          ),
        );
      }
      const table = deployedTableName(suite.name, environment, flags);
      return describedTableErrors(table, tableStore(table, flags.region, suite));
    };
  }
  // A store named on the command line that does not exist is a typo, not an empty history.
  if (flags.store !== undefined && !existsSync(flags.store)) {
    problems.add(
      '--store',
      'an existing run store directory (perfprobe run --store DIR writes one)',
      flags.store,
    );
  }
  const dir = flags.store ?? DEFAULT_STORE_DIR;
  return (suite) => createFileRunStore({ dir, suite: suite.name, retentionDays: suite.retentionDays });
}

/** `--table NAME`, or the table named in the environment's stack outputs (read on first use). */
function deployedTableName(suite: string, environment: string, flags: StoreFlags): Promise<string> {
  if (flags.table !== undefined) return Promise.resolve(flags.table);
  const name = (async () => {
    const { deployedTable } = await import('./commands/deployed-table.ts');
    const found = await deployedTable(suite, environment, { region: flags.region });
    found.client.destroy();
    return found.table;
  })();
  name.catch(() => {});
  return name;
}

/**
 * The runs-table store, its SDK loaded on first use: every other command (and history on the local store)
 * starts ~150 ms sooner without it.
 */
function tableStore(
  table: Promise<string>,
  region: string | undefined,
  suite: { readonly name: string; readonly retentionDays: number },
): RunStore {
  const store = (async () => {
    const [{ DynamoDBClient }, { createRunStore }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../adapters/dynamo-run-store.ts'),
    ]);
    const client = new DynamoDBClient(region ? { region } : {});
    return createRunStore(client, await table, suite.retentionDays, suite.name, { warn: warnOnStderr });
  })();
  // Failures surface from the calls below, not as an unhandled rejection of the import itself.
  store.catch(() => {});
  return {
    save: async (run) => (await store).save(run),
    runsBetween: async (...args) => (await store).runsBetween(...args),
  };
}

function describedTableErrors(table: Promise<string>, store: RunStore): RunStore {
  const described = async (error: unknown): Promise<never> => {
    // Finding the table failed: its message already says how (no stack, no credentials…).
    if (error instanceof UsageError) throw error;
    const { name, message } = error as Error;
    const why =
      name === 'ResourceNotFoundException'
        ? 'no such table in this account and region (the stack output RunsTable names it)'
        : `${name}: ${message}`;
    throw new RunStoreError(`--table ${await table}: ${why}`, { cause: error });
  };
  return {
    save: (run) => store.save(run).catch(described),
    runsBetween: (...args) => store.runsBetween(...args).catch(described),
  };
}

export function historyFlags(flags: HistoryFlags): {
  readonly sinceMs: number;
  readonly by: BucketSize | undefined;
  readonly store: StoreFor;
} {
  const problems = new FlagProblems();
  const sinceMs = sinceFlag(problems, flags.since, '7d');
  if (flags.by !== undefined && flags.by !== 'hour' && flags.by !== 'day') {
    problems.add('--by', 'hour or day', flags.by);
  }
  const store = storeFromFlags(problems, flags);
  if (problems.messages.length > 0) throw new UsageError(problems.messages.join('\n'));
  return { sinceMs, by: flags.by as BucketSize | undefined, store };
}
