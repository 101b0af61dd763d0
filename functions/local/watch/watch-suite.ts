import {
  type AlarmState,
  type AlertMemory,
  initialAlertMemory,
  nextAlerts,
} from '../../core/alert-evaluator.ts';
import type { ResolvedProbe } from '../../core/plan.ts';
import type { RunResult } from '../../core/run-result.ts';
import type { RunStore } from '../../core/run-store.ts';
import { evaluateSla } from '../../core/sla.ts';
import { regressionInput } from '../commands/run-command.ts';
import { loopbackRefused, unreachableHint } from '../report.ts';
import { runProbeLocally } from '../run-probe.ts';
import { runLine, sloLine } from './run-line.ts';
import { describeSchedule, nextTick, runsAtStart } from './schedule-ticks.ts';
import { type WatchAlert, WatchAlerts } from './watch-alerts.ts';

export interface WatchOptions {
  readonly suite: string;
  readonly environment: string;
  readonly probes: readonly ResolvedProbe[];
  /** Where every run is recorded, as `perfprobe run` records it. */
  readonly store: RunStore;
  /** Run every probe this often instead of on its schedule (a faster trial; schedules are whole minutes). */
  readonly everyMs?: number | undefined;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  /** Called for every alert, in order, after it is printed (the webhook). */
  readonly onAlert?: (alert: WatchAlert) => Promise<void>;
}

/** One probe as the status page shows it. */
export interface WatchedProbe {
  readonly id: string;
  readonly schedule: string;
  readonly runs: number;
  /** Waiting for another probe's run to end (one run at a time), or running. */
  readonly state: 'idle' | 'queued' | 'running';
  /** Ticks that came while this probe was still queued or running, so no run started. */
  readonly skipped: number;
  readonly nextRunAt: string | undefined;
  readonly lastRun: RunResult | undefined;
  /** Alarm (sla, cannot-measure, heartbeat, latency-p99) → OK or ALARM. */
  readonly alarms: Readonly<Record<string, AlarmState>>;
}

/** What the watch knows now: the status page's input. */
export interface WatchSnapshot {
  readonly suite: string;
  readonly environment: string;
  readonly startedAt: string;
  readonly probes: readonly WatchedProbe[];
  /** Newest first, at most RECENT_ALERTS. */
  readonly alerts: readonly WatchAlert[];
}

export interface Watch {
  snapshot(): WatchSnapshot;
  /**
   * Stops scheduling, aborts the runs in flight (they stop sending; requests already sent finish within their
   * timeout) and waits for them and for pending alerts, at most `graceMs`. Interrupted runs are not recorded:
   * they measured the stop, not the target. Resolves with the probes whose run was still going at the end.
   */
  stop(graceMs: number): Promise<string[]>;
}

const RECENT_ALERTS = 100;

/** One probe of the watch: its schedule's timer, its alarms, and its turn in the queue. */
interface Watcher {
  readonly probe: ResolvedProbe;
  runOnce(): Promise<void>;
  start(): void;
  cancel(): void;
  status(): WatchedProbe;
}

const clock = (date: Date) => date.toISOString().slice(11, 19);

/** One run at a time across the suite: watchers wait their turn in the order their ticks came. */
interface RunQueue {
  add(watcher: Watcher): void;
  stateOf(watcher: Watcher): WatchedProbe['state'];
  /** The probe whose run is going, if any. */
  running(): string | undefined;
  /** Starts nothing more; resolves when the run going now (if any) ends. */
  close(): Promise<void> | undefined;
}

function createRunQueue(err: NodeJS.WritableStream): RunQueue {
  const waiting: Watcher[] = [];
  let current: { readonly watcher: Watcher; readonly run: Promise<void> } | undefined;
  let closed = false;
  /** Starts the next queued run when none is going. */
  const pump = () => {
    if (current !== undefined || closed) return;
    const watcher = waiting.shift();
    if (watcher === undefined) return;
    const run = watcher
      .runOnce()
      .catch((error: Error) => {
        err.write(`perfprobe: ${watcher.probe.id}: run failed: ${error.message}\n`);
      })
      .finally(() => {
        current = undefined;
        pump();
      });
    current = { watcher, run };
  };
  return {
    add(watcher) {
      waiting.push(watcher);
      pump();
    },
    stateOf: (watcher) =>
      current?.watcher === watcher ? 'running' : waiting.includes(watcher) ? 'queued' : 'idle',
    running: () => current?.watcher.probe.id,
    close() {
      closed = true;
      waiting.length = 0;
      return current?.run;
    },
  };
}

/** The alerts: printed, kept (newest first) for the page, and handed to `onAlert` one at a time. */
interface AlertLog {
  raise(alerts: readonly WatchAlert[]): void;
  recent(): WatchAlert[];
  /** Resolves when every alert raised so far was handed over. */
  delivered(): Promise<void>;
}

function createAlertLog(options: WatchOptions): AlertLog {
  const recent: WatchAlert[] = [];
  let delivering: Promise<void> = Promise.resolve();
  return {
    raise(alerts) {
      for (const alert of alerts) {
        options.out.write(`${clock(new Date(alert.at))} ALERT ${alert.text}\n`);
        recent.unshift(alert);
        recent.length = Math.min(recent.length, RECENT_ALERTS);
        if (options.onAlert) {
          const send = options.onAlert;
          // In order, one at a time: a receiver sees BREACH before its RECOVERED.
          delivering = delivering.then(() => send(alert)).catch(() => undefined);
        }
      }
    },
    recent: () => [...recent],
    delivered: () => delivering,
  };
}

