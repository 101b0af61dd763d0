/**
 * A secret reference names where a value lives, never the value:
 * - `env:NAME`: an environment variable of the process that sends the requests (local runs);
 * - `ssm:/path/name`: an SSM Parameter Store parameter (SecureString decrypted);
 * - `secretsmanager:name` or `secretsmanager:name#field`: a Secrets Manager secret, whole or one JSON field.
 * A cloud reference encrypted under a customer-managed KMS key says so with a `#kms=<alias/name | key id | key
 * ARN>` suffix, so the deployed worker is granted kms:Decrypt on that key (through the service only).
 */
export type SecretReference =
  | { readonly scheme: 'env'; readonly name: string }
  | { readonly scheme: 'ssm'; readonly name: string; readonly kmsKey?: string | undefined }
  | {
      readonly scheme: 'secretsmanager';
      readonly name: string;
      readonly field: string | undefined;
      readonly kmsKey?: string | undefined;
    };

export const SECRET_REFERENCE_EXPECTED =
  'a secret reference like "env:API_TOKEN", "ssm:/payments/prod/token", "secretsmanager:payments/prod#token" or, under a customer-managed key, "ssm:/payments/prod/token#kms=alias/payments"';

const KMS_SUFFIX = /#kms=(alias\/[\w/-]+|[0-9a-f-]{36}|arn:aws[\w-]*:kms:[\w-]+:\d{12}:key\/[\w-]+)$/;

export function parseSecretReference(reference: string): SecretReference | undefined {
  const colon = reference.indexOf(':');
  if (colon < 1) return undefined;
  const scheme = reference.slice(0, colon);
  let rest = reference.slice(colon + 1);
  if (scheme === 'env') return /^[A-Za-z_][A-Za-z0-9_]*$/.test(rest) ? { scheme, name: rest } : undefined;
  const keyed = KMS_SUFFIX.exec(rest);
  const kmsKey = keyed?.[1];
  if (keyed) rest = rest.slice(0, keyed.index);
  if (scheme === 'ssm' && /^\/[\w./-]+$/.test(rest)) return { scheme, name: rest, kmsKey };
  if (scheme === 'secretsmanager') {
    const [name, field, ...extra] = rest.split('#');
    if (name && /^[\w/+=.@-]+$/.test(name) && extra.length === 0 && field !== '')
      return { scheme, name, field, kmsKey };
  }
  return undefined;
}
