import { describe, expect, it } from 'vitest';
import {
  mergeTraces,
  type RequestTraces,
  TRACES_KEPT,
  TraceSample,
  traceIdOf,
} from '../../../functions/core/request-traces.ts';
import { describeTraces } from '../../../functions/core/trace-text.ts';

/** A traceparent whose trace id is `n` in hex, padded: ids that say which request they were. */
const header = (n: number) => `00-${n.toString(16).padStart(32, '0')}-00f067aa0ba902b7-01`;
const id = (n: number) => n.toString(16).padStart(32, '0');

describe('a shard’s trace sample', () => {
  it('reads the trace id out of a traceparent', () => {
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  it('keeps the 5 slowest successful requests, slowest first, whatever order they came in', () => {
    const sample = new TraceSample();
    const ms = [12, 3, 50, 7, 49, 1, 51, 8, 2, 30];
    ms.forEach((m, i) => {
      sample.slow(header(i), m);
    });

    expect(sample.toResult()?.slowest).toEqual([
      { traceId: id(6), ms: 51 },
      { traceId: id(2), ms: 50 },
      { traceId: id(4), ms: 49 },
      { traceId: id(9), ms: 30 },
      { traceId: id(0), ms: 12 },
    ]);
  });

  it('keeps a sixth request only when it is slower than the fastest kept one (a tie keeps the first)', () => {
    const sample = new TraceSample();
    for (let i = 0; i < TRACES_KEPT; i++) sample.slow(header(i), 10 + i);
    sample.slow(header(100), 10);
    expect(sample.toResult()?.slowest.map((t) => t.traceId)).not.toContain(id(100));

    sample.slow(header(101), 10.01);
    const kept = sample.toResult()?.slowest.map((t) => t.traceId);
    expect(kept).toContain(id(101));
    expect(kept).not.toContain(id(0));
    expect(kept).toHaveLength(TRACES_KEPT);
  });

  it('keeps fewer than 5 when fewer came, with the flow step that sent each, ms to 0.01', () => {
    const sample = new TraceSample();
    sample.slow(header(1), 2.3456, 'login');
    sample.slow(header(2), 9.999, 'settled');

    expect(sample.toResult()).toEqual({
      slowest: [
        { traceId: id(2), ms: 10, step: 'settled' },
        { traceId: id(1), ms: 2.35, step: 'login' },
      ],
      failed: [],
    });
  });

  it('keeps the first 5 failures, then one of each new class in place of the newest repeated one', () => {
    const sample = new TraceSample();
    for (let i = 0; i < 6; i++) sample.failed(header(i), 'timeout_headers');
    sample.failed(header(10), 'http_5xx', 'create');
    sample.failed(header(11), 'http_5xx');
    sample.failed(header(12), 'connection_reset');

    expect(sample.toResult()?.failed).toEqual([
      { traceId: id(0), errorClass: 'timeout_headers' },
      { traceId: id(1), errorClass: 'timeout_headers' },
      { traceId: id(2), errorClass: 'timeout_headers' },
      { traceId: id(12), errorClass: 'connection_reset' },
      { traceId: id(10), errorClass: 'http_5xx', step: 'create' },
    ]);
  });

  it('keeps its 5 failures as they are once each is of a class of its own', () => {
    const sample = new TraceSample();
    const classes = ['dns', 'tls', 'http_4xx', 'http_5xx', 'timeout_body'] as const;
    classes.forEach((cls, i) => {
      sample.failed(header(i), cls);
    });
    sample.failed(header(9), 'connection_refused');

    expect(sample.toResult()?.failed.map((f) => f.errorClass)).toEqual(classes);
  });

  it('has nothing to report when no request carried a traceparent', () => {
    expect(new TraceSample().toResult()).toBeUndefined();
  });
});

describe('a run’s traces, merged from its shards', () => {
  const shard = (
    slow: [number, number][],
    failed: [number, RequestTraces['failed'][number]['errorClass']][],
  ) => ({
    traces: {
      slowest: slow.map(([n, ms]) => ({ traceId: id(n), ms })),
      failed: failed.map(([n, errorClass]) => ({ traceId: id(n), errorClass })),
    },
  });

  it('are the 5 slowest over all shards, and failures of every class seen before repeats', () => {
    const merged = mergeTraces([
      shard(
        [
          [1, 90],
          [2, 40],
          [3, 30],
          [4, 20],
          [5, 10],
        ],
        [
          [20, 'http_5xx'],
          [21, 'http_5xx'],
          [22, 'http_5xx'],
          [23, 'http_5xx'],
          [24, 'http_5xx'],
        ],
      ),
      shard(
        [
          [6, 80],
          [7, 35],
          [8, 5],
        ],
        [[30, 'timeout_headers']],
      ),
      {},
    ]);

    expect(merged?.slowest).toEqual([
      { traceId: id(1), ms: 90 },
      { traceId: id(6), ms: 80 },
      { traceId: id(2), ms: 40 },
      { traceId: id(7), ms: 35 },
      { traceId: id(3), ms: 30 },
    ]);
    expect(merged?.failed.map((f) => f.traceId)).toEqual([id(20), id(21), id(22), id(23), id(30)]);
  });

  it('are absent when no shard kept any', () => {
    expect(mergeTraces([{}, { traces: undefined }])).toBeUndefined();
  });

  it('stay about 1 KB in a stored run at their largest (5 + 5, the longest step names)', () => {
    const step = `s${'x'.repeat(62)}`;
    const sample = new TraceSample();
    for (let i = 0; i < 50; i++) sample.slow(header(i), 123_456.789 + i, step);
    for (let i = 0; i < 50; i++)
      sample.failed(header(100 + i), i % 2 ? 'timeout_headers' : 'connection_reset', step);

    const traces = sample.toResult();

    expect(traces?.slowest).toHaveLength(5);
    expect(traces?.failed).toHaveLength(5);
    expect(Buffer.byteLength(JSON.stringify(traces))).toBeLessThan(1_600);
  });
});

describe('trace ids in words', () => {
  it('lists the slowest whole ids with grouped ms and steps, then the failed ones with their class', () => {
    expect(
      describeTraces({
        slowest: [
          { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', ms: 2310.4, step: 'login' },
          { traceId: id(2), ms: 84.25 },
          { traceId: id(3), ms: 3.071 },
        ],
        failed: [{ traceId: id(4), errorClass: 'timeout_headers', step: 'create' }],
      }),
    ).toBe(
      `slowest: 4bf92f3577b34da6a3ce929d0e0e4736 (2,310 ms, step login), ${id(2)} (84.3 ms), ${id(3)} (3.07 ms); failed: ${id(4)} (timeout_headers, step create)`,
    );
  });

  it('says nothing without traces, and only the part there is', () => {
    expect(describeTraces(undefined)).toBeUndefined();
    expect(describeTraces({ slowest: [], failed: [] })).toBeUndefined();
    expect(describeTraces({ slowest: [], failed: [{ traceId: id(1), errorClass: 'dns' }] })).toBe(
      `failed: ${id(1)} (dns)`,
    );
  });
});
