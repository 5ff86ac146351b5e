/**
 * A local FileIO whose work happens synchronously (the promises it returns
 * are already settled). The planner worker uses it: the DuckDB query that
 * waits for the plan occupies a libuv thread-pool thread, and asynchronous
 * `fs` calls need those threads too, so several queries planning at once
 * could otherwise starve each other.
 */
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, dirname } from 'node:path';
import { PaimonError, type FileIO } from '@paimon-ts/core';

type FileStatus = Awaited<ReturnType<FileIO['list']>>[number];

const notFound = (e: unknown) => (e as NodeJS.ErrnoException)?.code === 'ENOENT';

function run<T>(f: () => T): Promise<T> {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e);
  }
}

export class SyncLocalFileIO implements FileIO {
  readFile(path: string): Promise<Uint8Array> {
    return run(() => {
      try {
        return fs.readFileSync(path);
      } catch (e) {
        if (notFound(e)) throw new PaimonError('FILE_NOT_FOUND', `file ${path} does not exist`, { cause: e });
        throw e;
      }
    });
  }

  readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    return run(() => {
      let fd: number;
      try {
        fd = fs.openSync(path, 'r');
      } catch (e) {
        if (notFound(e)) throw new PaimonError('FILE_NOT_FOUND', `file ${path} does not exist`, { cause: e });
        throw e;
      }
      try {
        const buf = Buffer.alloc(length);
        const n = fs.readSync(fd, buf, 0, length, offset);
        if (n < length) throw new PaimonError('CORRUPT_FILE', `file ${path} is truncated: wanted ${length} bytes at ${offset}, got ${n}`);
        return buf;
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  exists(path: string): Promise<boolean> {
    return run(() => fs.existsSync(path));
  }

  list(path: string): Promise<FileStatus[]> {
    return run(() => {
      let names: string[];
      try {
        names = fs.readdirSync(path);
      } catch (e) {
        if (notFound(e)) return [];
        throw e;
      }
      const out: FileStatus[] = [];
      for (const name of names) {
        const full = `${path}/${name}`;
        try {
          const st = fs.statSync(full);
          out.push({ path: full, name, size: st.size, isDir: st.isDirectory(), modificationTime: st.mtimeMs });
        } catch (e) {
          if (!notFound(e)) throw e;
        }
      }
      return out;
    });
  }

  writeFile(path: string, data: Uint8Array | string, overwrite: boolean): Promise<void> {
    return run(() => {
      fs.mkdirSync(dirname(path), { recursive: true });
      fs.writeFileSync(path, data, { flag: overwrite ? 'w' : 'wx' });
    });
  }

  tryToWriteAtomic(path: string, data: Uint8Array | string): Promise<boolean> {
    return run(() => {
      const dir = dirname(path);
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${dir}/.${basename(path)}.${randomUUID()}.tmp`;
      fs.writeFileSync(tmp, data, { flag: 'wx' });
      try {
        fs.linkSync(tmp, path);
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    });
  }

  delete(path: string, recursive: boolean): Promise<void> {
    return run(() => fs.rmSync(path, { recursive, force: true }));
  }

  mkdirs(path: string): Promise<void> {
    return run(() => {
      fs.mkdirSync(path, { recursive: true });
    });
  }
}
