import { formatMs } from '../../durations.ts';
import { formatInstant } from '../figures.ts';
import type { Notification } from '../notification.ts';
import { probeNotification } from './page.ts';
import { lastedOf, type ProbeAlarm, probeLabel, requestLine, runsText, sinceWhen, who } from './parts.ts';
import { runFigures } from './run-figures.ts';

const NO_RUNS_FIX =
  "Likely fix: the schedule could not start a run (the stack's schedule dead-letter queue holds the reason: throttling, a missing state machine, a role that cannot start it), or its executions fail (the state machine's failed executions name the state and error).";

/** NO RUNS (the heartbeat): runs that were due are missing, so its SLA is not watched; the last stored run. */
export function noRunsMessage(alarm: ProbeAlarm): Notification {
  const { probe, missing, windowMs } = alarm;
  const last = alarm.runs[0];
  const every = probe.alert.intervalMs ? formatMs(probe.alert.intervalMs) : 'its interval';
  // Once the due runs are counted (heartbeatVerdict), subject and head say that count, as the body does.
  const none = missing
    ? `${runsText(missing.count, 'due run')} missing`
    : `none in the last ${probe.alert.missedRuns} periods of ${every}`;
  return probeNotification(alarm, {
    kind: 'no-runs',
    subject: `NO RUNS ${who(probe)}: ${none}`,
    head: [
      `NO RUNS: ${probeLabel(probe)} ${missing ? `has ${none}` : `has not run in the last ${probe.alert.missedRuns} periods of ${every}`}; its SLA is not being watched.`,
      requestLine(probe),
    ],
    body: [
      last
        ? `Last stored run: ${formatInstant(Date.parse(last.startedAt))} (${last.sla.verdict}, run ${last.runId}).`
        : `No stored run${windowMs ? ` in the last ${formatMs(windowMs)}` : ''}.`,
      ...(missing ? [missing.text] : []),
      NO_RUNS_FIX,
    ],
    about: last,
    // A heartbeat has no bad run to start from: its start is the alarm's time.
    since: sinceWhen(alarm),
  });
}

/** RUNNING AGAIN: the heartbeat's incident is over; how long it went without runs. */
export function runningAgainMessage(alarm: ProbeAlarm): Notification {
  const last = alarm.runs[0];
  const { lasted } = lastedOf(alarm);
  return probeNotification(alarm, {
    kind: 'running-again',
    subject: `RUNNING AGAIN ${who(alarm.probe)} after ${lasted}`,
    head: [`RUNNING AGAIN: ${probeLabel(alarm.probe)} runs again after ${lasted} without runs.`],
    body: last ? [`Now (run ${last.runId}): ${runFigures(last)}.`] : [],
    about: last,
  });
}
