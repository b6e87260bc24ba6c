import assert from "node:assert/strict";
import { createCipheriv, randomBytes } from "node:crypto";
import { decryptRtp, isSilenceFrame, OPUS_SILENCE_FRAME, rtpSsrc } from "./voice_rtp.ts";

// Encrypts the way Discord's rtpsize modes do: the header (up to the extension header) is the AAD.
function encryptRtp(header: Uint8Array, body: Uint8Array, key: Uint8Array, counter: number): Uint8Array {
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setUint32(0, counter);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(header);
  const parts = [header, cipher.update(body), cipher.final(), cipher.getAuthTag(), iv.subarray(0, 4)];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((offset, part) => (out.set(part, offset), offset + part.length), 0);
  return out;
}

function header(extension: boolean): Uint8Array {
  const bytes = new Uint8Array(extension ? 16 : 12);
  const view = new DataView(bytes.buffer);
  bytes[0] = extension ? 0x90 : 0x80;
  bytes[1] = 120;
  view.setUint16(2, 7);
  view.setUint32(4, 96_000);
  view.setUint32(8, 4242);
  // One 32-bit word of extension data follows, encrypted with the payload.
  if (extension) view.setUint16(14, 1);
  return bytes;
}

Deno.test("decryptRtp reads a plain rtpsize packet", () => {
  const key = new Uint8Array(randomBytes(32));
  const packet = encryptRtp(header(false), new Uint8Array([1, 2, 3, 4]), key, 9);
  assert.equal(rtpSsrc(packet), 4242);
  assert.deepEqual(decryptRtp(packet, key), {
    sequence: 7,
    timestamp: 96_000,
    ssrc: 4242,
    payloadType: 120,
    opus: new Uint8Array([1, 2, 3, 4]),
  });
});

Deno.test("decryptRtp strips an encrypted header extension body", () => {
  const key = new Uint8Array(randomBytes(32));
  const packet = encryptRtp(header(true), new Uint8Array([0xaa, 0xbb, 0xcc, 0xdd, 5, 6]), key, 1);
  assert.deepEqual(decryptRtp(packet, key).opus, new Uint8Array([5, 6]));
});

Deno.test("decryptRtp rejects a packet under the wrong key", () => {
  const packet = encryptRtp(header(false), new Uint8Array([1]), new Uint8Array(32), 1);
  assert.throws(() => decryptRtp(packet, new Uint8Array(32).fill(1)));
});

Deno.test("isSilenceFrame knows the 3-byte silence frame only", () => {
  assert.ok(isSilenceFrame(OPUS_SILENCE_FRAME));
  assert.ok(!isSilenceFrame(new Uint8Array([0xf8, 0xff, 0xfe, 0])));
  assert.equal(rtpSsrc(new Uint8Array(8)), undefined);
});
