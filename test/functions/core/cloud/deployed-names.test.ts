import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DeployedNames,
  deployedNames,
  NAME_LIMITS,
  probeAlarmName,
  systemAlarmName,
} from '../../../../functions/core/cloud/deployed-suite.ts';

// The suite schema's own patterns (functions/core/suite/schema.ts, environment-schema.ts, probe-schema.ts).
const suiteName = fc.stringMatching(/^[A-Za-z0-9][\w-]{0,63}$/);
const environmentName = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,31}$/);
const probeId = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,62}$/);

const NAMED: (keyof DeployedNames)[] = [
  'stack',
  'dashboard',
  'alarmPrefix',
  'killSwitchParameter',
  'topicDisplayName',
];

describe('deployed names', () => {
  it('keep pairs that a plain "-" join confuses apart', () => {
    const a = deployedNames('pay', 'eu-prod');
    const b = deployedNames('pay-eu', 'prod');
    const c = deployedNames('a_b', 'prod');
    const d = deployedNames('a-b', 'prod');
    for (const key of NAMED) {
      expect(a[key]).not.toBe(b[key]);
      expect(c[key]).not.toBe(d[key]);
    }
  });

  it('are distinct for distinct (suite, environment) pairs, property-tested', () => {
    fc.assert(
      fc.property(suiteName, environmentName, suiteName, environmentName, (s1, e1, s2, e2) => {
        fc.pre(s1 !== s2 || e1 !== e2);
        const a = deployedNames(s1, e1);
        const b = deployedNames(s2, e2);
        for (const key of NAMED) expect(a[key]).not.toBe(b[key]);
        // No alarm of one stack falls under the other's prefix (the topic policy's aws:SourceArn pattern).
        expect(a.alarmPrefix.startsWith(b.alarmPrefix) || b.alarmPrefix.startsWith(a.alarmPrefix)).toBe(
          false,
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it('are valid for every valid suite and environment name, within every length limit', () => {
    fc.assert(
      fc.property(suiteName, environmentName, probeId, (suite, environment, id) => {
        const names = deployedNames(suite, environment);
        // CloudFormation: a letter first, then letters, digits and "-".
        expect(names.stack).toMatch(/^[A-Za-z][A-Za-z0-9-]*$/);
        expect(names.stack.length).toBeLessThanOrEqual(NAME_LIMITS.stack);
        // CloudWatch dashboards: letters, digits, "-" and "_".
        expect(names.dashboard).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(names.dashboard.length).toBeLessThanOrEqual(NAME_LIMITS.dashboard);
        expect(names.killSwitchParameter).toMatch(/^(\/[\w.-]+)+$/);
        expect(names.killSwitchParameter.length).toBeLessThanOrEqual(NAME_LIMITS.parameter);
        expect(names.topicDisplayName.length).toBeLessThanOrEqual(NAME_LIMITS.topicDisplayName);
        expect(probeAlarmName(names, id, 'cannot-measure').length).toBeLessThanOrEqual(NAME_LIMITS.alarm);
      }),
      { numRuns: 2_000 },
    );
  });

  it('give every probe alarm and system alarm of one stack its own name', () => {
    fc.assert(
      fc.property(
        suiteName,
        environmentName,
        fc.uniqueArray(probeId, { minLength: 2, maxLength: 5 }),
        (s, e, ids) => {
          const names = deployedNames(s, e);
          const kinds = ['sla', 'heartbeat', 'cannot-measure', 'store-failed', 'latency-p99'] as const;
          const all = [
            ...ids.flatMap((id) => kinds.map((k) => probeAlarmName(names, id, k))),
            systemAlarmName(names, 'schedule-dead-letters'),
          ];
          expect(new Set(all).size).toBe(all.length);
        },
      ),
    );
  });

  it('shorten only a too-long topic display name, keeping the pair apart by its hash', () => {
    const suite = 's'.repeat(64);
    const names = deployedNames(suite, 'e'.repeat(32));
    expect(`perfprobe ${suite} ${'e'.repeat(32)}`).toHaveLength(107);
    expect(names.topicDisplayName).toHaveLength(100);
    expect(names.topicDisplayName).toMatch(/…#[0-9a-f]{8}$/);
    expect(deployedNames(suite, `${'e'.repeat(31)}f`).topicDisplayName).not.toBe(names.topicDisplayName);
    expect(deployedNames('bank', 'prod').topicDisplayName).toBe('perfprobe bank prod');
  });
});
