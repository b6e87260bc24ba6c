/**
 * DAVE's MLS cipher suite (2: DHKEMP256_AES128GCM_SHA256_P256) for ts-mls, signing with WebCrypto.
 *
 * ts-mls's default provider signs P-256 through the optional @noble/curves package; WebCrypto's ECDSA does
 * the same job with what the runtime has. MLS carries ECDSA signatures DER-encoded (as TLS 1.3 does) and
 * public keys as uncompressed SEC1 points, which is what WebCrypto's "raw" export gives.
 */
import type { CiphersuiteImpl } from "ts-mls/crypto/ciphersuite.js";
import { getCiphersuiteFromName } from "ts-mls/crypto/ciphersuite.js";
import type { Signature } from "ts-mls/crypto/signature.js";
import { makeHashImpl } from "ts-mls/crypto/implementation/default/makeHashImpl.js";
import { makeHpke } from "ts-mls/crypto/implementation/default/makeHpke.js";
import { makeKdf, makeKdfImpl } from "ts-mls/crypto/implementation/default/makeKdfImpl.js";
import { defaultRng } from "ts-mls/crypto/implementation/default/rng.js";

/** DAVE's only cipher suite. */
export const DAVE_CIPHERSUITE = "MLS_128_DHKEMP256_AES128GCM_SHA256_P256";

const ECDSA = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;

/** The cipher suite's implementation for ts-mls. */
export async function daveCipherSuite(): Promise<CiphersuiteImpl> {
  const cs = getCiphersuiteFromName(DAVE_CIPHERSUITE);
  return {
    kdf: makeKdfImpl(makeKdf(cs.hpke.kdf)),
    hash: makeHashImpl(crypto.subtle, cs.hash),
    signature: p256Signature,
    hpke: await makeHpke(cs.hpke),
    rng: defaultRng,
    name: cs.name,
  };
}

/** ECDSA P-256 with SHA-256; private keys are PKCS#8, signatures DER. */
const p256Signature: Signature = {
  async sign(signKey, message) {
    const key = await crypto.subtle.importKey("pkcs8", signKey as BufferSource, ECDSA, false, ["sign"]);
    return rawToDer(new Uint8Array(await crypto.subtle.sign(SIGN, key, message as BufferSource)));
  },
  async verify(publicKey, message, signature) {
    const key = await crypto.subtle.importKey("raw", publicKey as BufferSource, ECDSA, false, ["verify"]);
    return await crypto.subtle.verify(
      SIGN,
      key,
      derToRaw(signature) as BufferSource,
      message as BufferSource,
    );
  },
  async keygen() {
    const pair = await crypto.subtle.generateKey(ECDSA, true, ["sign", "verify"]);
    const publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
    const signKey = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
    return { publicKey, signKey };
  },
};

/** r‖s (32 bytes each) as a DER SEQUENCE of two INTEGERs. */
export function rawToDer(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const trimmed = bytes.subarray(start);
    const body = trimmed[0] & 0x80 ? [0, ...trimmed] : [...trimmed];
    return [0x02, body.length, ...body];
  };
  const content = [...integer(raw.subarray(0, 32)), ...integer(raw.subarray(32))];
  return new Uint8Array([0x30, content.length, ...content]);
}

/** A DER ECDSA signature back to r‖s. */
export function derToRaw(der: Uint8Array): Uint8Array {
  const raw = new Uint8Array(64);
  let offset = 2;
  for (const half of [0, 32]) {
    const length = der[offset + 1];
    const value = der.subarray(offset + 2, offset + 2 + length);
    const significant = value.subarray(Math.max(0, value.length - 32));
    raw.set(significant, half + 32 - significant.length);
    offset += 2 + length;
  }
  return raw;
}
