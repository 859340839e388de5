// Writing a file so that readers only ever see the old file or the complete new one: write to a
// temporary file in the same directory (same filesystem, so rename is atomic), fsync, then rename.
// A crash or an error mid-write leaves at worst a stray temp file, never a truncated checkpoint.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The temp path used while writing `path` (hidden, unique per writer). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Writes `data` to a temp file — bytes, a string as UTF-8, or whatever `data(fd)` writes — fsyncs
 * it, then atomically replaces `path` with it. The directory must exist.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string | ((fd: number) => void)): void {
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? `directory ${dirname(path)} does not exist` : e.message;
    throw new Error(`cannot write ${path}: ${why}`, { cause: err });
  }
  try {
    if (typeof data === 'function') data(fd);
    else writeAll(fd, typeof data === 'string' ? new TextEncoder().encode(data) : data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone; the original error is the one to report
    }
    throw err;
  }
}

/** Writes all of `bytes` at the fd's current position (writeSync may write less than asked). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}
