import { maxShards, type ResolvedLoad, type ResolvedProbe, type ResolvedStep } from '../plan.ts';
import {
  DEFAULT_ABORT,
  DEFAULT_ALERT,
  DEFAULT_LOAD,
  defaultRateConnections,
  rateIntervalMs,
} from './limits.ts';
import { homeLocation, probeLocations, quorumFor } from './locations.ts';
import type { ProbeSpec } from './probe-schema.ts';
import { rateStages } from './rate-stages.ts';
import type { RequestSpec } from './request-schema.ts';
import type { Suite } from './schema.ts';
import { substitute, variableReferences } from './template.ts';
import { mergeTransport } from './transport-spec.ts';
import { resolveVariables } from './variables.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_BODY_CAP = 1_048_576;
export const DEFAULT_SCHEDULE = { expression: 'rate(5 minutes)', timezone: 'UTC' } as const;
export const USER_AGENT = 'perfprobe/0.1';

export class UnknownEnvironmentError extends Error {
  constructor(name: string, known: readonly string[]) {
    super(`unknown environment "${name}" (the suite defines: ${known.join(', ')})`);
    this.name = 'UnknownEnvironmentError';
  }
}

/** A suite that skipped validation reached resolution with a variable that cannot be resolved. */
export class UnresolvedVariableError extends Error {
  constructor(environment: string, problems: readonly { variable: string; message: string }[]) {
    super(
      `environment "${environment}": ${problems.map((p) => `variables.${p.variable}: ${p.message}`).join('; ')}`,
    );
    this.name = 'UnresolvedVariableError';
  }
}

/** A probe's load in one environment: defaults and the environment's caps applied. */
export function resolveLoad(probe: ProbeSpec, caps: Suite['environments'][string]['caps']): ResolvedLoad {
  const load = probe.load ?? DEFAULT_LOAD;
  switch (load.kind) {
    case 'latency':
      return { kind: 'latency', requests: load.requests, intervalMs: load.interval };
    case 'burst':
      return {
        kind: 'burst',
        connections: load.connections,
        durationMs: load.duration,
        requests: load.requests,
        maxDurationMs: load.duration ?? caps.maxDuration,
      };
    case 'rate': {
      // The schema guarantees either rate and duration or stages.
      const stages = rateStages(load)!;
      const peak = Math.max(...stages.map((s) => Math.max(s.fromRate, s.toRate)));
      // A default pool also gives each shard the probe asks for a connection of its own (within the cap):
      // 50 shards of a 100/s load need 50 connections, not the 10 its rate alone would get.
      const pool = Math.min(
        caps.maxConnections,
        Math.max(defaultRateConnections(peak, caps.maxConnections), probe.shards ?? 1),
      );
      const connections = load.connections ?? pool;
      // The pool grows past what it opened while every connection is busy, up to the cap (see the rate engine).
      return {
        kind: 'rate',
        stages,
        connections,
        maxConnections: Math.max(connections, caps.maxConnections),
      };
    }
  }
}

/**
 * One worker per 100 connections or 500 requests/s: what one Lambda vCPU drives without falling behind; never
 * more than the load can be divided into (see maxShards).
 */
export function defaultShards(load: ResolvedLoad): number {
  switch (load.kind) {
    case 'latency':
      return 1;
    case 'burst':
      return Math.max(1, Math.min(maxShards(load), Math.ceil(load.connections / 100)));
    case 'rate': {
      const peak = Math.max(...load.stages.map((s) => Math.max(s.fromRate, s.toRate)));
      return Math.max(1, Math.min(maxShards(load), Math.ceil(peak / 500)));
    }
  }
}

/**
 * A request with the environment's values filled in. In a plain request one pass leaves only `${secret}`
 * placeholders, for the worker; in a flow's step, captures and built-ins (`${token}`, `${uuid}`) stay too.
 */
function resolveRequest(
  request: RequestSpec,
  suite: Suite,
  probeId: string,
  values: Readonly<Record<string, string>>,
  flow: boolean,
): ResolvedStep['request'] {
  const fill = (text: string) => (flow ? fillKnown(text, values) : substitute(text, values));
  // Filled first: a path may itself come from a variable ("${path}/orders").
  const filledUrl = fill(request.url);
  const url = filledUrl.startsWith('/') ? `${values.baseUrl}${filledUrl}` : filledUrl;
  const headers: Record<string, string> = { 'user-agent': `${USER_AGENT} (probe ${probeId})` };
  for (const [k, v] of Object.entries({ ...suite.defaults.headers, ...request.headers })) {
    headers[k.toLowerCase()] = fill(v);
  }
  let body: string | undefined;
  const bodyIsJson = request.body !== undefined && typeof request.body !== 'string';
  if (typeof request.body === 'string') body = fill(request.body);
  else if (request.body !== undefined) {
    body = fill(JSON.stringify(request.body));
    headers['content-type'] ??= 'application/json';
  }
  return {
    method: request.method ?? 'GET',
    url,
    headers,
    body,
    bodyIsJson,
    timeoutMs: request.timeout ?? suite.defaults.timeout ?? DEFAULT_TIMEOUT_MS,
  };
}

