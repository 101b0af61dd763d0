import type { ErrorClass } from './error-classes.ts';

/** A request built once per probe run; sent many times. */
export interface PreparedRequest {
  /** "http://host:port" */
  readonly origin: string;
  /** Path with query, starting with "/". */
  readonly path: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /** Whole-request budget (connect + headers + body), ms. */
  readonly timeoutMs: number;
  /** Most body bytes kept when the body is captured; the rest is read, counted and dropped. */
  readonly bodyCap: number;
  readonly captureHeaders: boolean;
  readonly captureBody: boolean;
  /**
   * The transport adds a W3C `traceparent` with a new trace id to every send of this request (see
   * Exchange.traceparent). @default false
   */
  readonly traceparent?: boolean | undefined;
}

/**
 * Where one request's time went, ms; -1 for a phase that did not happen (no new connection: no dns, connect or
 * tls; no response: no ttfb or download). dns is -1 for an IP-literal host too.
 */
export interface Phases {
  dnsMs: number;
  connectMs: number;
  tlsMs: number;
  /** From the request's write to its response headers. */
  ttfbMs: number;
  /** From the response headers to the body's end. */
  downloadMs: number;
}

/** The outcome of one request, as the transport saw it. */
export interface Exchange {
  /** 0 when no final response headers arrived. */
  readonly status: number;
  /** Set when the transport failed (timeouts, resets, refused, protocol, aborted); HTTP statuses are not errors here. */
  readonly errorClass: ErrorClass | undefined;
  /** The error's class, code and phase in words; never a URL, host, port or request content. */
  readonly errorMessage: string | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly body: string | undefined;
  readonly bodyTruncated: boolean;
  /** Body bytes received, including the part beyond the cap. */
  readonly bytes: number;
  /**
   * Monotonic ms a closed-model latency counts from: when the request was written to an open connection, or
   * when the connection opened for it began (its DNS lookup or connect() call: DNS, connect and TLS included;
   * the client's set-up before that is not the target's time). When it failed before that, when it was sent.
   */
  readonly startedMs: number;
  /**
   * Monotonic ms the exchange ended: its response complete, or its failure. Latency counts to here, read once
   * where the transport saw it end, not later when the engine gets to it.
   */
  readonly endedMs: number;
  readonly phases: Readonly<Phases>;
  /**
   * True when the request first failed on a kept-alive connection the server had closed, before any response
   * byte, and was sent again on a fresh one (idempotent methods only): the client's problem, not the target's.
   */
  readonly staleRetried: boolean;
  /**
   * The W3C traceparent this request carried ("00-<trace id>-<span id>-01"), when the transport added one and
   * the request reached a connection; undefined otherwise (a request that never went out has no trace to find).
   */
  readonly traceparent?: string | undefined;
}

/** Why a lane is not trying its target right now (its connection failed; it waits before the next attempt). */
export interface Unreachable {
  readonly errorClass: ErrorClass;
  readonly errorMessage: string;
}

/** One connection: at most one request in flight. */
export interface Lane {
  /**
   * Sends the request; `onDone` is always called later, never from inside this call nor from inside the HTTP
   * client's own callbacks, so it may send the next request at once. A lane whose last connection attempt
   * failed holds the request until its backoff ends (the request's clock starts when it really goes out).
   */
  send(request: PreparedRequest, onDone: (exchange: Exchange) => void): void;
  /**
   * The last connection failure while this lane backs off before its next attempt; undefined when it may
   * connect now. An open-model engine fails arrivals fast on such a lane instead of queueing them behind it.
   */
  unreachable(): Unreachable | undefined;
}

export interface TransportCounters {
  /** TCP connections the transport started (successful or not): visible load on the target too. */
  readonly connectAttempts: number;
  /** Requests sent again after a kept-alive connection turned out closed (see Exchange.staleRetried). */
  readonly staleRetries: number;
}

/** TLS as the last fresh connection saw it: what `result.tls` reports. */
export interface TlsFacts {
  /** "TLSv1.3" */
  readonly protocol: string;
  /** OpenSSL's name: "TLS_AES_256_GCM_SHA384". */
  readonly cipher: string;
  /** The protocol the server chose by ALPN ("h2", "http/1.1"), or null when it chose none. */
  readonly alpn: string | null;
  /** The target's leaf certificate. */
  readonly certificate: {
    readonly subject: string;
    readonly issuer: string;
    /** ISO 8601. */
    readonly validTo: string;
    /** Whole days from the connection to validTo (negative once expired). */
    readonly daysLeft: number;
  };
}

/** What the connections looked like (the last new one). */
export interface ConnectionFacts {
  readonly tls?: TlsFacts | undefined;
  readonly httpVersion?: '1.1' | '2' | undefined;
  /**
   * HTTP/2 only: the most requests (streams) one connection carried. A lane keeps one request in flight, so its
   * connection never multiplexes: this says how long connections lived (a GOAWAY after N streams shows as N).
   */
  readonly maxStreamsPerConnection?: number | undefined;
}

export interface Transport {
  /** Every lane opened so far: the first `connections`, then those added (see addLane). */
  readonly lanes: readonly Lane[];
  /** What the newest connection negotiated; undefined when none opened (or the transport does not say). */
  connectionFacts?(): ConnectionFacts | undefined;
  /**
   * One more lane, appended to `lanes`; its connection opens with its first request (an open-model pool grows
   * this way when every connection is busy; the caller enforces the cap).
   */
  addLane(): Lane;
  /** Opens every lane's connection ahead of the load (bounded by the request timeout); failures are left to the load. */
  preconnect(): Promise<void>;
  counters(): TransportCounters;
  /** Aborts whatever is in flight (reported as `aborted`) and closes every connection. */
  close(): Promise<void>;
}

export interface TransportOptions {
  readonly origin: string;
  readonly connections: number;
  readonly timeoutMs: number;
  /** `fresh`: a new connection for every request (a first visit: dns, connect and tls each time). */
  readonly connection: 'fresh' | 'reuse';
  /**
   * Whether a lane waits after a failed connection before its next attempt. Loads need it (a closed model
   * would otherwise spin against a dead target); a latency check is paced by its own interval. @default true
   */
  readonly backoff?: boolean;
  readonly settings?: ConnectionSettings | undefined;
}

/** TLS material, resolved from its references (see ResolvedProbe.transport); never logged or reported. */
export interface TlsMaterial {
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly passphrase?: string | undefined;
  readonly serverName?: string | undefined;
}

/** How connections are made, beyond the target's URL: TLS material, a forward proxy, HTTP/2 by ALPN. */
export interface ConnectionSettings {
  readonly tls?: TlsMaterial | undefined;
  /** A forward proxy's URL ("http://proxy:3128"): every connection is a CONNECT tunnel through it. */
  readonly proxy?: string | undefined;
  /** Offer h2 by ALPN (TLS only); HTTP/1.1 when the server does not choose it. */
  readonly http2?: boolean | undefined;
}

export type TransportFactory = (options: TransportOptions) => Transport;
