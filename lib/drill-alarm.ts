import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { type DeployedNames, drillAlarmName } from '../functions/core/cloud/deployed-suite.ts';
import { METRIC_NAMESPACE } from '../functions/core/cloud/metric-data.ts';

/**
 * The alarm `perfprobe drill` sets to ALARM and back to OK, so a page travels the whole path after a deploy:
 * alarm → EventBridge rule → notifier → topic → on-call. Its metric is never published, and missing data is no
 * breach, so nothing but a drill ever raises it and CloudWatch puts it back to OK at its next evaluation even
 * when the drill is interrupted. It has no actions: like the probe alarms, it reaches on-call only through the
 * notifier (see AlarmNotifier's rule), which is the path the drill proves.
 */
export function drillAlarm(
  scope: Construct,
  names: DeployedNames,
  pair: { readonly suite: string; readonly environment: string },
): Alarm {
  const label = `${pair.suite}/${pair.environment}`;
  return new Alarm(scope, 'Drill', {
    alarmName: drillAlarmName(names),
    alarmDescription: `perfprobe drill (${label}): raised only by \`perfprobe drill\` to prove that a page reaches on-call; nothing is broken.`,
    metric: new Metric({
      namespace: METRIC_NAMESPACE,
      metricName: 'Drill',
      dimensionsMap: { Suite: pair.suite, Environment: pair.environment },
      statistic: 'Maximum',
      period: Duration.minutes(5),
    }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
