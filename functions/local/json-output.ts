import { constants } from 'node:fs';
import { access, open, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from './usage-error.ts';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'a read-only file system',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

async function exists(path: string): Promise<boolean> {
  return access(path, constants.F_OK).then(
    () => true,
    () => false,
  );
}

/**
 * Refuses an output path before any load is sent, rather than failing after it: the file is opened for writing
 * (append, so an existing file is untouched) and removed again if this check created it.
 */
export async function assertWritable(flag: string, path: string): Promise<void> {
  const existed = await exists(path);
  try {
    const handle = await open(path, 'a');
    await handle.close();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason =
      code === 'ENOENT' ? `the directory ${dirname(path)} does not exist` : (REASONS[code] ?? code);
    throw new UsageError(`${flag}: expected a file path that can be written, got "${path}" (${reason})`, {
      cause: error,
    });
  }
  if (!existed) await rm(path, { force: true });
}

/** Writes a command's JSON output; a failure here (disk full) names the flag instead of printing a stack. */
export async function writeJson(flag: string, path: string, value: unknown): Promise<void> {
  await writeText(flag, path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a report file (Markdown, JUnit XML); a failure names the flag. */
export async function writeText(flag: string, path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new UsageError(`${flag}: could not write "${path}": ${(error as Error).message}`, { cause: error });
  }
}
