import { performance } from 'node:perf_hooks';
import type { ErrorClass } from '../error-classes.ts';
import { createRedactor, type Redactor } from '../redact.ts';
import type { ShardRecorder } from '../shard-recorder.ts';
import { headerValueProblem } from '../suite/headers.ts';
import type { Exchange, Lane, Phases, PreparedRequest } from '../transport.ts';
import type { Extracted } from './captures.ts';
import type { FlowRecorder } from './flow-recorder.ts';
import type { CompiledFlow, CompiledStep } from './prepare-flow.ts';

/** An iteration's own phases are not one request's: each request's phases are recorded as it ends. */
const NO_PHASES: Readonly<Phases> = { dnsMs: -1, connectMs: -1, tlsMs: -1, ttfbMs: -1, downloadMs: -1 };

/** One iteration of the flow in progress on one lane. */
interface Iteration {
  readonly lane: Lane;
  readonly onDone: (exchange: Exchange) => void;
  readonly values: Record<string, string>;
  /** Values of `secret: true` captures: redacted from this iteration's messages. */
  readonly secrets: string[];
  step: number;
  /** Monotonic ms of the iteration's first send, and of the current step's first send. */
  startedMs: number;
  stepStartedMs: number;
  polls: number;
  status: number;
  bytes: number;
  wait: NodeJS.Timeout | undefined;
}

/**
 * Runs a flow as one unit of load: `lane(base)` is a Lane whose `send` runs a whole iteration (every step, its
 * captures, assertions and polls) over the base lane and reports it as one Exchange, so the engines, the
 * recorder and the merge treat a flow iteration exactly as they treat a request. That Exchange starts at the
 * first step's send and ends with the last step's response; it fails with the failing step's class.
 *
 * Each next request goes out from the previous one's onDone, which the transport calls outside the HTTP
 * client's callbacks; polls wait on a timer, and a step with body regexes waits for its worker's answer (each
 * within its bound, after those queued before it). An iteration that started always finishes unless `stop` is
 * called, as the shard does at its hard deadline or an interrupt.
 */
export class FlowRunner {
  private stopReason: string | undefined;
  private readonly waiting = new Set<Iteration>();
  /** Iterations whose step's body regexes are running or queued on the worker thread (see safe-regex.ts). */
  private readonly capturing = new Set<Iteration>();
  /** Aborted by `stop`: regex work still queued for this runner's iterations is dropped, not run. */
  private readonly stopped = new AbortController();

  constructor(
    private readonly flow: CompiledFlow,
    private readonly recorder: ShardRecorder,
    private readonly steps: FlowRecorder,
    private readonly bodyCap: number,
  ) {}

  /** A lane that runs one flow iteration per `send` (its request argument is not used). */
  lane(base: Lane): Lane {
    return {
      send: (_request, onDone) => {
        const it: Iteration = {
          lane: base,
          onDone,
          // No prototype: a capture named `constructor` is read as itself.
          values: Object.create(null),
          secrets: [],
          step: 0,
          startedMs: -1,
          stepStartedMs: -1,
          polls: 0,
          status: 0,
          bytes: 0,
          wait: undefined,
        };
        this.runStep(it);
      },
      unreachable: () => base.unreachable(),
    };
  }

  /** No step or poll starts after this; iterations waiting to poll or for their captures end now, as aborted. */
  stop(reason: string): void {
    this.stopReason ??= reason;
    this.stopped.abort();
    for (const it of [...this.waiting]) {
      clearTimeout(it.wait);
      this.waiting.delete(it);
      this.failStep(it, 'aborted', `aborted: ${reason}`);
    }
    for (const it of [...this.capturing]) {
      this.capturing.delete(it);
      this.failStep(it, 'aborted', `aborted: ${reason}`);
    }
  }

