import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { parseSecretReference, type SecretReference } from '../functions/core/secret-reference.ts';
import { nagArn } from './nag-arn.ts';

/** A secret reference and the customer-managed KMS key its value is encrypted with, if it declares one. */
export interface KeyedSecretReference {
  readonly reference: SecretReference;
  /** `alias/name`, a key id or a key ARN; undefined for AWS-managed keys (aws/ssm, aws/secretsmanager). */
  readonly kmsKey: string | undefined;
}

/** A reference's plain form and its customer-managed key (the parser reads the `#kms=` suffix). */
export function parseKeyedSecretReference(text: string): KeyedSecretReference | undefined {
  const reference = parseSecretReference(text);
  if (!reference) return undefined;
  return { reference, kmsKey: reference.scheme === 'env' ? undefined : reference.kmsKey };
}

/** The ARNs a worker's secrets live at, and per customer-managed key the services it may decrypt through. */
interface SecretResources {
  readonly parameters: Set<string>;
  readonly secretArns: Set<string>;
  readonly keys: Map<string, Set<string>>;
}

/**
 * Lets a worker read exactly the secrets its probes use, and decrypt them when they are under a
 * customer-managed key (only through the service that holds them: kms:ViaService).
 */
export function grantSecrets(worker: IFunction, secrets: Iterable<string>): void {
  const { parameters, secretArns, keys } = secretResources(Stack.of(worker), secrets);
  if (parameters.size > 0) {
    worker.addToRolePolicy(
      new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [...parameters] }),
    );
  }
  if (secretArns.size > 0) grantSecretValues(worker, secretArns);
  for (const [key, services] of keys) grantDecrypt(worker, key, services);
}

function secretResources(stack: Stack, secrets: Iterable<string>): SecretResources {
  const found: SecretResources = { parameters: new Set(), secretArns: new Set(), keys: new Map() };
  for (const text of secrets) {
    const parsed = parseKeyedSecretReference(text);
    if (!parsed || parsed.reference.scheme === 'env') continue;
    const { reference, kmsKey } = parsed;
    if (reference.scheme === 'ssm') {
      found.parameters.add(
        stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: reference.name.slice(1) }),
      );
    } else {
      found.secretArns.add(
        stack.formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          // Secrets Manager appends six random characters to a secret's name in its ARN.
          resourceName: `${reference.name}-??????`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      );
    }
    if (kmsKey !== undefined) {
      const via = `${reference.scheme}.${stack.region}.${stack.urlSuffix}`;
      if (!found.keys.has(kmsKey)) found.keys.set(kmsKey, new Set());
      found.keys.get(kmsKey)!.add(via);
    }
  }
  return found;
}

function grantSecretValues(worker: IFunction, secretArns: ReadonlySet<string>): void {
  worker.addToRolePolicy(
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [...secretArns] }),
  );
  for (const arn of secretArns) {
    const shown = arn.replace(/\$\{Token\[[^\]]+\]\}/g, '').split(':secret:')[1];
    Validations.of(worker.role ?? worker).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(worker, 'secretsmanager')}:secret:${shown}]`,
      reason:
        'A Secrets Manager ARN ends in six random characters: the wildcard matches only that suffix of the one secret named.',
    });
  }
}

function grantDecrypt(worker: IFunction, key: string, services: ReadonlySet<string>): void {
  const stack = Stack.of(worker);
  const viaService = { 'kms:ViaService': [...services] };
  if (key.startsWith('alias/')) {
    // An alias is no resource kms:Decrypt is authorized on: any key of the account, only under this alias.
    worker.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
        conditions: {
          StringEquals: viaService,
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': key },
        },
      }),
    );
    Validations.of(worker.role ?? worker).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(worker, 'kms')}:key/*]`,
      reason:
        'A secret declared under a KMS alias: kms:Decrypt is allowed only on the key that alias names (kms:ResourceAliases) and only through SSM or Secrets Manager (kms:ViaService).',
    });
    return;
  }
  const arn = key.startsWith('arn:')
    ? key
    : stack.formatArn({ service: 'kms', resource: 'key', resourceName: key });
  worker.addToRolePolicy(
    new PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [arn],
      conditions: { StringEquals: viaService },
    }),
  );
}
