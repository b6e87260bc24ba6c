import assert from "node:assert/strict";
import { oggCrc32, oggOpusFile, opusPacketSamples } from "./ogg_opus_writer.ts";

Deno.test("oggCrc32 matches the Ogg check value", () => {
  // CRC-32/OGG of "123456789" (the catalogue's CRC-32/MPEG-2 without the initial 0xFFFFFFFF) is 0x89A1897F.
  assert.equal(oggCrc32(new TextEncoder().encode("123456789")), 0x89a1897f);
});

Deno.test("opusPacketSamples reads frame size and count from the TOC byte", () => {
  assert.equal(opusPacketSamples(new Uint8Array([0xf8, 0xff, 0xfe])), 960);
  assert.equal(opusPacketSamples(new Uint8Array([0xfc])), 960);
  assert.equal(opusPacketSamples(new Uint8Array([0x79])), 1920);
  assert.equal(opusPacketSamples(new Uint8Array([0x1b, 0x03])), 3 * 2880);
});

Deno.test("oggOpusFile pages carry the final granule position and split large runs", () => {
  const packets = Array.from({ length: 300 }, () => new Uint8Array(300).fill(0xfc));
  const file = oggOpusFile(packets);
  const pageStarts = [...file.keys()].filter((i) =>
    file[i] === 0x4f && String.fromCharCode(...file.subarray(i, i + 4)) === "OggS"
  );
  const last = pageStarts.at(-1)!;
  assert.ok(pageStarts.length > 3, "data spread over several pages");
  assert.equal(file[last + 5], 0x04, "the last page ends the stream");
  assert.equal(new DataView(file.buffer).getBigInt64(last + 6, true), 300n * 960n);
});
