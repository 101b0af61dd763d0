import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CompiledAssertions, compileAssertions } from '../assertions.ts';
import { FlowRecorder } from '../flows/flow-recorder.ts';
import { FlowRunner } from '../flows/flow-runner.ts';
import type { CompiledFlow } from '../flows/prepare-flow.ts';
import { bodyRegexesReady } from '../flows/safe-regex.ts';
import { encodeHistogram } from '../histogram.ts';
import { ArrivalSchedule } from '../pacing.ts';
import { type ResolvedLoad, type ResolvedProbe, recoveryBudgetMs, unitTimeoutMs } from '../plan.ts';
import { RateLimitRecorder } from '../rate-limit/rate-limit-recorder.ts';
import { recoverAfterRejection } from '../rate-limit/recover.ts';
import type { Redactor } from '../redact.ts';
import { ShardRecorder, timelineSlotMs } from '../shard-recorder.ts';
import type { ShardResult } from '../shard-result.ts';
import type { PreparedRequest, Transport, TransportFactory } from '../transport.ts';
import { runBurst } from './burst-engine.ts';
import { watchCpuWait } from './cpu-wait.ts';
import { EngineContext } from './engine-context.ts';
import { type GcPauses, watchGcPauses } from './gc-pauses.ts';
import { runLatency } from './latency-engine.ts';
import { runRate } from './rate-engine.ts';
import { watchStealTime } from './steal-time.ts';

/** Time given, past the hard deadline, for in-flight requests to report before connections are torn down. */
const CLOSE_GRACE_MS = 1_000;
/**
 * The most a load waits for its connections to open ahead of it: a target that does not accept would otherwise
 * hold the start for a whole connect timeout (up to 2 min). Connections still opening carry on and serve later.
 */
const PRECONNECT_MAX_MS = 2_000;
/** Event-loop delay sampling period, ms; Node's histogram includes it, so it is subtracted. */
const LOOP_DELAY_RESOLUTION_MS = 10;

export interface ShardRunOptions {
  readonly probe: ResolvedProbe;
  readonly shard: number;
  readonly load: ResolvedLoad;
  /** The request with secrets already substituted; for a flow probe, `flow` instead. */
  readonly request?: Omit<PreparedRequest, 'captureHeaders' | 'captureBody' | 'bodyCap' | 'timeoutMs'>;
  /** A flow probe's steps compiled with their secrets (see prepareFlow): each unit of load is one iteration. */
  readonly flow?: CompiledFlow;
  readonly transport: TransportFactory;
  /** Epoch ms to start at (shards of one run start together); now when omitted. */
  readonly startAt?: number;
  /** Stops sending (e.g. Ctrl-C or the Lambda deadline); in-flight requests still finish within their timeout. */
  readonly signal?: AbortSignal;
  /** Called once the load starts, with the live recorder (for progress lines). */
  readonly onStart?: (recorder: ShardRecorder) => void;
  /** Applied to every text the shard reports: the resolved secret values never leave it. */
  readonly redact?: Redactor;
}

/** A flow's step assertions judge each response; the iteration itself is judged by its steps alone. */
const ITERATION_JUDGED_BY_STEPS: CompiledAssertions = {
  needsHeaders: false,
  needsBody: false,
  check: () => undefined,
};

/** A 429 is the limiter's expected answer above the limit, judged apart (see RateLimitRecorder), not a failure. */
function acceptingRateLimited(inner: CompiledAssertions): CompiledAssertions {
  return {
    // Retry-After and RateLimit headers are read from every 429.
    needsHeaders: true,
    needsBody: inner.needsBody,
    check: (response) => (response.status === 429 ? undefined : inner.check(response)),
  };
}

/** The transport a flow's engine sees: the same connections, each running whole iterations. */
function flowTransport(transport: Transport, runner: FlowRunner): Transport {
  const lanes = transport.lanes.map((lane) => runner.lane(lane));
  return {
    lanes,
    addLane: () => {
      const lane = runner.lane(transport.addLane());
      lanes.push(lane);
      return lane;
    },
    preconnect: () => transport.preconnect(),
    counters: () => transport.counters(),
    connectionFacts: () => transport.connectionFacts?.(),
    close: () => transport.close(),
  };
}

/** How long the load itself runs at most, ms. */
export function plannedDurationMs(load: ResolvedLoad, timeoutMs: number): number {
  switch (load.kind) {
    case 'latency':
      // Sequential: each request may take its whole timeout before the next one starts.
      return load.requests * Math.max(load.intervalMs, timeoutMs);
    case 'burst':
      return load.durationMs ?? load.maxDurationMs;
    case 'rate':
      return new ArrivalSchedule(load.stages).durationMs;
  }
}

/**
 * How long the load is expected to run: a latency probe's requests rarely take their whole timeout, and its last
 * one goes out after (n − 1) intervals.
 */
