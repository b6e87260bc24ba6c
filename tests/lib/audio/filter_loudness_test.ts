import assert from "node:assert/strict";
import { CORRECTION_RANGE_DB, correctionFrom, probeGraph } from "../../../lib/audio/filter_loudness.ts";
import { runFfmpeg } from "../../fakes/audio_analysis.ts";

function summary(name: string, lufs: string): string {
  return [
    `[ebur128@${name} @ 0x55e87ada8e40] Summary:`,
    "",
    "  Integrated loudness:",
    `    I:         ${lufs} LUFS`,
    "    Threshold: -32.3 LUFS",
    "",
  ].join("\n");
}

Deno.test("the correction is what the effects took away or added, read from the last summary of each side", () => {
  // ffmpeg prints a summary for a graph it set up before the first frame too: the last one counts.
  const stderr = [
    summary("effects", "-70.0"),
    summary("plain", "-70.0"),
    summary("effects", "-22.3"),
    summary("plain", "-16.0"),
  ].join("\n");
  assert.equal(correctionFrom(stderr)?.toFixed(1), "6.3");
  assert.equal(correctionFrom(summary("plain", "-16.0") + summary("effects", "-12.5"))?.toFixed(1), "-3.5");
});

Deno.test("an excerpt too quiet to tell gives no correction, and a correction stays within its range", () => {
  assert.equal(correctionFrom(summary("plain", "-70.0") + summary("effects", "-70.0")), undefined);
  assert.equal(correctionFrom(summary("plain", "-50.0") + summary("effects", "-40.0")), undefined);
  assert.equal(correctionFrom(summary("plain", "-16.0") + summary("effects", "-inf")), undefined);
  assert.equal(
    correctionFrom(summary("plain", "-16.0") + summary("effects", "-60.0")),
    CORRECTION_RANGE_DB.max,
  );
  assert.equal(
    correctionFrom(summary("plain", "-16.0") + summary("effects", "20.0")),
    CORRECTION_RANGE_DB.min,
  );
  assert.throws(() => correctionFrom("no summary here"), /no loudness summary/);
});

Deno.test("the probe's graph runs in ffmpeg and measures both sides", async () => {
  const { stderr } = await runFfmpeg([
    ...[
      "-hide_banner",
      "-nostats",
      "-f",
      "lavfi",
      "-t",
      "3",
      "-i",
      "anoisesrc=c=pink:a=0.2:sample_rate=48000",
    ],
    ...["-filter_complex", probeGraph({ lowpass: true, tremolo: true }), "-map", "[out]", "-f", "null", "-"],
  ]);
  const correction = correctionFrom(stderr);
  assert.ok(
    correction !== undefined && correction > 3,
    `a low-pass and tremolo are made up for: ${correction}`,
  );
});
