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