/** Fills the names `values` holds and leaves every other placeholder (captures, built-ins) as written. */
function fillKnown(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_]\w*)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name]! : whole,
  );
}

function transportOf(...specs: Parameters<typeof mergeTransport>): Pick<ResolvedProbe, 'transport'> {
  const transport = mergeTransport(...specs);
  return transport === undefined ? {} : { transport };
}

/**
 * The secret variables the probe's own requests reference (URL, headers, body, any flow step): a probe inherits
 * every secret of its environment, and resolving all of them meant one unreadable secret of another probe
 * (deleted, under a KMS key the role cannot use, or an SSM reference on a laptop with no region) failed this one.
 */
function usedSecrets(
  secrets: Readonly<Record<string, string>>,
  requests: readonly Pick<ResolvedStep['request'], 'url' | 'headers' | 'body'>[],
): Record<string, string> {
  const used = new Set(variableReferences(JSON.stringify(requests)));
  return Object.fromEntries(Object.entries(secrets).filter(([name]) => used.has(name)));
}

/**
 * Binds a validated probe to one environment: URL, variables, defaults and caps applied; the secrets its requests
 * use kept as references.
 */
export function resolveProbe(suite: Suite, probe: ProbeSpec, environment: string): ResolvedProbe {
  const env = suite.environments[environment];
  if (!env) throw new UnknownEnvironmentError(environment, Object.keys(suite.environments));
  const { values, secrets, lists, problems } = resolveVariables(
    env.baseUrl.replace(/\/$/, ''),
    env.variables,
  );
  if (problems.length > 0) throw new UnresolvedVariableError(environment, problems);
  const load = resolveLoad(probe, env.caps);
  const connection =
    (probe.request ?? probe.steps?.[0]?.request)?.connection ??
    suite.defaults.connection ??
    (load.kind === 'latency' ? 'fresh' : 'reuse');
  const schedule = probe.schedule ?? suite.defaults.schedule ?? DEFAULT_SCHEDULE;
  const bind = (request: RequestSpec, flow: boolean) =>
    resolveRequest(request, suite, probe.id, values, flow);
  const steps = probe.steps?.map(
    (step): ResolvedStep => ({
      name: step.name,
      request: bind(step.request, true),
      capture: step.capture ?? {},
      assert: step.assert,
      until: step.until,
    }),
  );
  // The schema guarantees one of request and steps.
  const { bodyIsJson: _, ...request } = probe.request ? bind(probe.request, false) : steps![0]!.request;
  return {
    suite: suite.name,
    environment,
    id: probe.id,
    description: probe.description,
    runbook: probe.runbook,
    request: { ...request, connection },
    ...(steps === undefined ? {} : { steps, lists }),
    ...(probe.rateLimit === undefined
      ? {}
      : { rateLimit: { limit: probe.rateLimit.limit, windowMs: probe.rateLimit.window } }),
    secrets: usedSecrets(secrets, [request, ...(steps ?? []).map((step) => step.request)]),
    ...transportOf(env.transport, probe.transport),
    load,
    assert: probe.assert,
    sla: probe.sla,
    ...(probe.slo === undefined ? {} : { slo: probe.slo }),
    abort: probe.abort ?? suite.defaults.abort ?? DEFAULT_ABORT,
    bodyCap: probe.bodyCap ?? suite.defaults.bodyCap ?? DEFAULT_BODY_CAP,
    schedule,
    // A limiter is judged on every request it saw, in order: one shard.
    shards: probe.shards ?? (probe.rateLimit === undefined ? defaultShards(load) : 1),
    alert: {
      breachedRuns: probe.alert?.breachedRuns ?? DEFAULT_ALERT.breachedRuns,
      missedRuns: probe.alert?.missedRuns ?? DEFAULT_ALERT.missedRuns,
      invalidRuns: probe.alert?.invalidRuns,
      recoverAfter: probe.alert?.recoverAfter ?? DEFAULT_ALERT.recoverAfter,
      remindMs: probe.alert?.remind,
      intervalMs: probe.alert?.interval ?? rateIntervalMs(schedule.expression),
      latency: probe.alert?.latency ?? {},
      steps: probe.alert?.steps ?? {},
    },
    ...resolvedLocations(env, probe),
  };
}

/** Only for an environment with locations: a suite without them resolves (and deploys) as it did before. */
function resolvedLocations(env: Suite['environments'][string], probe: ProbeSpec) {
  const locations = probeLocations(env, probe);
  if (locations.length === 0) return {};
  return {
    located: {
      locations,
      home: homeLocation(env)!,
      quorum: quorumFor(env, probe),
      stagger: probe.stagger ?? false,
    },
  };
}