/** What every watcher shares. */
interface WatchContext {
  readonly options: WatchOptions;
  readonly started: Date;
  /** Aborted by the stop: runs in flight stop sending. */
  readonly signal: AbortSignal;
  readonly queue: RunQueue;
  readonly alerts: AlertLog;
  stopped(): boolean;
  /** A line about one probe, timed and aligned. */
  say(probe: ResolvedProbe, text: string): void;
  /** Once per loopback address refused: a hint to start the target. */
  hint(probe: ResolvedProbe, run: RunResult): void;
}

/** One run of the probe, judged for regression as `perfprobe run` judges it; undefined when the stop cut it short. */
async function measure(probe: ResolvedProbe, context: WatchContext): Promise<RunResult | undefined> {
  // Read before the run, so a baseline never includes the run it judges (as `perfprobe run`).
  const regression = await regressionInput(probe, undefined, undefined, context.options.store);
  const measured = await runProbeLocally(probe, { signal: context.signal });
  if (context.signal.aborted) {
    context.say(probe, 'run interrupted by the stop: not recorded');
    return undefined;
  }
  return regression ? { ...measured, sla: evaluateSla(probe.sla, measured, regression) } : measured;
}

function createWatcher(probe: ResolvedProbe, context: WatchContext): Watcher {
  const { options, started, queue } = context;
  const alerts = new WatchAlerts(probe, started);
  let memory: AlertMemory = initialAlertMemory(probe.alert);
  let timer: NodeJS.Timeout | undefined;
  let nextRunAt: Date | undefined;
  let runs = 0;
  let skipped = 0;
  let lastRun: RunResult | undefined;

  const judge = (outcome: Parameters<typeof nextAlerts>[2], run?: RunResult) => {
    const next = nextAlerts(probe.alert, memory, outcome);
    memory = next.memory;
    context.alerts.raise(alerts.alertsFor(next.changes, new Date(), run));
  };

  function tick(): void {
    if (context.stopped()) return;
    const now = queue.stateOf(watcher);
    if (now !== 'idle') {
      skipped += 1;
      context.say(
        probe,
        now === 'running'
          ? 'tick skipped: the previous run is still going'
          : `tick skipped: still queued behind ${queue.running() ?? 'another probe'} (one run at a time)`,
      );
      judge({ missed: true });
    } else queue.add(watcher);
    schedule(new Date());
  }

  function schedule(after: Date): void {
    nextRunAt = nextTick(probe.schedule, started, after, options.everyMs);
    timer = setTimeout(tick, Math.max(0, nextRunAt.getTime() - Date.now()));
  }

  const watcher: Watcher = {
    probe,
    async runOnce(): Promise<void> {
      const run = await measure(probe, context);
      if (run === undefined) return;
      runs += 1;
      lastRun = run;
      await options.store.save(run).catch((error: Error) => {
        options.err.write(`perfprobe: ${probe.id}: run not recorded: ${error.message}\n`);
      });
      context.say(probe, runLine(run));
      if (probe.slo !== undefined) context.say(probe, await sloLine(probe, probe.slo, options.store));
      context.hint(probe, run);
      judge({ run }, run);
    },
    start() {
      if (runsAtStart(probe.schedule, options.everyMs)) tick();
      else schedule(started);
    },
    cancel() {
      clearTimeout(timer);
      nextRunAt = undefined;
    },
    status: (): WatchedProbe => ({
      id: probe.id,
      schedule: describeSchedule(probe.schedule, options.everyMs),
      state: queue.stateOf(watcher),
      runs,
      skipped,
      nextRunAt: nextRunAt?.toISOString(),
      lastRun,
      alarms: memory.states,
    }),
  };
  return watcher;
}

/**
 * Runs each probe on its own schedule, one run at a time across the suite (as `perfprobe run` does: probes side
 * by side would share the target's rate limiter and this machine's cores, and measure each other), records and
 * judges every run, and alerts. A probe whose tick comes while another probe runs waits its turn in a queue; a
 * tick that comes while the probe itself is queued or running is skipped (a missed run, as the heartbeat counts).
 */
export function startWatch(options: WatchOptions): Watch {
  const started = new Date();
  const controller = new AbortController();
  const width = Math.max(...options.probes.map((p) => p.id.length));
  const queue = createRunQueue(options.err);
  const alerts = createAlertLog(options);
  let stopped = false;
  /** Loopback addresses already named in a hint: once each, not on every run. */
  const hinted = new Set<string>();
  const context: WatchContext = {
    options,
    started,
    signal: controller.signal,
    queue,
    alerts,
    stopped: () => stopped,
    say: (probe, text) => options.out.write(`${clock(new Date())} ${probe.id.padEnd(width)}  ${text}\n`),
    hint(probe, run) {
      const refused = loopbackRefused(probe, run);
      if (refused === undefined || hinted.has(refused)) return;
      hinted.add(refused);
      options.out.write(`${unreachableHint([refused])}\n`);
    },
  };
  const watchers = options.probes.map((probe) => createWatcher(probe, context));
  for (const watcher of watchers) watcher.start();

  return {
    snapshot: () => ({
      suite: options.suite,
      environment: options.environment,
      startedAt: started.toISOString(),
      probes: watchers.map((w) => w.status()),
      alerts: alerts.recent(),
    }),
    async stop(graceMs) {
      stopped = true;
      for (const watcher of watchers) watcher.cancel();
      const inFlight = queue.close();
      controller.abort();
      let timeout: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<'timeout'>((resolve) => {
        timeout = setTimeout(() => resolve('timeout'), graceMs);
      });
      const settled = await Promise.race([Promise.all([inFlight, alerts.delivered()]), gaveUp]);
      clearTimeout(timeout);
      const running = queue.running();
      return settled === 'timeout' && running !== undefined ? [running] : [];
    },
  };
}
