/**
 * Every storage access goes through a FileIO, so object stores can sit behind
 * the same interface later. Paths are plain strings joined with '/'.
 */
import { promises as fs } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, basename } from 'node:path';
import { PaimonError } from '../errors.js';

export interface FileStatus {
  path: string;
  name: string;
  size: number;
  isDir: boolean;
  modificationTime: number;
}

export interface FileIO {
  readFile(path: string): Promise<Uint8Array>;
  /** Reads `length` bytes at `offset` (deletion vectors, file footers). */
  readRange(path: string, offset: number, length: number): Promise<Uint8Array>;
  exists(path: string): Promise<boolean>;
  /** Entries of a directory; an empty list when it does not exist. */
  list(path: string): Promise<FileStatus[]>;
  writeFile(path: string, data: Uint8Array | string, overwrite: boolean): Promise<void>;
  /**
   * Writes to a temporary name and publishes with a rename that never
   * replaces an existing file. False when `path` already existed.
   */
  tryToWriteAtomic(path: string, data: Uint8Array | string): Promise<boolean>;
  delete(path: string, recursive: boolean): Promise<void>;
  mkdirs(path: string): Promise<void>;
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT';
}

export class LocalFileIO implements FileIO {
  async readFile(path: string): Promise<Uint8Array> {
    try {
      return await fs.readFile(path);
    } catch (e) {
      if (isNotFound(e)) throw new PaimonError('FILE_NOT_FOUND', `file ${path} does not exist`, { cause: e });
      throw e;
    }
  }

  async readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'r');
    } catch (e) {
      if (isNotFound(e)) throw new PaimonError('FILE_NOT_FOUND', `file ${path} does not exist`, { cause: e });
      throw e;
    }
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, offset);
      if (bytesRead < length) {
        throw new PaimonError('CORRUPT_FILE', `file ${path} is truncated: wanted ${length} bytes at ${offset}, got ${bytesRead}`);
      }
      return buf;
    } finally {
      await handle.close();
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await fs.access(path);
      return true;
    } catch {
      return false;
    }
  }

  async list(path: string): Promise<FileStatus[]> {
    let names: string[];
    try {
      names = await fs.readdir(path);
    } catch (e) {
      if (isNotFound(e)) return [];
      throw e;
    }
    const out: FileStatus[] = [];
    for (const name of names) {
      const full = `${path}/${name}`;
      try {
        const st = await fs.stat(full);
        out.push({ path: full, name, size: st.size, isDir: st.isDirectory(), modificationTime: st.mtimeMs });
      } catch (e) {
        if (!isNotFound(e)) throw e; // removed while listing
      }
    }
    return out;
  }

  async writeFile(path: string, data: Uint8Array | string, overwrite: boolean): Promise<void> {
    await fs.mkdir(dirname(path), { recursive: true });
    await fs.writeFile(path, data, { flag: overwrite ? 'w' : 'wx' });
  }

  async tryToWriteAtomic(path: string, data: Uint8Array | string): Promise<boolean> {
    const dir = dirname(path);
    await fs.mkdir(dir, { recursive: true });
    const tmp = `${dir}/.${basename(path)}.${randomUUID()}.tmp`;
    await fs.writeFile(tmp, data, { flag: 'wx' });
    try {
      // link() fails with EEXIST instead of replacing, which rename() would do on POSIX.
      await fs.link(tmp, path);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  async delete(path: string, recursive: boolean): Promise<void> {
    await fs.rm(path, { recursive, force: true });
  }

  async mkdirs(path: string): Promise<void> {
    await fs.mkdir(path, { recursive: true });
  }
}
