import { describe, expect, it } from 'vitest';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { problemsOf, suiteWith } from './suite-fixtures.ts';

const probe = (slo: unknown) => ({ id: 'login', request: { url: '/login' }, slo });
const sloOf = (slo: unknown, extra: Record<string, unknown> = {}) =>
  validateSuite(suiteWith([probe(slo)], extra)).probes[0]?.slo;

const WINDOW_MESSAGE = (got: string) =>
  `probes[0].slo.window: expected a rolling window of whole days from 1d to 90d like "30d", got ${got}`;
const TARGET_MESSAGE = (path: string, got: string) =>
  `probes[0].slo.${path}: expected a target below 100 % and above 93.06 % like "99.9%" (100 % leaves no error budget; at or below 93.06 % no burn rate could ever page), got ${got}`;

describe('slo', () => {
  it('reads the window in days, the targets as fractions and the threshold in ms', () => {
    expect(
      sloOf({ window: '30d', availability: '99.9%', latency: { threshold: '300ms', target: '99%' } }),
    ).toEqual({ windowDays: 30, availability: 0.999, latency: { thresholdMs: 300, target: 0.99 } });
  });

  it('defaults the window to 30 days and takes one objective alone', () => {
    expect(sloOf({ availability: 0.995 })).toEqual({
      windowDays: 30,
      availability: 0.995,
      latency: undefined,
    });
  });

  it('accepts windows of 1 and 90 days, the bounds', () => {
    expect(sloOf({ window: '1d', availability: '99%' })?.windowDays).toBe(1);
    expect(sloOf({ window: '90d', availability: '99%' })?.windowDays).toBe(90);
  });

  it('refuses windows of half a day, 91 days and a year, with the path', () => {
    expect(problemsOf(suiteWith([probe({ window: '0.5d', availability: '99%' })]))).toEqual([
      WINDOW_MESSAGE('"0.5d"'),
    ]);
    expect(problemsOf(suiteWith([probe({ window: '91d', availability: '99%' })]))).toEqual([
      WINDOW_MESSAGE('"91d"'),
    ]);
    expect(problemsOf(suiteWith([probe({ window: '365d', availability: '99%' })]))).toEqual([
      WINDOW_MESSAGE('"365d"'),
    ]);
  });

  it('accepts 99.99 % and refuses 100 %, which leaves no budget', () => {
    expect(sloOf({ availability: '99.99%' })?.availability).toBeCloseTo(0.9999, 12);
    expect(problemsOf(suiteWith([probe({ availability: '100%' })]))).toEqual([
      TARGET_MESSAGE('availability', '"100%"'),
    ]);
  });

  it('accepts 93.06 % and refuses 93.05 %, where 14.4 × the budget passes 100 % and nothing could page', () => {
    expect(sloOf({ availability: '93.06%' })?.availability).toBeCloseTo(0.9306, 12);
    expect(problemsOf(suiteWith([probe({ latency: { threshold: '1s', target: '93.05%' } })]))).toEqual([
      TARGET_MESSAGE('latency.target', '"93.05%"'),
    ]);
  });

  it('refuses a threshold of 0ms and one finer than a microsecond; accepts 1µs (0.001ms) and 1h', () => {
    const message = (got: string) =>
      `probes[0].slo.latency.threshold: expected a latency like "300ms", from 1µs (the histogram's unit, in whole microseconds) to 1h (the slowest it tracks), got ${got}`;
    expect(problemsOf(suiteWith([probe({ latency: { threshold: '0ms', target: '99%' } })]))).toEqual([
      message('"0ms"'),
    ]);
    expect(problemsOf(suiteWith([probe({ latency: { threshold: 0.0005, target: '99%' } })]))).toEqual([
      message('0.0005'),
    ]);
    expect(problemsOf(suiteWith([probe({ latency: { threshold: '61m', target: '99%' } })]))).toEqual([
      message('"61m"'),
    ]);
    expect(sloOf({ latency: { threshold: 0.001, target: '99%' } })?.latency?.thresholdMs).toBe(0.001);
    expect(sloOf({ latency: { threshold: '1h', target: '99%' } })?.latency?.thresholdMs).toBe(3_600_000);
  });

  it('names unknown fields and a missing objective', () => {
    expect(
      problemsOf(suiteWith([probe({ window: '30d', uptime: '99%', latency: { limit: '1s' } })])),
    ).toEqual([
      'probes[0].slo.uptime: unknown field (expected window, availability, latency)',
      'probes[0].slo.latency.limit: unknown field (expected threshold, target)',
      'probes[0].slo.latency.threshold: expected a latency like "300ms", from 1µs (the histogram\'s unit, in whole microseconds) to 1h (the slowest it tracks), got nothing',
      TARGET_MESSAGE('latency.target', 'nothing'),
    ]);
    expect(problemsOf(suiteWith([probe({ window: '30d' })]))).toEqual([
      "probes[0].slo: expected at least one objective: availability: '99.9%' or latency: { threshold, target }",
    ]);
  });

  it('refuses a window longer than the runs are kept', () => {
    expect(sloOf({ window: '7d', availability: '99%' }, { retentionDays: 7 })?.windowDays).toBe(7);
    expect(
      problemsOf(suiteWith([probe({ window: '8d', availability: '99%' })], { retentionDays: 7 })),
    ).toEqual([
      'probes[0].slo.window: expected a window within retentionDays (7): runs older than that are deleted, got 8d',
    ]);
  });
});
