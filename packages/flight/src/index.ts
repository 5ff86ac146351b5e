/** @paimon-ts/flight: an Arrow Flight service over Paimon tables, shared by the Spark and Trino faces. */
export type { FlightHandler, FlightDescriptor, FlightInfoSpec, EndpointSpec, CallContext, ActionType, DoGetStream } from './handler.js';
export { startFlightServer, type FlightServer, type FlightServerOptions } from './server.js';
export { FlightClient, type FlightClientOptions, type HandshakeResult, type PutInput } from './client.js';
export { FlightError, toFlightError, type FlightStatus } from './errors.js';
export type { AuthOptions } from './auth.js';
export { TicketSigner, type OpenedTicket } from './ticket.js';
export { encodeSchema, decodeSchema, schemaHeader, IpcMessageEncoder, IpcMessageDecoder, type IpcMessage } from './ipc-message.js';
export { checkPath, describeDescriptor } from './descriptor.js';
export { PROTO_FILE } from './proto.js';
export { TYPE_MAPPING, typeMappingMarkdown, describeType, sparkArrowType, needsSparkConversion, arrowTypeName, type TypeMappingRow } from './type-mapping.js';
