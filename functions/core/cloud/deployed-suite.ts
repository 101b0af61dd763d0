import { createHash } from 'node:crypto';
import type { ResolvedProbe } from '../plan.ts';
import { environmentLocations, probeLocations } from '../suite/locations.ts';
import { resolveProbe } from '../suite/resolve-probe.ts';
import type { Suite } from '../suite/schema.ts';
import { deployedEndpoint } from './subscription-endpoint.ts';

/**
 * A suite bound to one environment, as bundled into the functions at deploy time. Secrets stay references
 * (resolved by the worker), so the bundle holds no secret value.
 */
export interface DeployedSuite {
  readonly suite: string;
  readonly environment: string;
  readonly retentionDays: number;
  readonly probes: Readonly<Record<string, ResolvedProbe>>;
  /** The environment's budget: what all its probes together may send, and may run at once. */
  readonly caps: EnvironmentBudget;
  /** Recurring windows in which the notifier holds pages (see maintenanceAt). */
  readonly maintenance: readonly MaintenanceWindow[];
  /**
   * Subscriptions of the environment's topic (emails and https endpoints), of its warn-level notices, and of
   * the watch on the paging path (`notify.watch`, else the topic's own addresses).
   */
  readonly notify: Subscriptions & { readonly warn: Subscriptions; readonly watch: Subscriptions };
  /** Whether the environment has its CloudWatch dashboard ($3 a month). */
  readonly dashboard: boolean;
  /** Whether its functions and state machines record X-Ray traces ($5 per million). */
  readonly tracing: boolean;
  /**
   * The environment's locations (AWS regions), home first; absent when it names none (one stack, in the region
   * it is deployed to, exactly as before locations existed).
   */
  readonly locations?: readonly string[];
  /** Probe id → the locations it runs in (the environment's, narrowed by the probe's own), with `locations`. */
  readonly probeLocations?: Readonly<Record<string, readonly string[]>>;
}

export interface Subscriptions {
  readonly email: readonly string[];
  /** URLs, or CloudFormation dynamic references to where a URL is kept (see deployedEndpoint). */
  readonly https: readonly string[];
}

export interface MaintenanceWindow {
  /** A Scheduler cron expression: when each window starts. */
  readonly cron: string;
  readonly timezone: string;
  readonly durationMs: number;
}

export interface EnvironmentBudget {
  /** Requests per second of all probes whose runs overlap. */
  readonly maxRate: number;
  /** Connections of all probes whose runs overlap. */
  readonly maxConnections: number;
  /**
   * Worker Lambdas of all probes whose runs overlap: the workers' reserved concurrency. Read from
   * `caps.maxShards` from the suite; undefined: the planned peak (see workerConcurrency).
   */
  readonly maxShards: number | undefined;
}

export function deploySuite(suite: Suite, environment: string): DeployedSuite {
  const probes: Record<string, ResolvedProbe> = {};
  for (const probe of suite.probes) {
    probes[probe.id] = resolveProbe(suite, probe, environment);
  }
  const env = suite.environments[environment]!;
  const caps = env.caps;
  const locations = environmentLocations(env);
  return {
    suite: suite.name,
    environment,
    retentionDays: suite.retentionDays,
    probes,
    caps: { maxRate: caps.maxRate, maxConnections: caps.maxConnections, maxShards: caps.maxShards },
    maintenance: env.maintenance.map((w) => ({ cron: w.cron, timezone: w.timezone, durationMs: w.duration })),
    dashboard: env.dashboard,
    tracing: env.tracing,
    notify: {
      email: env.notify.email,
      https: env.notify.https.map(deployedEndpoint),
      warn: { email: env.notify.warn.email, https: env.notify.warn.https.map(deployedEndpoint) },
      watch: {
        email: env.notify.watch?.email ?? env.notify.email,
        https: (env.notify.watch?.https ?? env.notify.https).map(deployedEndpoint),
      },
    },
    // Only when named: a suite without locations deploys (and bundles) exactly what it did before them.
    ...(locations.length === 0
      ? {}
      : {
          locations,
          probeLocations: Object.fromEntries(suite.probes.map((p) => [p.id, probeLocations(env, p)])),
        }),
  };
}

export class UnknownProbeError extends Error {
  constructor(probeId: unknown, deployed: DeployedSuite) {
    super(
      `unknown probe ${JSON.stringify(probeId)} in suite "${deployed.suite}" (${deployed.environment}); deployed: ${Object.keys(deployed.probes).join(', ')}`,
    );
    this.name = 'UnknownProbeError';
  }
}

export function deployedProbe(deployed: DeployedSuite, probeId: unknown): ResolvedProbe {
  const probe = typeof probeId === 'string' ? deployed.probes[probeId] : undefined;
  if (probe === undefined || !Object.hasOwn(deployed.probes, probeId as string)) {
    throw new UnknownProbeError(probeId, deployed);
  }
  return probe;
}

