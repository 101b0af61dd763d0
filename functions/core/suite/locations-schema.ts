import { z } from 'zod';
import { AWS_PARTITION_REGIONS, partitionOf } from './aws-regions.ts';
import { describeValue } from './fields.ts';

const PARTITIONS = Object.keys(AWS_PARTITION_REGIONS).join(', ');

/** Says what a location must be, with the nearest names when the input looks like a region. */
function regionExpected(input: unknown): string {
  const prefix = typeof input === 'string' ? input.replace(/-\d+$/, '') : '';
  const near = Object.values(AWS_PARTITION_REGIONS)
    .flat()
    .filter((r) => prefix.length > 1 && r.startsWith(prefix));
  const list = near.length > 0 ? near : AWS_PARTITION_REGIONS.aws;
  return `expected an AWS region name of the ${PARTITIONS} partitions (${near.length > 0 ? 'like' : 'e.g.'} ${list.join(', ')}), got ${describeValue(input)}`;
}

/** One AWS region name: where a location's stack deploys and its probes send from. */
export const regionSchema = z.unknown().transform((input, ctx) => {
  if (typeof input === 'string' && partitionOf(input) !== undefined) return input;
  ctx.addIssue({ code: 'custom', message: regionExpected(input), input });
  return z.NEVER;
});

/**
 * A list of locations: at least one, each once, all in one partition (EventBridge carries alarm state changes
 * to the home region's bus only within a partition).
 */
export const locationsSchema = z
  .array(regionSchema)
  .min(1, 'expected at least one AWS region name')
  .superRefine((locations, ctx) => {
    locations.forEach((location, index) => {
      const first = locations.indexOf(location);
      if (first !== index) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `expected each location once, got "${location}" again (also [${first}])`,
        });
      }
    });
    const partitions = [...new Set(locations.map(partitionOf))];
    if (partitions.length > 1) {
      ctx.addIssue({
        code: 'custom',
        message: `expected locations of one AWS partition (alarm events cross regions only within one), got ${partitions.join(' and ')}`,
      });
    }
  });
