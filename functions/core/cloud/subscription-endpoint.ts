import { parseSecretReference } from '../secret-reference.ts';

/**
 * An HTTPS subscription as a suite declares it: the URL itself (no credentials in it), or a reference to where
 * the URL is kept (`{ secret: 'secretsmanager:pagerduty/prod#url' }`, `{ secret: 'ssm:/pagerduty/prod/url' }`),
 * for endpoints whose URL is the credential (a PagerDuty or Opsgenie integration key, a signed webhook).
 */
export type HttpsEndpoint = string | { readonly secret: string };

export const ENDPOINT_SECRET_EXPECTED =
  'a reference to where the endpoint URL is kept, like "secretsmanager:pagerduty/prod#url" or "ssm:/pagerduty/prod/url" (a String parameter)';

/** True for a reference CloudFormation can resolve at deploy: Secrets Manager, or an SSM String parameter. */
export function isEndpointReference(reference: string): boolean {
  const parsed = parseSecretReference(reference);
  return parsed !== undefined && parsed.scheme !== 'env' && parsed.kmsKey === undefined;
}

/**
 * The endpoint as the template carries it: a URL, or a CloudFormation dynamic reference that CloudFormation
 * resolves when it creates the subscription, so the URL never appears in the template, `cdk.out` or a construct
 * id (SNS itself keeps it, as it must to deliver).
 */
export function deployedEndpoint(endpoint: HttpsEndpoint): string {
  if (typeof endpoint === 'string') return endpoint;
  const parsed = parseSecretReference(endpoint.secret);
  if (parsed?.scheme === 'secretsmanager') {
    return `{{resolve:secretsmanager:${parsed.name}${parsed.field ? `:SecretString:${parsed.field}` : ''}}}`;
  }
  if (parsed?.scheme === 'ssm') return `{{resolve:ssm:${parsed.name}}}`;
  throw new Error(`notify.https: expected ${ENDPOINT_SECRET_EXPECTED}, got "${endpoint.secret}"`);
}

/** A dynamic reference made by deployedEndpoint. */
export const isDynamicReference = (endpoint: string) => endpoint.startsWith('{{resolve:');

/** Query parameters and path words that carry a credential. */
const SECRET_QUERY =
  /^(token|access_?token|api_?key|apikey|key|secret|password|pass|sig|signature|auth|code|routing_?key|integration_?key)$/i;
/** A path segment that looks like a key: 20+ letters and digits mixed, or 32+ hex digits. */
const KEY_LIKE = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{20,}$|^[0-9a-f]{32,}$/i;

/**
 * Why a plain HTTPS endpoint seems to carry a credential (it would land in the template), or undefined. A hint,
 * not a proof: it looks at the user info, query parameter names and key-like path segments.
 */
export function credentialInUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.username || parsed.password) return 'a user and password';
  const query = [...parsed.searchParams.keys()].find((name) => SECRET_QUERY.test(name));
  if (query) return `a "${query}" query parameter`;
  const segments = parsed.pathname.split('/').filter(Boolean);
  const keyIndex = segments.findIndex((s) => KEY_LIKE.test(s));
  if (keyIndex >= 0) return `a key-like path segment (${keyIndex + 1}. of the path)`;
  const integration = segments.findIndex((s) => /^integrations?$/i.test(s));
  if (integration >= 0 && segments[integration + 1]) return 'an integration key in the path';
  return undefined;
}

/** An environment's subscriptions as the suite declares them. */
interface DeclaredSubscriptions {
  readonly https: readonly HttpsEndpoint[];
}

/**
 * One warning per plain HTTPS endpoint of the environment (its topic, warn-level notices and watch) that seems to
 * carry a credential: deployed as it is, it would be in plain text in the template, `cdk.out` and CloudFormation.
 */
export function endpointWarnings(
  environment: string,
  notify: DeclaredSubscriptions & {
    readonly warn: DeclaredSubscriptions;
    readonly watch?: DeclaredSubscriptions | undefined;
  },
): { readonly path: string; readonly message: string }[] {
  const lists: [string, readonly HttpsEndpoint[]][] = [
    ['notify.https', notify.https],
    ['notify.warn.https', notify.warn.https],
    ['notify.watch.https', notify.watch?.https ?? []],
  ];
  return lists.flatMap(([field, endpoints]) =>
    endpoints.flatMap((endpoint, i) => {
      const why = typeof endpoint === 'string' ? credentialInUrl(endpoint) : undefined;
      return why === undefined
        ? []
        : [
            {
              path: `environments.${environment}.${field}[${i}]`,
              message: `the URL seems to carry a credential (${why}); deployed, it would be in plain text in the template and cdk.out: keep the URL in Secrets Manager or SSM and write { secret: "secretsmanager:name#field" } or { secret: "ssm:/name" }, or subscribe the endpoint to the AlarmTopic output out of band`,
            },
          ];
    }),
  );
}
