/**
 * Apache ORC file reader and writer (hand-written; no ORC library exists on npm):
 * `openOrc(bytes, fileName)` gives the type tree, statistics and stripes, and
 * `read()` yields Arrow record batches; `encodeOrc(fields, batches)` writes
 * Arrow record batches as an ORC file the way Paimon's Java writer does.
 */
export { openOrc, isOrc, OrcFile, type OrcReadOptions } from './orc-reader.js';
export { ORC_KINDS, typeToString, toArrowType, toArrowField, type OrcKind, type OrcType, type TimestampUnit } from './types.js';
export type {
  ColumnStatistics,
  IntegerStatistics,
  DoubleStatistics,
  StringStatistics,
  DecimalStatistics,
  DateStatistics,
  TimestampStatistics,
  BinaryStatistics,
  CollectionStatistics,
} from './statistics.js';
export type { CompressionKind, PostScript, Footer, StripeInformation, UserMetadataItem, StripeFooter } from './footer.js';
export { Decompressor } from './compression.js';
export { ORC_EPOCH_SECONDS } from './timezone.js';
export { encodeOrc, encodeOrcWithReport, type OrcWriteOptions, type OrcWriteReport } from './orc-writer.js';
export type { OrcCodec } from './compressors.js';
