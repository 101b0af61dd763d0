export class SecretResolutionError extends Error {
  constructor(variable: string, reference: string, reason: string) {
    super(`variable \${${variable}} (secret ${reference}): ${reason}`);
    this.name = 'SecretResolutionError';
  }
}

/**
 * Resolves secret references to values, in the process that sends the requests. Locally: `env:NAME` reads an
 * environment variable. Values are never logged or returned to callers other than the request builder.
 */
export function resolveSecrets(
  references: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [variable, reference] of Object.entries(references)) {
    const [scheme, ...rest] = reference.split(':');
    const name = rest.join(':');
    if (scheme !== 'env') {
      throw new SecretResolutionError(
        variable,
        reference,
        `unsupported scheme "${scheme}" here (expected env:NAME)`,
      );
    }
    const value = env[name];
    if (value === undefined || value === '') {
      throw new SecretResolutionError(variable, reference, `environment variable ${name} is not set`);
    }
    values[variable] = value;
  }
  return values;
}
