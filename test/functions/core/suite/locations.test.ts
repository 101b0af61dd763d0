import { describe, expect, it } from 'vitest';
import {
  defaultQuorum,
  environmentLocations,
  homeLocation,
  locationCount,
  probeLocations,
  quorumFor,
  staggerOffsetMs,
} from '../../../../functions/core/suite/locations.ts';
import { resolveProbe } from '../../../../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { problemsOf, suiteWith } from './suite-fixtures.ts';

const three = ['eu-west-1', 'eu-central-1', 'us-east-1'];
const ok = { id: 'login', request: { url: '/login' } };

function located(env: Record<string, unknown>, probe: Record<string, unknown> = {}) {
  return suiteWith([{ ...ok, ...probe }], {
    environments: { prod: { baseUrl: 'https://api.example.com', ...env } },
  });
}

describe('environment locations', () => {
  it('accepts three regions and keeps them, the first as home', () => {
    const suite = validateSuite(located({ locations: three }));
    const env = suite.environments.prod!;

    expect(env.locations).toEqual(three);
    expect(homeLocation(env)).toBe('eu-west-1');
    expect(environmentLocations(env)).toEqual(three);
  });

  it('puts a named home first', () => {
    const env = validateSuite(located({ locations: three, home: 'us-east-1' })).environments.prod!;

    expect(homeLocation(env)).toBe('us-east-1');
    expect(environmentLocations(env)).toEqual(['us-east-1', 'eu-west-1', 'eu-central-1']);
  });

  it('without locations is the one deploy region, as before', () => {
    const suite = validateSuite(located({}));
    const env = suite.environments.prod!;
    const probe = suite.probes[0]!;

    expect(env.locations).toBeUndefined();
    expect(homeLocation(env)).toBeUndefined();
    expect(probeLocations(env, probe)).toEqual([]);
    expect(locationCount(env, probe)).toBe(1);
    expect(quorumFor(env, probe)).toBe(1);
  });

  it('refuses an unknown region, naming the field, the partitions and the near names', () => {
    expect(problemsOf(located({ locations: ['eu-west-1', 'eu-west-9'] }))).toEqual([
      'environments.prod.locations[1]: expected an AWS region name of the aws, aws-cn, aws-us-gov partitions (like eu-west-1, eu-west-2, eu-west-3), got "eu-west-9"',
    ]);
  });

  it('refuses a non-region with the commercial list as the example', () => {
    const [problem] = problemsOf(located({ locations: ['Frankfurt'] }));

    expect(problem).toMatch(
      /^environments\.prod\.locations\[0\]: expected an AWS region name of the aws, aws-cn, aws-us-gov partitions \(e\.g\. af-south-1, .*us-west-2\), got "Frankfurt"$/,
    );
  });

  it('refuses a region named twice, an empty list and a mix of partitions', () => {
    expect(problemsOf(located({ locations: ['eu-west-1', 'eu-west-1'] }))).toEqual([
      'environments.prod.locations[1]: expected each location once, got "eu-west-1" again (also [0])',
    ]);
    expect(problemsOf(located({ locations: [] }))).toEqual([
      'environments.prod.locations: expected at least one AWS region name',
    ]);
    expect(problemsOf(located({ locations: ['eu-west-1', 'cn-north-1'] }))).toEqual([
      'environments.prod.locations: expected locations of one AWS partition (alarm events cross regions only within one), got aws and aws-cn',
    ]);
  });

  it('accepts one partition other than aws', () => {
    const env = validateSuite(located({ locations: ['us-gov-west-1', 'us-gov-east-1'] })).environments.prod!;

    expect(env.locations).toEqual(['us-gov-west-1', 'us-gov-east-1']);
  });

  it('refuses a home outside the locations, and a home without locations', () => {
    expect(problemsOf(located({ locations: three, home: 'eu-west-2' }))).toEqual([
      'environments.prod.home: expected one of the environment\'s locations (eu-west-1, eu-central-1, us-east-1), got "eu-west-2"',
    ]);
    expect(problemsOf(located({ home: 'eu-west-1' }))).toEqual([
      'environments.prod.home: expected home only with locations (it names which of them holds the notifier), got "eu-west-1" without locations',
    ]);
  });
});

