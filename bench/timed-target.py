"""A target with known service times, for the precision bench: python3 timed-target.py '<json plan>'; prints the port.

Plans: {"fixedMs": 20} answers every request after 20 ms; {"cycle": [[120, 10], [66, 20], ...]} repeats counts of
delays (ms) in order. GET /__stats returns the service times measured since the last call (arrival to the response
handed to the kernel, nearest-rank p50/p90/p99/max, ms) and starts over. Each response carries x-served: its
arrival and end on CLOCK_MONOTONIC in ms (process.hrtime's clock), for bench/p99-breakdown.ts.

Why Python and not Node: this process has no JIT compiler or GC helper threads, and its own pauses are what any
truth misses before it stamps an arrival. Against a fixed 20 ms, wrk's p99 was 0.3-0.5 ms above this server's,
against 0.6-3.8 ms above test/helpers/timed-server.mjs's (bench rounds, 10 connections).
"""
import asyncio
import gc
import json
import math
import signal
import socket
import sys
import time

plan = json.loads(sys.argv[1] if len(sys.argv) > 1 else '{}')
cycle = [ms for count, ms in plan.get('cycle', []) for _ in range(count)]
served = 0
actual = []


def now_ms():
    return time.clock_gettime(time.CLOCK_MONOTONIC) * 1000


def delay_ms():
    if 'fixedMs' in plan:
        return plan['fixedMs']
    if cycle:
        return cycle[served % len(cycle)]
    return 0


def stats():
    global actual
    s = sorted(actual)
    actual = []
    n = len(s)

    def at(p):
        return s[max(0, math.ceil(p / 100 * n) - 1)] if n else 0

    return {'count': n, 'p50': at(50), 'p90': at(90), 'p99': at(99), 'max': s[-1] if n else 0}


class Connection(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b''
        transport.get_extra_info('socket').setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data):
        global served
        arrived = now_ms()
        self.buffer += data
        while True:
            end = self.buffer.find(b'\r\n\r\n')
            if end < 0:
                return
            head = self.buffer[:end]
            self.buffer = self.buffer[end + 4:]
            if head.startswith(b'GET /__stats'):
                body = json.dumps(stats()).encode()
                self.transport.write(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s' % (len(body), body))
                continue
            delay = delay_ms()
            served += 1
            # loop.time() is time.monotonic(): CLOCK_MONOTONIC, in seconds.
            loop.call_at((arrived + delay) / 1000, self.respond, arrived)

    def respond(self, arrived):
        if self.transport.is_closing():
            return
        ended = now_ms()
        self.transport.write(
            b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nx-served: %.3f,%.3f\r\n\r\nok' % (arrived, ended)
        )
        actual.append(now_ms() - arrived)


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
# Start-up objects never need collecting: keep them out of the cycle collector's passes.
gc.freeze()


async def main():
    server = await loop.create_server(Connection, '127.0.0.1', 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.close()


loop.run_until_complete(main())
