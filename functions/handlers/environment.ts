/** A setting the stack gives every deployed function; its absence is a deploy bug, said in words. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
