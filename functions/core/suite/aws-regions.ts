/**
 * The regions a location may name, by partition. A static list (core reaches no network and bundles no SDK);
 * test/functions/core/suite/aws-regions.test.ts checks it against aws-cdk-lib's region facts, so a CDK upgrade
 * that knows a new region fails that test until the region is added here.
 *
 * Only the commercial, China and GovCloud partitions: the isolated ones (aws-iso*, aws-eusc) lack services the
 * stack uses or are reachable only from inside them.
 */
export const AWS_PARTITION_REGIONS = {
  aws: [
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'me-west-1',
    'mx-central-1',
    'sa-east-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
} as const satisfies Record<string, readonly string[]>;

export type AwsPartition = keyof typeof AWS_PARTITION_REGIONS;

/** The partition a region belongs to; undefined for a name no supported partition has. */
export function partitionOf(region: string): AwsPartition | undefined {
  for (const [partition, regions] of Object.entries(AWS_PARTITION_REGIONS)) {
    if ((regions as readonly string[]).includes(region)) return partition as AwsPartition;
  }
  return undefined;
}
