import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clearSecretCache,
  resolveSecrets,
  SECRET_CACHE_MS,
  SecretResolutionError,
} from '../../../functions/adapters/secrets.ts';

// No local SSM or Secrets Manager server exists: the exact requests are asserted.
const ssm = mockClient(SSMClient);
const secretsManager = mockClient(SecretsManagerClient);

beforeEach(() => clearSecretCache());
afterEach(() => {
  ssm.reset();
  secretsManager.reset();
});

describe('secret resolution', () => {
  it('reads an SSM SecureString decrypted, once per five minutes', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 's3cr3t' } });
    let now = 1_000;
    const sources = { now: () => now };
    expect(await resolveSecrets({ token: 'ssm:/pay/prod/token' }, sources)).toEqual({ token: 's3cr3t' });
    now += SECRET_CACHE_MS - 1;
    await resolveSecrets({ token: 'ssm:/pay/prod/token' }, sources);
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/pay/prod/token', WithDecryption: true },
    ]);
    now += 1;
    await resolveSecrets({ token: 'ssm:/pay/prod/token' }, sources);
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

  it('reads env: references from the given environment', async () => {
    expect(await resolveSecrets({ t: 'env:TOKEN' }, { env: { TOKEN: 'v' } })).toEqual({ t: 'v' });
    await expect(resolveSecrets({ t: 'env:TOKEN' }, { env: {} })).rejects.toThrow(
      'variable ${t} (secret env:TOKEN): environment variable TOKEN is not set',
    );
  });
});
