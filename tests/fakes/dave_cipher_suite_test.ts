import assert from "node:assert/strict";
import { daveCipherSuite, derToRaw, rawToDer } from "./dave_cipher_suite.ts";

Deno.test("P-256 signatures made with WebCrypto verify, in MLS's DER form", async () => {
  const cs = await daveCipherSuite();
  const { publicKey, signKey } = await cs.signature.keygen();
  assert.equal(publicKey.length, 65, "an uncompressed SEC1 point");
  assert.equal(publicKey[0], 4);
  const message = new TextEncoder().encode("a proposal");
  const signature = await cs.signature.sign(signKey, message);
  assert.equal(signature[0], 0x30, "a DER sequence");
  assert.ok(await cs.signature.verify(publicKey, message, signature));
  assert.ok(!await cs.signature.verify(publicKey, new TextEncoder().encode("another"), signature));
});

Deno.test("DER and raw ECDSA signatures convert both ways, high bits and leading zeros included", () => {
  const raw = new Uint8Array(64);
  raw[0] = 0x80; // r needs a zero byte in front to stay positive
  raw[31] = 1;
  raw[40] = 7; // s starts with zeros that DER drops
  const der = rawToDer(raw);
  assert.deepEqual([...der.subarray(0, 5)], [0x30, der.length - 2, 0x02, 33, 0]);
  assert.deepEqual(derToRaw(der), raw);
});
