import { setFlagsFromString } from 'node:v8';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';

/*
 * A capture regex runs over a target's body, which perfprobe does not control. On the main thread a pattern that
 * backtracks catastrophically (`^(a+)+$` over 35 bytes) blocks the event loop: no request timeout, no Ctrl-C and
 * no end of run can fire. So a body regex runs on a worker thread, under a time bound, and a worker that overruns
 * it is terminated (V8 interrupts a running regex). The main thread never waits for it: `exec` returns a promise,
 * and every other request in flight is timed and read as usual meanwhile.
 *
 * V8's linear-time engine alone is not the answer: it refuses backreferences, lookarounds and counted repeats
 * above 16 (`[0-9a-f]{32}`), and it is slow, 1 to 80 µs per body byte (a 1 MiB body: seconds to over a minute).
 * It still serves as a fallback: with this flag an exec starts in the fast backtracking engine and switches to the
 * linear one past V8's backtrack limit, so `^(a+)+$` over 35 bytes ends in about a millisecond instead of at the
 * bound. The flag changes which engine runs, never what a pattern matches; it exists in Node 20 and 22 (Lambda),
 * is process-wide (the worker has it too) and takes effect for patterns compiled after it is set.
 */
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/**
 * The longest a body regex may run on one response, ms, counted from when the worker is handed the job (time in
 * the queue before is not the pattern's). Far above an ordinary pattern over a 1 MiB body (under 10 ms), so a busy
 * machine never fails a capture for nothing, and short enough that one overrunning pattern delays the jobs queued
 * behind it by little.
 */
export const BODY_REGEX_BUDGET_MS = 250;
/** The longest a shard waits for the process's first worker to start before its load begins anyway. */
const WORKER_START_MS = 10_000;

/**
 * What a body regex found: the first group, else the whole match, null for no match; or that it overran its
 * budget; or that it was not run: its caller gave up on it while it queued, or its worker could not start.
 */
export type BodyRegexOutcome =
  | { readonly value: string | null }
  | { readonly overran: true }
  | { readonly notRun: string };

/** Runs in the worker; plain JavaScript (the bundled Lambda has no file to point a worker at). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { port } = workerData;
const patterns = new Map();
port.on('message', ({ source, body }) => {
  let value = null;
  try {
    let pattern = patterns.get(source);
    if (pattern === undefined) {
      pattern = new RegExp(source);
      patterns.set(source, pattern);
    }
    const m = pattern.exec(body);
    if (m !== null) value = m[1] ?? m[0];
  } catch {}
  port.postMessage(value);
});
parentPort.postMessage('ready');
`;

interface Job {
  readonly source: string;
  readonly body: string;
  readonly budgetMs: number;
  readonly signal: AbortSignal | undefined;
  readonly settle: (outcome: BodyRegexOutcome) => void;
}

/** One worker thread that runs body regexes, one job at a time. */
class RegexWorker {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  ready = false;
  /** Settles once the worker listens, died, or did not start in time. */
  readonly started: Promise<void>;

  constructor(onReady: () => void, onResult: (value: string | null) => void, onExit: () => void) {
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // None of the parent's Node flags: a loader (tsx under the CLI) would cost each start hundreds of ms, and
      // --input-type=module would read this CommonJS source as a module.
      execArgv: [],
      workerData: { port: port2 },
      transferList: [port2],
    });
    // Held only while it owes an answer (see RegexQueue.pump): a probe's process exits when its run is over.
    this.worker.unref();
    // A worker that dies is replaced (see onExit); its error must not end the process.
    this.worker.on('error', () => {});
    port1.on('message', (value: string | null) => onResult(value));
    // After the listener: adding a 'message' listener refs a port again.
    port1.unref();
    this.port = port1;
    this.started = new Promise((resolve) => {
      const timer = setTimeout(resolve, WORKER_START_MS).unref();
      this.worker.once('message', () => {
        clearTimeout(timer);
        this.ready = true;
        onReady();
        resolve();
      });
      this.worker.once('exit', () => {
        clearTimeout(timer);
        onExit();
        resolve();
      });
    });
  }

  /** Whether the thread keeps the process alive. */
  hold(busy: boolean): void {
    if (busy) this.worker.ref();
    else this.worker.unref();
  }

  post(job: Job): void {
    this.port.postMessage({ source: job.source, body: job.body });
  }

  terminate(): void {
    this.worker.removeAllListeners('exit');
    this.port.removeAllListeners('message');
    this.port.close();
    void this.worker.terminate();
  }
}

