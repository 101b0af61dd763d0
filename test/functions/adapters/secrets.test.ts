import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  clearSecretCache,
  resolveSecrets,
  SECRET_CACHE_MS,
  SecretResolutionError,
} from '../../../functions/adapters/secrets.ts';

// No local SSM or Secrets Manager server exists: the exact requests are asserted.
const ssm = mockClient(SSMClient);
const secretsManager = mockClient(SecretsManagerClient);

beforeEach(async () => {
  await clearSecretCache();
  // Powertools' cache reads Date.now(); only the clock is faked, timers stay real.
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  ssm.reset();
  secretsManager.reset();
});

/** An SDK service error as the clients throw it (name and message from the service). */
function serviceError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

describe('secret resolution', () => {
  it('reads an SSM SecureString decrypted, once per five minutes', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 's3cr3t' } });
    expect(await resolveSecrets({ token: 'ssm:/pay/prod/token' })).toEqual({ token: 's3cr3t' });
    vi.advanceTimersByTime(SECRET_CACHE_MS - 1);
    await resolveSecrets({ token: 'ssm:/pay/prod/token' });
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/pay/prod/token', WithDecryption: true },
    ]);
    vi.advanceTimersByTime(2);
    await resolveSecrets({ token: 'ssm:/pay/prod/token' });
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('reads past the cache when asked to (a run was refused with the cached value: it may have rotated)', async () => {
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: 'old' } })
      .resolves({ Parameter: { Value: 'rotated' } });
    expect(await resolveSecrets({ token: 'ssm:/pay/prod/token' })).toEqual({ token: 'old' });
    expect(await resolveSecrets({ token: 'ssm:/pay/prod/token' }, { forceFetch: true })).toEqual({
      token: 'rotated',
    });
    // The fresh value is cached again for the runs after.
    expect(await resolveSecrets({ token: 'ssm:/pay/prod/token' })).toEqual({ token: 'rotated' });
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('reads a Secrets Manager secret whole or one JSON field of it', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'pay/prod' })
      .resolves({ SecretString: '{"apiToken":"abc","other":"x"}' })
      .on(GetSecretValueCommand, { SecretId: 'pay/plain' })
      .resolves({ SecretString: 'plain-value' });
    expect(
      await resolveSecrets({ a: 'secretsmanager:pay/prod#apiToken', b: 'secretsmanager:pay/plain' }),
    ).toEqual({ a: 'abc', b: 'plain-value' });
  });

  it('names the variable and the reference when a secret cannot be read, and never a value', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const error = await resolveSecrets({ token: 'ssm:/pay/prod/missing' }).catch((e) => e);
    expect(error).toBeInstanceOf(SecretResolutionError);
    expect(error.message).toBe(
      'variable ${token} (secret ssm:/pay/prod/missing): ParameterNotFound: not found',
    );
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"other":"x"}' });
    await expect(resolveSecrets({ t: 'secretsmanager:pay/prod#apiToken' })).rejects.toThrow(
      'variable ${t} (secret secretsmanager:pay/prod#apiToken): it resolved to no value',
    );
  });

  it('says a secret under a customer-managed key needs kms:Decrypt, naming the reference and the cause', async () => {
    ssm
      .on(GetParameterCommand)
      .rejects(
        serviceError(
          'AccessDeniedException',
          'User: arn:aws:sts::123456789012:assumed-role/worker is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-1:123456789012:key/1234 because no identity-based policy allows the kms:Decrypt action',
        ),
      );
    await expect(resolveSecrets({ token: 'ssm:/pay/prod/token' })).rejects.toThrow(
      "variable ${token} (secret ssm:/pay/prod/token): AccessDeniedException (KMS: the worker's role needs kms:Decrypt on the customer-managed key that encrypts it): User: arn:aws:sts::123456789012:assumed-role/worker is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-1:123456789012:key/1234 because no identity-based policy allows the kms:Decrypt action",
    );
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(serviceError('AccessDeniedException', 'Access to KMS is not allowed'));
    await expect(resolveSecrets({ t: 'secretsmanager:pay/prod' })).rejects.toThrow(
      "variable ${t} (secret secretsmanager:pay/prod): AccessDeniedException (KMS: the worker's role needs kms:Decrypt on the customer-managed key that encrypts it): Access to KMS is not allowed",
    );
  });

  it('says when the role may not read the secret at all', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(
        serviceError(
          'AccessDeniedException',
          'User: arn:aws:sts::123456789012:assumed-role/worker is not authorized to perform: secretsmanager:GetSecretValue',
        ),
      );
    await expect(resolveSecrets({ t: 'secretsmanager:pay/prod' })).rejects.toThrow(
      "AccessDeniedException (the worker's role is not allowed to read it): User: arn:aws:sts::123456789012:assumed-role/worker is not authorized to perform: secretsmanager:GetSecretValue",
    );
  });

  it('says what to set when the SDK has no region or no credentials, not its raw text', async () => {
    ssm.on(GetParameterCommand).rejects(new Error('Region is missing'));
    await expect(resolveSecrets({ token: 'ssm:/pay/prod/token' })).rejects.toThrow(
      'variable ${token} (secret ssm:/pay/prod/token): no AWS region to read it from: set AWS_REGION (or use a profile with a region); deployed, the Lambda sets it',
    );
    secretsManager.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    await expect(resolveSecrets({ t: 'secretsmanager:pay/prod' })).rejects.toThrow(
      "variable ${t} (secret secretsmanager:pay/prod): no AWS credentials to read it with: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; deployed, the worker's role provides them",
    );
  });

  it('says the service could not be reached, and keeps a service error its own name', async () => {
    ssm
      .on(GetParameterCommand)
      .rejects(
        Object.assign(new Error('getaddrinfo ENOTFOUND ssm.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      );
    await expect(resolveSecrets({ token: 'ssm:/pay/prod/token' })).rejects.toThrow(
      'variable ${token} (secret ssm:/pay/prod/token): the service could not be reached (ENOTFOUND): check the network, proxy and region',
    );
    ssm.on(GetParameterCommand).rejects(serviceError('ThrottlingException', 'Rate exceeded'));
    await expect(resolveSecrets({ token: 'ssm:/pay/prod/token2' })).rejects.toThrow(
      'variable ${token} (secret ssm:/pay/prod/token2): ThrottlingException: Rate exceeded',
    );
  });

  it('never quotes a secret that is not the JSON its #field reference expects', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'hunter2-not-json' });
    const error = await resolveSecrets({ t: 'secretsmanager:pay/prod#apiToken' }).catch((e) => e);
    expect(error.message).toBe(
      'variable ${t} (secret secretsmanager:pay/prod#apiToken): NotJsonError: its value is not a JSON object, so field "apiToken" cannot be read',
    );
    expect(JSON.stringify({ message: error.message, cause: String(error.cause) })).not.toContain('hunter2');
  });

  it('reads env: references from the given environment', async () => {
    expect(await resolveSecrets({ t: 'env:TOKEN' }, { env: { TOKEN: 'v' } })).toEqual({ t: 'v' });
    await expect(resolveSecrets({ t: 'env:TOKEN' }, { env: {} })).rejects.toThrow(
      'variable ${t} (secret env:TOKEN): environment variable TOKEN is not set',
    );
  });
});
