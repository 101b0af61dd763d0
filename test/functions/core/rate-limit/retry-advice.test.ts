import { describe, expect, it } from 'vitest';
import { retryAdvice } from '../../../../functions/core/rate-limit/retry-advice.ts';

const NOW = Date.parse('2026-11-30T07:00:00Z');
const advice = (headers: Record<string, string> | undefined) => retryAdvice(headers, NOW, 60_000);

describe('retryAdvice', () => {
  it.each([
    [{ 'retry-after': '2' }, 2_000],
    [{ 'retry-after': ' 0 ' }, 0],
    [{ 'retry-after': 'Mon, 30 Nov 2026 07:00:05 GMT' }, 5_000],
    [{ 'retry-after': 'Mon, 30 Nov 2026 06:59:00 GMT' }, 0],
    [{ 'ratelimit-reset': '7' }, 7_000],
    [{ ratelimit: 'limit=20, remaining=0, reset=3' }, 3_000],
    [{ ratelimit: '"default";r=0;t=4' }, 4_000],
  ])('reads %j as a wait of %i ms', (headers, waitMs) => {
    expect(advice(headers)).toEqual({ waitMs });
  });

  it.each([
    [undefined, 'no Retry-After or RateLimit reset header'],
    [{}, 'no Retry-After or RateLimit reset header'],
    [{ 'retry-after': 'soon' }, 'Retry-After "soon" is neither seconds nor an HTTP date'],
    [{ 'retry-after': '-1' }, 'Retry-After "-1" is neither seconds nor an HTTP date'],
    [{ 'retry-after': '3600' }, 'Retry-After asks for 3600 s, more than 60 s'],
    [{ 'ratelimit-reset': '1.5' }, 'RateLimit-Reset "1.5" is not a number of seconds'],
  ])('refuses %j: %s', (headers, problem) => {
    expect(advice(headers)).toEqual({ problem });
  });
});

describe('retryAdvice at its boundaries', () => {
  it('accepts a wait of exactly the longest sane one, not a second more', () => {
    expect(advice({ 'retry-after': '60' })).toEqual({ waitMs: 60_000 });
    expect(advice({ 'retry-after': '61' })).toEqual({ problem: 'Retry-After asks for 61 s, more than 60 s' });
    expect(advice({ 'ratelimit-reset': '61' })).toEqual({
      problem: 'RateLimit reset asks for 61 s, more than 60 s',
    });
    expect(advice({ 'retry-after': 'Mon, 30 Nov 2026 07:01:01 GMT' })).toEqual({
      problem: 'Retry-After asks for 61 s, more than 60 s',
    });
  });

  it.each([
    [{ ratelimit: 'reset=5' }, 5_000],
    [{ ratelimit: 'limit=20,reset=12' }, 12_000],
    [{ ratelimit: 'limit=20; t=6' }, 6_000],
    [{ 'retry-after': '123456789' }, 123_456_789_000],
  ])('reads %j as a wait of %i ms (no bound)', (headers, waitMs) => {
    expect(retryAdvice(headers, NOW, Number.POSITIVE_INFINITY)).toEqual({ waitMs });
  });

  it.each([
    [{ ratelimit: 'limit=20, bt=4' }, 'no Retry-After or RateLimit reset header'],
    [{ 'retry-after': '2026-11-30' }, 'Retry-After "2026-11-30" is neither seconds nor an HTTP date'],
    [{ 'retry-after': '1234567890' }, 'Retry-After "1234567890" is neither seconds nor an HTTP date'],
    [
      { 'retry-after': 'x'.repeat(40) },
      `Retry-After "${'x'.repeat(40)}" is neither seconds nor an HTTP date`,
    ],
    [
      { 'retry-after': 'x'.repeat(41) },
      `Retry-After "${'x'.repeat(37)}..." is neither seconds nor an HTTP date`,
    ],
  ])('refuses %j: %s', (headers, problem) => {
    expect(retryAdvice(headers, NOW, Number.POSITIVE_INFINITY)).toEqual({ problem });
  });
});
