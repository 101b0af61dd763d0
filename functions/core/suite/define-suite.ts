/**
 * The authoring types of a suite file. They give editors completion and TSDoc; the zod schema in schema.ts (and the
 * modules it is built from) is what actually validates (a suite may come from plain JavaScript or JSON too).
 */

import type { HttpsEndpoint } from '../cloud/subscription-endpoint.ts';

/** A number of milliseconds, or a string with a unit: "250ms", "2s", "1.5m", "1h". */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h'}`;

/** A number of bytes, or a string with a unit: "512KiB", "1MiB". */
export type ByteSize = number | `${number}${'b' | 'kb' | 'KiB' | 'kib' | 'MiB' | 'mib' | 'MB' | 'mb'}`;

/**
 * EventBridge Scheduler expression: "rate(5 minutes)" (singular unit for 1: "rate(1 hour)") or
 * "cron(minutes hours day-of-month month day-of-week year)" with "?" in exactly one day field.
 */
export type ScheduleExpression = `rate(${string})` | `cron(${string})`;

export interface ScheduleDefinition {
  readonly expression: ScheduleExpression;
  /** IANA time zone for cron expressions. @default "UTC" */
  readonly timezone?: string;
}

export interface EnvironmentDefinition {
  /** Base URL of the target API; requests may use `${baseUrl}` or a path starting with "/". */
  readonly baseUrl: string;
  /**
   * Values for `${name}` in URLs, headers, bodies and other variables (resolved transitively; a cycle or an
   * undefined name is a validation error). A `{ secret: "env:NAME" }` reference is resolved where the load runs
   * and never written to results, logs or reports. A list (`['acct-1', 'acct-2']`) is for `${pick(name)}` in a
   * flow's steps: one item at random per use.
   */
  readonly variables?: Readonly<Record<string, string | readonly string[] | { readonly secret: string }>>;
  /** Subscriptions of this environment's alarm topic: on-call hears each breach and each recovery. */
  readonly notify?: {
    readonly email?: readonly string[];
    /**
     * HTTPS endpoints: a URL, or `{ secret: 'secretsmanager:name#field' }` / `{ secret: 'ssm:/name' }` for a URL
     * that is itself a credential (a PagerDuty integration URL): CloudFormation resolves it when it subscribes
     * the endpoint, and the template never holds it.
     */
    readonly https?: readonly HttpsEndpoint[];
    /** Warn-level SLA breaches, batched hourly, to a topic of their own (nothing pages). @default none */
    readonly warn?: { readonly email?: readonly string[]; readonly https?: readonly HttpsEndpoint[] };
  };
  /**
   * Recurring windows in which the deployed notifier holds pages (measuring goes on), e.g.
   * `[{ cron: 'cron(0 2 ? * SUN *)', duration: '2h', timezone: 'Europe/Berlin' }]`. @default []
   */
  readonly maintenance?: readonly {
    readonly cron: string;
    readonly duration: Duration;
    readonly timezone?: string;
  }[];
  /**
   * AWS regions (of one partition: aws, aws-cn or aws-us-gov) the probes run from, e.g.
   * `['eu-west-1', 'eu-central-1', 'us-east-1']`: one stack per location; the home one holds the notifier,
   * topics, dashboard and incidents. @default the one region the stack is deployed to
   */
  readonly locations?: readonly string[];
  /** Which of `locations` is home. @default the first */
  readonly home?: string;
  /** Safety caps every probe of this environment must stay within. Validation fails when one is exceeded. */
  readonly caps?: {
    /** @default 100 requests per second */
    readonly maxRate?: number;
    /** @default 50 */
    readonly maxConnections?: number;
    /** At most "1h". @default "5m" */
    readonly maxDuration?: Duration;
  };
}

export interface RequestDefinition {
  /** @default "GET" */
  readonly method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  /** "${baseUrl}/accounts" or "/accounts" (joined to the environment's baseUrl). */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is; an object or array is sent as JSON with content-type application/json. */
  readonly body?: string | Readonly<Record<string, unknown>> | readonly unknown[];
  /** Whole-request budget: connect, headers and body. Above 0, at most "2m". @default "10s" */
  readonly timeout?: Duration;
  /**
   * `"fresh"`: a new connection for every request, so its latency includes DNS, connect and TLS as a first
   * visit does, and a server's idle-timeout close can never touch it. `"reuse"`: keep-alive connections.
   * @default "fresh" for latency checks, "reuse" for burst and rate loads
   */
  readonly connection?: 'fresh' | 'reuse';
}

