import type { DeployedNames } from '../cloud/deployed-suite.ts';
import type { ResolvedProbe } from '../plan.ts';
import type { RunResult } from '../run-result.ts';
import type { SloStatus } from '../slo/slo-status.ts';
import type { AlarmStateChangeEvent } from './alarm-event.ts';
import type { AlarmSubject } from './alarm-subject.ts';
import type { ConsoleLinks } from './console-links.ts';
import type { MissingRuns } from './heartbeat-due.ts';
import type { IncidentStep } from './incident.ts';
import type { LocationAlarm } from './quorum.ts';

/*
 * What a page is. Each kind's words are built in its own room under messages/ (see renderNotification for the
 * alarms' pages, messages/notices.ts for the tick's), composed from the shared parts in messages/parts.ts.
 */

/**
 * Every kind of message, grouped by room. A new kind is one more line here, one more room under messages/ and
 * one more line in renderNotification's alarmPage (as the location notice went in beside the breach).
 */
export type NotificationKind =
  // A probe alarm's pages (messages/breach.ts, flapping.ts, recovery.ts, cannot-measure.ts, no-runs.ts).
  | 'breach'
  // Fewer locations breaching than the quorum (messages/location-notice.ts): no page.
  | 'location-notice'
  | 'flapping'
  | 'recovery'
  | 'cannot-measure'
  | 'measuring-again'
  | 'no-runs'
  | 'running-again'
  // A declared certDaysLeft's alarm (messages/cert-expiry.ts).
  | 'cert-expiry'
  | 'cert-renewed'
  // An SLO's burn alerts (messages/slo-burn.ts): the fast and slow burns page, a 1× burn over 3 days is a notice.
  | 'slo-burn'
  | 'slo-notice'
  | 'slo-calm'
  // The machinery's pages (messages/machinery.ts, schedule-dead-letters.ts).
  | 'perfprobe-failing'
  | 'perfprobe-recovered'
  // `perfprobe drill`'s pages (messages/drill.ts).
  | 'drill'
  | 'drill-over'
  // The tick's notices (messages/notices.ts).
  | 'reminder'
  | 'silence-ended'
  | 'kill-switch-on'
  | 'warnings';

/** One page, in the words every subscription protocol gets (see snsMessage). */
export interface Notification {
  readonly kind: NotificationKind;
  /** One incident's key, the same for its ALARM and its OK: "<alarm name>@<ISO time it went into ALARM>". */
  readonly dedupKey: string;
  /** The email subject: ASCII, one line, under 100 characters (SNS refuses anything else). */
  readonly subject: string;
  /** The readable text (email; the reason and description of the alarm-shaped JSON). */
  readonly text: string;
  /** At most SMS_MAX characters. */
  readonly sms: string;
  readonly links: ConsoleLinks;
  readonly runbook: string | undefined;
  /** The run the message is about, when one was stored. */
  readonly runId: string | undefined;
}

export type NotificationDecision =
  | { readonly notify: true; readonly notification: Notification }
  | { readonly notify: false; readonly why: string };

export interface NotificationInput {
  readonly event: AlarmStateChangeEvent;
  readonly names: DeployedNames;
  readonly subject: AlarmSubject;
  /** The alarm's probe, for probe alarms. */
  readonly probe?: ResolvedProbe | undefined;
  /** The probe's stored runs, newest first. */
  readonly runs?: readonly RunResult[] | undefined;
  /** Why the runs could not be read: the page still goes out, with CloudWatch's own reason. */
  readonly runsUnavailable?: string | undefined;
  /** The window the runs were read from, for "none in the last 24 h". */
  readonly windowMs?: number | undefined;
  readonly table?: string | undefined;
  /** The incident this change belongs to (see nextIncident): its dedupKey, and whether it is flapping. */
  readonly incident?: IncidentStep | undefined;
  /** False when the stack has no dashboard (ProbeSuite's `dashboard: false`): no link to one. */
  readonly dashboard?: boolean | undefined;
  /** For a recovery announced after alert.recoverAfter passing runs: when CloudWatch said OK, and the runs. */
  readonly recovery?: { readonly okAt: string; readonly passing: number } | undefined;
  /** For an SLO burn alert: the probe's SLO over its window as of the alarm (see sloStatus). */
  readonly slo?: SloStatus | undefined;
  /** For a heartbeat page: the runs that were due and are missing (see heartbeatVerdict). */
  readonly missing?: MissingRuns | undefined;
  /** For an alarm judged over several locations: the quorum's view of them (see nextQuorum). */
  readonly quorum?: QuorumView | undefined;
  /** For a check that keeps its meaning per location (cannot measure, no runs): the location it is about. */
  readonly location?: string | undefined;
}

/** One probe alarm across its locations, as the quorum (quorum.ts) decided about it. */
export interface QuorumView {
  /** The locations breaching now, the oldest breach first. */
  readonly breaching: readonly LocationAlarm[];
  /** The probe's other locations (within the SLA, or without data). */
  readonly others: readonly LocationAlarm[];
  /** The probe's locations. */
  readonly total: number;
  /** Locations that must breach at once to page (alert.minLocations). */
  readonly quorum: number;
  /** ISO time of the decision: the quorum reached, lost, or the notice. */
  readonly since: string;
  /** A notice (fewer than the quorum breaching), rather than the page or its recovery. */
  readonly notice: boolean;
}

/** SNS subjects must be under 100 characters. */
export const SUBJECT_MAX = 99;
/** One SMS segment of GSM characters is 160; longer messages are split and cost more. */
export const SMS_MAX = 160;
