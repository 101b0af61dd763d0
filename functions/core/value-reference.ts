import { parseSecretReference, type SecretReference } from './secret-reference.ts';

/**
 * Where a transport value (a CA, a client certificate, its key or passphrase) lives, never the value: a file
 * (`file:./ca.pem`, read by the process that sends the requests, relative to its working directory, as curl
 * reads `--cacert`), or any secret reference (`env:NAME`, `ssm:/…`, `secretsmanager:…`).
 */
export type ValueReference = { readonly scheme: 'file'; readonly path: string } | SecretReference;

export const VALUE_REFERENCE_EXPECTED =
  'a value reference like "file:./client.pem", "env:CLIENT_KEY", "ssm:/payments/prod/client-key" or "secretsmanager:payments/prod/mtls#key"';

export function parseValueReference(reference: string): ValueReference | undefined {
  if (reference.startsWith('file:')) {
    const path = reference.slice('file:'.length);
    return path.length > 0 && !/[\0\n]/.test(path) ? { scheme: 'file', path } : undefined;
  }
  return parseSecretReference(reference);
}
