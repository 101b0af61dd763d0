import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import type buildConnectorType from 'undici/lib/core/connect.js';
import buildConnector from 'undici/lib/core/connect.js';
import undiciUtil from 'undici/lib/core/util.js';
import type { ConnectionSettings, TlsFacts } from '../core/transport.ts';
import { pollTime } from './poll-clock.ts';
import { openTunnel } from './proxy-tunnel.ts';
import { ResponseHeadFilter } from './response-head-filter.ts';
import { tlsFacts } from './tls-facts.ts';
import { isTlsAlert } from './undici-error-class.ts';

type ConnectOptions = Parameters<ReturnType<typeof buildConnectorType>>[0];
type ConnectCallback = (err: Error | null, socket: Socket | null) => void;
type OpenCallback = (err: Error | null, socket: Socket | null, timing?: ConnectionTiming) => void;

/** What undici's connector sets on a plain socket, kept by openPlain: its buffer size and keep-alive probe delay. */
const PLAIN_HIGH_WATER_MARK = 64 * 1024;
const KEEP_ALIVE_INITIAL_DELAY_MS = 60_000;

/** How one connection came up, ms (-1 for a phase that did not happen, e.g. dns for an IP literal). */
export interface ConnectionTiming {
  /** When its setup began (monotonic ms): the DNS lookup, else the connect; through a proxy, the tunnel's. */
  readonly startedMs: number;
  readonly dnsMs: number;
  readonly connectMs: number;
  readonly tlsMs: number;
  /** Opened ahead of the load: its setup was not on any request's path, and it may have idled. */
  readonly preopened: boolean;
  /** What TLS negotiated (https only). */
  readonly tls?: TlsFacts | undefined;
  /** The HTTP version the connection speaks: '2' when the server chose h2 by ALPN. */
  readonly httpVersion: '1.1' | '2';
}

/** What the connector tells its lane. */
export interface ConnectionEvents {
  /** A connection attempt starts (counted: connection attempts are load on the target too). */
  onAttempt(): void;
  /** A connection is up and handed to undici; requests written on it are told about it. */
  onConnection(timing: ConnectionTiming, filter: ResponseHeadFilter): void;
  /** undici reads bytes from the lane's socket that became readable at `ms` (see pollTime), before parsing them. */
  onRead(ms: number): void;
  /**
   * The connection raised a TLS alert after its handshake (TLS 1.3 servers reject a client certificate then).
   * undici reports the close that follows as "other side closed" and drops the alert: the lane keeps it.
   */
  onTlsAlert(error: Error): void;
}

/**
 * undici's own connector (TLS; plain HTTP opens as it would, see openPlain), timed: dns, tcp connect and tls from
 * the socket's events, and the response heads of each new socket filtered (see ResponseHeadFilter). It can also
 * open a connection ahead of the load and hand it out on undici's first request for one.
 */
export class TimedConnector {
  private readonly base: ReturnType<typeof buildConnectorType>;
  private spare: { socket: Socket; timing: ConnectionTiming } | undefined;
  private readonly proxy: URL | undefined;
  /** The certificate of the last full handshake: a resumed session's connection has none of its own. */
  private certificate: TlsFacts['certificate'] | undefined;

