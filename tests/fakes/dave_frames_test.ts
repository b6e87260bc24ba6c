import assert from "node:assert/strict";
import {
  identityUserId,
  mlsVector,
  parseClientBinaryFrame,
  readMlsVector,
  serverBinaryFrame,
  userIdentity,
  withTransitionId,
} from "./dave_frames.ts";

Deno.test("server binary frames carry the sequence number, client frames only the opcode", () => {
  assert.deepEqual([...serverBinaryFrame(0x1234, 25, new Uint8Array([9, 8]))], [0x12, 0x34, 25, 9, 8]);
  const { opcode, payload } = parseClientBinaryFrame(new Uint8Array([26, 1, 2, 3]));
  assert.equal(opcode, 26);
  assert.deepEqual([...payload], [1, 2, 3]);
  assert.deepEqual([...withTransitionId(258, new Uint8Array([7]))], [1, 2, 7]);
});

Deno.test("MLS vectors use 1, 2 and 4 byte length prefixes and read back whole", () => {
  for (
    const [length, prefix] of [[5, [5]], [63, [63]], [64, [0x40, 64]], [300, [0x41, 0x2c]], [20_000, [
      0x80,
      0,
      0x4e,
      0x20,
    ]]]
  ) {
    const body = new Uint8Array(length as number).map((_, i) => i & 0xff);
    const vector = mlsVector(body);
    assert.deepEqual([...vector.subarray(0, (prefix as number[]).length)], prefix, `length ${length}`);
    const read = readMlsVector(vector);
    assert.deepEqual(read.body, body);
    assert.equal(read.end, vector.length);
  }
  assert.throws(() => readMlsVector(new Uint8Array([10, 1, 2])), /past the end/);
});

Deno.test("a user id is a big-endian u64 identity", () => {
  const identity = userIdentity("1200000000000000102");
  assert.deepEqual([...identity], [0x10, 0xa7, 0x41, 0xa4, 0x62, 0x78, 0x00, 0x66]);
  assert.equal(identityUserId(identity), "1200000000000000102");
});
