import { describe, expect, it } from 'vitest';
import { compileAssertions, type ResponseView } from '../../../functions/core/assertions.ts';
import { assertionsSchema } from '../../../functions/core/suite/assertions-schema.ts';

const response = (over: Partial<ResponseView>): ResponseView => ({
  status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: '{"data":{"items":[{"id":"a1"}]},"status":"ok"}',
  bodyTruncated: false,
  bytes: 47,
  ...over,
});

const check = (spec: unknown, over: Partial<ResponseView> = {}) =>
  compileAssertions(assertionsSchema.parse(spec)).check(response(over));

describe('compileAssertions', () => {
  it('accepts any 2xx/3xx by default and classes other statuses by family', () => {
    expect(check({})).toBeUndefined();
    expect(check({}, { status: 302 })).toBeUndefined();
    expect(check({}, { status: 404 })).toEqual({ errorClass: 'http_4xx', reason: 'status 404' });
    expect(check({}, { status: 502 })).toEqual({ errorClass: 'http_5xx', reason: 'status 502' });
  });

  it('treats an expected 404 as success and an unexpected 200 as an assertion failure', () => {
    expect(check({ status: 404 }, { status: 404 })).toBeUndefined();
    expect(check({ status: [201, 202] })).toEqual({ errorClass: 'assertion', reason: 'status 200' });
    expect(check({ status: { min: 200, max: 204 } }, { status: 204 })).toBeUndefined();
  });

  it('checks headers, JSON paths, body text and size', () => {
    expect(
      check({ headers: { 'Content-Type': { contains: 'json' } }, json: { '$.data.items[0].id': 'a1' } }),
    ).toBeUndefined();
    expect(check({ headers: { 'x-request-id': true } })).toEqual({
      errorClass: 'assertion',
      reason: 'header x-request-id missing',
    });
    expect(check({ json: { '$.data.items[1]': { exists: true } } })).toEqual({
      errorClass: 'assertion',
      reason: '$.data.items[1] missing',
    });
    expect(check({ bodyContains: ['"status"', 'nope'] })).toEqual({
      errorClass: 'assertion',
      reason: 'body does not contain "nope"',
    });
    expect(check({ maxBodyBytes: 10 })).toEqual({
      errorClass: 'assertion',
      reason: 'body 47 bytes > maxBodyBytes 10',
    });
  });

  it('compares a JSON value whatever its object key order, and arrays in order', () => {
    const body = '{"data":{"b":[1,2],"a":{"y":null,"x":"s"}}}';
    expect(
      check({ json: { '$.data': { equals: { a: { x: 's', y: null }, b: [1, 2] } } } }, { body }),
    ).toBeUndefined();
    expect(check({ json: { '$.data.b': { equals: [2, 1] } } }, { body })).toEqual({
      errorClass: 'assertion',
      reason: '$.data.b is not [2,1]',
    });
    expect(check({ json: { '$.data.a': { equals: { x: 's' } } } }, { body })?.reason).toBe(
      '$.data.a is not {"x":"s"}',
    );
  });

  it('compares a body nested 100,000 levels deep without running out of stack', () => {
    const body = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    expect(check({ json: { '$.a': { equals: 1 } } }, { body })).toEqual({
      errorClass: 'assertion',
      reason: '$.a is not 1',
    });
    expect(check({ json: { '$.a.a.a': { exists: true } } }, { body })).toBeUndefined();
  });

  it('says the body exceeded the cap when a truncated body cannot be parsed', () => {
    expect(check({ json: { '$.status': 'ok' } }, { body: '{"data":', bodyTruncated: true })).toEqual({
      errorClass: 'assertion',
      reason: 'body exceeds bodyCap',
    });
  });

  it('asks the transport for headers and body only when an assertion reads them', () => {
    const bare = compileAssertions(assertionsSchema.parse({ status: 200 }));
    const json = compileAssertions(assertionsSchema.parse({ json: { '$.a': 1 } }));

    expect([bare.needsHeaders, bare.needsBody, json.needsHeaders, json.needsBody]).toEqual([
      false,
      false,
      false,
      true,
    ]);
  });
});
