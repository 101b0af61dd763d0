import { BURN_ALERTS, type BurnAlertName, DAY_MS, type SloObjective } from '../../slo/slo-spec.ts';
import type { ObjectiveStatus, SloStatus } from '../../slo/slo-status.ts';
import {
  budgetLeftText,
  formatBurn,
  formatLasting,
  formatTarget,
  objectiveLabel,
  percentLeft,
} from '../../slo/slo-words.ts';
import type { Notification } from '../notification.ts';
import { probeNotification } from './page.ts';
import { lastedOf, type ProbeAlarm, probeLabel, requestLine, sinceWhen, who } from './parts.ts';

/** "slo-availability-fast" → the objective and the burn alert; undefined for any other check. */
export function sloCheck(
  check: string,
): { readonly objective: SloObjective; readonly level: BurnAlertName } | undefined {
  const match = /^slo-(availability|latency)-(fast|slow|budget)$/.exec(check);
  return match ? { objective: match[1] as SloObjective, level: match[2] as BurnAlertName } : undefined;
}

const OVER: Record<BurnAlertName, string> = {
  fast: 'the last hour',
  slow: 'the last 6 hours',
  budget: 'the last 3 days',
};

/** The burn over the alert's long window, as the stored runs count it. */
function burnOf(objective: ObjectiveStatus, level: BurnAlertName): number | null {
  return level === 'fast'
    ? objective.burn.hour
    : level === 'slow'
      ? objective.burn.sixHours
      : objective.burn.threeDays;
}

/** "burning 16× over the last hour, 71 % of the budget left, gone in 1 day 19 h at this rate" */
export function burnSentence(status: SloStatus, objective: ObjectiveStatus, level: BurnAlertName): string {
  const burn = burnOf(objective, level);
  const left = objective.budget.left;
  const parts = [
    burn === null ? `no valid run over ${OVER[level]}` : `burning ${formatBurn(burn)} over ${OVER[level]}`,
    budgetLeftText(objective),
  ];
  if (left !== null && left > 0 && burn !== null && burn > 0) {
    parts.push(`gone in ${formatLasting((left * status.windowDays * DAY_MS) / burn)} at this rate`);
  }
  return parts.join(', ');
}

function countsLines(status: SloStatus, objective: ObjectiveStatus): string[] {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const what =
    objective.objective === 'availability'
      ? 'requests succeeded'
      : `requests succeeded in ${+objective.thresholdMs!.toFixed(3)} ms or less`;
  const sli = objective.sli === null ? 'no SLI yet' : `SLI ${formatTarget(objective.sli)}`;
  const burns = (['hour', 'sixHours', 'threeDays'] as const)
    .map((key, i) => {
      const burn = objective.burn[key];
      return burn === null ? undefined : `${formatBurn(burn)} over ${['1 h', '6 h', '3 days'][i]}`;
    })
    .filter(Boolean);
  return [
    `Over the last ${status.windowDays} days: ${n(objective.counts.good)} of ${n(objective.counts.valid)} ${what} (${sli}, target ${formatTarget(objective.target)}).`,
    `Error budget: ${n(objective.budget.allowed)} bad allowed, ${n(objective.budget.spent)} spent.${burns.length > 0 ? ` Burn: ${burns.join(', ')}.` : ''}`,
    ...(status.runs.invalid > 0
      ? [
          `${status.runs.invalid} of ${status.runs.total} runs in the window were invalid and are not counted.`,
        ]
      : []),
  ];
}

function sloCommand(alarm: ProbeAlarm): string {
  return `perfprobe slo <your suite file> --deployed --env ${alarm.probe.environment} --probe ${alarm.probe.id} --region ${alarm.event.region}`;
}

/**
 * SLO BURN (a page) or SLO NOTICE (the 1× burn over 3 days): "login availability 99.9 %/30d: burning 16× over the
 * last hour, 71 % of the budget left, gone in 1 day 19 h at this rate". Without the window's runs, CloudWatch's
 * own reason stands in for the figures.
 */
export function sloBurnMessage(alarm: ProbeAlarm): Notification {
  const { probe } = alarm;
  const { objective: name, level } = sloCheck(alarm.check)!;
  const alert = BURN_ALERTS.find((a) => a.name === level)!;
  const status = alarm.slo;
  const objective = status?.objectives.find((o) => o.objective === name);
  const label = objective
    ? objectiveLabel(objective, status!.windowDays)
    : `${name} ${probe.slo ? `${formatTarget(name === 'availability' ? probe.slo.availability! : probe.slo.latency!.target)}/${probe.slo.windowDays}d` : ''}`.trim();
  const sentence = objective
    ? burnSentence(status!, objective, level)
    : `burning faster than ${alert.burnRate}× over ${OVER[level]}`;
  const word = alert.page ? 'SLO BURN' : 'SLO NOTICE';
  const burn = objective ? burnOf(objective, level) : null;
  const left = objective?.budget.left;
  return probeNotification(alarm, {
    kind: alert.page ? 'slo-burn' : 'slo-notice',
    subject: `${word} ${who(probe)} ${label}: ${burn === null ? `over ${alert.burnRate}x` : `${formatBurn(burn).replace('×', 'x')}`} burn${left === null || left === undefined ? '' : `, ${percentLeft(left)} % budget left`}`,
    head: [`${word}: ${probe.id} ${label}: ${sentence}.`, `${probeLabel(probe)}: ${requestLine(probe)}`],
    body: [
      ...(status && objective
        ? countsLines(status, objective)
        : [`CloudWatch says: ${alarm.event.detail.state.reason}`]),
      `The alert: above ${alert.burnRate}× over ${OVER[level]}, and still over the last ${alert.page ? (level === 'fast' ? '5 minutes' : '30 minutes') : '6 hours'} (or the probe's interval, if longer).`,
      `From a shell: ${sloCommand(alarm)}`,
    ],
    about: alarm.runs[0],
    since: sinceWhen(alarm),
  });
}

/** SLO BURN ENDED: the burn alert's windows are below their rate again; the budget as it stands. */
export function sloCalmMessage(alarm: ProbeAlarm): Notification {
  const { probe } = alarm;
  const { objective: name, level } = sloCheck(alarm.check)!;
  const status = alarm.slo;
  const objective = status?.objectives.find((o) => o.objective === name);
  const { lasted } = lastedOf(alarm);
  const label = objective ? objectiveLabel(objective, status!.windowDays) : name;
  const left = objective ? budgetLeftText(objective) : 'budget unknown (the runs could not be read)';
  return probeNotification(alarm, {
    kind: 'slo-calm',
    subject: `SLO BURN ENDED ${who(probe)} ${label} after ${lasted}: ${left}`,
    head: [
      `SLO BURN ENDED: ${probe.id} ${label} burns below ${BURN_ALERTS.find((a) => a.name === level)!.burnRate}× over ${OVER[level]} again, after ${lasted}; ${left}.`,
    ],
    body: status && objective ? countsLines(status, objective) : [],
    about: alarm.runs[0],
  });
}
