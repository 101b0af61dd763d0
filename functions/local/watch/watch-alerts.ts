import type { AlarmChange } from '../../core/alert-evaluator.ts';
import { type DeployedNames, deployedNames, probeAlarmName } from '../../core/cloud/deployed-suite.ts';
import type { AlarmStateChangeEvent } from '../../core/notify/alarm-event.ts';
import { describeCheck, formatSpan } from '../../core/notify/figures.ts';
import { type IncidentState, isOpen, nextIncident } from '../../core/notify/incident.ts';
import type { NotificationKind } from '../../core/notify/notification.ts';
import { recoveryProgress } from '../../core/notify/recovery.ts';
import type { ResolvedProbe } from '../../core/plan.ts';
import type { RunResult } from '../../core/run-result.ts';
import { topError } from './run-line.ts';

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
  'location-notice': 'NOTICE',
  flapping: 'FLAPPING',
  recovery: 'RECOVERED',
  'cannot-measure': 'CANNOT MEASURE',
  'measuring-again': 'MEASURING AGAIN',
  'no-runs': 'NO RUNS',
  'running-again': 'RUNNING AGAIN',
  'cert-expiry': 'CERT EXPIRY',
  'cert-renewed': 'CERT RENEWED',
  'slo-burn': 'SLO BURN',
  'slo-notice': 'SLO NOTICE',
  'slo-calm': 'SLO BURN ENDED',
  'perfprobe-failing': 'PERFPROBE FAILING',
  'perfprobe-recovered': 'PERFPROBE RECOVERED',
  drill: 'DRILL',
  'drill-over': 'DRILL OVER',
  reminder: 'REMINDER',
  'silence-ended': 'SILENCE ENDED',
  'kill-switch-on': 'KILL SWITCH ON',
  warnings: 'WARNINGS',
};

/** Runs kept for counting a held recovery: far more than any alert.recoverAfter. */
const RUNS_KEPT = 100;

function kindOf(alarm: string, alarming: boolean, flapping: boolean): NotificationKind {
  if (alarm === 'cannot-measure') return alarming ? 'cannot-measure' : 'measuring-again';
  if (alarm === 'heartbeat') return alarming ? 'no-runs' : 'running-again';
  if (!alarming) return 'recovery';
  return flapping ? 'flapping' : 'breach';
}

/** What the latest run says about an alarm: the failed critical checks of a breach, the reasons of an invalid run. */
function evidence(change: AlarmChange, run: RunResult | undefined): string {
  if (run === undefined) return '';
  // A target that is down fails with "p99 not measured": its top error class ("connection_refused 12") says why.
  const error = change.state === 'ALARM' ? topError(run) : undefined;
  const said = (parts: readonly string[]) => {
    const all = error ? [...parts, error] : parts;
    return all.length > 0 ? `; latest run: ${all.join(', ')}` : '';
  };
  if (change.alarm === 'cannot-measure' && change.state === 'ALARM') {
    return said(run.validity.reasons.length > 0 ? [run.validity.reasons.join('; ')] : []);
  }
  if (change.alarm !== 'sla') return '';
  const checks = run.sla.checks.filter(
    (c) => c.severity === 'critical' && c.passed === (change.state === 'OK'),
  );
  return said(checks.map(describeCheck));
}

/**
 * Turns one probe's alarm changes into alerts, keeping each alarm's incident as the deployed notifier does
 * (nextIncident): an OK holds the recovery until alert.recoverAfter passing runs followed it (recoveryProgress),
 * and an ALARM before that continues the same incident as FLAPPING (told once, later flaps counted).
 */
export class WatchAlerts {
  readonly #names: DeployedNames;
  readonly #incidents = new Map<string, IncidentState>();
  /** Which check each alarm watches (sla, heartbeat, cannot-measure, latency-*), for counting its recovery. */
  readonly #checks = new Map<string, string>();
  /** CloudWatch's reason at each held OK, said when the recovery is announced. */
  readonly #okReasons = new Map<string, string>();
  /** When each alarm entered its current state (ISO), for the event's previousState. */
  readonly #since = new Map<string, string>();
  /** The probe's recent runs, newest first. */
  readonly #runs: RunResult[] = [];

  readonly #probe: ResolvedProbe;
  readonly #started: Date;

  constructor(probe: ResolvedProbe, started: Date) {
    this.#probe = probe;
    this.#started = started;
    this.#names = deployedNames(probe.suite, probe.environment);
  }

  /** The alerts of one judgement: `changes` after `run` (if a run was made), then the recoveries it completed. */
  alertsFor(changes: readonly AlarmChange[], at: Date, run?: RunResult): WatchAlert[] {
    if (run) {
      this.#runs.unshift(run);
      this.#runs.length = Math.min(this.#runs.length, RUNS_KEPT);
    }
    const alerts: WatchAlert[] = [];
    for (const change of changes) {
      const alert = this.#change(change, at, run);
      if (alert) alerts.push(alert);
    }
    for (const [alarmName, incident] of this.#incidents) {
      if (!isOpen(incident) || incident.okAt === undefined) continue;
      const check = this.#checks.get(alarmName)!;
      const progress = recoveryProgress(this.#probe, check, this.#runs, Date.parse(incident.okAt));
      if (!progress.done) continue;
      this.#incidents.set(alarmName, { ...incident, recoveredAt: at.toISOString() });
      const passing = `${progress.passing} passing run${progress.passing === 1 ? '' : 's'} since (alert.recoverAfter ${progress.needed})`;
      const reason = `${this.#okReasons.get(alarmName) ?? 'back to OK'}; ${passing}`;
      const lasted = ` after ${formatSpan(at.getTime() - Date.parse(incident.openedAt))}`;
      alerts.push(
        this.#alert(
          check,
          kindOf(check, false, false),
          alarmName,
          at,
          incident.dedupKey,
          reason,
          lasted,
          run,
        ),
      );
    }
    return alerts;
  }

  #change(change: AlarmChange, at: Date, run: RunResult | undefined): WatchAlert | undefined {
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
    const step = nextIncident(this.#incidents.get(alarmName), event);
    this.#since.set(alarmName, now);
    this.#checks.set(alarmName, change.alarm);
    if (change.state === 'OK') {
      // Held: announced by alertsFor once enough passing runs followed.
      this.#incidents.set(alarmName, step.next);
      this.#okReasons.set(alarmName, change.reason);
      return undefined;
    }
    this.#incidents.set(alarmName, { ...step.next, notifiedAt: step.next.notifiedAt ?? now });
    if (step.alreadyTold) return undefined;
    const kind = kindOf(change.alarm, true, step.flapping);
    return this.#alert(change.alarm, kind, alarmName, at, step.dedupKey, change.reason, '', run, change);
  }

  #alert(
    check: string,
    kind: NotificationKind,
    alarmName: string,
    at: Date,
    dedupKey: string,
    reason: string,
    lasted: string,
    run: RunResult | undefined,
    change: AlarmChange = { alarm: check, state: 'OK', reason },
  ): WatchAlert {
    const probe = this.#probe;
    const label = `${probe.environment}/${probe.id}`;
    const named = check.startsWith('latency-') ? ` (${check})` : '';
    const text = `${WORDS[kind]} ${label}${named}${lasted}: ${reason}${evidence(change, run)}`;
    return {
      kind,
      alarmName,
      suite: probe.suite,
      environment: probe.environment,
      probeId: probe.id,
      at: at.toISOString(),
      dedupKey,
      reason,
      text,
      runId: run?.runId,
    };
  }
}
