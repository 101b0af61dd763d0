import { describe, expect, it } from 'vitest';
import { compileAssertions, type ResponseView, readPath } from '../../../functions/core/assertions.ts';
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

describe('each assertion on both sides of its boundary', () => {
  it('accepts 200 to 399 by default, not 199 or 400; classes 499 as 4xx and 500 as 5xx', () => {
    expect(check({}, { status: 200 })).toBeUndefined();
    expect(check({}, { status: 399 })).toBeUndefined();
    expect(check({}, { status: 199 })).toEqual({ errorClass: 'assertion', reason: 'status 199' });
    expect(check({}, { status: 400 })).toEqual({ errorClass: 'http_4xx', reason: 'status 400' });
    expect(check({}, { status: 499 })).toEqual({ errorClass: 'http_4xx', reason: 'status 499' });
    expect(check({}, { status: 500 })).toEqual({ errorClass: 'http_5xx', reason: 'status 500' });
  });

  it('accepts a status range including both ends, nothing outside it, and a list by its members only', () => {
    const range = { status: { min: 201, max: 204 } };
    expect(check(range, { status: 201 })).toBeUndefined();
    expect(check(range, { status: 204 })).toBeUndefined();
    expect(check(range, { status: 200 })).toEqual({ errorClass: 'assertion', reason: 'status 200' });
    expect(check(range, { status: 205 })).toEqual({ errorClass: 'assertion', reason: 'status 205' });
    expect(check({ status: [201, 204] }, { status: 204 })).toBeUndefined();
    expect(check({ status: [201, 204] }, { status: 202 })).toEqual({
      errorClass: 'assertion',
      reason: 'status 202',
    });
  });

  it('accepts a body of exactly maxBodyBytes, not one byte more', () => {
    expect(check({ maxBodyBytes: 47 })).toBeUndefined();
    expect(check({ maxBodyBytes: 46 })).toEqual({
      errorClass: 'assertion',
      reason: 'body 47 bytes > maxBodyBytes 46',
    });
  });

  it('checks a header by equality (a string or { equals }) or by what it contains', () => {
    const type = 'application/json; charset=utf-8';
    expect(check({ headers: { 'content-type': type } })).toBeUndefined();
    expect(check({ headers: { 'content-type': 'application/json' } })).toEqual({
      errorClass: 'assertion',
      reason: 'header content-type is not "application/json"',
    });
    expect(check({ headers: { 'content-type': { equals: type } } })).toBeUndefined();
    expect(check({ headers: { 'content-type': { equals: 'text/html' } } })).toEqual({
      errorClass: 'assertion',
      reason: 'header content-type is not "text/html"',
    });
    expect(check({ headers: { 'content-type': { contains: 'xml' } } })).toEqual({
      errorClass: 'assertion',
      reason: 'header content-type does not contain "xml"',
    });
    expect(check({ headers: { 'content-type': true } })).toBeUndefined();
    expect(check({ headers: { 'content-type': true } }, { headers: undefined })).toEqual({
      errorClass: 'assertion',
      reason: 'header content-type missing',
    });
  });

  it('reads the body text only when asked; a missing body contains nothing', () => {
    expect(check({ bodyContains: '"status":"ok"' })).toBeUndefined();
    expect(check({ bodyContains: 'ok' }, { body: undefined })).toEqual({
      errorClass: 'assertion',
      reason: 'body does not contain "ok"',
    });
    expect(check({}, { body: undefined })).toBeUndefined();
    // Text is not parsed as JSON unless a JSON path is asserted.
    expect(check({ bodyContains: 'pong' }, { body: 'pong' })).toBeUndefined();
  });

  it('compares JSON values whole, and tells present from missing both ways', () => {
    expect(check({ json: { '$.data': { equals: { items: [{ id: 'a1' }] } } } })).toBeUndefined();
    expect(check({ json: { '$.data.items[0].id': 'a2' } })).toEqual({
      errorClass: 'assertion',
      reason: '$.data.items[0].id is not "a2"',
    });
    expect(check({ json: { '$.missing': null } })).toEqual({
      errorClass: 'assertion',
      reason: '$.missing is not null',
    });
    expect(check({ json: { '$.status': { exists: true }, '$.gone': { exists: false } } })).toBeUndefined();
    expect(check({ json: { '$.status': { exists: false } } })).toEqual({
      errorClass: 'assertion',
      reason: '$.status present',
    });
    expect(check({ json: { '$.status': 'ok' } }, { body: 'not json' })).toEqual({
      errorClass: 'assertion',
      reason: 'body is not JSON',
    });
  });

  it('asks for headers when a header is asserted, and for the body for bodyContains', () => {
    const headers = compileAssertions(assertionsSchema.parse({ headers: { etag: true } }));
    const text = compileAssertions(assertionsSchema.parse({ bodyContains: 'x' }));

    expect([headers.needsHeaders, headers.needsBody, text.needsHeaders, text.needsBody]).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });
});

describe('readPath', () => {
  const doc = { a: { b: [10, { c: null }] }, n: 0 };

  it('walks keys and indexes, and finds null and falsy values', () => {
    expect(readPath(doc, '$')).toEqual({ found: true, value: doc });
    expect(readPath(doc, '$.a.b[1].c')).toEqual({ found: true, value: null });
    expect(readPath(doc, '$.a.b[0]')).toEqual({ found: true, value: 10 });
    expect(readPath(doc, '$.n')).toEqual({ found: true, value: 0 });
  });

  it('reads an index of several digits', () => {
    const list = { items: Array.from({ length: 12 }, (_, i) => ({ id: `i${i}` })) };

    expect(readPath(list, '$.items[11].id')).toEqual({ found: true, value: 'i11' });
    expect(readPath(list, '$.items[12].id')).toEqual({ found: false, value: undefined });
  });

  it('finds nothing past a missing key, an index out of range, or a value that is not an object', () => {
    expect(readPath(doc, '$.x')).toEqual({ found: false, value: undefined });
    expect(readPath(doc, '$.a.b[2]')).toEqual({ found: false, value: undefined });
    expect(readPath(doc, '$.a.b[1].c.d')).toEqual({ found: false, value: undefined });
    expect(readPath(doc, '$.n.x')).toEqual({ found: false, value: undefined });
  });
});

describe('a probe without assertions', () => {
  it('accepts any 2xx/3xx and asks for neither headers nor body', () => {
    const none = compileAssertions(undefined);

    expect([none.needsHeaders, none.needsBody]).toEqual([false, false]);
    expect(none.check(response({ status: 204 }))).toBeUndefined();
    expect(none.check(response({ status: 503 }))).toEqual({ errorClass: 'http_5xx', reason: 'status 503' });
  });
});

describe('a response the checks cannot read', () => {
  it('fails that response as an assertion with the cause, and a readable one still passes: never the run', () => {
    const unreadable = response({});
    Object.defineProperty(unreadable, 'body', {
      get() {
        throw new Error('body stream broke');
      },
    });
    const spec = { bodyContains: 'ok' };

    expect(check(spec)).toBeUndefined();
    expect(compileAssertions(assertionsSchema.parse(spec)).check(unreadable)).toEqual({
      errorClass: 'assertion',
      reason: 'could not check the response: body stream broke',
    });
  });
});
