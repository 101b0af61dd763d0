/*
 * Where a probe runs and how many of its locations must breach before on-call is paged. Plain functions over the
 * parsed suite (no zod), for the schema's checks, the stacks, the notifier and the planner alike.
 */

/** The parts of an environment these helpers read. */
export interface LocatedEnvironment {
  /** AWS regions; absent: the one region the stack is deployed to. */
  readonly locations?: readonly string[] | undefined;
  /** One of `locations`; absent: the first. */
  readonly home?: string | undefined;
}

/** The parts of a probe these helpers read. */
export interface LocatedProbe {
  readonly locations?: readonly string[] | undefined;
  readonly stagger?: boolean | undefined;
  readonly alert?: { readonly minLocations?: number | undefined } | undefined;
}

/**
 * The environment's locations, home first; empty when it names none (one stack in the region it is deployed
 * to, as before locations existed).
 */
export function environmentLocations(env: LocatedEnvironment): readonly string[] {
  const locations = env.locations ?? [];
  const home = homeLocation(env);
  return home === undefined ? locations : [home, ...locations.filter((l) => l !== home)];
}

/** The region that holds the notifier, topics, dashboard and incidents; undefined without locations. */
export function homeLocation(env: LocatedEnvironment): string | undefined {
  return env.home ?? env.locations?.[0];
}

/**
 * Where a probe runs in an environment, in the environment's order: its own `locations` narrow the
 * environment's. Empty when the environment names none (its one deploy region; a probe cannot narrow that).
 */
export function probeLocations(env: LocatedEnvironment, probe: LocatedProbe): readonly string[] {
  const all = environmentLocations(env);
  if (probe.locations === undefined || all.length === 0) return all;
  return all.filter((l) => probe.locations?.includes(l));
}

/** How many locations a probe runs from: at least 1 (an environment without locations is one). */
export function locationCount(env: LocatedEnvironment, probe: LocatedProbe): number {
  return Math.max(1, probeLocations(env, probe).length);
}

/**
 * The quorum when the probe names none: with two locations both (one region's route to the API failing is
 * not an outage), with three or more 2 (a majority of three; beyond that two regions agreeing is already
 * more than a route), with one that one.
 */
export function defaultQuorum(count: number): number {
  return count <= 1 ? 1 : 2;
}

/** How many of the probe's locations must breach at once before its incident opens (a page). */
export function quorumFor(env: LocatedEnvironment, probe: LocatedProbe): number {
  const count = locationCount(env, probe);
  return Math.min(count, probe.alert?.minLocations ?? defaultQuorum(count));
}

/**
 * A location's offset from the scheduled time: 0 unless the probe staggers, then index × interval / n, so the
 * locations' runs spread evenly over one interval (more samples of time instead of comparable moments).
 */
export function staggerOffsetMs(
  probe: LocatedProbe,
  locationIndex: number,
  locations: number,
  intervalMs: number,
): number {
  if (probe.stagger !== true || locations <= 1) return 0;
  const index = Math.min(Math.max(0, Math.trunc(locationIndex)), locations - 1);
  return Math.floor((index * intervalMs) / locations);
}