export type LoadDefinition =
  | {
      /** A few paced sequential requests: the classic synthetic check. */
      readonly kind: 'latency';
      /** @default 10 @minimum 1 @maximum 1000 */
      readonly requests?: number;
      /** Time between the starts of two requests. @default "1s" */
      readonly interval?: Duration;
    }
  | {
      /** Closed model: each connection sends as soon as its previous response ends. */
      readonly kind: 'burst';
      /** @minimum 1 @maximum 5000 */
      readonly connections: number;
      /** Give exactly one of duration (above 0, at most "1h") and requests (at most 10,000,000). */
      readonly duration?: Duration;
      readonly requests?: number;
    }
  | {
      /** Open model: arrivals per second, latency measured from each request's intended send time. */
      readonly kind: 'rate';
      /** Constant rate, requests per second (with duration); at most 50,000. */
      readonly rate?: number;
      /** Above 0, at most "1h"; a rate load plans at most 10,000,000 requests. */
      readonly duration?: Duration;
      /** Ramping rate: start rate, then stages that move linearly to `to` over `over`. */
      readonly from?: number;
      readonly stages?: ReadonlyArray<{ readonly to: number; readonly over: Duration }>;
      /**
       * Connections, opened before the first arrival: the most requests in flight at once.
       * @default ceil(peak rate / 10), at least 10 and one per shard, within caps.maxConnections
       */
      readonly connections?: number;
    };

export type StatusExpectation =
  | number
  | `${1 | 2 | 3 | 4 | 5}xx`
  | readonly number[]
  | { min: number; max: number };

export interface AssertionsDefinition {
  /** @default any 2xx or 3xx */
  readonly status?: StatusExpectation;
  /** `true`: present; a string: equals (case-sensitive); or `{ equals, contains }`. */
  readonly headers?: Readonly<Record<string, true | string | { equals?: string; contains?: string }>>;
  /** JSON path ("$.data[0].id") → value to equal, `{ equals }` or `{ exists }`. */
  readonly json?: Readonly<
    Record<string, string | number | boolean | null | { equals: unknown } | { exists: boolean }>
  >;
  readonly bodyContains?: string | readonly string[];
  readonly maxBodyBytes?: ByteSize;
}

/** A hard maximum (critical), or a target (warn) and a hard maximum (critical). */
export type ThresholdDefinition<T> = T | { readonly warn?: T; readonly critical?: T };

export type PercentileKey = `p${number}`;

export type SlaDefinition = {
  readonly [K in PercentileKey | 'max' | 'mean']?: ThresholdDefinition<Duration>;
} & {
  /**
   * Failed requests / all requests: 0.01 or "1%".
   * @default critical 0 for latency checks, "1%" for burst and rate loads (shown as "(default)")
   */
  readonly errorRate?: ThresholdDefinition<number | `${number}%`>;
  /** Completed requests per second, at least. */
  readonly minThroughput?: ThresholdDefinition<number>;
  /**
   * Regression against a baseline (critical): the run against the merged histogram of the baseline window's
   * valid runs. A percentile regressed when it rose by more than its share, by more than `minDelta`, and a
   * one-sided Mann-Whitney U test says the run is slower (p < `alpha`).
   */
  readonly regression?: RegressionDefinition;
  /** A flow's per-step SLAs, by step name: `{ settled: { p95: 1500 } }` (latency keys and errorRate). */
  readonly steps?: Readonly<Record<string, Omit<SlaDefinition, 'steps' | 'minThroughput'>>>;
};

export type RegressionDefinition = {
  /** Allowed increase: "+20%" or 0.2. */
  readonly [K in PercentileKey]?: `+${number}%` | `${number}%` | number;
} & {
  /** The smallest increase that counts. @default 0 */
  readonly minDelta?: Duration;
  /** How far back the baseline reaches: "7d", "24h", "2w". @default "7d" */
  readonly baseline?: `${number}${'m' | 'h' | 'd' | 'w'}`;
  /** Valid runs the baseline needs before it judges. @default 20 @minimum 1 */
  readonly minRuns?: number;
  /** One-sided significance level. @default 0.01 @maximum 0.5 */
  readonly alpha?: number;
};

/** A value taken from a step's response for `${name}` in later steps. */
export type CaptureDefinition = (
  | { readonly json: string }
  | { readonly header: string }
  /** Over the body: the first group, else the whole match. */
  | { readonly regex: string }
) & {
  /** Redacted as `***` in every output, like a secret. @default false */
  readonly secret?: boolean;
};

/**
 * One step of a flow. Its texts may use the environment's variables, captures of earlier steps and built-ins,
 * fresh per use: `${uuid}`, `${now}` (ISO 8601), `${nowMs}`, `${randomInt(a,b)}`, `${pick(list)}`.
 */
export interface StepDefinition {
  /** Names the step in results, reports and `sla.steps`. */
  readonly name: string;
  readonly request: RequestDefinition;
  /** A capture that finds nothing fails the iteration at this step (class `capture`). */
  readonly capture?: Readonly<Record<string, CaptureDefinition>>;
  readonly assert?: AssertionsDefinition;
  /**
   * Repeats the request every `every` until its response passes these assertions (class `timeout_until` when
   * `timeout` passes first); the step's latency is from its first send to that response, polls counted apart.
   */
  readonly until?: AssertionsDefinition & { readonly every?: Duration; readonly timeout: Duration };
}

