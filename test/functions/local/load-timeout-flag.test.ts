import { describe, expect, it } from 'vitest';
import { loadTimeoutFlag } from '../../../functions/local/load-timeout-flag.ts';

describe('--load-timeout', () => {
  it('reads seconds or a duration, up to 10 minutes, and nothing as the default', () => {
    expect([loadTimeoutFlag('30'), loadTimeoutFlag('500ms'), loadTimeoutFlag('10m')]).toEqual([
      30_000, 500, 600_000,
    ]);
    expect(loadTimeoutFlag(undefined)).toBeUndefined();
  });

  it('refuses 0 and more than 10 minutes, naming the flag', () => {
    const expected = 'seconds (like 10) or a duration like "500ms", above 0 and at most 10m';
    expect(() => loadTimeoutFlag('0')).toThrow(`--load-timeout: expected ${expected}, got "0"`);
    expect(() => loadTimeoutFlag('601s')).toThrow(`--load-timeout: expected ${expected}, got "601s"`);
  });
});
