import { describe, expect, it } from 'vitest';
import type { ResponseView } from '../../../../functions/core/assertions.ts';
import { compileCaptures } from '../../../../functions/core/flows/captures.ts';
import { MAX_CAPTURED_DEPTH } from '../../../../functions/core/json-values.ts';

const response = (body: string): ResponseView => ({
  status: 200,
  headers: {},
  body,
  bodyTruncated: false,
  bytes: body.length,
});

const extract = async (capture: Record<string, unknown>, body: string) => {
  const values: Record<string, string> = {};
  const miss = await compileCaptures({ v: { secret: false, ...capture } } as never).extract(
    response(body),
    values,
  );
  return { miss, values };
};

/** `{"v": [[…]]}` with the captured value `levels` arrays deep. */
const nested = (levels: number) => `{"v":${'['.repeat(levels)}${']'.repeat(levels)}}`;

describe('compileCaptures', () => {
  it(`captures a JSON value ${MAX_CAPTURED_DEPTH} levels deep as its JSON text, and refuses one level more`, async () => {
    const kept = await extract({ json: '$.v' }, nested(MAX_CAPTURED_DEPTH));
    expect(kept.miss).toBeUndefined();
    expect(kept.values.v).toHaveLength(2 * MAX_CAPTURED_DEPTH);

    const refused = await extract({ json: '$.v' }, nested(MAX_CAPTURED_DEPTH + 1));
    expect(refused.miss).toEqual({ name: 'v', reason: `$.v nests deeper than ${MAX_CAPTURED_DEPTH} levels` });
  });

  it('answers JSON and header captures at once, and a step with a body regex with a promise', async () => {
    const values: Record<string, string> = {};
    const withHeaders = { ...response('{"id":"p1"}'), headers: { 'x-t': 't1' } };

    const sync = compileCaptures({
      id: { secret: false, json: '$.id' },
      t: { secret: false, header: 'x-t' },
    } as never).extract(withHeaders, values);
    const pending = compileCaptures({
      id: { secret: false, json: '$.id' },
      r: { secret: false, regex: '"(p\\d)"' },
      t: { secret: false, header: 'x-t' },
    } as never).extract(withHeaders, values);

    expect(sync).toBeUndefined();
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBeUndefined();
    expect(values).toEqual({ id: 'p1', r: 'p1', t: 't1' });
  });

  it('captures with a regex run off the main thread: the first group, else the whole match', async () => {
    expect((await extract({ regex: 'id=(\\w+)' }, 'x id=abc y')).values).toEqual({ v: 'abc' });
    expect((await extract({ regex: 'id=\\w+' }, 'x id=abc y')).values).toEqual({ v: 'id=abc' });
    expect((await extract({ regex: 'id=(\\w+)' }, 'nothing')).miss).toEqual({
      name: 'v',
      reason: '/id=(\\w+)/ did not match the body',
    });
  });

  it('ends a catastrophically backtracking regex early, and stops one that runs past its bound', async () => {
    // V8 switches ^(a+)+$ to its linear engine: no match, long before the bound.
    expect((await extract({ regex: '^(a+)+$' }, `${'a'.repeat(34)}!`)).miss?.reason).toBe(
      '/^(a+)+$/ did not match the body',
    );
    // A backreference keeps it in the backtracking engine (2^30 paths): stopped at the bound.
    const started = performance.now();
    const { miss } = await extract({ regex: '^(a+)+\\1$' }, `${'a'.repeat(30)}!`);
    expect(miss?.reason).toBe('/^(a+)+\\1$/ ran past 250 ms over the body (31 characters) and was stopped');
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
