import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  forgetKillSwitch,
  KILL_SWITCH_CACHE_MS,
  killSwitchState,
} from '../../../functions/adapters/kill-switch.ts';

// No local SSM server exists: the exact request is asserted.
const ssm = mockClient(SSMClient);
beforeEach(() => forgetKillSwitch());
afterEach(() => ssm.reset());

describe('kill switch', () => {
  it('reads the parameter, and re-reads it only after 30 s', async () => {
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: 'off' } })
      .resolves({ Parameter: { Value: 'ON' } });
    let now = 0;
    expect(await killSwitchState('/perfprobe/bank/prod/kill-switch', { now: () => now })).toBe('off');
    now += KILL_SWITCH_CACHE_MS - 1;
    expect(await killSwitchState('/perfprobe/bank/prod/kill-switch', { now: () => now })).toBe('off');
    now += 1;
    expect(await killSwitchState('/perfprobe/bank/prod/kill-switch', { now: () => now })).toBe('on');
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/perfprobe/bank/prod/kill-switch' },
      { Name: '/perfprobe/bank/prod/kill-switch' },
    ]);
  });

  it('sends no load when the switch cannot be read, and says so', async () => {
    ssm.on(GetParameterCommand).rejects(new Error('AccessDenied'));
    expect(await killSwitchState('/perfprobe/bank/prod/kill-switch')).toBe('unreadable');
  });

  it('is off where no switch is configured (local runs)', async () => {
    expect(await killSwitchState(undefined)).toBe('off');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });
});
