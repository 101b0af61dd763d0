import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmRule,
  AlarmState,
  ComparisonOperator,
  CompositeAlarm,
  type IMetric,
  MathExpression,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  burnWindowAlarmKind,
  type DeployedNames,
  probeAlarmName,
  sloAlarmKind,
} from '../functions/core/cloud/deployed-suite.ts';
import { METRICS, SLO_GOOD_AT_OR_UNDER } from '../functions/core/cloud/metric-data.ts';
import { formatMs } from '../functions/core/durations.ts';
import type { ResolvedProbe } from '../functions/core/plan.ts';
import { type BurnAlarm, burnAlarms } from '../functions/core/slo/burn-alarms.ts';
import { formatTarget } from '../functions/core/slo/slo-words.ts';
import { clip } from './alarm-description.ts';
import { probeMetric } from './probe-metrics.ts';

export interface SloAlarmsProps {
  readonly probe: ResolvedProbe;
  readonly names: DeployedNames;
}

/**
 * The burn rate over one window as metric math: the bad fraction ÷ the budget, the bad fraction being 100 − the
 * percentile rank of SloOutcome at the objective's split (SLO_GOOD_AT_OR_UNDER): of the valid runs' requests,
 * the failed ones (availability), or the failed and the slow ones (latency), exactly the requests `perfprobe
 * slo` counts as bad. Invalid runs publish no SloOutcome, so they burn nothing, as locally.
 */
function burnExpression(probe: ResolvedProbe, burn: BurnAlarm, seconds: number): IMetric {
  const period = Duration.seconds(seconds);
  const rank = Stats.percentileRank(SLO_GOOD_AT_OR_UNDER[burn.objective]);
  return new MathExpression({
    expression: `(100 - good) / 100 / ${burn.budget}`,
    usingMetrics: { good: probeMetric(probe, METRICS.sloOutcome, rank, period) },
    label: `${burn.objective} burn rate over ${formatMs(seconds * 1000)}`,
    period,
  });
}

/**
 * A probe's SLO burn alerts (the SRE workbook's multi-window, multi-burn-rate alerts): per objective and level,
 * a metric alarm on the long window, one on the short window, and a composite alarm in ALARM while both are.
 * Only the composites reach on-call, through the notifier's rule (`slo-*`): a long window alone would page long
 * after the cause ended; a short window alone, on every blip. None of them carries actions.
 */
export class SloAlarms extends Construct {
  readonly composites: CompositeAlarm[] = [];
  readonly windows: Alarm[] = [];

  constructor(scope: Construct, id: string, props: SloAlarmsProps) {
    super(scope, id);
    const { probe, names } = props;
    const slo = probe.slo!;
    // deploy-checks guarantees an interval before any construct is built.
    for (const burn of burnAlarms(slo, probe.alert.intervalMs!)) {
      const target = burn.objective === 'availability' ? slo.availability! : slo.latency!.target;
      const objective =
        burn.objective === 'availability'
          ? `availability ${formatTarget(target)}/${slo.windowDays}d`
          : `latency <= ${slo.latency!.thresholdMs} ms ${formatTarget(target)}/${slo.windowDays}d`;
      const who = `probe ${probe.environment}/${probe.id} (suite ${probe.suite}) ${objective}`;
      const window = (which: 'long' | 'short', seconds: number) => {
        const alarm = new Alarm(this, `${burn.objective}-${burn.level}-${which}`, {
          alarmName: probeAlarmName(names, probe.id, burnWindowAlarmKind(burn.objective, burn.level, which)),
          alarmDescription: clip(
            `${who}: the error budget burned faster than ${burn.burnRate}× over the last ${formatMs(seconds * 1000)} (the ${which} window of the ${burn.level} burn alert; it pages only through its composite, with the other window).`,
          ),
          metric: burnExpression(probe, burn, seconds),
          threshold: burn.burnRate,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          // No run in a window burns nothing; a probe that stopped running is the heartbeat's to page.
          treatMissingData: TreatMissingData.NOT_BREACHING,
        });
        this.windows.push(alarm);
        return alarm;
      };
      const long = window('long', burn.longSeconds);
      const short = window('short', burn.shortSeconds);
      this.composites.push(
        new CompositeAlarm(this, `${burn.objective}-${burn.level}`, {
          compositeAlarmName: probeAlarmName(names, probe.id, sloAlarmKind(burn.objective, burn.level)),
          alarmDescription: clip(
            `${who} is burning its error budget faster than ${burn.burnRate}× over ${formatMs(burn.longSeconds * 1000)}, still so over the last ${formatMs(burn.shortSeconds * 1000)}: ${burn.page ? 'a page' : 'a notice'} through the notifier, which reads the window's runs for the budget left. \`perfprobe slo\` shows the figures.`,
          ),
          alarmRule: AlarmRule.allOf(
            AlarmRule.fromAlarm(long, AlarmState.ALARM),
            AlarmRule.fromAlarm(short, AlarmState.ALARM),
          ),
        }),
      );
    }
  }
}
