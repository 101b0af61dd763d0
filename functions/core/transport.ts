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
}

/** The outcome of one request, as the transport saw it. */
export interface Exchange {
  /** 0 when no response headers arrived. */
  readonly status: number;
  /** Set when the transport failed (timeouts, resets, refused, protocol, aborted); HTTP statuses are not errors here. */
  readonly errorClass: ErrorClass | undefined;
  readonly errorMessage: string | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly body: string | undefined;
  readonly bodyTruncated: boolean;
  /** Body bytes received, including the part beyond the cap. */
  readonly bytes: number;
  /**
   * Monotonic ms a closed-model latency counts from: when the request was written to an open connection, or
   * when it was sent if a connection had to be opened for it first (connect time included).
   */
  readonly startedMs: number;
}

/** One connection: at most one request in flight. */
export interface Lane {
  send(request: PreparedRequest, onDone: (exchange: Exchange) => void): void;
}

export interface Transport {
  readonly lanes: readonly Lane[];
  /** Aborts whatever is in flight (reported as `aborted`) and closes every connection. */
  close(): Promise<void>;
}

export interface TransportOptions {
  readonly origin: string;
  readonly connections: number;
  readonly timeoutMs: number;
}

export type TransportFactory = (options: TransportOptions) => Transport;
