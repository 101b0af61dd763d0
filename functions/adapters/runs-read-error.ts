/** A read of the deployed runs table that failed for a reason the user can fix (credentials, name, region). */
export class RunsReadError extends Error {
  constructor(table: string, region: string, cause: unknown) {
    const name = (cause as { name?: string })?.name ?? '';
    const why =
      name === 'CredentialsProviderError'
        ? 'no AWS credentials were found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)'
        : name === 'ResourceNotFoundException'
          ? `no table named "${table}" in ${region} (check --table and --region)`
          : name === 'AccessDeniedException'
            ? `access denied: attach the stack's OnCallReadRunsPolicy to your role (${String((cause as Error).message)})`
            : String((cause as Error)?.message ?? cause);
    super(`could not read the runs table "${table}": ${why}`, { cause });
    this.name = 'RunsReadError';
  }
}