/**
 * The process's body-regex jobs: a queue, and one worker that takes them one at a time. A job that overruns its
 * budget terminates its worker (the only way to stop a running regex); the spare, started when the previous one
 * took over, takes its place, and a new spare starts in the background.
 */
class RegexQueue {
  private readonly jobs: Job[] = [];
  private worker: RegexWorker | undefined;
  private spare: RegexWorker | undefined;
  private running: { readonly job: Job; readonly budget: NodeJS.Timeout } | undefined;

  /** Settles once the current worker has started (at once when there is none). */
  async ready(): Promise<void> {
    await this.worker?.started;
  }

  /** Starts the worker now, so that a load's first response does not wait for a thread to start. */
  warm(): void {
    this.worker ??= this.startWorker();
  }

  exec(
    source: string,
    body: string,
    budgetMs: number,
    signal: AbortSignal | undefined,
  ): Promise<BodyRegexOutcome> {
    if (signal?.aborted) return Promise.resolve({ notRun: 'its caller gave up on it' });
    return new Promise((settle) => {
      this.jobs.push({ source, body, budgetMs, signal, settle });
      this.pump();
    });
  }

  private startWorker(): RegexWorker {
    const worker: RegexWorker = new RegexWorker(
      () => this.pump(),
      (value) => this.finish({ value }),
      () => this.died(worker),
    );
    return worker;
  }

  /** Hands the next job to the worker once it listens and is free. */
  private pump(): void {
    while (this.running === undefined && this.jobs.length > 0) {
      this.warm();
      const worker = this.worker!;
      if (!worker.ready) break; // its start calls pump again
      const job = this.jobs.shift()!;
      if (job.signal?.aborted) {
        // Its caller gave up (its run stopped, the iteration ended as aborted): dropped, not run.
        job.settle({ notRun: 'its caller gave up on it' });
        continue;
      }
      worker.post(job);
      const budget = setTimeout(() => this.overrun(), job.budgetMs);
      this.running = { job, budget };
    }
    // The process waits for an answer it is owed (each within its bound once the worker has started), and only
    // then: an idle worker never keeps it from exiting.
    this.worker?.hold(this.running !== undefined || this.jobs.length > 0);
  }

  private finish(outcome: BodyRegexOutcome): void {
    const running = this.running;
    if (running === undefined) return;
    clearTimeout(running.budget);
    this.running = undefined;
    running.job.settle(outcome);
    this.pump();
  }

  private overrun(): void {
    // Stopped where it is; the spare takes over, and the next spare starts in the background.
    this.worker?.terminate();
    this.worker = this.spare ?? this.startWorker();
    this.spare = this.startWorker();
    this.finish({ overran: true });
  }

  /** A worker that exited by itself: its job fails; one that never started fails every job waiting for it. */
  private died(worker: RegexWorker): void {
    if (worker === this.spare) {
      this.spare = undefined;
      return;
    }
    if (worker !== this.worker) return;
    this.worker = undefined;
    if (!worker.ready) {
      // Not retried here: the next exec starts another, so a process that cannot start threads does not spin.
      for (const job of this.jobs.splice(0)) job.settle({ notRun: 'its worker thread could not start' });
    } else if (this.running !== undefined) {
      this.finish({ notRun: 'its worker thread exited' });
    } else {
      this.pump();
    }
  }
}

const queue = new RegexQueue();

/**
 * Resolves once the body-regex worker of the compiled captures has started (at once when there is none): a load
 * awaits it, so its first response does not wait for a thread to start.
 */
export async function bodyRegexesReady(): Promise<void> {
  await queue.ready();
}

/** A body regex compiled for captures: `exec` runs it on a worker thread, never on the calling one. */
export interface BodyRegex {
  readonly source: string;
  /** Never rejects; a job whose `signal` is aborted while it queues is dropped, not run. */
  exec(body: string, signal?: AbortSignal): Promise<BodyRegexOutcome>;
}

/** Compiles a validated body regex; it runs on a worker thread shared by the process, under `budgetMs`. */
export function compileBodyRegex(source: string, budgetMs = BODY_REGEX_BUDGET_MS): BodyRegex {
  // Started now, while the shard prepares: a thread takes from 30 ms to a few hundred on a busy machine to start.
  queue.warm();
  return { source, exec: (body, signal) => queue.exec(source, body, budgetMs, signal) };
}
