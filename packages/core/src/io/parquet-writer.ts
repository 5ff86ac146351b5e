/**
 * Parquet data files through parquet-wasm. Arrow field metadata
 * `PARQUET:field_id` becomes the Parquet field id (Paimon reads by it).
 * Known difference from Paimon's own writer: TIMESTAMP(7..9) is written as
 * INT64 TIMESTAMP(NANOS), not INT96 (parquet-rs writes no INT96).
 */
import * as arrow from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import { PaimonError } from '../errors.js';

const CODECS: Record<string, parquet.Compression> = {
  none: parquet.Compression.UNCOMPRESSED,
  uncompressed: parquet.Compression.UNCOMPRESSED,
  zstd: parquet.Compression.ZSTD,
  snappy: parquet.Compression.SNAPPY,
  gzip: parquet.Compression.GZIP,
  lz4: parquet.Compression.LZ4_RAW,
  brotli: parquet.Compression.BROTLI,
};

export function parquetCodec(compression: string): parquet.Compression {
  const codec = CODECS[compression.toLowerCase()];
  if (codec === undefined) throw new PaimonError('UNSUPPORTED', `file.compression ${compression} is not supported for Parquet (use ${Object.keys(CODECS).join(', ')})`);
  return codec;
}

/** Encodes batches (one schema) as a Parquet file. */
export function encodeParquet(schema: arrow.Schema, batches: readonly arrow.RecordBatch[], compression: string): Uint8Array {
  const ipc = arrow.tableToIPC(new arrow.Table(schema, [...batches]), 'stream');
  const table = parquet.Table.fromIPCStream(ipc);
  const props = new parquet.WriterPropertiesBuilder()
    .setCompression(parquetCodec(compression))
    .setCreatedBy('paimon-ts')
    .setMaxRowGroupSize(1 << 20)
    .build();
  return parquet.writeParquet(table, props); // takes ownership of (and frees) the wasm table and properties
}
