/**
 * Writes manifests and manifest lists (Avro, as Paimon 1.4 lays them out)
 * and describes each manifest with the stats a reader prunes by: partition
 * min/max/null counts, bucket and level ranges.
 */
import { randomUUID } from 'node:crypto';
import * as arrow from 'apache-arrow';
import { writeAvroContainer, type AvroCodec } from '../io/avro.js';
import { encodeOrc } from '../io/orc/index.js';
import { MANIFEST_ENTRY_FIELDS, MANIFEST_FILE_META_FIELDS, recordToValues } from '../spec/manifest-row-types.js';
import { buildData } from '../types/arrow-values.js';
import { toArrowField } from '../types/arrow-type.js';
import type { DataField } from '../types/data-type.js';
import type { FileIO } from '../io/file-io.js';
import { deserializeBinaryRow, rowKey } from '../spec/binary-row.js';
import { FileKind, MANIFEST_ENTRY_AVRO_SCHEMA, manifestEntryToAvro, type ManifestEntry } from '../spec/manifest-entry.js';
import { MANIFEST_FILE_META_AVRO_SCHEMA, manifestFileMetaToAvro, type ManifestFileMeta } from '../spec/manifest-file-meta.js';
import { encodeStats } from '../spec/stats.js';
import { INDEX_MANIFEST_ENTRY_AVRO_SCHEMA, indexManifestEntryToAvro, type IndexManifestEntry } from '../spec/index-manifest-entry.js';
import { manifestPath } from '../table/paths.js';
import { type DataType, withNullable } from '../types/data-type.js';
import { compareValues, type Value } from '../types/values.js';
import { PaimonError } from '../errors.js';

export function avroCodecOf(compression: string): AvroCodec {
  switch (compression.toLowerCase()) {
    case 'zstd':
      return 'zstandard';
    case 'none':
    case 'null':
      return 'null';
    case 'deflate':
      return 'deflate';
    default:
      throw new PaimonError('UNSUPPORTED', `manifest.compression ${compression} is not supported for writing (zstd, deflate, none)`);
  }
}

export type ManifestFormat = 'avro' | 'orc';

/** Manifest records in the table's `manifest.format` (the reader tells formats apart by their magic). */
function encodeRecords(format: ManifestFormat, avroSchema: object, fieldList: readonly DataField[], records: Record<string, unknown>[], codec: AvroCodec): Uint8Array {
  if (format === 'avro') return writeAvroContainer(avroSchema, records, { codec });
  const arrowFields = fieldList.map(toArrowField);
  const rows = records.map((r) => recordToValues(r, fieldList));
  const children = fieldList.map((_, i) => buildData(arrowFields[i]!.type, rows.map((row) => row[i]!)));
  const batch = new arrow.RecordBatch(new arrow.Schema(arrowFields), arrow.makeData({ type: new arrow.Struct(arrowFields), length: rows.length, nullCount: 0, children }));
  const orcCodec = codec === 'zstandard' ? 'zstd' : codec === 'deflate' ? 'zlib' : 'none';
  return encodeOrc([...fieldList], [batch], { compression: orcCodec });
}

/** One UUID per commit attempt, counters per kind: `manifest-<uuid>-<n>`, `manifest-list-<uuid>-<n>`. */
export class ManifestWriter {
  private readonly uuid = randomUUID();
  private manifests = 0;
  private lists = 0;
  private indexManifests = 0;
  readonly written: string[] = [];

  constructor(
    private readonly fileIO: FileIO,
    private readonly tablePath: string,
    private readonly partitionTypes: DataType[],
    private readonly schemaId: number,
    private readonly codec: AvroCodec,
    private readonly targetFileSize: number,
    private readonly format: ManifestFormat = 'avro',
  ) {}

  private async put(name: string, bytes: Uint8Array): Promise<void> {
    await this.fileIO.writeFile(manifestPath(this.tablePath, name), bytes, false);
    this.written.push(name);
  }

