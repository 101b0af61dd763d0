/**
 * AWS list prices the cost model uses: us-east-1, on-demand, free tiers ignored (they are per account and a
 * fleet of probes outgrows them). Each one names the page it comes from and when it was taken from there;
 * change the value and the date together.
 */
export interface Price {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
  readonly asOf: string;
}

const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const STEP_FUNCTIONS = 'https://aws.amazon.com/step-functions/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const VPC = 'https://aws.amazon.com/vpc/pricing/';
const AS_OF = '2026-11-22';

export const PRICES = {
  lambdaArmGbSecond: { usd: 0.0000133334, per: 'GB-second, arm64', source: LAMBDA, asOf: AS_OF },
  lambdaRequest: { usd: 0.2 / 1e6, per: 'invocation', source: LAMBDA, asOf: AS_OF },
  expressRequest: { usd: 1 / 1e6, per: 'Express execution', source: STEP_FUNCTIONS, asOf: AS_OF },
  /** Billed per 100 ms in 64 MB chunks; a run's small payloads fit the first chunk. */
  expressGbSecond: {
    usd: 0.00001667,
    per: 'GB-second of Express duration',
    source: STEP_FUNCTIONS,
    asOf: AS_OF,
  },
  standardTransition: {
    usd: 0.025 / 1e3,
    per: 'Standard state transition',
    source: STEP_FUNCTIONS,
    asOf: AS_OF,
  },
  schedulerInvocation: {
    usd: 1 / 1e6,
    per: 'EventBridge Scheduler invocation',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    asOf: AS_OF,
  },
  customMetricMonth: { usd: 0.3, per: 'custom metric-month (first 10,000)', source: CLOUDWATCH, asOf: AS_OF },
  putMetricDataRequest: { usd: 0.01 / 1e3, per: 'PutMetricData request', source: CLOUDWATCH, asOf: AS_OF },
  /** Per metric an alarm reads: a metric-math alarm over Errors and Requests is two. */
  alarmMonth: { usd: 0.1, per: 'standard-resolution alarm metric-month', source: CLOUDWATCH, asOf: AS_OF },
  compositeAlarmMonth: { usd: 0.5, per: 'composite alarm-month', source: CLOUDWATCH, asOf: AS_OF },
  dashboardMonth: { usd: 3, per: 'dashboard-month', source: CLOUDWATCH, asOf: AS_OF },
  logsIngestedGb: { usd: 0.5, per: 'GB of CloudWatch Logs ingested', source: CLOUDWATCH, asOf: AS_OF },
  xrayTrace: {
    usd: 5 / 1e6,
    per: 'X-Ray trace recorded',
    source: 'https://aws.amazon.com/xray/pricing/',
    asOf: AS_OF,
  },
  dynamoWriteUnit: {
    usd: 0.625 / 1e6,
    per: 'DynamoDB on-demand write request unit (1 KB)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: AS_OF,
  },
  dynamoStorageGbMonth: {
    usd: 0.25,
    per: 'DynamoDB GB-month stored',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: AS_OF,
  },
  dynamoPitrGbMonth: {
    usd: 0.2,
    per: 'DynamoDB GB-month of continuous backups (point-in-time recovery)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: AS_OF,
  },
  kmsKeyMonth: {
    usd: 1,
    per: 'customer-managed KMS key-month',
    source: 'https://aws.amazon.com/kms/pricing/',
    asOf: AS_OF,
  },
  natGatewayHour: { usd: 0.045, per: 'NAT gateway-hour', source: VPC, asOf: AS_OF },
  natGatewayGb: { usd: 0.045, per: 'GB processed by a NAT gateway', source: VPC, asOf: AS_OF },
  interfaceEndpointHour: {
    usd: 0.01,
    per: 'interface VPC endpoint-hour, per Availability Zone',
    source: 'https://aws.amazon.com/privatelink/pricing/',
    asOf: AS_OF,
  },
  /** What a user would pick instead, for the same schedule. */
  syntheticsCanaryRun: {
    usd: 0.0012,
    per: 'CloudWatch Synthetics canary run (plus its Lambda)',
    source: CLOUDWATCH,
    asOf: AS_OF,
  },
  lambdaX86GbSecond: { usd: 0.0000166667, per: 'GB-second, x86_64', source: LAMBDA, asOf: AS_OF },
  checklyApiCheckRun: {
    usd: 2 / 1e4,
    per: 'Checkly API check run',
    source: 'https://www.checklyhq.com/pricing/',
    asOf: AS_OF,
  },
} as const satisfies Record<string, Price>;
