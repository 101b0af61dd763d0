import { UsageError } from './usage-error.ts';

/** `--location NAME`: what `run` tags its runs with, what `runs`, `history` and `report` keep to. */
export const LOCATION_FLAG = { location: { type: 'string' } } as const;

export const LOCATION_READ_HELP =
  "      --location NAME     only the runs sent from there (an AWS region, or run --location's name); without\n" +
  '                          it, runs of several locations are also shown per location, side by side\n';

export const LOCATION_RUN_HELP =
  '      --location NAME     tag the recorded runs with where they were sent from (e.g. eu-west-1, office)\n';

const LOCATION = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The flag's value, or undefined; anything but a short lowercase name is a UsageError naming the flag. */
export function locationFlag(value: string | undefined): string | undefined {
  if (value === undefined || LOCATION.test(value)) return value;
  throw new UsageError(
    `--location: expected a location name of lowercase letters, digits and "-" like "eu-west-1", got ${JSON.stringify(value)}`,
  );
}
