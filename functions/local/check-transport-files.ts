import { resolveConnection, TransportSettingsError } from '../adapters/transport-settings.ts';
import type { Suite } from '../core/suite/schema.ts';
import type { TransportSpec } from '../core/suite/transport-schema.ts';
import { transportReferences } from '../core/suite/transport-spec.ts';

/**
 * `validate`'s check of TLS material it can read without sending anything or calling AWS: a transport whose
 * references are all files is read and checked whole (PEM, passphrase, the key matches the certificate, the
 * client certificate not expired). The field is named with its place in the suite.
 * @throws TransportSettingsError
 */
export async function checkTransportFiles(suite: Suite): Promise<void> {
  const places: [string, TransportSpec | undefined][] = [
    ...Object.entries(suite.environments).map(([name, env]): [string, TransportSpec | undefined] => [
      `environments.${name}`,
      env.transport,
    ]),
    ...suite.probes.map((probe, i): [string, TransportSpec | undefined] => [`probes[${i}]`, probe.transport]),
  ];
  for (const [at, transport] of places) {
    const references = transportReferences(transport);
    if (references.length === 0 || !references.every(([, reference]) => reference.startsWith('file:')))
      continue;
    try {
      await resolveConnection({ tls: transport!.tls }, { env: {} }, { expiry: true });
    } catch (error) {
      if (error instanceof TransportSettingsError)
        throw new TransportSettingsError(`${at}.${error.field}`, undefined, error.reason);
      throw error;
    }
  }
}
