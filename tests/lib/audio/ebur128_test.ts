import assert from "node:assert/strict";
import { parseEbur128Summary } from "../../../lib/audio/ebur128.ts";

const summary = (integrated: string, peak?: string) => `
[Parsed_ebur128_0 @ 0x55] t: 0.1 TARGET:-23 LUFS    M:-120.7 S:-120.7     I: -70.0 LUFS
[Parsed_ebur128_0 @ 0x55] Summary:

  Integrated loudness:
    I:         ${integrated} LUFS
    Threshold: -34.9 LUFS

  Loudness range:
    LRA:        17.8 LU
${
  peak === undefined ? "" : `
  True peak:
    Peak:       ${peak} dBFS`
}
`;

Deno.test("the summary's integrated loudness is read, not a per-frame line before it", () => {
  assert.deepEqual(parseEbur128Summary(summary("-24.9")), { integrated: -24.9 });
});

Deno.test("the true peak is read when it was measured", () => {
  assert.deepEqual(parseEbur128Summary(summary("-16.0", "-2.4")), { integrated: -16, truePeak: -2.4 });
});

Deno.test("silence reads as the gate's floor and an endless negative peak", () => {
  assert.deepEqual(parseEbur128Summary(summary("-inf", "-inf")), { integrated: -70, truePeak: -Infinity });
});

Deno.test("output without a summary is an error, not a number", () => {
  assert.throws(() => parseEbur128Summary("Invalid data found when processing input"), /no ebur128 summary/);
});
