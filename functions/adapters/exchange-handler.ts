import { performance } from 'node:perf_hooks';
import type { ErrorClass } from '../core/error-classes.ts';
import type { Exchange, Phases, PreparedRequest } from '../core/transport.ts';
import type { ConnectionTiming } from './timed-connector.ts';
import { classifyError, describeError } from './undici-error-class.ts';

const EXPIRED_WHAT = {
  timeout_connect: 'no connection',
  timeout_headers: 'no response headers',
  timeout_body: 'body not complete',
} as const;

type Expired = keyof typeof EXPIRED_WHAT;

/** RFC 9110 §9.2.2: a client may send these again after a failure, as browsers and curl do. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** Connection failures after which a lane waits before its next attempt. */
const CONNECT_FAILURES = new Set<ErrorClass>([
  'connection_refused',
  'connection_reset',
  'dns',
  'tls',
  'timeout_connect',
]);

class DeadlineError extends Error {
  constructor(readonly errorClass: Expired) {
    super(`request exceeded its timeout (${errorClass})`);
    this.name = 'DeadlineError';
  }
}

/** What a handler needs from the lane it runs on. */
export interface HandlerLane {
  /** The connection undici just opened for the request being written, if it opened one; taken once. */
  takeNewConnection(): ConnectionTiming | undefined;
  /** Marks the start of a response on the current socket (see ResponseHeadFilter); a HEAD's has no content. */
  expectResponse(headRequest: boolean): void;
  /** When the bytes undici is parsing became readable (see pollTime), or -1 when not seen since the write. */
  readAt(): number;
  /** The TLS alert the connection raised before undici saw it close, if it did (see ConnectionEvents.onTlsAlert). */
  tlsAlert(): Error | undefined;
  /** Sends the same request again on a fresh connection, later (never from inside undici's callbacks). */
  resend(handler: ExchangeHandler): void;
  connectFailed(errorClass: ErrorClass, message: string): void;
  /** Drops the current connection (a connect that overran its deadline has no abort handle in undici). */
  reset(): void;
  /** The handler has its outcome: the lane has it reported (see ExchangeHandler.report), later. */
  settled(handler: ExchangeHandler): void;
}

/**
 * undici's legacy dispatch handler for one request: the shape Client calls natively, so nothing wraps it per
 * request. Its lane reports it through `onDone` on a microtask (see SettledQueue), never from inside undici's
 * callbacks: an engine sends its next request from onDone, and re-entering undici from its own error path breaks
 * its invariants (`assert(client[kSize] === 0)` in the connect-error handler).
 */
export class ExchangeHandler implements Exchange {
  status = 0;
  errorClass: ErrorClass | undefined = undefined;
  errorMessage: string | undefined = undefined;
  headers: Record<string, string> | undefined = undefined;
  body: string | undefined = undefined;
  bodyTruncated = false;
  bytes = 0;
  startedMs = 0;
  endedMs = 0;
  staleRetried = false;
  /** Set as the request reaches a connection (see Exchange.traceparent). */
  traceparent: string | undefined = undefined;
  readonly phases: Phases = { dnsMs: -1, connectMs: -1, tlsMs: -1, ttfbMs: -1, downloadMs: -1 };
  /** Whole-request deadline (monotonic ms); infinite until the request is dispatched. */
  deadline = Number.POSITIVE_INFINITY;
  settled = false;
  private abort: ((err: Error) => void) | undefined;
  private writtenMs = -1;
  private headersMs = -1;
  private reused = false;
  /** Set when our deadline fired: undici may report the teardown first, under its own (wrong) class. */
  private expiredAs: Expired | undefined;
  private chunks: Buffer[] | undefined;
  private kept = 0;
  /** The traceparent of the send in progress (a stale retry is a new send, with its own). */
  private sending: string | undefined;

  constructor(
    private readonly lane: HandlerLane,
    readonly request: PreparedRequest,
    private readonly onDone: (exchange: Exchange) => void,
  ) {}

  /** Called as the request is handed to undici (again, for a stale retry), with the traceparent it carries. */
  dispatched(now: number, traceparent?: string): void {
    this.startedMs = now;
    this.sending = traceparent;
    this.traceparent = undefined;
    this.deadline = now + this.request.timeoutMs;
    this.abort = undefined;
    this.writtenMs = -1;
    this.reused = false;
    if (this.request.captureBody) this.chunks = [];
  }

  /** undici calls this as it writes the request to the socket. */
  onConnect(abort: (err: Error) => void): void {
    this.abort = abort;
    const now = performance.now();
    this.writtenMs = now;
    this.traceparent = this.sending;
    const fresh = this.lane.takeNewConnection();
    if (fresh !== undefined && !fresh.preopened) {
      // Opened for this request: its latency counts from the connection's start, connect included, as a new
      // visitor's would. undici's set-up of the request before it (its checks, its queue) is the client's time,
      // not the target's; never earlier than the send, should a connection started before it be handed over.
      this.startedMs = Math.max(this.startedMs, fresh.startedMs);
      this.phases.dnsMs = fresh.dnsMs;
      this.phases.connectMs = fresh.connectMs;
      this.phases.tlsMs = fresh.tlsMs;
    } else {
      // An open connection: latency counts from this write. undici holds a reused socket for one event-loop
      // turn before writing (to see a close the server may have sent): the client's time, not the target's.
      this.reused = true;
      this.startedMs = now;
    }
    this.lane.expectResponse(this.request.method === 'HEAD');
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    // Interim responses (1xx) are not the answer; the final one follows on the same exchange.
    if (status < 200) return true;
    this.status = status;
    this.headersMs = this.readTime();
    if (this.writtenMs >= 0) this.phases.ttfbMs = this.headersMs - this.writtenMs;
    if (this.request.captureHeaders) {
      const headers: Record<string, string> = {};
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
        headers[rawHeaders[i]!.toString('latin1').toLowerCase()] = rawHeaders[i + 1]!.toString('latin1');
      }
      this.headers = headers;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    const chunks = this.chunks;
    if (chunks !== undefined) {
      const room = this.request.bodyCap - this.kept;
      if (room > 0) {
        const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
        chunks.push(part);
        this.kept += part.length;
      }
      if (chunk.length > room) this.bodyTruncated = true;
    }
    return true;
  }

