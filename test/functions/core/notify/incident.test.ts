import { describe, expect, it } from 'vitest';
import { readAlarmEvent } from '../../../../functions/core/notify/alarm-event.ts';
import {
  alarmChangeKey,
  type IncidentState,
  incidentKey,
  isOpen,
  nextIncident,
} from '../../../../functions/core/notify/incident.ts';

const ALARM = 'perfprobe.test.test.probe.login.sla';

/** The alarm's change `from` → `to` at 03:mm:ss, the previous state entered at 03:00. */
function change(minute: number, from: string, to: string, alarmName = ALARM, second = 0) {
  const time = (m: number, s: number) =>
    new Date(Date.UTC(2026, 10, 30, 3, m, s)).toISOString().replace('Z', '+0000');
  return readAlarmEvent({
    'detail-type': 'CloudWatch Alarm State Change',
    region: 'eu-west-1',
    account: '123456789012',
    resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`],
    detail: {
      alarmName,
      previousState: { value: from, reason: 'before', timestamp: time(0, 0) },
      state: { value: to, reason: `now ${to} at ${minute}`, timestamp: time(minute, second) },
    },
  });
}
const iso = (minute: number, second = 0) => new Date(Date.UTC(2026, 10, 30, 3, minute, second)).toISOString();

describe('one alarm state change, however often it is delivered (alarmChangeKey)', () => {
  it('is one key for every delivery of one change, and another for another state or another time', () => {
    const once = alarmChangeKey(change(5, 'OK', 'ALARM'));

    expect(alarmChangeKey(change(5, 'OK', 'ALARM'))).toBe(once);
    expect(once).toBe(`ALARM@${iso(5).replace('.000Z', '.000+0000')}`);
    expect(alarmChangeKey(change(5, 'ALARM', 'OK'))).not.toBe(once);
    expect(alarmChangeKey(change(5, 'OK', 'ALARM', ALARM, 1))).not.toBe(once);
  });
});

describe('an incident whose page was held (a silence, a maintenance window)', () => {
  const held = (): IncidentState => ({
    ...nextIncident(undefined, change(1, 'OK', 'ALARM')).next,
    heldBy: 'silence',
  });

  it('is never "already told" when it flaps, however often: on-call has not heard of it', () => {
    const ok = nextIncident(held(), change(5, 'ALARM', 'OK'));
    const flap = nextIncident(ok.next, change(7, 'OK', 'ALARM'));
    const secondFlap = nextIncident(
      nextIncident(flap.next, change(8, 'ALARM', 'OK')).next,
      change(9, 'OK', 'ALARM'),
    );

    expect(flap).toMatchObject({ flapping: true, alreadyTold: false, next: { flaps: 1 } });
    expect(secondFlap).toMatchObject({
      flapping: true,
      alreadyTold: false,
      okAt: iso(8),
      dedupKey: `${ALARM}@${iso(1)}`,
      next: { flaps: 2, heldBy: 'silence', reason: 'now ALARM at 9' },
    });
  });

  it('continues on a repeated ALARM, still untold, with the latest reason', () => {
    const again = nextIncident(held(), change(3, 'ALARM', 'ALARM'));

    expect(again).toEqual({
      dedupKey: `${ALARM}@${iso(1)}`,
      flapping: false,
      alreadyTold: false,
      next: { ...held(), reason: 'now ALARM at 3' },
    });
  });
});

describe('a flap, at its time boundary', () => {
  const paged = (): IncidentState => {
    const opened = nextIncident(undefined, change(1, 'OK', 'ALARM')).next;
    return { ...opened, notifiedAt: opened.openedAt };
  };

  it('is an ALARM at the very time of the OK, not only after it; one before it is a late, repeated ALARM', () => {
    const ok = nextIncident(paged(), change(5, 'ALARM', 'OK')).next;

    expect(nextIncident(ok, change(5, 'OK', 'ALARM'))).toMatchObject({
      flapping: true,
      okAt: iso(5),
      alreadyTold: false,
      next: { flaps: 1, okAt: undefined },
    });
    expect(nextIncident(ok, change(4, 'OK', 'ALARM', ALARM, 59))).toMatchObject({
      flapping: false,
      alreadyTold: true,
      next: { flaps: 0, okAt: iso(5) },
    });
  });

  it('is told once when on-call was paged: the second flap is only counted', () => {
    const ok = nextIncident(paged(), change(5, 'ALARM', 'OK')).next;
    const flap = nextIncident(ok, change(6, 'OK', 'ALARM'));
    const ok2 = nextIncident(flap.next, change(7, 'ALARM', 'OK')).next;

    expect(flap.alreadyTold).toBe(false);
    expect(nextIncident(ok2, change(8, 'OK', 'ALARM'))).toMatchObject({
      alreadyTold: true,
      next: { flaps: 2 },
    });
  });
});

describe('incidents of other alarms, closed ones, and lost state', () => {
  it("opens a new incident for an ALARM when the one remembered is another alarm's, or is over", () => {
    const other = nextIncident(
      undefined,
      change(1, 'OK', 'ALARM', 'perfprobe.test.test.probe.home.sla'),
    ).next;
    const closed = { ...nextIncident(undefined, change(1, 'OK', 'ALARM')).next, recoveredAt: iso(3) };

    for (const previous of [other, closed]) {
      expect(nextIncident(previous, change(10, 'OK', 'ALARM'))).toEqual({
        dedupKey: `${ALARM}@${iso(10)}`,
        flapping: false,
        alreadyTold: false,
        next: {
          alarmName: ALARM,
          dedupKey: `${ALARM}@${iso(10)}`,
          openedAt: iso(10),
          flaps: 0,
          reason: 'now ALARM at 10',
        },
      });
    }
    expect(isOpen(closed)).toBe(false);
    expect(isOpen(other)).toBe(true);
    expect(isOpen(undefined)).toBe(false);
  });

  it('holds the recovery of the open incident at an OK', () => {
    const opened = nextIncident(undefined, change(1, 'OK', 'ALARM')).next;

    expect(nextIncident(opened, change(5, 'ALARM', 'OK'))).toEqual({
      dedupKey: opened.dedupKey,
      flapping: false,
      alreadyTold: false,
      next: { ...opened, okAt: iso(5) },
    });
  });

  it('takes an OK without a remembered incident for the end of one that began at the previous state, assumed paged', () => {
    const other = nextIncident(
      undefined,
      change(1, 'OK', 'ALARM', 'perfprobe.test.test.probe.home.sla'),
    ).next;

    for (const previous of [undefined, other]) {
      expect(nextIncident(previous, change(5, 'ALARM', 'OK'))).toEqual({
        dedupKey: `${ALARM}@${iso(0)}`,
        flapping: false,
        alreadyTold: false,
        next: {
          alarmName: ALARM,
          dedupKey: `${ALARM}@${iso(0)}`,
          openedAt: iso(0),
          okAt: iso(5),
          flaps: 0,
          notifiedAt: iso(0),
        },
      });
    }
  });
});

describe("a location's own incident (cannot measure, heartbeat, with several locations)", () => {
  const central = 'eu-central-1';

  it('keys an incident by its location, and the alarm’s one incident by the alarm alone', () => {
    expect(incidentKey({ alarmName: ALARM, location: central })).toBe(`${ALARM}@${central}`);
    expect(incidentKey({ alarmName: ALARM })).toBe(ALARM);
  });

  it("opens the location's incident under its own key, apart from another location's open one", () => {
    const east = nextIncident(undefined, change(1, 'OK', 'ALARM'), 'us-east-1').next;
    const whole = nextIncident(undefined, change(1, 'OK', 'ALARM')).next;

    for (const previous of [east, whole]) {
      expect(nextIncident(previous, change(10, 'OK', 'ALARM'), central)).toEqual({
        dedupKey: `${ALARM}@${central}@${iso(10)}`,
        flapping: false,
        alreadyTold: false,
        next: {
          alarmName: ALARM,
          location: central,
          dedupKey: `${ALARM}@${central}@${iso(10)}`,
          openedAt: iso(10),
          flaps: 0,
          reason: 'now ALARM at 10',
        },
      });
    }
    // And the alarm's one incident is not a location's.
    expect(nextIncident(east, change(10, 'OK', 'ALARM')).next.location).toBeUndefined();
    expect(nextIncident(east, change(10, 'OK', 'ALARM')).dedupKey).toBe(`${ALARM}@${iso(10)}`);
  });

  it("continues the same location's incident: its OK holds the recovery, its next ALARM flaps", () => {
    const opened = nextIncident(undefined, change(1, 'OK', 'ALARM'), central).next;
    const held = nextIncident(opened, change(5, 'ALARM', 'OK'), central);
    const flap = nextIncident(held.next, change(7, 'OK', 'ALARM'), central);

    expect(held.next).toEqual({ ...opened, okAt: iso(5) });
    expect(flap).toMatchObject({
      dedupKey: opened.dedupKey,
      flapping: true,
      next: { location: central, flaps: 1 },
    });
  });

  it("takes a location's OK without a remembered incident for the end of one of that location, assumed paged", () => {
    expect(nextIncident(undefined, change(5, 'ALARM', 'OK'), central).next).toEqual({
      alarmName: ALARM,
      location: central,
      dedupKey: `${ALARM}@${central}@${iso(0)}`,
      openedAt: iso(0),
      okAt: iso(5),
      flaps: 0,
      notifiedAt: iso(0),
    });
  });
});
