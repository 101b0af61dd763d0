import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type DeployedSuite, encodeDeployedSuite } from '../functions/core/cloud/deployed-suite.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export type HandlerName = 'plan' | 'worker' | 'aggregate';

export interface ProbeFunctionProps {
  readonly handler: HandlerName;
  readonly deployed: DeployedSuite;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  readonly environment?: Record<string, string>;
}

/**
 * A handler from functions/handlers as an ESM, minified, arm64 bundle with the suite compiled in. The AWS SDK
 * stays external (the runtime ships v3); undici and hdr-histogram-js are CommonJS and call `require`, which an
 * ESM bundle lacks, hence the createRequire banner.
 */
export function probeFunction(scope: Construct, id: string, props: ProbeFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return new NodejsFunction(scope, id, {
    entry: join(projectRoot, 'functions', 'handlers', `${props.handler}.ts`),
    handler: 'handler',
    projectRoot,
    depsLockFilePath: join(projectRoot, 'package-lock.json'),
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    tracing: Tracing.ACTIVE,
    logGroup,
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
      // Must match the global functions/handlers/bundled-suite.ts reads.
      define: { PERFPROBE_DEPLOYED_SUITE: JSON.stringify(encodeDeployedSuite(props.deployed)) },
    },
  });
}

export function seconds(ms: number): Duration {
  return Duration.seconds(Math.ceil(ms / 1000));
}
