import { parseSecretReference } from '../core/secret-reference.ts';
import { secretParameters, secretValues } from './aws-clients.ts';

export class SecretResolutionError extends Error {
  constructor(variable: string, reference: string, reason: string, options?: { cause?: unknown }) {
    super(`variable \${${variable}} (secret ${reference}): ${reason}`, options);
    this.name = 'SecretResolutionError';
  }
}

/** A warm worker reuses a fetched value this long, so frequent runs do not each call SSM or Secrets Manager. */
export const SECRET_CACHE_MS = 5 * 60_000;

export interface SecretSources {
  readonly env?: NodeJS.ProcessEnv | undefined;
  /**
   * Read past the cache: a previous run was refused (401/403) with the cached value, which may have been
   * rotated since.
   */
  readonly forceFetch?: boolean | undefined;
}

const maxAge = SECRET_CACHE_MS / 1000;

async function fetchValue(reference: string, sources: SecretSources): Promise<string | undefined> {
  const parsed = parseSecretReference(reference);
  if (parsed === undefined)
    throw new Error('not a secret reference (env:NAME, ssm:/name, secretsmanager:name)');
  const forceFetch = sources.forceFetch ?? false;
  switch (parsed.scheme) {
    case 'env':
      return (sources.env ?? process.env)[parsed.name] || undefined;
    case 'ssm': {
      const ssm = await secretParameters();
      return ssm.get(parsed.name, { decrypt: true, maxAge, forceFetch });
    }
    case 'secretsmanager': {
      const secrets = await secretValues();
      const value = await secrets.get(parsed.name, { maxAge, forceFetch });
      if (value !== undefined && typeof value !== 'string') throw new NotTextError();
      if (parsed.field === undefined || value === undefined) return value;
      return jsonField(value, parsed.field);
    }
  }
}

class NotTextError extends Error {
  constructor() {
    super('it is a binary secret; only text secrets can fill a request');
    this.name = 'NotTextError';
  }
}

class NotJsonError extends Error {
  constructor(field: string) {
    // JSON.parse's own message quotes the text it failed on: that text is the secret, so it is never passed on.
    super(`its value is not a JSON object, so field "${field}" cannot be read`);
    this.name = 'NotJsonError';
  }
}

function jsonField(text: string, field: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new NotJsonError(field);
  }
  if (parsed === null || typeof parsed !== 'object') throw new NotJsonError(field);
  const value = (parsed as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Why a read failed, in words on-call can act on: the service's error name and message (which name resources and
 * actions, never values), with a hint when the cause is a KMS key or a permission. The hint comes before the
 * service's message, so it survives when a long message is cut. The SDK's own client-side failures (no region, no
 * credentials, no network) never reached the service: they are said in our words, with what to set.
 */
function failureReason(error: unknown): string {
  // Powertools wraps SDK errors in GetParameterError; the SDK's own error is its cause.
  const wrapped = error as { name?: string; message?: string; cause?: { name?: string; message?: string } };
  const cause = (wrapped.name === 'GetParameterError' && wrapped.cause ? wrapped.cause : wrapped) as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: unknown;
  };
  const name = cause.name ?? 'Error';
  const message = cause.message ?? String(error);
  if (/Region is missing/i.test(message)) {
    return 'no AWS region to read it from: set AWS_REGION (or use a profile with a region); deployed, the Lambda sets it';
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return "no AWS credentials to read it with: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; deployed, the worker's role provides them";
  }
  const network =
    cause.code ?? /\b(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN)\b/.exec(message)?.[1];
  if (network !== undefined && /^E[A-Z_]+$/.test(network)) {
    return `the service could not be reached (${network}): check the network, proxy and region`;
  }
  if (/kms|ciphertext|decrypt/i.test(`${name} ${message}`)) {
    return `${name} (KMS: the worker's role needs kms:Decrypt on the customer-managed key that encrypts it): ${message}`;
  }
  if (/AccessDenied|not authorized/i.test(`${name} ${message}`)) {
    return `${name} (the worker's role is not allowed to read it): ${message}`;
  }
  // A plain Error is not the service's answer: its name says nothing, the message is what happened.
  return name === 'Error' ? `it could not be read: ${message}` : `${name}: ${message}`;
}

/**
 * Resolves secret references to values, in the process that sends the requests and nowhere else (SSM and
 * Secrets Manager through Powertools Parameters, cached for 5 minutes). Values are never logged or returned to
 * anything but the request builder; an error names the variable, the reference and the cause, never a value.
 */
export async function resolveSecrets(
  references: Readonly<Record<string, string>>,
  sources: SecretSources = {},
): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const [variable, reference] of Object.entries(references)) {
    let value: string | undefined;
    try {
      value = await fetchValue(reference, sources);
    } catch (error) {
      throw new SecretResolutionError(variable, reference, failureReason(error), { cause: error });
    }
    if (value === undefined || value === '') {
      const what = reference.startsWith('env:')
        ? `environment variable ${reference.slice(4)} is not set`
        : 'it resolved to no value';
      throw new SecretResolutionError(variable, reference, what);
    }
    values[variable] = value;
  }
  return values;
}

/** For tests: forget cached values. */
export async function clearSecretCache(): Promise<void> {
  (await secretParameters()).clearCache();
  (await secretValues()).clearCache();
}

/**
 * One reference's value, for callers that name the field themselves (transport.tls): undefined when it resolved
 * to nothing; a failure's reason in the words above (never a value).
 */
export async function readSecretReference(
  reference: string,
  sources: SecretSources = {},
): Promise<{ value: string | undefined } | { reason: string }> {
  try {
    const value = await fetchValue(reference, sources);
    return { value: value === '' ? undefined : value };
  } catch (error) {
    return { reason: failureReason(error) };
  }
}
