/**
 * Flight descriptors between the wire and the faces. PATH elements name
 * catalog objects (database, table), never files: anything that could walk
 * the file system is refused here, before any face sees it.
 */
import type { FlightDescriptor } from './handler.js';
import { FlightError } from './errors.js';
import type { WireDescriptor } from './proto.js';

const MAX_PATH_ELEMENTS = 8;

/** Refuses empty names, `.`/`..`, separators and control characters in PATH elements. */
export function checkPath(path: readonly string[]): void {
  if (path.length === 0) throw new FlightError('INVALID_ARGUMENT', 'a PATH descriptor needs at least one element');
  if (path.length > MAX_PATH_ELEMENTS) throw new FlightError('INVALID_ARGUMENT', `a PATH descriptor has at most ${MAX_PATH_ELEMENTS} elements, got ${path.length}`);
  for (const element of path) {
    // eslint-disable-next-line no-control-regex
    if (element.trim() === '' || element === '.' || element === '..' || /[/\\\u0000-\u001f]/.test(element)) {
      throw new FlightError('INVALID_ARGUMENT', `PATH element ${JSON.stringify(element)} is not a catalog name (no '/', '\\', control characters, '.' or '..')`);
    }
  }
}

export function fromWireDescriptor(d: WireDescriptor | null | undefined): FlightDescriptor {
  if (!d) throw new FlightError('INVALID_ARGUMENT', 'missing FlightDescriptor');
  if (d.type === 'PATH') {
    checkPath(d.path);
    return { type: 'PATH', path: [...d.path] };
  }
  if (d.type === 'CMD') return { type: 'CMD', cmd: Buffer.from(d.cmd) };
  throw new FlightError('INVALID_ARGUMENT', `FlightDescriptor type ${String(d.type)} is neither PATH nor CMD`);
}

export function toWireDescriptor(d: FlightDescriptor): WireDescriptor {
  return d.type === 'PATH' ? { type: 'PATH', path: d.path, cmd: Buffer.alloc(0) } : { type: 'CMD', cmd: d.cmd, path: [] };
}

/** For messages: `PATH [db, t]` or `CMD <n bytes>`. */
export function describeDescriptor(d: FlightDescriptor): string {
  return d.type === 'PATH' ? `PATH ${JSON.stringify(d.path)}` : `CMD (${d.cmd.byteLength} bytes)`;
}