  onComplete(): void {
    const now = this.readTime();
    if (this.headersMs >= 0) this.phases.downloadMs = now - this.headersMs;
    if (this.chunks !== undefined) this.body = Buffer.concat(this.chunks).toString('utf8');
    this.settle(now);
  }

  /**
   * When the bytes being parsed arrived, as near the socket as undici allows: the poll that returned them, not
   * the moment the loop got round to parsing them (see pollTime). Now, when no read was timed since the write.
   */
  private readTime(): number {
    const read = this.lane.readAt();
    // Never before this request's write: a poll's time is only shared with sockets that poll returned.
    return read >= 0 ? Math.max(read, this.writtenMs) : performance.now();
  }

  onError(err: Error): void {
    if (this.settled) return;
    if (this.expiredAs !== undefined) {
      this.fail(
        this.expiredAs,
        `${this.expiredAs}: ${EXPIRED_WHAT[this.expiredAs]} within ${this.request.timeoutMs} ms`,
      );
      return;
    }
    // A server that rejects the client certificate after the TLS 1.3 handshake sends an alert, then closes:
    // undici reports only the close. The alert is the cause.
    const alert = classifyError(err) === 'connection_reset' ? this.lane.tlsAlert() : undefined;
    if (alert !== undefined) err = alert;
    const errorClass = classifyError(err);
    const phase = this.abort === undefined ? 'connect' : this.status === 0 ? 'headers' : 'body';
    const beforeResponse = this.status === 0 && this.bytes === 0;
    if (this.reused && beforeResponse && errorClass === 'connection_reset') {
      if (IDEMPOTENT.has(this.request.method) && !this.staleRetried) {
        // The server had closed this kept-alive connection (an idle or request-count limit) as we wrote:
        // RFC 9112 §9.3.1 lets a client retry an idempotent request once on a new connection.
        this.staleRetried = true;
        this.lane.resend(this);
        return;
      }
      if (!IDEMPOTENT.has(this.request.method)) {
        this.fail(
          errorClass,
          `connection_reset: the server closed an idle keep-alive connection as this ${this.request.method} was sent (not retried: ${this.request.method} is not idempotent)`,
        );
        return;
      }
    }
    const message = describeError(errorClass, err, phase);
    if (phase === 'connect' && CONNECT_FAILURES.has(errorClass)) this.lane.connectFailed(errorClass, message);
    this.fail(errorClass, message);
  }

  onUpgrade(): void {
    this.onError(Object.assign(new Error('unexpected protocol upgrade'), { code: 'HPE_UPGRADE' }));
  }

  /** Called by the sweeper once the whole-request deadline has passed. */
  expire(): void {
    if (this.settled) return;
    const phase: Expired =
      this.abort === undefined ? 'timeout_connect' : this.status === 0 ? 'timeout_headers' : 'timeout_body';
    this.expiredAs = phase;
    if (this.abort === undefined) {
      // Not connected yet: undici has no abort handle before the socket is up, so drop the connection itself
      // (the lane gets a fresh client first, so the next request never lands on the dying one).
      this.lane.reset();
      this.onError(new DeadlineError(phase));
      this.lane.connectFailed(
        'timeout_connect',
        `timeout_connect: ${EXPIRED_WHAT.timeout_connect} within ${this.request.timeoutMs} ms`,
      );
    } else {
      this.abort(new DeadlineError(phase));
    }
  }

  /** Ends the request without undici (the transport closed, or it was never dispatched). */
  fail(errorClass: ErrorClass, message: string): void {
    if (this.settled) return;
    this.errorClass = errorClass;
    this.errorMessage = message;
    this.settle();
  }

  private settle(endedMs = performance.now()): void {
    if (this.settled) return;
    this.settled = true;
    this.endedMs = endedMs;
    this.chunks = undefined;
    this.lane.settled(this);
  }

  /** Hands the outcome to the engine; called once, outside undici's callbacks. */
  report(): void {
    this.onDone(this);
  }
}

/**
 * Schedules on V8's own microtask queue. Node's queueMicrotask wraps every callback in an AsyncResource (a bound
 * function and async-hooks bookkeeping per call), several times the cost of a promise reaction, once per
 * response; nothing here needs its async context. A throw still surfaces (as an unhandled rejection).
 */
const resolved = Promise.resolve();
const onMicrotask = (callback: () => void): void => {
  void resolved.then(callback);
};

/**
 * Settled exchanges waiting to be reported, drained on one microtask: outside undici's callbacks, as soon as the
 * current one returns, and without a closure allocated per request. One per transport.
 */
export class SettledQueue {
  private readonly queue: ExchangeHandler[] = [];
  private head = 0;
  private scheduled = false;

  add(handler: ExchangeHandler): void {
    this.queue.push(handler);
    if (!this.scheduled) {
      this.scheduled = true;
      onMicrotask(this.drain);
    }
  }

  private readonly drain = (): void => {
    try {
      // An onDone may settle more (a send that fails at once): they are reported in this same pass, in order.
      while (this.head < this.queue.length) this.queue[this.head++]!.report();
    } finally {
      if (this.head < this.queue.length) onMicrotask(this.drain);
      else {
        this.queue.length = 0;
        this.head = 0;
        this.scheduled = false;
      }
    }
  };
}
