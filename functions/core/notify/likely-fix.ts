/**
 * The likely fix for a run that could not measure, read from its validity reasons (the words collect-run and
 * the worker write). The first rule that matches wins; the last one always does.
 */
const RULES: readonly [RegExp, string][] = [
  [
    /SecretResolutionError|AccessDenied|kms/i,
    "the worker cannot read a secret its request uses: grant its role the read (and kms:Decrypt on the secret's key, declared as #kms= in the suite), or fix the reference, then redeploy.",
  ],
  [
    /throttl|TooManyRequests|concurrency/i,
    "workers were throttled: raise the environment's caps.maxShards (the workers' reserved concurrency) or the account's Lambda concurrency.",
  ],
  [
    /timed? ?out|Task timed out|States\.Timeout/i,
    "a worker ran past its timeout: read the worker's logs for this run id (correlation_id) and shorten the load or give it more shards.",
  ],
  [
    /late|behind|event.loop|achieved|queued/i,
    'the load generator could not keep up with the planned load: give the probe more shards (or the workers more memory), or lower its rate.',
  ],
  [
    /shards? reported|worker error/i,
    "a worker failed: read the worker function's logs for this run id (correlation_id); the error above names the cause.",
  ],
];

export function likelyFix(reasons: readonly string[]): string {
  const text = reasons.join('\n');
  for (const [pattern, fix] of RULES) if (pattern.test(text)) return fix;
  return "read the stored run's validity reasons and the worker's logs for its run id (correlation_id).";
}
