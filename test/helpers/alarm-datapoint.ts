import type { MetricDatum } from '../../functions/core/cloud/metric-data.ts';

/** An alarm's properties as synthesized (AWS::CloudWatch::Alarm), the parts that say what it reads. */
export interface AlarmProperties {
  readonly Namespace?: string;
  readonly MetricName?: string;
  readonly Statistic?: string;
  readonly Dimensions?: readonly { Name: string; Value: string }[];
  readonly Metrics?: readonly {
    readonly Id: string;
    readonly Expression?: string;
    readonly Label?: string;
    readonly MetricStat?: {
      readonly Metric: {
        readonly Namespace: string;
        readonly MetricName: string;
        readonly Dimensions: readonly { Name: string; Value: string }[];
      };
      readonly Period: number;
      readonly Stat: string;
    };
  }[];
}

const key = (dimensions: readonly { Name: string; Value: string }[]) =>
  dimensions
    .map((d) => `${d.Name}=${d.Value}`)
    .sort()
    .join();

/** CloudWatch's statistic over one period's datums of one metric; undefined: no datum, a missing period. */
function statistic(
  data: readonly MetricDatum[],
  metric: { namespace: string; name: string; dimensions: readonly { Name: string; Value: string }[] },
  namespace: string,
  stat: string,
): number | undefined {
  if (namespace !== metric.namespace) return undefined;
  const values = data
    .filter((d) => d.MetricName === metric.name && key(d.Dimensions) === key(metric.dimensions))
    .map((d) => d.Value ?? Number.NaN);
  if (values.length === 0) return undefined;
  if (stat === 'Maximum') return Math.max(...values);
  if (stat === 'SampleCount') return values.length;
  if (stat === 'Sum') return values.reduce((a, b) => a + b, 0);
  throw new Error(`statistic ${stat} is not modelled here`);
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
};

/**
 * CloudWatch's metric-math IF as documented ("Using IF expressions"), for the one form the probe alarms use:
 * IF(id OP scalar, then[, else]), then and else an id or a scalar. A missing condition datum gives no datum; a
 * false condition without an else gives no datum.
 */
function evaluateIf(expression: string, values: Record<string, number | undefined>): number | undefined {
  const match = /^IF\((\w+) (<=|>=|==|<|>) (-?[\d.]+), (\w+|-?[\d.]+)(?:, (\w+|-?[\d.]+))?\)$/.exec(
    expression,
  );
  if (!match) throw new Error(`expression ${expression} is not modelled here`);
  const [, id, op, scalar, then, otherwise] = match;
  const read = (term: string) => (/^-?[\d.]+$/.test(term) ? Number(term) : values[term]);
  const condition = values[id!];
  if (condition === undefined) return undefined;
  if (COMPARE[op!]!(condition, Number(scalar))) return read(then!) ?? 0;
  return otherwise === undefined ? undefined : read(otherwise);
}

/**
 * The datapoint a synthesized alarm evaluates for one period in which `data` was published (one PutMetricData
 * per run, one run a period): a plain metric alarm's statistic, or its metric-math expression over its metrics.
 * undefined is a missing datapoint, which the alarm's TreatMissingData then decides.
 */
export function alarmDatapoint(alarm: AlarmProperties, data: readonly MetricDatum[]): number | undefined {
  if (alarm.Metrics === undefined) {
    return statistic(
      data,
      { namespace: 'Perfprobe', name: alarm.MetricName!, dimensions: alarm.Dimensions ?? [] },
      alarm.Namespace!,
      alarm.Statistic!,
    );
  }
  const values: Record<string, number | undefined> = {};
  for (const m of alarm.Metrics) {
    if (m.MetricStat === undefined) continue;
    const metric = m.MetricStat.Metric;
    values[m.Id] = statistic(
      data,
      { namespace: 'Perfprobe', name: metric.MetricName, dimensions: metric.Dimensions },
      metric.Namespace,
      m.MetricStat.Stat,
    );
  }
  const expressions = alarm.Metrics.filter((m) => m.Expression !== undefined);
  if (expressions.length !== 1) throw new Error('expected one expression, the one the alarm evaluates');
  return evaluateIf(expressions[0]!.Expression!, values);
}