  /**
   * @param lookup a shared resolver for the connections of a load; each connection resolves on its own without.
   * @param settings TLS material (undici's connect options, passed on to tls.connect), proxy and h2 by ALPN.
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly events: ConnectionEvents,
    private readonly lookup?: typeof import('node:dns').lookup,
    settings: ConnectionSettings = {},
  ) {
    const tls = settings.tls ?? {};
    this.base = buildConnector({
      timeout: timeoutMs,
      ...(lookup ? { lookup } : {}),
      ...(tls.ca === undefined ? {} : { ca: tls.ca }),
      ...(tls.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls.key === undefined ? {} : { key: tls.key }),
      ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
      ...(tls.serverName === undefined ? {} : { servername: tls.serverName }),
      allowH2: settings.http2 === true,
    } as Parameters<typeof buildConnectorType>[0]);
    this.proxy = settings.proxy === undefined ? undefined : new URL(settings.proxy);
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
    socket.on('error', (error) => {
      if (isTlsAlert(error)) this.events.onTlsAlert(error);
    });
    return new ResponseHeadFilter(socket, () => this.events.onRead(pollTime()));
  }

  /**
   * A CONNECT tunnel to the target through the proxy, then TLS to the target inside it (undici's connector
   * with `httpSocket`, as its ProxyAgent does). dns and connect are the proxy's; tls is the target's handshake.
   */
  private openThroughProxy(
    proxy: URL,
    options: ConnectOptions,
    done: (err: Error | null, socket: Socket | null, timing?: ConnectionTiming) => void,
  ): void {
    const secure = options.protocol === 'https:';
    const port = Number(options.port) || (secure ? 443 : 80);
    const startedMs = performance.now();
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      tunnel.destroy();
      done(
        Object.assign(new Error('the proxy tunnel did not open in time'), {
          code: 'UND_ERR_CONNECT_TIMEOUT',
        }),
        null,
      );
    }, this.timeoutMs);
    const tunnel = openTunnel(
      proxy,
      options.hostname,
      port,
      (err, socket, tunnelTiming) => {
        if (settled) {
          socket?.destroy();
          return;
        }
        if (err || socket === null || tunnelTiming === undefined) {
          settled = true;
          clearTimeout(timer);
          done(err ?? new Error('no socket'), null);
          return;
        }
        const dnsMs = tunnelTiming.lookedUpMs;
        const connectMs = tunnelTiming.openMs - Math.max(0, dnsMs);
        if (!secure) {
          settled = true;
          clearTimeout(timer);
          done(null, socket, {
            startedMs,
            dnsMs,
            connectMs,
            tlsMs: -1,
            preopened: false,
            httpVersion: '1.1',
          });
          return;
        }
        const tunnelled = performance.now();
        this.base({ ...options, httpSocket: socket } as ConnectOptions, (tlsErr, ready) => {
          settled = true;
          clearTimeout(timer);
          if (tlsErr || ready === null) {
            socket.destroy();
            done(tlsErr ?? new Error('no socket'), null);
            return;
          }
          done(null, ready as Socket, {
            startedMs,
            dnsMs,
            connectMs,
            tlsMs: performance.now() - tunnelled,
            preopened: false,
            ...this.negotiated(ready as TLSSocket),
          });
        });
      },
      this.lookup,
    );
  }

  /** What a new TLS connection negotiated: its TLS facts and the HTTP version ALPN chose. */
  private negotiated(socket: TLSSocket): Pick<ConnectionTiming, 'tls' | 'httpVersion'> {
    const tls = tlsFacts(socket, this.certificate);
    if (tls !== undefined) this.certificate = tls.certificate;
    return { tls, httpVersion: socket.alpnProtocol === 'h2' ? '2' : '1.1' };
  }

  destroy(): void {
    this.spare?.socket.destroy();
    this.spare = undefined;
  }

  /**
   * Plain HTTP as undici's connector opens it (its buffer size, keep-alive probes, no delay, its connect timeout and
   * error), but with the socket made before the clock starts: making it is the client's own set-up, about 0.1 ms on
   * a fresh connection's cold path (bench: fresh), and no part of the connect, which starts at the connect() call.
   */
  private openPlain(options: ConnectOptions, done: OpenCallback): void {
    const port = Number(options.port) || 80;
    // net.connect hands its options to the Socket, as undici's connector does its highWaterMark.
    const socket = new Socket({ highWaterMark: PLAIN_HIGH_WATER_MARK } as ConstructorParameters<
      typeof Socket
    >[0]);
    // Held by the socket until it has a handle, then set as it connects: no system call before the clock.
    socket.setKeepAlive(true, KEEP_ALIVE_INITIAL_DELAY_MS).setNoDelay(true);
    const clearConnectTimeout = undiciUtil.setupConnectTimeout(new WeakRef(socket), {
      timeout: this.timeoutMs,
      hostname: options.hostname,
      port,
    });
    let start = -1;
    let lookedUp = -1;
    let settled = false;
    socket
      .once('lookup', () => {
        lookedUp = performance.now();
      })
      .once('connect', () => {
        const end = performance.now();
        clearConnectTimeout();
        if (settled) return;
        settled = true;
        done(null, socket, {
          startedMs: start,
          dnsMs: lookedUp >= 0 ? lookedUp - start : -1,
          connectMs: end - (lookedUp >= 0 ? lookedUp : start),
          tlsMs: -1,
          preopened: false,
          httpVersion: '1.1',
        });
      })
      // Kept after the connect, as undici's own: an error between the connect and undici's listeners is handled.
      .on('error', (err) => {
        clearConnectTimeout();
        if (settled) return;
        settled = true;
        done(err, null);
      });
    start = performance.now();
    try {
      socket.connect({
        port,
        host: options.hostname,
        ...(this.lookup ? { lookup: this.lookup } : {}),
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      });
    } catch (error) {
      // Thrown to undici, as net.connect's own throw is (a bad port): no timer left to fire a second outcome.
      settled = true;
      clearConnectTimeout();
      throw error;
    }
  }

  private open(options: ConnectOptions, done: OpenCallback): void {
    this.events.onAttempt();
    if (this.proxy !== undefined) {
      this.openThroughProxy(this.proxy, options, done);
      return;
    }
    if (options.protocol !== 'https:') {
      this.openPlain(options, done);
      return;
    }
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
        startedMs: start,
        dnsMs: lookedUp >= 0 ? lookedUp - start : -1,
        connectMs: tcpEnd - dnsEnd,
        tlsMs: end - tcpEnd,
        preopened: false,
        ...this.negotiated(ready as TLSSocket),
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
