/** Where stored runs are read from, for every command that reads them (see history-flags.ts for the values). */
export const STORE_FLAGS = {
  store: { type: 'string' },
  deployed: { type: 'boolean' },
  table: { type: 'string' },
  region: { type: 'string' },
} as const;

/** STORE_FLAGS in a command's help. */
export const STORE_HELP = `      --store DIR         read the local run store there (default .perfprobe)
      --deployed          read the environment's deployed runs table instead, found in its stack's outputs;
                          credentials and region from the usual AWS chain
      --table NAME        the same, naming the table (the stack output RunsTable)
      --region R          the stack's region
`;
