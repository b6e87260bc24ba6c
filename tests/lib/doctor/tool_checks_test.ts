/** checkFfmpeg against stand-in ffmpeg scripts: one without libopus and ebur128, one that is complete. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkFfmpeg } from "../../../lib/doctor/tool_checks.ts";

/** A shell script answering -version, -encoders and -filters like ffmpeg, listing only `encoders`/`filters`. */
async function fakeFfmpeg(dir: string, encoders: string[], filters: string[]): Promise<string> {
  const path = join(dir, "ffmpeg");
  const list = (names: string[]) => names.map((name) => `echo " A.. ${name}     x"`).join("\n");
  await Deno.writeTextFile(
    path,
    `#!/bin/sh
case "$2" in
  -version) echo "ffmpeg version 9.9-fake" ;;
  -encoders) ${encoders.length ? list(encoders) : "true"} ;;
  -filters) ${filters.length ? list(filters) : "true"} ;;
esac
`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

Deno.test("an ffmpeg without libopus or ebur128 fails the check, naming what it lacks", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = await fakeFfmpeg(dir, ["aac"], ["loudnorm"]);
    const result = await checkFfmpeg(path);
    assert.equal(result.status, "fail");
    assert.match(result.detail, /9\.9-fake .* lacks "libopus", "ebur128"/);
    assert.match(result.fix ?? "", /full ffmpeg build/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an ffmpeg with libopus, loudnorm and ebur128 passes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = await fakeFfmpeg(dir, ["libopus"], ["loudnorm", "ebur128"]);
    const result = await checkFfmpeg(path);
    assert.equal(result.status, "ok", result.detail);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without FFMPEG_PATH the fix says to install ffmpeg or set FFMPEG_PATH", async () => {
  const result = await checkFfmpegFromEmptyPath();
  assert.equal(result.status, "fail");
  assert.match(result.fix ?? "", /Install ffmpeg .* or set FFMPEG_PATH to an ffmpeg binary\./);
});

/** checkFfmpeg with PATH emptied, so the `ffmpeg` it looks up is not found. */
async function checkFfmpegFromEmptyPath() {
  const saved = Deno.env.get("PATH");
  Deno.env.set("PATH", "");
  try {
    return await checkFfmpeg(undefined);
  } finally {
    if (saved !== undefined) Deno.env.set("PATH", saved);
  }
}
