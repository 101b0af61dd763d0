import type { AlarmChange } from '../../core/alert-evaluator.ts';
import { type DeployedNames, deployedNames, probeAlarmName } from '../../core/cloud/deployed-suite.ts';
import type { AlarmStateChangeEvent } from '../../core/notify/alarm-event.ts';
import { describeCheck, formatSpan } from '../../core/notify/figures.ts';
import { type IncidentState, nextIncident, recoverWindowMs } from '../../core/notify/incident.ts';
import type { NotificationKind } from '../../core/notify/notification.ts';
import type { ResolvedProbe } from '../../core/plan.ts';
import type { RunResult } from '../../core/run-result.ts';

/** One alert of `perfprobe watch`: printed, and POSTed as this JSON to `--webhook`. */
export interface WatchAlert {
  /** The deployed notifier's kinds: breach, flapping, recovery, cannot-measure, measuring-again, no-runs, running-again. */
  readonly kind: NotificationKind;
  /** The alarm it is about, named as deployed: perfprobe.<suite>.<env>.probe.<id>.sla. */
  readonly alarmName: string;
  readonly suite: string;
  readonly environment: string;
  readonly probeId: string;
  /** ISO time of the state change. */
  readonly at: string;
  /** One incident's key from ALARM to OK and through flaps, as the deployed notifier keeps it. */
  readonly dedupKey: string;
  /** Why, in the alarm's terms. */
  readonly reason: string;
  /** The line printed: "BREACH local/api: …". */
  readonly text: string;
  /** The run that changed the state, when a run did. */
  readonly runId?: string | undefined;
}

const WORDS: Record<NotificationKind, string> = {
  breach: 'BREACH',
  flapping: 'FLAPPING',
  recovery: 'RECOVERED',
  'cannot-measure': 'CANNOT MEASURE',
  'measuring-again': 'MEASURING AGAIN',
  'no-runs': 'NO RUNS',
  'running-again': 'RUNNING AGAIN',
  'perfprobe-failing': 'PERFPROBE FAILING',
  'perfprobe-recovered': 'PERFPROBE RECOVERED',
};

function kindOf(alarm: string, alarming: boolean, flapping: boolean): NotificationKind {
  if (alarm === 'cannot-measure') return alarming ? 'cannot-measure' : 'measuring-again';
  if (alarm === 'heartbeat') return alarming ? 'no-runs' : 'running-again';
  if (!alarming) return 'recovery';
  return flapping ? 'flapping' : 'breach';
}

/** What the latest run says about an alarm: the failed critical checks of a breach, the reasons of an invalid run. */
function evidence(change: AlarmChange, run: RunResult | undefined): string {
  if (run === undefined) return '';
  if (change.alarm === 'cannot-measure' && change.state === 'ALARM') {
    return run.validity.reasons.length > 0 ? `; latest run: ${run.validity.reasons.join('; ')}` : '';
  }
  if (change.alarm !== 'sla') return '';
  const checks = run.sla.checks.filter(
    (c) => c.severity === 'critical' && c.passed === (change.state === 'OK'),
  );
  return checks.length > 0 ? `; latest run: ${checks.map(describeCheck).join(', ')}` : '';
}

/**
 * Turns one probe's alarm changes into alerts, keeping each alarm's incident as the deployed notifier does
 * (nextIncident, with alert.recoverAfter runs as the flap window): a breach soon after a recovery continues
 * the same incident as FLAPPING.
 */
export class WatchAlerts {
  readonly #names: DeployedNames;
  readonly #incidents = new Map<string, IncidentState>();
  /** When each alarm entered its current state (ISO), for the event's previousState. */
  readonly #since = new Map<string, string>();

  readonly #probe: ResolvedProbe;
  readonly #started: Date;
  /** The time between runs: the flap window is alert.recoverAfter of them. */
  readonly #intervalMs: number | undefined;

  constructor(probe: ResolvedProbe, started: Date, intervalMs: number | undefined) {
    this.#probe = probe;
    this.#started = started;
    this.#intervalMs = intervalMs;
    this.#names = deployedNames(probe.suite, probe.environment);
  }

  alertsFor(changes: readonly AlarmChange[], at: Date, run?: RunResult): WatchAlert[] {
    return changes.map((change) => this.#alert(change, at, run));
  }

  #alert(change: AlarmChange, at: Date, run: RunResult | undefined): WatchAlert {
    const probe = this.#probe;
    const alarmName = probeAlarmName(
      this.#names,
      probe.id,
      change.alarm as Parameters<typeof probeAlarmName>[2],
    );
    const now = at.toISOString();
    const previous = change.state === 'ALARM' ? 'OK' : 'ALARM';
    // nextIncident reads a CloudWatch state-change event: the two states and their times are all it uses.
    const event = {
      detail: {
        alarmName,
        state: { value: change.state, reason: change.reason, timestamp: now },
        previousState: {
          value: previous,
          reason: '',
          timestamp: this.#since.get(alarmName) ?? this.#started.toISOString(),
        },
      },
    } as unknown as AlarmStateChangeEvent;
    const window = recoverWindowMs({ ...probe, alert: { ...probe.alert, intervalMs: this.#intervalMs } });
    const step = nextIncident(this.#incidents.get(alarmName), event, window);
    this.#incidents.set(alarmName, step.next);
    this.#since.set(alarmName, now);
    const kind = kindOf(change.alarm, change.state === 'ALARM', step.flapping);
    const label = `${probe.environment}/${probe.id}`;
    const lasted =
      change.state === 'OK' ? ` after ${formatSpan(at.getTime() - Date.parse(step.next.openedAt))}` : '';
    const check = change.alarm.startsWith('latency-') ? ` (${change.alarm})` : '';
    const text = `${WORDS[kind]} ${label}${check}${lasted}: ${change.reason}${evidence(change, run)}`;
    return {
      kind,
      alarmName,
      suite: probe.suite,
      environment: probe.environment,
      probeId: probe.id,
      at: now,
      dedupKey: step.dedupKey,
      reason: change.reason,
      text,
      runId: run?.runId,
    };
  }
}
