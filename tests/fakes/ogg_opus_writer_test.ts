import assert from "node:assert/strict";
import { oggOpusFile } from "./ogg_opus_writer.ts";

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