  /** Writes entries into manifest files of about the target size. */
  async writeManifests(entries: readonly ManifestEntry[]): Promise<ManifestFileMeta[]> {
    if (entries.length === 0) return [];
    const encode = (list: readonly ManifestEntry[]) => encodeRecords(this.format, MANIFEST_ENTRY_AVRO_SCHEMA, MANIFEST_ENTRY_FIELDS, list.map(manifestEntryToAvro), this.codec);
    const whole = encode(entries);
    const parts = Math.max(1, Math.ceil(whole.length / this.targetFileSize));
    const per = Math.ceil(entries.length / parts);
    const metas: ManifestFileMeta[] = [];
    for (let start = 0; start < entries.length; start += per) {
      const chunk = entries.slice(start, start + per);
      const bytes = parts === 1 ? whole : encode(chunk);
      const name = `manifest-${this.uuid}-${this.manifests++}`;
      await this.put(name, bytes);
      metas.push(this.describe(name, bytes.length, chunk));
    }
    return metas;
  }

  async writeList(metas: readonly ManifestFileMeta[]): Promise<{ name: string; size: number }> {
    const bytes = encodeRecords(this.format, MANIFEST_FILE_META_AVRO_SCHEMA, MANIFEST_FILE_META_FIELDS, metas.map(manifestFileMetaToAvro), this.codec);
    const name = `manifest-list-${this.uuid}-${this.lists++}`;
    await this.put(name, bytes);
    return { name, size: bytes.length };
  }

  /** The complete list of live index files (Avro, as `index-manifest-<uuid>-<n>`). */
  async writeIndexManifest(entries: readonly IndexManifestEntry[]): Promise<string> {
    const bytes = writeAvroContainer(INDEX_MANIFEST_ENTRY_AVRO_SCHEMA, entries.map(indexManifestEntryToAvro), { codec: this.codec });
    const name = `index-manifest-${this.uuid}-${this.indexManifests++}`;
    await this.put(name, bytes);
    return name;
  }

  /** Removes what this writer wrote (a commit attempt that lost the race). */
  async abort(): Promise<void> {
    for (const name of this.written.splice(0)) await this.fileIO.delete(manifestPath(this.tablePath, name), false);
  }

  private describe(name: string, size: number, entries: readonly ManifestEntry[]): ManifestFileMeta {
    const n = this.partitionTypes.length;
    const min: Value[] = new Array(n).fill(null);
    const max: Value[] = new Array(n).fill(null);
    const nulls = new Array<number>(n).fill(0);
    const seen = new Map<string, Value[]>();
    let minBucket = Infinity;
    let maxBucket = -Infinity;
    let minLevel = Infinity;
    let maxLevel = -Infinity;
    for (const e of entries) {
      minBucket = Math.min(minBucket, e.bucket);
      maxBucket = Math.max(maxBucket, e.bucket);
      minLevel = Math.min(minLevel, e.file.level);
      maxLevel = Math.max(maxLevel, e.file.level);
      if (n === 0) continue;
      const key = rowKey(e.partition);
      let values = seen.get(key);
      if (!values) {
        values = deserializeBinaryRow(e.partition, this.partitionTypes);
        seen.set(key, values);
        values.forEach((v, i) => {
          if (v === null) return;
          if (min[i] === null || compareValues(v, min[i]!) < 0) min[i] = v;
          if (max[i] === null || compareValues(v, max[i]!) > 0) max[i] = v;
        });
      }
      values.forEach((v, i) => {
        if (v === null) nulls[i]!++; // counted per entry, as Paimon's stats collector does
      });
    }
    const types = this.partitionTypes.map((t) => withNullable(t, true));
    return {
      fileName: name,
      fileSize: size,
      numAddedFiles: entries.filter((e) => e.kind === FileKind.ADD).length,
      numDeletedFiles: entries.filter((e) => e.kind === FileKind.DELETE).length,
      partitionStats: encodeStats({ min, max, nullCounts: nulls }, types),
      schemaId: this.schemaId,
      minBucket,
      maxBucket,
      minLevel,
      maxLevel,
      minRowId: null,
      maxRowId: null,
    };
  }
}
