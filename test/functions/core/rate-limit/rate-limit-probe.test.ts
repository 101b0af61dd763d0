import { afterEach, describe, expect, it } from 'vitest';
import { formatRun, formatSuiteTable } from '../../../../functions/local/report.ts';
import { runProbeLocally } from '../../../../functions/local/run-probe.ts';
import { createStyle } from '../../../../functions/local/style.ts';
import { type LimiterFault, limiterApi } from '../../../helpers/limiter-api.ts';
import { probeFor } from '../../../helpers/probes.ts';
import type { Running } from '../../../helpers/servers.ts';

let target: Running | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

/** 150 % of a 20/s limit for 2 s: 60 requests, about a third above the limit; or another load and limit. */
async function probeLimiter(
  fault: LimiterFault,
  load: unknown = { kind: 'rate', rate: 30, duration: '2s' },
  limit = 20,
) {
  target = await limiterApi(limit, 1_000, fault);
  return runProbeLocally(
    probeFor(target.url, { request: { url: '/limited' }, rateLimit: { limit, window: '1s' }, load }),
  );
}

describe('a rate-limit probe at 150 % of a 20/s limit', () => {
  it('passes against a correct limiter: 429s expected, not failures, and a request after Retry-After succeeds', async () => {
    const result = await probeLimiter('none');

    const verdict = result.rateLimit!;
    expect(verdict.reasons).toEqual([]);
    expect(verdict).toMatchObject({ limit: 20, withinLimit429s: 0, retryAfterValid: true, passed: true });
    expect(verdict.observed429Share).toBeGreaterThan(0.15);
    expect(verdict.expected429Share).toBeGreaterThan(0.15);
    expect(verdict.recoveredAfterMs).toBeGreaterThan(0);
    expect(result.statusCodes['429']).toBeGreaterThan(0);
    expect(result.errors).toEqual({});
    expect(result.sla.checks.find((c) => c.name === 'rateLimit')).toMatchObject({
      passed: true,
      severity: 'critical',
    });
    // Every check passes; the verdict also needs a valid run, which a host busy with other tests may deny.
    expect(result.sla.checks.filter((c) => !c.passed)).toEqual([]);
    expect(result.sla.passed).toBe(result.validity.valid);
    const text = formatRun(result, createStyle({ isTTY: false }));
    expect(text).toMatch(
      /rate limit 20 per 1000 ms: 429s \d+\.\d% \(expected \d+\.\d%\), admitted \d+ \(an exact limiter: \d+\), within-limit 429s 0, Retry-After valid, recovered after [\d,]+ ms/,
    );
    expect(text).toMatch(/rateLimit \(critical\) +compliant +compliant +pass/);
  });

  it('fails against a limiter that answers 503 instead of 429', async () => {
    const result = await probeLimiter('503-instead-of-429');

    expect(result.rateLimit?.passed).toBe(false);
    expect(result.rateLimit?.reasons.join('\n')).toMatch(/\d+ 5xx responses/);
    // No 429 at all: every response, 503s included, counts as let through (a 503 may have used the quota).
    expect(result.statusCodes['429']).toBeUndefined();
    expect(result.rateLimit?.admitted).toBe(result.requests.total);
    expect(result.sla.passed).toBe(false);
  });

  it('fails against a limiter whose 429s omit Retry-After', async () => {
    const result = await probeLimiter('no-retry-after');

    expect(result.rateLimit?.retryAfterValid).toBe(false);
    expect(result.rateLimit?.reasons.join('\n')).toMatch(
      /^\d+ of \d+ 429s did not say when to retry \(no Retry-After or RateLimit reset header\)$/m,
    );
    expect(result.sla.checks.find((c) => c.name === 'rateLimit')?.passed).toBe(false);
    expect(result.sla.passed).toBe(false);
  });

  it('fails against a limiter that refuses requests within its declared limit', async () => {
    const result = await probeLimiter('limits-below-its-policy');

    expect(result.rateLimit?.withinLimit429s).toBeGreaterThan(0);
    expect(result.rateLimit?.passed).toBe(false);
  });

  it('fails against a limiter that admits about 2.45 times its declared 5/s, and says so in the failed check', async () => {
    // 100 requests in 4 s at five times the limit: an exact limiter admits 20 of them; this one about 49.
    const result = await probeLimiter(
      'admits-above-its-policy',
      { kind: 'rate', rate: 25, duration: '4s' },
      5,
    );

    expect(result.rateLimit?.withinLimit429s).toBe(0);
    expect(result.rateLimit?.retryAfterValid).toBe(true);
    expect(result.rateLimit?.passed).toBe(false);
    expect(result.rateLimit?.reasons[0]).toMatch(
      /^admitted (4[89]|5\d|60) in 4 s against 5\/s \((2\.[3-9]\d|3\.\d\d)×\): an exact limiter admits (19|20|21) of these requests/,
    );
    const failed = result.sla.checks.find((c) => c.name === 'rateLimit');
    expect(failed).toMatchObject({
      passed: false,
      reason: expect.stringMatching(/^admitted \d+ in 4 s against 5\/s/),
    });
    expect(formatSuiteTable([result], createStyle({ isTTY: false }))).toMatch(
      /rateLimit not compliant: admitted \d+ in 4 s against 5\/s \(\d\.\d\d×\)/,
    );
  });

  it('judges the limiter under a closed-model burst too: mostly 429s, all expected, and recovery', async () => {
    const result = await probeLimiter('none', { kind: 'burst', connections: 2, requests: 100 });

    expect(result.rateLimit?.reasons).toEqual([]);
    expect(result.rateLimit?.observed429Share).toBeGreaterThan(0.5);
    expect(result.rateLimit?.recoveredAfterMs).toBeGreaterThan(0);
    expect(result.errors).toEqual({});
  });
});
