/**
 * Reading the RTP packets a Discord voice client sends in `aead_aes256_gcm_rtpsize` mode.
 *
 * Layout: RTP header (12 bytes, then 4 per CSRC, then the 4-byte extension header if the X bit is set),
 * AES-256-GCM ciphertext, 16-byte tag, 4-byte big-endian nonce counter. The IV is that counter followed by
 * eight zero bytes; the additional data is the unencrypted part of the header. In the "rtpsize" modes the
 * extension body is encrypted with the payload, so it is stripped from the plaintext after decryption.
 */
import { createDecipheriv } from "node:crypto";

/** The only transport encryption mode this fake reads. */
export const AES_GCM_RTPSIZE = "aead_aes256_gcm_rtpsize";

/** The Opus frame @discordjs/voice sends while pausing or after a track ends. */
export const OPUS_SILENCE_FRAME: Uint8Array = new Uint8Array([0xf8, 0xff, 0xfe]);

const TAG_BYTES = 16;
const NONCE_BYTES = 4;

/** One decrypted RTP packet. */
export interface RtpPacket {
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payloadType: number;
  /** The Opus packet (still DAVE-encrypted if the client's DAVE session was active). */
  readonly opus: Uint8Array;
}

/** The SSRC of a datagram that looks like RTP, or undefined (IP discovery and keep-alives are not RTP). */
export function rtpSsrc(datagram: Uint8Array): number | undefined {
  if (datagram.length < 12 + TAG_BYTES + NONCE_BYTES || datagram[0] >> 6 !== 2) return undefined;
  return new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength).getUint32(8);
}

/** Decrypts one `aead_aes256_gcm_rtpsize` packet; throws if it is malformed or fails authentication. */
export function decryptRtp(datagram: Uint8Array, secretKey: Uint8Array): RtpPacket {
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const hasExtension = (datagram[0] & 0x10) !== 0;
  const headerLength = 12 + 4 * (datagram[0] & 0x0f) + (hasExtension ? 4 : 0);
  const tagStart = datagram.length - NONCE_BYTES - TAG_BYTES;
  if (tagStart < headerLength) throw new Error(`RTP packet of ${datagram.length} bytes is too short`);
  const iv = new Uint8Array(12);
  iv.set(datagram.subarray(datagram.length - NONCE_BYTES));
  const decipher = createDecipheriv("aes-256-gcm", secretKey, iv);
  decipher.setAAD(datagram.subarray(0, headerLength));
  decipher.setAuthTag(datagram.subarray(tagStart, tagStart + TAG_BYTES));
  const head = decipher.update(datagram.subarray(headerLength, tagStart));
  const tail = decipher.final();
  const plain = new Uint8Array(head.length + tail.length);
  plain.set(head);
  plain.set(tail, head.length);
  const extensionBody = hasExtension ? 4 * view.getUint16(headerLength - 2) : 0;
  return {
    sequence: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    payloadType: datagram[1] & 0x7f,
    opus: plain.subarray(extensionBody),
  };
}

/** Whether an Opus packet is the 3-byte silence frame. */
export function isSilenceFrame(opus: Uint8Array): boolean {
  return opus.length === 3 && opus.every((byte, i) => byte === OPUS_SILENCE_FRAME[i]);
}
