import { describe, expect, it } from 'vitest';
import { resolveProbe } from '../../../../functions/core/suite/resolve-probe.ts';
import { addsTraceparent } from '../../../../functions/core/suite/transport-spec.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';

function suiteWith(envTransport: unknown, probeTransport?: unknown) {
  return validateSuite({
    name: 's',
    environments: { prod: { baseUrl: 'https://api.bank.example', transport: envTransport } },
    probes: [
      {
        id: 'p',
        request: { url: '/' },
        ...(probeTransport === undefined ? {} : { transport: probeTransport }),
      },
    ],
  });
}

describe('transport in a suite', () => {
  it('is the environment’s, with a probe’s own fields over it (tls as a whole)', () => {
    const suite = suiteWith(
      {
        tls: { ca: 'file:./ca.pem', cert: 'ssm:/c', key: 'secretsmanager:k#key' },
        proxy: 'http://proxy:3128',
      },
      { tls: { ca: 'env:OTHER_CA' }, http2: true },
    );

    const probe = resolveProbe(suite, suite.probes[0]!, 'prod');

    expect(probe.transport).toEqual({ tls: { ca: 'env:OTHER_CA' }, proxy: 'http://proxy:3128', http2: true });
  });

  it('sends a traceparent unless the environment or the probe turns it off (the probe’s word wins)', () => {
    const adds = (env: unknown, probe?: unknown) => {
      const suite = suiteWith(env, probe);
      return addsTraceparent(resolveProbe(suite, suite.probes[0]!, 'prod').transport, []);
    };

    expect(adds({})).toBe(true);
    expect(adds({ traceparent: false })).toBe(false);
    expect(adds({ traceparent: false }, { traceparent: true })).toBe(true);
    expect(adds({}, { traceparent: false })).toBe(false);
  });

  it('leaves a traceparent the probe sets in its headers alone, whatever the name’s case', () => {
    expect(addsTraceparent(undefined, ['accept', 'TraceParent'])).toBe(false);
    expect(addsTraceparent(undefined, ['accept', 'tracestate'])).toBe(true);
  });

  it.each([
    [{ tls: { cert: 'file:./c.pem' } }, /transport\.tls\.key: expected cert and key together/],
    [
      { tls: { passphrase: 'env:P' } },
      /transport\.tls\.passphrase: expected a key for the passphrase to open/,
    ],
    [{ tls: { ca: './ca.pem' } }, /transport\.tls\.ca: expected a value reference like "file:/],
    [{ tls: { insecure: true } }, /transport\.tls.*insecure/],
    [
      { proxy: 'proxy:3128' },
      /transport\.proxy: expected a proxy URL like "http:\/\/proxy\.corp:3128", or "" for none/,
    ],
    [{ http2: 'yes' }, /transport\.http2/],
    [{ traceparent: 'off' }, /transport\.traceparent/],
  ])('refuses %j, naming the field', (transport, message) => {
    expect(() => suiteWith(transport)).toThrow(message);
  });
});
