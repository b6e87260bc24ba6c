import assert from "node:assert/strict";
import { join } from "node:path";
import { integratedLoudness, runFfmpeg, toneSegments } from "./audio_analysis.ts";
import { generateTone } from "./test_tones.ts";

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trazom_audio_test_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("generateTone hits quiet and loud loudness targets, as measured", async () => {
  await withTempDir(async (dir) => {
    const quiet = await generateTone({
      path: join(dir, "q.mp3"),
      frequencyHz: 300,
      seconds: 3,
      loudnessLufs: -32,
    });
    const loud = await generateTone({
      path: join(dir, "l.ogg"),
      frequencyHz: 500,
      seconds: 3,
      loudnessLufs: -8,
    });
    assert.ok(Math.abs(quiet.loudnessLufs + 32) < 0.5, `quiet tone at ${quiet.loudnessLufs} LUFS`);
    assert.ok(Math.abs(loud.loudnessLufs + 8) < 0.5, `loud tone at ${loud.loudnessLufs} LUFS`);
    assert.equal(await integratedLoudness(loud.path), loud.loudnessLufs);
  });
});

Deno.test("generateTone refuses a loudness that would need clipping", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "x.wav");
    await assert.rejects(
      generateTone({ path, frequencyHz: 500, seconds: 1, loudnessLufs: 0 }),
      /above the limit/,
    );
  });
});

Deno.test("toneSegments reads back the order of tones and a silent gap", async () => {
  await withTempDir(async (dir) => {
    const parts = [];
    for (const frequencyHz of [700, 300, 900]) {
      parts.push(
        (await generateTone({ path: join(dir, `${frequencyHz}.wav`), frequencyHz, seconds: 1 })).path,
      );
    }
    const inputs = parts.flatMap((path) => ["-i", path]);
    const silence = ["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo:d=1"];
    const filter = "[0:a][3:a][1:a][2:a]concat=n=4:v=0:a=1";
    const joined = join(dir, "joined.wav");
    await runFfmpeg(["-v", "error", ...inputs, ...silence, "-filter_complex", filter, joined]);

    const segments = await toneSegments(joined, { candidatesHz: [300, 500, 700, 900] });
    assert.deepEqual(segments.map((segment) => segment.frequencyHz), [700, null, 300, 900]);
    const scanned = await toneSegments(joined);
    assert.deepEqual(scanned.map((segment) => segment.frequencyHz), [700, null, 300, 900]);
  });
});
