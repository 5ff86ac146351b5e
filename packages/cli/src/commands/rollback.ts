/** `paimon-ts rollback`: make a snapshot or tag the table's latest state again. */
import { FileStoreTable, parseRollbackTarget, PaimonError, rollbackTo } from '@paimon-ts/core';
import { deletedFilesTable, idRanges } from './expire.js';

export async function rollback(tablePath: string, to: string | undefined, out: NodeJS.WritableStream): Promise<void> {
  if (to === undefined) throw new PaimonError('INVALID_ARGUMENT', 'rollback needs --to snapshot:N or --to tag:NAME');
  const target = parseRollbackTarget(to);
  const table = await FileStoreTable.open(tablePath);
  const r = await rollbackTo(table, target);
  const parts = [`rolled ${table.name} back to snapshot ${r.snapshot}${r.tag !== null ? ` (tag ${r.tag}${r.restoredFromTag ? ', snapshot re-created from the tag' : ''})` : ''}`];
  parts.push(r.deletedSnapshots.length ? `removed snapshots ${idRanges(r.deletedSnapshots)}` : 'no newer snapshots');
  if (r.deletedTags.length) parts.push(`removed tags ${r.deletedTags.join(', ')}`);
  parts.push(`deleted ${r.deletedFiles.length} files`);
  out.write(parts.join('; ') + '\n');
  if (r.deletedFiles.length) out.write(deletedFilesTable(r.deletedFiles) + '\n');
}
