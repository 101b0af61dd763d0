import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
// The Client alone, not undici's index: the index loads fetch, WebSocket, caches and more (about 300 KB more in
// the worker bundle, and their load time on every cold start) that a probe never uses.
import Client from 'undici/lib/dispatcher/client.js';
import type { ErrorClass } from '../core/error-classes.ts';
import type {
  ConnectionFacts,
  Exchange,
  Lane,
  PreparedRequest,
  Transport,
  TransportOptions,
  Unreachable,
} from '../core/transport.ts';
import { ExchangeHandler, type HandlerLane, SettledQueue } from './exchange-handler.ts';
import type { ResponseHeadFilter } from './response-head-filter.ts';
import { createSharedLookup } from './shared-lookup.ts';
import { type ConnectionTiming, TimedConnector } from './timed-connector.ts';
import { newTraceparent } from './traceparent.ts';

/** Deadline checks run this often at most; the precision of a whole-request timeout. */
const MAX_SWEEP_MS = 50;
/**
 * A lane whose connection failed waits before its next attempt: 100 ms, doubling to 2 s, with jitter. Against a
 * dead target a burst of 50 connections then makes ~15 attempts a second in all, not tens of thousands.
 */
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 2_000;

interface Shared {
  /** One resolver for every lane of a load (undefined for fresh connections, which each resolve). */
  readonly lookup: ReturnType<typeof createSharedLookup> | undefined;
  readonly settled: SettledQueue;
  closed: boolean;
  connectAttempts: number;
  staleRetries: number;
  /** The newest connection's TLS facts and HTTP version. */
  facts: ConnectionFacts | undefined;
  /** The most streams one h2 connection carried (0: no h2 connection). */
  maxStreams: number;
}

class UndiciLane implements Lane, HandlerLane {
  current: ExchangeHandler | undefined;
  private client!: Client;
  private connector!: TimedConnector;
  private newConnection: ConnectionTiming | undefined;
  /** When the current socket's latest bytes became readable (see pollTime); -1 since the last request's write. */
  private readMs = -1;
  private filter: ResponseHeadFilter | undefined;
  private failures = 0;
  private retryAt = 0;
  private lastFailure: Unreachable | undefined;
  /** A TLS alert the current connection raised after its handshake (see ConnectionEvents.onTlsAlert). */
  private alert: Error | undefined;
  /**
   * The client is to be replaced before the next send (never inside undici's callbacks): the connection is h2
   * and requests here want a fresh one each (undici keeps an h2 session whatever the request's `reset` says), or
   * a TLS failure left the client unable to send (see connectFailed).
   */
  private spent = false;
  /** Requests sent on the current connection, when it is h2; -1 on HTTP/1.1. */
  private streams = -1;
  private hold: NodeJS.Timeout | undefined;
  private readonly dispatchOptions = new WeakMap<PreparedRequest, Dispatcher.DispatchOptions>();
  /** The request sent last and its options: the lookup per request is usually this one. */
  private lastRequest: PreparedRequest | undefined;
  private lastOptions: Dispatcher.DispatchOptions | undefined;

  constructor(
    private readonly options: TransportOptions,
    private readonly shared: Shared,
  ) {
    this.createClient();
  }

  private createClient(): void {
    const t = this.options.timeoutMs;
    this.connector = new TimedConnector(
      t,
      {
        onAttempt: () => {
          this.shared.connectAttempts++;
        },
        onConnection: (timing, filter) => {
          this.newConnection = timing;
          this.alert = undefined;
          this.spent = this.options.connection === 'fresh' && timing.httpVersion === '2';
          this.shared.facts = { tls: timing.tls ?? this.shared.facts?.tls, httpVersion: timing.httpVersion };
          this.streams = timing.httpVersion === '2' ? 0 : -1;
          this.filter = filter;
          this.failures = 0;
          this.lastFailure = undefined;
          this.retryAt = 0;
        },
        onRead: (ms) => {
          this.readMs = ms;
        },
        onTlsAlert: (error) => {
          this.alert = error;
        },
      },
      this.shared.lookup,
      this.options.settings,
    );
    this.client = new Client(this.options.origin, {
      pipelining: 1,
      allowH2: this.options.settings?.http2 === true,
      connect: this.connector.connect as unknown as Client.Options['connect'],
      headersTimeout: t,
      bodyTimeout: t,
      keepAliveTimeout: 10_000,
      // Sockets are reused across requests; a server that closes them just costs a reconnect.
      keepAliveTimeoutThreshold: 1_000,
    });
  }

  send(request: PreparedRequest, onDone: (exchange: Exchange) => void): void {
    if (this.spent) {
      this.spent = false;
      this.reset();
    }
    const handler = new ExchangeHandler(this, request, onDone);
    this.current = handler;
    if (this.shared.closed) {
      handler.fail('aborted', 'aborted: the run ended before this request was sent');
      return;
    }
    // No clock read on the hot path: retryAt is 0 unless the last connection attempt failed.
    const wait = this.retryAt > 0 ? this.retryAt - performance.now() : 0;
    if (wait > 0) {
      this.hold = setTimeout(() => {
        this.hold = undefined;
        this.dispatch(handler);
      }, wait);
      return;
    }
    this.dispatch(handler);
  }

  unreachable(): Unreachable | undefined {
    return this.lastFailure !== undefined && performance.now() < this.retryAt ? this.lastFailure : undefined;
  }

