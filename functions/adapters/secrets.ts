import { parseSecretReference } from '../core/secret-reference.ts';
import { useSecretsManager, useSsm } from './aws-clients.ts';

export class SecretResolutionError extends Error {
  constructor(variable: string, reference: string, reason: string) {
    super(`variable \${${variable}} (secret ${reference}): ${reason}`);
    this.name = 'SecretResolutionError';
  }
}

/** A warm worker reuses a fetched value this long, so frequent runs do not each call SSM or Secrets Manager. */
export const SECRET_CACHE_MS = 5 * 60_000;

export interface SecretSources {
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly now?: () => number;
}

const cache = new Map<string, { value: string; fetchedAt: number }>();

async function fetchValue(reference: string, sources: SecretSources): Promise<string | undefined> {
  const parsed = parseSecretReference(reference);
  if (parsed === undefined)
    throw new Error('not a secret reference (env:NAME, ssm:/name, secretsmanager:name)');
  switch (parsed.scheme) {
    case 'env':
      return (sources.env ?? process.env)[parsed.name] || undefined;
    case 'ssm': {
      const { sdk, client } = await useSsm();
      const out = await client.send(new sdk.GetParameterCommand({ Name: parsed.name, WithDecryption: true }));
      return out.Parameter?.Value;
    }
    case 'secretsmanager': {
      const { sdk, client } = await useSecretsManager();
      const out = await client.send(new sdk.GetSecretValueCommand({ SecretId: parsed.name }));
      if (parsed.field === undefined) return out.SecretString;
      const value = (JSON.parse(out.SecretString ?? '{}') as Record<string, unknown>)[parsed.field];
      return typeof value === 'string' ? value : undefined;
    }
  }
}

/**
 * Resolves secret references to values, in the process that sends the requests and nowhere else. Values are
 * never logged or returned to anything but the request builder; an error names the variable and the
 * reference, never a value.
 */
export async function resolveSecrets(
  references: Readonly<Record<string, string>>,
  sources: SecretSources = {},
): Promise<Record<string, string>> {
  const now = sources.now ?? Date.now;
  const values: Record<string, string> = {};
  for (const [variable, reference] of Object.entries(references)) {
    const cached = reference.startsWith('env:') ? undefined : cache.get(reference);
    if (cached !== undefined && now() - cached.fetchedAt < SECRET_CACHE_MS) {
      values[variable] = cached.value;
      continue;
    }
    let value: string | undefined;
    try {
      value = await fetchValue(reference, sources);
    } catch (error) {
      const reason = (error as { name?: string }).name ?? 'Error';
      throw new SecretResolutionError(variable, reference, `${reason}: ${(error as Error).message}`);
    }
    if (value === undefined || value === '') {
      const what = reference.startsWith('env:')
        ? `environment variable ${reference.slice(4)} is not set`
        : 'it resolved to no value';
      throw new SecretResolutionError(variable, reference, what);
    }
    if (!reference.startsWith('env:')) cache.set(reference, { value, fetchedAt: now() });
    values[variable] = value;
  }
  return values;
}

/** For tests: forget cached values. */
export function clearSecretCache(): void {
  cache.clear();
}
