import { RegionInfo } from 'aws-cdk-lib/region-info';
import { describe, expect, it } from 'vitest';
import { AWS_PARTITION_REGIONS, partitionOf } from '../../../../functions/core/suite/aws-regions.ts';

describe('the static region list', () => {
  it('holds exactly the regions aws-cdk-lib knows in the aws, aws-cn and aws-us-gov partitions', () => {
    const known: Record<string, string[]> = {};
    for (const { name } of RegionInfo.regions) {
      const partition = RegionInfo.get(name).partition;
      if (partition !== undefined && partition in AWS_PARTITION_REGIONS) {
        known[partition] = [...(known[partition] ?? []), name];
      }
    }

    for (const [partition, regions] of Object.entries(AWS_PARTITION_REGIONS)) {
      expect([...regions].sort(), partition).toEqual((known[partition] ?? []).sort());
    }
  });

  it('names the partition of a region, and none for an isolated or unknown one', () => {
    expect(partitionOf('eu-west-1')).toBe('aws');
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOf('us-iso-east-1')).toBeUndefined();
    expect(partitionOf('eu-west-9')).toBeUndefined();
  });
});
