import { describe, expect, it } from 'vitest';
import {
  type LocationChange,
  nextQuorum,
  type QuorumRules,
  type QuorumState,
} from '../../../../functions/core/notify/quorum.ts';

const ALARM = 'perfprobe.bank.prod.probe.login.latency-p99';
const THREE: QuorumRules = {
  locations: ['eu-west-1', 'eu-central-1', 'us-east-1'],
  minLocations: 2,
  dampMs: 10 * 60_000,
};
const at = (minute: number) => new Date(Date.UTC(2026, 11, 8, 3, minute)).toISOString();

function change(location: string, value: LocationChange['value'], minute: number, observed?: number) {
  return { location, value, at: at(minute), observed };
}

/** The state after each change in turn, and every decision on the way. */
function replay(changes: LocationChange[], rules = THREE, from?: QuorumState) {
  let state = from;
  const decisions = changes.map((c) => {
    const step = nextQuorum(state, ALARM, c, rules);
    state = step.next;
    return step.decision;
  });
  return { state: state!, decisions };
}

describe('the quorum of three locations (2)', () => {
  it('notices one breaching location and pages nobody', () => {
    const { decisions, state } = replay([change('eu-west-1', 'ALARM', 1, 2310)]);

    expect(decisions).toEqual([
      {
        kind: 'notice',
        location: { location: 'eu-west-1', value: 'ALARM', since: at(1), observed: 2310 },
        breaching: [{ location: 'eu-west-1', value: 'ALARM', since: at(1), observed: 2310 }],
        others: [
          { location: 'eu-central-1', value: 'OK', since: '' },
          { location: 'us-east-1', value: 'OK', since: '' },
        ],
      },
    ]);
    expect(state).toMatchObject({ breached: false, noticed: ['eu-west-1'] });
  });

  it('pages once when a second location breaches, naming both with their values, the oldest first', () => {
    const { decisions, state } = replay([
      change('eu-west-1', 'ALARM', 1, 2310),
      change('us-east-1', 'ALARM', 3, 1980),
    ]);

    expect(decisions[1]).toEqual({
      kind: 'page',
      since: at(3),
      breaching: [
        { location: 'eu-west-1', value: 'ALARM', since: at(1), observed: 2310 },
        { location: 'us-east-1', value: 'ALARM', since: at(3), observed: 1980 },
      ],
      others: [{ location: 'eu-central-1', value: 'OK', since: '' }],
    });
    expect(state).toMatchObject({ breached: true, since: at(3) });
  });

  it('says nothing more while the quorum holds: a third location, a repeated ALARM', () => {
    const { decisions } = replay([
      change('eu-west-1', 'ALARM', 1, 2310),
      change('us-east-1', 'ALARM', 3, 1980),
      change('eu-central-1', 'ALARM', 4, 1500),
      change('us-east-1', 'ALARM', 4, 2000),
      change('eu-central-1', 'OK', 5),
    ]);

    expect(decisions.slice(2)).toEqual([
      { kind: 'nothing', why: 'the incident continues: 3 of 3 locations breaching (quorum 2)' },
      { kind: 'nothing', why: 'the incident continues: 3 of 3 locations breaching (quorum 2)' },
      { kind: 'nothing', why: 'the incident continues: 2 of 3 locations breaching (quorum 2)' },
    ]);
  });

  it('recovers once fewer than the quorum remain, naming the one still breaching', () => {
    const { decisions, state } = replay([
      change('eu-west-1', 'ALARM', 1, 2310),
      change('us-east-1', 'ALARM', 3, 1980),
      change('us-east-1', 'OK', 9),
    ]);

    expect(decisions[2]).toEqual({
      kind: 'recover',
      since: at(9),
      breaching: [{ location: 'eu-west-1', value: 'ALARM', since: at(1), observed: 2310 }],
      others: [
        { location: 'eu-central-1', value: 'OK', since: '' },
        { location: 'us-east-1', value: 'OK', since: at(9), observed: undefined },
      ],
    });
    expect(state).toMatchObject({ breached: false, since: at(9) });
  });

  it('recovers only once, and the last location back within its SLA is no news', () => {
    const { decisions } = replay([
      change('eu-west-1', 'ALARM', 1),
      change('us-east-1', 'ALARM', 3),
      change('us-east-1', 'OK', 9),
      change('eu-west-1', 'OK', 10),
    ]);

    expect(decisions.map((d) => d.kind)).toEqual(['notice', 'page', 'recover', 'nothing']);
  });

  it('pages again when the quorum comes back (the incident decides whether it is a flap)', () => {
    const { decisions } = replay([
      change('eu-west-1', 'ALARM', 1),
      change('us-east-1', 'ALARM', 3),
      change('us-east-1', 'OK', 9),
      change('us-east-1', 'ALARM', 11),
    ]);

    expect(decisions.map((d) => d.kind)).toEqual(['notice', 'page', 'recover', 'page']);
  });
});

