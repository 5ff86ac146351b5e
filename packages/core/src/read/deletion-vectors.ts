/** Loads the deletion vector of one data file from its index file (spec 7). */
import type { FileIO } from '../io/file-io.js';
import { readDeletionVector, type DeletionVector } from '../spec/deletion-vector.js';
import type { DeletionFile } from '../scan/split.js';

export async function loadDeletionVector(fileIO: FileIO, file: DeletionFile): Promise<DeletionVector> {
  // An index file holds the vectors of many data files, but each is small; read the whole file once per vector.
  const bytes = await fileIO.readFile(file.path);
  return readDeletionVector(bytes, file.offset, file.length, file.path);
}
