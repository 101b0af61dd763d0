import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';

let secretsSsm: Promise<SSMProvider> | undefined;
let switchSsm: Promise<SSMProvider> | undefined;
let secretsManager: Promise<SecretsProvider> | undefined;

/**
 * Powertools Parameters providers, one per use, loaded on first use: a function that never reads a parameter
 * never pays for the SDK at cold start. Default credentials and region (the Lambda's own role). Each provider
 * keeps its own cache, so clearing the secrets' cache leaves the kill switch's alone.
 */
export function secretParameters(): Promise<SSMProvider> {
  secretsSsm ??= import('@aws-lambda-powertools/parameters/ssm').then((m) => new m.SSMProvider());
  return secretsSsm;
}

export function killSwitchParameters(): Promise<SSMProvider> {
  switchSsm ??= import('@aws-lambda-powertools/parameters/ssm').then((m) => new m.SSMProvider());
  return switchSsm;
}

export function secretValues(): Promise<SecretsProvider> {
  secretsManager ??= import('@aws-lambda-powertools/parameters/secrets').then((m) => new m.SecretsProvider());
  return secretsManager;
}
