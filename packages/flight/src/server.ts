/**
 * The Flight server: gRPC transport, auth, signed tickets, FlightData framing
 * and stream limits around the faces (FlightHandler). Faces see descriptors,
 * verified ticket payloads and Arrow batches, never gRPC.
 */
import * as grpc from '@grpc/grpc-js';
import type * as arrow from 'apache-arrow';
import { Authenticator, type AuthOptions } from './auth.js';
import { describeDescriptor, fromWireDescriptor, toWireDescriptor } from './descriptor.js';
import { FlightError, toFlightError, toServiceError } from './errors.js';
import type { ActionType, CallContext, DoGetStream, FlightDescriptor, FlightHandler, FlightInfoSpec } from './handler.js';
import { encodeSchema, IpcMessageDecoder, IpcMessageEncoder, schemaHeader } from './ipc-message.js';
import {
  decodeDescriptorMessage,
  FLIGHT_SERVICE,
  type IncomingFlightData,
  type OutgoingFlightData,
  type WireAction,
  type WireDescriptor,
  type WireFlightInfo,
  type WireHandshake,
  type WireTicket,
} from './proto.js';
import { TicketSigner } from './ticket.js';

export interface FlightServerOptions {
  /** Asked in order; a handler answers null for what is not its own. Names must be unique. */
  handlers: FlightHandler[];
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Bearer tokens (a list, a verify hook, or both). Without it every caller is accepted. */
  auth?: AuthOptions;
  /** PEM certificate chain and key: the server speaks TLS only. */
  tls?: { cert: Buffer; key: Buffer };
  /** Passed to the faces (CallContext.readOnly): they refuse writes and mutating actions. */
  readOnly?: boolean;
  /** HMAC key for tickets (at least 16 bytes); random per server when absent. */
  ticketSecret?: Buffer;
  /** DoGet streams served at once; more are refused with RESOURCE_EXHAUSTED. Default 64. */
  maxConcurrentStreams?: number;
  /** Where unexpected (INTERNAL) failures are reported. */
  log?: (line: string) => void;
}

export interface FlightServer {
  readonly host: string;
  readonly port: number;
  /** `grpc://host:port` or `grpc+tls://host:port`. */
  readonly url: string;
  /** DoGet streams running now. */
  readonly activeStreams: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_STREAMS = 64;
const SHUTDOWN_GRACE_MS = 1000;

function isDoGetStream(x: unknown): x is DoGetStream {
  return typeof x === 'object' && x !== null && 'schema' in x && 'batches' in x;
}

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>;

/**
 * Writes one message and resolves when grpc-js has handed it to HTTP/2 (the
 * write callback), or rejects when the call is cancelled (grpc-js then never
 * calls back).
 */
function writeMessage(call: grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>, message: unknown, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new FlightError('CANCELLED', 'the client cancelled the call'));
    const onAbort = () => reject(new FlightError('CANCELLED', 'the client cancelled the call'));
    signal.addEventListener('abort', onAbort, { once: true });
    call.write(message, (err?: Error | null) => {
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    });
  });
}

/**
 * Sends messages keeping at most one unacknowledged write in flight: the
 * producer prepares message n+1 while n is being sent, then waits, so a
 * slow client holds the producer back instead of the server buffering.
 */
class PacedWriter {
  private pending: Promise<void> | null = null;

  constructor(
    private readonly call: grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>,
    private readonly signal: AbortSignal,
  ) {}

  async write(message: unknown): Promise<void> {
    if (this.pending) await this.pending;
    const p = writeMessage(this.call, message, this.signal);
    p.catch(() => {}); // observed by the next write or flush
    this.pending = p;
  }

  async flush(): Promise<void> {
    if (this.pending) await this.pending;
    this.pending = null;
  }
}

