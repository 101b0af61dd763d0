import { environmentLocations, locationCount } from './locations.ts';

interface Problem {
  readonly path: string;
  readonly message: string;
}

interface Env {
  readonly locations?: readonly string[] | undefined;
  readonly home?: string | undefined;
}

interface Probe {
  readonly locations?: readonly string[] | undefined;
  readonly alert?: { readonly minLocations?: number | undefined } | undefined;
}

/** `home` is one of the environment's locations. */
export function homeProblems(envName: string, env: Env): Problem[] {
  if (env.home === undefined || env.locations?.includes(env.home)) return [];
  return [
    {
      path: `environments.${envName}.home`,
      message:
        env.locations === undefined
          ? `expected home only with locations (it names which of them holds the notifier), got "${env.home}" without locations`
          : `expected one of the environment's locations (${env.locations.join(', ')}), got "${env.home}"`,
    },
  ];
}

/**
 * A probe's locations narrow each environment's that names some (an environment without locations is its one
 * deploy region, nothing to narrow); its quorum is at most the locations it runs from there.
 */
export function probeLocationProblems(index: number, probe: Probe, envName: string, env: Env): Problem[] {
  const problems: Problem[] = [];
  const all = environmentLocations(env);
  if (all.length === 0) return problems;
  const outside = (probe.locations ?? []).filter((l) => !all.includes(l));
  if (outside.length > 0) {
    problems.push({
      path: `probes[${index}].locations`,
      message: `expected locations of environment "${envName}" (${all.join(', ')}), got ${outside.map((l) => `"${l}"`).join(', ')}`,
    });
  }
  const count = locationCount(env, probe);
  const min = probe.alert?.minLocations;
  if (min !== undefined && outside.length === 0 && min > count) {
    problems.push({
      path: `probes[${index}].alert.minLocations`,
      message: `expected at most ${count} (the probe's locations in environment "${envName}"), got ${min}`,
    });
  }
  return problems;
}
