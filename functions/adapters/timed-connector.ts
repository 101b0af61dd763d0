import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type buildConnectorType from 'undici/lib/core/connect.js';
import buildConnector from 'undici/lib/core/connect.js';
import { pollTime } from './poll-clock.ts';
import { ResponseHeadFilter } from './response-head-filter.ts';

type ConnectOptions = Parameters<ReturnType<typeof buildConnectorType>>[0];
type ConnectCallback = (err: Error | null, socket: Socket | null) => void;

/** How one connection came up, ms (-1 for a phase that did not happen, e.g. dns for an IP literal). */
export interface ConnectionTiming {
  readonly dnsMs: number;
  readonly connectMs: number;
  readonly tlsMs: number;
  /** Opened ahead of the load: its setup was not on any request's path, and it may have idled. */
  readonly preopened: boolean;
}

/** What the connector tells its lane. */
export interface ConnectionEvents {
  /** A connection attempt starts (counted: connection attempts are load on the target too). */
  onAttempt(): void;
  /** A connection is up and handed to undici; requests written on it are told about it. */
  onConnection(timing: ConnectionTiming, filter: ResponseHeadFilter): void;
  /** undici reads bytes from the lane's socket that became readable at `ms` (see pollTime), before parsing them. */
  onRead(ms: number): void;
}

/**
 * undici's own connector, timed: dns, tcp connect and tls from the socket's events, and the response heads of each
 * new socket filtered (see ResponseHeadFilter). It can also open a connection ahead of the load and hand it out on
 * undici's first request for one.
 */
export class TimedConnector {
  private readonly base: ReturnType<typeof buildConnectorType>;
  private spare: { socket: Socket; timing: ConnectionTiming } | undefined;

  /** @param lookup a shared resolver for the connections of a load; each connection resolves on its own without. */
  constructor(
    timeoutMs: number,
    private readonly events: ConnectionEvents,
    lookup?: typeof import('node:dns').lookup,
  ) {
    this.base = buildConnector({ timeout: timeoutMs, ...(lookup ? { lookup } : {}) });
  }

  /** The function undici's Client calls for a connection. */
  readonly connect = (options: ConnectOptions, callback: ConnectCallback): void => {
    const spare = this.spare;
    this.spare = undefined;
    if (spare !== undefined && !spare.socket.destroyed && spare.socket.readyState === 'open') {
      const filter = this.watch(spare.socket);
      // Never synchronously inside undici's own connect call.
      queueMicrotask(() => {
        this.events.onConnection(spare.timing, filter);
        callback(null, spare.socket);
      });
      return;
    }
    spare?.socket.destroy();
    this.open(options, (err, socket, timing) => {
      if (err || socket === null || timing === undefined) {
        callback(err ?? new Error('no socket'), null);
        return;
      }
      this.events.onConnection(timing, this.watch(socket));
      callback(null, socket);
    });
  };

  /** Opens one connection now, kept for undici's next request for one; resolves either way. */
  preopen(origin: URL): Promise<void> {
    return new Promise((resolve) => {
      // As undici's own connect does: an IPv6 literal's brackets belong to the URL, not to the address.
      const hostname = origin.hostname.startsWith('[') ? origin.hostname.slice(1, -1) : origin.hostname;
      const options = {
        protocol: origin.protocol,
        hostname,
        host: origin.host,
        port: origin.port,
        servername: undefined,
        localAddress: null,
      } as unknown as ConnectOptions;
      this.open(options, (err, socket, timing) => {
        if (!err && socket !== null && timing !== undefined) {
          this.spare = { socket, timing: { ...timing, preopened: true } };
        }
        resolve();
      });
    });
  }

  /** Filters the response heads of a socket handed to undici, and times each read before undici parses it. */
  private watch(socket: Socket): ResponseHeadFilter {
    return new ResponseHeadFilter(socket, () => this.events.onRead(pollTime()));
  }

  destroy(): void {
    this.spare?.socket.destroy();
    this.spare = undefined;
  }

  private open(
    options: ConnectOptions,
    done: (err: Error | null, socket: Socket | null, timing?: ConnectionTiming) => void,
  ): void {
    this.events.onAttempt();
    const start = performance.now();
    let lookedUp = -1;
    let connected = -1;
    const socket = this.base(options, (err, ready) => {
      if (err || ready === null) {
        done(err ?? new Error('no socket'), null);
        return;
      }
      const end = performance.now();
      const tcpEnd = connected >= 0 ? connected : end;
      const dnsEnd = lookedUp >= 0 ? lookedUp : start;
      done(null, ready as Socket, {
        dnsMs: lookedUp >= 0 ? lookedUp - start : -1,
        connectMs: tcpEnd - dnsEnd,
        tlsMs: options.protocol === 'https:' ? end - tcpEnd : -1,
        preopened: false,
      });
    }) as Socket;
    socket.once('lookup', () => {
      lookedUp = performance.now();
    });
    socket.once('connect', () => {
      connected = performance.now();
    });
  }
}
