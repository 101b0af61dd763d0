import { describe, expect, it } from 'vitest';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { problemsOf, suiteWith } from './suite-fixtures.ts';

describe('request timeouts', () => {
  it('refuses a timeout below 1 ms or of a fraction of a millisecond, at its path', () => {
    expect(
      problemsOf(
        suiteWith([
          { id: 'a', request: { url: '/', timeout: '0.5ms' } },
          { id: 'b', request: { url: '/', timeout: 1.5 } },
        ]),
      ),
    ).toEqual([
      'probes[0].request.timeout: expected a timeout of whole milliseconds, at least 1ms, got "0.5ms"',
      'probes[1].request.timeout: expected a timeout of whole milliseconds, at least 1ms, got "1.5ms"',
    ]);
    expect(
      problemsOf(suiteWith([{ id: 'a', request: { url: '/' } }], { defaults: { timeout: 0.9 } })),
    ).toEqual(['defaults.timeout: expected a timeout of whole milliseconds, at least 1ms, got "0.9ms"']);
  });

  it('accepts 1 ms and a fraction of a second that is whole milliseconds', () => {
    const suite = validateSuite(
      suiteWith([
        { id: 'a', request: { url: '/', timeout: '1ms' } },
        { id: 'b', request: { url: '/', timeout: '1.5s' } },
      ]),
    );
    expect(suite.probes.map((p) => p.request?.timeout)).toEqual([1, 1_500]);
  });
});
