import type { DeployedNames, ProbeAlarmKind } from '../cloud/deployed-suite.ts';

/** What an alarm of this stack watches, read back from its name (see probeAlarmName, systemAlarmName). */
export type AlarmSubject =
  | { readonly kind: 'probe'; readonly probeId: string; readonly check: ProbeAlarmKind }
  | { readonly kind: 'system'; readonly what: string }
  /** The drill alarm (drillAlarmName): set by `perfprobe drill`, nothing to fix. */
  | { readonly kind: 'drill' };

/** undefined: not an alarm of this stack (the rule's pattern should not have let it through). */
export function alarmSubject(names: DeployedNames, alarmName: string): AlarmSubject | undefined {
  if (!alarmName.startsWith(names.alarmPrefix)) return undefined;
  const rest = alarmName.slice(names.alarmPrefix.length);
  if (rest === 'drill') return { kind: 'drill' };
  if (rest.startsWith('system.')) return { kind: 'system', what: rest.slice('system.'.length) };
  // Probe ids hold no ".", so the id ends at the first dot after "probe.".
  const match = /^probe\.([^.]+)\.(.+)$/.exec(rest);
  if (!match) return undefined;
  return { kind: 'probe', probeId: match[1]!, check: match[2] as ProbeAlarmKind };
}

/** The probe alarms that page through the notifier; store-failed is perfprobe's own and goes to the topic. */
export const NOTIFIED_PROBE_ALARMS = [
  'sla',
  'heartbeat',
  'cannot-measure',
  'cert-expiry',
  'latency-*',
  'step-*',
  // An SLO's burn alerts: the composites only (their windows' metric alarms are named burn-*).
  'slo-*',
] as const;
