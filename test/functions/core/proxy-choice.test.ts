import { describe, expect, it } from 'vitest';
import { bypassesProxy, chooseProxy } from '../../../functions/core/proxy-choice.ts';

describe('chooseProxy', () => {
  const env = { HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'http://plain-proxy:3128' };

  it('takes HTTPS_PROXY for https targets and HTTP_PROXY for http targets', () => {
    expect(chooseProxy('https://api.bank.example', undefined, env)).toBe('http://proxy:3128');
    expect(chooseProxy('http://api.bank.example', undefined, env)).toBe('http://plain-proxy:3128');
  });

  it('prefers the lowercase variable, as curl does, and accepts a bare host:port', () => {
    expect(
      chooseProxy('https://a.example', undefined, { https_proxy: 'low:1', HTTPS_PROXY: 'http://up:2' }),
    ).toBe('http://low:1');
  });

  it("lets the suite or --proxy decide over the environment, '' meaning none", () => {
    expect(chooseProxy('https://a.example', 'http://mine:8080', env)).toBe('http://mine:8080');
    expect(chooseProxy('https://a.example', '', env)).toBeUndefined();
  });

  it('connects directly without a variable', () => {
    expect(chooseProxy('https://a.example', undefined, {})).toBeUndefined();
  });
});

describe('bypassesProxy (NO_PROXY)', () => {
  it.each([
    ['localhost', 'localhost', 443, true],
    ['localhost', 'localhost.evil.example', 443, false],
    ['.bank.example', 'api.bank.example', 443, true],
    ['bank.example', 'api.bank.example', 443, true],
    ['bank.example', 'notbank.example', 443, false],
    ['*', 'anything.example', 443, true],
    ['api.bank.example:8443', 'api.bank.example', 8443, true],
    ['api.bank.example:8443', 'api.bank.example', 443, false],
    ['10.0.0.1, localhost', '10.0.0.1', 80, true],
    ['[::1]', '[::1]', 80, true],
  ])('%s for %s:%i is %s', (noProxy, host, port, bypassed) => {
    expect(bypassesProxy(noProxy, host, port)).toBe(bypassed);
  });
});