  private dispatch(handler: ExchangeHandler): void {
    if (this.shared.closed) {
      handler.fail('aborted', 'aborted: the run ended before this request was sent');
      return;
    }
    const request = handler.request;
    let opts = request === this.lastRequest ? this.lastOptions : this.dispatchOptions.get(request);
    if (opts === undefined) {
      // Flat [name, value, …]: undici walks an array as is, where an object costs it a key list per request.
      const headers = Object.entries(request.headers).flat();
      // Last, its value written per send below: undici copies the headers as it takes the request.
      if (request.traceparent === true) headers.push('traceparent', '');
      opts = {
        path: request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers,
        body: request.body === undefined ? null : Buffer.from(request.body),
        // `fresh`: `connection: close`, so every request opens its own connection.
        reset: this.options.connection === 'fresh',
        // Blocking only holds back pipelined requests until the headers come; a lane has one in flight at a
        // time, so it would only cost undici an extra resume pass per response.
        blocking: false,
      };
      this.dispatchOptions.set(request, opts);
    }
    this.lastRequest = request;
    this.lastOptions = opts;
    let traceparent: string | undefined;
    if (request.traceparent === true) {
      const headers = opts.headers as string[];
      traceparent = newTraceparent();
      headers[headers.length - 1] = traceparent;
    }
    handler.dispatched(performance.now(), traceparent);
    this.client.dispatch(opts, handler as unknown as Dispatcher.DispatchHandler);
  }

  takeNewConnection(): ConnectionTiming | undefined {
    const timing = this.newConnection;
    this.newConnection = undefined;
    return timing;
  }

  expectResponse(headRequest: boolean): void {
    this.readMs = -1;
    // Called as each request is written: on h2, one more stream on this connection.
    if (this.streams >= 0 && ++this.streams > this.shared.maxStreams) this.shared.maxStreams = this.streams;
    this.filter?.expectResponse(headRequest);
  }

  readAt(): number {
    return this.readMs;
  }

  tlsAlert(): Error | undefined {
    return this.alert;
  }

  resend(handler: ExchangeHandler): void {
    queueMicrotask(() => {
      this.shared.staleRetries++;
      this.dispatch(handler);
    });
  }

  connectFailed(errorClass: ErrorClass, message: string): void {
    // undici 7 fails a request whose certificate does not name the host (ERR_TLS_CERT_ALTNAME_INVALID) without
    // freeing its slot: with pipelining 1 that client never sends again, and the next request would wait out its
    // whole timeout as timeout_connect. A TLS failure leaves no connection worth keeping: a new client next send.
    if (errorClass === 'tls') this.spent = true;
    if (this.options.backoff === false) return;
    this.failures++;
    const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.failures - 1));
    this.retryAt = performance.now() + backoff * (0.5 + Math.random() / 2);
    this.lastFailure = {
      errorClass,
      errorMessage: `${message}; not attempted: this connection backs off after the failure`,
    };
  }

  reset(): void {
    const old = this.client;
    const oldConnector = this.connector;
    this.createClient();
    old.destroy().catch(() => {});
    oldConnector.destroy();
  }

  settled(handler: ExchangeHandler): void {
    if (this.current === handler) this.current = undefined;
    this.shared.settled.add(handler);
  }

  preconnect(): Promise<void> {
    return this.connector.preopen(new URL(this.options.origin));
  }

  async destroy(): Promise<void> {
    if (this.hold !== undefined) {
      clearTimeout(this.hold);
      this.hold = undefined;
      this.current?.fail('aborted', 'aborted: the run ended before this request was sent');
    }
    this.connector.destroy();
    await this.client.destroy().catch(() => {});
  }
}

/**
 * undici at the dispatcher level: one Client per connection, HTTP/1.1 pinned, no stream objects per request,
 * every request bounded by its whole-request timeout, connections timed phase by phase.
 */
export function createUndiciTransport(options: TransportOptions): Transport {
  const shared: Shared = {
    lookup: options.connection === 'reuse' ? createSharedLookup() : undefined,
    settled: new SettledQueue(),
    closed: false,
    connectAttempts: 0,
    staleRetries: 0,
    facts: undefined,
    maxStreams: 0,
  };
  const lanes = Array.from({ length: options.connections }, () => new UndiciLane(options, shared));
  const sweepMs = Math.max(1, Math.min(MAX_SWEEP_MS, Math.floor(options.timeoutMs / 20)));
  const sweeper = setInterval(() => {
    const now = performance.now();
    for (const lane of lanes) {
      const current = lane.current;
      if (current !== undefined && now >= current.deadline) current.expire();
    }
  }, sweepMs);
  sweeper.unref();
  return {
    lanes,
    async preconnect() {
      if (options.connection === 'fresh') return;
      await Promise.all(lanes.map((lane) => lane.preconnect()));
    },
    addLane() {
      // The sweeper walks `lanes`, so an added lane's requests are bounded by their timeout too.
      const lane = new UndiciLane(options, shared);
      lanes.push(lane);
      return lane;
    },
    counters: () => ({ connectAttempts: shared.connectAttempts, staleRetries: shared.staleRetries }),
    connectionFacts: () =>
      shared.maxStreams === 0
        ? shared.facts
        : { ...shared.facts, maxStreamsPerConnection: shared.maxStreams },
    async close() {
      shared.closed = true;
      clearInterval(sweeper);
      await Promise.all(lanes.map((lane) => lane.destroy()));
    },
  };
}
