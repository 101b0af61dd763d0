import type { RunResult } from '../run-result.ts';
import type { SlaCheck } from '../sla.ts';

/** Warn-level notices go out at most this often, as one digest: a target missed, never a page. */
export const WARN_BATCH_MS = 3_600_000;

export interface ProbeWarnings {
  readonly probeId: string;
  /** Valid runs in the hour. */
  readonly runs: number;
  /** Valid runs with a failed warn-level check, newest first. */
  readonly warned: readonly { readonly run: RunResult; readonly checks: readonly SlaCheck[] }[];
}

/** A probe's valid runs whose warn-level checks failed (critical ones page through the alarms instead). */
export function probeWarnings(probeId: string, runs: readonly RunResult[]): ProbeWarnings {
  const valid = runs.filter((r) => r.validity.valid);
  const warned = valid
    .map((run) => ({ run, checks: run.sla.checks.filter((c) => c.severity === 'warn' && !c.passed) }))
    .filter((w) => w.checks.length > 0);
  return { probeId, runs: valid.length, warned };
}
