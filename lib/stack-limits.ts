import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { STACK_LIMITS } from '../functions/core/cloud/deploy-checks.ts';

const SPLIT =
  'split the suite into several suite files (each deploys its own stack), e.g. one per team or API';

const checked = new WeakSet<Stack>();

/** The resource `cdk synth` adds to every stack unless version reporting is off. */
const METADATA = 'AWS::CDK::Metadata';

/**
 * Counts the stack's real resources at synth (deploy-checks counts them earlier, for `validate`): a stack
 * over CloudFormation's limit is refused here, with the numbers, rather than by CloudFormation mid-deploy.
 * AWS::CDK::Metadata counts even when version reporting is off: `validate` cannot know the app's context, and
 * the two must agree (a stack refused at 501 with it would be refused at 500 without it: one resource of slack).
 */
export function checkResourceCount(stack: Stack, source?: string): void {
  if (checked.has(stack)) return;
  checked.add(stack);
  stack.node.addValidation({
    validate: () => {
      // A nested stack's resources are in its own template: only its AWS::CloudFormation::Stack counts here.
      const resources = stack.node
        .findAll()
        .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
      const count = resources.length + (resources.some((r) => r.cfnResourceType === METADATA) ? 0 : 1);
      return count > STACK_LIMITS.resources
        ? [
            `${source ? `${source}: ` : ''}the stack has ${count} resources, more than CloudFormation's limit of ${STACK_LIMITS.resources}: ${SPLIT}`,
          ]
        : [];
    },
  });
}

/**
 * The synthesized templates within CloudFormation's size limit, measured on the files `cdk deploy` uploads:
 * every stack's and every nested stack's (written beside them as `*.nested.template.json`). Returns one
 * message per template over it.
 */
export function templateSizeProblems(assembly: CloudAssembly): string[] {
  const templates = [
    ...assembly.stacks.map((artifact) => ({ name: artifact.stackName, file: artifact.templateFile })),
    ...readdirSync(assembly.directory)
      .filter((file) => file.endsWith('.nested.template.json'))
      .map((file) => ({ name: `nested stack ${file.replace('.nested.template.json', '')}`, file })),
  ];
  return templates.flatMap(({ name, file }) => {
    const bytes = statSync(join(assembly.directory, file)).size;
    return bytes > STACK_LIMITS.templateBytes
      ? [
          `the template of ${name} has ${bytes.toLocaleString('en-US')} bytes, more than CloudFormation's limit of ${STACK_LIMITS.templateBytes.toLocaleString('en-US')}: ${SPLIT}`,
        ]
      : [];
  });
}