  private runStep(it: Iteration): void {
    const step = this.flow.steps[it.step]!;
    if (this.stopReason !== undefined) {
      this.failStep(it, 'aborted', `aborted: ${this.stopReason}`);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, fill, dynamic] of step.headers) {
      const value = fill(it.values);
      // Validation saw captures only as placeholders: a captured value with a line break would split the
      // header block, and the target would be blamed. The message names the header, never the value.
      const problem = dynamic ? headerValueProblem(value) : undefined;
      if (problem !== undefined) {
        this.failStep(it, 'capture', `capture: header ${name}: ${problem} once its captures are filled in`);
        return;
      }
      headers[name] = value;
    }
    const request: PreparedRequest = {
      origin: this.flow.origin,
      path: step.path(it.values),
      method: step.method,
      headers,
      body: step.body?.(it.values),
      timeoutMs: step.timeoutMs,
      bodyCap: this.bodyCap,
      captureHeaders: step.captureHeaders,
      captureBody: step.captureBody,
      traceparent: step.traceparent,
    };
    if (step.until !== undefined) this.steps.poll(it.step);
    it.lane.send(request, (exchange) => this.onResponse(it, step, exchange));
  }

  private onResponse(it: Iteration, step: CompiledStep, exchange: Exchange): void {
    this.recorder.recordPhases(exchange.phases);
    it.bytes += exchange.bytes;
    it.status = exchange.status;
    if (it.stepStartedMs < 0) it.stepStartedMs = exchange.startedMs;
    if (it.startedMs < 0) it.startedMs = exchange.startedMs;
    // Each request's own trace: a failed one, or (whatever the flow makes of its answer) a successful one.
    const traceparent = exchange.traceparent;
    if (exchange.errorClass !== undefined) {
      if (traceparent !== undefined) this.recorder.traces.failed(traceparent, exchange.errorClass, step.name);
      this.failStep(it, exchange.errorClass, exchange.errorMessage ?? exchange.errorClass);
      return;
    }
    const failure = step.assertions.check(exchange);
    if (failure !== undefined) {
      if (traceparent !== undefined) this.recorder.traces.failed(traceparent, failure.errorClass, step.name);
      this.failStep(it, failure.errorClass, `${failure.errorClass}: ${failure.reason}`);
      return;
    }
    if (traceparent !== undefined) {
      this.recorder.traces.slow(traceparent, exchange.endedMs - exchange.startedMs, step.name);
    }
    const now = performance.now();
    if (step.until !== undefined) {
      it.polls++;
      const pending = step.until.condition.check(exchange);
      if (pending !== undefined) {
        const { everyMs, timeoutMs } = step.until;
        if (now + everyMs - it.stepStartedMs > timeoutMs) {
          this.failStep(
            it,
            'timeout_until',
            `timeout_until: still ${pending.reason} after ${it.polls} poll${it.polls === 1 ? '' : 's'} within ${timeoutMs} ms`,
          );
          return;
        }
        this.waiting.add(it);
        it.wait = setTimeout(() => {
          this.waiting.delete(it);
          this.runStep(it);
        }, everyMs);
        return;
      }
    }
    const extracted = step.captures.extract(exchange, it.values, this.stopped.signal);
    if (extracted instanceof Promise) {
      // A body regex runs on a worker thread: the main thread goes on timing other requests meanwhile, and the
      // next step goes out once it answers (from a message event, outside the HTTP client's callbacks).
      this.capturing.add(it);
      void extracted.then((miss) => {
        // Gone already when `stop` ended the iteration as aborted.
        if (this.capturing.delete(it)) this.stepDone(it, step, now, miss);
      });
      return;
    }
    this.stepDone(it, step, now, extracted);
  }

  /** The step's response passed and its captures ran: on to the next step, or the iteration's end. */
  private stepDone(it: Iteration, step: CompiledStep, respondedMs: number, miss: Extracted): void {
    if (miss !== undefined) {
      this.failStep(it, 'capture', `capture: ${miss.name}: ${miss.reason}`);
      return;
    }
    for (const name of step.captures.secretNames) it.secrets.push(it.values[name]!);
    // The step's time ends with its response: capture work is the prober's, not the target's.
    this.steps.record(it.step, (respondedMs - it.stepStartedMs) * 1000, undefined);
    it.step++;
    it.stepStartedMs = -1;
    it.polls = 0;
    if (it.step < this.flow.steps.length) this.runStep(it);
    else this.finish(it, undefined, undefined);
  }

  private failStep(it: Iteration, errorClass: ErrorClass, message: string): void {
    this.steps.record(it.step, -1, errorClass);
    this.finish(it, errorClass, `step "${this.flow.steps[it.step]!.name}": ${message}`);
  }

  private finish(it: Iteration, errorClass: ErrorClass | undefined, message: string | undefined): void {
    const redact: Redactor | undefined = it.secrets.length > 0 ? createRedactor(it.secrets) : undefined;
    const endedMs = performance.now();
    it.onDone({
      status: it.status,
      errorClass,
      errorMessage: message === undefined || redact === undefined ? message : redact(message),
      headers: undefined,
      body: undefined,
      bodyTruncated: false,
      bytes: it.bytes,
      // An iteration that failed before any request went out starts now.
      startedMs: it.startedMs < 0 ? endedMs : it.startedMs,
      endedMs,
      phases: NO_PHASES,
      staleRetried: false,
    });
  }
}
