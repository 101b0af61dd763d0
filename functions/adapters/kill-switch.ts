import { killSwitchParameters } from './aws-clients.ts';

/** Flipping the switch takes effect within this long (a warm Plan function re-reads it no more often). */
export const KILL_SWITCH_CACHE_MS = 30_000;

export type KillSwitchState = 'on' | 'off' | 'unreadable';

/**
 * The environment's kill switch: an SSM parameter (created by whoever first sets it; absent is "off") whose value "on" pauses every probe of the environment
 * without a redeploy (read through Powertools Parameters, cached 30 s). When it cannot be read, perfprobe sends
 * no load either (when in doubt, no load on production), says so, and reads it again on the next run.
 */
export async function killSwitchState(
  parameter: string | undefined,
  log: (message: string, details: Record<string, unknown>) => void = defaultLog,
): Promise<KillSwitchState> {
  if (!parameter) return 'off';
  const ssm = await killSwitchParameters();
  try {
    const value = await ssm.get(parameter, { maxAge: KILL_SWITCH_CACHE_MS / 1000 });
    return value?.trim().toLowerCase() === 'on' ? 'on' : 'off';
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    // The stack does not own the parameter (CloudFormation would reset it on an update): until someone
    // creates it "on", it does not exist, which is "off". Any other failure is a switch in doubt.
    if ((cause as { name?: string }).name === 'ParameterNotFound') return 'off';
    log('kill switch unreadable: no load', { parameter, error: String(cause) });
    return 'unreadable';
  }
}

function defaultLog(message: string, details: Record<string, unknown>): void {
  console.error(JSON.stringify({ level: 'ERROR', message, ...details }));
}

/** For tests: forget the cached state. */
export async function forgetKillSwitch(): Promise<void> {
  (await killSwitchParameters()).clearCache();
}
