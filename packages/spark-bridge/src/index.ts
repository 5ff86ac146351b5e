/** @paimon-ts/spark-bridge: Paimon tables over plain Arrow Flight, in the shape Spark's Flight data sources read. */
export { SparkFlightHandler, createSparkHandler, type SparkHandlerOptions } from './spark-flight-handler.js';
export { parseScanRequest, type ScanRequest } from './scan-request.js';
export { encodeSplitTicket, decodeSplitTicket, type SplitTicket } from './split-ticket.js';
export { sparkSchema, toSparkBatch } from './spark-arrow.js';
export { uploadTarget, type UploadTarget, type UploadResult } from './upload.js';
export { ACTIONS } from './actions.js';
