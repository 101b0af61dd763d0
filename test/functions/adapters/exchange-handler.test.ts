import { describe, expect, it } from 'vitest';
import { ExchangeHandler, type HandlerLane } from '../../../functions/adapters/exchange-handler.ts';
import type { ConnectionTiming } from '../../../functions/adapters/timed-connector.ts';
import type { PreparedRequest } from '../../../functions/core/transport.ts';

const request: PreparedRequest = {
  origin: 'http://127.0.0.1:1',
  path: '/',
  method: 'GET',
  headers: {},
  body: undefined,
  timeoutMs: 1_000,
  bodyCap: 1_024,
  captureHeaders: false,
  captureBody: false,
};

/** A lane that hands the handler one new connection, with this timing, as undici writes the request. */
function laneWith(connection: ConnectionTiming | undefined): HandlerLane {
  let pending = connection;
  return {
    takeNewConnection: () => {
      const taken = pending;
      pending = undefined;
      return taken;
    },
    expectResponse: () => {},
    readAt: () => -1,
    tlsAlert: () => undefined,
    resend: () => {},
    connectFailed: () => {},
    reset: () => {},
    settled: () => {},
  };
}

const opened = (startedMs: number, preopened = false): ConnectionTiming => ({
  startedMs,
  dnsMs: -1,
  connectMs: 0.2,
  tlsMs: -1,
  preopened,
  httpVersion: '1.1',
});

describe('ExchangeHandler: where a request’s latency starts', () => {
  it('counts a connection opened for the request from its connect() call, not from undici’s set-up before it', () => {
    const handler = new ExchangeHandler(laneWith(opened(100.3)), request, () => {});

    handler.dispatched(100);
    handler.onConnect(() => {});

    expect(handler.startedMs).toBe(100.3);
    expect(handler.phases.connectMs).toBe(0.2);
  });

  it('never counts from before the send, should a connection started earlier be handed over', () => {
    const handler = new ExchangeHandler(laneWith(opened(99)), request, () => {});

    handler.dispatched(100);
    handler.onConnect(() => {});

    expect(handler.startedMs).toBe(100);
  });

  it('counts a request on an open or preopened connection from its write', () => {
    const handler = new ExchangeHandler(laneWith(opened(50, true)), request, () => {});

    handler.dispatched(100);
    handler.onConnect(() => {});

    expect(handler.startedMs).toBeGreaterThan(100);
    expect(handler.phases.connectMs).toBe(-1);
  });
});
