/**
 * A secret reference names where a value lives, never the value:
 * - `env:NAME`: an environment variable of the process that sends the requests (local runs);
 * - `ssm:/path/name`: an SSM Parameter Store parameter (SecureString decrypted);
 * - `secretsmanager:name` or `secretsmanager:name#field`: a Secrets Manager secret, whole or one JSON field.
 */
export type SecretReference =
  | { readonly scheme: 'env'; readonly name: string }
  | { readonly scheme: 'ssm'; readonly name: string }
  | { readonly scheme: 'secretsmanager'; readonly name: string; readonly field: string | undefined };

export const SECRET_REFERENCE_EXPECTED =
  'a secret reference like "env:API_TOKEN", "ssm:/payments/prod/token" or "secretsmanager:payments/prod#token"';

export function parseSecretReference(reference: string): SecretReference | undefined {
  const colon = reference.indexOf(':');
  if (colon < 1) return undefined;
  const scheme = reference.slice(0, colon);
  const rest = reference.slice(colon + 1);
  if (scheme === 'env' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(rest)) return { scheme, name: rest };
  if (scheme === 'ssm' && /^\/[\w./-]+$/.test(rest)) return { scheme, name: rest };
  if (scheme === 'secretsmanager') {
    const [name, field, ...extra] = rest.split('#');
    if (name && /^[\w/+=.@-]+$/.test(name) && extra.length === 0 && field !== '')
      return { scheme, name, field };
  }
  return undefined;
}