export async function startFlightServer(options: FlightServerOptions): Promise<FlightServer> {
  const handlers = [...options.handlers];
  const names = new Set<string>();
  for (const h of handlers) {
    if (names.has(h.name)) throw new FlightError('INVALID_ARGUMENT', `two handlers are named ${JSON.stringify(h.name)}`);
    names.add(h.name);
  }
  const auth = new Authenticator(options.auth);
  const signer = new TicketSigner(options.ticketSecret);
  const readOnly = options.readOnly ?? false;
  const maxStreams = options.maxConcurrentStreams ?? DEFAULT_MAX_STREAMS;
  if (!Number.isInteger(maxStreams) || maxStreams < 1) throw new FlightError('INVALID_ARGUMENT', `maxConcurrentStreams must be a positive integer, got ${maxStreams}`);
  const log = options.log ?? (() => {});
  let activeStreams = 0;

  /** Auth plus the context faces see; the signal aborts when the client cancels. */
  async function contextOf(call: AnyCall): Promise<CallContext> {
    const controller = new AbortController();
    (call as grpc.ServerUnaryCall<unknown, unknown>).on('cancelled', () => controller.abort());
    const token = await auth.check(call.metadata);
    return { token, peer: call.getPeer(), signal: controller.signal, readOnly };
  }

  function report(method: string, e: unknown): Partial<grpc.ServiceError> {
    const f = toFlightError(e);
    if (f.code === 'INTERNAL') log(`flight ${method}: ${(f.cause as Error | undefined)?.stack ?? f.message}`);
    return toServiceError(f);
  }

  function unary<Req, Res>(method: string, body: (req: Req, ctx: CallContext) => Promise<Res>) {
    return (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => {
      contextOf(call as AnyCall)
        .then((ctx) => body(call.request, ctx))
        .then(
          (res) => callback(null, res),
          (e) => callback(report(method, e) as grpc.ServiceError),
        );
    };
  }

  function serverStream<Req>(method: string, body: (req: Req, ctx: CallContext, out: PacedWriter) => Promise<void>) {
    return (call: grpc.ServerWritableStream<Req, unknown>) => {
      let ctx: CallContext | null = null;
      contextOf(call as AnyCall)
        .then(async (c) => {
          ctx = c;
          const out = new PacedWriter(call as grpc.ServerWritableStream<unknown, unknown>, c.signal);
          await body(call.request, c, out);
          await out.flush();
          call.end();
        })
        .catch((e) => {
          if (ctx?.signal.aborted) return; // nobody is listening any more
          call.emit('error', report(method, e));
        });
    };
  }

  function wireInfo(spec: FlightInfoSpec, face: string): WireFlightInfo {
    return {
      schema: encodeSchema(spec.schema),
      flight_descriptor: toWireDescriptor(spec.descriptor),
      endpoint: spec.endpoints.map((e) => ({
        ticket: { ticket: signer.seal(face, e.ticket) },
        location: (e.locations ?? []).map((uri) => ({ uri })),
        app_metadata: e.appMetadata ?? Buffer.alloc(0),
      })),
      total_records: spec.totalRecords,
      total_bytes: spec.totalBytes,
      ordered: spec.ordered ?? false,
      app_metadata: spec.appMetadata ?? Buffer.alloc(0),
    };
  }

  async function flightInfo(descriptor: FlightDescriptor, ctx: CallContext): Promise<WireFlightInfo> {
    for (const h of handlers) {
      const spec = h.getFlightInfo ? await h.getFlightInfo(descriptor, ctx) : null;
      if (spec) return wireInfo(spec, h.name);
    }
    throw new FlightError('NOT_FOUND', `no flight for ${describeDescriptor(descriptor)}`);
  }

  async function* uploadedBatches(first: IncomingFlightData, rest: AsyncIterator<IncomingFlightData>): AsyncGenerator<arrow.RecordBatch> {
    const decoder = new IpcMessageDecoder();
    let message: IncomingFlightData | null = first;
    while (message) {
      if (message.header.byteLength > 0) {
        const batch = decoder.decode(message.header, message.body);
        if (batch) yield batch;
      }
      const next = await rest.next();
      message = next.done ? null : next.value;
    }
    if (!decoder.schema) throw new FlightError('INVALID_ARGUMENT', 'DoPut stream carries no Schema message');
  }

  const implementation: grpc.UntypedServiceImplementation = {
    Handshake: (call: grpc.ServerDuplexStream<WireHandshake, WireHandshake>) => {
      let answered = false;
      // Answers the first request (or the end of an empty stream) with the bearer header and the token as payload.
      const answer = (req: WireHandshake | null) => {
        if (answered) return;
        answered = true;
        auth.handshake(call.metadata, req?.payload ?? Buffer.alloc(0)).then(
          (token) => {
            const md = new grpc.Metadata();
            if (token !== null) md.set('authorization', `Bearer ${token}`);
            call.sendMetadata(md);
            if (req) call.write({ protocol_version: req.protocol_version, payload: token === null ? Buffer.alloc(0) : Buffer.from(token, 'utf8') });
            call.end();
          },
          (e) => call.emit('error', report('Handshake', e)),
        );
      };
      call.on('data', (req: WireHandshake) => answer(req));
      call.on('end', () => answer(null));
    },

    ListFlights: serverStream<{ expression: Buffer }>('ListFlights', async (req, ctx, out) => {
      for (const h of handlers) {
        if (!h.listFlights) continue;
        for await (const spec of h.listFlights(req.expression ?? Buffer.alloc(0), ctx)) {
          if (ctx.signal.aborted) return;
          await out.write(wireInfo(spec, h.name));
        }
      }
    }),

    GetFlightInfo: unary<WireDescriptor, WireFlightInfo>('GetFlightInfo', (req, ctx) => flightInfo(fromWireDescriptor(req), ctx)),

    // Every answer is complete at once: planning is synchronous from the caller's view.
    PollFlightInfo: unary<WireDescriptor, unknown>('PollFlightInfo', async (req, ctx) => ({ info: await flightInfo(fromWireDescriptor(req), ctx), progress: 1 })),

    GetSchema: unary<WireDescriptor, { schema: Buffer }>('GetSchema', async (req, ctx) => {
      const descriptor = fromWireDescriptor(req);
      for (const h of handlers) {
        const schema = h.getSchema ? await h.getSchema(descriptor, ctx) : ((h.getFlightInfo && (await h.getFlightInfo(descriptor, ctx))?.schema) ?? null);
        if (schema) return { schema: encodeSchema(schema) };
      }
      throw new FlightError('NOT_FOUND', `no flight for ${describeDescriptor(descriptor)}`);
    }),

    DoGet: serverStream<WireTicket>('DoGet', async (req, ctx, out) => {
      // Verified before any face code runs.
      const { face, payload } = signer.open(req.ticket ?? Buffer.alloc(0));
      const handler = handlers.find((h) => h.name === face);
      if (!handler?.doGet) throw new FlightError('NOT_FOUND', `ticket names face ${JSON.stringify(face)}, which this server does not serve`);
      if (activeStreams >= maxStreams) throw new FlightError('RESOURCE_EXHAUSTED', `${activeStreams} DoGet streams are running, the limit is ${maxStreams}; retry later`);
      activeStreams++;
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          activeStreams--;
        }
      };
      // A cancelled stream frees its slot at once, even while the face is still inside a read.
      ctx.signal.addEventListener('abort', release, { once: true });
      try {
        const result = await handler.doGet(payload, ctx);
        if (!result) throw new FlightError('NOT_FOUND', `face ${face} does not know this ticket`);
        const iterator = (isDoGetStream(result) ? result.batches : result)[Symbol.asyncIterator]();
        try {
          let schema = isDoGetStream(result) ? result.schema : null;
          let first: arrow.RecordBatch | null = null;
          if (!schema) {
            const r = await iterator.next();
            if (r.done) throw new FlightError('INTERNAL', `face ${face} produced no batch and no schema for a DoGet`);
            first = r.value;
            schema = first.schema;
          }
          await out.write({ message: { header: schemaHeader(schema), bodyLength: 0, buffers: [], offsets: [] } } satisfies OutgoingFlightData);
          const encoder = new IpcMessageEncoder(schema);
          const send = async (batch: arrow.RecordBatch) => {
            for (const message of encoder.encode(batch)) await out.write({ message } satisfies OutgoingFlightData);
          };
          if (first) await send(first);
          while (!ctx.signal.aborted) {
            const r = await iterator.next();
            if (r.done) break;
            await send(r.value);
          }
        } finally {
          // Stops the face's reader (its finally blocks close files) when the client went away early.
          await iterator.return?.();
        }
      } finally {
        release();
      }
    }),

    DoPut: (call: grpc.ServerDuplexStream<IncomingFlightData, { app_metadata: Buffer }>) => {
      (async () => {
        const ctx = await contextOf(call as AnyCall);
        // Not the default iterator: it destroys the whole duplex when the uploads end, before the PutResult is written.
        const messages = (call as unknown as { iterator(o: { destroyOnReturn: boolean }): AsyncIterator<IncomingFlightData> }).iterator({ destroyOnReturn: false });
        const first = await messages.next();
        if (first.done) throw new FlightError('INVALID_ARGUMENT', 'DoPut stream is empty');
        if (!first.value.descriptor) throw new FlightError('INVALID_ARGUMENT', 'the first DoPut message must carry a FlightDescriptor');
        const descriptor = fromWireDescriptor(decodeDescriptorMessage(first.value.descriptor));
        for (const h of handlers) {
          if (!h.doPut) continue;
          const answer = await h.doPut(descriptor, uploadedBatches(first.value, messages), ctx);
          if (answer) {
            await writeMessage(call as grpc.ServerDuplexStream<unknown, unknown>, { app_metadata: answer }, ctx.signal);
            call.end();
            return;
          }
        }
        throw new FlightError('NOT_FOUND', `no face accepts DoPut for ${describeDescriptor(descriptor)}`);
      })().catch((e) => call.emit('error', report('DoPut', e)));
    },

    DoExchange: (call: grpc.ServerDuplexStream<unknown, unknown>) => {
      call.emit('error', toServiceError(new FlightError('UNIMPLEMENTED', 'DoExchange is not offered by this service')));
    },

    DoAction: serverStream<WireAction>('DoAction', async (req, ctx, out) => {
      for (const h of handlers) {
        const results = h.doAction ? await h.doAction(req.type, req.body ?? Buffer.alloc(0), ctx) : null;
        if (!results) continue;
        for await (const body of results) await out.write({ body });
        return;
      }
      throw new FlightError('UNIMPLEMENTED', `unknown action type ${JSON.stringify(req.type)}`);
    }),

    ListActions: serverStream<unknown>('ListActions', async (_req, _ctx, out) => {
      const all: ActionType[] = handlers.flatMap((h) => h.listActions?.() ?? []);
      for (const a of all) await out.write({ type: a.type, description: a.description });
    }),
  };

  const server = new grpc.Server({
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
  });
  server.addService(FLIGHT_SERVICE, implementation);
  const host = options.host ?? '127.0.0.1';
  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: options.tls.cert, private_key: options.tls.key }], false)
    : grpc.ServerCredentials.createInsecure();
  const address = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 0}`;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, credentials, (err, bound) => (err ? reject(new FlightError('UNAVAILABLE', `cannot listen on ${address}: ${err.message}`, { cause: err })) : resolve(bound))),
  );
  const scheme = options.tls ? 'grpc+tls' : 'grpc';
  return {
    host,
    port,
    url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    get activeStreams() {
      return activeStreams;
    },
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
