import { describe, expect, it } from 'vitest';
import { mergeShards } from '../../../functions/core/merge-shards.ts';
import type { RunMeasurement } from '../../../functions/core/run-result.ts';
import { ShardRecorder } from '../../../functions/core/shard-recorder.ts';
import type { ShardResult } from '../../../functions/core/shard-result.ts';
import { evaluateSla } from '../../../functions/core/sla.ts';
import { validateSuite } from '../../../functions/core/suite/validate-suite.ts';
import type { TlsFacts } from '../../../functions/core/transport.ts';
import { runResult } from '../../helpers/run-results.ts';

const tls = (daysLeft: number, subject = 'CN=api.bank.example'): TlsFacts => ({
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  alpn: 'http/1.1',
  certificate: { subject, issuer: 'CN=Bank CA', validTo: '2027-01-03T00:00:00.000Z', daysLeft },
});

/** A measured run that saw a certificate with `daysLeft` (or none). */
function measured(daysLeft: number | undefined): RunMeasurement {
  const { sla: _, ...run } = runResult('p', 0, '2026-12-07T00:00:00.000Z');
  return daysLeft === undefined ? run : { ...run, tls: tls(daysLeft), httpVersion: '1.1' };
}

const certCheck = (sla: Parameters<typeof evaluateSla>[0], daysLeft: number | undefined) =>
  evaluateSla(sla, measured(daysLeft));

/** The SLA as the schema reads it from a suite. */
function slaOf(certDaysLeft: unknown) {
  return validateSuite({
    name: 's',
    environments: { prod: { baseUrl: 'https://api.bank.example' } },
    probes: [{ id: 'p', request: { url: '/' }, sla: { certDaysLeft } }],
  }).probes[0]!.sla;
}

describe('sla.certDaysLeft (a minimum)', () => {
  const sla = { certDaysLeft: { warn: 30, critical: 7 } };

  it('passes at the critical minimum and breaches one day below it', () => {
    expect(certCheck(sla, 7).checks.find((c) => c.severity === 'critical')?.passed).toBe(true);
    expect(certCheck(sla, 6).verdict).toBe('breach');
  });

  it('passes at the warn minimum and warns one day below it (a warning fails no run)', () => {
    expect(certCheck(sla, 30).verdict).toBe('pass');
    const warned = certCheck(sla, 29);
    expect(warned.verdict).toBe('warn');
    expect(warned.passed).toBe(true);
  });

  it('cannot pass without a certificate to judge (an http target, or no connection)', () => {
    const check = certCheck({ certDaysLeft: { critical: 7 } }, undefined).checks.find(
      (c) => c.name === 'certDaysLeft',
    );
    expect(check).toMatchObject({ observed: null, passed: false, metric: 'tls.certificate.daysLeft' });
  });

  it('is read from a suite as a number (critical) or { warn, critical }', () => {
    expect(slaOf(30)).toEqual({ certDaysLeft: { critical: 30 } });
    expect(slaOf({ warn: 30, critical: 7 })).toEqual({ certDaysLeft: { warn: 30, critical: 7 } });
  });

  it.each([
    [{ warn: 5, critical: 7 }, /sla\.certDaysLeft\.warn: expected warn at or above critical \(7 days\)/],
    [-1, /sla\.certDaysLeft: expected whole days between 0 and 3650, got -1/],
    [7.5, /expected whole days between 0 and 3650, got 7\.5/],
    [{ soon: 3 }, /sla\.certDaysLeft\.soon: unknown field \(expected warn, critical\)/],
  ])('refuses %j, saying what it expected', (value, message) => {
    expect(() => slaOf(value)).toThrow(message);
  });
});

describe('the default certificate warning', () => {
  const defaultCheck = (daysLeft: number | undefined) =>
    evaluateSla(undefined, measured(daysLeft)).checks.find((c) => c.name === 'certDaysLeft');

  it('holds every run that saw a certificate to 14 days, as a warning marked default', () => {
    expect(defaultCheck(14)).toMatchObject({
      severity: 'warn',
      threshold: 14,
      passed: true,
      isDefault: true,
    });
    expect(defaultCheck(13)).toMatchObject({
      severity: 'warn',
      threshold: 14,
      passed: false,
      isDefault: true,
    });
    expect(evaluateSla(undefined, measured(13)).verdict).toBe('warn');
  });

  it("still warns when the probe's SLA names only other targets, reading the certificate's days left", () => {
    const checks = evaluateSla({ p95: { critical: 1_000 } }, measured(13)).checks;

    expect(checks.filter((c) => c.name === 'certDaysLeft')).toEqual([
      expect.objectContaining({
        severity: 'warn',
        metric: 'tls.certificate.daysLeft',
        observed: 13,
        passed: false,
        isDefault: true,
      }),
    ]);
  });

  it('is absent for a run without TLS and when the probe names its own', () => {
    expect(defaultCheck(undefined)).toBeUndefined();
    const own = evaluateSla({ certDaysLeft: { critical: 3 } }, measured(13)).checks;
    expect(own.filter((c) => c.name === 'certDaysLeft')).toEqual([
      expect.objectContaining({ severity: 'critical', threshold: 3, passed: true }),
    ]);
  });
});

describe('TLS facts across shards', () => {
  function shardWith(facts: TlsFacts | undefined, shard: number): ShardResult {
    const recorder = new ShardRecorder(0);
    recorder.record(1, 1000, 200, undefined, 10);
    const result = recorder.toResult({
      probeId: 'p',
      shard,
      kind: 'burst',
      startedAt: '2026-12-07T00:00:00.000Z',
      durationMs: 1000,
      generator: {
        intendedRequests: undefined,
        sent: 1,
        lateSends: 0,
        queuedSends: 0,
        unsent: 0,
        eventLoopDelayP99Ms: 1,
      },
    });
    return facts === undefined ? result : { ...result, tls: facts, httpVersion: '1.1' };
  }
  const identity = {
    runId: 'r',
    environment: 'prod',
    probeId: 'p',
    kind: 'burst' as const,
    plannedShards: 3,
    intendedRps: undefined,
  };

  it('reports the certificate with the fewest days left, and says when shards saw different ones', () => {
    const run = mergeShards(identity, [
      shardWith(tls(80, 'CN=new'), 0),
      shardWith(tls(6, 'CN=old'), 1),
      shardWith(undefined, 2),
    ]);

    expect(run.tls).toEqual({ ...tls(6, 'CN=old'), shardsDiffer: true });
    expect(run.httpVersion).toBe('1.1');
  });

  it('does not flag shards that saw the same certificate', () => {
    const run = mergeShards(identity, [shardWith(tls(40), 0), shardWith(tls(40), 1)]);

    expect(run.tls).toEqual(tls(40));
  });
});
