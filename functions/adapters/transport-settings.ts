import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chooseProxy } from '../core/proxy-choice.ts';
import type { TransportSpec } from '../core/suite/transport-schema.ts';
import type { ConnectionSettings, TlsMaterial } from '../core/transport.ts';
import { parseValueReference } from '../core/value-reference.ts';
import { readSecretReference, type SecretSources } from './secrets.ts';

/** A transport value that cannot be used: the field, its reference and why; never the value. */
export class TransportSettingsError extends Error {
  constructor(
    readonly field: string,
    reference: string | undefined,
    readonly reason: string,
  ) {
    super(`${field}${reference === undefined ? '' : ` (${reference})`}: ${reason}`);
    this.name = 'TransportSettingsError';
  }
}

const TLS_FIELDS = ['ca', 'cert', 'key', 'passphrase'] as const;
const DAY_MS = 86_400_000;

export interface ResolvedConnection {
  /** The settings for connections to one origin (the proxy depends on it: NO_PROXY, http or https). */
  settingsFor(origin: string): ConnectionSettings;
  /** Values no output may show (the key, its passphrase, a proxy's password): for the run's redactor. */
  readonly secretValues: readonly string[];
}

async function readValue(field: string, reference: string, sources: SecretSources): Promise<string> {
  const parsed = parseValueReference(reference);
  if (parsed === undefined) throw new TransportSettingsError(field, reference, 'not a value reference');
  let value: string | undefined;
  if (parsed.scheme === 'file') {
    try {
      value = await readFile(resolve(parsed.path), 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'Error';
      throw new TransportSettingsError(
        field,
        reference,
        `cannot read the file (${code}) from ${process.cwd()}`,
      );
    }
  } else {
    const read = await readSecretReference(reference, sources);
    if ('reason' in read) throw new TransportSettingsError(field, reference, read.reason);
    value = read.value;
  }
  if (value === undefined || value.trim() === '') {
    const what =
      parsed.scheme === 'env' ? `environment variable ${parsed.name} is not set` : 'it resolved to no value';
    throw new TransportSettingsError(field, reference, what);
  }
  return value;
}

/**
 * Checks TLS material before anything is sent: each PEM parses, the key opens with its passphrase, the key
 * belongs to the certificate, and (with `expiry`) the client certificate has not expired. Names the field.
 * @throws TransportSettingsError
 */
export function checkTlsMaterial(
  tls: TlsMaterial,
  { at = 'transport.tls', expiry = true, nowMs = Date.now() } = {},
): void {
  if (tls.ca !== undefined) {
    try {
      new X509Certificate(tls.ca);
    } catch {
      throw new TransportSettingsError(
        `${at}.ca`,
        undefined,
        'expected PEM certificates ("-----BEGIN CERTIFICATE-----")',
      );
    }
  }
  if (tls.cert === undefined || tls.key === undefined) return;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(tls.cert);
  } catch {
    throw new TransportSettingsError(
      `${at}.cert`,
      undefined,
      'expected a PEM certificate ("-----BEGIN CERTIFICATE-----")',
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({
      key: tls.key,
      ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
    });
  } catch (error) {
    // An encrypted PEM says so in its header; OpenSSL's own error without a passphrase is "interrupted".
    if (/ENCRYPTED/.test(tls.key) || (error as { code?: string }).code === 'ERR_OSSL_BAD_DECRYPT') {
      throw new TransportSettingsError(
        `${at}.passphrase`,
        undefined,
        tls.passphrase === undefined
          ? 'the key is encrypted: give its passphrase'
          : 'the passphrase does not open the key',
      );
    }
    throw new TransportSettingsError(
      `${at}.key`,
      undefined,
      'expected a PEM private key ("-----BEGIN PRIVATE KEY-----")',
    );
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new TransportSettingsError(
      `${at}.key`,
      undefined,
      `the key does not match the certificate ${at}.cert (${certificate.subject.replace(/\n/g, ', ')})`,
    );
  }
  const validTo = Date.parse(certificate.validTo);
  if (expiry && validTo < nowMs) {
    throw new TransportSettingsError(
      `${at}.cert`,
      undefined,
      `the client certificate expired on ${new Date(validTo).toISOString().slice(0, 10)} (${Math.ceil((nowMs - validTo) / DAY_MS)} days ago): servers will reject it`,
    );
  }
}

/**
 * Resolves a probe's transport where the load runs: TLS references read (files, environment, SSM, Secrets
 * Manager) and checked, the proxy chosen (transport.proxy, else HTTPS_PROXY / HTTP_PROXY / NO_PROXY).
 * @throws TransportSettingsError
 */
export async function resolveConnection(
  transport: TransportSpec | undefined,
  sources: SecretSources = {},
  {
    expiry = false,
  }: {
    /**
     * Refuse an expired client certificate (before a run: exit 2). Off where the load runs, so a certificate
     * that expired since deploy fails as the server says, in class `tls`, on every request.
     */
    readonly expiry?: boolean;
  } = {},
): Promise<ResolvedConnection> {
  const env = sources.env ?? process.env;
  const secretValues: string[] = [];
  let tls: TlsMaterial | undefined;
  if (transport?.tls !== undefined) {
    const material: Record<string, string> = {};
    for (const field of TLS_FIELDS) {
      const reference = transport.tls[field];
      if (reference !== undefined)
        material[field] = await readValue(`transport.tls.${field}`, reference, sources);
    }
    tls = { ...material, serverName: transport.tls.serverName };
    checkTlsMaterial(tls, { expiry });
    if (material.key !== undefined) secretValues.push(material.key);
    if (material.passphrase !== undefined) secretValues.push(material.passphrase);
  }
  for (const origin of ['https://proxy.check', 'http://proxy.check']) {
    const proxy = chooseProxy(origin, transport?.proxy, env);
    const password = proxy === undefined ? '' : new URL(proxy).password;
    if (password !== '') secretValues.push(decodeURIComponent(password));
  }
  return {
    settingsFor: (origin) => {
      const proxy = chooseProxy(origin, transport?.proxy, env);
      return {
        ...(tls === undefined ? {} : { tls }),
        ...(proxy === undefined ? {} : { proxy }),
        ...(transport?.http2 === true ? { http2: true } : {}),
      };
    },
    secretValues,
  };
}