export interface AbortDefinition {
  /** Stop the run when the error rate goes above this, once minRequests have completed. @default 0.5 */
  readonly errorRate?: number | `${number}%`;
  /** @default 20 */
  readonly minRequests?: number;
}

export interface AlertDefinition {
  /** Page when at least `atLeast` of the last `of` valid runs breached a critical SLA. @default { atLeast: 2, of: 3 } */
  readonly breachedRuns?: { readonly atLeast: number; readonly of: number };
  /** Page when this many schedule intervals pass with no run (a dead probe pages too). @default 3 */
  readonly missedRuns?: number;
  /**
   * Runs after a recovery within which a new breach continues the same incident (same dedupKey, announced as
   * flapping) rather than opening a new one. @default 2
   */
  readonly recoverAfter?: number;
  /**
   * Remind on-call this often while an incident stays open (same dedupKey, how long it has been open, the
   * latest figures), e.g. "1h"; at least "5m". @default no reminders
   */
  readonly remind?: Duration;
  /**
   * Locations that must breach at once before the incident opens (a page); fewer breaching is a notice.
   * @default both of two locations, 2 of three or more, 1 of one @minimum 1 @maximum the probe's locations
   */
  readonly minLocations?: number;
  /** Time between runs. Derived from a rate() schedule; required with cron(). */
  readonly interval?: Duration;
  /**
   * Alarms on CloudWatch's percentile of the raw latency distribution over one interval, e.g. { p99: "800ms" }.
   * Synth refuses a percentile the run's sample count cannot support (p99 needs 1,000 samples an interval).
   */
  readonly latency?: Readonly<Record<PercentileKey, Duration>>;
  /**
   * A flow's per-step alarms, by step name, like `latency`: { settled: { p95: "1500ms" } }. Each step named
   * publishes its own latency distribution (a `Step` dimension: one more custom metric) for its alarm.
   */
  readonly steps?: Readonly<Record<string, Readonly<Record<PercentileKey, Duration>>>>;
}

export interface ProbeDefinition {
  /** Stable id: a metric dimension and a storage key. Lowercase letters, digits, "-" and "_". */
  readonly id: string;
  readonly description?: string;
  /** One request per unit of load; give exactly one of request and steps. */
  readonly request?: RequestDefinition;
  /**
   * A flow: its steps run in order, one iteration per unit of load (latency: N paced iterations; burst: N virtual
   * users; rate: iterations started per second). Every step targets the baseUrl's origin.
   */
  readonly steps?: readonly StepDefinition[];
  /** @default defaults.schedule, else "rate(5 minutes)" */
  readonly schedule?: ScheduleExpression | ScheduleDefinition;
  /** @default { kind: "latency" } */
  readonly load?: LoadDefinition;
  readonly assert?: AssertionsDefinition;
  readonly sla?: SlaDefinition;
  readonly abort?: AbortDefinition;
  /** Most response-body bytes kept for assertions; the rest is read, counted and dropped. @default "1MiB" */
  readonly bodyCap?: ByteSize;
  /**
   * Worker Lambdas that share the load, exactly: shard i of k sends arrivals i, i + k, … of the whole schedule.
   * Each shard needs at least one arrival (or request) and one connection; more shards are refused.
   * @default 1 per 100 connections or 500 requests/s
   */
  readonly shards?: number;
  readonly alert?: AlertDefinition;
  /** Narrows the environment's locations: each must be one of them. @default all the environment's */
  readonly locations?: readonly string[];
  /**
   * Spread the locations' runs evenly over the interval (location i starts i × interval / n late): more samples
   * of time. @default false: every location starts at the scheduled time (comparable runs)
   */
  readonly stagger?: boolean;
  /**
   * The target's declared rate limit: at most `limit` requests per `window`. The run then judges the limiter as
   * a critical check (429s above the limit are expected, not failures; none within it; every 429 says when to
   * retry; no 5xx; a request after the advertised wait succeeds). One shard, one request per unit of load.
   */
  readonly rateLimit?: { readonly limit: number; readonly window: Duration };
}

export interface SuiteDefinition {
  readonly name: string;
  readonly environments: Readonly<Record<string, EnvironmentDefinition>>;
  readonly defaults?: {
    readonly timeout?: Duration;
    readonly headers?: Readonly<Record<string, string>>;
    /** See RequestDefinition.connection. */
    readonly connection?: 'fresh' | 'reuse';
    readonly schedule?: ScheduleExpression | ScheduleDefinition;
    readonly abort?: AbortDefinition;
    readonly bodyCap?: ByteSize;
  };
  readonly probes: readonly ProbeDefinition[];
  /** Days a stored run is kept before DynamoDB's TTL removes it. @default 90 */
  readonly retentionDays?: number;
}

/** Declares a suite. Returns it unchanged: validation happens when perfprobe loads the file. */
export function defineSuite<const T extends SuiteDefinition>(suite: T): T {
  return suite;
}
