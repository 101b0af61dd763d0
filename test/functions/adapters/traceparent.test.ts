import { describe, expect, it } from 'vitest';
import { newTraceparent } from '../../../functions/adapters/traceparent.ts';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describe('newTraceparent', () => {
  it('makes W3C traceparent values with fresh ids, across refills of its random pool', () => {
    // 256 ids per refill: 1,000 cross three refills.
    const values = Array.from({ length: 1_000 }, () => newTraceparent());

    for (const value of values) expect(value).toMatch(TRACEPARENT);
    expect(new Set(values.map((v) => TRACEPARENT.exec(v)![1])).size).toBe(1_000);
    expect(new Set(values.map((v) => TRACEPARENT.exec(v)![2])).size).toBe(1_000);
  });
});
