/**
 * Table options: the one place for option names and their defaults
 * (paimon-api `CoreOptions`, spec section 8). Values in schema files are
 * always strings; `CoreOptions` parses them on access.
 */
import { PaimonError } from '../errors.js';

export const OPTIONS = {
  bucket: { key: 'bucket', default: '-1' },
  bucketKey: { key: 'bucket-key', default: null },
  bucketFunctionType: { key: 'bucket-function.type', default: 'default' },
  fileFormat: { key: 'file.format', default: 'parquet' },
  fileCompression: { key: 'file.compression', default: 'zstd' },
  fileCompressionZstdLevel: { key: 'file.compression.zstd-level', default: '1' },
  manifestFormat: { key: 'manifest.format', default: 'avro' },
  manifestCompression: { key: 'manifest.compression', default: 'zstd' },
  manifestTargetFileSize: { key: 'manifest.target-file-size', default: '8 mb' },
  manifestMergeMinCount: { key: 'manifest.merge-min-count', default: '30' },
  mergeEngine: { key: 'merge-engine', default: 'deduplicate' },
  changelogProducer: { key: 'changelog-producer', default: 'none' },
  sequenceField: { key: 'sequence.field', default: null },
  sequenceFieldSortOrder: { key: 'sequence.field.sort-order', default: 'ascending' },
  ignoreDelete: { key: 'ignore-delete', default: 'false' },
  deletionVectorsEnabled: { key: 'deletion-vectors.enabled', default: 'false' },
  deletionVectorsBitmap64: { key: 'deletion-vectors.bitmap64', default: 'false' },
  partitionDefaultName: { key: 'partition.default-name', default: '__DEFAULT_PARTITION__' },
  partitionLegacyName: { key: 'partition.legacy-name', default: 'true' },
  dataFilePrefix: { key: 'data-file.prefix', default: 'data-' },
  changelogFilePrefix: { key: 'changelog-file.prefix', default: 'changelog-' },
  dataFilePathDirectory: { key: 'data-file.path-directory', default: null },
  fileSuffixIncludeCompression: { key: 'file.suffix.include.compression', default: 'false' },
  targetFileSize: { key: 'target-file-size', default: null }, // 128 MiB PK, 256 MiB append
  writeBufferSize: { key: 'write-buffer-size', default: '256 mb' },
  numSortedRunCompactionTrigger: { key: 'num-sorted-run.compaction-trigger', default: '5' },
  numLevels: { key: 'num-levels', default: null }, // trigger + 1
  commitMaxRetries: { key: 'commit.max-retries', default: '10' },
  scanSnapshotId: { key: 'scan.snapshot-id', default: null },
  scanTagName: { key: 'scan.tag-name', default: null },
  scanTimestampMillis: { key: 'scan.timestamp-millis', default: null },
  branch: { key: 'branch', default: 'main' },
  statsMode: { key: 'metadata.stats-mode', default: 'truncate(16)' },
} as const;

export type OptionName = keyof typeof OPTIONS;

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 };

export function parseMemorySize(text: string, key: string): number {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = SIZE_UNITS[(m?.[2] || 'b').toLowerCase()];
  if (!m || unit === undefined) throw new PaimonError('INVALID_ARGUMENT', `option ${key}: ${JSON.stringify(text)} is not a memory size`);
  return Number(m[1]) * unit;
}

/** Typed, defaulted view over a table's options map. */
export class CoreOptions {
  constructor(readonly raw: Readonly<Record<string, string>>) {}

  get(name: OptionName): string | null {
    const o = OPTIONS[name];
    return this.raw[o.key] ?? o.default;
  }

  private int(name: OptionName): number {
    const v = this.get(name);
    const n = Number(v);
    if (v === null || !Number.isInteger(n)) throw new PaimonError('INVALID_ARGUMENT', `option ${OPTIONS[name].key}: ${JSON.stringify(v)} is not an integer`);
    return n;
  }

  private bool(name: OptionName): boolean {
    const v = (this.get(name) ?? 'false').toLowerCase();
    if (v !== 'true' && v !== 'false') throw new PaimonError('INVALID_ARGUMENT', `option ${OPTIONS[name].key}: ${JSON.stringify(v)} is not true/false`);
    return v === 'true';
  }

  get bucket(): number {
    return this.int('bucket');
  }
  get fileFormat(): string {
    return this.get('fileFormat')!.toLowerCase();
  }
  get manifestFormat(): string {
    return this.get('manifestFormat')!.toLowerCase();
  }
  get mergeEngine(): string {
    return this.get('mergeEngine')!;
  }
  get changelogProducer(): string {
    return this.get('changelogProducer')!;
  }
  get sequenceFields(): string[] {
    const v = this.get('sequenceField');
    return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
  }
  get sequenceDescending(): boolean {
    return this.get('sequenceFieldSortOrder')!.toLowerCase() === 'descending';
  }
  get ignoreDelete(): boolean {
    return this.bool('ignoreDelete') || this.raw['first-row.ignore-delete'] === 'true';
  }
  get deletionVectorsEnabled(): boolean {
    return this.bool('deletionVectorsEnabled');
  }
  get partitionDefaultName(): string {
    return this.get('partitionDefaultName')!;
  }
  get partitionLegacyName(): boolean {
    return this.bool('partitionLegacyName');
  }
  get dataFilePathDirectory(): string | null {
    return this.get('dataFilePathDirectory');
  }
  get numSortedRunCompactionTrigger(): number {
    return this.int('numSortedRunCompactionTrigger');
  }
  get numLevels(): number {
    return this.get('numLevels') === null ? this.numSortedRunCompactionTrigger + 1 : this.int('numLevels');
  }
  get branch(): string {
    return this.get('branch')!;
  }
}
