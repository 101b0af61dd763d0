import type { RunStore } from './run-store.ts';

/**
 * A store that answers only with the runs of one location (`--location NAME`). The filter follows the read,
 * so a limited read (the latest run) reads on until it has enough of that location's.
 */
export function locatedStore(store: RunStore, location: string | undefined): RunStore {
  if (location === undefined) return store;
  return {
    save: (run) => store.save(run),
    async runsBetween(environment, probeId, from, to, limit = 100) {
      const runs = await store.runsBetween(environment, probeId, from, to, Number.POSITIVE_INFINITY);
      return runs.filter((r) => r.location === location).slice(0, limit);
    },
  };
}

/** Whether stored runs are worth showing per location: the environment names several, or the runs do. */
export function severalLocations(
  declared: readonly string[] | undefined,
  runs: readonly { readonly location?: string | undefined }[],
): boolean {
  if ((declared?.length ?? 0) > 1) return true;
  return new Set(runs.map((r) => r.location ?? '-')).size > 1;
}

/**
 * Every location's runs as one store, for the home notifier (each location keeps its runs in its own region's
 * table): a read asks every location at once and merges newest first, each run tagged with the location it was
 * read from when it does not say (a run stored before runs carried it). It stores nothing: runs are saved where
 * they ran.
 */
export function locationsStore(stores: Readonly<Record<string, RunStore>>): RunStore {
  return {
    save() {
      return Promise.reject(new Error("the locations' store reads only: a run is saved in its own location"));
    },
    async runsBetween(environment, probeId, from, to, limit = 100) {
      const each = await Promise.all(
        Object.entries(stores).map(async ([location, store]) =>
          (await store.runsBetween(environment, probeId, from, to, limit)).map((r) =>
            r.location === undefined ? { ...r, location } : r,
          ),
        ),
      );
      return each
        .flat()
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
        .slice(0, limit);
    },
  };
}

/** `PERFPROBE_RUNS_TABLES` as the stack sets it: a JSON object of location → runs table name. */
export function runsTablesSetting(text: string | undefined): Readonly<Record<string, string>> | undefined {
  if (text === undefined || text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const ok =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((t) => typeof t === 'string' && t !== '');
  if (!ok) {
    throw new Error(
      `environment variable PERFPROBE_RUNS_TABLES: expected a JSON object of location → runs table name, got ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  return parsed as Record<string, string>;
}

/**
 * Each location's latest run (runs newest first), in the environment's order, then any other location the runs
 * name, then a run that names none: one row per location side by side.
 */
export function latestPerLocation<T extends { readonly location?: string | undefined }>(
  runs: readonly T[],
  order: readonly string[] = [],
): T[] {
  const latest = new Map<string, T>();
  for (const run of runs) {
    const key = run.location ?? '-';
    if (!latest.has(key)) latest.set(key, run);
  }
  const rank = (key: string) => {
    const at = order.indexOf(key);
    return at >= 0 ? at : key === '-' ? order.length + 1 : order.length;
  };
  return [...latest.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([, run]) => run);
}
