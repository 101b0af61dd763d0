import { useSsm } from './aws-clients.ts';

/** Flipping the switch takes effect within this long (a warm Plan function re-reads it no more often). */
export const KILL_SWITCH_CACHE_MS = 30_000;

export type KillSwitchState = 'on' | 'off' | 'unreadable';

let cached: { state: KillSwitchState; readAt: number } | undefined;

/**
 * The environment's kill switch: an SSM parameter whose value "on" pauses every probe of the environment
 * without a redeploy. When it cannot be read, perfprobe sends no load either (when in doubt, no load on
 * production), and says so.
 */
export async function killSwitchState(
  parameter: string | undefined,
  options: { readonly now?: () => number } = {},
): Promise<KillSwitchState> {
  if (!parameter) return 'off';
  const now = options.now ?? Date.now;
  if (cached !== undefined && now() - cached.readAt < KILL_SWITCH_CACHE_MS) return cached.state;
  const { sdk, client } = await useSsm();
  let state: KillSwitchState;
  try {
    const out = await client.send(new sdk.GetParameterCommand({ Name: parameter }));
    state = out.Parameter?.Value?.trim().toLowerCase() === 'on' ? 'on' : 'off';
  } catch (error) {
    console.error(
      JSON.stringify({ message: 'kill switch unreadable: no load', parameter, error: String(error) }),
    );
    state = 'unreadable';
  }
  cached = { state, readAt: now() };
  return state;
}

/** For tests: forget the cached state. */
export function forgetKillSwitch(): void {
  cached = undefined;
}
