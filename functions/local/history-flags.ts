import { createFileRunStore, DEFAULT_STORE_DIR } from '../adapters/file-run-store.ts';
import type { BucketSize } from '../core/history.ts';
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
  readonly region?: string | undefined;
}

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
 * environment's runs table (`--table NAME`, the stack's RunsTable output; credentials and region from the usual
 * AWS chain, `--region` to override). SDK failures become RunStoreError naming the table.
 */
export function storeFromFlags(
  problems: FlagProblems,
  flags: StoreFlags,
): (suite: { readonly retentionDays: number }) => RunStore {
  if (flags.table !== undefined && flags.store !== undefined) {
    problems.add('--table', 'either --table NAME (deployed) or --store DIR (local)', 'both');
  }
  if (flags.region !== undefined && flags.table === undefined) {
    problems.add('--region', 'only with --table', flags.region);
  }
  const table = flags.table;
  if (table !== undefined) {
    return (suite) => describedTableErrors(table, tableStore(table, flags.region, suite.retentionDays));
  }
  const dir = flags.store ?? DEFAULT_STORE_DIR;
  return (suite) => createFileRunStore({ dir, retentionDays: suite.retentionDays });
}

/**
 * The runs-table store, its SDK loaded on first use: every other command (and history on the local store)
 * starts ~150 ms sooner without it.
 */
function tableStore(table: string, region: string | undefined, retentionDays: number): RunStore {
  const store = (async () => {
    const [{ DynamoDBClient }, { createRunStore }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../adapters/dynamo-run-store.ts'),
    ]);
    return createRunStore(new DynamoDBClient(region ? { region } : {}), table, retentionDays);
  })();
  // Failures surface from the calls below, not as an unhandled rejection of the import itself.
  store.catch(() => {});
  return {
    save: async (run) => (await store).save(run),
    runsBetween: async (...args) => (await store).runsBetween(...args),
  };
}

function describedTableErrors(table: string, store: RunStore): RunStore {
  const described = (error: unknown): never => {
    const { name, message } = error as Error;
    const why =
      name === 'ResourceNotFoundException'
        ? 'no such table in this account and region (the stack output RunsTable names it)'
        : `${name}: ${message}`;
    throw new RunStoreError(`--table ${table}: ${why}`, { cause: error });
  };
  return {
    save: (run) => store.save(run).catch(described),
    runsBetween: (...args) => store.runsBetween(...args).catch(described),
  };
}

export function historyFlags(flags: HistoryFlags): {
  readonly sinceMs: number;
  readonly by: BucketSize | undefined;
  readonly store: (suite: { readonly retentionDays: number }) => RunStore;
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
