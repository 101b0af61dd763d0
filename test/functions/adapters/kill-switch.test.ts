import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  forgetKillSwitch,
  KILL_SWITCH_CACHE_MS,
  killSwitchState,
} from '../../../functions/adapters/kill-switch.ts';

// No local SSM server exists: the exact request is asserted.
const ssm = mockClient(SSMClient);
const parameter = '/perfprobe/bank/prod/kill-switch';
beforeEach(async () => {
  await forgetKillSwitch();
  // Powertools' cache reads Date.now(); only the clock is faked, timers stay real.
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  ssm.reset();
});

describe('kill switch', () => {
  it('reads the parameter, and re-reads it only after 30 s', async () => {
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: 'off' } })
      .resolves({ Parameter: { Value: 'ON' } });
    expect(await killSwitchState(parameter)).toBe('off');
    vi.advanceTimersByTime(KILL_SWITCH_CACHE_MS - 1);
    expect(await killSwitchState(parameter)).toBe('off');
    vi.advanceTimersByTime(2);
    expect(await killSwitchState(parameter)).toBe('on');
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: parameter, WithDecryption: false },
      { Name: parameter, WithDecryption: false },
    ]);
  });

  it('sends no load when the switch cannot be read, and says so with the parameter and the cause', async () => {
    ssm.on(GetParameterCommand).rejects(new Error('AccessDenied'));
    const logged: unknown[] = [];
    expect(await killSwitchState(parameter, (message, details) => logged.push({ message, ...details }))).toBe(
      'unreadable',
    );
    expect(logged).toEqual([
      { message: 'kill switch unreadable: no load', parameter, error: 'Error: AccessDenied' },
    ]);
  });

  it('is off while the parameter does not exist (the stack names it; whoever first turns it on creates it)', async () => {
    ssm.on(GetParameterCommand).rejects(
      Object.assign(new Error('Parameter /perfprobe/bank/prod/kill-switch not found.'), {
        name: 'ParameterNotFound',
        $metadata: {},
      }),
    );
    const logged: unknown[] = [];
    expect(await killSwitchState(parameter, (message) => logged.push(message))).toBe('off');
    expect(logged).toEqual([]);
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: parameter, WithDecryption: false },
    ]);
  });

  it('is off where no switch is configured (local runs)', async () => {
    expect(await killSwitchState(undefined)).toBe('off');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });
});
