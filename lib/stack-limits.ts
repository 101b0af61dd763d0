import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CfnResource, type Stack } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { STACK_LIMITS } from '../functions/core/cloud/deploy-checks.ts';

const SPLIT =
  'split the suite into several suite files (each deploys its own stack), e.g. one per team or API';

const checked = new WeakSet<Stack>();

/**
 * Counts the stack's real resources at synth (deploy-checks estimates them earlier, for `validate`): a stack
 * over CloudFormation's limit is refused here, with the numbers, rather than by CloudFormation mid-deploy.
 */
export function checkResourceCount(stack: Stack, source?: string): void {
  if (checked.has(stack)) return;
  checked.add(stack);
  stack.node.addValidation({
    validate: () => {
      const count = stack.node.findAll().filter(CfnResource.isCfnResource).length;
      return count > STACK_LIMITS.resources
        ? [
            `${source ? `${source}: ` : ''}the stack has ${count} resources, more than CloudFormation's limit of ${STACK_LIMITS.resources}: ${SPLIT}`,
          ]
        : [];
    },
  });
}

/**
 * The synthesized templates within CloudFormation's size limit, measured on the files `cdk deploy` uploads.
 * Returns one message per stack over it.
 */
export function templateSizeProblems(assembly: CloudAssembly): string[] {
  return assembly.stacks.flatMap((artifact) => {
    const bytes = statSync(join(assembly.directory, artifact.templateFile)).size;
    return bytes > STACK_LIMITS.templateBytes
      ? [
          `the template of ${artifact.stackName} has ${bytes.toLocaleString('en-US')} bytes, more than CloudFormation's limit of ${STACK_LIMITS.templateBytes.toLocaleString('en-US')}: ${SPLIT}`,
        ]
      : [];
  });
}
