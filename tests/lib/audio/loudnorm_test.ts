import assert from "node:assert/strict";
import {
  loudnessTarget,
  measureArgs,
  normalizeArgs,
  normalizeFilter,
  parseDurationSeconds,
  parseLoudnormReport,
} from "../../../lib/audio/loudnorm.ts";

const ffmpegTail = `
  Duration: 00:03:01.25, start: 0.000000, bitrate: 128 kb/s
[Parsed_loudnorm_0 @ 0x55d0c8a1f2c0]
{
	"input_i" : "-31.84",
	"input_tp" : "-14.21",
	"input_lra" : "0.10",
	"input_thresh" : "-41.85",
	"output_i" : "-16.02",
	"output_tp" : "-2.00",
	"output_lra" : "0.00",
	"output_thresh" : "-26.02",
	"normalization_type" : "dynamic",
	"target_offset" : "0.02"
}
`;

Deno.test("the loudnorm report is read from the end of ffmpeg's output", () => {
  assert.deepEqual(parseLoudnormReport(ffmpegTail), {
    inputI: -31.84,
    inputTp: -14.21,
    inputLra: 0.1,
    inputThresh: -41.85,
    targetOffset: 0.02,
  });
});

Deno.test("a silent track is refused with a reason, not normalized to nonsense", () => {
  const silent = ffmpegTail.replace('"-31.84"', '"-inf"');
  assert.throws(() => parseLoudnormReport(silent), /input_i="-inf"/);
  assert.throws(() => parseLoudnormReport("no json here"), /no loudnorm report/);
});

Deno.test("pass 2 feeds every pass-1 measurement back, in linear mode", () => {
  const filter = normalizeFilter(loudnessTarget(-16), parseLoudnormReport(ffmpegTail));
  assert.equal(
    filter,
    "loudnorm=I=-16:LRA=11:TP=-2:measured_I=-31.84:measured_LRA=0.1:measured_TP=-14.21:" +
      "measured_thresh=-41.85:offset=0.02:linear=true:print_format=json",
  );
});

Deno.test("pass 2 encodes 48 kHz stereo Opus in 20 ms frames into Ogg", () => {
  const args = normalizeArgs("in.m4a", "out.ogg", loudnessTarget(-16), parseLoudnormReport(ffmpegTail));
  const pairs = new Map(args.slice(0, -1).map((arg, i) => [arg, args[i + 1]]));
  assert.equal(pairs.get("-i"), "in.m4a");
  assert.equal(pairs.get("-ar"), "48000");
  assert.equal(pairs.get("-ac"), "2");
  assert.equal(pairs.get("-c:a"), "libopus");
  assert.equal(pairs.get("-frame_duration"), "20");
  assert.equal(pairs.get("-f"), "ogg");
  assert.equal(args.at(-1), "out.ogg");
});

Deno.test("pass 1 measures without writing a file", () => {
  const args = measureArgs("in.mp3", loudnessTarget(-14));
  assert.ok(args.includes("loudnorm=I=-14:LRA=11:TP=-2:print_format=json"));
  assert.deepEqual(args.slice(-3), ["-f", "null", "-"]);
});

Deno.test("the duration is read from ffmpeg's input description", () => {
  assert.equal(parseDurationSeconds(ffmpegTail), 181.25);
  assert.equal(parseDurationSeconds("nothing"), undefined);
});
