/**
 * DAVE's messages on the voice gateway (v8): binary frames and the MLS vector encoding they carry.
 *
 * Server to client a binary frame is `[u16 seq][u8 opcode][payload]` (the seq shares the counter of the JSON
 * messages' `seq`); client to server it is `[u8 opcode][payload]`.
 */

/** DAVE's opcodes, JSON and binary alike (discord/dave-protocol). */
export const DaveOp = {
  ClientsConnect: 11,
  ClientDisconnect: 13,
  PrepareTransition: 21,
  ExecuteTransition: 22,
  TransitionReady: 23,
  PrepareEpoch: 24,
  ExternalSenderPackage: 25,
  KeyPackage: 26,
  Proposals: 27,
  CommitWelcome: 28,
  AnnounceCommitTransition: 29,
  Welcome: 30,
  InvalidCommitWelcome: 31,
} as const;

/** The first byte of an op 27 payload. */
export const ProposalsOperation = { Append: 0, Revoke: 1 } as const;

/** A binary frame the server sends. */
export function serverBinaryFrame(seq: number, opcode: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(3 + payload.length);
  new DataView(frame.buffer).setUint16(0, seq & 0xffff);
  frame[2] = opcode;
  frame.set(payload, 3);
  return frame;
}

/** Splits a binary frame a client sent into its opcode and payload. */
export function parseClientBinaryFrame(frame: Uint8Array): { opcode: number; payload: Uint8Array } {
  if (frame.length < 1) throw new Error("Empty binary frame");
  return { opcode: frame[0], payload: frame.subarray(1) };
}

/** A u16 transition id followed by `body`: ops 29 and 30. */
export function withTransitionId(transitionId: number, body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(2 + body.length);
  new DataView(bytes.buffer).setUint16(0, transitionId);
  bytes.set(body, 2);
  return bytes;
}

/** MLS's variable-length vector (RFC 9420 §2.1.2): a 1, 2 or 4 byte length prefix, then the bytes. */
export function mlsVector(body: Uint8Array): Uint8Array {
  const n = body.length;
  const prefix = n < 0x40
    ? [n]
    : n < 0x4000
    ? [0x40 | (n >> 8), n & 0xff]
    : [0x80 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const bytes = new Uint8Array(prefix.length + n);
  bytes.set(prefix);
  bytes.set(body, prefix.length);
  return bytes;
}

/** Reads an MLS vector at `offset`: its body and the offset just past it. */
export function readMlsVector(bytes: Uint8Array, offset = 0): { body: Uint8Array; end: number } {
  const first = bytes[offset];
  const width = 1 << (first >> 6);
  if (width > 4) throw new Error("Invalid MLS vector length prefix");
  let length = first & 0x3f;
  for (let i = 1; i < width; i++) length = length * 256 + bytes[offset + i];
  const start = offset + width;
  if (start + length > bytes.length) throw new Error("MLS vector runs past the end");
  return { body: bytes.subarray(start, start + length), end: start + length };
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/** A user id as DAVE's basic credential identity: the snowflake as a big-endian u64. */
export function userIdentity(userId: string): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(userId));
  return bytes;
}

/** The user id in a DAVE basic credential identity. */
export function identityUserId(identity: Uint8Array): string {
  return new DataView(identity.buffer, identity.byteOffset, identity.byteLength).getBigUint64(0).toString();
}
