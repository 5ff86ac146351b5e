/** `paimon-ts tag create | delete | list`: named snapshots that survive expiration. */
import { createTag, deleteTag, FileStoreTable, formatTimestamp, listTags, PaimonError, type TagInfo } from '@paimon-ts/core';
import { renderTable } from '../output/formats.js';
import { count, duration } from './expire.js';

function needName(name: string | undefined, action: string): string {
  if (name === undefined || name.trim() === '') throw new PaimonError('INVALID_ARGUMENT', `tag ${action} needs a tag name: paimon-ts tag ${action} <table-path> <name>`);
  return name;
}

function describe(tag: TagInfo): string {
  return `tag ${tag.name} (snapshot ${tag.snapshot.id})`;
}

export interface TagCreateCliOptions {
  snapshot?: string;
  timeRetained?: string;
}

export async function tagCreate(tablePath: string, name: string | undefined, o: TagCreateCliOptions, out: NodeJS.WritableStream): Promise<void> {
  const table = await FileStoreTable.open(tablePath);
  const snapshotId = count('--snapshot', o.snapshot, 1);
  const timeRetainedMillis = duration('--time-retained', o.timeRetained);
  const tag = await createTag(table, needName(name, 'create'), {
    ...(snapshotId !== undefined ? { snapshotId } : {}),
    ...(timeRetainedMillis !== undefined ? { timeRetainedMillis } : {}),
  });
  out.write(`created ${describe(tag)} on ${table.name}${tag.timeRetainedMillis !== null ? `, retained for ${o.timeRetained}` : ''}\n`);
}

export async function tagDelete(tablePath: string, name: string | undefined, out: NodeJS.WritableStream): Promise<void> {
  const table = await FileStoreTable.open(tablePath);
  const r = await deleteTag(table, needName(name, 'delete'));
  const files = r.deletedFiles.length;
  out.write(`deleted ${describe(r.tag)} from ${table.name}${files ? `; removed ${files} file${files === 1 ? '' : 's'} only it used` : ''}\n`);
}

export async function tagList(tablePath: string, out: NodeJS.WritableStream): Promise<void> {
  const table = await FileStoreTable.open(tablePath);
  const tags = await listTags(table);
  if (tags.length === 0) {
    out.write(`${table.name} has no tags\n`);
    return;
  }
  const rows = tags.map((t) => [
    t.name,
    t.snapshot.id,
    t.snapshot.commitKind,
    formatTimestamp(BigInt(t.snapshot.timeMillis), 3),
    t.snapshot.totalRecordCount ?? null,
    t.createTime,
    t.timeRetainedMillis === null ? null : `${t.timeRetainedMillis / 1000} s`,
  ]);
  out.write(renderTable(['tag', 'snapshot', 'kind', 'committed (UTC)', 'total rows', 'created (local)', 'retained'], rows) + '\n');
}