export function expectedDurationMs(load: ResolvedLoad, timeoutMs: number): number {
  return load.kind === 'latency' ? (load.requests - 1) * load.intervalMs : plannedDurationMs(load, timeoutMs);
}

/** How many connections a load opens: one for a latency check. */
export function connectionsOf(load: ResolvedLoad): number {
  return load.kind === 'latency' ? 1 : load.connections;
}

/** The request every unit of load sends (a flow's is a placeholder: its steps carry their own), and how it is judged. */
function shardRequest(options: ShardRunOptions) {
  const { probe, flow } = options;
  const limiter = probe.rateLimit && new RateLimitRecorder(probe.rateLimit.limit, probe.rateLimit.windowMs);
  const compiled = flow ? ITERATION_JUDGED_BY_STEPS : compileAssertions(probe.assert);
  const assertions = limiter ? acceptingRateLimited(compiled) : compiled;
  const prepared = flow
    ? { origin: flow.origin, path: '/', method: 'GET', headers: {}, body: undefined }
    : options.request;
  if (prepared === undefined) throw new TypeError('runShard: expected a request or a flow, got neither');
  const request: PreparedRequest = {
    ...prepared,
    timeoutMs: probe.request.timeoutMs,
    bodyCap: probe.bodyCap,
    captureHeaders: assertions.needsHeaders,
    captureBody: assertions.needsBody,
  };
  return { request, assertions, limiter };
}

/** Opens the shard's connections (a load's ahead of its start, up to PRECONNECT_MAX_MS), then waits for startAt. */
async function openAndWait(options: ShardRunOptions, request: PreparedRequest): Promise<Transport> {
  const { probe, load } = options;
  const http = options.transport({
    origin: request.origin,
    connections: connectionsOf(load),
    timeoutMs: request.timeoutMs,
    connection: probe.request.connection,
    // A latency check's requests are few and paced; a load's lanes back off a dead target.
    backoff: load.kind !== 'latency',
  });
  // Connections of a load open before it starts (while shards wait for their shared start), so the first
  // second measures the target, not a storm of connects; a latency check's fresh connections are its point.
  await Promise.all([
    Promise.race([http.preconnect(), sleep(PRECONNECT_MAX_MS, undefined, { ref: false })]),
    // A flow's body regexes run on a worker thread (see safe-regex.ts), started before its first response.
    bodyRegexesReady(),
  ]);
  if (options.startAt !== undefined) {
    const wait = options.startAt - Date.now();
    if (wait > 0) await sleep(wait, undefined, { signal: options.signal }).catch(() => {});
  }
  return http;
}

/** A flow's recorder of steps and its runner, and the transport the engine drives: the flow's lanes, or http's. */
function flowParts(options: ShardRunOptions, recorder: ShardRecorder, http: Transport) {
  const { flow, probe } = options;
  const steps = flow
    ? new FlowRecorder(flow.steps.map((step) => ({ name: step.name, polling: step.until !== undefined })))
    : undefined;
  const runner = flow && steps ? new FlowRunner(flow, recorder, steps, probe.bodyCap) : undefined;
  return { steps, runner, transport: runner ? flowTransport(http, runner) : http };
}

interface GeneratorHealthReading {
  readonly eventLoopDelayP99Ms: number;
  readonly gcPauses: GcPauses | undefined;
  readonly cpuWaitMs: number | undefined;
  readonly stealMs: number | undefined;
}

/** Watches the generator itself while the load runs: event-loop delay, GC pauses, the wait for a CPU, steal. */
function watchGenerator(): { stop(): Promise<GeneratorHealthReading> } {
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  loopDelay.enable();
  const gc = watchGcPauses();
  const cpuWait = watchCpuWait();
  const steal = watchStealTime();
  return {
    async stop() {
      loopDelay.disable();
      const gcPauses = await gc.stop();
      const cpuWaitMs = cpuWait.stop();
      const stealMs = steal.stop();
      // Without samples the histogram reports a huge sentinel; no samples means no delay seen.
      const eventLoopDelayP99Ms =
        loopDelay.count > 0
          ? Math.max(0, Math.round((loopDelay.percentile(99) / 1e6 - LOOP_DELAY_RESOLUTION_MS) * 100) / 100)
          : 0;
      return { eventLoopDelayP99Ms, gcPauses, cpuWaitMs, stealMs };
    },
  };
}

/**
 * Stops the run on the caller's signal, and at the hard deadline whatever happens (connections close and the
 * shard reports). Returns what disarms both.
 */
function armStops(
  options: ShardRunOptions,
  ctx: EngineContext,
  runner: FlowRunner | undefined,
  transport: Transport,
  deadlineMs: number,
): () => void {
  const onSignal = () => {
    ctx.stop('interrupted: stopped by signal');
    runner?.stop('the run was interrupted during the flow');
  };
  if (options.signal?.aborted) onSignal();
  options.signal?.addEventListener('abort', onSignal, { once: true });
  const hardDeadline = setTimeout(() => {
    ctx.stop('interrupted: hard deadline reached');
    runner?.stop('the hard deadline was reached during the flow');
    void transport.close();
  }, deadlineMs);
  return () => {
    clearTimeout(hardDeadline);
    options.signal?.removeEventListener('abort', onSignal);
  };
}

