/** Parquet data files through parquet-wasm (parquet-rs compiled to wasm), into Arrow JS batches. */
import * as arrow from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import { corruptFile } from '../errors.js';

/**
 * Reads the named top-level columns of a Parquet file (all when `columns` is
 * null). parquet-wasm hands back an Arrow IPC stream; decoding it in JS is
 * zero-copy over that buffer.
 */
export async function readParquet(bytes: Uint8Array, columns: readonly string[] | null, fileName: string): Promise<arrow.RecordBatch[]> {
  let file: parquet.ParquetFile | undefined;
  try {
    file = await parquet.ParquetFile.fromFile(new Blob([bytes]));
    const options: parquet.ReaderOptions = { batchSize: 65536 };
    if (columns) options.columns = [...columns];
    const wasmTable = await file.read(options);
    const table = arrow.tableFromIPC(wasmTable.intoIPCStream());
    return table.batches;
  } catch (e) {
    throw corruptFile(fileName, 'Parquet file', e);
  } finally {
    file?.free();
  }
}