/**
 * The file the functions read at cold start, next to their handler (lib/probe-functions.ts copies it into
 * each asset). A file, not a bundler define: a command line caps the suite at ~120 probes (E2BIG).
 */
export const DEPLOYED_SUITE_FILE = 'deployed-suite.json';

/**
 * Every name a (suite, environment) pair deploys under. Suite names hold letters, digits, "-" and "_";
 * environment names lowercase letters, digits and "-". Names whose alphabet has a separator neither can
 * hold (".", "/", " ") use it and are injective outright; stack and dashboard names allow only
 * letters, digits, "-" (and "_"), so they carry a hash of the exact pair: `pay`+`eu-prod` and `pay-eu`+`prod`,
 * or `a_b` and `a-b`, differ there by the hash.
 */
export interface DeployedNames {
  readonly stack: string;
  readonly dashboard: string;
  /** Every alarm of the stack starts with it (the topic policy's aws:SourceArn pattern relies on that). */
  readonly alarmPrefix: string;
  readonly killSwitchParameter: string;
  readonly topicDisplayName: string;
}

/** 8 hex digits (32 bits) of SHA-256 over the exact pair; the separator cannot occur in either name. */
export function pairHash(suite: string, environment: string): string {
  return createHash('sha256').update(`${suite}/${environment}`).digest('hex').slice(0, 8);
}

/** Hard limits of the names (service quotas that cannot be raised). */
export const NAME_LIMITS = {
  /** CloudFormation stack name. */
  stack: 128,
  /** CloudWatch dashboard name. */
  dashboard: 255,
  /** CloudWatch alarm name. */
  alarm: 255,
  /** SSM parameter name (full path, standard tier). */
  parameter: 1011,
  /** SNS topic display name. */
  topicDisplayName: 100,
} as const;

export function deployedNames(suite: string, environment: string): DeployedNames {
  const hash = pairHash(suite, environment);
  const readable = `perfprobe-${suite}-${environment}`;
  const display = `perfprobe ${suite} ${environment}`;
  return {
    // CloudFormation: letters, digits and "-", starting with a letter.
    stack: `${readable.replaceAll('_', '-')}-${hash}`,
    dashboard: `${readable}-${hash}`,
    alarmPrefix: `perfprobe.${suite}.${environment}.`,
    killSwitchParameter: `/perfprobe/${suite}/${environment}/kill-switch`,
    // Only a too-long display name is shortened; the hash keeps the shortened ones apart ("#" appears in
    // no full one).
    topicDisplayName:
      display.length <= NAME_LIMITS.topicDisplayName
        ? display
        : `${display.slice(0, NAME_LIMITS.topicDisplayName - 10)}…#${hash}`,
  };
}

export type ProbeAlarmKind =
  | 'sla'
  | 'heartbeat'
  | 'cannot-measure'
  | 'store-failed'
  | 'cert-expiry'
  | `latency-${string}`
  | `step-${string}`
  | `slo-${string}`
  | `burn-${string}`;

/**
 * An SLO burn alert's composite alarm, `slo-<objective>-<level>` (what pages, through the notifier), and its two
 * windows' metric alarms, `burn-<objective>-<level>-long|short` (no "slo-" in them: the notifier's rule matches
 * the composites only).
 */
export function sloAlarmKind(objective: string, level: string): `slo-${string}` {
  return `slo-${objective}-${level}`;
}

export function burnWindowAlarmKind(
  objective: string,
  level: string,
  window: 'long' | 'short',
): `burn-${string}` {
  return `burn-${objective}-${level}-${window}`;
}

/** A flow step's percentile alarm: `step-<step>-<key>` (the key last: step names may hold "-"). */
export function stepAlarmKind(step: string, key: string): `step-${string}` {
  return `step-${step}-${key.replace('.', '_')}`;
}

/** A probe's alarm: probe ids hold no ".", so the segment after "probe." ends exactly at the id. */
export function probeAlarmName(names: DeployedNames, probeId: string, kind: ProbeAlarmKind): string {
  return `${names.alarmPrefix}probe.${probeId}.${kind}`;
}

/**
 * The alarm `perfprobe drill` sets to ALARM and back to OK to prove the paging path: "drill" is neither a
 * probe's segment nor the machinery's.
 */
export function drillAlarmName(names: DeployedNames): string {
  return `${names.alarmPrefix}drill`;
}

/** An alarm on perfprobe's own machinery ("system." is no probe's segment). */
export function systemAlarmName(names: DeployedNames, what: string): string {
  return `${names.alarmPrefix}system.${what}`;
}
