/**
 * Merge engines as they pick one surviving record from all records of a key
 * (spec 6.2). Records arrive in merge order (user sequence, then
 * `_SEQUENCE_NUMBER`); the function returns the index of the winner within
 * the group, or -1 when the key has no row.
 */
import { PaimonError } from '../errors.js';
import { CoreOptions } from '../table/options.js';

export enum RowKind {
  INSERT = 0,
  UPDATE_BEFORE = 1,
  UPDATE_AFTER = 2,
  DELETE = 3,
}

export const ROW_KIND_SHORT = ['+I', '-U', '+U', '-D'] as const;

export function isRetract(kind: number): boolean {
  return kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE;
}

/** Picks the surviving record of a key group from the kinds of its records. */
export type PickWinner = (kinds: ArrayLike<number>, start: number, end: number) => number;

function deduplicate(ignoreDelete: boolean): PickWinner {
  return (kinds, start, end) => {
    for (let i = end - 1; i >= start; i--) {
      if (!isRetract(kinds[i]!)) return i;
      if (!ignoreDelete) return -1;
    }
    return -1;
  };
}

/** first-row keeps the earliest record; retractions never remove it (they are ignored). */
const firstRow: PickWinner = (kinds, start, end) => {
  for (let i = start; i < end; i++) if (!isRetract(kinds[i]!)) return i;
  return -1;
};

/** The winner picker for a table, or an UNSUPPORTED error for engines that combine fields. */
export function pickWinnerFor(options: CoreOptions, table: string): PickWinner {
  switch (options.mergeEngine) {
    case 'deduplicate':
      return deduplicate(options.ignoreDelete);
    case 'first-row':
      return firstRow;
    default:
      throw new PaimonError(
        'UNSUPPORTED',
        `table ${table}: merge-on-read for merge engine ${options.mergeEngine} is not supported yet (deduplicate and first-row are)`,
      );
  }
}

/**
 * The record a write buffer keeps per key when it flushes (MergeTreeWriter
 * runs the merge function there too). Unlike a read, a retraction that wins
 * is kept: it must still delete the key's rows in older files.
 */
export function pickBufferWinnerFor(options: CoreOptions, table: string): PickWinner {
  switch (options.mergeEngine) {
    case 'deduplicate': {
      const ignoreDelete = options.ignoreDelete;
      return (kinds, start, end) => {
        for (let i = end - 1; i >= start; i--) if (!ignoreDelete || !isRetract(kinds[i]!)) return i;
        return -1;
      };
    }
    case 'first-row':
      return firstRow;
    default:
      throw new PaimonError(
        'UNSUPPORTED',
        `table ${table}: writing with merge engine ${options.mergeEngine} is not supported yet (deduplicate and first-row are)`,
      );
  }
}
