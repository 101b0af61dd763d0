import { Server, Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { warmUpGenerator } from '../../../functions/adapters/warm-up.ts';
import { runProbeLocally } from '../../../functions/local/run-probe.ts';
import { probeFor } from '../../helpers/probes.ts';
import { httpServer } from '../../helpers/servers.ts';

describe('warmUpGenerator', () => {
  it('warms at the concurrency asked (at most 8 connections), once per process and concurrency', async () => {
    // A listen that fails (no loopback in some sandbox) leaves the generator cold, and the next run tries again.
    const listen = Server.prototype.listen;
    Server.prototype.listen = function (this: Server) {
      process.nextTick(() =>
        this.emit('error', Object.assign(new Error('listen EACCES'), { code: 'EACCES' })),
      );
      return this;
    } as typeof listen;
    try {
      expect(await warmUpGenerator(1)).toBe(0);
    } finally {
      Server.prototype.listen = listen;
    }
    // The counts are caps: a busy machine stops a warm-up at its time bound (500 ms). The connections it opens
    // (each socket's connect) show the concurrency, whatever the machine's speed.
    const connects = vi.spyOn(Socket.prototype, 'connect');
    try {
      expect(await warmUpGenerator(1)).toBe(3);
      expect(connects.mock.calls.length).toBe(1);
      expect(await warmUpGenerator(1)).toBe(0);
      connects.mockClear();
      const four = await warmUpGenerator(4);
      expect(four).toBeGreaterThan(0);
      expect(four).toBeLessThanOrEqual(100);
      expect(connects.mock.calls.length).toBe(4);
      connects.mockClear();
      const fifty = await warmUpGenerator(50);
      expect(fifty).toBeGreaterThan(0);
      expect(fifty).toBeLessThanOrEqual(200);
      expect(connects.mock.calls.length).toBe(8);
      expect(await warmUpGenerator(8)).toBe(0);
    } finally {
      connects.mockRestore();
    }
  });

  it('warms a run on fresh connections with fresh connections, once per process', async () => {
    const connects = vi.spyOn(Socket.prototype, 'connect');
    try {
      const done = await warmUpGenerator(1, 'fresh');

      // A kept-alive warm-up would make one connection for all its requests.
      expect(done).toBeGreaterThan(1);
      expect(connects.mock.calls.length).toBeGreaterThanOrEqual(done);
      expect(await warmUpGenerator(1, 'fresh')).toBe(0);
    } finally {
      connects.mockRestore();
    }
  });

  it('sends nothing to the target: a burst of 40 requests arrives as 40', async () => {
    let arrived = 0;
    const server = await httpServer((_, res) => {
      arrived++;
      res.end('ok');
    });
    try {
      const result = await runProbeLocally(
        probeFor(server.url, { load: { kind: 'burst', connections: 16, requests: 40 } }),
      );
      expect(result.requests.total).toBe(40);
      expect(arrived).toBe(40);
    } finally {
      await server.close();
    }
  });
});
