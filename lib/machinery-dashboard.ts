import { Duration } from 'aws-cdk-lib';
import { type Dashboard, GraphWidget, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

export interface MachineryRowProps {
  /** Label → function (Plan, each worker, Aggregate, Notifier). */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** Label → dead-letter queue. */
  readonly deadLetters: Readonly<Record<string, IQueue>>;
  /** Label → topic. */
  readonly topics: Readonly<Record<string, ITopic>>;
}

/**
 * perfprobe's own health on one row (MACHINERY_DASHBOARD_WIDGETS widgets, which deploy-checks counts): the functions' errors and throttles, the dead-letter queues' depth (what
 * is still waiting to be read; the alarms count new messages instead), and the topics' deliveries.
 */
export function machineryRow(dashboard: Dashboard, props: MachineryRowProps): void {
  const period = Duration.minutes(5);
  const each = <T>(items: Readonly<Record<string, T>>, metric: (item: T, label: string) => IMetric[]) =>
    Object.entries(items).flatMap(([label, item]) => metric(item, label));
  dashboard.addWidgets(
    new GraphWidget({
      title: 'perfprobe itself: function errors and throttles',
      width: 10,
      left: each(props.functions, (fn, label) => [
        fn.metricErrors({ period, statistic: 'Sum', label: `${label} errors` }),
      ]),
      right: each(props.functions, (fn, label) => [
        fn.metricThrottles({ period, statistic: 'Sum', label: `${label} throttles` }),
      ]),
    }),
    new GraphWidget({
      title: 'perfprobe itself: dead letters waiting (depth)',
      width: 7,
      left: each(props.deadLetters, (queue, label) => [
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label }),
      ]),
    }),
    new GraphWidget({
      title: 'perfprobe itself: topic deliveries',
      width: 7,
      left: each(props.topics, (topic, label) => [
        topic.metricNumberOfNotificationsDelivered({ period, statistic: 'Sum', label: `${label} delivered` }),
      ]),
      right: each(props.topics, (topic, label) => [
        topic.metricNumberOfNotificationsFailed({ period, statistic: 'Sum', label: `${label} failed` }),
      ]),
    }),
  );
}
