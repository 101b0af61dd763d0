import { type DeployedNames, type DeployedSuite, NAME_LIMITS } from './deployed-suite.ts';

/**
 * Where an environment deploys: one stack per location (AWS region), the home one first. An environment without
 * locations deploys one stack wherever `cdk deploy` points, exactly as before locations existed (an empty list).
 */
export function deployedLocations(deployed: DeployedSuite): readonly string[] {
  return deployed.locations ?? [];
}

/** The region holding the notifier, topics, dashboard and incidents; undefined without locations. */
export function homeOf(deployed: DeployedSuite): string | undefined {
  return deployedLocations(deployed)[0];
}

/** Every location but home: each forwards its alarms' state changes to home's event bus. */
export function remoteLocations(deployed: DeployedSuite): readonly string[] {
  return deployedLocations(deployed).slice(1);
}

/** Whether an environment deploys more than one stack (one per location). */
export function isMultiLocation(deployed: DeployedSuite): boolean {
  return deployedLocations(deployed).length > 1;
}

/** The locations a probe runs in; empty without locations (the one deploy region). */
export function locationsOf(deployed: DeployedSuite, probeId: string): readonly string[] {
  return deployed.probeLocations?.[probeId] ?? deployedLocations(deployed);
}

/**
 * The suite as one location's stack runs it: only the probes that run there (their schedules, runners and
 * alarms), everything else as the environment's. Without locations: the suite itself.
 */
export function deployedAt(deployed: DeployedSuite, location: string | undefined): DeployedSuite {
  if (location === undefined || deployed.locations === undefined) return deployed;
  const probes = Object.fromEntries(
    Object.entries(deployed.probes).filter(([id]) => locationsOf(deployed, id).includes(location)),
  );
  return { ...deployed, probes };
}

/** "-<hash>" at the end of every stack name (see deployedNames). */
const HASH_SUFFIX = 9;

/**
 * A location's stack: the environment's stack name and the region, within CloudFormation's 128 characters (a
 * long suite and environment lose the end of their readable part; the hash still tells pairs apart). An
 * environment with one location or none keeps the environment's stack name.
 */
export function locationStackName(names: DeployedNames, location: string): string {
  const full = `${names.stack}-${location}`;
  if (full.length <= NAME_LIMITS.stack) return full;
  const readable = names.stack.slice(0, -HASH_SUFFIX);
  const hash = names.stack.slice(-HASH_SUFFIX);
  return `${readable.slice(0, NAME_LIMITS.stack - HASH_SUFFIX - 1 - location.length)}${hash}-${location}`;
}

/**
 * A location's runs table, named, so that the home notifier can read every location's runs without a
 * cross-region reference: the location stack's name and "-runs" (DynamoDB allows 255).
 */
export function locationRunsTableName(names: DeployedNames, location: string): string {
  return `${locationStackName(names, location)}-runs`;
}

/**
 * What a location's functions learn of where they run (the planner's stagger, the stored run's location):
 * PERFPROBE_LOCATION, its index in the environment's order (home 0) and the whole list. Nothing without
 * locations.
 */
export function locationEnvironment(deployed: DeployedSuite, location: string): Record<string, string> {
  const all = deployedLocations(deployed);
  const index = all.indexOf(location);
  if (index < 0) throw new Error(`${location} is none of the environment's locations (${all.join(', ')})`);
  return {
    PERFPROBE_LOCATION: location,
    PERFPROBE_LOCATION_INDEX: String(index),
    PERFPROBE_LOCATIONS: all.join(','),
  };
}

/** Where a location's runs are stored: its region and its runs table (named, see locationRunsTableName). */
export interface LocationTable {
  readonly location: string;
  readonly region: string;
  readonly table: string;
}

/**
 * Every location's runs table, home first, for the readers of all locations' runs (the home notifier, the CLI's
 * all-locations view): with several locations each stores its runs in its own region's table, named from the
 * suite, the environment and the location, so no stack output is needed to find it. Empty with one location or
 * none (the one stack's table, found as before).
 */
export function locationTables(deployed: DeployedSuite, names: DeployedNames): LocationTable[] {
  if (!isMultiLocation(deployed)) return [];
  return deployedLocations(deployed).map((location) => ({
    location,
    region: location,
    table: locationRunsTableName(names, location),
  }));
}
