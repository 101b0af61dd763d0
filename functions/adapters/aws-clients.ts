import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';

let ssm: Promise<typeof import('@aws-sdk/client-ssm')> | undefined;
let ssmClient: SSMClient | undefined;
let secretsManager: Promise<typeof import('@aws-sdk/client-secrets-manager')> | undefined;
let secretsManagerClient: SecretsManagerClient | undefined;

/**
 * The SSM SDK and one client for the process, loaded on first use: a function that never reads a parameter
 * never pays for the SDK at cold start. Default credentials and region (the Lambda's own role).
 */
export async function useSsm() {
  ssm ??= import('@aws-sdk/client-ssm');
  const sdk = await ssm;
  ssmClient ??= new sdk.SSMClient({});
  return { sdk, client: ssmClient };
}

/** The Secrets Manager SDK and one client for the process, loaded on first use. */
export async function useSecretsManager() {
  secretsManager ??= import('@aws-sdk/client-secrets-manager');
  const sdk = await secretsManager;
  secretsManagerClient ??= new sdk.SecretsManagerClient({});
  return { sdk, client: secretsManagerClient };
}
