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
