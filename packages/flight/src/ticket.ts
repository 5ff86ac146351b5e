/**
 * Signed tickets. A ticket a client holds is
 * `version | face-name length | face name | payload | HMAC-SHA256`, the MAC
 * keyed with the server's secret over everything before it. The server
 * checks it before any face code runs, so a payload may name files: a
 * client can neither forge one nor alter a byte of one.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { FlightError } from './errors.js';

const VERSION = 1;
const MAC_BYTES = 32;
const MIN_SECRET_BYTES = 16;

export interface OpenedTicket {
  face: string;
  payload: Buffer;
}

export class TicketSigner {
  private readonly secret: Buffer;

  constructor(secret?: Buffer) {
    if (secret && secret.byteLength < MIN_SECRET_BYTES) {
      throw new FlightError('INVALID_ARGUMENT', `ticketSecret must have at least ${MIN_SECRET_BYTES} bytes, got ${secret.byteLength}`);
    }
    this.secret = secret ? Buffer.from(secret) : randomBytes(32);
  }

  private mac(bytes: Uint8Array): Buffer {
    return createHmac('sha256', this.secret).update(bytes).digest();
  }

  seal(face: string, payload: Uint8Array): Buffer {
    const name = Buffer.from(face, 'utf8');
    if (name.byteLength === 0 || name.byteLength > 255) throw new FlightError('INTERNAL', `face name ${JSON.stringify(face)} must have 1..255 bytes`);
    const body = Buffer.concat([Buffer.from([VERSION, name.byteLength]), name, payload]);
    return Buffer.concat([body, this.mac(body)]);
  }

  /** INVALID_ARGUMENT for a malformed ticket, PERMISSION_DENIED for one this server did not sign. */
  open(ticket: Uint8Array): OpenedTicket {
    const bytes = Buffer.from(ticket.buffer, ticket.byteOffset, ticket.byteLength);
    if (bytes.byteLength < 2 + 1 + MAC_BYTES) throw new FlightError('INVALID_ARGUMENT', `ticket of ${bytes.byteLength} bytes is too short to be one of this server's`);
    if (bytes[0] !== VERSION) throw new FlightError('INVALID_ARGUMENT', `ticket version ${bytes[0]} is not ${VERSION}`);
    const nameEnd = 2 + bytes[1]!;
    if (bytes[1] === 0 || nameEnd > bytes.byteLength - MAC_BYTES) throw new FlightError('INVALID_ARGUMENT', 'ticket is malformed');
    const body = bytes.subarray(0, bytes.byteLength - MAC_BYTES);
    const mac = bytes.subarray(bytes.byteLength - MAC_BYTES);
    if (!timingSafeEqual(mac, this.mac(body))) throw new FlightError('PERMISSION_DENIED', 'ticket signature does not match: it was not issued by this server or was altered');
    return { face: bytes.subarray(2, nameEnd).toString('utf8'), payload: Buffer.from(bytes.subarray(nameEnd, body.byteLength)) };
  }
}
