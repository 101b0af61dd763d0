import { setFlagsFromString } from 'node:v8';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

/*
 * A capture regex runs over a target's body, which perfprobe does not control. On the main thread a pattern that
 * backtracks catastrophically (`^(a+)+$` over 35 bytes) blocks the event loop: no request timeout, no Ctrl-C and
 * no end of run can fire. So a body regex runs on a worker thread, under a time bound, and a worker that overruns
 * it is terminated (V8 interrupts a running regex).
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
 * The longest a body regex may run on one response, ms; the main thread waits for it meanwhile. Far above an
 * ordinary pattern over a 1 MiB body (under 10 ms), so a busy machine never fails a capture for nothing, and short
 * enough that a run still ends on time and Ctrl-C is handled within it.
 */
export const BODY_REGEX_BUDGET_MS = 250;
/** The longest the first exec waits for the process's first worker to start; a replacement is never waited for. */
const WORKER_START_MS = 10_000;

/**
 * What a body regex found: the first group, else the whole match, null for no match; or that it overran its
 * budget; or that it was not run, its worker still starting after an earlier one overran.
 */
export type BodyRegexOutcome =
  | { readonly value: string | null }
  | { readonly overran: true }
  | { readonly notRun: true };

/** Runs in the worker; plain JavaScript (the bundled Lambda has no file to point a worker at). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { port, signal } = workerData;
const state = new Int32Array(signal);
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
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
});
Atomics.store(state, 1, 1);
Atomics.notify(state, 1);
parentPort.postMessage('ready');
`;

/** Slots of the shared state: DONE is set by the worker once a result is posted, READY once it listens. */
const DONE = 0;
const READY = 1;

/** One worker thread that runs body regexes, waited for synchronously (captures are read in a response callback). */
class RegexWorker {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  /** Settles once the worker listens, died, or did not start in time. */
  readonly started: Promise<void>;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, signal: this.state.buffer },
      transferList: [port2],
    });
    // A probe's process exits when its run is over, whatever this thread is doing.
    this.worker.unref();
    // A worker that dies is replaced on the next exec (its waits time out); its error must not end the process.
    this.worker.on('error', () => {});
    port1.unref();
    this.port = port1;
    this.started = new Promise((resolve) => {
      const timer = setTimeout(resolve, WORKER_START_MS).unref();
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.worker.once('message', done).once('exit', done);
    });
  }

  /** undefined when the worker has not started within `startMs`. */
  exec(source: string, body: string, budgetMs: number, startMs: number): BodyRegexOutcome | undefined {
    if (Atomics.wait(this.state, READY, 0, startMs) === 'timed-out') return undefined;
    Atomics.store(this.state, DONE, 0);
    this.port.postMessage({ source, body });
    if (Atomics.wait(this.state, DONE, 0, budgetMs) === 'timed-out') return { overran: true };
    return { value: (receiveMessageOnPort(this.port)?.message as string | null | undefined) ?? null };
  }

  terminate(): void {
    this.port.close();
    void this.worker.terminate();
  }
}

let shared: RegexWorker | undefined;
/** The next worker, started when one overran, so that its successor is up before it is needed. */
let spare: RegexWorker | undefined;
/** Whether the current worker replaces one that overran: it is not waited for. */
let replacement = false;

/**
 * Resolves once the body-regex worker of the compiled captures has started (at once when there is none): a load
 * awaits it, so its first response does not wait for a thread to start.
 */
export async function bodyRegexesReady(): Promise<void> {
  await shared?.started;
}

/** A body regex compiled for captures: `exec` never runs longer than the budget on the calling thread. */
export interface BodyRegex {
  readonly source: string;
  exec(body: string): BodyRegexOutcome;
}

/** Compiles a validated body regex; it runs on a worker thread shared by the process, under `budgetMs`. */
export function compileBodyRegex(source: string, budgetMs = BODY_REGEX_BUDGET_MS): BodyRegex {
  // Started now, while the shard prepares: a thread takes from 30 ms to a few hundred on a busy machine to start.
  shared ??= new RegexWorker();
  return {
    source,
    exec(body) {
      // The first worker is waited for (runShard has it started before the load); a replacement is not: the main
      // thread never waits for a thread to start once per overrun.
      shared ??= new RegexWorker();
      const outcome = shared.exec(source, body, budgetMs, replacement ? 0 : WORKER_START_MS);
      if (outcome === undefined) return { notRun: true };
      if ('overran' in outcome) {
        // Stopped where it is; the spare takes over, and the next spare starts in the background.
        shared.terminate();
        shared = spare ?? new RegexWorker();
        spare = new RegexWorker();
        replacement = true;
      }
      return outcome;
    },
  };
}