describe('a flapping location below the quorum', () => {
  it('is noticed once while the others never all stayed within their SLA for the damping window', () => {
    const { decisions } = replay([
      change('eu-west-1', 'ALARM', 1),
      change('eu-west-1', 'OK', 2),
      change('eu-west-1', 'ALARM', 11),
    ]);

    expect(decisions.map((d) => d.kind)).toEqual(['notice', 'nothing', 'nothing']);
    expect(decisions[2]).toMatchObject({ why: expect.stringMatching(/^eu-west-1 was noticed already/) });
  });

  it('is noticed again once every location stayed within its SLA for the whole damping window', () => {
    const { decisions } = replay([
      change('eu-west-1', 'ALARM', 1),
      change('eu-west-1', 'OK', 2),
      change('eu-west-1', 'ALARM', 12),
    ]);

    expect(decisions.map((d) => d.kind)).toEqual(['notice', 'nothing', 'notice']);
  });

  it('a second location alone is its own notice', () => {
    const { decisions } = replay([
      change('eu-west-1', 'ALARM', 1),
      change('eu-west-1', 'OK', 2),
      change('us-east-1', 'ALARM', 3),
    ]);

    expect(decisions.map((d) => d.kind)).toEqual(['notice', 'nothing', 'notice']);
  });
});

describe('changes that change nothing', () => {
  it('ignores a late delivery older than the location state', () => {
    const { state } = replay([change('eu-west-1', 'ALARM', 5)]);
    const late = nextQuorum(state, ALARM, change('eu-west-1', 'OK', 4), THREE);

    expect(late.decision).toEqual({
      kind: 'nothing',
      why: `a late change of eu-west-1 (OK at ${at(4)}; ALARM since ${at(5)})`,
    });
    expect(late.next).toBe(state);
    expect(late.changed).toBe(false);
    expect(nextQuorum(state, ALARM, change('eu-west-1', 'OK', 6), THREE).changed).toBe(true);
  });

  it('ignores a location the probe does not run in', () => {
    const step = nextQuorum(undefined, ALARM, change('ap-south-1', 'ALARM', 1), THREE);

    expect(step.decision).toEqual({
      kind: 'nothing',
      why: "ap-south-1 is none of the probe's locations (eu-west-1, eu-central-1, us-east-1)",
    });
    expect(step.changed).toBe(false);
  });

  it('counts INSUFFICIENT_DATA as not breaching', () => {
    const { decisions } = replay([
      change('eu-west-1', 'ALARM', 1),
      change('us-east-1', 'INSUFFICIENT_DATA', 2),
    ]);

    expect(decisions[1]).toEqual({ kind: 'nothing', why: '1 of 3 locations breaching (quorum 2)' });
  });
});

describe('the quorum at its boundaries', () => {
  it('of 1 pages at the first breaching location (no notice)', () => {
    const { decisions } = replay([change('eu-west-1', 'ALARM', 1)], { ...THREE, minLocations: 1 });

    expect(decisions.map((d) => d.kind)).toEqual(['page']);
  });

  it('of 3 notices two and pages at the third', () => {
    const { decisions } = replay(
      [change('eu-west-1', 'ALARM', 1), change('us-east-1', 'ALARM', 2), change('eu-central-1', 'ALARM', 3)],
      { ...THREE, minLocations: 3 },
    );

    expect(decisions.map((d) => d.kind)).toEqual(['notice', 'notice', 'page']);
  });

  it('of both of two locations notices one and pages at two', () => {
    const rules = { locations: ['eu-west-1', 'us-east-1'], minLocations: 2, dampMs: 0 };
    const { decisions } = replay([change('eu-west-1', 'ALARM', 1), change('us-east-1', 'ALARM', 2)], rules);

    expect(decisions.map((d) => d.kind)).toEqual(['notice', 'page']);
  });
});
