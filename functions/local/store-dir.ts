import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { DEFAULT_STORE_DIR } from '../adapters/file-run-store.ts';
import { UsageError } from './usage-error.ts';

/**
 * Refuses a `--store` directory that cannot be written before any load is sent (a run that cannot be recorded
 * should not be found out after the load). Creates it when missing, as the first run does.
 */
export async function assertStoreWritable(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EEXIST' || code === 'ENOTDIR'
          ? 'a file is in the way'
          : code === 'EROFS'
            ? 'a read-only file system'
            : (error as Error).message;
    throw new UsageError(`--store: expected a directory that can be written, got "${dir}" (${reason})`, {
      cause: error,
    });
  }
}

/** Where the run store lives, from `--store DIR` and `--no-store`, which exclude each other. */
export function storeDirFlag(
  values: { readonly store?: string | undefined; readonly noStore?: boolean | undefined },
  defaultDir: string,
): string | undefined {
  if (values.noStore && values.store !== undefined) {
    throw new UsageError(`--no-store: expected either --store DIR or --no-store, got both`);
  }
  if (values.noStore) return undefined;
  if (values.store !== undefined && values.store.trim() === '') {
    throw new UsageError('--store: expected a directory, got ""');
  }
  return values.store ?? defaultDir;
}

/** `--store` / `--no-store` as the commands that record runs declare them; the default store when neither. */
export const storeDirFlags = (flags: {
  readonly store?: string | undefined;
  readonly 'no-store'?: boolean | undefined;
}): string | undefined =>
  storeDirFlag({ store: flags.store, noStore: flags['no-store'] === true }, DEFAULT_STORE_DIR);
