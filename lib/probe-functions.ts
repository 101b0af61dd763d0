import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stage, Validations } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEPLOYED_SUITE_FILE, type DeployedSuite } from '../functions/core/cloud/deployed-suite.ts';

/** perfprobe's own root: this repository, or `node_modules/perfprobe` in a project that installed it. */
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

const LOCK_FILES = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb'];

/**
 * The lock file NodejsFunction asks for (it must exist, and the handler must lie under its directory): this
 * repository's own, or, installed as a package (npm publishes no lock file), the lock file of the project that
 * installed it, found upward from `node_modules/perfprobe`.
 */
export function dependencyLockFile(from: string = packageRoot): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const found = LOCK_FILES.map((name) => join(dir, name)).find((file) => existsSync(file));
    if (found !== undefined) return found;
    if (dirname(dir) === dir) {
      throw new Error(
        `perfprobe: no lock file (${LOCK_FILES.join(', ')}) in ${from} or above it: bundling the Lambda functions needs the project's lock file; install with npm, pnpm, yarn or bun`,
      );
    }
  }
}

export type HandlerName = 'plan' | 'worker' | 'aggregate' | 'notify';

/** Where a function's network interfaces go: only workers call the target, so only they are placed. */
export interface FunctionPlacement {
  readonly vpc: IVpc;
  readonly subnets?: SubnetSelection;
  readonly securityGroups?: ISecurityGroup[];
}

export interface ProbeFunctionProps {
  readonly handler: HandlerName;
  /** The deployed suite as a file (see suiteFile); copied into the bundle next to index.mjs as DEPLOYED_SUITE_FILE. */
  readonly suiteFile: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  readonly environment?: Record<string, string>;
  /** @default - no reservation */
  readonly reservedConcurrentExecutions?: number;
  /** @default - not in a VPC */
  readonly placement?: FunctionPlacement;
  /** The customer-managed key of its log group. @default - CloudWatch Logs' own encryption */
  readonly encryptionKey?: IKey | undefined;
  /**
   * X-Ray active tracing: $5 per million traces, more than a check's whole run costs in Lambda at scale, so
   * an environment opts in (`tracing: true`). @default false
   */
  readonly tracing?: boolean | undefined;
}

/**
 * Writes the deployed suite once per synth, where every bundle of the suite copies it from: inside the cloud
 * assembly's directory (cleaned with it), named by its content so stacks of one app never share a file.
 */
export function suiteFile(scope: Construct, deployed: DeployedSuite): string {
  const text = JSON.stringify(deployed);
  const dir = join(Stage.of(scope)?.outdir ?? '.', 'perfprobe-suites');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`);
  writeFileSync(file, text);
  return file;
}

/**
 * A handler from functions/handlers as an ESM, minified, arm64 bundle, with the deployed suite as a JSON file
 * beside it. The AWS SDK stays external (the runtime ships v3); undici and hdr-histogram-js are CommonJS and
 * call `require`, which an ESM bundle lacks, hence the createRequire banner. The role is the function's own:
 * logs only to its own log group (AWSLambdaBasicExecutionRole would allow every log group in the account).
 */
export function probeFunction(scope: Construct, id: string, props: ProbeFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
    encryptionKey: props.encryptionKey,
  });
  const role = functionRole(scope, id, props, logGroup);
  const copy = process.platform === 'win32' ? 'copy' : 'cp';
  const lockFile = dependencyLockFile();
  return new NodejsFunction(scope, id, {
    entry: join(packageRoot, 'functions', 'handlers', `${props.handler}.ts`),
    handler: 'handler',
    // Names the handler in the template (the authorization walk in test/lib reads it).
    description: `perfprobe ${props.handler}`,
    projectRoot: dirname(lockFile),
    depsLockFilePath: lockFile,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
    logGroup,
    role,
    reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    // The state machines call published versions, whose logical ids change with the code: without Retain,
    // CloudFormation's cleanup after a deploy deletes the version an execution started before it still calls
    // (ResourceNotFoundException, not retried). Retained versions stay until `perfprobe prune` deletes them
    // (cost: code storage only).
    currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
    vpc: props.placement?.vpc,
    vpcSubnets: props.placement?.subnets,
    securityGroups: props.placement?.securityGroups,
    environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    bundling: {
      format: OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: true,
      mainFields: ['module', 'main'],
      externalModules: ['@aws-sdk/*'],
      banner:
        "import { createRequire as __perfprobeRequire } from 'node:module'; const require = __perfprobeRequire(import.meta.url);",
      // Must match the file functions/handlers/bundled-suite.ts reads.
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (_input, outputDir) => [
          `${copy} "${props.suiteFile}" "${join(outputDir, DEPLOYED_SUITE_FILE)}"`,
        ],
      },
    },
  });
}

/**
 * The function's own role: logs only to its own log group (AWSLambdaBasicExecutionRole would allow every log
 * group in the account), X-Ray, and ENI management when it is placed in a VPC.
 */
function functionRole(scope: Construct, id: string, props: ProbeFunctionProps, logGroup: LogGroup): Role {
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `perfprobe ${props.handler}: its own log group, and what the stack grants it`,
  });
  role.addToPolicy(
    new PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      // The log group's Arn attribute ends in ":*", which covers its log streams and nothing else.
      resources: [logGroup.logGroupArn],
    }),
  );
  if (props.placement) {
    // What AWSLambdaVPCAccessExecutionRole grants, inline: ENI management has no resource-level scoping.
    role.addToPolicy(
      new PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );
  }
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: `X-Ray PutTraceSegments/PutTelemetryRecords and CloudWatch PutMetricData have no resource-level permissions (PutMetricData is limited to the Perfprobe namespace by condition)${props.placement ? '; nor does managing the network interfaces of a function in a VPC (ec2:CreateNetworkInterface and friends, as AWSLambdaVPCAccessExecutionRole grants)' : ''}.`,
  });
  return role;
}

export function seconds(ms: number): Duration {
  return Duration.seconds(Math.ceil(ms / 1000));
}