function driveLoad(ctx: EngineContext, load: ResolvedLoad, timeoutMs: number): Promise<void> {
  if (load.kind === 'latency') return runLatency(ctx, load);
  if (load.kind === 'burst') return runBurst(ctx, load);
  return runRate(ctx, load, timeoutMs);
}

/** Arrivals the load planned: none for a closed-model burst, which sends as fast as its connections allow. */
function intendedRequestsOf(load: ResolvedLoad): number | undefined {
  if (load.kind === 'latency') return load.requests;
  return load.kind === 'rate' ? new ArrivalSchedule(load.stages, load.stride).total : undefined;
}

/**
 * Runs one shard of a probe and returns what it measured. Never throws for what the target does; always ends
 * within the planned duration plus one request timeout (plus a second of grace to collect the cut requests).
 */
export async function runShard(options: ShardRunOptions): Promise<ShardResult> {
  const { probe, load } = options;
  const timeoutMs = probe.request.timeoutMs;
  // A unit of load is a request, or a whole flow iteration: run lengths and the hard deadline allow for it.
  const unitMs = unitTimeoutMs(probe);
  const { request, assertions, limiter } = shardRequest(options);
  const http = await openAndWait(options, request);
  const startedAt = new Date();
  const recorder = new ShardRecorder(
    performance.now(),
    timelineSlotMs(expectedDurationMs(load, unitMs)),
    options.redact,
  );
  const { steps, runner, transport } = flowParts(options, recorder, http);
  const ctx = new EngineContext(transport, request, recorder, assertions, probe.abort);
  if (limiter) ctx.observe = (exchange, nowMs) => limiter.record(exchange, nowMs);
  const generator = watchGenerator();
  let health: GeneratorHealthReading;
  const disarm = armStops(
    options,
    ctx,
    runner,
    transport,
    plannedDurationMs(load, unitMs) +
      unitMs +
      // A rate-limit probe waits out the last 429's advice, then sends one more request.
      recoveryBudgetMs(probe) +
      CLOSE_GRACE_MS,
  );
  options.onStart?.(recorder);

  let recovery: Awaited<ReturnType<typeof recoverAfterRejection>> | undefined;
  // The load's own length: a rate-limit probe's recovery wait afterwards is not part of its throughput.
  let loadEndedMs: number | undefined;
  try {
    await driveLoad(ctx, load, timeoutMs);
    loadEndedMs = performance.now();
    if (limiter?.lastRejection !== undefined && !ctx.stopReason?.startsWith('interrupted')) {
      recovery = await recoverAfterRejection(
        http.lanes[0]!,
        request,
        limiter.lastRejection,
        () => ctx.now(),
        options.signal,
        limiter.policyRoomAtMs(),
      );
    }
  } finally {
    disarm();
    health = await generator.stop();
    await transport.close();
  }

  const { eventLoopDelayP99Ms, gcPauses, cpuWaitMs, stealMs } = health;
  const facts = transport.connectionFacts?.();
  const result = recorder.toResult({
    probeId: probe.id,
    shard: options.shard,
    kind: load.kind,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round((loadEndedMs ?? performance.now()) - recorder.originMs),
    generator: {
      intendedRequests: intendedRequestsOf(load),
      sent: ctx.sent,
      lateSends: ctx.lateSends,
      queuedSends: ctx.queuedSends,
      ...(load.kind === 'rate'
        ? {
            longestQueueWaitMs: Math.round(ctx.longestQueueWaitMs),
            poolSize: transport.lanes.length,
            poolCap: load.maxConnections,
          }
        : {}),
      unsent: ctx.unsent,
      eventLoopDelayP99Ms,
      ...(gcPauses === undefined ? {} : { gcPauseMs: gcPauses.totalMs, gcPauseMaxMs: gcPauses.maxMs }),
      ...(cpuWaitMs === undefined ? {} : { cpuWaitMs }),
      ...(stealMs === undefined ? {} : { stealMs }),
      ...transport.counters(),
      ...(ctx.sendLateness.totalCount > 0 ? { sendLateness: encodeHistogram(ctx.sendLateness) } : {}),
    },
    stoppedEarly: ctx.stopReason,
    steps: steps?.toResult(),
    rateLimit: limiter?.toResult(recovery),
  });
  return {
    ...result,
    ...(facts?.tls === undefined ? {} : { tls: facts.tls }),
    ...(facts?.httpVersion === undefined ? {} : { httpVersion: facts.httpVersion }),
    ...(facts?.maxStreamsPerConnection === undefined
      ? {}
      : { maxStreamsPerConnection: facts.maxStreamsPerConnection }),
  };
}
