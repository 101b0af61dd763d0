import { certAlarmDays } from '../cloud/alert-policy.ts';
import type { ResolvedProbe } from '../plan.ts';
import type { RunResult } from '../run-result.ts';
import { DEFAULT_ALERT } from '../suite/limits.ts';

export interface RecoveryProgress {
  /** Passing runs in a row since CloudWatch's OK (newest first, invalid runs skipped for an SLA alarm). */
  readonly passing: number;
  readonly needed: number;
  readonly done: boolean;
}

/**
 * Whether a run counts toward the recovery of `check`: a heartbeat needs a stored run, "cannot measure" a
 * valid one, a cert-expiry one that saw a certificate with enough days left, an SLA a valid one that passed; a latency or step alarm (CloudWatch's percentile, not the run's
 * verdict) a valid one. Undefined: the run neither counts nor breaks the streak (an invalid run for an SLA).
 */
function counts(check: string, run: RunResult, probe: ResolvedProbe): boolean | undefined {
  if (check === 'heartbeat') return true;
  if (check === 'cert-expiry') {
    // Whatever the run's validity: only a run that saw no certificate says nothing about it.
    const critical = certAlarmDays(probe);
    return run.tls === undefined || critical === undefined
      ? undefined
      : run.tls.certificate.daysLeft >= critical;
  }
  if (check === 'cannot-measure') return run.validity.valid;
  if (!run.validity.valid) return undefined;
  return check === 'sla' ? run.sla.verdict === 'pass' : true;
}

/**
 * alert.recoverAfter passing runs since the OK, in a row: CloudWatch's OK may come from one good run among bad
 * ones, so the recovery is announced only once the runs that followed the OK kept passing.
 */
export function recoveryProgress(
  probe: ResolvedProbe,
  check: string,
  runs: readonly RunResult[],
  okAtMs: number,
): RecoveryProgress {
  const needed = probe.alert.recoverAfter ?? DEFAULT_ALERT.recoverAfter;
  let passing = 0;
  for (const run of runs) {
    if (Date.parse(run.startedAt) <= okAtMs) break;
    const verdict = counts(check, run, probe);
    if (verdict === undefined) continue;
    if (!verdict) break;
    passing++;
  }
  return { passing, needed, done: passing >= needed };
}
