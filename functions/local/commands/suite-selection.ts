import type { Suite } from '../../core/suite/schema.ts';
import { UsageError } from '../usage-error.ts';

/** The environment a command works on: `--env`, or the suite's only one. */
export function pickEnvironment(suite: Suite, requested: string | undefined): string {
  const names = Object.keys(suite.environments);
  if (requested !== undefined) {
    if (!names.includes(requested)) {
      throw new UsageError(`--env ${requested}: the suite defines ${names.map((n) => `"${n}"`).join(', ')}`);
    }
    return requested;
  }
  if (names.length === 1) return names[0]!;
  throw new UsageError(
    `the suite defines ${names.length} environments (${names.join(', ')}): choose one with --env`,
  );
}

/** The probe ids a command works on: every `--probe` (each must be in the suite), or all of them. */
export function pickProbes(suite: Suite, requested: readonly string[] | undefined): string[] {
  const ids = suite.probes.map((p) => p.id);
  const selected = requested?.length ? [...requested] : ids;
  const unknown = selected.filter((id) => !ids.includes(id));
  if (unknown.length > 0) {
    throw new UsageError(`--probe ${unknown.join(', ')}: not in the suite (it has ${ids.join(', ')})`);
  }
  return selected;
}
