import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
// The Client alone, not undici's index: the index loads fetch, WebSocket, caches and more (about 300 KB more in
// the worker bundle, and their load time on every cold start) that a probe never uses.
import Client from 'undici/lib/dispatcher/client.js';
import type { ErrorClass } from '../core/error-classes.ts';
import type { Exchange, Lane, PreparedRequest, Transport, TransportOptions } from '../core/transport.ts';
import { classifyError } from './undici-error-class.ts';

/** Deadline checks run this often at most; the precision of a whole-request timeout. */
const MAX_SWEEP_MS = 50;

const EXPIRED_WHAT = {
  timeout_connect: 'no connection',
  timeout_headers: 'no response headers',
  timeout_body: 'body not complete',
} as const;

class DeadlineError extends Error {
  constructor(readonly errorClass: keyof typeof EXPIRED_WHAT) {
    super(`request exceeded its timeout (${errorClass})`);
    this.name = 'DeadlineError';
  }
}

/** undici's legacy dispatch handler: the shape Client calls natively, so nothing wraps it per request. */
class ExchangeHandler implements Exchange {
  status = 0;
  errorClass: ErrorClass | undefined = undefined;
  errorMessage: string | undefined = undefined;
  headers: Record<string, string> | undefined = undefined;
  body: string | undefined = undefined;
  bodyTruncated = false;
  bytes = 0;
  abort: ((err: Error) => void) | undefined = undefined;
  settled = false;
  startedMs: number;
  /** Set when our deadline fired: undici may report the teardown first, under its own (wrong) class. */
  private expiredAs: keyof typeof EXPIRED_WHAT | undefined;
  private chunks: Buffer[] | undefined;
  private kept = 0;

  constructor(
    private readonly lane: UndiciLane,
    private readonly request: PreparedRequest,
    private readonly onDone: (exchange: Exchange) => void,
    private readonly sentMs: number,
    readonly deadline: number,
  ) {
    this.startedMs = sentMs;
    if (request.captureBody) this.chunks = [];
  }

  /** undici calls this as it writes the request to the socket. */
  onConnect(abort: (err: Error) => void): void {
    this.abort = abort;
    // On a connection that was already open, latency counts from this write: undici holds a reused socket
    // for one event-loop turn first (to see a close the server may have sent), which is the client's time,
    // not the target's. A request that waited for a new connection keeps its send time, connect included.
    if (this.lane.connectedAt < this.sentMs) this.startedMs = performance.now();
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    this.status = status;
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
    if (this.chunks !== undefined) this.body = Buffer.concat(this.chunks).toString('utf8');
    this.settle();
  }

  onError(err: Error): void {
    if (this.expiredAs !== undefined) {
      this.errorClass = this.expiredAs;
      this.errorMessage = `${this.expiredAs}: ${EXPIRED_WHAT[this.expiredAs]} within ${this.request.timeoutMs} ms`;
    } else {
      this.errorClass = classifyError(err);
      this.errorMessage =
        `${this.errorClass}: ${(err as { code?: string }).code ?? err.name} ${err.message}`.slice(0, 200);
    }
    this.settle();
  }

  onUpgrade(): void {
    this.onError(Object.assign(new Error('unexpected protocol upgrade'), { code: 'HPE_UPGRADE' }));
  }

  /** Called by the sweeper once the whole-request deadline has passed. */
  expire(): void {
    if (this.settled) return;
    const phase =
      this.abort === undefined ? 'timeout_connect' : this.status === 0 ? 'timeout_headers' : 'timeout_body';
    this.expiredAs = phase;
    if (this.abort === undefined) {
      // Not connected yet: undici has no abort handle before the socket is up, so drop the connection itself
      // (the lane gets a fresh client first, so the next request never lands on the dying one).
      this.lane.reset();
      this.onError(new DeadlineError(phase));
    } else {
      this.abort(new DeadlineError(phase));
    }
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = undefined;
    this.lane.current = undefined;
    this.onDone(this);
  }
}

class UndiciLane implements Lane {
  current: ExchangeHandler | undefined;
  /** When this lane's latest connection came up (monotonic ms); -1 before the first. */
  connectedAt = -1;
  private client: Client;
  private readonly dispatchOptions = new WeakMap<PreparedRequest, Dispatcher.DispatchOptions>();

  constructor(
    private readonly options: TransportOptions,
    private readonly closed: () => boolean,
  ) {
    this.client = this.createClient();
  }

  private createClient(): Client {
    const t = this.options.timeoutMs;
    const client = new Client(this.options.origin, {
      pipelining: 1,
      allowH2: false,
      connect: { timeout: t },
      headersTimeout: t,
      bodyTimeout: t,
      keepAliveTimeout: 10_000,
      // Sockets are reused across requests; a server that closes them just costs a reconnect.
      keepAliveTimeoutThreshold: 1_000,
    });
    client.on('connect', () => {
      this.connectedAt = performance.now();
    });
    return client;
  }

  send(request: PreparedRequest, onDone: (exchange: Exchange) => void): void {
    let opts = this.dispatchOptions.get(request);
    if (opts === undefined) {
      opts = {
        path: request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body === undefined ? null : Buffer.from(request.body),
      };
      this.dispatchOptions.set(request, opts);
    }
    const now = performance.now();
    const handler = new ExchangeHandler(this, request, onDone, now, now + request.timeoutMs);
    this.current = handler;
    if (this.closed()) {
      handler.onError(Object.assign(new Error('transport closed'), { code: 'UND_ERR_DESTROYED' }));
      return;
    }
    this.client.dispatch(opts, handler as unknown as Dispatcher.DispatchHandler);
  }

  reset(): void {
    const old = this.client;
    this.client = this.createClient();
    old.destroy().catch(() => {});
  }

  destroy(): Promise<void> {
    return this.client.destroy().catch(() => {});
  }
}

/**
 * undici at the dispatcher level: one Client per connection, HTTP/1.1 pinned, no stream objects per request,
 * every request bounded by its whole-request timeout.
 */
export function createUndiciTransport(options: TransportOptions): Transport {
  let closed = false;
  const lanes = Array.from({ length: options.connections }, () => new UndiciLane(options, () => closed));
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
    async close() {
      closed = true;
      clearInterval(sweeper);
      await Promise.all(lanes.map((lane) => lane.destroy()));
    },
  };
}