describe('probe locations', () => {
  it('narrows the environment, in the environment order', () => {
    const suite = validateSuite(located({ locations: three }, { locations: ['us-east-1', 'eu-west-1'] }));

    expect(probeLocations(suite.environments.prod!, suite.probes[0]!)).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('accepts every location of the environment, and refuses one outside it by name', () => {
    expect(() => validateSuite(located({ locations: three }, { locations: three }))).not.toThrow();
    expect(problemsOf(located({ locations: three }, { locations: ['eu-west-1', 'ap-south-1'] }))).toEqual([
      'probes[0].locations: expected locations of environment "prod" (eu-west-1, eu-central-1, us-east-1), got "ap-south-1"',
    ]);
  });

  it('leaves an environment without locations as it is', () => {
    const suite = validateSuite(located({}, { locations: ['eu-west-1'] }));

    expect(probeLocations(suite.environments.prod!, suite.probes[0]!)).toEqual([]);
  });
});

describe('the quorum', () => {
  it('defaults to 1 of one, both of two, 2 of three or more', () => {
    expect([1, 2, 3, 4, 7].map(defaultQuorum)).toEqual([1, 2, 2, 2, 2]);
  });

  it('follows the probe narrowing for its default', () => {
    const suite = validateSuite(located({ locations: three }, { locations: ['eu-west-1'] }));

    expect(quorumFor(suite.environments.prod!, suite.probes[0]!)).toBe(1);
    expect(quorumFor(suite.environments.prod!, { ...suite.probes[0]!, locations: undefined })).toBe(2);
  });

  it('accepts minLocations up to the probe locations and refuses one more', () => {
    const suite = validateSuite(located({ locations: three }, { alert: { minLocations: 3 } }));
    expect(quorumFor(suite.environments.prod!, suite.probes[0]!)).toBe(3);

    expect(problemsOf(located({ locations: three }, { alert: { minLocations: 4 } }))).toEqual([
      'probes[0].alert.minLocations: expected at most 3 (the probe\'s locations in environment "prod"), got 4',
    ]);
    expect(
      problemsOf(located({ locations: three }, { locations: ['eu-west-1'], alert: { minLocations: 2 } })),
    ).toEqual([
      'probes[0].alert.minLocations: expected at most 1 (the probe\'s locations in environment "prod"), got 2',
    ]);
  });

  it('accepts minLocations 1 and refuses 0 or a fraction', () => {
    const suite = validateSuite(located({ locations: three }, { alert: { minLocations: 1 } }));
    expect(quorumFor(suite.environments.prod!, suite.probes[0]!)).toBe(1);

    expect(problemsOf(located({ locations: three }, { alert: { minLocations: 0 } }))).toEqual([
      'probes[0].alert.minLocations: expected a whole number of locations between 1 and 100, got 0',
    ]);
    expect(problemsOf(located({ locations: three }, { alert: { minLocations: 1.5 } }))).toEqual([
      'probes[0].alert.minLocations: expected a whole number of locations between 1 and 100, got 1.5',
    ]);
  });
});

describe('stagger', () => {
  it('starts every location at the scheduled time by default', () => {
    const suite = validateSuite(located({ locations: three }));

    expect(suite.probes[0]!.stagger).toBeUndefined();
    expect([0, 1, 2].map((i) => staggerOffsetMs(suite.probes[0]!, i, 3, 300_000))).toEqual([0, 0, 0]);
  });

  it('spreads the locations evenly over the interval when on', () => {
    const probe = validateSuite(located({ locations: three }, { stagger: true })).probes[0]!;

    expect([0, 1, 2].map((i) => staggerOffsetMs(probe, i, 3, 300_000))).toEqual([0, 100_000, 200_000]);
    expect(staggerOffsetMs(probe, 0, 1, 300_000)).toBe(0);
  });

  it('refuses a stagger that is not a boolean', () => {
    expect(problemsOf(located({ locations: three }, { stagger: 'yes' }))).toEqual([
      'probes[0].stagger: expected boolean, got "yes"',
    ]);
  });
});

describe('a resolved probe', () => {
  it('carries its locations, quorum and stagger when the environment names locations', () => {
    const suite = validateSuite(
      located({ locations: three, home: 'us-east-1' }, { stagger: true, alert: { minLocations: 3 } }),
    );

    expect(resolveProbe(suite, suite.probes[0]!, 'prod').located).toEqual({
      locations: ['us-east-1', 'eu-west-1', 'eu-central-1'],
      home: 'us-east-1',
      quorum: 3,
      stagger: true,
    });
  });

  it('carries nothing of locations without them, as before', () => {
    const suite = validateSuite(located({}, { stagger: true }));

    expect(resolveProbe(suite, suite.probes[0]!, 'prod')).not.toHaveProperty('located');
  });
});
