/**
 * ManifestEntry (spec 4.5): one ADD or DELETE of a data file in a
 * (partition, bucket), and the merge of entries into a live file set (4.9).
 */
import { PaimonError } from '../errors.js';
import { dataFileMetaAvroSchema, dataFileMetaToAvro, readDataFileMeta, type DataFileMeta } from './data-file-meta.js';
import { RecordReader, type RawRecord } from './record-fields.js';
import { rowKey } from './binary-row.js';

export const MANIFEST_ENTRY_VERSION = 2;

export enum FileKind {
  ADD = 0,
  DELETE = 1,
}

export interface ManifestEntry {
  kind: FileKind;
  /** Serialized BinaryRow of the partition values. */
  partition: Uint8Array;
  bucket: number;
  totalBuckets: number;
  file: DataFileMeta;
}

export function readManifestEntry(record: RawRecord, where: string): ManifestEntry {
  const r = new RecordReader(record, where);
  const version = r.int('_VERSION');
  if (version !== MANIFEST_ENTRY_VERSION) {
    throw new PaimonError('UNSUPPORTED_VERSION', `${where}: manifest entry version ${version} is not supported (expected ${MANIFEST_ENTRY_VERSION})`);
  }
  return {
    kind: r.int('_KIND') as FileKind,
    partition: r.bytes('_PARTITION'),
    bucket: r.int('_BUCKET'),
    totalBuckets: r.int('_TOTAL_BUCKETS'),
    file: readDataFileMeta(r.nested('_FILE')),
  };
}

export function manifestEntryToAvro(e: ManifestEntry): Record<string, unknown> {
  return {
    _VERSION: MANIFEST_ENTRY_VERSION,
    _KIND: e.kind,
    _PARTITION: Buffer.from(e.partition),
    _BUCKET: e.bucket,
    _TOTAL_BUCKETS: e.totalBuckets,
    _FILE: dataFileMetaToAvro(e.file),
  };
}

export const MANIFEST_ENTRY_AVRO_SCHEMA = {
  type: 'record',
  name: 'record',
  namespace: 'org.apache.paimon.avro.generated',
  fields: [
    { name: '_VERSION', type: 'int' },
    { name: '_KIND', type: 'int' },
    { name: '_PARTITION', type: 'bytes' },
    { name: '_BUCKET', type: 'int' },
    { name: '_TOTAL_BUCKETS', type: 'int' },
    { name: '_FILE', type: dataFileMetaAvroSchema('record__FILE') },
  ],
};

/** `FileEntry.Identifier`: what makes two entries name the same file. */
export function entryIdentifier(e: ManifestEntry): string {
  const f = e.file;
  return [
    rowKey(e.partition),
    e.bucket,
    f.level,
    f.fileName,
    f.extraFiles.join(','),
    f.embeddedIndex ? rowKey(f.embeddedIndex) : '',
    f.externalPath ?? '',
  ].join('\u0000');
}

/**
 * `FileEntry.mergeEntries`: an ADD inserts, a DELETE cancels the earlier ADD
 * or is kept (its ADD is in a manifest not merged yet). Order matters.
 */
export class EntryMerger {
  private readonly entries = new Map<string, ManifestEntry>();

  add(e: ManifestEntry, where: string): void {
    const id = entryIdentifier(e);
    if (e.kind === FileKind.ADD) {
      if (this.entries.has(id)) {
        throw new PaimonError('CORRUPT_FILE', `${where}: file ${e.file.fileName} (bucket ${e.bucket}, level ${e.file.level}) is added twice`);
      }
      this.entries.set(id, e);
    } else if (this.entries.get(id)?.kind === FileKind.ADD) {
      this.entries.delete(id);
    } else {
      this.entries.set(id, e);
    }
  }

  /** All remaining entries (ADDs, and DELETEs whose ADD was never seen). */
  result(): ManifestEntry[] {
    return [...this.entries.values()];
  }
}
